// Evaluating a NixOS configuration to the values of its lsm-doctor plan
// (nixos/plan.nix, compiled in): the commands are built here and run with
// the user's nix, which prints its own messages on standard error.
#pragma once

#include "core/result.h"

#include <string>
#include <vector>

namespace lsmdoctor {

// The text of nixos/plan.nix.
extern const char* const kNixosPlanExpression;

// `nix-instantiate --eval --strict --json` of the plan of the NixOS
// configuration FILE (configuration.nix), through <nixpkgs/nixos> on NIX_PATH.
std::vector<std::string> nix_plan_command_for_file(const std::string& file);

// `nix eval --json` of the plan of a flake's nixosConfigurations.HOST, from
// "REF#HOST" (".#web"). An error when HOST is missing or not a plain name.
Result<std::vector<std::string>> nix_plan_command_for_flake(const std::string& flake);

// The JSON of `--from-json PATH`: a regular file, or standard input for
// "-"; refused past `limit` bytes.
Result<std::string> read_json_input(const std::string& path, std::size_t limit);

// Runs `argv` (argv[0] found on PATH) with standard error passed through and
// returns its standard output (at most `limit` bytes); an error naming the
// command when it cannot start, is killed or exits with a status other than 0.
Result<std::string> run_command_output(const std::vector<std::string>& argv, std::size_t limit);

} // namespace lsmdoctor
