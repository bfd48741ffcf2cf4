// audit.status.*: pass, fail, unknown and not-applicable for each check, and
// the netlink confirmation of audit=0 in audit.kernel.disabled.
#include "checks/checks.h"
#include "parse/cmdline.h"
#include "parse/lsm_list.h"
#include "test_support.h"

#include <catch2/catch.hpp>
#include <cerrno>
#include <optional>

using namespace lsmdoctor;
using namespace lsmdoctor::test;

namespace {

// A host with audit on, printk failure mode, a daemon and nothing lost.
AuditStatus healthy_status() {
  AuditStatus s;
  s.enabled = 1;
  s.failure = 1;
  s.pid = 812;
  s.backlog_limit = 8192;
  return s;
}

Facts facts_with(const AuditStatus& status, const std::string& stack = "capability,apparmor",
                 const std::string& release = "6.18.2") {
  Facts facts;
  facts.audit_status = Fact<AuditStatus>::known(status, {"netlink"});
  facts.active_lsms =
      Fact<std::vector<std::string>>::known(parse_lsm_list(stack).names, {"/sys/lsm"});
  facts.kernel = Fact<KernelRelease>::known(parse_kernel_release(release), {"/proc/osrelease"});
  facts.kernel_log = Fact<KernelLog>::known(KernelLog{}, {"/dev/kmsg"});
  return facts;
}

Facts facts_unknown() {
  Facts facts;
  facts.audit_status = Fact<AuditStatus>::unknown(
      "audit status (AUDIT_GET): permission denied: run as root (CAP_AUDIT_CONTROL)");
  return facts;
}

void add_context_errors(Facts& facts, std::uint64_t count) {
  SignatureStats stats;
  stats.matches = stats.total = count;
  facts.kernel_log.value().signatures["subj-ctx-error"] = stats;
}

} // namespace

TEST_CASE("every audit.status check is unknown without the status", "[checks][audit_status]") {
  for (const CheckDef* def :
       {&checks::audit_status_lost, &checks::audit_status_no_daemon,
        &checks::audit_status_failure_panic, &checks::audit_status_immutable}) {
    CAPTURE(def->id);
    Finding f = run_check(*def, facts_unknown());
    CHECK(f.status == Status::unknown);
    CHECK(f.detail.find("run as root") != std::string::npos);
  }
}

TEST_CASE("audit.status.lost", "[checks][audit_status]") {
  AuditStatus s = healthy_status();
  CHECK(run_check(checks::audit_status_lost, facts_with(s)).status == Status::pass);
  s.lost = 1873;
  s.pid = 0;
  Facts facts = facts_with(s);
  add_context_errors(facts, 53);
  Finding f = run_check(checks::audit_status_lost, facts);
  CHECK(f.status == Status::fail);
  CHECK(f.severity == Severity::warning);
  CHECK(f.title == "1873 audit records were lost");
  CHECK(f.detail.find("No audit daemon") != std::string::npos);
  CHECK(f.detail.find("53 audit context errors") != std::string::npos);
  CHECK(f.detail.find("audit_backlog_limit=") != std::string::npos);
  REQUIRE(f.evidence.size() == 1);
  CHECK(f.evidence[0].source == "netlink");
  s.enabled = 0; // lost before audit was turned off: still lost
  CHECK(run_check(checks::audit_status_lost, facts_with(s)).status == Status::fail);
  s.lost = 0;
  CHECK(run_check(checks::audit_status_lost, facts_with(s)).status == Status::not_applicable);
}

