#include "checks/checks.h"
#include "core/plan.h"
#include "remedies/targets.h"
#include "test_support.h"

#include <catch2/catch.hpp>

using namespace lsmdoctor;
using namespace lsmdoctor::test;
using Names = std::vector<std::string>;

namespace {

const char* const kSeedCmdline =
    "BOOT_IMAGE=/boot/vmlinuz lsm=landlock,yama,bpf,apparmor audit=1 apparmor=1 "
    "audit_backlog_limit=1024 quiet";

Facts seed_facts() {
  Facts facts;
  facts.kernel = kernel("6.18.2");
  facts.cmdline = cmdline(kSeedCmdline);
  facts.active_lsms = active("capability,landlock,yama,bpf,apparmor");
  facts.kernel_log = kernel_log({"[   12.000000] audit: error in audit_log_subj_ctx",
                                 "[   12.100000] audit_panic: 321 callbacks suppressed",
                                 "[   13.000000] audit: error in audit_log_subj_ctx"});
  return facts;
}

Plan plan_for(const Facts& facts) {
  auto findings = run_checks(CheckContext{facts, knowledge()});
  return make_plan(facts, knowledge(), findings);
}

const Action* action(const Plan& plan, const std::string& id) {
  for (const auto& a : plan.actions)
    if (a.id == id)
      return &a;
  return nullptr;
}

} // namespace

TEST_CASE("make_plan on the seed case reorders lsm= in place", "[remedies][plan]") {
  Plan plan = plan_for(seed_facts());
  REQUIRE(plan.actions.size() == 1);
  const Action& a = plan.actions[0];
  CHECK(a.id == "lsm-order");
  CHECK(a.kind == ActionKind::kernel_cmdline);
  CHECK(a.lsm_order == Names{"landlock", "yama", "apparmor", "bpf"});
  REQUIRE(a.cmdline.set.size() == 1);
  CHECK(a.cmdline.set[0].key == "lsm");
  CHECK(a.cmdline.set[0].value == "landlock,yama,apparmor,bpf");
  CHECK(a.cmdline.remove.empty());
  CHECK(a.summary == "set lsm=landlock,yama,apparmor,bpf");
  CHECK(a.finding_ids == Names{"lsm.order.bpf-before-secctx"});
  CHECK(a.reboot);
  CHECK(a.undo == "set lsm=landlock,yama,bpf,apparmor again and reboot");
  CHECK(a.disruption_level == Disruption::medium);
  CHECK(a.verify_command == "lsm-doctor check");
  CHECK(a.verify_expect == Names{"lsm.order.bpf-before-secctx", "audit.log.subj-ctx-errors"});
  CHECK(a.verify == "after the reboot run lsm-doctor check; expect pass: "
                    "lsm.order.bpf-before-secctx, audit.log.subj-ctx-errors");
  REQUIRE(a.undo_cmdline.set.size() == 1);
  CHECK(a.undo_cmdline.set[0].value == "landlock,yama,bpf,apparmor");
  CHECK(a.undo_cmdline.remove.empty());
  CHECK_FALSE(a.lost.empty());
  CHECK_FALSE(a.staged());
  REQUIRE(plan.current_cmdline);
  CHECK(*plan.current_cmdline == kSeedCmdline);
  REQUIRE(plan.proposed_cmdline);
  CHECK(*plan.proposed_cmdline ==
        "BOOT_IMAGE=/boot/vmlinuz lsm=landlock,yama,apparmor,bpf audit=1 apparmor=1 "
        "audit_backlog_limit=1024 quiet");
}

TEST_CASE("make_plan: nothing to do on a healthy host", "[remedies][plan]") {
  Facts facts = seed_facts();
  facts.cmdline = cmdline("lsm=landlock,yama,apparmor,bpf audit=1");
  facts.active_lsms = active("capability,landlock,yama,apparmor,bpf");
  facts.kernel_log = kernel_log({"[ 1.0] audit: initializing netlink subsys (enabled)"});
  Plan plan = plan_for(facts);
  CHECK(plan.empty());
  CHECK_FALSE(plan.proposed_cmdline);
  REQUIRE(plan.current_cmdline);
  CHECK(remedies::render_cmdline(plan).empty());
  CHECK(remedies::render_nixos(plan, true).empty());
}

