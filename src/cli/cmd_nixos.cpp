// lsm-doctor nixos [-o FILE]: the plan as a NixOS module; lsm-doctor nixos
// plan: a NixOS configuration as a plan for check --plan.
#include "cli/cli.h"
#include "parse/plan_json.h"
#include "sources/nix_eval.h"
#include "sources/plan_file.h"

#include <fmt/format.h>
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

namespace {

constexpr std::size_t kMaxPlanJson = std::size_t{16} * 1024 * 1024;

// The configuration's plan values as JSON, and where they came from.
Result<std::string> plan_json(const Options& o, std::string& source) {
  if (!o.from_json.empty()) {
    source = o.from_json == "-" ? "standard input" : o.from_json;
    return read_json_input(o.from_json, kMaxPlanJson);
  }
  std::vector<std::string> command;
  if (!o.nix_flake.empty()) {
    TRY(flake, nix_plan_command_for_flake(o.nix_flake));
    command = std::move(flake);
    source = "--flake " + o.nix_flake;
  } else {
    command = nix_plan_command_for_file(o.nix_file);
    source = "--file " + o.nix_file;
  }
  return run_command_output(command, kMaxPlanJson);
}

} // namespace

int cmd_nixos_plan(const Options& o) {
  std::string source;
  auto json = plan_json(o, source);
  if (!json) {
    std::cerr << "lsm-doctor: " << json.error().message << "\n";
    return kExitInput;
  }
  std::string header = fmt::format("lsm-doctor plan of a NixOS configuration ({}), written by "
                                   "lsm-doctor nixos plan {}.\nCheck it with: lsm-doctor check "
                                   "--plan FILE",
                                   source, kToolVersion);
  auto toml = plan_toml_from_json(*json, source, header);
  if (!toml) {
    std::cerr << "lsm-doctor: " << toml.error().message << "\n";
    return kExitInput;
  }
  // The plan reader judges the result, so only plans check --plan reads are
  // written; a rules file the plan names is not read here.
  auto knowledge = o.knowledge_dir.empty() ? builtin_knowledge() : load_knowledge(o.knowledge_dir);
  if (!knowledge) {
    std::cerr << "lsm-doctor: " << knowledge.error().message << "\n";
    return kExitInput;
  }
  PlanInputs inputs;
  inputs.read_file = [](const std::string&) -> Result<std::string> { return std::string(); };
  auto facts = parse_plan(*toml, "the plan", *knowledge, inputs);
  if (!facts) {
    std::cerr << "lsm-doctor: " << source << " does not give a plan: " << facts.error().message
              << "\n";
    return kExitInput;
  }
  if (!emit(o, *toml))
    return kExitCantCreate;
  if (!o.output.empty() && o.output != "-")
    std::cerr << "lsm-doctor: wrote " << o.output << "\n";
  return kExitHealthy;
}

} // namespace lsmdoctor
