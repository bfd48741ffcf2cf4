// audit.kernel.disabled: audit is switched off (audit=0) while security
// modules are active. Often the workaround for the context-error flood; it
// hides every audit record, so it is a finding with a safer alternative.
#include "checks/checks.h"
#include "checks/evidence.h"
#include "parse/lsm_list.h"

#include <cerrno>
#include <fmt/format.h>
#include <strings.h>

namespace lsmdoctor::checks {
namespace {
Finding run(const CheckContext& ctx);
} // namespace

const CheckDef audit_kernel_disabled{"audit.kernel.disabled", Severity::warning,
                                     "audit is disabled while security modules are active", run};

namespace {

// As audit_enable() in kernel/audit.c: "0", or "off" in any case.
bool is_off(const std::string& value) {
  return value == "0" || ::strcasecmp(value.c_str(), "off") == 0;
}

Finding run(const CheckContext& ctx) {
  const CheckDef& def = audit_kernel_disabled;
  const Facts& facts = ctx.facts;
  if (facts.active_lsms.is_known() && facts.active_lsms->size() <= 1)
    return not_applicable(def, "no security module besides capability is active");

  std::optional<Evidence> boot_off;
  if (facts.cmdline.is_known()) {
    auto audit = facts.cmdline->last("audit");
    if (audit && is_off(*audit))
      boot_off = cmdline_evidence(facts, "audit");
  }
  if (!boot_off && facts.kernel_log.is_known())
    if (const auto* s = facts.kernel_log->find("audit-disabled-boot"))
      boot_off = log_evidence(*facts.kernel_log, "audit-disabled-boot", *s);

  if (boot_off) {
    Finding f = fail(def, "audit is disabled at boot (audit=0)");
    f.evidence.push_back(*boot_off);
    if (facts.active_lsms.is_known())
      f.evidence.push_back(stack_evidence(facts));
    // The kernel itself confirms it: with audit=0 it never creates the
    // audit netlink socket, so audit_open() fails with EPROTONOSUPPORT.
    if (facts.audit_status_errno == EPROTONOSUPPORT)
      f.evidence.push_back(Evidence{"netlink", 0, "audit_open: Protocol not supported",
                                    std::nullopt, "", "", "no audit socket: audit is off"});
    f.detail =
        "With audit=0 the kernel creates no audit socket: no AppArmor/SELinux/Landlock denials, "
        "logins or rule hits are recorded, and auditd cannot start. If audit was turned off to "
        "stop 'audit: error in audit_log_subj_ctx', fix the module order instead (see "
        "lsm.order.bpf-before-secctx) and remove audit=0.";
    f.confidence = "high";
    return f;
  }
  if (!facts.cmdline.is_known())
    return unknown(def, "cannot tell whether audit is disabled at boot",
                   why_unknown("the command line", facts.cmdline));
  Finding f = pass(def, "audit is not disabled on the kernel command line");
  f.evidence.push_back(cmdline_evidence(facts, "audit"));
  if (f.evidence.back().excerpt.empty())
    f.evidence.back().excerpt = "(no audit= parameter)";
  return f;
}
} // namespace
} // namespace lsmdoctor::checks
