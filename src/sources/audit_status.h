// The kernel audit status (AUDIT_GET), read live through libaudit's netlink
// API or from a capture in `auditctl -s` format. Read-only: never sends a set.
#pragma once

#include "core/facts.h"
#include "core/result.h"

#include <string>
#include <vector>

namespace lsmdoctor {

// Asks the running kernel for its audit status. Returns 0 and fills `out`,
// or the errno of the failing step (audit_open, the request, the reply).
int query_audit_status(AuditStatus& out);

// Why a refused query leaves the status unknown, naming the command that
// would work. `cmdline` tells audit=0 apart from a kernel without audit.
std::string audit_status_error_reason(int error, const Fact<KernelCmdline>& cmdline);

// The live fact: the status from netlink ("netlink"), or unknown with the
// reason above. `error` receives the errno (0 on success).
Fact<AuditStatus> read_live_audit_status(const Fact<KernelCmdline>& cmdline, int& error);

// Parses `auditctl -s` output. Bad lines become "path:line: ..." warnings;
// an error when a field every auditctl prints is missing.
Result<AuditStatus> parse_audit_status(const std::string& text, const std::string& path,
                                       std::vector<std::string>& warnings);

// The status as `auditctl -s` prints it (plus feature_bitmap when known), the
// text parse_audit_status reads back unchanged.
std::string format_audit_status(const AuditStatus& status);

// The capture DIR/.lsm-doctor/audit_status of a --root tree.
Fact<AuditStatus> read_captured_audit_status(const std::string& root,
                                             std::vector<std::string>& warnings);

} // namespace lsmdoctor
