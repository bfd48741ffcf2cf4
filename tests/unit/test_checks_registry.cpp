#include "checks/checks.h"
#include "test_support.h"

#include <catch2/catch.hpp>
#include <regex>
#include <set>

using namespace lsmdoctor;
using namespace lsmdoctor::test;

TEST_CASE("the check registry is sorted by id, unique and well named", "[checks][registry]") {
  const auto& registry = check_registry();
  REQUIRE(registry.size() >= 10);
  std::set<std::string_view> ids;
  const std::regex dotted("[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)+");
  for (std::size_t i = 0; i < registry.size(); ++i) {
    const CheckDef& def = registry[i];
    CAPTURE(def.id);
    CHECK(ids.insert(def.id).second);
    CHECK(std::regex_match(std::string(def.id), dotted));
    CHECK_FALSE(def.title.empty());
    CHECK(def.run != nullptr);
    if (i > 0)
      CHECK(registry[i - 1].id < def.id);
    CHECK(find_check(def.id) == &def);
  }
  CHECK(find_check("no.such-check") == nullptr);
}

TEST_CASE("every check returns a finding with its own id on empty facts", "[checks][registry]") {
  for (const auto& def : check_registry()) {
    CAPTURE(def.id);
    Finding f = run_check(def, Facts{});
    CHECK(f.id == def.id);
    CHECK(f.status != Status::fail);
    CHECK(f.status != Status::pass);
  }
}

TEST_CASE("run_checks on the seed case: failures first, most severe first", "[checks][registry]") {
  Facts facts;
  facts.kernel = kernel("6.18.2");
  facts.cmdline = cmdline("lsm=landlock,yama,bpf,apparmor audit=1 apparmor=1");
  facts.active_lsms = active("capability,landlock,yama,bpf,apparmor");
  facts.kernel_log = kernel_log({"[ 10.0] audit: error in audit_log_subj_ctx",
                                 "[ 11.0] audit_panic: 321 callbacks suppressed"});
  auto findings = run_checks(CheckContext{facts, knowledge()});
  REQUIRE(findings.size() == check_registry().size());
  CHECK(findings[0].id == "audit.log.subj-ctx-errors");
  CHECK(findings[0].status == Status::fail);
  CHECK(findings[1].id == "lsm.order.bpf-before-secctx");
  CHECK(findings[1].severity == Severity::error);
  CHECK(findings[2].id == "audit.log.panic-suppressed");
  CHECK(findings[2].severity == Severity::warning);
  for (std::size_t i = 3; i < findings.size(); ++i) {
    CAPTURE(findings[i].id);
    // Informational levels (kernel.audit-capability) may fail at severity info.
    CHECK((findings[i].status != Status::fail || findings[i].severity == Severity::info));
  }
  CHECK(findings.back().status == Status::not_applicable);
}
