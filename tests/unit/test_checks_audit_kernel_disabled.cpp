#include "checks/checks.h"
#include "test_support.h"

#include <catch2/catch.hpp>

using namespace lsmdoctor;
using namespace lsmdoctor::test;

namespace {
const CheckDef& def = checks::audit_kernel_disabled;
} // namespace

TEST_CASE("audit.kernel.disabled: pass", "[checks][audit]") {
  Facts facts;
  facts.active_lsms = active("capability,landlock,yama,bpf,apparmor");
  facts.cmdline = cmdline("audit=1 lsm=landlock,yama,apparmor,bpf");
  Finding f = run_check(def, facts);
  CHECK(f.id == "audit.kernel.disabled");
  CHECK(f.status == Status::pass);
  REQUIRE(f.evidence.size() == 1);
  CHECK(f.evidence[0].excerpt == "audit=1");

  facts.cmdline = cmdline("ro");
  Finding none = run_check(def, facts);
  CHECK(none.status == Status::pass);
  CHECK(none.evidence[0].excerpt == "(no audit= parameter)");
}

TEST_CASE("audit.kernel.disabled: fail with audit=0 or audit=off", "[checks][audit]") {
  // The kernel compares "off" without case (strcasecmp in audit_enable).
  for (const char* text :
       {"audit=0", "audit=1 audit=off", "audit=0 quiet", "audit=OFF", "audit=Off"}) {
    CAPTURE(text);
    Facts facts;
    facts.active_lsms = active("capability,apparmor");
    facts.cmdline = cmdline(text);
    Finding f = run_check(def, facts);
    CHECK(f.status == Status::fail);
    CHECK(f.severity == Severity::warning);
    CHECK(f.confidence == "high");
    REQUIRE(f.evidence.size() == 2);
    CHECK(f.evidence[0].source == "/proc/cmdline");
  }
  for (const char* text : {"audit=0 audit=1", "audit=ON", "audit=00", "audit=invalid"}) {
    CAPTURE(text);
    Facts on;
    on.cmdline = cmdline(text);
    CHECK(run_check(def, on).status == Status::pass);
  }
}

TEST_CASE("audit.kernel.disabled: fail from the kernel log alone", "[checks][audit]") {
  Facts facts;
  facts.kernel_log = kernel_log({"[ 0.1] audit: disabled (until reboot)"});
  Finding f = run_check(def, facts);
  CHECK(f.status == Status::fail);
  CHECK(f.severity == Severity::warning);
  REQUIRE(f.evidence.size() == 1);
  CHECK(f.evidence[0].source == "dmesg.txt");
  CHECK(f.evidence[0].line == 1);
}

TEST_CASE("audit.kernel.disabled: unknown without the command line", "[checks][audit]") {
  Facts facts;
  facts.cmdline = Fact<KernelCmdline>::unknown("permission denied");
  facts.kernel_log = kernel_log({"[ 0.1] audit: initializing netlink subsys (enabled)"});
  Finding f = run_check(def, facts);
  CHECK(f.status == Status::unknown);
  CHECK_THAT(f.detail, Catch::Contains("permission denied"));
}

TEST_CASE("audit.kernel.disabled: not applicable with capability alone", "[checks][audit]") {
  Facts facts;
  facts.active_lsms = active("capability");
  facts.cmdline = cmdline("audit=0");
  CHECK(run_check(def, facts).status == Status::not_applicable);
}
