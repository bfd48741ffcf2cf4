// audit.status.immutable: audit is locked (enabled 2, `auditctl -e 2`).
// Deliberate hardening, not a fault; but no rule or setting can change
// until reboot, so every audit remediation needs a reboot to take effect.
#include "checks/checks.h"
#include "checks/evidence.h"

namespace lsmdoctor::checks {
namespace {
Finding run(const CheckContext& ctx);
} // namespace

const CheckDef audit_status_immutable{"audit.status.immutable", Severity::info,
                                      "audit rules and settings are locked until reboot", run};

namespace {

Finding run(const CheckContext& ctx) {
  const CheckDef& def = audit_status_immutable;
  const Facts& facts = ctx.facts;
  if (auto gate = without_audit_status(def, facts))
    return *gate;
  const AuditStatus& status = *facts.audit_status;
  if (status.enabled == 0)
    return not_applicable(def, "audit is off (enabled 0), so it cannot be locked");
  if (status.enabled != 2) {
    Finding f = pass(def, "audit rules and settings can be changed (enabled 1)");
    f.evidence.push_back(audit_status_evidence(facts));
    return f;
  }
  Finding f = fail(def, "audit is immutable (enabled 2): rules and settings are locked");
  f.evidence.push_back(audit_status_evidence(facts));
  f.detail = "Audit rules and settings cannot change until reboot: the kernel refuses every "
             "rule change and auditctl -e/-b/-f/-r with EPERM. Any remediation of audit rules, "
             "backlog or failure mode needs a reboot (and the rules file keeps its final -e 2, "
             "so change the file before rebooting).";
  f.confidence = "high";
  return f;
}

} // namespace
} // namespace lsmdoctor::checks
