// audit.log.*: one parameterised check over a table of kernel log signature
// families (the signatures themselves live in knowledge/signatures.toml).
#include "checks/checks.h"
#include "checks/diagnosis.h"
#include "checks/evidence.h"

#include <array>
#include <fmt/format.h>

namespace lsmdoctor::checks {
namespace {

struct LogFamily {
  std::array<const char*, 5> signatures; // ids in knowledge/signatures.toml, nullptr-terminated
  const char* fail_title;                // fmt: {0} = lines, {1} = aggregate of the first signature
  const char* pass_title;
  const char* detail;
};

// Indexed by the template parameter of run_family<I>.
constexpr std::array<LogFamily, 4> kFamilies{{
    {{"subj-ctx-error", "task-context-error", nullptr},
     "{} audit subject context errors in the kernel log",
     "no audit subject context errors in the kernel log",
     "Each line is an audit record that lost its subj= field because no security module could "
     "turn the task into a context. On 6.18 and newer this is the signature of bpf ordered "
     "before AppArmor/SELinux/Smack; while it lasts auditctl -e/-b/-f/-r fail with 'Operation "
     "not supported'."},
    {{"obj-ctx-error", "object-context-error", nullptr},
     "{} audit object context errors in the kernel log",
     "no audit object context errors in the kernel log",
     "Each line is an audit record that lost its obj= field. On mainline 6.18+ this comes with "
     "SELinux or Smack after bpf; 'audit_log_object_context' is the name used by Ubuntu's "
     "stacking kernels."},
    {{"audit-panic-suppressed", nullptr},
     "{1} audit_panic messages were hidden by the printk rate limit",
     "no rate-limited audit_panic messages",
     "The printk rate limit hid further audit failure messages; the count says how many more "
     "failures happened than the log shows. The cause is the error they belong to."},
    // Not 'kauditd_printk_skb: N callbacks suppressed': that is printk's rate
    // limit skipping the echo of records into the kernel log; the records
    // themselves are kept (a boot with audit_backlog_limit=8192 shows it with
    // lost 0, tests/fixtures/vm-6.18-printk-suppressed).
    {{"backlog-exceeded", "backlog-over-limit", "hold-queue-overflow", "audit-lost", nullptr},
     "{} audit backlog or loss messages in the kernel log",
     "no audit backlog overflow or loss in the kernel log",
     "Audit records were dropped: the backlog (audit_backlog_limit, default 64) filled before a "
     "daemon read it, or no audit daemon was connected and the hold queue overflowed. Raise "
     "audit_backlog_limit= on the kernel command line and make sure auditd runs."},
}};

template <std::size_t I> Finding run_family(const CheckContext& ctx);

} // namespace

const CheckDef audit_log_subj_ctx_errors{"audit.log.subj-ctx-errors", Severity::error,
                                         "audit subject context errors in the kernel log",
                                         run_family<0>};
const CheckDef audit_log_obj_ctx_errors{"audit.log.obj-ctx-errors", Severity::error,
                                        "audit object context errors in the kernel log",
                                        run_family<1>};
const CheckDef audit_log_panic_suppressed{"audit.log.panic-suppressed", Severity::warning,
                                          "audit_panic messages suppressed by the rate limit",
                                          run_family<2>};
const CheckDef audit_log_backlog_overflow{"audit.log.backlog-overflow", Severity::warning,
                                          "audit backlog overflow or lost records", run_family<3>};

namespace {

const CheckDef& def_of(std::size_t index) {
  static const CheckDef* defs[] = {&audit_log_subj_ctx_errors, &audit_log_obj_ctx_errors,
                                   &audit_log_panic_suppressed, &audit_log_backlog_overflow};
  return *defs[index];
}

template <std::size_t I> Finding run_family(const CheckContext& ctx) {
  const CheckDef& def = def_of(I);
  const LogFamily& family = kFamilies[I];
  if (!ctx.facts.kernel_log.is_known())
    return unknown(def, "cannot read the kernel log",
                   why_unknown("the kernel log", ctx.facts.kernel_log));
  const KernelLog& log = *ctx.facts.kernel_log;
  std::uint64_t lines = 0;
  std::uint64_t first_total = 0;
  std::vector<Evidence> evidence;
  for (const char* id : family.signatures) {
    if (!id)
      break;
    if (const auto* stats = log.find(id)) {
      if (lines == 0)
        first_total = stats->total;
      lines += stats->matches;
      Evidence e = log_evidence(log, id, *stats);
      if (stats->total != stats->matches)
        e.note = fmt::format("{} lines; {} {}", stats->matches, stats->total,
                             std::string_view(id) == "audit-lost" ||
                                     std::string_view(id) == "backlog-over-limit"
                                 ? "at most"
                                 : "suppressed in total");
      evidence.push_back(std::move(e));
    }
  }
  if (lines == 0) {
    Finding f = pass(def, family.pass_title);
    f.evidence.push_back(Evidence{log.source, 0, fmt::format("{} kernel log lines read", log.lines),
                                  std::nullopt, "", "", ""});
    return f;
  }
  Finding f = fail(def, fmt::vformat(family.fail_title, fmt::make_format_args(lines, first_total)));
  f.evidence = std::move(evidence);
  f.detail = family.detail;
  f.confidence = "high";
  if (I <= 1) // context errors: say what causes them
    f.hypotheses = diagnose_context_errors(ctx);
  return f;
}

} // namespace
} // namespace lsmdoctor::checks
