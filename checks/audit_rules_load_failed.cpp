// audit.rules.load-failed: the unit that loads the audit rules at boot
// failed. Names the unit, quotes its own lines (the file and line auditctl
// stopped at), and links the failure to its cause where the facts show one:
// a line auditctl refuses, or a kernel that refuses audit settings because
// bpf is ordered before the context-providing module (6.18+).
#include "checks/checks.h"
#include "checks/evidence.h"
#include "checks/stack_view.h"
#include "model/lsm_stack.h"
#include "parse/audit_rules.h"

#include <array>
#include <cstdlib>
#include <fmt/format.h>
#include <string_view>

namespace lsmdoctor::checks {
namespace {
Finding run(const CheckContext& ctx);
} // namespace

const CheckDef audit_rules_load_failed{"audit.rules.load-failed", Severity::error,
                                       "the unit that loads the audit rules failed", run};

namespace {

constexpr std::array<std::string_view, 3> kLoaders{"audit-rules-nixos.service",
                                                   "audit-rules.service", "augenrules.service"};

// auditctl's own lines worth quoting.
constexpr std::array<std::string_view, 7> kTelling{
    "There was an error in line", "No rules",       "Error sending",
    "Operation not supported",    "immutable mode", "audit system is disabled",
    "Main process exited"};

bool telling(const std::string& message) {
  for (auto pattern : kTelling)
    if (message.find(pattern) != std::string::npos)
      return true;
  return false;
}

// "There was an error in line N of FILE" -> (N, FILE).
bool error_line(const std::string& message, int& line, std::string& file) {
  constexpr std::string_view kPrefix = "There was an error in line ";
  std::size_t at = message.find(kPrefix);
  if (at == std::string::npos)
    return false;
  const char* start = message.c_str() + at + kPrefix.size();
  char* end = nullptr;
  long n = std::strtol(start, &end, 10);
  if (end == start || n <= 0 || n > 1000000 || std::string_view(end).substr(0, 4) != " of ")
    return false;
  line = static_cast<int>(n);
  file = std::string(end + 4);
  return true;
}

std::string base_name(const std::string& path) {
  std::size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// The rule line auditctl stopped at, by path (or by file name when the
// journal shows an abbreviated store path).
const AuditRuleLine* rule_at(const Facts& facts, const std::string& file, int line) {
  if (!facts.audit_rules.is_known())
    return nullptr;
  const AuditRuleLine* by_name = nullptr;
  for (const auto& rule : facts.audit_rules->lines) {
    if (rule.line != line)
      continue;
    if (rule.file == file)
      return &rule;
    if (base_name(rule.file) == base_name(file))
      by_name = &rule;
  }
  return by_name;
}

const AuditRuleProblem* problem_at(const Facts& facts, const AuditRuleLine& rule) {
  for (const auto& problem : facts.audit_rules->problems)
    if (!problem.warning && problem.file == rule.file && problem.line == rule.line)
      return &problem;
  return nullptr;
}

std::string state_text(const UnitState& unit) {
  std::string text = fmt::format("ActiveState={} SubState={} Result={}", unit.active_state,
                                 unit.sub_state, unit.result);
  if (unit.exec_main_status)
    text += fmt::format(" ExecMainStatus={}", *unit.exec_main_status);
  return text;
}

// The kernel cause: bpf ahead of a context provider on an affected kernel.
std::string kernel_cause(const CheckContext& ctx) {
  StackView stack = judged_stack(ctx.facts, ctx.knowledge);
  if (!stack.known())
    return {};
  auto misplaced = first_secctx_after_bpf(stack.order, ctx.knowledge);
  std::string range;
  if (!misplaced || !in_secctx_defect_range(ctx.facts, ctx.knowledge, range))
    return {};
  return stack.order[*misplaced];
}

Finding run(const CheckContext& ctx) {
  const CheckDef& def = audit_rules_load_failed;
  const Facts& facts = ctx.facts;
  bool no_rule_files = facts.audit_rules.is_known() && facts.audit_rules->files.empty();
  if (!facts.units.is_known() && no_rule_files)
    return not_applicable(def, "no audit rules file to load, and the unit states are unknown");
  if (!facts.units.is_known())
    return unknown(def, "cannot tell whether the audit rules loaded",
                   why_unknown("the unit states", facts.units));
  std::vector<const UnitState*> loaders;
  for (auto id : kLoaders)
    if (const UnitState* unit = facts.units->find(std::string(id)))
      loaders.push_back(unit);
  if (loaders.empty() && !facts.units->no_service_manager.empty())
    return not_applicable(def, "no unit loads the audit rules: " + facts.units->no_service_manager);
  if (loaders.empty())
    return not_applicable(def, "no audit rule loading unit (audit-rules-nixos, audit-rules, "
                               "augenrules) is loaded");

  const UnitState* failed = nullptr;
  int line = 0;
  std::string file;
  for (const UnitState* unit : loaders) {
    bool quoted_error = false;
    for (const auto& message : unit->messages)
      if (error_line(message, line, file))
        quoted_error = true;
    if ((unit->state_known() && unit->failed()) || (!unit->state_known() && quoted_error)) {
      failed = unit;
      break;
    }
  }
  if (!failed) {
    Finding f = pass(def, fmt::format("{} loaded the rules", loaders.front()->id));
    for (const UnitState* unit : loaders)
      f.evidence.push_back(Evidence{unit->state_source, 0, unit->id + ": " + state_text(*unit),
                                    std::nullopt, "", "", ""});
    return f;
  }
  if (line == 0)
    for (const auto& message : failed->messages)
      error_line(message, line, file);

  Finding f = fail(def, line > 0 ? fmt::format("{} failed at line {} of {}", failed->id, line, file)
                                 : fmt::format("{} failed", failed->id));
  if (failed->state_known())
    f.evidence.push_back(
        Evidence{failed->state_source, 0, state_text(*failed), std::nullopt, "", "", failed->id});
  for (const auto& message : failed->messages)
    if (telling(message))
      f.evidence.push_back(
          Evidence{failed->messages_source, 0, message, std::nullopt, "", "", failed->id});

  const AuditRuleLine* rule = line > 0 ? rule_at(facts, file, line) : nullptr;
  const AuditRuleProblem* problem = rule ? problem_at(facts, *rule) : nullptr;
  if (rule)
    f.evidence.push_back(rule_evidence(*rule, problem ? "auditctl refuses it: " + problem->message
                                                      : "the line that failed"));
  std::string module = kernel_cause(ctx);
  bool refused_setting = rule && rule->kind == AuditRuleKind::control;
  bool eopnotsupp = false;
  for (const auto& message : failed->messages)
    if (message.find("Operation not supported") != std::string::npos)
      eopnotsupp = true;

  if (problem) {
    f.detail = fmt::format("auditctl refuses line {} of {} ({}) and stops there, so no later "
                           "rule is loaded; see audit.rules.syntax.",
                           line, file, problem->message);
    f.confidence = "high";
  } else if (!module.empty()) {
    f.detail = fmt::format(
        "The kernel refuses the line{} with 'Operation not supported': bpf is ordered before "
        "{}, and on this kernel audit then fails every context lookup and every "
        "auditctl -e/-b/-f/-r (see lsm.order.bpf-before-secctx). Reordering lsm= so that {} "
        "precedes bpf lets the rules load; disabling audit is not needed.",
        rule ? " '" + rule->text + "'" : std::string(), module, module);
    f.confidence = refused_setting || eopnotsupp ? "high" : (line > 0 ? "medium" : "low");
    f.hypotheses.push_back(Hypothesis{"lsm-order",
                                      fmt::format("bpf before {} makes the kernel refuse audit "
                                                  "settings",
                                                  module),
                                      refused_setting || eopnotsupp ? 0.9 : 0.7,
                                      {"lsm.order.bpf-before-secctx fails"},
                                      {},
                                      fmt::format("put {} before bpf in lsm=", module)});
  } else {
    f.detail = "The unit's lines are quoted above; the rules file itself parses. Compare with "
               "`sudo auditctl -R FILE` and `journalctl -u " +
               failed->id + " -b`.";
    f.confidence = failed->messages.empty() ? "low" : "medium";
  }
  if (failed->messages.empty())
    f.detail += " The unit's journal lines were not available (pass --journal-file or "
                "--journal-dir).";
  return f;
}

} // namespace
} // namespace lsmdoctor::checks
