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

// What a line of a rules file asks auditctl to do.
enum class AuditRuleKind {
  rule,        // -a/-A list,action ... (add a syscall or filter rule)
  delete_rule, // -d list,action ...
  watch,       // -w PATH (add a file watch)
  unwatch,     // -W PATH
  control,     // -e/-b/-f/-r/--backlog_wait_time/--loginuid-immutable
  delete_all,  // -D
  option,      // -i/-c (how the rest of the file is loaded)
  other,       // anything else auditctl accepts (-l, -s, -t, -q, -m, ...)
};

// One rule (or control line such as `-e 2`, `-b 8192`, `-w PATH`) as written.
struct AuditRuleLine {
  std::string file; // the file it was read from
  int line = 0;     // 1-based
  std::string text; // the line as written (comments stripped)
  std::vector<AuditRuleField> fields;
  AuditRuleKind kind = AuditRuleKind::other;
  std::string list;                  // "exit", "user", ... (-a/-A/-d)
  std::string action;                // "always" or "never"
  std::vector<std::string> syscalls; // -S names as written, split at commas
  std::string path;                  // -w/-W PATH
  std::string perms;                 // -p
  std::vector<std::string> keys;     // -k and -F key=
  std::string control;               // the control option: "-e", "-b", "--backlog_wait_time", ...
  std::string value;                 // its argument ("2" for -e 2)
  bool valid = true;                 // false when auditctl would reject the line
};

// A line auditctl would reject (or warn about), in auditctl's own words.
struct AuditRuleProblem {
  std::string file;
  int line = 0;
  std::string text;     // the line as written
  std::string message;  // "-F unknown field: subj_foo", "Syscall name unknown: opn"
  bool warning = false; // auditctl loads the line anyway (only prints a warning)
  // auditctl -R stops reading the file here (no -i or -c before it).
  bool stops_loading = false;
};

// A watched path (-w) as it is on the host's disk.
struct AuditWatchTarget {
  std::string path;    // as written in the rule
  bool exists = false; // lstat succeeded (under --root: inside the tree)
  bool symlink = false;
  std::string target; // the link's target as stored, when a symlink
};

// The audit rules of a host: the files the boot loads, in load order.
struct AuditRules {
  std::vector<std::string> files;
  // Files of /etc/audit/rules.d that augenrules joins into audit.rules (it
  // moves their -e line to the end, so order within them is not judged).
  std::vector<std::string> fragments;
  std::vector<AuditRuleLine> lines;
  std::vector<AuditRuleProblem> problems;
  std::vector<AuditWatchTarget> watches; // one per distinct -w path
  std::string how_found; // "--audit-rules", "ExecStart= of audit-rules-nixos.service", ...
};

// The rules the kernel has loaded now (AUDIT_LIST_RULES, `auditctl -l`).
// Each rule is kept in the shape of a rules-file line (file "netlink" or the
// capture's path), so checks judge loaded and written rules alike.
struct LoadedAuditRules {
  std::vector<AuditRuleLine> rules;
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
