// audit.rules.syntax: lines of the audit rule files that auditctl refuses,
// named by file and line in auditctl's own words.
#include "checks/checks.h"
#include "checks/evidence.h"
#include "parse/audit_rules.h"

#include <fmt/format.h>

namespace lsmdoctor::checks {
namespace {
Finding run(const CheckContext& ctx);
} // namespace

const CheckDef audit_rules_syntax{"audit.rules.syntax", Severity::error,
                                  "audit rule files have lines auditctl refuses", run};

namespace {

Finding run(const CheckContext& ctx) {
  const CheckDef& def = audit_rules_syntax;
  const Facts& facts = ctx.facts;
  if (auto gate = without_rule_files(def, facts))
    return *gate;
  const AuditRules& rules = *facts.audit_rules;
  std::vector<const AuditRuleProblem*> errors;
  for (const auto& problem : rules.problems)
    if (!problem.warning)
      errors.push_back(&problem);
  if (errors.empty()) {
    Finding f = pass(def, fmt::format("{} rule lines in {} file(s) parse as auditctl reads them",
                                      rules.lines.size(), rules.files.size()));
    for (const auto& file : rules.files)
      f.evidence.push_back(Evidence{file, 0, "", std::nullopt, "", "", "read"});
    return f;
  }
  const AuditRuleProblem& first = *errors.front();
  Finding f = fail(def, fmt::format("{} line(s) auditctl refuses, first {}:{}: {}", errors.size(),
                                    first.file, first.line, first.message));
  for (const AuditRuleProblem* problem : errors) {
    Evidence e;
    e.source = problem->file;
    e.line = problem->line;
    e.excerpt = problem->text;
    e.note = problem->message.empty() ? auditctl_line_error(*problem)
                                      : problem->message + "; " + auditctl_line_error(*problem);
    f.evidence.push_back(std::move(e));
  }
  const AuditRuleProblem* stop = nullptr;
  for (const AuditRuleProblem* problem : errors)
    if (problem->stops_loading) {
      stop = problem;
      break;
    }
  f.detail = stop ? fmt::format("`auditctl -R {}` stops at line {}: no later line of that file "
                                "is loaded (a final -e 2 neither), and the loading unit fails. "
                                "Fix the line, or put -i (ignore errors) first.",
                                stop->file, stop->line)
                  : "The file asks auditctl to go on after errors (-i or -c), so the other "
                    "lines load; the refused ones are missing from the kernel's rules.";
  f.confidence = "high";
  return f;
}

} // namespace
} // namespace lsmdoctor::checks
