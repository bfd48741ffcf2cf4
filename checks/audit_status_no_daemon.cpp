// audit.status.no-daemon: audit is on but no audit daemon is registered
// (pid 0). Records then go to the kernel log through printk, rate limited,
// and with audit=1 they wait in a hold queue that overflows.
#include "checks/checks.h"
#include "checks/evidence.h"

#include <fmt/format.h>

namespace lsmdoctor::checks {
namespace {
Finding run(const CheckContext& ctx);
} // namespace

const CheckDef audit_status_no_daemon{"audit.status.no-daemon", Severity::warning,
                                      "audit is enabled but no audit daemon is connected", run};

namespace {

Finding run(const CheckContext& ctx) {
  const CheckDef& def = audit_status_no_daemon;
  const Facts& facts = ctx.facts;
  if (auto gate = without_audit_status(def, facts))
    return *gate;
  const AuditStatus& status = *facts.audit_status;
  if (status.enabled == 0)
    return not_applicable(def, "audit is off (enabled 0): no records are produced");
  if (status.pid != 0) {
    Finding f = pass(def, fmt::format("an audit daemon is connected (pid {})", status.pid));
    f.evidence.push_back(audit_status_evidence(facts));
    return f;
  }
  Finding f = fail(
      def, fmt::format("audit is enabled ({}) but no audit daemon is connected", status.enabled));
  f.evidence.push_back(audit_status_evidence(facts));
  if (facts.kernel_log.is_known())
    if (const auto* stats = facts.kernel_log->find("printk-skb-suppressed"))
      f.evidence.push_back(log_evidence(*facts.kernel_log, "printk-skb-suppressed", *stats));
  f.detail = "With no daemon registered (pid 0) the kernel writes every audit record to the "
             "kernel log as 'audit: type=...' lines, rate limited (kauditd_printk_skb: N "
             "callbacks suppressed counts the echoes skipped, not lost records), and with audit=1 "
             "it holds them in a queue that overflows "
             "into lost records. Each context error adds to that flood. Start the daemon "
             "(`systemctl enable --now auditd`; on NixOS security.auditd.enable = true) and "
             "check that it stays up.";
  f.confidence = "high";
  return f;
}

} // namespace
} // namespace lsmdoctor::checks
