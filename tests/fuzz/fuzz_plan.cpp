// Fuzz target: plan files (check --plan), TOML from a CI job or a generator.
#include "core/knowledge.h"
#include "sources/plan_file.h"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const lsmdoctor::Knowledge kKnowledge = [] {
    auto loaded = lsmdoctor::builtin_knowledge();
    if (!loaded)
      std::abort();
    return std::move(loaded).value();
  }();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto facts = lsmdoctor::parse_plan(text, "fuzz.toml", kKnowledge);
  if (facts && facts->cmdline.is_known())
    (void)facts->cmdline->last("lsm");
  return 0;
}
