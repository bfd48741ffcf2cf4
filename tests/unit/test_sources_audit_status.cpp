// The audit status source: the `auditctl -s` capture parser, the capture
// reader under --root, and the reasons a refused netlink query gives.
#include "parse/cmdline.h"
#include "sources/audit_netlink.h"
#include "sources/audit_status.h"

#include <catch2/catch.hpp>
#include <cerrno>
#include <filesystem>
#include <fstream>

using namespace lsmdoctor;

namespace {

// `auditctl -s` from audit 3.0.9 on a 6.18 kernel, as captured.
const char* const kAuditctlOutput = "enabled 1\n"
                                    "failure 1\n"
                                    "pid 0\n"
                                    "rate_limit 0\n"
                                    "backlog_limit 1024\n"
                                    "lost 1873\n"
                                    "backlog 0\n"
                                    "backlog_wait_time 60000\n"
                                    "backlog_wait_time_actual 0\n"
                                    "loginuid_immutable 0 unlocked\n";

Fact<KernelCmdline> cmdline_of(const std::string& text) {
  return Fact<KernelCmdline>::known(parse_cmdline(text), {"/proc/cmdline"});
}

} // namespace

TEST_CASE("auditctl -s output parses into the status", "[sources][audit_status]") {
  std::vector<std::string> warnings;
  auto status = parse_audit_status(kAuditctlOutput, "cap", warnings);
  REQUIRE(status);
  CHECK(warnings.empty());
  CHECK(status->enabled == 1);
  CHECK(status->failure == 1);
  CHECK(status->pid == 0);
  CHECK(status->backlog_limit == 1024);
  CHECK(status->lost == 1873);
  REQUIRE(status->backlog_wait_time);
  CHECK(*status->backlog_wait_time == 60000);
  CHECK_FALSE(status->feature_bitmap);
  CHECK(status->summary() == "enabled=1 failure=1 pid=0 backlog=0/1024 lost=1873");
}

TEST_CASE("an older auditctl without backlog_wait_time still parses", "[sources][audit_status]") {
  std::vector<std::string> warnings;
  auto status = parse_audit_status("enabled 2\nfailure 2\npid 812\nrate_limit 0\n"
                                   "backlog_limit 64\nlost 0\nbacklog 3\nfeature_bitmap 0x7f\n",
                                   "cap", warnings);
  REQUIRE(status);
  CHECK(status->enabled == 2);
  CHECK(status->pid == 812);
  CHECK_FALSE(status->backlog_wait_time);
  REQUIRE(status->feature_bitmap);
  CHECK(*status->feature_bitmap == 0x7f);
}

TEST_CASE("bad capture lines become file:line warnings", "[sources][audit_status]") {
  std::vector<std::string> warnings;
  auto status = parse_audit_status("enabled 1\nfailure 7\nfailure 1\npid\nrate_limit 0\n"
                                   "backlog_limit -5\nbacklog_limit 64\nlost 12abc\nlost 4\n"
                                   "backlog 0\n\n# comment\nsome_future_field 9\n",
                                   "snap/.lsm-doctor/audit_status", warnings);
  REQUIRE_FALSE(status); // pid has no valid line
  CHECK(status.error().message.find("no valid 'pid' line") != std::string::npos);
  REQUIRE(warnings.size() == 4);
  CHECK(warnings[0].rfind("snap/.lsm-doctor/audit_status:2: bad failure value '7'", 0) == 0);
  CHECK(warnings[1] == "snap/.lsm-doctor/audit_status:4: not 'name value': 'pid'");
  CHECK(warnings[2].rfind("snap/.lsm-doctor/audit_status:6: bad backlog_limit", 0) == 0);
  CHECK(warnings[3].rfind("snap/.lsm-doctor/audit_status:8: bad lost value '12abc'", 0) == 0);
}

TEST_CASE("a bad line does not hide a later good one", "[sources][audit_status]") {
  std::vector<std::string> warnings;
  auto status = parse_audit_status("enabled x\nenabled 1\nfailure 1\npid 1\nrate_limit 0\n"
                                   "backlog_limit 64\nlost 99999999999\nlost 2\nbacklog 0\r\n",
                                   "f", warnings);
  REQUIRE(status);
  CHECK(status->enabled == 1);
  CHECK(status->lost == 2);
  CHECK(warnings.size() == 2);
}

