#include "sources/audit_netlink.h"

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fmt/format.h>
#include <libaudit.h>
#include <poll.h>

namespace lsmdoctor {
namespace {

long long now_ms() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<long long>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

int read_replies(int fd, const std::function<AuditReplyStep(const audit_reply&)>& on_reply) {
  long long deadline = now_ms() + kAuditReplyTimeoutMs;
  for (;;) {
    long long left = deadline - now_ms();
    if (left <= 0)
      return ETIMEDOUT;
    pollfd pfd{fd, POLLIN, 0};
    int ready = ::poll(&pfd, 1, static_cast<int>(left));
    if (ready < 0 && errno != EINTR)
      return errno;
    if (ready <= 0)
      continue;
    audit_reply rep{};
    int rc = audit_get_reply(fd, &rep, GET_REPLY_NONBLOCKING, 0);
    if (rc < 0 && -rc != EAGAIN && -rc != EINTR)
      return -rc;
    if (rc <= 0)
      continue;
    if (rep.type == NLMSG_DONE)
      return 0;
    if (rep.type == NLMSG_ERROR) {
      if (rep.error && rep.error->error != 0)
        return -rep.error->error;
      continue; // an ack
    }
    if (on_reply(rep) == AuditReplyStep::done)
      return 0;
  }
}

} // namespace

int audit_netlink_exchange(const std::function<int(int fd)>& request,
                           const std::function<AuditReplyStep(const audit_reply&)>& on_reply) {
  set_aumessage_mode(MSG_QUIET, DBG_NO); // library code never prints
  errno = 0;
  int fd = audit_open();
  if (fd < 0)
    return errno != 0 ? errno : EIO;
  int rc = request(fd);
  int error = rc < 0 ? -rc : read_replies(fd, on_reply);
  audit_close(fd);
  return error;
}

std::size_t audit_reply_payload(const audit_reply& reply) {
  return reply.nlh && reply.nlh->nlmsg_len > NLMSG_HDRLEN
             ? static_cast<std::size_t>(reply.nlh->nlmsg_len - NLMSG_HDRLEN)
             : 0;
}

std::string audit_netlink_error_reason(int error, std::string_view what, std::string_view compare,
                                       const std::string& no_audit) {
  switch (error) {
  case EPERM:
  case EACCES:
    return fmt::format("{}: permission denied: run as root (CAP_AUDIT_CONTROL), e.g. "
                       "`sudo lsm-doctor`",
                       what);
  case ECONNREFUSED:
    return fmt::format("{}: audit is not available in this user namespace (container); run on "
                       "the host: `sudo lsm-doctor`",
                       what);
  case EPROTONOSUPPORT:
  case EAFNOSUPPORT:
    if (!no_audit.empty())
      return no_audit;
    return fmt::format("{}: the kernel has no audit netlink socket (audit=0 or no CONFIG_AUDIT)",
                       what);
  case ETIMEDOUT:
    return fmt::format("{}: the kernel did not answer within {} s; compare with `{}`", what,
                       kAuditReplyTimeoutMs / 1000, compare);
  default:
    return fmt::format("{}: {}; compare with `{}`", what, std::strerror(error), compare);
  }
}

} // namespace lsmdoctor
