#include "checks/plan_scope.h"

#include <algorithm>
#include <array>

namespace lsmdoctor::checks {
namespace {

// Sorted. A check joins when everything it reads can be written in a plan.
constexpr std::array<std::string_view, 7> kPlanChecks{
    "audit.kernel.disabled",         "config.expect.audit-enabled", "config.expect.modules",
    "lsm.order.bpf-before-secctx",   "lsm.secctx.multiple",         "lsm.stack.duplicate",
    "lsm.stack.security-overridden",
};

} // namespace

bool judges_plans(std::string_view id) {
  return std::binary_search(kPlanChecks.begin(), kPlanChecks.end(), id);
}

void scope_to_plan(std::vector<Finding>& findings) {
  for (auto& f : findings) {
    if (f.status != Status::unknown || judges_plans(f.id))
      continue;
    f.status = Status::not_applicable;
    f.title = "needs a running kernel; a plan cannot tell (" + f.title + ")";
    f.detail.clear();
  }
  std::stable_partition(findings.begin(), findings.end(),
                        [](const Finding& f) { return f.status != Status::not_applicable; });
}

} // namespace lsmdoctor::checks
