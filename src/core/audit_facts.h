// Facts about the audit userspace side: the rule files that are loaded at
// boot and the records that audit wrote to its log. Kept apart from
// facts.h so the producers (sources/audit_rules.cpp, sources/audit_log.cpp)
// and the checks that read them share one definition.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
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

// Where a record was seen: "FILE:LINE", its msg=audit() time and the line
// itself (cut to a few hundred bytes).
struct AuditRecordSample {
  std::string where;
  std::string time; // "1700000000.123", empty when the line had none
  std::string text;
};

// Counts from scanning audit.log (and its rotated files), streamed: the
// memory does not grow with the size of the logs.
struct AuditLogSummary {
  std::vector<std::string> files;               // what was scanned, oldest first
  std::vector<std::string> unreadable;          // "PATH: reason" of files that were skipped
  std::uint64_t records = 0;                    // records (lines) read
  std::uint64_t other_lines = 0;                // lines that are not audit records
  std::map<std::string, std::uint64_t> by_type; // "AVC" -> 12, "MAC_TASK_CONTEXTS" -> 3
  std::map<std::string, std::uint64_t> by_lsm;  // "selinux" -> 12, "apparmor" -> 4
  // UNKNOWN[N] types of an audit userspace older than the kernel, and the
  // name they are counted under: "UNKNOWN[1425]" -> "MAC_TASK_CONTEXTS".
  std::map<std::string, std::string> renamed_types;
  std::string first_time; // earliest msg=audit() time, "1700000000.123"; empty when none
  std::string last_time;  // latest
  std::uint64_t first_seconds = 0;
  std::uint64_t last_seconds = 0;

  // Multi-context aux records (MAC_TASK_CONTEXTS/MAC_OBJ_CONTEXTS): the
  // kernel's multi-LSM audit at work.
  std::uint64_t multi_context_records = 0;     // MAC_TASK_CONTEXTS + MAC_OBJ_CONTEXTS
  std::string first_multi_context;             // "FILE:LINE" of the first aux record, if any
  std::vector<std::string> multi_context_lsms; // modules named by subj_<lsm>= / obj_<lsm>=
  std::optional<AuditRecordSample> multi_context_sample;

  // The subject field of the types the kernel writes subj= into.
  std::uint64_t subj_records = 0; // records of those types
  std::uint64_t subj_unset = 0;   // records carrying `subj=?` (of any type)
  std::uint64_t subj_missing = 0; // records of those types without subj=
  std::optional<AuditRecordSample> subj_unset_first, subj_unset_last;
  std::optional<AuditRecordSample> subj_missing_first, subj_missing_last;
  std::vector<std::string> warnings; // malformed input, naming file and line
};
} // namespace lsmdoctor
