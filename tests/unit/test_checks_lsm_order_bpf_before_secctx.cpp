#include "checks/checks.h"
#include "test_support.h"

#include <catch2/catch.hpp>

using namespace lsmdoctor;
using namespace lsmdoctor::test;

namespace {

const CheckDef& def = checks::lsm_order_bpf_before_secctx;

Facts seed_facts(const std::string& release) {
  Facts facts;
  facts.kernel = kernel(release);
  facts.cmdline = cmdline("lsm=landlock,yama,bpf,apparmor audit=1 apparmor=1");
  facts.active_lsms = active("capability,landlock,yama,bpf,apparmor");
  return facts;
}

} // namespace

TEST_CASE("lsm.order.bpf-before-secctx: pass when apparmor precedes bpf", "[checks][order]") {
  Facts facts;
  facts.kernel = kernel("6.18.2");
  facts.active_lsms = active("capability,landlock,yama,apparmor,bpf");
  facts.kernel_log = kernel_log({"[ 1.0] audit: initializing netlink subsys (enabled)"});
  Finding f = run_check(def, facts);
  CHECK(f.id == "lsm.order.bpf-before-secctx");
  CHECK(f.status == Status::pass);
  REQUIRE_FALSE(f.evidence.empty());
  CHECK(f.evidence[0].source == "/sys/kernel/security/lsm");
  CHECK(f.evidence[0].excerpt == "capability,landlock,yama,apparmor,bpf");

  facts.active_lsms = active("capability,landlock,apparmor");
  CHECK(run_check(def, facts).status == Status::pass);
}

TEST_CASE("lsm.order.bpf-before-secctx: error on 6.18 and newer", "[checks][order]") {
  for (const char* release : {"6.18", "6.18.2", "6.19.1", "7.0.11-cachyos"}) {
    CAPTURE(release);
    Facts facts = seed_facts(release);
    Finding f = run_check(def, facts);
    CHECK(f.status == Status::fail);
    CHECK(f.severity == Severity::error);
    CHECK(f.title == "bpf is active before apparmor");
    CHECK(f.confidence == "medium"); // no kernel log to confirm
    CHECK_THAT(f.detail, Catch::Contains("6.18 and newer"));
  }
  SECTION("a clean log read on an affected kernel is still an error, with high confidence") {
    Facts facts = seed_facts("6.18.2");
    facts.kernel_log = kernel_log({"[ 1.0] audit: initializing netlink subsys (disabled)"});
    Finding f = run_check(def, facts);
    CHECK(f.severity == Severity::error);
    CHECK(f.confidence == "high");
  }
}

TEST_CASE("lsm.order.bpf-before-secctx: error when context errors are logged", "[checks][order]") {
  Facts facts = seed_facts("6.17.9");
  facts.kernel_log = kernel_log({"[ 10.0] audit: error in audit_log_task_context",
                                 "[ 11.0] audit: error in audit_log_subj_ctx"});
  Finding f = run_check(def, facts);
  CHECK(f.status == Status::fail);
  CHECK(f.severity == Severity::error);
  CHECK(f.confidence == "high");
  CHECK_THAT(f.detail, Catch::Contains("2 audit context errors"));
  // The order, the lsm= parameter and the kernel are cited.
  REQUIRE(f.evidence.size() == 3);
  CHECK(f.evidence[1].excerpt == "lsm=landlock,yama,bpf,apparmor");
  CHECK(f.evidence[2].excerpt == "6.17.9");
}