TEST_CASE("audit.status.no-daemon", "[checks][audit_status]") {
  AuditStatus s = healthy_status();
  Finding ok = run_check(checks::audit_status_no_daemon, facts_with(s));
  CHECK(ok.status == Status::pass);
  CHECK(ok.title.find("pid 812") != std::string::npos);
  s.pid = 0;
  Finding f = run_check(checks::audit_status_no_daemon, facts_with(s));
  CHECK(f.status == Status::fail);
  CHECK(f.severity == Severity::warning);
  CHECK(f.detail.find("kernel log") != std::string::npos);
  CHECK(f.evidence.size() == 1);
  Facts logged = facts_with(s);
  logged.kernel_log = test::kernel_log({"[ 8.1] kauditd_printk_skb: 208 callbacks suppressed"});
  Finding with_echoes = run_check(checks::audit_status_no_daemon, logged);
  REQUIRE(with_echoes.evidence.size() == 2);
  CHECK(with_echoes.evidence[1].excerpt.find("kauditd_printk_skb") != std::string::npos);
  s.enabled = 2; // locked without a daemon is as bad
  CHECK(run_check(checks::audit_status_no_daemon, facts_with(s)).status == Status::fail);
  s.enabled = 0;
  CHECK(run_check(checks::audit_status_no_daemon, facts_with(s)).status == Status::not_applicable);
}

TEST_CASE("audit.status.immutable", "[checks][audit_status]") {
  AuditStatus s = healthy_status();
  CHECK(run_check(checks::audit_status_immutable, facts_with(s)).status == Status::pass);
  s.enabled = 2;
  Finding f = run_check(checks::audit_status_immutable, facts_with(s));
  CHECK(f.status == Status::fail);
  CHECK(f.severity == Severity::info);
  CHECK(f.detail.find("cannot change until reboot") != std::string::npos);
  CHECK(f.detail.find("needs a reboot") != std::string::npos);
  s.enabled = 0;
  CHECK(run_check(checks::audit_status_immutable, facts_with(s)).status == Status::not_applicable);
}

TEST_CASE("audit.status.failure-panic", "[checks][audit_status]") {
  const CheckDef& def = checks::audit_status_failure_panic;
  AuditStatus s = healthy_status();
  CHECK(run_check(def, facts_with(s, "capability,landlock,bpf,apparmor")).status == Status::pass);

  SECTION("an unreadable status does not matter when no lookup can fail") {
    Facts facts = facts_with(s, "capability,landlock,apparmor,bpf");
    facts.audit_status = Fact<AuditStatus>::unknown("permission denied: run as root");
    CHECK(run_check(def, facts).status == Status::not_applicable);
    facts.active_lsms = Fact<std::vector<std::string>>::known(
        parse_lsm_list("capability,bpf,apparmor").names, {"/sys/lsm"});
    Finding f = run_check(def, facts);
    CHECK(f.status == Status::unknown);
    CHECK(f.detail.find("run as root") != std::string::npos);
  }

  s.failure = 2;
  SECTION("panic mode with a safe order and a clean log passes") {
    CHECK(run_check(def, facts_with(s, "capability,landlock,apparmor,bpf")).status == Status::pass);
  }
  SECTION("bpf before apparmor on 6.18 fails even with a clean log") {
    Finding f = run_check(def, facts_with(s, "capability,landlock,bpf,apparmor"));
    CHECK(f.status == Status::fail);
    CHECK(f.severity == Severity::error);
    CHECK(f.confidence == "medium");
    CHECK(f.detail.find("ahead of apparmor") != std::string::npos);
  }
  SECTION("bpf before apparmor on 6.17 is no risk yet") {
    CHECK(run_check(def, facts_with(s, "capability,bpf,apparmor", "6.17.4")).status ==
          Status::pass);
  }
  SECTION("context errors in the log fail, audit off arms it with -e 1") {
    s.enabled = 0;
    Facts facts = facts_with(s, "capability,apparmor");
    add_context_errors(facts, 7);
    Finding f = run_check(def, facts);
    CHECK(f.status == Status::fail);
    CHECK(f.confidence == "high");
    CHECK(f.detail.find("7 audit context errors") != std::string::npos);
    CHECK(f.detail.find("`auditctl -e 1`") != std::string::npos);
  }
  SECTION("panic mode with a safe order but no kernel log is unknown") {
    Facts facts = facts_with(s, "capability,apparmor,bpf");
    facts.kernel_log = Fact<KernelLog>::unknown("dmesg_restrict");
    CHECK(run_check(def, facts).status == Status::unknown);
  }
  SECTION("panic mode with an unknown order and release is unknown") {
    Facts facts = facts_with(s);
    facts.active_lsms = Fact<std::vector<std::string>>::unknown("not mounted");
    facts.kernel = Fact<KernelRelease>::unknown("unreadable");
    CHECK(run_check(def, facts).status == Status::unknown);
  }
}

