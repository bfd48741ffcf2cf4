// Audit rule files (the ones the boot loads, or --audit-rules FILE) and the
// rule list the kernel has loaded (AUDIT_LIST_RULES through libaudit, read
// only), or its capture in DIR/.lsm-doctor/audit_rules_loaded under --root.
#pragma once

#include "core/facts.h"
#include "sources/gather.h"

#include <string>
#include <vector>

namespace lsmdoctor {

// The rules file that `ExecStart=` of a unit file passes to `auditctl -R`,
// or "" when there is none. `unit_text` is the unit file's content.
std::string rules_file_of_unit(const std::string& unit_text);

// The rule files: --audit-rules when given, else the NixOS unit's file,
// /etc/audit/audit.rules and /etc/audit/rules.d/*.rules under the root.
Fact<AuditRules> gather_audit_rules(const GatherOptions& options,
                                    std::vector<std::string>& warnings);

// The kernel's loaded rules: netlink on a live host (root only), the capture
// under --root, unknown with the reason otherwise.
Fact<LoadedAuditRules> gather_loaded_audit_rules(const GatherOptions& options,
                                                 std::vector<std::string>& warnings);

// The loaded rules as `auditctl -l` prints them ("No rules" when empty),
// the text .lsm-doctor/audit_rules_loaded holds: what a snapshot captures.
std::string format_loaded_audit_rules(const LoadedAuditRules& loaded);

// `path` with every symbolic link resolved inside `root` (an absolute link
// target is taken relative to the root), as a path under the root.
std::string resolve_under_root(const std::string& root, const std::string& path);

} // namespace lsmdoctor
