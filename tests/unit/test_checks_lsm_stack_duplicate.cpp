#include "checks/checks.h"
#include "test_support.h"

#include <catch2/catch.hpp>

using namespace lsmdoctor;
using namespace lsmdoctor::test;

namespace {
const CheckDef& def = checks::lsm_stack_duplicate;
} // namespace

TEST_CASE("lsm.stack.duplicate: pass", "[checks][duplicate]") {
  Facts facts;
  facts.cmdline = cmdline("lsm=landlock,yama,apparmor,bpf");
  Finding f = run_check(def, facts);
  CHECK(f.id == "lsm.stack.duplicate");
  CHECK(f.status == Status::pass);
  REQUIRE(f.evidence.size() == 1);
  CHECK(f.evidence[0].excerpt == "lsm=landlock,yama,apparmor,bpf");
}

TEST_CASE("lsm.stack.duplicate: fail", "[checks][duplicate]") {
  Facts facts;
  facts.cmdline = cmdline("lsm=apparmor,landlock,yama,bpf,apparmor,bpf,apparmor");
  Finding f = run_check(def, facts);
  CHECK(f.status == Status::fail);
  CHECK(f.severity == Severity::warning);
  CHECK(f.title == "lsm= names apparmor,bpf more than once");
  CHECK(f.confidence == "high");
}

TEST_CASE("lsm.stack.duplicate: only the last lsm= counts", "[checks][duplicate]") {
  Facts facts;
  facts.cmdline = cmdline("lsm=bpf,bpf lsm=landlock,apparmor");
  Finding f = run_check(def, facts);
  CHECK(f.status == Status::pass);
  REQUIRE(f.evidence.size() == 1);
  CHECK(f.evidence[0].excerpt == "lsm=bpf,bpf lsm=landlock,apparmor");
}

TEST_CASE("lsm.stack.duplicate: unknown and not applicable", "[checks][duplicate]") {
  Facts unknown_cmdline;
  unknown_cmdline.cmdline = Fact<KernelCmdline>::unknown("not in the snapshot");
  Finding u = run_check(def, unknown_cmdline);
  CHECK(u.status == Status::unknown);
  CHECK_THAT(u.detail, Catch::Contains("not in the snapshot"));

  Facts no_lsm;
  no_lsm.cmdline = cmdline("ro security=apparmor");
  CHECK(run_check(def, no_lsm).status == Status::not_applicable);
}
