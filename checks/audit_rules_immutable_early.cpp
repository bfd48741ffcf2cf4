// audit.rules.immutable-early: `-e 2` (lock the audit configuration) is not
// the last line of a rules file: the kernel refuses every rule after it.
#include "checks/checks.h"
#include "checks/evidence.h"

#include <algorithm>
#include <fmt/format.h>

namespace lsmdoctor::checks {
namespace {
Finding run(const CheckContext& ctx);
} // namespace

const CheckDef audit_rules_immutable_early{"audit.rules.immutable-early", Severity::warning,
                                           "-e 2 is followed by more rules", run};

namespace {

bool is_lock(const AuditRuleLine& line) {
  return line.valid && line.kind == AuditRuleKind::control && line.control == "-e" &&
         line.value == "2";
}

// Lines that ask the kernel to change something (not -i/-c or listings).
bool changes_kernel(const AuditRuleLine& line) {
  return line.kind != AuditRuleKind::option && line.kind != AuditRuleKind::other;
}

Finding run(const CheckContext& ctx) {
  const CheckDef& def = audit_rules_immutable_early;
  const Facts& facts = ctx.facts;
  if (auto gate = without_rule_files(def, facts))
    return *gate;
  const AuditRules& rules = *facts.audit_rules;
  const auto& fragments = rules.fragments;
  const AuditRuleLine* lock = nullptr;
  std::vector<const AuditRuleLine*> after;
  for (const auto& line : rules.lines) {
    // augenrules moves the -e line of rules.d files to the end of audit.rules.
    if (std::find(fragments.begin(), fragments.end(), line.file) != fragments.end())
      continue;
    if (lock && line.file != lock->file)
      lock = nullptr, after.clear();
    if (!lock && is_lock(line)) {
      lock = &line;
      continue;
    }
    if (lock && changes_kernel(line) && !is_lock(line))
      after.push_back(&line);
    if (!after.empty())
      break;
  }
  // Keep scanning the file of the first lock for every later change.
  if (lock && !after.empty()) {
    after.clear();
    bool past = false;
    for (const auto& line : rules.lines) {
      if (line.file != lock->file)
        continue;
      if (&line == lock) {
        past = true;
        continue;
      }
      if (past && changes_kernel(line) && !is_lock(line))
        after.push_back(&line);
    }
  }
  bool any_lock = std::any_of(rules.lines.begin(), rules.lines.end(), is_lock);
  if (!any_lock)
    return not_applicable(def, "no rules file locks audit with -e 2");
  if (after.empty()) {
    Finding f = pass(def, "-e 2 is the last change of its rules file");
    for (const auto& line : rules.lines)
      if (is_lock(line))
        f.evidence.push_back(rule_evidence(line));
    return f;
  }
  Finding f = fail(def, fmt::format("-e 2 at {}:{} is followed by {} more line(s)", lock->file,
                                    lock->line, after.size()));
  f.evidence.push_back(rule_evidence(*lock, "locks audit: later changes are refused with EPERM"));
  for (const AuditRuleLine* line : after)
    f.evidence.push_back(rule_evidence(*line, "refused: audit is already immutable"));
  f.detail = "After -e 2 the kernel refuses every rule and setting change until reboot "
             "(auditctl: 'The audit system is in immutable mode, no rule changes allowed'), so "
             "the lines after it are never loaded. Move -e 2 to the end of the file.";
  f.confidence = "high";
  return f;
}

} // namespace
} // namespace lsmdoctor::checks