TEST_CASE("the capture under --root: present, absent, malformed", "[sources][audit_status]") {
  namespace fs = std::filesystem;
  fs::path root = fs::temp_directory_path() / "lsmd-test-audit-status";
  fs::remove_all(root);
  fs::create_directories(root / ".lsm-doctor");
  std::vector<std::string> warnings;

  auto absent = read_captured_audit_status(root.string(), warnings);
  CHECK_FALSE(absent.is_known());
  CHECK(absent.reason().find("no capture of the audit status in the tree") == 0);

  std::ofstream(root / ".lsm-doctor" / "audit_status") << kAuditctlOutput;
  auto present = read_captured_audit_status(root.string(), warnings);
  REQUIRE(present.is_known());
  CHECK(present->lost == 1873);
  CHECK(present.from().source == (root / ".lsm-doctor" / "audit_status").string());

  std::ofstream(root / ".lsm-doctor" / "audit_status") << "The audit system is disabled\n";
  auto garbage = read_captured_audit_status(root.string(), warnings);
  CHECK_FALSE(garbage.is_known());
  CHECK(garbage.reason().find("expected the output of `auditctl -s`") != std::string::npos);
  fs::remove_all(root);
}

TEST_CASE("refused queries give precise reasons naming a command", "[sources][audit_status]") {
  auto plain = cmdline_of("quiet splash");
  auto audit_off = cmdline_of("lsm=landlock,bpf audit=0");
  std::string eperm = audit_status_error_reason(EPERM, plain);
  CHECK(eperm.find("permission denied: run as root (CAP_AUDIT_CONTROL)") != std::string::npos);
  CHECK(eperm.find("`sudo lsm-doctor`") != std::string::npos);
  CHECK(audit_status_error_reason(EACCES, plain) == eperm);

  std::string userns = audit_status_error_reason(ECONNREFUSED, plain);
  CHECK(userns.find("not available in this user namespace (container); run on the host") !=
        std::string::npos);

  std::string off = audit_status_error_reason(EPROTONOSUPPORT, audit_off);
  CHECK(off.find("audit=0 on the kernel command line (/proc/cmdline) disabled audit") !=
        std::string::npos);
  std::string no_audit = audit_status_error_reason(EPROTONOSUPPORT, plain);
  CHECK(no_audit.find("no audit support") != std::string::npos);
  CHECK(no_audit.find("CONFIG_AUDIT") != std::string::npos);
  std::string either =
      audit_status_error_reason(EPROTONOSUPPORT, Fact<KernelCmdline>::unknown("unreadable"));
  CHECK(either.find("no audit support or audit=0 disabled it at boot") != std::string::npos);
  CHECK(either.find("`cat /proc/cmdline`") != std::string::npos);

  CHECK(audit_status_error_reason(EIO, plain).find("`sudo auditctl -s`") != std::string::npos);
}

TEST_CASE("netlink failures name the request and the command to compare with",
          "[sources][audit_netlink]") {
  std::string timeout = audit_netlink_error_reason(
      ETIMEDOUT, "loaded audit rules (AUDIT_LIST_RULES)", "sudo auditctl -l");
  CHECK(timeout == "loaded audit rules (AUDIT_LIST_RULES): the kernel did not answer within 2 "
                   "s; compare with `sudo auditctl -l`");
  std::string denied = audit_netlink_error_reason(EPERM, "X", "sudo auditctl -l");
  CHECK(denied.rfind("X: permission denied: run as root", 0) == 0);
  CHECK(audit_netlink_error_reason(EPROTONOSUPPORT, "X", "c", "custom") == "custom");
  CHECK(audit_netlink_error_reason(EPROTONOSUPPORT, "X", "c").find("no audit netlink socket") !=
        std::string::npos);
  CHECK(audit_netlink_error_reason(ENODATA, "X", "c").find("compare with `c`") !=
        std::string::npos);
}
