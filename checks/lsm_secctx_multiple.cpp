// lsm.secctx.multiple: more than one module that provides security contexts
// is active; audit then prints subj=? and per-module aux records (6.18+), or
// picks one module on kernels that predate that.
#include "checks/checks.h"
#include "checks/evidence.h"
#include "checks/stack_view.h"
#include "parse/lsm_list.h"

#include <fmt/format.h>

namespace lsmdoctor::checks {
namespace {
Finding run(const CheckContext& ctx);
} // namespace

const CheckDef lsm_secctx_multiple{"lsm.secctx.multiple", Severity::warning,
                                   "more than one context-providing module is active", run};

namespace {
Finding run(const CheckContext& ctx) {
  const CheckDef& def = lsm_secctx_multiple;
  StackView stack = judged_stack(ctx.facts, ctx.knowledge);
  if (!stack.known())
    return unknown(def, "cannot tell which modules are active", stack.unknown_reason);
  auto providers = secctx_modules(stack.order, ctx.knowledge);
  Evidence e;
  e.source = stack.source;
  e.excerpt = join_lsm_list(stack.order);
  if (providers.size() <= 1) {
    Finding f =
        pass(def, providers.empty() ? "no context-providing module is active"
                                    : fmt::format("one context provider: {}", providers[0]));
    f.evidence.push_back(e);
    return f;
  }
  Finding f = fail(def, fmt::format("{} context providers are active: {}", providers.size(),
                                    join_lsm_list(providers)));
  f.evidence.push_back(e);
  f.detail = fmt::format(
      "Mainline kernels let only one of AppArmor, SELinux and Smack run (they are exclusive), so "
      "this kernel carries stacking patches. Audit rules with subj_*/obj_* fields bind to one "
      "module and which one is ambiguous; 6.18 and newer print subj=? and MAC_TASK_CONTEXTS "
      "records, older or vendor kernels report only {}.",
      providers[0]);
  f.confidence = "medium";
  return f;
}
} // namespace
} // namespace lsmdoctor::checks
