#include "core/plan.h"
#include "remedies/targets.h"

#include <catch2/catch.hpp>

using namespace lsmdoctor;

namespace {

// The seed case's plan, written out: reorder lsm= and drop security=.
Plan reorder_plan() {
  Action a;
  a.id = "lsm-order";
  a.summary = "set lsm=landlock,apparmor,bpf and remove security=";
  a.why = "context providers before bpf";
  a.cmdline.set = {{"lsm", "landlock,apparmor,bpf"}};
  a.cmdline.remove = {"security"};
  a.undo_cmdline.set = {{"lsm", "landlock,bpf,apparmor"}, {"security", "apparmor"}};
  a.verify = "after the reboot run lsm-doctor check";
  Plan plan;
  plan.actions.push_back(a);
  return plan;
}

} // namespace

TEST_CASE("render_grubby: one command for every kernel, and its undo", "[remedies][grubby]") {
  std::string out = remedies::render_grubby(reorder_plan());
  CHECK(out.find("sudo grubby --update-kernel=ALL --args='lsm=landlock,apparmor,bpf' "
                 "--remove-args='security'\n") != std::string::npos);
  CHECK(out.find("undo:\n    sudo grubby --update-kernel=ALL "
                 "--args='lsm=landlock,bpf,apparmor security=apparmor'\n") != std::string::npos);
  CHECK(remedies::render_grubby(Plan{}).empty());
}

TEST_CASE("render_grubby quotes values for the shell", "[remedies][grubby]") {
  Plan plan = reorder_plan();
  plan.actions[0].cmdline.set = {{"note", "it's $(id)"}};
  plan.actions[0].cmdline.remove.clear();
  std::string out = remedies::render_grubby(plan);
  const std::string want = R"X(--args='note="it'\''s $(id)"')X";
  CHECK(out.find(want) != std::string::npos);
}

TEST_CASE("staged actions are reported, not repeated", "[remedies][staged]") {
  Plan plan = reorder_plan();
  plan.actions[0].staged_in = {"/etc/default/grub:3"};
  CHECK(plan.all_staged());
  CHECK(plan.pending().empty());
  std::string note = "  staged, reboot to apply: set lsm=landlock,apparmor,bpf and remove "
                     "security= (configured in /etc/default/grub:3)\n";
  CHECK(remedies::render_grubby(plan) == note);
  CHECK(remedies::render_grub(plan) == note);
  CHECK(remedies::render_cmdline(plan) == note);
  CHECK(remedies::render_systemd_boot(plan) == note);
  std::string nix = remedies::render_nixos(plan, true);
  CHECK(nix.find("security.lsm") == std::string::npos);
  CHECK(nix.find("  # staged, reboot to apply: ") != std::string::npos);
  std::string script = remedies::render_shell(plan, "0.1.0");
  CHECK(script.find("nothing to change") != std::string::npos);
  CHECK(script.find("grubby") == std::string::npos);
}

TEST_CASE("render_shell: set -eu, dry run by default, quoted plan values", "[remedies][shell]") {
  Plan plan = reorder_plan();
  plan.actions[0].summary = "set lsm=x\n$(reboot)";
  std::string script = remedies::render_shell(plan, "0.1.0");
  CHECK(script.rfind("#!/bin/sh\n", 0) == 0);
  CHECK(script.find("\nset -eu\n") != std::string::npos);
  CHECK(script.find("\napply=0\n") != std::string::npos);
  CHECK(script.find("set_params='lsm=landlock,apparmor,bpf'\n") != std::string::npos);
  CHECK(script.find("remove_keys='security'\n") != std::string::npos);
  // A newline in a summary cannot end the comment or the quoted word.
  CHECK(script.find("# 1. set lsm=x $(reboot)\n") != std::string::npos);
  CHECK(script.find("plan_summary='set lsm=x $(reboot)'\n") != std::string::npos);
}

TEST_CASE("render_nixos_module: mkBefore only for modules lsm= does not name",
          "[remedies][nixos]") {
  Plan plan = reorder_plan();
  plan.actions[0].cmdline.remove.clear();
  plan.actions[0].lsm_order = {"landlock", "yama", "apparmor", "bpf"};
  plan.current_cmdline = "ro lsm=landlock,yama,bpf";
  remedies::NixosModuleOptions options{"9.9", false};
  std::string out = remedies::render_nixos_module(plan, {}, options);
  CHECK(out.rfind("# NixOS module written by lsm-doctor 9.9", 0) == 0);
  CHECK(out.find("security.lsm = lib.mkBefore [ \"apparmor\" ];") != std::string::npos);
  CHECK(out.find("security.audit.enable") == std::string::npos);

  plan.current_cmdline = "ro lsm=landlock,yama,bpf,apparmor";
  out = remedies::render_nixos_module(plan, {}, options);
  CHECK(out.find("security.lsm = lib.mkForce [ \"landlock\" \"yama\" \"apparmor\" \"bpf\" ];") !=
        std::string::npos);

  options.disable_audit = true;
  out = remedies::render_nixos_module(plan, {}, options);
  CHECK(out.find("security.audit.enable = lib.mkForce false;") != std::string::npos);
}
