// audit.records.subj-missing: records of the types the kernel writes subj=
// into (SYSCALL, USER_*, LOGIN, ...; knowledge/records.toml) lack it while a
// module that gives tasks a context is active. Every task has a context then
// (AppArmor: "unconfined" at least), so a missing subj= means audit failed to
// turn it into text: on 6.18+ the bpf-before-secctx failure, where
// audit_log_subj_ctx() logs its error and writes nothing.
#include "checks/audit_log_evidence.h"
#include "checks/checks.h"
#include "checks/evidence.h"
#include "checks/stack_view.h"

#include <algorithm>
#include <fmt/format.h>

namespace lsmdoctor::checks {
namespace {
Finding run(const CheckContext& ctx);
} // namespace

const CheckDef audit_records_subj_missing{
    "audit.records.subj-missing", Severity::error,
    "audit.log records of subject-bearing types lack subj= while a context module is active", run};

namespace {

Finding run(const CheckContext& ctx) {
  const CheckDef& def = audit_records_subj_missing;
  const Facts& facts = ctx.facts;
  const auto& fact = facts.audit_log;
  if (!fact.is_known())
    return unknown(def, "cannot read audit.log", why_unknown("audit.log", fact));
  const AuditLogSummary& log = *fact;
  if (log.subj_records == 0)
    return not_applicable(def, log.files.empty()
                                   ? "no audit.log to read"
                                   : "audit.log holds no records of the types that carry subj=");
  StackView stack = judged_stack(facts, ctx.knowledge);
  if (!stack.known()) {
    if (log.subj_missing == 0)
      return pass(def, fmt::format("all {} records of subject-bearing types carry subj=",
                                   log.subj_records));
    return unknown(def,
                   fmt::format("{} records lack subj=; whether they should have it depends on "
                               "the active modules",
                               log.subj_missing),
                   stack.unknown_reason);
  }
  std::vector<std::string> providers = secctx_modules(stack.order, ctx.knowledge);
  if (providers.empty())
    return not_applicable(def, "no active module gives tasks a security context, so records "
                               "carry no subj=");
  if (log.subj_missing == 0)
    return pass(
        def, fmt::format("all {} records of subject-bearing types carry subj=", log.subj_records));

  Finding f = fail(def, fmt::format("{} of {} audit records lack subj= although {} is active",
                                    log.subj_missing, log.subj_records, providers.front()));
  f.evidence.push_back(audit_record_evidence(log.subj_missing_first, log.subj_missing_last,
                                             log.subj_missing,
                                             "records of a type that carries subj=, without it"));
  f.detail = fmt::format(
      "With {} active every task has a security context, and the kernel writes it as subj= into "
      "SYSCALL, LOGIN, CONFIG_CHANGE and relayed user-space records. These records have none: "
      "audit could not turn the context into text and dropped the field. On Linux 6.18 and "
      "newer this is what bpf ordered before {} does (audit_log_subj_ctx fails with "
      "EOPNOTSUPP; see lsm.order.bpf-before-secctx). Scanned: {}; the records may predate the "
      "current boot.",
      providers.front(), providers.front(), audit_log_scope(log));
  std::uint64_t errors = context_error_count(facts);
  if (errors > 0)
    f.detail += fmt::format(" The kernel log holds {} audit context errors, the same failure "
                            "seen from the kernel side.",
                            errors);
  auto bpf = std::find(stack.order.begin(), stack.order.end(), "bpf");
  auto provider = std::find(stack.order.begin(), stack.order.end(), providers.front());
  f.confidence = (bpf < provider || errors > 0) ? "high" : "medium";
  return f;
}

} // namespace
} // namespace lsmdoctor::checks
