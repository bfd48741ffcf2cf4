// Target "audit-rules": the audit settings of the plan (auditctl -b, -f) as
// a rules.d file that augenrules loads after the distribution's rules and
// before 99-finalize.rules (which may lock the configuration with -e 2).
#include "parse/line_reader.h"
#include "remedies/targets.h"
#include "render/quote.h"

#include <fmt/format.h>

namespace lsmdoctor::remedies {

std::string render_audit_rules(const Plan& plan) {
  std::string rules;
  bool reorder_pending = false;
  for (const auto& a : plan.pending()) {
    reorder_pending = reorder_pending || !a.lsm_order.empty();
    if (a.audit.empty())
      continue;
    rules += fmt::format("## {}\n", comment_safe(a.summary));
    if (a.audit.backlog_limit)
      rules += fmt::format("-b {}\n", *a.audit.backlog_limit);
    if (a.audit.failure)
      rules += fmt::format("-f {}\n", *a.audit.failure);
  }
  if (rules.empty())
    return "";
  std::string out = "  Write /etc/audit/rules.d/90-lsm-doctor.rules:\n";
  for (auto [number, line] : TextLines(rules))
    out += "    " + std::string(line) + "\n";
  out += "  then load the rules and look at the result:\n"
         "    sudo augenrules --load && sudo auditctl -s\n";
  if (reorder_pending)
    out += "  While bpf comes before the context-providing modules the kernel refuses\n"
           "  these settings (auditctl: Operation not supported); they apply once the\n"
           "  command-line change above has been booted.\n";
  return out;
}

} // namespace lsmdoctor::remedies
