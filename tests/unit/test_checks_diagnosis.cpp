#include "checks/diagnosis.h"
#include "test_support.h"

#include <catch2/catch.hpp>

using namespace lsmdoctor;
using namespace lsmdoctor::test;

namespace {

std::vector<std::string> ids(const std::vector<Hypothesis>& hs) {
  std::vector<std::string> out;
  for (const auto& h : hs)
    out.push_back(h.id);
  return out;
}

std::vector<Hypothesis> diagnose(const Facts& facts) {
  return checks::diagnose_context_errors(CheckContext{facts, knowledge()});
}

const Hypothesis* find(const std::vector<Hypothesis>& hs, const std::string& id) {
  for (const auto& h : hs)
    if (h.id == id)
      return &h;
  return nullptr;
}

} // namespace

TEST_CASE("diagnosis: wrong order in the flood range", "[checks][diagnosis]") {
  Facts facts;
  facts.active_lsms = active("capability,landlock,yama,bpf,apparmor");
  facts.kernel = kernel("6.18.2");
  facts.kernel_log = kernel_log({"[ 2.0] audit: error in audit_log_subj_ctx"});
  auto hs = diagnose(facts);
  CHECK(ids(hs) == std::vector<std::string>{"lsm-order", "kernel-defect", "disable-audit"});
  CHECK(hs[0].confidence > 0.9);
  CHECK_THAT(hs[1].remedy, Catch::Contains("reorder first"));
  CHECK_THAT(hs[1].remedy, Catch::Contains("pkgs.linuxPackages_6_12"));
}

TEST_CASE("diagnosis: the order is never blamed when it is right", "[checks][diagnosis]") {
  Facts facts;
  facts.active_lsms = active("capability,landlock,yama,apparmor,bpf");
  facts.kernel = kernel("6.18.2");
  facts.kernel_log = kernel_log({"[ 2.0] audit: error in audit_log_subj_ctx"});
  auto hs = diagnose(facts);
  CHECK(find(hs, "lsm-order") == nullptr);
  CHECK(ids(hs) == std::vector<std::string>{"kernel-defect", "disable-audit"});
  CHECK_THAT(hs[0].remedy, Catch::Contains("boot.kernelPackages = pkgs.linuxPackages_6_12"));
  CHECK_THAT(hs[0].remedy, Catch::Contains("6.12"));
  CHECK_THAT(hs[0].remedy, Catch::Contains("mitigation"));
  CHECK_FALSE(hs[0].contradicts.empty());
}

TEST_CASE("diagnosis: wrong order outside every known range", "[checks][diagnosis]") {
  Facts facts;
  facts.active_lsms = active("capability,landlock,yama,bpf,apparmor");
  facts.kernel = kernel("6.17.9");
  facts.kernel_log = kernel_log({"[ 2.0] audit: error in audit_log_task_context"});
  auto hs = diagnose(facts);
  CHECK(ids(hs) == std::vector<std::string>{"lsm-order", "disable-audit"});
  CHECK(hs[0].confidence < 0.9);
  CHECK_FALSE(hs[0].contradicts.empty());
}

TEST_CASE("diagnosis: right order outside every range is unexplained", "[checks][diagnosis]") {
  Facts facts;
  facts.active_lsms = active("capability,apparmor,bpf");
  facts.kernel = kernel("6.12.48");
  auto hs = diagnose(facts);
  CHECK(ids(hs) == std::vector<std::string>{"unexplained", "disable-audit"});
}

TEST_CASE("diagnosis: rules with fields the stack cannot serve", "[checks][diagnosis]") {
  Facts facts;
  facts.active_lsms = active("capability,landlock,yama,apparmor,bpf");
  facts.kernel = kernel("6.18.2");
  AuditRules rules;
  rules.files = {"/etc/audit/rules.d/10-selinux.rules"};
  AuditRuleLine line;
  line.file = "/etc/audit/rules.d/10-selinux.rules";
  line.line = 3;
  line.text = "-a always,exit -F arch=b64 -S openat -F subj_type=httpd_t";
  line.fields = {{"arch", "=", "b64"}, {"subj_type", "=", "httpd_t"}};
  AuditRuleLine role = line;
  role.line = 4;
  role.fields = {{"subj_role", "=", "unconfined"}};
  rules.lines = {line, role};
  facts.audit_rules = Fact<AuditRules>::known(rules, Provenance{line.file, 0});
  auto hs = diagnose(facts);
  const Hypothesis* h = find(hs, "rule-fields");
  REQUIRE(h != nullptr);
  CHECK_THAT(h->summary, Catch::Contains("subj_type"));
  CHECK_THAT(h->summary, Catch::Contains("apparmor"));
  // AppArmor serves subj_role.
  CHECK_THAT(h->summary, !Catch::Contains("subj_role"));
  REQUIRE(h->supports.size() == 1);
  CHECK_THAT(h->supports[0], Catch::StartsWith("/etc/audit/rules.d/10-selinux.rules:3:"));
  CHECK(hs.back().id == "disable-audit");

  facts.active_lsms = active("capability,selinux,bpf");
  CHECK(find(diagnose(facts), "rule-fields") == nullptr);
}

TEST_CASE("diagnosis: backlog evidence adds a low-ranked hypothesis", "[checks][diagnosis]") {
  Facts facts;
  facts.active_lsms = active("capability,bpf,apparmor");
  facts.kernel = kernel("6.18.2");
  facts.kernel_log = kernel_log(
      {"[ 1.0] audit: error in audit_log_subj_ctx", "[ 1.1] audit: backlog limit exceeded"});
  auto hs = diagnose(facts);
  CHECK(ids(hs) ==
        std::vector<std::string>{"lsm-order", "kernel-defect", "backlog", "disable-audit"});
  CHECK_THAT(hs[2].remedy, Catch::Contains("audit_backlog_limit="));
  CHECK_THAT(hs.back().summary, Catch::Contains("loses every audit record"));
}
