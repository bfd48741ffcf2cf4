// lsm-doctor explain ID | --list: offline documentation of the checks.
#include "cli/cli.h"

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
  std::cout << fmt::format("{}\n  {}\n  severity when failing: {}\n", def->id, def->title,
                           to_string(def->severity));
  return kExitHealthy;
}

} // namespace lsmdoctor
