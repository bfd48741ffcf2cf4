// lsm-doctor nixos [-o FILE]: the plan as a NixOS module.
#include "cli/cli.h"

#include <iostream>

namespace lsmdoctor {

int cmd_nixos(const Options& o) {
  auto run = run_doctor(o);
  if (!run) {
    std::cerr << "lsm-doctor: " << run.error().message << "\n";
    return kExitInput;
  }
  if (run->plan.empty() && !o.disable_audit) {
    std::cerr << "lsm-doctor: nothing to fix\n";
    return kExitHealthy;
  }
  remedies::NixosModuleOptions options;
  options.tool_version = kToolVersion;
  options.disable_audit = o.disable_audit;
  std::string module = remedies::render_nixos_module(run->plan, run->findings, options);
  if (!emit(o, module))
    return kExitCantCreate;
  if (!o.output.empty() && o.output != "-")
    std::cerr << "lsm-doctor: wrote " << o.output << "\n";
  return kExitHealthy;
}

} // namespace lsmdoctor