TEST_CASE("lsm.order.bpf-before-secctx: warning on 6.17 without errors", "[checks][order]") {
  Facts facts = seed_facts("6.17.9");
  facts.kernel_log = kernel_log({"[ 1.0] audit: initializing netlink subsys (enabled)"});
  Finding f = run_check(def, facts);
  CHECK(f.status == Status::fail);
  CHECK(f.severity == Severity::warning);
  CHECK(f.confidence == "high");
  CHECK_THAT(f.detail, Catch::Contains("Reorder now"));

  SECTION("an unknown kernel without errors is a warning too") {
    Facts unknown_kernel = seed_facts("6.17.9");
    unknown_kernel.kernel = Fact<KernelRelease>::unknown("not read");
    Finding g = run_check(def, unknown_kernel);
    CHECK(g.status == Status::fail);
    CHECK(g.severity == Severity::warning);
    CHECK(g.confidence == "medium");
  }
}

TEST_CASE("lsm.order.bpf-before-secctx: selinux after bpf", "[checks][order]") {
  Facts facts;
  facts.kernel = kernel("6.18.5");
  facts.active_lsms = active("capability,lockdown,bpf,selinux");
  Finding f = run_check(def, facts);
  CHECK(f.status == Status::fail);
  CHECK(f.severity == Severity::error);
  CHECK(f.title == "bpf is active before selinux");
}

TEST_CASE("lsm.order.bpf-before-secctx: not applicable without a context provider",
          "[checks][order]") {
  Facts facts = seed_facts("6.18.2");
  facts.active_lsms = active("capability,landlock,yama,bpf");
  Finding f = run_check(def, facts);
  CHECK(f.status == Status::not_applicable);
  CHECK(f.id == "lsm.order.bpf-before-secctx");
}

TEST_CASE("lsm.order.bpf-before-secctx: unknown without stack, lsm= or CONFIG_LSM",
          "[checks][order]") {
  Facts facts;
  facts.kernel = kernel("6.18.2");
  facts.active_lsms = Fact<std::vector<std::string>>::unknown("securityfs not mounted");
  facts.cmdline = cmdline("ro quiet");
  Finding f = run_check(def, facts);
  CHECK(f.status == Status::unknown);
  CHECK(f.severity == Severity::error);
  CHECK_THAT(f.detail, Catch::Contains("securityfs not mounted"));

  CHECK(run_check(def, Facts{}).status == Status::unknown);
}

TEST_CASE("lsm.order.bpf-before-secctx: a predicted order when only lsm= is known",
          "[checks][order]") {
  Facts facts;
  facts.kernel = kernel("6.18.2");
  facts.cmdline = cmdline("lsm=landlock,yama,bpf,apparmor audit=1");
  Finding f = run_check(def, facts);
  CHECK(f.status == Status::fail);
  CHECK(f.severity == Severity::error);
  CHECK(f.confidence == "medium");
  REQUIRE_FALSE(f.evidence.empty());
  CHECK(f.evidence[0].source == "predicted from lsm=");
  CHECK(f.evidence[0].excerpt == "capability,landlock,yama,bpf,apparmor");
  CHECK_THAT(f.detail, Catch::Contains("predicted"));

  SECTION("the fixed order predicts a pass") {
    facts.cmdline = cmdline("lsm=landlock,yama,apparmor,bpf");
    CHECK(run_check(def, facts).status == Status::pass);
  }
  SECTION("security=apparmor appends apparmor after a CONFIG_LSM ending in bpf") {
    facts.cmdline = cmdline("security=apparmor");
    facts.kconfig = kconfig({{"CONFIG_LSM", "landlock,lockdown,yama,bpf"},
                             {"CONFIG_SECURITY_LANDLOCK", "y"},
                             {"CONFIG_SECURITY_LOCKDOWN_LSM", "y"},
                             {"CONFIG_SECURITY_YAMA", "y"},
                             {"CONFIG_SECURITY_APPARMOR", "y"},
                             {"CONFIG_BPF_LSM", "y"}});
    Finding g = run_check(def, facts);
    CHECK(g.status == Status::fail);
    CHECK(g.confidence == "medium");
    CHECK(g.evidence[0].source == "predicted from CONFIG_LSM with security=apparmor");
    CHECK(g.evidence[1].excerpt == "security=apparmor");
  }
}
