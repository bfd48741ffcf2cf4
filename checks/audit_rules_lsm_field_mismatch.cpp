// audit.rules.lsm-field-mismatch: rules compare security contexts
// (subj_type=, obj_user=, ...) that no active module can answer, or that
// several context-providing modules would compete for.
#include "checks/checks.h"
#include "checks/evidence.h"
#include "checks/stack_view.h"
#include "parse/audit_rules.h"
#include "parse/lsm_list.h"

#include <algorithm>
#include <fmt/format.h>
#include <fmt/ranges.h>

namespace lsmdoctor::checks {
namespace {
Finding run(const CheckContext& ctx);
} // namespace

const CheckDef audit_rules_lsm_field_mismatch{
    "audit.rules.lsm-field-mismatch", Severity::warning,
    "audit rules use security context fields no active module serves", run};

namespace {

struct ContextUse {
  const AuditRuleLine* line;
  std::string field;
};

void collect(const std::vector<AuditRuleLine>& lines, std::vector<ContextUse>& out) {
  for (const auto& line : lines) {
    if (!line.valid)
      continue;
    for (const auto& field : line.fields)
      if (is_lsm_context_field(field.name)) {
        out.push_back({&line, field.name});
        break;
      }
  }
}

bool accepts(const LsmTrait* trait, const std::string& field) {
  return trait && std::find(trait->audit_rule_fields.begin(), trait->audit_rule_fields.end(),
                            field) != trait->audit_rule_fields.end();
}

// The modules of the knowledge that would accept some of `fields` and are
// not active: whom the rules were written for.
std::vector<std::string> inactive_owners(const Knowledge& knowledge,
                                         const std::vector<std::string>& active,
                                         const std::vector<std::string>& fields) {
  std::vector<std::string> owners;
  for (const LsmTrait& trait : knowledge.lsms) {
    if (std::find(active.begin(), active.end(), trait.name) != active.end())
      continue;
    if (std::any_of(fields.begin(), fields.end(),
                    [&](const std::string& field) { return accepts(&trait, field); }))
      owners.push_back(trait.name);
  }
  return owners;
}

// "; served by selinux, which is not active" for a title.
std::string owners_text(const std::vector<std::string>& owners) {
  if (owners.empty())
    return {};
  if (owners.size() == 1)
    return fmt::format("; served by {}, which is not active", owners[0]);
  return fmt::format("; served by {}, none of them active", fmt::join(owners, " or "));
}

Finding run(const CheckContext& ctx) {
  const CheckDef& def = audit_rules_lsm_field_mismatch;
  const Facts& facts = ctx.facts;
  if (!facts.audit_rules.is_known() && !facts.audit_rules_loaded.is_known())
    return unknown(def, "cannot read the audit rules",
                   why_unknown("the audit rules", facts.audit_rules));
  std::vector<ContextUse> uses;
  if (facts.audit_rules.is_known())
    collect(facts.audit_rules->lines, uses);
  if (facts.audit_rules_loaded.is_known())
    collect(facts.audit_rules_loaded->rules, uses);
  if (uses.empty())
    return not_applicable(def, "no audit rule compares a security context (subj_*, obj_*)");
  StackView stack = judged_stack(facts, ctx.knowledge);
  if (!stack.known())
    return unknown(def, "cannot tell which module would serve the context fields",
                   stack.unknown_reason);
  auto providers = secctx_modules(stack.order, ctx.knowledge);
  Evidence order{stack.source, 0, join_lsm_list(stack.order), std::nullopt, "", "", ""};

  if (providers.size() == 1) {
    const LsmTrait* trait = ctx.knowledge.lsm(providers[0]);
    std::vector<const ContextUse*> foreign;
    for (const auto& use : uses)
      if (!accepts(trait, use.field))
        foreign.push_back(&use);
    if (foreign.empty()) {
      Finding f = pass(def, fmt::format("every context field is one {} serves", providers[0]));
      f.evidence.push_back(order);
      return f;
    }
    std::string accepted = trait && !trait->audit_rule_fields.empty()
                               ? fmt::format("{}", fmt::join(trait->audit_rule_fields, ", "))
                               : "none";
    std::vector<std::string> fields; // distinct, in rule order
    for (const ContextUse* use : foreign)
      if (std::find(fields.begin(), fields.end(), use->field) == fields.end())
        fields.push_back(use->field);
    std::vector<std::string> owners = inactive_owners(ctx.knowledge, stack.order, fields);
    Finding f =
        fail(def, fmt::format("{} rule(s) use context fields {} does not serve ({}), first "
                              "at {}:{}{}",
                              foreign.size(), providers[0], fmt::join(fields, ", "),
                              foreign[0]->line->file, foreign[0]->line->line, owners_text(owners)));
    for (const ContextUse* use : foreign)
      f.evidence.push_back(
          rule_evidence(*use->line, fmt::format("{} binds to {}, which accepts only: {}",
                                                use->field, providers[0], accepted)));
    f.evidence.push_back(order);
    f.detail = fmt::format(
        "The kernel hands context fields to the active module's audit_rule_init; {} refuses "
        "{} with EINVAL, and the kernel then keeps the rule as invalid (\"audit rule for LSM "
        "... is invalid\") so it never matches. Such fields come from rules written for "
        "another module (SELinux types on an AppArmor host): drop them or rewrite them for {}.{}",
        providers[0], foreign[0]->field, providers[0],
        owners.empty()
            ? std::string()
            : fmt::format(" {} would take {}, but {} not in the active stack ({}).",
                          join_lsm_list(owners), fmt::join(fields, ", "),
                          owners.size() == 1 ? "it is" : "they are", join_lsm_list(stack.order)));
    f.confidence = stack.predicted ? "medium" : "high";
    return f;
  }

  const ContextUse& first = uses.front();
  Finding f = fail(def, providers.empty()
                            ? fmt::format("{} rule(s) compare security contexts but no active "
                                          "module provides them",
                                          uses.size())
                            : fmt::format("{} rule(s) compare security contexts while {} "
                                          "modules provide them: {}",
                                          uses.size(), providers.size(), join_lsm_list(providers)));
  for (const auto& use : uses)
    f.evidence.push_back(rule_evidence(
        *use.line, providers.empty()
                       ? fmt::format("{}: no module to bind to", use.field)
                       : fmt::format("{} binds to {}, the first context provider in the order",
                                     use.field, providers[0])));
  f.evidence.push_back(order);
  f.detail = providers.empty()
                 ? fmt::format("None of the active modules ({}) provides security contexts, "
                               "so the kernel has no module to evaluate {} and the rules never "
                               "match. Remove them, or enable the module they were written for.",
                               join_lsm_list(stack.order), first.field)
                 : fmt::format("With several context providers the module that evaluates {} "
                               "depends on the order ({} comes first) and the kernel's "
                               "stacking support; the rule may silently match nothing.",
                               first.field, providers[0]);
  f.confidence = "medium";
  return f;
}

} // namespace
} // namespace lsmdoctor::checks
