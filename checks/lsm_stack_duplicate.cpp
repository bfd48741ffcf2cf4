// lsm.stack.duplicate: a module is named twice in lsm=. The kernel keeps the
// first and ignores the rest; the duplicate usually means two configuration
// layers (e.g. NixOS lib.mkBefore) both add the module.
#include "checks/checks.h"
#include "checks/evidence.h"
#include "parse/lsm_list.h"

#include <algorithm>
#include <fmt/format.h>

namespace lsmdoctor::checks {
namespace {
Finding run(const CheckContext& ctx);
} // namespace

const CheckDef lsm_stack_duplicate{"lsm.stack.duplicate", Severity::warning,
                                   "a module is listed more than once in lsm=", run};

namespace {
Finding run(const CheckContext& ctx) {
  const CheckDef& def = lsm_stack_duplicate;
  if (!ctx.facts.cmdline.is_known())
    return unknown(def, "cannot read the kernel command line",
                   why_unknown("the command line", ctx.facts.cmdline));
  auto lsm = ctx.facts.cmdline->last("lsm");
  if (!lsm)
    return not_applicable(def, "no lsm= on the kernel command line");
  auto names = parse_lsm_list(*lsm).names;
  std::vector<std::string> seen;
  std::vector<std::string> repeated;
  for (const auto& name : names) {
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
      if (std::find(repeated.begin(), repeated.end(), name) == repeated.end())
        repeated.push_back(name);
    } else {
      seen.push_back(name);
    }
  }
  if (repeated.empty()) {
    Finding f = pass(def, "every module appears once in lsm=");
    f.evidence.push_back(cmdline_evidence(ctx.facts, "lsm"));
    return f;
  }
  Finding f = fail(def, fmt::format("lsm= names {} more than once", join_lsm_list(repeated)));
  f.evidence.push_back(cmdline_evidence(ctx.facts, "lsm"));
  f.detail = "The kernel initialises each module once, at its first position, and ignores later "
             "repeats. A repeat usually means two configuration layers add the same module; the "
             "position you meant may not be the one that counts.";
  f.confidence = "high";
  return f;
}
} // namespace
} // namespace lsmdoctor::checks
