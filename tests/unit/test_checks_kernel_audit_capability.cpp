#include "checks/checks.h"
#include "test_support.h"

#include <catch2/catch.hpp>
#include <set>

using namespace lsmdoctor;
using namespace lsmdoctor::test;

namespace {
const CheckDef& def = checks::kernel_audit_capability;

Finding capability(const std::string& stack, const std::string& release) {
  Facts facts;
  facts.active_lsms = active(stack);
  if (!release.empty())
    facts.kernel = kernel(release);
  return run_check(def, facts);
}
} // namespace

TEST_CASE("kernel.audit-capability: the named levels", "[checks][capability]") {
  SECTION("no context provider") {
    Finding f = capability("capability,landlock,yama,bpf", "6.18.2");
    CHECK(f.status == Status::pass);
    CHECK(f.level == "no-context");
  }
  SECTION("one provider and no bpf") {
    Finding f = capability("capability,landlock,yama,apparmor", "6.18.2");
    CHECK(f.status == Status::pass);
    CHECK(f.level == "single-context");
  }
  SECTION("one provider and bpf before 6.18: the dispatcher skips the stub") {
    Finding f = capability("capability,landlock,yama,bpf,apparmor", "6.17.9");
    CHECK(f.status == Status::pass);
    CHECK(f.level == "single-context");
    CHECK_THAT(f.title, Catch::Contains("6.17.9"));
  }
  SECTION("one provider and bpf on 6.18: fragile, right order") {
    Finding f = capability("capability,landlock,yama,apparmor,bpf", "6.18.2");
    CHECK(f.status == Status::fail);
    CHECK(f.severity == Severity::info);
    CHECK(f.level == "stacked-single-context");
    CHECK_THAT(f.title, Catch::Contains("apparmor before bpf"));
    CHECK_THAT(f.detail, Catch::Contains("order is right"));
  }
  SECTION("one provider after bpf on 7.0") {
    Finding f = capability("capability,landlock,yama,bpf,selinux", "7.0.11");
    CHECK(f.level == "stacked-single-context");
    CHECK_THAT(f.title, Catch::Contains("selinux after bpf"));
    CHECK_THAT(f.detail, Catch::Contains("lsm.order.bpf-before-secctx"));
  }
  SECTION("two providers") {
    Finding f = capability("capability,selinux,apparmor,bpf", "6.18.2");
    CHECK(f.status == Status::pass);
    CHECK(f.level == "multi-context");
  }
}

TEST_CASE("kernel.audit-capability: evidence in audit.log wins", "[checks][capability]") {
  Facts facts;
  facts.active_lsms = active("capability,apparmor,bpf");
  facts.kernel = kernel("6.18.2");
  AuditLogSummary log;
  log.files = {"/var/log/audit/audit.log"};
  log.multi_context_records = 4;
  log.subj_unset = 4;
  log.first_multi_context = "/var/log/audit/audit.log:17";
  facts.audit_log = Fact<AuditLogSummary>::known(log, Provenance{"/var/log/audit/audit.log", 0});
  Finding f = run_check(def, facts);
  CHECK(f.level == "multi-context");
  CHECK(f.status == Status::pass);
  CHECK_THAT(f.detail, Catch::Contains("fewer than two context providers"));
  bool cited = false;
  for (const auto& e : f.evidence)
    cited = cited || e.source == "/var/log/audit/audit.log:17";
  CHECK(cited);
}

TEST_CASE("kernel.audit-capability: unknown when it cannot tell", "[checks][capability]") {
  CHECK(capability("capability,apparmor,bpf", "").status == Status::unknown);
  Facts nothing;
  CHECK(run_check(def, nothing).status == Status::unknown);
  // Without bpf the release does not matter.
  CHECK(capability("capability,apparmor", "").level == "single-context");
}

TEST_CASE("every check is documented in the knowledge, and only checks are", "[checks][explain]") {
  const Knowledge& k = knowledge();
  std::set<std::string> registered;
  for (const auto& check : check_registry()) {
    registered.insert(std::string(check.id));
    CAPTURE(check.id);
    const CheckDoc* doc = k.check(std::string(check.id));
    INFO("add a [[check]] entry to checks/knowledge/checks.toml, then run "
         "scripts/gen_man_checks.py --write checks/knowledge/checks.toml man/lsm-doctor.1");
    REQUIRE(doc != nullptr);
    CHECK_FALSE(doc->reads.empty());
    CHECK_FALSE(doc->why.empty());
    CHECK_FALSE(doc->remedies.empty());
    CHECK_FALSE(doc->man.empty());
    CHECK_THAT(doc->severity, Catch::Contains(std::string(to_string(check.severity))));
  }
  for (const auto& doc : k.checks) {
    CAPTURE(doc.id);
    CHECK(registered.count(doc.id) == 1);
  }
  for (const char* level :
       {"no-context", "single-context", "stacked-single-context", "multi-context"}) {
    CAPTURE(level);
    REQUIRE(k.level(level) != nullptr);
    CHECK_FALSE(k.level(level)->source.empty());
  }
}
