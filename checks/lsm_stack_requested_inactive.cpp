// lsm.stack.requested-inactive: a module named in lsm= (or security=) is not
// in the active stack; says why when the inputs tell.
#include "checks/checks.h"
#include "checks/evidence.h"
#include "model/lsm_stack.h"
#include "parse/lsm_list.h"

#include <algorithm>
#include <fmt/format.h>

namespace lsmdoctor::checks {
namespace {
Finding run(const CheckContext& ctx);
} // namespace

const CheckDef lsm_stack_requested_inactive{"lsm.stack.requested-inactive", Severity::warning,
                                            "a module requested on the command line is not active",
                                            run};

namespace {
Finding run(const CheckContext& ctx) {
  const CheckDef& def = lsm_stack_requested_inactive;
  const Facts& facts = ctx.facts;
  if (!facts.cmdline.is_known())
    return unknown(def, "cannot read the kernel command line",
                   why_unknown("the command line", facts.cmdline));
  auto requested = requested_lsms(*facts.cmdline);
  if (requested.empty())
    return not_applicable(def, "neither lsm= nor security= is on the kernel command line");
  if (!facts.active_lsms.is_known())
    return unknown(def, "cannot compare the request with the active stack",
                   why_unknown("the active stack", facts.active_lsms));

  const auto& active = *facts.active_lsms;
  const KernelConfig* config = facts.kconfig.is_known() ? &*facts.kconfig : nullptr;
  const KernelRelease* kernel = facts.kernel.is_known() ? &*facts.kernel : nullptr;
  std::vector<std::string> missing;
  std::vector<std::string> reasons;
  bool only_non_modules = true;
  for (const auto& name : requested) {
    if (std::find(active.begin(), active.end(), name) != active.end() ||
        std::find(missing.begin(), missing.end(), name) != missing.end())
      continue;
    missing.push_back(name);
    std::string why = inactive_reason(name, active, &*facts.cmdline, config, kernel, ctx.knowledge);
    reasons.push_back(fmt::format("{}: {}", name,
                                  why.empty() ? "no reason can be told from the "
                                                "inputs (kernel config unknown?)"
                                              : why));
    const LsmTrait* trait = ctx.knowledge.lsm(name);
    if (trait && trait->id != 0)
      only_non_modules = false;
  }
  Evidence requested_evidence =
      cmdline_evidence(facts, facts.cmdline->last("lsm") ? "lsm" : "security");
  if (missing.empty()) {
    Finding f = pass(def, "every requested module is active");
    f.evidence.push_back(requested_evidence);
    f.evidence.push_back(stack_evidence(facts));
    return f;
  }
  Severity severity = only_non_modules ? Severity::info : Severity::warning;
  Finding f =
      fail(def, severity, fmt::format("requested but not active: {}", join_lsm_list(missing)));
  f.evidence.push_back(requested_evidence);
  f.evidence.push_back(stack_evidence(facts));
  if (config)
    f.evidence.push_back(Evidence{facts.kconfig.from().source, 0,
                                  "CONFIG_LSM=" + config->get("CONFIG_LSM").value_or("(not set)"),
                                  std::nullopt, "", "", ""});
  for (const auto& reason : reasons)
    f.detail += (f.detail.empty() ? "" : " ") + reason + ".";
  f.confidence = config ? "high" : "medium";
  return f;
}
} // namespace
} // namespace lsmdoctor::checks