TEST_CASE("make_plan removes security= when present", "[remedies][plan]") {
  SECTION("security= beside lsm=") {
    Facts facts = seed_facts();
    facts.cmdline = cmdline("security=apparmor lsm=landlock,yama,bpf,apparmor ro");
    Plan plan = plan_for(facts);
    const Action* a = action(plan, "lsm-order");
    REQUIRE(a != nullptr);
    CHECK(a->cmdline.remove == Names{"security"});
    CHECK(a->summary == "set lsm=landlock,yama,apparmor,bpf and remove security=");
    CHECK(a->finding_ids == Names{"lsm.order.bpf-before-secctx", "lsm.stack.security-overridden"});
    CHECK(*plan.proposed_cmdline == "lsm=landlock,yama,apparmor,bpf ro");
  }
  SECTION("security=apparmor alone, appended after bpf by CONFIG_LSM") {
    Facts facts = seed_facts();
    facts.cmdline = cmdline("ro security=apparmor audit=1");
    facts.active_lsms = active("capability,landlock,lockdown,yama,bpf,apparmor");
    Plan plan = plan_for(facts);
    const Action* a = action(plan, "lsm-order");
    REQUIRE(a != nullptr);
    CHECK(a->lsm_order == Names{"landlock", "lockdown", "yama", "apparmor", "bpf"});
    CHECK(a->cmdline.remove == Names{"security"});
    CHECK(a->undo == "remove lsm= from the kernel command line and reboot");
    // Undo: lsm= was not there, security= was.
    CHECK(a->undo_cmdline.remove == Names{"lsm"});
    REQUIRE(a->undo_cmdline.set.size() == 1);
    CHECK(a->undo_cmdline.set[0].key == "security");
    CHECK(a->undo_cmdline.set[0].value == "apparmor");
    CHECK(*plan.proposed_cmdline == "ro audit=1 lsm=landlock,lockdown,yama,apparmor,bpf");
  }
  SECTION("security= beside lsm= with a correct order") {
    Facts facts = seed_facts();
    facts.cmdline = cmdline("security=selinux lsm=landlock,apparmor,bpf");
    facts.active_lsms = active("capability,landlock,apparmor,bpf");
    facts.kernel_log = kernel_log({});
    Plan plan = plan_for(facts);
    REQUIRE(plan.actions.size() == 1);
    CHECK(plan.actions[0].cmdline.set.empty());
    CHECK(plan.actions[0].summary == "remove security=");
    CHECK(*plan.proposed_cmdline == "lsm=landlock,apparmor,bpf");
  }
}

TEST_CASE("make_plan: a duplicate in lsm= alone is cleaned up", "[remedies][plan]") {
  Facts facts = seed_facts();
  facts.cmdline = cmdline("lsm=landlock,apparmor,landlock,bpf");
  facts.active_lsms = active("capability,landlock,apparmor,bpf");
  facts.kernel_log = kernel_log({});
  Plan plan = plan_for(facts);
  REQUIRE(plan.actions.size() == 1);
  CHECK(plan.actions[0].finding_ids == Names{"lsm.stack.duplicate"});
  CHECK(*plan.proposed_cmdline == "lsm=landlock,apparmor,bpf");
}

