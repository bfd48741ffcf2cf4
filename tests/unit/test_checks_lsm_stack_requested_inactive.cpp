#include "checks/checks.h"
#include "test_support.h"

#include <catch2/catch.hpp>

using namespace lsmdoctor;
using namespace lsmdoctor::test;

namespace {
const CheckDef& def = checks::lsm_stack_requested_inactive;
} // namespace

TEST_CASE("lsm.stack.requested-inactive: pass", "[checks][requested]") {
  Facts facts;
  facts.cmdline = cmdline("lsm=landlock,yama,bpf,apparmor");
  facts.active_lsms = active("capability,landlock,yama,bpf,apparmor");
  Finding f = run_check(def, facts);
  CHECK(f.id == "lsm.stack.requested-inactive");
  CHECK(f.status == Status::pass);
  CHECK(f.evidence.size() == 2);

  facts.cmdline = cmdline("security=apparmor");
  CHECK(run_check(def, facts).status == Status::pass);
}

TEST_CASE("lsm.stack.requested-inactive: fail with a reason", "[checks][requested]") {
  Facts facts;
  facts.kernel = kernel("6.18.2");
  facts.cmdline = cmdline("lsm=landlock,yama,bpf,apparmor,selinux");
  facts.active_lsms = active("capability,landlock,yama,bpf");
  facts.kconfig = kconfig({{"CONFIG_LSM", "landlock,yama,bpf"},
                           {"CONFIG_SECURITY_APPARMOR", "n"},
                           {"CONFIG_SECURITY_SELINUX", "y"}});
  Finding f = run_check(def, facts);
  CHECK(f.status == Status::fail);
  CHECK(f.severity == Severity::warning);
  CHECK(f.title == "requested but not active: apparmor,selinux");
  CHECK_THAT(f.detail, Catch::Contains("apparmor: not built in"));
  CHECK_THAT(f.detail, Catch::Contains("selinux: built in but not active"));
  CHECK(f.confidence == "high");
  REQUIRE(f.evidence.size() == 3);
  CHECK(f.evidence[2].excerpt == "CONFIG_LSM=landlock,yama,bpf");

  SECTION("without the kernel config the confidence is medium") {
    facts.kconfig = Fact<KernelConfig>::unknown("no /proc/config.gz");
    Finding g = run_check(def, facts);
    CHECK(g.status == Status::fail);
    CHECK(g.confidence == "medium");
  }
}

TEST_CASE("lsm.stack.requested-inactive: a name that is no module is only info",
          "[checks][requested]") {
  Facts facts;
  facts.kernel = kernel("6.12.1");
  facts.cmdline = cmdline("lsm=landlock,integrity,apparmor");
  facts.active_lsms = active("capability,landlock,apparmor");
  Finding f = run_check(def, facts);
  CHECK(f.status == Status::fail);
  CHECK(f.severity == Severity::info);
  CHECK_THAT(f.detail, Catch::Contains("integrity: since 6.9"));
}

TEST_CASE("lsm.stack.requested-inactive: unknown and not applicable", "[checks][requested]") {
  Facts facts;
  CHECK(run_check(def, facts).status == Status::unknown);

  facts.cmdline = cmdline("lsm=landlock,apparmor");
  Finding no_stack = run_check(def, facts);
  CHECK(no_stack.status == Status::unknown);
  CHECK_THAT(no_stack.detail, Catch::Contains("the active stack is unknown"));

  facts.cmdline = cmdline("ro quiet");
  facts.active_lsms = active("capability,landlock");
  CHECK(run_check(def, facts).status == Status::not_applicable);
}
