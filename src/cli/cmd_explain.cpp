// lsm-doctor explain ID | --list: offline documentation of the checks, from
// the knowledge (checks.toml, kernels.toml, capability.toml).
#include "cli/cli.h"
#include "render/explain.h"

#include <fmt/format.h>
#include <iostream>

namespace lsmdoctor {
int cmd_explain(const Options& o) {
  if (o.explain_id.empty() || o.explain_id == "--list") {
    for (const auto& def : check_registry())
      std::cout << fmt::format("{:<34} {}\n", def.id, def.title);
    return kExitHealthy;
  }
  const CheckDef* def = find_check(o.explain_id);
  if (!def) {
    std::cerr << fmt::format("lsm-doctor: no check named '{}' (see lsm-doctor explain --list)\n",
                             o.explain_id);
    return kExitUsage;
  }
  auto knowledge = o.knowledge_dir.empty() ? builtin_knowledge() : load_knowledge(o.knowledge_dir);
  if (!knowledge) {
    std::cerr << "lsm-doctor: " << knowledge.error().message << "\n";
    return kExitInput;
  }
  const CheckDoc* doc = knowledge->check(std::string(def->id));
  if (!doc) {
    std::cout << fmt::format("{}\n  {}\n  severity when failing: {}\n  (no documentation in "
                             "the knowledge files)\n",
                             def->id, def->title, to_string(def->severity));
    return kExitHealthy;
  }
  std::cout << explain_text(*def, *doc, *knowledge);
  return kExitHealthy;
}

} // namespace lsmdoctor
