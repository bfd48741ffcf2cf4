// lsm.stack.security-overridden: both security= and lsm= are given; the
// kernel ignores security= ("security=X is ignored because it is superseded
// by lsm=Y").
#include "checks/checks.h"
#include "checks/evidence.h"

#include <fmt/format.h>

namespace lsmdoctor::checks {
namespace {
Finding run(const CheckContext& ctx);
} // namespace

const CheckDef lsm_stack_security_overridden{"lsm.stack.security-overridden", Severity::warning,
                                             "security= is given together with lsm=", run};

namespace {
Finding run(const CheckContext& ctx) {
  const CheckDef& def = lsm_stack_security_overridden;
  if (!ctx.facts.cmdline.is_known())
    return unknown(def, "cannot read the kernel command line",
                   why_unknown("the command line", ctx.facts.cmdline));
  const KernelCmdline& cmdline = *ctx.facts.cmdline;
  auto security = cmdline.last("security");
  if (!security)
    return not_applicable(def, "no security= on the kernel command line");
  if (!cmdline.last("lsm")) {
    Finding f = pass(def, fmt::format("security={} without lsm=", *security));
    f.evidence.push_back(cmdline_evidence(ctx.facts, "security"));
    return f;
  }
  Finding f = fail(def, fmt::format("security={} is ignored because lsm= is given", *security));
  f.evidence.push_back(cmdline_evidence(ctx.facts, "security"));
  f.evidence.push_back(cmdline_evidence(ctx.facts, "lsm"));
  if (ctx.facts.kernel_log.is_known())
    if (const auto* s = ctx.facts.kernel_log->find("security-superseded"))
      f.evidence.push_back(log_evidence(*ctx.facts.kernel_log, "security-superseded", *s));
  f.detail = "lsm= sets the whole order and the kernel ignores security=. Remove security= so the "
             "command line says what the kernel does.";
  f.confidence = "high";
  return f;
}
} // namespace
} // namespace lsmdoctor::checks
