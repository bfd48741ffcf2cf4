// Fuzz target: the JSON `lsm-doctor nixos plan --from-json` reads (nix eval
// output, or anything a user pipes in). Whatever TOML it writes must parse
// as TOML, and when it reads as a plan, the plan's values are whole.
#include "core/knowledge.h"
#include "fuzz_knowledge.h"
#include "parse/plan_json.h"
#include "parse/toml_reader.h"
#include "sources/plan_file.h"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const lsmdoctor::Knowledge& kKnowledge = lsmdoctor::fuzz::knowledge();
  std::string_view json(reinterpret_cast<const char*>(data), size);
  auto toml = lsmdoctor::plan_toml_from_json(json, "fuzz.json", "header");
  if (!toml)
    return 0;
  // What is written is TOML, always: a value can never break out of it.
  if (!lsmdoctor::parse_toml(*toml, "fuzz.toml"))
    std::abort();
  lsmdoctor::PlanInputs inputs;
  inputs.read_file = [](const std::string&) -> lsmdoctor::Result<std::string> {
    return std::string("-e 1\n");
  };
  (void)lsmdoctor::parse_plan(*toml, "fuzz.toml", kKnowledge, inputs);
  return 0;
}
