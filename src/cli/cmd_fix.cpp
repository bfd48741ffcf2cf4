// lsm-doctor fix --target T: the plan rendered for one deployment target.
#include "cli/cli.h"

#include <iostream>

namespace lsmdoctor {

int cmd_fix(const Options& o) {
  auto run = run_doctor(o);
  if (!run) {
    std::cerr << "lsm-doctor: " << run.error().message << "\n";
    return kExitInput;
  }
  if (run->plan.empty()) {
    std::cerr << "lsm-doctor: nothing to fix\n";
    return kExitHealthy;
  }
  const Plan& plan = run->plan;
  if (o.target == "cmdline")
    std::cout << remedies::render_cmdline(plan);
  else if (o.target == "grub")
    std::cout << remedies::render_grub(plan);
  else if (o.target == "grubby")
    std::cout << remedies::render_grubby(plan);
  else if (o.target == "audit-rules")
    std::cout << remedies::render_audit_rules(plan);
  else if (o.target == "shell")
    std::cout << remedies::render_shell(plan, kToolVersion);
  else if (o.target == "systemd-boot")
    std::cout << remedies::render_systemd_boot(plan);
  else if (o.target == "nixos")
    std::cout << remedies::render_nixos(plan, run->nixos);
  return kExitHealthy;
}

} // namespace lsmdoctor
