// Plans from JSON: `nix eval --json` of nixos/plan.nix (lsm-doctor nixos
// plan) gives the plan's values as JSON; this turns them into plan TOML.
#pragma once

#include "core/result.h"

#include <string>
#include <string_view>

namespace lsmdoctor {

// The TOML of the plan whose values `json` holds: objects become tables,
// strings, integers, booleans and arrays of them stay as they are, and null
// values are left out (an option that is not set). Anything else (invalid
// JSON or UTF-8, fractions, nested arrays, a top level that is not an
// object) is an error naming `name` and the JSON path. Keys are not judged
// here: parse_plan does that on the result. `header` becomes leading comment
// lines.
Result<std::string> plan_toml_from_json(std::string_view json, const std::string& name,
                                        const std::string& header = {});

} // namespace lsmdoctor
