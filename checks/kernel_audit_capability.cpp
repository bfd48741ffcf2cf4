// kernel.audit-capability: what audit can say about security contexts on
// this host, as one named level of knowledge/capability.toml, from the
// release, the active (or predicted) stack and evidence in the logs.
#include "checks/checks.h"
#include "checks/evidence.h"
#include "checks/stack_view.h"
#include "parse/lsm_list.h"

#include <algorithm>
#include <fmt/format.h>

namespace lsmdoctor::checks {
namespace {
Finding run(const CheckContext& ctx);
} // namespace

const CheckDef kernel_audit_capability{"kernel.audit-capability", Severity::info,
                                       "the multi-LSM audit capability level of the kernel", run};

namespace {

std::string level_summary(const Knowledge& k, const std::string& id) {
  const CapabilityLevel* level = k.level(id);
  return level ? level->summary : std::string();
}

Finding at_level(const CheckContext& ctx, const std::string& id, bool fragile, std::string title) {
  const CheckDef& def = kernel_audit_capability;
  Finding f = fragile ? fail(def, std::move(title)) : pass(def, std::move(title));
  f.level = id;
  f.detail = level_summary(ctx.knowledge, id);
  if (!f.detail.empty())
    f.detail += '.';
  if (const CapabilityLevel* level = ctx.knowledge.level(id))
    f.confidence = level->confidence;
  return f;
}

// Aux records or subj=? in audit.log: the kernel renders per-module contexts.
bool multi_context_evidence(const Facts& facts, Evidence& e) {
  if (!facts.audit_log.is_known())
    return false;
  const AuditLogSummary& log = *facts.audit_log;
  if (log.multi_context_records == 0 && log.subj_unset == 0)
    return false;
  e.source = log.first_multi_context.empty()
                 ? (log.files.empty() ? std::string("audit.log") : log.files.front())
                 : log.first_multi_context;
  e.excerpt = fmt::format("{} MAC_TASK_CONTEXTS/MAC_OBJ_CONTEXTS records, {} records with subj=?",
                          log.multi_context_records, log.subj_unset);
  e.note = "the kernel wrote per-module contexts";
  return true;
}

Finding run(const CheckContext& ctx) {
  const CheckDef& def = kernel_audit_capability;
  const Facts& facts = ctx.facts;
  StackView stack = judged_stack(facts, ctx.knowledge);
  Evidence aux;
  bool aux_seen = multi_context_evidence(facts, aux);
  Evidence stack_e;
  if (stack.known()) {
    stack_e.source = stack.source;
    stack_e.excerpt = join_lsm_list(stack.order);
  }
  auto with_evidence = [&](Finding f) {
    if (stack.known())
      f.evidence.push_back(stack_e);
    if (facts.kernel.is_known())
      f.evidence.push_back(kernel_evidence(facts));
    if (aux_seen)
      f.evidence.push_back(aux);
    return f;
  };

  if (aux_seen) {
    Finding f = at_level(ctx, "multi-context", false,
                         "audit capability: multi-context (per-module context records seen)");
    if (stack.known() && secctx_modules(stack.order, ctx.knowledge).size() < 2)
      f.detail += fmt::format(" The stack read ({}) shows fewer than two context providers; the "
                              "records in audit.log say otherwise and win (they may predate a "
                              "reboot).",
                              join_lsm_list(stack.order));
    return with_evidence(std::move(f));
  }
  if (!stack.known())
    return unknown(def, "cannot tell the audit capability level", stack.unknown_reason);

  auto providers = secctx_modules(stack.order, ctx.knowledge);
  if (providers.empty())
    return with_evidence(
        at_level(ctx, "no-context", false, "audit capability: no-context (no context provider)"));
  if (providers.size() >= 2) {
    Finding f =
        at_level(ctx, "multi-context", false,
                 fmt::format("audit capability: multi-context ({})", join_lsm_list(providers)));
    if (facts.kernel.is_known() && !facts.kernel->at_least(6, 18))
      f.detail += fmt::format(" Kernel {} predates the mainline records (6.18): its stacking "
                              "patches decide the format (Ubuntu's used 1420/1421).",
                              facts.kernel->text);
    if (stack.predicted)
      f.confidence = "medium";
    return with_evidence(std::move(f));
  }
  const std::string& provider = providers.front();
  auto bpf = std::find(stack.order.begin(), stack.order.end(), "bpf");
  if (bpf == stack.order.end())
    return with_evidence(at_level(
        ctx, "single-context", false,
        fmt::format("audit capability: single-context ({}; no other module hooks contexts)",
                    provider)));
  if (!facts.kernel.is_known())
    return unknown(def, "cannot tell single-context from stacked-single-context",
                   fmt::format("{} and bpf are both active and the kernel release decides (6.18 "
                               "and newer ask the first module): {}",
                               provider, facts.kernel.reason()));
  std::string range;
  if (!in_secctx_defect_range(facts, ctx.knowledge, range))
    return with_evidence(
        at_level(ctx, "single-context", false,
                 fmt::format("audit capability: single-context ({}; kernel {} skips the BPF stub)",
                             provider, facts.kernel->text)));
  bool right = std::find(stack.order.begin(), bpf, provider) != bpf;
  Finding f = at_level(ctx, "stacked-single-context", true,
                       fmt::format("audit capability: stacked-single-context ({} {} bpf)", provider,
                                   right ? "before" : "after"));
  f.detail += fmt::format(" Kernel {} is in the range {}. {}", facts.kernel->text, range,
                          right ? fmt::format("The order is right now ({} before bpf); keep it "
                                              "when changing lsm= or CONFIG_LSM.",
                                              provider)
                                : fmt::format("The order is wrong ({} after bpf): see "
                                              "lsm.order.bpf-before-secctx.",
                                              provider));
  if (stack.predicted)
    f.confidence = "medium";
  return with_evidence(std::move(f));
}

} // namespace
} // namespace lsmdoctor::checks
