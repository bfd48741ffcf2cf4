#include "sources/audit_status.h"

#include "parse/line_reader.h"
#include "sources/audit_netlink.h"
#include "sources/gather.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fmt/format.h>
#include <libaudit.h>
#include <string_view>
#include <sys/stat.h>

namespace lsmdoctor {
namespace {

AuditStatus from_kernel(const audit_reply& rep) {
  // Older kernels send a shorter struct; copy only what was sent.
  std::size_t payload = audit_reply_payload(rep);
  audit_status raw{};
  std::memcpy(&raw, rep.status, std::min(payload, sizeof raw));
  AuditStatus s;
  s.enabled = static_cast<int>(raw.enabled);
  s.failure = static_cast<int>(raw.failure);
  s.pid = raw.pid;
  s.rate_limit = raw.rate_limit;
  s.backlog_limit = raw.backlog_limit;
  s.lost = raw.lost;
  s.backlog = raw.backlog;
  s.feature_bitmap = raw.feature_bitmap;
  bool has_wait_time = payload >= offsetof(audit_status, backlog_wait_time) + sizeof(__u32) &&
                       (raw.feature_bitmap & AUDIT_FEATURE_BITMAP_BACKLOG_WAIT_TIME) != 0;
  if (has_wait_time)
    s.backlog_wait_time = raw.backlog_wait_time;
  return s;
}

bool audit_off_at_boot(const Fact<KernelCmdline>& cmdline) {
  if (!cmdline.is_known())
    return false;
  auto audit = cmdline->last("audit");
  return audit && (*audit == "0" || *audit == "off");
}

} // namespace

int query_audit_status(AuditStatus& out) {
  bool answered = false;
  int error = audit_netlink_exchange(audit_request_status, [&](const audit_reply& rep) {
    if (rep.type != AUDIT_GET || rep.status == nullptr)
      return AuditReplyStep::more;
    out = from_kernel(rep);
    answered = true;
    return AuditReplyStep::done;
  });
  // A reply stream that ends without the status is no status.
  return error == 0 && !answered ? ENODATA : error;
}

std::string audit_status_error_reason(int error, const Fact<KernelCmdline>& cmdline) {
  std::string no_audit;
  if (error == EPROTONOSUPPORT || error == EAFNOSUPPORT) {
    if (audit_off_at_boot(cmdline))
      no_audit = fmt::format("audit netlink socket: audit=0 on the kernel command line ({}) "
                             "disabled audit at boot; remove audit=0, reboot, then run "
                             "`sudo lsm-doctor`",
                             cmdline.from().source);
    else if (cmdline.is_known())
      no_audit = fmt::format("audit netlink socket: the kernel has no audit support ({} has no "
                             "audit=0, so CONFIG_AUDIT is off); check with `grep CONFIG_AUDIT= "
                             "/boot/config-$(uname -r)`",
                             cmdline.from().source);
    else
      no_audit = "audit netlink socket: the kernel has no audit support or audit=0 disabled it "
                 "at boot; `cat /proc/cmdline` tells which";
  }
  return audit_netlink_error_reason(error, "audit status (AUDIT_GET)", "sudo auditctl -s",
                                    no_audit);
}

Fact<AuditStatus> read_live_audit_status(const Fact<KernelCmdline>& cmdline, int& error) {
  AuditStatus status;
  error = query_audit_status(status);
  if (error != 0)
    return Fact<AuditStatus>::unknown(audit_status_error_reason(error, cmdline), {"netlink"});
  return Fact<AuditStatus>::known(status, {"netlink"});
}

namespace {

struct StatusField {
  const char* name;
  std::uint32_t max;
  bool required; // printed by every auditctl -s since audit 2.x
};

constexpr std::array<StatusField, 9> kStatusFields{{
    {"enabled", 2, true},
    {"failure", 2, true},
    {"pid", UINT32_MAX, true},
    {"rate_limit", UINT32_MAX, true},
    {"backlog_limit", UINT32_MAX, true},
    {"lost", UINT32_MAX, true},
    {"backlog", UINT32_MAX, true},
    {"backlog_wait_time", UINT32_MAX, false},
    {"feature_bitmap", UINT32_MAX, false},
}};

void store(AuditStatus& s, std::size_t field, std::uint32_t value) {
  switch (field) {
  case 0:
    s.enabled = static_cast<int>(value);
    break;
  case 1:
    s.failure = static_cast<int>(value);
    break;
  case 2:
    s.pid = value;
    break;
  case 3:
    s.rate_limit = value;
    break;
  case 4:
    s.backlog_limit = value;
    break;
  case 5:
    s.lost = value;
    break;
  case 6:
    s.backlog = value;
    break;
  case 7:
    s.backlog_wait_time = value;
    break;
  default:
    s.feature_bitmap = value;
    break;
  }
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
    text.remove_suffix(1);
  return text;
}

} // namespace

Result<AuditStatus> parse_audit_status(const std::string& text, const std::string& path,
                                       std::vector<std::string>& warnings) {
  AuditStatus status;
  std::array<bool, kStatusFields.size()> seen{};
  for (auto [line_no, raw] : TextLines(text)) {
    std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#')
      continue;
    std::size_t space = line.find_first_of(" \t");
    std::string_view key = line.substr(0, space);
    std::string value(space == std::string_view::npos ? "" : trim(line.substr(space)));
    value = value.substr(0, value.find_first_of(" \t")); // "loginuid_immutable 0 unlocked"
    std::string shown(line.substr(0, 60));
    if (value.empty()) {
      warnings.push_back(fmt::format("{}:{}: not 'name value': '{}'", path, line_no, shown));
      continue;
    }
    auto field = std::find_if(kStatusFields.begin(), kStatusFields.end(),
                              [&](const StatusField& f) { return key == f.name; });
    // Newer auditctl versions print more fields (backlog_wait_time_actual,
    // loginuid_immutable); they are not needed, so they are no error.
    if (field == kStatusFields.end())
      continue;
    char* end = nullptr;
    errno = 0;
    unsigned long long number = std::strtoull(value.c_str(), &end, 0);
    if (errno != 0 || end == value.c_str() || *end != '\0' || value.front() == '-' ||
        number > field->max) {
      warnings.push_back(fmt::format("{}:{}: bad {} value '{}' (expected 0 to {}); ignored", path,
                                     line_no, field->name, value.substr(0, 40), field->max));
      continue;
    }
    auto index = static_cast<std::size_t>(field - kStatusFields.begin());
    store(status, index, static_cast<std::uint32_t>(number));
    seen[index] = true;
  }
  for (std::size_t i = 0; i < kStatusFields.size(); ++i)
    if (kStatusFields[i].required && !seen[i])
      return make_error(fmt::format("{}: no valid '{}' line (expected the output of `auditctl -s`)",
                                    path, kStatusFields[i].name));
  return status;
}

std::string format_audit_status(const AuditStatus& s) {
  std::string out =
      fmt::format("enabled {}\nfailure {}\npid {}\nrate_limit {}\nbacklog_limit {}\n"
                  "lost {}\nbacklog {}\n",
                  s.enabled, s.failure, s.pid, s.rate_limit, s.backlog_limit, s.lost, s.backlog);
  if (s.backlog_wait_time)
    out += fmt::format("backlog_wait_time {}\n", *s.backlog_wait_time);
  if (s.feature_bitmap)
    out += fmt::format("feature_bitmap {:#x}\n", *s.feature_bitmap);
  return out;
}

Fact<AuditStatus> read_captured_audit_status(const std::string& root,
                                             std::vector<std::string>& warnings) {
  std::string path = under_root(root, "/.lsm-doctor/audit_status");
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return Fact<AuditStatus>::unknown(
        "no capture of the audit status in the tree (.lsm-doctor/audit_status, the output of "
        "`auditctl -s`); on the host run `sudo lsm-doctor`",
        {path});
  auto text = read_small_file(path, std::size_t{64} * 1024);
  if (!text)
    return Fact<AuditStatus>::unknown(text.error().message, {path});
  auto status = parse_audit_status(*text, path, warnings);
  if (!status)
    return Fact<AuditStatus>::unknown(status.error().message, {path});
  return Fact<AuditStatus>::known(*status, {path});
}

} // namespace lsmdoctor
