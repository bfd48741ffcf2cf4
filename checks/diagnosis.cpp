#include "checks/diagnosis.h"

#include "checks/stack_view.h"
#include "model/lsm_stack.h"
#include "parse/lsm_list.h"

#include <fmt/format.h>

namespace lsmdoctor::checks {
namespace {

bool kernel_at_least(const Facts& facts, int major, int minor) {
  return facts.kernel.is_known() && facts.kernel->at_least(major, minor);
}

} // namespace

std::vector<Hypothesis> diagnose_context_errors(const CheckContext& ctx) {
  const Facts& facts = ctx.facts;
  std::vector<Hypothesis> out;
  StackView stack = judged_stack(facts, ctx.knowledge);
  std::string kernel = facts.kernel.is_known() ? facts.kernel->text : "unknown";

  if (stack.known()) {
    auto misplaced = first_secctx_after_bpf(stack.order, ctx.knowledge);
    if (misplaced) {
      Hypothesis h;
      h.id = "lsm-order";
      h.summary = fmt::format("bpf is ordered before {}: audit's context lookup reaches the BPF "
                              "LSM's stub, which answers -EOPNOTSUPP",
                              stack.order[*misplaced]);
      h.confidence = kernel_at_least(facts, 6, 18) ? (stack.predicted ? 0.8 : 0.95) : 0.6;
      h.supports.push_back(fmt::format("order {} ({})", join_lsm_list(stack.order), stack.source));
      if (kernel_at_least(facts, 6, 18))
        h.supports.push_back(fmt::format("kernel {} is 6.18 or newer, where audit asks the first "
                                         "registered module",
                                         kernel));
      else
        h.contradicts.push_back(fmt::format("kernel {} predates 6.18; before it the BPF stub's "
                                            "default answer was skipped",
                                            kernel));
      h.remedy = fmt::format("reorder lsm= so {} comes before bpf", stack.order[*misplaced]);
      out.push_back(std::move(h));
    } else {
      Hypothesis h;
      h.id = "kernel-defect";
      h.summary = "the module order is already right, so another module or a vendor patch "
                  "returns an error for context lookups";
      h.confidence = 0.5;
      h.supports.push_back(
          fmt::format("no context-providing module follows bpf in {}", join_lsm_list(stack.order)));
      h.contradicts.emplace_back("no known mainline defect other than the bpf-first order produces "
                                 "these errors");
      h.remedy = "boot a kernel outside the affected range (for example the 6.12 LTS series; on "
                 "NixOS boot.kernelPackages = pkgs.linuxPackages_6_12) and report the kernel, "
                 "lsm order and log upstream";
      out.push_back(std::move(h));
    }
  }
  Hypothesis off;
  off.id = "disable-audit";
  off.summary = "last resort only: audit=0 silences the errors but loses every audit record "
                "(logins, AppArmor/SELinux denials, rule hits)";
  off.confidence = 0;
  off.remedy = "not recommended while a fix above applies";
  out.push_back(std::move(off));
  return out;
}

} // namespace lsmdoctor::checks
