// config.expect.audit-enabled: audit is enabled (or, with audit = false,
// disabled) as [expect] audit of lsm-doctor.toml requires.
#include "checks/checks.h"
#include "checks/evidence.h"

#include <fmt/format.h>
#include <strings.h>

namespace lsmdoctor::checks {
namespace {
Finding run(const CheckContext& ctx);
} // namespace

const CheckDef config_expect_audit_enabled{
    "config.expect.audit-enabled", Severity::error,
    "audit is enabled (or disabled) as the configuration expects", run};

namespace {

// As audit_enable() in kernel/audit.c: "0" or "off" (any case) turns it off.
bool is_off(const std::string& value) {
  return value == "0" || ::strcasecmp(value.c_str(), "off") == 0;
}

Finding run(const CheckContext& ctx) {
  const CheckDef& def = config_expect_audit_enabled;
  if (!ctx.config || !ctx.config->expect.audit)
    return not_applicable(def, "no [expect] audit in the configuration");
  const Facts& facts = ctx.facts;
  bool want = *ctx.config->expect.audit;
  Evidence expected{ctx.config->file,
                    ctx.config->expect.audit_line,
                    fmt::format("audit = {}", want ? "true" : "false"),
                    std::nullopt,
                    "",
                    "",
                    "expected"};
  std::optional<bool> enabled;
  std::optional<Evidence> seen;
  bool predicted = false;
  if (facts.audit_status.is_known()) {
    enabled = facts.audit_status->enabled != 0;
    seen = audit_status_evidence(facts);
  } else if (facts.cmdline.is_known() && facts.cmdline->last("audit")) {
    // audit=0 disables audit until reboot, for certain; audit=1 only says
    // how a planned system boots (a running one may have changed it since).
    bool off = is_off(*facts.cmdline->last("audit"));
    if (off || facts.origin == Origin::plan) {
      enabled = !off;
      predicted = !off;
      seen = cmdline_evidence(facts, "audit");
    }
  }
  if (!enabled) {
    Finding f =
        unknown(def, fmt::format("cannot tell whether audit is {}", want ? "enabled" : "disabled"),
                why_unknown("the audit status", facts.audit_status));
    f.evidence.push_back(expected);
    return f;
  }
  std::string state = *enabled ? "enabled" : "disabled";
  if (predicted)
    state += " at boot (predicted)";
  Finding f = *enabled == want
                  ? pass(def, fmt::format("audit is {}, as expected", state))
                  : fail(def, fmt::format("audit is {}; the configuration expects it {}", state,
                                          want ? "enabled" : "disabled"));
  f.evidence.push_back(*seen);
  f.evidence.push_back(expected);
  if (*enabled != want) {
    f.detail = want ? "Enable audit: remove audit=0 from the kernel command line (or set audit=1) "
                      "and let the audit rules' -e 1 run. If audit was turned off to stop "
                      "context errors, see lsm.order.bpf-before-secctx."
                    : "The configuration expects audit off, but it is on.";
    f.confidence = "high";
  }
  return f;
}

} // namespace
} // namespace lsmdoctor::checks
