// Audit rule files in auditctl syntax (`auditctl -R FILE`, augenrules,
// NixOS security.audit.rules): lines become AuditRuleLine facts, and lines
// auditctl would refuse become problems worded as auditctl words them.
// Names are checked against libaudit's own tables (fields, syscalls, message
// types, lists, errno names); nothing is sent to the kernel.
#pragma once

#include "core/audit_facts.h"

#include <string>
#include <string_view>

namespace lsmdoctor {

// Parses the text of one rules file named `file` and appends its lines and
// problems to `out`. `machine` is libaudit's machine type for syscall names
// without `-F arch=` (audit_detect_machine() on the host that loads them).
// Usernames in uid/gid fields are accepted without looking them up.
void parse_audit_rules(std::string_view text, const std::string& file, int machine,
                       AuditRules& out);

// The same for one line (`line_no` 1-based); `ignore_errors` carries -i/-c
// from the lines before it and is updated. Returns false when auditctl would
// reject the line.
bool parse_audit_rule_line(std::string_view line, const std::string& file, int line_no, int machine,
                           bool& ignore_errors, AuditRules& out);

// "There was an error in line N of FILE", the line auditctl -R prints after
// each refused line.
std::string auditctl_line_error(const AuditRuleProblem& problem);

// Names of the fields that compare a security-module context
// (subj_user ... obj_lev_high); true for such a field name.
bool is_lsm_context_field(std::string_view name);

} // namespace lsmdoctor