TEST_CASE("make_plan: the backlog action raises to max(8192, 4x)", "[remedies][plan]") {
  auto backlog_for = [](const std::string& text) {
    Facts facts = seed_facts();
    facts.cmdline = cmdline(text);
    facts.kernel_log = kernel_log({"audit: backlog limit exceeded"});
    Plan plan = plan_for(facts);
    const Action* a = action(plan, "audit-backlog-limit");
    REQUIRE(a != nullptr);
    REQUIRE(a->cmdline.set.size() == 1);
    return *a->cmdline.set[0].value;
  };
  CHECK(backlog_for("lsm=landlock,yama,apparmor,bpf") == "8192"); // default 64
  CHECK(backlog_for("audit_backlog_limit=1024") == "8192");
  CHECK(backlog_for("audit_backlog_limit=4096") == "16384");
  CHECK(backlog_for("audit-backlog-limit=100000") == "400000");
  CHECK(backlog_for("audit_backlog_limit=garbage") == "8192");
  // The kernel reads the value with kstrtouint(str, 0): 0x is hex, a
  // leading 0 is octal, and trailing junk makes it keep the default (64).
  CHECK(backlog_for("audit_backlog_limit=0x10000") == "262144");
  CHECK(backlog_for("audit_backlog_limit=040000") == "65536");
  CHECK(backlog_for("audit_backlog_limit=65536k") == "8192");

  Facts facts = seed_facts();
  facts.kernel_log = kernel_log({"audit: error in audit_log_subj_ctx",
                                 "audit: audit_backlog=1025 > audit_backlog_limit=1024"});
  Plan plan = plan_for(facts);
  REQUIRE(plan.actions.size() == 2);
  CHECK(plan.actions[1].undo == "set audit_backlog_limit=1024 again and reboot");
  CHECK(*plan.proposed_cmdline ==
        "BOOT_IMAGE=/boot/vmlinuz lsm=landlock,yama,apparmor,bpf audit=1 apparmor=1 "
        "audit_backlog_limit=8192 quiet");
}

TEST_CASE("make_plan: audit=0 is turned back on", "[remedies][plan]") {
  Facts facts = seed_facts();
  facts.cmdline = cmdline("lsm=landlock,yama,bpf,apparmor audit=0");
  facts.kernel_log = kernel_log({"audit: disabled (until reboot)"});
  Plan plan = plan_for(facts);
  REQUIRE(plan.actions.size() == 2);
  CHECK(plan.actions[0].id == "lsm-order");
  CHECK(plan.actions[1].id == "audit-enable");
  CHECK(*plan.proposed_cmdline == "lsm=landlock,yama,apparmor,bpf audit=1");
}

TEST_CASE("apply_edits keeps the first position and drops repeats", "[remedies][plan]") {
  auto params = parse_cmdline("a lsm=x b lsm=y audit-backlog-limit=1 c audit_backlog_limit=2 "
                              "security=apparmor SECURITY=x")
                    .params;
  Action first;
  first.cmdline.set = {{"lsm", "landlock,apparmor,bpf"}};
  first.cmdline.remove = {"security"};
  Action second;
  second.cmdline.set = {{"audit_backlog_limit", "8192"}, {"audit", "1"}};
  auto out = remedies::apply_edits(params, {first, second});
  CHECK(format_cmdline(out) ==
        "a lsm=landlock,apparmor,bpf b audit_backlog_limit=8192 c SECURITY=x audit=1");

  SECTION("a later action's value for the same key wins") {
    Action third;
    third.cmdline.set = {{"lsm", "apparmor,bpf"}};
    auto edit = remedies::merged_edit({first, third});
    REQUIRE(edit.set.size() == 1);
    CHECK(edit.set[0].value == "apparmor,bpf");
  }
  SECTION("no actions, no change") {
    CHECK(format_cmdline(remedies::apply_edits(params, {})) == format_cmdline(params));
  }
}

TEST_CASE("render_nixos escapes hostile module names", "[remedies][nixos]") {
  Facts facts = seed_facts();
  facts.cmdline = cmdline("security=apparmor lsm=landlock,bpf,apparmor");
  // A stack read from a hostile snapshot: the names are not module names.
  facts.active_lsms =
      Fact<std::vector<std::string>>::known({"capability", "landlock", "${builtins.abort \"x\"}",
                                             "bpf", "apparmor", "ev\"il\\${x}\nnext"},
                                            {"snapshot/sys/kernel/security/lsm"});
  Plan plan = plan_for(facts);
  REQUIRE_FALSE(plan.empty());

  std::string host = remedies::render_nixos(plan, true);
  CHECK(test::interpolation_escaped(host));
  CHECK_THAT(host, Catch::Contains("security.lsm = lib.mkForce [ \"landlock\" "
                                   "\"\\${builtins.abort \\\"x\\\"}\" \"apparmor\" "));
  CHECK_THAT(host, Catch::Contains("\"ev\\\"il\\\\\\${x}\\nnext\""));
  CHECK_THAT(host, Catch::Contains("# Also remove security= from boot.kernelParams"));
  CHECK_THAT(host, Catch::StartsWith("{ lib, ... }:\n{\n"));
  CHECK_THAT(host, Catch::EndsWith("}\n"));

  std::string other = remedies::render_nixos(plan, false);
  CHECK(test::interpolation_escaped(other));
  // Unbalanced quotes cannot be kept on a kernel command line: the parameter
  // is quoted whole, without them, so it cannot swallow the next one.
  CHECK_THAT(other, Catch::Contains("boot.kernelParams = [ \"\\\"lsm=landlock,"));
}

