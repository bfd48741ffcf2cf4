// audit.status.failure-panic: the failure mode is panic (-f 2) on a host
// where audit context lookups fail. Every failed lookup then calls
// panic("audit: error in audit_log_subj_ctx"): a real kernel panic, not a
// log line. Audit being off does not make it not-applicable: panic mode with
// audit off is the dangerous sequence itself (the rules file's -e 1 arms it).
// A plan is judged on the mode it configures and the order it boots.
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

const CheckDef audit_status_failure_panic{
    "audit.status.failure-panic", Severity::error,
    "audit failure mode is panic while audit context lookups fail", run};

namespace {

constexpr int kFailPanic = 2; // AUDIT_FAIL_PANIC

std::string_view mode_name(int failure) {
  return failure == 0 ? "silent" : failure == 1 ? "printk" : "panic";
}

// Whether audit context lookups fail (or will) on this host, judged from
// the kernel log and the module order; `known` is false when no risk shows
// and the log, the order or (for a risky order) the kernel release is unknown.
struct LookupRisk {
  std::uint64_t errors = 0;
  std::optional<std::size_t> misplaced; // index of the secctx module after bpf
  bool affected = false;                // misplaced and the kernel is in the range
  std::string range_text;
  bool known = true;
  std::string unknown_reason;
  bool risky() const { return errors > 0 || affected; }
};

LookupRisk assess(const Facts& facts, const Knowledge& knowledge, StackView& stack) {
  LookupRisk risk;
  risk.errors = context_error_count(facts);
  stack = judged_stack(facts, knowledge);
  if (stack.known())
    risk.misplaced = first_secctx_after_bpf(stack.order, knowledge);
  risk.affected = risk.misplaced && in_secctx_defect_range(facts, knowledge, risk.range_text);
  // Context errors have causes besides the order (vendor kernels), so ruling
  // them out needs the kernel log as well; a plan has none and is judged on
  // its order and kernel alone.
  if (!risk.risky() && !facts.kernel_log.is_known() && facts.origin != Origin::plan) {
    risk.known = false;
    risk.unknown_reason = why_unknown("the kernel log", facts.kernel_log);
  } else if (!risk.risky() && !stack.known()) {
    risk.known = false;
    risk.unknown_reason = stack.unknown_reason;
  } else if (!risk.risky() && risk.misplaced && !facts.kernel.is_known()) {
    risk.known = false;
    risk.unknown_reason = why_unknown("the kernel release", facts.kernel);
  }
  return risk;
}

// The failure mode judged: the running kernel's, else the one a plan
// configures; with the evidence that shows it and whether audit is off.
struct FailureMode {
  int mode = 1;
  bool audit_off = false;
  Evidence evidence;
};

std::optional<FailureMode> failure_mode(const Facts& facts) {
  if (facts.audit_status.is_known())
    return FailureMode{facts.audit_status->failure, facts.audit_status->enabled == 0,
                       audit_status_evidence(facts)};
  if (!facts.audit_failure_mode.is_known())
    return std::nullopt;
  FailureMode planned{*facts.audit_failure_mode, false, {}};
  planned.audit_off = facts.cmdline.is_known() && facts.cmdline->last("audit") == "0";
  planned.evidence.source = facts.audit_failure_mode.from().source;
  planned.evidence.line = facts.audit_failure_mode.from().line;
  planned.evidence.excerpt =
      fmt::format("failure mode {} ({})", planned.mode, mode_name(planned.mode));
  return planned;
}

Finding run(const CheckContext& ctx) {
  const CheckDef& def = audit_status_failure_panic;
  const Facts& facts = ctx.facts;
  StackView stack;
  LookupRisk risk = assess(facts, ctx.knowledge, stack);
  std::optional<FailureMode> status = failure_mode(facts);
  if (!status) {
    // Without lookups that fail, no failure mode can turn them into a panic:
    // the unreadable status (non-root, a tree without a capture) then does
    // not matter.
    if (risk.known && !risk.risky())
      return not_applicable(def, "no audit context lookups are expected to fail, so the "
                                 "failure mode cannot cause a panic");
    return unknown(def, "cannot read the audit failure mode",
                   facts.origin == Origin::plan
                       ? why_unknown("the planned failure mode", facts.audit_failure_mode)
                       : why_unknown("the audit status", facts.audit_status));
  }
  if (status->mode != kFailPanic) {
    Finding f = pass(def, fmt::format("the audit failure mode is {} ({}), not panic", status->mode,
                                      mode_name(status->mode)));
    f.evidence.push_back(status->evidence);
    return f;
  }
  if (!risk.known)
    return unknown(def, "the audit failure mode is panic; cannot tell whether lookups fail",
                   risk.unknown_reason);
  if (!risk.risky()) {
    Finding f = pass(def, "the audit failure mode is panic, and no audit context errors are "
                          "expected with this module order and kernel");
    f.evidence.push_back(status->evidence);
    return f;
  }

  Finding f = fail(def, "audit failure mode is panic (-f 2) while audit context lookups fail: "
                        "the kernel will panic");
  f.evidence.push_back(status->evidence);
  if (risk.misplaced) {
    Evidence order{stack.source, 0, join_lsm_list(stack.order), std::nullopt, "", "", ""};
    f.evidence.push_back(order);
  }
  if (risk.errors > 0)
    f.detail = fmt::format("The kernel log holds {} audit context errors. ", risk.errors);
  else
    f.detail = fmt::format("Kernel {} is in the range {} where bpf ahead of {} makes every "
                           "subject context lookup fail. ",
                           facts.kernel->text, risk.range_text, stack.order[*risk.misplaced]);
  f.detail += "With failure mode 2 each failed lookup calls panic() instead of printing "
              "'audit: error in audit_log_subj_ctx'";
  f.detail += status->audit_off
                  ? "; audit is off now, and the first `auditctl -e 1` (the last line of most "
                    "rules files) arms it. "
                  : ". ";
  f.detail += "Change -f 2 to -f 1 in the audit rules file and fix the module order "
              "(lsm.order.bpf-before-secctx) before audit is enabled again.";
  f.confidence = risk.errors > 0 ? "high" : "medium";
  return f;
}

} // namespace
} // namespace lsmdoctor::checks
