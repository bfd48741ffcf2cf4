// Facts about the audit userspace side: the rule files that are loaded at
// boot and the records that audit wrote to its log. Kept apart from
// facts.h so the producers (sources/audit_rules.cpp, sources/audit_log.cpp)
// and the checks that read them share one definition.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace lsmdoctor {

// One field comparison of a rule: `-F subj_type=foo_t` gives {"subj_type", "=", "foo_t"}.
struct AuditRuleField {
  std::string name;
  std::string op;
  std::string value;
};

// One rule (or control line such as `-e 2`, `-b 8192`, `-w PATH`) as written.
struct AuditRuleLine {
  std::string file; // the file it was read from
  int line = 0;     // 1-based
  std::string text; // the line as written (comments stripped)
  std::vector<AuditRuleField> fields;
};

// The audit rules of a host: the files the boot loads, in load order, and
// what the kernel has loaded now (live and root only).
struct AuditRules {
  std::vector<std::string> files;
  std::vector<AuditRuleLine> lines;
  std::vector<std::string> problems; // "FILE:LINE: message", as auditctl would say it
};

// Counts from scanning audit.log (and its rotated files).
struct AuditLogSummary {
  std::vector<std::string> files;               // what was scanned, in order
  std::uint64_t records = 0;                    // records (lines) read
  std::map<std::string, std::uint64_t> by_type; // "AVC" -> 12, "MAC_TASK_CONTEXTS" -> 3
  std::map<std::string, std::uint64_t> by_lsm;  // "selinux" -> 12, "apparmor" -> 4
  std::uint64_t multi_context_records = 0;      // MAC_TASK_CONTEXTS + MAC_OBJ_CONTEXTS
  std::uint64_t subj_unset = 0;                 // records carrying `subj=?`
  std::string first_multi_context;              // "FILE:LINE" of the first aux record, if any
  std::vector<std::string> warnings;            // malformed input, naming file and line
};

} // namespace lsmdoctor