TEST_CASE("render targets for the seed plan", "[remedies][render]") {
  Plan plan = plan_for(seed_facts());
  CHECK(remedies::render_cmdline(plan) ==
        std::string("  current:  ") + kSeedCmdline +
            "\n  proposed: BOOT_IMAGE=/boot/vmlinuz lsm=landlock,yama,apparmor,bpf audit=1 "
            "apparmor=1 audit_backlog_limit=1024 quiet\n");
  CHECK_THAT(remedies::render_grub(plan),
             Catch::Contains("replace any lsm= with lsm=landlock,yama,apparmor,bpf"));
  std::string boot = remedies::render_systemd_boot(plan);
  CHECK_THAT(boot, Catch::Contains("printf '%s\\n' 'lsm=landlock,yama,apparmor,bpf audit=1 "
                                   "apparmor=1 audit_backlog_limit=1024 quiet' | sudo tee"));
  CHECK_THAT(boot, !Catch::Contains("BOOT_IMAGE"));
  std::string nixos = remedies::render_nixos(plan, true);
  CHECK_THAT(nixos,
             Catch::Contains(
                 "security.lsm = lib.mkForce [ \"landlock\" \"yama\" \"apparmor\" \"bpf\" ];"));
}

TEST_CASE("make_plan: a fix configured for the next boot is staged", "[remedies][staged]") {
  Facts facts = seed_facts();
  BootConfig boot;
  boot.cmdlines.push_back({"grub", "/etc/default/grub:6", "quiet lsm=landlock,yama,apparmor,bpf"});
  facts.boot_config = Fact<BootConfig>::known(boot, {"/etc/default/grub"});
  Plan plan = plan_for(facts);
  REQUIRE(plan.actions.size() == 1);
  CHECK(plan.actions[0].staged_in == Names{"/etc/default/grub:6"});
  CHECK(plan.all_staged());

  SECTION("one configured command line without it: not staged") {
    boot.cmdlines.push_back({"bls", "/boot/loader/entries/a.conf:5", "lsm=landlock,yama,bpf"});
    facts.boot_config = Fact<BootConfig>::known(boot, {"/etc/default/grub"});
    CHECK_FALSE(plan_for(facts).actions[0].staged());
  }
  SECTION("no configured command line known: not staged") {
    facts.boot_config = Fact<BootConfig>::known(BootConfig{}, {"/etc/default/grub"});
    CHECK_FALSE(plan_for(facts).actions[0].staged());
  }
}

TEST_CASE("make_plan: audit settings and the audit daemon", "[remedies][plan]") {
  Facts facts = seed_facts();
  facts.kernel_log = kernel_log({"audit: backlog limit exceeded"});
  AuditStatus status;
  status.enabled = 1;
  status.pid = 0;
  facts.audit_status = Fact<AuditStatus>::known(status, {"netlink"});
  Plan plan = plan_for(facts);
  const Action* backlog = action(plan, "audit-backlog-limit");
  REQUIRE(backlog != nullptr);
  CHECK(backlog->audit.backlog_limit == 8192U);
  const Action* daemon = action(plan, "auditd-enable");
  REQUIRE(daemon != nullptr);
  CHECK(daemon->kind == ActionKind::service);
  CHECK(daemon->enable_service == "auditd");
  CHECK_FALSE(daemon->reboot);
  CHECK(daemon->disruption_level == Disruption::low);
  CHECK(remedies::render_audit_rules(plan).find("    -b 8192\n") != std::string::npos);
  std::string nix = remedies::render_nixos(plan, true);
  CHECK(nix.find("security.audit.backlogLimit = 8192;") != std::string::npos);
  CHECK(nix.find("security.auditd.enable = true;") != std::string::npos);
}

