#include "checks/checks.h"
#include "test_support.h"

#include <catch2/catch.hpp>

using namespace lsmdoctor;
using namespace lsmdoctor::test;

namespace {
const CheckDef& def = checks::lsm_secctx_multiple;
} // namespace

TEST_CASE("lsm.secctx.multiple: pass with one or no provider", "[checks][secctx]") {
  Facts facts;
  facts.active_lsms = active("capability,landlock,yama,apparmor,bpf");
  Finding f = run_check(def, facts);
  CHECK(f.id == "lsm.secctx.multiple");
  CHECK(f.status == Status::pass);
  CHECK(f.title == "one context provider: apparmor");

  facts.active_lsms = active("capability,landlock,bpf");
  CHECK(run_check(def, facts).status == Status::pass);
}

TEST_CASE("lsm.secctx.multiple: fail with two providers", "[checks][secctx]") {
  Facts facts;
  facts.active_lsms = active("capability,selinux,apparmor,bpf");
  Finding f = run_check(def, facts);
  CHECK(f.status == Status::fail);
  CHECK(f.severity == Severity::warning);
  CHECK(f.title == "2 context providers are active: selinux,apparmor");
  CHECK(f.confidence == "medium");
}

TEST_CASE("lsm.secctx.multiple: unknown without a stack", "[checks][secctx]") {
  Facts facts;
  facts.cmdline = cmdline("ro");
  CHECK(run_check(def, facts).status == Status::unknown);
}

TEST_CASE("lsm.secctx.multiple: predicted stacks drop the second exclusive module",
          "[checks][secctx]") {
  Facts facts;
  facts.cmdline = cmdline("lsm=selinux,apparmor");
  CHECK(run_check(def, facts).status == Status::pass);
}
