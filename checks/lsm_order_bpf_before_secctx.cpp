// lsm.order.bpf-before-secctx: bpf is active ahead of a module that gives
// audit its security contexts (AppArmor, SELinux, Smack).
#include "checks/checks.h"
#include "checks/evidence.h"
#include "checks/stack_view.h"
#include "model/lsm_stack.h"
#include "parse/lsm_list.h"

#include <fmt/format.h>

namespace lsmdoctor::checks {
namespace {

Finding run(const CheckContext& ctx);

} // namespace

const CheckDef lsm_order_bpf_before_secctx{
    "lsm.order.bpf-before-secctx", Severity::error,
    "bpf is ordered before a context-providing security module", run};

namespace {

Finding run(const CheckContext& ctx) {
  const CheckDef& def = lsm_order_bpf_before_secctx;
  StackView stack = judged_stack(ctx.facts, ctx.knowledge);
  if (!stack.known())
    return unknown(def, "cannot tell the module order", stack.unknown_reason);
  auto providers = secctx_modules(stack.order, ctx.knowledge);
  if (providers.empty())
    return not_applicable(def, "no context-providing module (apparmor, selinux, smack) is active");

  Evidence order_evidence;
  order_evidence.source = stack.source;
  order_evidence.excerpt = join_lsm_list(stack.order);
  auto misplaced = first_secctx_after_bpf(stack.order, ctx.knowledge);
  if (!misplaced) {
    Finding f = pass(
        def, fmt::format("{} comes before bpf (or bpf is not active)", join_lsm_list(providers)));
    f.evidence.push_back(order_evidence);
    return f;
  }

  const std::string& module = stack.order[*misplaced];
  std::uint64_t errors = context_error_count(ctx.facts);
  std::string range_text;
  bool affected = in_secctx_defect_range(ctx.facts, ctx.knowledge, range_text);

  Severity severity = (errors > 0 || affected) ? Severity::error : Severity::warning;
  Finding f = fail(def, severity, fmt::format("bpf is active before {}", module));
  f.evidence.push_back(order_evidence);
  if (ctx.facts.cmdline.is_known() && ctx.facts.cmdline->last("lsm"))
    f.evidence.push_back(cmdline_evidence(ctx.facts, "lsm"));
  else if (ctx.facts.cmdline.is_known() && ctx.facts.cmdline->last("security"))
    f.evidence.push_back(cmdline_evidence(ctx.facts, "security"));
  if (ctx.facts.kernel.is_known())
    f.evidence.push_back(kernel_evidence(ctx.facts));

  if (errors > 0) {
    f.detail = fmt::format(
        "The kernel log holds {} audit context errors. Since 6.18 audit asks the first module "
        "that registered the context hook; the BPF LSM registers a stub for every hook that "
        "answers -EOPNOTSUPP, so with bpf ahead of {} every subject lookup fails, records lose "
        "subj=, and auditctl -e/-b/-f/-r is refused with 'Operation not supported'. Putting {} "
        "ahead of bpf in lsm= stops it.",
        errors, module, module);
    f.confidence = "high";
  } else if (affected && ctx.facts.origin == Origin::plan) {
    auto audit = ctx.facts.cmdline.is_known() ? ctx.facts.cmdline->last("audit") : std::nullopt;
    f.detail = fmt::format(
        "This plan boots kernel {}, in the range {} where this order breaks audit: with bpf "
        "ahead of {}, audit's subject context lookups reach the BPF LSM's stub and fail. {} "
        "Put {} ahead of bpf in lsm= before deploying.",
        ctx.facts.kernel->text, range_text, module,
        audit == "0" ? "Audit is off (audit=0), which hides the failure; enabling it floods."
                     : fmt::format("With {} the kernel log will flood with 'audit: error "
                                   "in audit_log_subj_ctx', records lose subj=, and auditctl "
                                   "-e/-b/-f/-r fails with 'Operation not supported'.",
                                   audit ? "audit=" + *audit : "enabled"),
        module);
    f.confidence = "high";
  } else if (affected) {
    f.detail = fmt::format(
        "Kernel {} is in the range {} where this order breaks audit: subject context lookups "
        "reach the BPF LSM's stub first and fail. No errors were seen in the kernel log "
        "(audit may be off, or the log was cleared); they appear as soon as audit records a "
        "task. Put {} ahead of bpf in lsm=.",
        ctx.facts.kernel->text, range_text, module);
    f.confidence = ctx.facts.kernel_log.is_known() ? "high" : "medium";
  } else if (ctx.facts.kernel.is_known()) {
    f.detail = fmt::format(
        "Kernel {} still skips the BPF LSM's default answer when audit asks for a context, so "
        "audit works today; kernels {} break with this order (audit: error in "
        "audit_log_subj_ctx). /proc/<pid>/attr/current already returns EINVAL with bpf first. "
        "Reorder now, before the kernel is upgraded.",
        ctx.facts.kernel->text, range_text);
    f.confidence = "high";
  } else {
    f.detail = "The kernel release is unknown; on 6.18 and newer this order breaks audit "
               "(subject context lookups reach the BPF LSM's stub first).";
    f.confidence = "medium";
  }
  if (stack.predicted && ctx.facts.origin != Origin::plan) {
    f.detail += " The order was predicted from the configuration, not read from the running "
                "kernel (" +
                ctx.facts.active_lsms.reason() + ").";
    f.confidence = "medium";
  }
  return f;
}

} // namespace
} // namespace lsmdoctor::checks