namespace {

// Context errors although apparmor comes before bpf, on 6.18: the diagnosis
// ranks a defect of the kernel range first.
Facts right_order_flood(const std::string& release = "6.18.2") {
  Facts facts = seed_facts();
  facts.kernel = kernel(release);
  facts.cmdline = cmdline("lsm=landlock,yama,apparmor,bpf audit=1");
  facts.active_lsms = active("capability,landlock,yama,apparmor,bpf");
  return facts;
}

} // namespace

TEST_CASE("make_plan: another kernel when the kernel range is the first cause",
          "[remedies][kernel]") {
  Plan plan = plan_for(right_order_flood());
  const Action* a = action(plan, "kernel-change");
  REQUIRE(a != nullptr);
  CHECK(plan.actions.size() == 1);
  CHECK(a->kind == ActionKind::kernel_package);
  CHECK(a->kernel.range == "lsmprop-first-hook");
  CHECK(a->kernel.outside == "6.18 and newer");
  CHECK(a->kernel.unaffected == knowledge().range("lsmprop-first-hook")->unaffected);
  CHECK(a->kernel.nixos_kernel_packages == "pkgs.linuxPackages_6_12");
  CHECK(a->kernel.source.find("a59076f2669e") != std::string::npos);
  CHECK(a->cmdline.empty());
  CHECK(a->reboot);
  CHECK(a->verify_expect == Names{"audit.log.subj-ctx-errors"});

  std::string nixos = remedies::render_nixos(plan, true);
  CHECK(nixos.rfind("{ lib, pkgs, ... }:\n", 0) == 0);
  CHECK(nixos.find("  boot.kernelPackages = pkgs.linuxPackages_6_12;\n") != std::string::npos);
  CHECK(nixos.find("  # Source: a59076f2669e") != std::string::npos);
  for (const std::string& target :
       {remedies::render_cmdline(plan), remedies::render_grub(plan), remedies::render_grubby(plan),
        remedies::render_systemd_boot(plan), remedies::render_shell(plan, "test")}) {
    CHECK(target.find("Install a kernel outside 6.18 and newer") != std::string::npos);
    CHECK(target.find("6.12") != std::string::npos);
  }
  CHECK(remedies::render_shell(plan, "test").find("install and boot the kernel") !=
        std::string::npos);

  SECTION("not when the order is wrong: reordering comes first") {
    Plan seed = plan_for(seed_facts());
    CHECK(action(seed, "kernel-change") == nullptr);
    CHECK(remedies::render_nixos(seed, true).rfind("{ lib, ... }:\n", 0) == 0);
  }
  SECTION("not outside the range") {
    CHECK(action(plan_for(right_order_flood("6.17.9")), "kernel-change") == nullptr);
  }
  SECTION("never without cited unaffected releases") {
    Knowledge bare = knowledge();
    for (auto& r : bare.kernel_ranges)
      if (r.id == "lsmprop-first-hook")
        r.unaffected.clear();
    Facts facts = right_order_flood();
    auto findings = run_checks(CheckContext{facts, bare});
    CHECK(action(make_plan(facts, bare, findings), "kernel-change") == nullptr);
  }
  SECTION("a value that is no pkgs attribute stays out of the Nix code") {
    Knowledge odd = knowledge();
    for (auto& r : odd.kernel_ranges)
      if (r.id == "lsmprop-first-hook")
        r.nixos_kernel_packages = "pkgs.linux; security.audit.enable = false";
    Facts facts = right_order_flood();
    auto findings = run_checks(CheckContext{facts, odd});
    std::string odd_nixos = remedies::render_nixos(make_plan(facts, odd, findings), true);
    CHECK(odd_nixos.find("boot.kernelPackages =") == std::string::npos);
    CHECK(odd_nixos.find("security.audit.enable") == std::string::npos);
    CHECK(odd_nixos.rfind("{ lib, ... }:\n", 0) == 0);
  }
}
