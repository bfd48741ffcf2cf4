#include "checks/evidence.h"

#include "parse/cmdline.h"
#include "parse/lsm_list.h"

#include <fmt/format.h>

namespace lsmdoctor::checks {

Evidence stack_evidence(const Facts& facts) {
  Evidence e;
  e.source = facts.active_lsms.from().source;
  e.excerpt = join_lsm_list(*facts.active_lsms);
  return e;
}

Evidence cmdline_evidence(const Facts& facts, const std::string& key) {
  Evidence e;
  e.source = facts.cmdline.from().source;
  if (key.empty()) {
    e.excerpt = facts.cmdline->raw;
    return e;
  }
  for (const auto& param : facts.cmdline->params)
    if (param_name_equal(param.key, key)) {
      if (!e.excerpt.empty())
        e.excerpt += ' ';
      e.excerpt += format_param(param);
    }
  return e;
}

Evidence kernel_evidence(const Facts& facts) {
  Evidence e;
  e.source = facts.kernel.from().source;
  e.excerpt = facts.kernel->text;
  return e;
}

Evidence audit_status_evidence(const Facts& facts) {
  Evidence e;
  e.source = facts.audit_status.from().source;
  e.excerpt = facts.audit_status->summary();
  return e;
}

std::optional<Finding> without_rule_files(const CheckDef& def, const Facts& facts) {
  if (!facts.audit_rules.is_known())
    return unknown(def, "cannot read the audit rule files",
                   why_unknown("the audit rules", facts.audit_rules));
  if (facts.audit_rules->files.empty())
    return not_applicable(def, "no audit rules file (" + facts.audit_rules->how_found + ")");
  return std::nullopt;
}

std::optional<Finding> without_audit_status(const CheckDef& def, const Facts& facts) {
  if (!facts.audit_status.is_known())
    return unknown(def, "cannot read the audit status",
                   why_unknown("the audit status", facts.audit_status));
  return std::nullopt;
}

Evidence rule_evidence(const AuditRuleLine& line, std::string note) {
  Evidence e;
  e.source = line.file;
  e.line = line.line;
  e.excerpt = line.text;
  e.note = std::move(note);
  return e;
}

Evidence log_evidence(const KernelLog& log, const std::string& signature_id,
                      const SignatureStats& stats) {
  Evidence e;
  e.source = log.source;
  e.line = stats.first.line;
  e.excerpt = stats.first.message;
  e.count = stats.matches;
  e.first_seen = stats.first.timestamp;
  e.last_seen = stats.last.timestamp;
  if (stats.first.seconds && stats.last.seconds && stats.matches > 1) {
    double span = *stats.last.seconds - *stats.first.seconds;
    if (span > 0)
      e.note = fmt::format("{} lines in {:.0f} s ({:.1f}/min)", stats.matches, span,
                           static_cast<double>(stats.matches) * 60.0 / span);
  }
  if (e.note.empty() && stats.total != stats.matches)
    e.note = fmt::format("{}: {} in total", signature_id, stats.total);
  return e;
}

} // namespace lsmdoctor::checks
