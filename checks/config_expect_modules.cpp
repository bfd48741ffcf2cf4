// config.expect.modules: every module that [expect] modules of lsm-doctor.toml
// names is in the stack: active, or for a plan (or an unreadable stack)
// predicted from lsm=, security= and CONFIG_LSM.
#include "checks/checks.h"
#include "checks/stack_view.h"

#include <algorithm>
#include <fmt/format.h>

namespace lsmdoctor::checks {
namespace {
Finding run(const CheckContext& ctx);
} // namespace

const CheckDef config_expect_modules{"config.expect.modules", Severity::error,
                                     "the security modules the configuration expects are active",
                                     run};

namespace {

Finding run(const CheckContext& ctx) {
  const CheckDef& def = config_expect_modules;
  if (!ctx.config || !ctx.config->expect.modules)
    return not_applicable(def, "no [expect] modules in the configuration");
  const Expectations& expect = ctx.config->expect;
  const auto& wanted = *expect.modules;
  Evidence expected{ctx.config->file,
                    expect.modules_line,
                    fmt::format("modules = [{}]", fmt::join(wanted, ", ")),
                    std::nullopt,
                    "",
                    "",
                    "expected"};
  StackView stack = judged_stack(ctx.facts, ctx.knowledge);
  if (!stack.known()) {
    Finding f =
        unknown(def, "cannot tell whether the expected modules are active", stack.unknown_reason);
    f.evidence.push_back(expected);
    return f;
  }
  std::vector<std::string> missing;
  for (const auto& name : wanted)
    if (std::find(stack.order.begin(), stack.order.end(), name) == stack.order.end())
      missing.push_back(name);
  const char* predicted = stack.predicted ? " (predicted)" : "";
  Evidence got{stack.source,
               0,
               fmt::format("{}", fmt::join(stack.order, ",")),
               std::nullopt,
               "",
               "",
               stack.predicted ? "the predicted stack" : "the active stack"};
  Finding f = missing.empty() ? pass(def, fmt::format("the expected modules are active{}: {}",
                                                      predicted, fmt::join(wanted, ", ")))
                              : fail(def, fmt::format("expected module{} not active{}: {}",
                                                      missing.size() == 1 ? "" : "s", predicted,
                                                      fmt::join(missing, ", ")));
  f.evidence.push_back(got);
  f.evidence.push_back(expected);
  if (!missing.empty()) {
    f.detail = "The configuration requires these modules in the stack. A module that is built "
               "in but not active is missing from lsm= (or CONFIG_LSM); one that is not built in "
               "needs another kernel. See lsm.stack.requested-inactive for modules requested but "
               "not started.";
    f.confidence = stack.predicted ? "medium" : "high";
  }
  return f;
}

} // namespace
} // namespace lsmdoctor::checks
