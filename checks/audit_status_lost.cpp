// audit.status.lost: the kernel has dropped audit records (the lost counter
// of AUDIT_GET). Lost records are lost evidence; the counter is the only
// trace of them once the kernel log has rotated.
#include "checks/checks.h"
#include "checks/evidence.h"
#include "checks/stack_view.h"

#include <fmt/format.h>

namespace lsmdoctor::checks {
namespace {
Finding run(const CheckContext& ctx);
} // namespace

const CheckDef audit_status_lost{"audit.status.lost", Severity::warning,
                                 "the kernel has dropped audit records", run};

namespace {

Finding run(const CheckContext& ctx) {
  const CheckDef& def = audit_status_lost;
  const Facts& facts = ctx.facts;
  if (auto gate = without_audit_status(def, facts))
    return *gate;
  const AuditStatus& status = *facts.audit_status;
  if (status.lost == 0 && status.enabled == 0)
    return not_applicable(def, "audit is off (enabled 0) and has lost no records");
  if (status.lost == 0) {
    Finding f = pass(def, "no audit records were lost");
    f.evidence.push_back(audit_status_evidence(facts));
    return f;
  }
  Finding f = fail(def, fmt::format("{} audit records were lost", status.lost));
  f.evidence.push_back(audit_status_evidence(facts));
  f.detail = fmt::format(
      "The kernel dropped {} audit records since boot: the backlog (limit {}) filled before a "
      "daemon read it, or the rate limit was hit. Dropped records are gone for good.",
      status.lost, status.backlog_limit);
  if (status.pid == 0)
    f.detail += " No audit daemon is connected (pid 0), so records pile up in the kernel "
                "and spill into the kernel log; start auditd.";
  if (std::uint64_t errors = context_error_count(facts); errors > 0)
    f.detail +=
        fmt::format(" The kernel log holds {} audit context errors; that flood fills "
                    "the backlog too, so fix its cause first (lsm.order.bpf-before-secctx).",
                    errors);
  f.detail += " Raise the limit with audit_backlog_limit=8192 on the kernel command line (it "
              "works even when auditctl -b is refused) and reboot.";
  f.confidence = "high";
  return f;
}

} // namespace
} // namespace lsmdoctor::checks
