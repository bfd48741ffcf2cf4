// The unit state capture and audit.rules.load-failed.
#include "checks/checks.h"
#include "parse/audit_rules.h"
#include "sources/units.h"
#include "test_support.h"

#include <catch2/catch.hpp>
#include <libaudit.h>

using namespace lsmdoctor;
using namespace lsmdoctor::test;

namespace {

const char* const kCapture = "Id=auditd.service\n"
                             "LoadState=loaded\n"
                             "ActiveState=active\n"
                             "Result=success\n"
                             "ExecMainStatus=0\n"
                             "\n"
                             "Id=audit-rules-nixos.service\n"
                             "LoadState=loaded\n"
                             "ActiveState=failed\n"
                             "SubState=failed\n"
                             "Result=exit-code\n"
                             "ExecMainStatus=1\n"
                             "ExecMainCode=1\n"
                             "\n"
                             "Id=augenrules.service\n"
                             "LoadState=not-found\n"
                             "\n"
                             "garbage\n"
                             "ExecMainStatus=x\n";

Facts nixos_facts(std::string_view stack, std::vector<std::string> messages) {
  Facts facts;
  std::vector<std::string> warnings;
  UnitStates units = parse_unit_capture(kCapture, "units", warnings);
  for (auto& unit : units.units)
    if (unit.id == "audit-rules-nixos.service") {
      unit.messages = std::move(messages);
      unit.messages_source = "journal";
    }
  facts.units = Fact<UnitStates>::known(std::move(units), {"units"});
  AuditRules rules;
  rules.files.emplace_back("/nix/store/x-audit.rules");
  parse_audit_rules("-D\n-b 1024\n-e 1\n", "/nix/store/x-audit.rules", MACH_86_64, rules);
  facts.audit_rules = Fact<AuditRules>::known(std::move(rules), {"x"});
  facts.active_lsms = active(stack);
  facts.kernel = kernel("6.18.2");
  return facts;
}

} // namespace

TEST_CASE("units: systemctl show capture", "[sources][units]") {
  std::vector<std::string> warnings;
  UnitStates units = parse_unit_capture(kCapture, "units", warnings);
  REQUIRE(units.units.size() == 2); // not-found is dropped
  const UnitState* rules = units.find("audit-rules-nixos.service");
  REQUIRE(rules);
  CHECK(rules->failed());
  CHECK(rules->exec_main_status == 1);
  CHECK(rules->state_source == "units");
  CHECK_FALSE(units.find("auditd.service")->failed());
  CHECK(warnings.size() == 2);
}

TEST_CASE("audit.rules.load-failed", "[checks][units]") {
  const auto& def = checks::audit_rules_load_failed;
  std::vector<std::string> lines{"No rules",
                                 "There was an error in line 2 of /nix/store/x-audit.rules"};
  Finding bpf_first = run_check(def, nixos_facts("capability,landlock,yama,bpf,apparmor", lines));
  CHECK(bpf_first.status == Status::fail);
  CHECK(bpf_first.title ==
        "audit-rules-nixos.service failed at line 2 of /nix/store/x-audit.rules");
  CHECK(bpf_first.detail.find("lsm.order.bpf-before-secctx") != std::string::npos);
  bool quoted = false;
  for (const auto& e : bpf_first.evidence)
    quoted = quoted || e.excerpt == "-b 1024";
  CHECK(quoted);
  REQUIRE_FALSE(bpf_first.hypotheses.empty());
  CHECK(bpf_first.hypotheses[0].id == "lsm-order");

  Finding no_cause = run_check(def, nixos_facts("capability,landlock,yama,apparmor,bpf", lines));
  CHECK(no_cause.status == Status::fail);
  CHECK(no_cause.detail.find("lsm.order") == std::string::npos);

  Facts healthy = nixos_facts("capability,apparmor", {});
  healthy.units.value().units.erase(healthy.units.value().units.begin() + 1);
  CHECK(run_check(def, healthy).status == Status::not_applicable);

  Facts unknown_units;
  unknown_units.units = Fact<UnitStates>::unknown("no bus");
  unknown_units.audit_rules = Fact<AuditRules>::known(AuditRules{}, {"/etc/audit"});
  CHECK(run_check(def, unknown_units).status == Status::not_applicable);

  // Rule files but no way to see the units: unknown, never a pass.
  Facts no_bus;
  no_bus.units = Fact<UnitStates>::unknown("no bus");
  AuditRules one_file;
  one_file.files.push_back("/etc/audit/audit.rules");
  no_bus.audit_rules = Fact<AuditRules>::known(one_file, {"/etc/audit"});
  CHECK(run_check(def, no_bus).status == Status::unknown);

  // A system not booted with systemd has no unit to fail: not applicable,
  // saying why.
  Facts no_systemd = no_bus;
  UnitStates none;
  none.no_service_manager = "this system was not booted with systemd";
  no_systemd.units = Fact<UnitStates>::known(none, {"/run/systemd/system"});
  Finding without = run_check(def, no_systemd);
  CHECK(without.status == Status::not_applicable);
  CHECK(without.title == "no unit loads the audit rules: this system was not booted with systemd");
}
