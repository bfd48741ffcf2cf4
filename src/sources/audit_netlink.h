// One read-only exchange with the kernel audit subsystem over libaudit's
// netlink socket: open, send one request, read its replies with a deadline.
// Shared by the audit status (AUDIT_GET) and the rule list (AUDIT_LIST_RULES).
#pragma once

#include <functional>
#include <string>
#include <string_view>

struct audit_reply;

namespace lsmdoctor {

// The kernel answers at once; a silent socket means something is wrong, and
// a doctor must not hang on it.
inline constexpr int kAuditReplyTimeoutMs = 2000;

// What a reply handler wants next.
enum class AuditReplyStep { more, done };

// Opens the socket, calls `request(fd)` (a libaudit audit_request_* call,
// negative errno on failure) and passes every reply other than acks to
// `on_reply` until it answers done or NLMSG_DONE arrives. Returns 0, or the
// errno of the failing step (socket, request, an NLMSG_ERROR reply, or
// ETIMEDOUT after kAuditReplyTimeoutMs). Never prints.
int audit_netlink_exchange(const std::function<int(int fd)>& request,
                           const std::function<AuditReplyStep(const audit_reply&)>& on_reply);

// The payload length of a reply (bytes after the netlink header); 0 when the
// reply has no header.
std::size_t audit_reply_payload(const audit_reply& reply);

// Why an exchange failed, for an unknown fact: `what` names the request
// ("audit status (AUDIT_GET)"), `compare` the command a person can run
// instead ("sudo auditctl -s"). `no_audit` replaces the generic text for a
// kernel without an audit socket (EPROTONOSUPPORT) when not empty.
std::string audit_netlink_error_reason(int error, std::string_view what, std::string_view compare,
                                       const std::string& no_audit = {});

} // namespace lsmdoctor