namespace {

// A plan: the order on its command line, no kernel log, no audit status.
Facts planned(const std::string& lsm, std::optional<int> failure,
              const std::string& release = "6.18.2") {
  Facts facts;
  facts.origin = Origin::plan;
  facts.kernel = Fact<KernelRelease>::known(parse_kernel_release(release), {"plan.toml", 2});
  facts.cmdline = Fact<KernelCmdline>::known(parse_cmdline("lsm=" + lsm), {"plan.toml", 3});
  facts.active_lsms = Fact<std::vector<std::string>>::unknown("a plan is not booted");
  facts.kernel_log = Fact<KernelLog>::unknown("a plan is not booted");
  facts.audit_status = Fact<AuditStatus>::unknown("a plan is not booted");
  facts.audit_failure_mode = failure ? Fact<int>::known(*failure, {"plan.toml", 7})
                                     : Fact<int>::unknown("the plan gives no audit.failure");
  return facts;
}

} // namespace

TEST_CASE("audit.status.failure-panic judges a plan's failure mode", "[checks][audit_status]") {
  const CheckDef& def = checks::audit_status_failure_panic;
  Finding panic = run_check(def, planned("landlock,yama,bpf,apparmor", 2));
  CHECK(panic.status == Status::fail);
  CHECK(panic.confidence == "medium");
  REQUIRE_FALSE(panic.evidence.empty());
  CHECK(panic.evidence[0].source == "plan.toml");
  CHECK(panic.evidence[0].line == 7);
  CHECK(panic.evidence[0].excerpt == "failure mode 2 (panic)");
  // Without a kernel log a plan is judged on its order and kernel alone.
  CHECK(run_check(def, planned("landlock,yama,apparmor,bpf", 2)).status == Status::pass);
  CHECK(run_check(def, planned("landlock,yama,bpf,apparmor", 2, "6.17.9")).status == Status::pass);
  Finding printk = run_check(def, planned("landlock,yama,bpf,apparmor", 1));
  CHECK(printk.status == Status::pass);
  CHECK(printk.title.find("1 (printk)") != std::string::npos);
  Finding none = run_check(def, planned("landlock,yama,bpf,apparmor", std::nullopt));
  CHECK(none.status == Status::unknown);
  CHECK(none.detail.find("the plan gives no audit.failure") != std::string::npos);
  SECTION("a plan with audit=0 is armed by the first -e 1") {
    Facts off = planned("landlock,yama,bpf,apparmor", 2);
    off.cmdline = Fact<KernelCmdline>::known(
        parse_cmdline("lsm=landlock,yama,bpf,apparmor audit=0"), {"plan.toml", 3});
    CHECK(run_check(def, off).detail.find("`auditctl -e 1`") != std::string::npos);
  }
}

TEST_CASE("audit.kernel.disabled cites a refused audit socket", "[checks][audit_status]") {
  Facts facts = facts_with(healthy_status(), "capability,apparmor");
  facts.audit_status = Fact<AuditStatus>::unknown("audit=0");
  facts.cmdline = Fact<KernelCmdline>::known(parse_cmdline("audit=0"), {"/proc/cmdline"});
  facts.audit_status_errno = EPROTONOSUPPORT;
  Finding f = run_check(checks::audit_kernel_disabled, facts);
  CHECK(f.status == Status::fail);
  REQUIRE(f.evidence.size() == 3);
  CHECK(f.evidence[2].source == "netlink");
  facts.audit_status_errno = EPERM; // says nothing about audit=0
  CHECK(run_check(checks::audit_kernel_disabled, facts).evidence.size() == 2);
}
