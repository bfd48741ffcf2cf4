#include "checks/checks.h"
#include "test_support.h"

#include <catch2/catch.hpp>

using namespace lsmdoctor;
using namespace lsmdoctor::test;

namespace {
const CheckDef& def = checks::lsm_stack_security_overridden;
} // namespace

TEST_CASE("lsm.stack.security-overridden: pass", "[checks][security]") {
  Facts facts;
  facts.cmdline = cmdline("security=apparmor ro");
  Finding f = run_check(def, facts);
  CHECK(f.id == "lsm.stack.security-overridden");
  CHECK(f.status == Status::pass);
  CHECK(f.title == "security=apparmor without lsm=");
}

TEST_CASE("lsm.stack.security-overridden: fail", "[checks][security]") {
  Facts facts;
  facts.cmdline = cmdline("security=selinux lsm=landlock,apparmor,bpf");
  facts.kernel_log = kernel_log({"[ 0.0] LSM: security=selinux is ignored because it is "
                                 "superseded by lsm=landlock,apparmor,bpf"});
  Finding f = run_check(def, facts);
  CHECK(f.status == Status::fail);
  CHECK(f.severity == Severity::warning);
  CHECK(f.title == "security=selinux is ignored because lsm= is given");
  REQUIRE(f.evidence.size() == 3);
  CHECK(f.evidence[0].excerpt == "security=selinux");
  CHECK(f.evidence[1].excerpt == "lsm=landlock,apparmor,bpf");
  CHECK(f.evidence[2].source == "dmesg.txt");
}

TEST_CASE("lsm.stack.security-overridden: unknown and not applicable", "[checks][security]") {
  CHECK(run_check(def, Facts{}).status == Status::unknown);
  Facts facts;
  facts.cmdline = cmdline("lsm=landlock,apparmor");
  CHECK(run_check(def, facts).status == Status::not_applicable);
}
