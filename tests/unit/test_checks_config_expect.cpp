#include "checks/checks.h"
#include "checks/plan_scope.h"
#include "test_support.h"

#include <catch2/catch.hpp>

using namespace lsmdoctor;
using namespace lsmdoctor::test;

namespace {

Finding run(const CheckDef& def, const Facts& facts, const DoctorConfig* config) {
  return def.run(CheckContext{facts, knowledge(), config});
}

DoctorConfig config() {
  DoctorConfig c;
  c.file = "ci.toml";
  c.today = {2026, 11, 23};
  return c;
}

AuditStatus status(int enabled) {
  AuditStatus s;
  s.enabled = enabled;
  return s;
}

} // namespace

TEST_CASE("config.expect.*: not applicable without the expectation", "[checks][config]") {
  Facts facts;
  facts.active_lsms = active("capability,apparmor");
  DoctorConfig empty = config();
  for (const CheckDef* def : {&checks::config_expect_modules, &checks::config_expect_audit_enabled,
                              &checks::config_expect_signatures}) {
    CAPTURE(def->id);
    CHECK(run(*def, facts, nullptr).status == Status::not_applicable);
    CHECK(run(*def, facts, &empty).status == Status::not_applicable);
  }
}

TEST_CASE("config.expect.modules: every expected module is in the stack", "[checks][config]") {
  const CheckDef& def = checks::config_expect_modules;
  DoctorConfig c = config();
  c.expect.modules = std::vector<std::string>{"apparmor", "landlock"};
  c.expect.modules_line = 3;
  Facts facts;
  facts.active_lsms = active("capability,landlock,yama,apparmor,bpf");
  Finding ok = run(def, facts, &c);
  CHECK(ok.status == Status::pass);
  CHECK(ok.title == "the expected modules are active: apparmor, landlock");
  REQUIRE(ok.evidence.size() == 2);
  CHECK(ok.evidence[1].source == "ci.toml");
  CHECK(ok.evidence[1].line == 3);

  facts.active_lsms = active("capability,yama,apparmor,bpf");
  Finding missing = run(def, facts, &c);
  CHECK(missing.status == Status::fail);
  CHECK(missing.severity == Severity::error);
  CHECK(missing.title == "expected module not active: landlock");
  CHECK(missing.confidence == "high");

  // Unknown stack, nothing to predict from: unknown, not a guess.
  Facts blind;
  blind.active_lsms = Fact<std::vector<std::string>>::unknown("securityfs is not mounted");
  Finding unknown = run(def, blind, &c);
  CHECK(unknown.status == Status::unknown);
  CHECK(unknown.detail.find("securityfs is not mounted") != std::string::npos);

  // A plan: predicted from lsm=, and said to be predicted.
  Facts plan;
  plan.origin = Origin::plan;
  plan.active_lsms = Fact<std::vector<std::string>>::unknown("a plan is not booted");
  plan.kernel = kernel("6.18.2");
  plan.cmdline = cmdline("lsm=landlock,yama,apparmor,bpf");
  Finding predicted = run(def, plan, &c);
  CHECK(predicted.status == Status::pass);
  CHECK(predicted.title.find("(predicted)") != std::string::npos);
  plan.cmdline = cmdline("lsm=yama,bpf");
  Finding predicted_fail = run(def, plan, &c);
  CHECK(predicted_fail.status == Status::fail);
  CHECK(predicted_fail.title == "expected modules not active (predicted): apparmor, landlock");
  CHECK(predicted_fail.confidence == "medium");
}

TEST_CASE("config.expect.audit-enabled: the audit status decides", "[checks][config]") {
  const CheckDef& def = checks::config_expect_audit_enabled;
  DoctorConfig c = config();
  c.expect.audit = true;
  c.expect.audit_line = 4;
  Facts facts;
  facts.audit_status = Fact<AuditStatus>::known(status(1), {"netlink"});
  CHECK(run(def, facts, &c).status == Status::pass);
  facts.audit_status = Fact<AuditStatus>::known(status(2), {"netlink"}); // locked is enabled
  CHECK(run(def, facts, &c).status == Status::pass);
  facts.audit_status = Fact<AuditStatus>::known(status(0), {"netlink"});
  Finding off = run(def, facts, &c);
  CHECK(off.status == Status::fail);
  CHECK(off.title == "audit is disabled; the configuration expects it enabled");
  REQUIRE(off.evidence.size() == 2);
  CHECK(off.evidence[1].excerpt == "audit = true");

  c.expect.audit = false;
  CHECK(run(def, facts, &c).status == Status::pass);
  facts.audit_status = Fact<AuditStatus>::known(status(1), {"netlink"});
  CHECK(run(def, facts, &c).status == Status::fail);
}

TEST_CASE("config.expect.audit-enabled: without the status, only certainties count",
          "[checks][config]") {
  const CheckDef& def = checks::config_expect_audit_enabled;
  DoctorConfig c = config();
  c.expect.audit = true;
  Facts facts;
  facts.audit_status = Fact<AuditStatus>::unknown("AUDIT_GET needs root: run as root");
  facts.cmdline = cmdline("audit=0 quiet");
  CHECK(run(def, facts, &c).status == Status::fail); // audit=0 holds until reboot
  facts.cmdline = cmdline("audit=1 quiet");
  Finding live = run(def, facts, &c);
  CHECK(live.status == Status::unknown); // a running system may have turned it off since
  CHECK(live.detail.find("run as root") != std::string::npos);
  facts.origin = Origin::plan;
  Finding planned = run(def, facts, &c);
  CHECK(planned.status == Status::pass);
  CHECK(planned.title == "audit is enabled at boot (predicted), as expected");
  facts.cmdline = cmdline("quiet");
  CHECK(run(def, facts, &c).status == Status::unknown);
}

TEST_CASE("config.expect.signatures: counts against the tolerated maximum", "[checks][config]") {
  const CheckDef& def = checks::config_expect_signatures;
  DoctorConfig c = config();
  c.expect.max_signatures = {{"subj-ctx-error", 1}, {"backlog-exceeded", 0}};
  c.expect.max_signature_lines = {{"subj-ctx-error", 7}, {"backlog-exceeded", 8}};
  Facts facts;
  facts.kernel_log = kernel_log({"[ 1.0] audit: error in audit_log_subj_ctx"});
  Finding ok = run(def, facts, &c);
  CHECK(ok.status == Status::pass);
  CHECK(ok.title == "2 kernel log signatures within the tolerated counts");
  REQUIRE(ok.evidence.size() == 2);

  facts.kernel_log = kernel_log(
      {"[ 1.0] audit: error in audit_log_subj_ctx", "[ 2.0] audit: error in audit_log_subj_ctx"});
  Finding over = run(def, facts, &c);
  CHECK(over.status == Status::fail);
  CHECK(over.title == "kernel log signature over the tolerated count: subj-ctx-error (2 > 1)");
  bool cited = false;
  for (const auto& e : over.evidence)
    cited = cited || e.note.find("subj-ctx-error: 2 lines, at most 1 tolerated (ci.toml:7)") !=
                         std::string::npos;
  CHECK(cited);

  Facts blind;
  blind.kernel_log = Fact<KernelLog>::unknown("/dev/kmsg: Permission denied: run as root");
  CHECK(run(def, blind, &c).status == Status::unknown);
}

TEST_CASE("config.expect: plans judge modules and audit, not the kernel log", "[checks][config]") {
  CHECK(checks::judges_plans("config.expect.modules"));
  CHECK(checks::judges_plans("config.expect.audit-enabled"));
  CHECK_FALSE(checks::judges_plans("config.expect.signatures"));
}
