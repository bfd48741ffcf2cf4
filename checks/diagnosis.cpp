#include "checks/diagnosis.h"

#include "checks/stack_view.h"
#include "model/lsm_stack.h"
#include "parse/lsm_list.h"

#include <algorithm>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <set>

namespace lsmdoctor::checks {
namespace {

constexpr const char* kFloodRange = kSecctxDefectRange;

// "; not affected: ...; NixOS: boot.kernelPackages = ...;" from the range.
std::string kernel_choice(const KernelRange* range) {
  if (!range)
    return "boot a kernel outside the affected range";
  std::string out = "boot a kernel outside " + describe_range(*range);
  if (!range->unaffected.empty())
    out += " (" + range->unaffected + ")";
  if (!range->nixos_kernel_packages.empty())
    out += "; on NixOS boot.kernelPackages = " + range->nixos_kernel_packages;
  return out;
}

// LSM fields of the loaded rules that no active module's audit_rule_init accepts.
std::vector<std::string> unservable_rule_fields(const Facts& facts, const Knowledge& k,
                                                const std::vector<std::string>& order,
                                                std::vector<std::string>& where) {
  std::set<std::string> lsm_fields;
  for (const auto& trait : k.lsms)
    lsm_fields.insert(trait.audit_rule_fields.begin(), trait.audit_rule_fields.end());
  std::set<std::string> served;
  for (const auto& name : order)
    if (const LsmTrait* trait = k.lsm(name))
      served.insert(trait->audit_rule_fields.begin(), trait->audit_rule_fields.end());
  std::set<std::string> missing;
  for (const auto& line : facts.audit_rules->lines)
    for (const auto& field : line.fields)
      if (lsm_fields.count(field.name) && !served.count(field.name)) {
        missing.insert(field.name);
        if (where.size() < 5)
          where.push_back(fmt::format("{}:{}: {}", line.file, line.line, line.text));
      }
  return {missing.begin(), missing.end()};
}

bool backlog_evidence(const Facts& facts, std::vector<std::string>& supports) {
  if (facts.kernel_log.is_known()) {
    const KernelLog& log = *facts.kernel_log;
    std::uint64_t lines = log.count("backlog-exceeded") + log.count("backlog-over-limit") +
                          log.count("hold-queue-overflow") + log.count("audit-lost");
    if (lines > 0)
      supports.push_back(
          fmt::format("{} backlog overflow or lost-record lines in {}", lines, log.source));
  }
  if (facts.audit_status.is_known() && facts.audit_status->lost > 0)
    supports.push_back(fmt::format("the kernel counts {} lost records (backlog limit {})",
                                   facts.audit_status->lost, facts.audit_status->backlog_limit));
  return !supports.empty();
}

} // namespace

std::vector<Hypothesis> diagnose_context_errors(const CheckContext& ctx) {
  const Facts& facts = ctx.facts;
  const Knowledge& k = ctx.knowledge;
  std::vector<Hypothesis> out;
  StackView stack = judged_stack(facts, k);
  std::string kernel = facts.kernel.is_known() ? facts.kernel->text : "unknown";
  const KernelRange* flood = k.range(kFloodRange);
  std::string range_text;
  bool in_range = in_secctx_defect_range(facts, k, range_text);
  bool kernel_known = facts.kernel.is_known();
  std::optional<std::size_t> misplaced;
  if (stack.known())
    misplaced = first_secctx_after_bpf(stack.order, k);
  std::uint64_t errors = context_error_count(facts);

  if (misplaced) {
    Hypothesis h;
    h.id = "lsm-order";
    h.summary = fmt::format("bpf is ordered before {}: audit's context lookup reaches the BPF "
                            "LSM's stub, which answers -EOPNOTSUPP",
                            stack.order[*misplaced]);
    h.confidence = in_range ? (stack.predicted ? 0.8 : 0.95) : 0.6;
    h.supports.push_back(fmt::format("order {} ({})", join_lsm_list(stack.order), stack.source));
    if (in_range)
      h.supports.push_back(fmt::format("kernel {} is in the range {}, where audit asks the first "
                                       "registered module",
                                       kernel, range_text));
    else if (kernel_known)
      h.contradicts.push_back(fmt::format("kernel {} is outside the known range ({}); there the "
                                          "dispatcher skips the BPF stub's default answer, but "
                                          "the order still breaks /proc/<pid>/attr/current and "
                                          "becomes fatal after an upgrade",
                                          kernel, flood ? describe_range(*flood) : "6.18+"));
    h.remedy =
        fmt::format("reorder lsm= so {} comes before bpf, then reboot", stack.order[*misplaced]);
    out.push_back(std::move(h));
  }

  if (in_range) {
    Hypothesis h;
    h.id = "kernel-defect";
    h.supports.push_back(fmt::format("kernel {} is in the range {} ({}; confidence {})", kernel,
                                     range_text, kFloodRange, flood->confidence));
    if (misplaced) {
      h.summary = "the kernel's context lookup asks the first module (a defect of this release "
                  "range with no known fix); the wrong order triggers it";
      h.confidence = 0.7;
      h.contradicts.emplace_back("reordering alone fixes it on this kernel");
      h.remedy = "reorder first (above); alternatively " + kernel_choice(flood);
    } else {
      h.summary = "a defect of this kernel range makes audit's context lookups fail although "
                  "the module order is right";
      h.confidence = stack.known() ? (stack.predicted ? 0.5 : 0.6) : 0.4;
      if (stack.known())
        h.supports.push_back(fmt::format("{} context errors although no context provider follows "
                                         "bpf in {}",
                                         errors, join_lsm_list(stack.order)));
      h.contradicts.emplace_back("the known mechanism needs bpf ahead of the provider; with this "
                                 "order a vendor patch or another module answering the hook may "
                                 "be involved");
      h.remedy = kernel_choice(flood) +
                 "; keep the context provider before bpf in lsm= as a mitigation, and report "
                 "kernel, order and log upstream";
    }
    out.push_back(std::move(h));
  } else if (stack.known() && !misplaced) {
    Hypothesis h;
    h.id = "unexplained";
    h.summary = "no known defect explains the errors: the order is right and the kernel is "
                "outside every known range; a vendor patch or a module failing with another "
                "error (e.g. -ENOMEM) may";
    h.confidence = 0.3;
    h.supports.push_back(fmt::format("order {} ({})", join_lsm_list(stack.order), stack.source));
    if (kernel_known && flood)
      h.supports.push_back(fmt::format("kernel {} is outside {}", kernel, describe_range(*flood)));
    h.remedy = "collect the order, the kernel configuration and the log, and report them to the "
               "distribution's kernel maintainers";
    out.push_back(std::move(h));
  }

  if (facts.audit_rules.is_known() && stack.known()) {
    std::vector<std::string> where;
    auto fields = unservable_rule_fields(facts, k, stack.order, where);
    if (!fields.empty()) {
      Hypothesis h;
      h.id = "rule-fields";
      auto providers = secctx_modules(stack.order, k);
      h.summary = fmt::format(
          "audit rules use LSM fields ({}) that {} cannot serve", fmt::join(fields, ", "),
          providers.empty() ? std::string("no active module") : join_lsm_list(providers));
      h.confidence = 0.35;
      h.supports = where;
      h.contradicts.emplace_back("a rule with a field no module serves fails to load (EINVAL); "
                                 "it explains failing rule loads, not lost subj= fields");
      h.remedy = "rewrite those rules for the active module (or drop the fields)";
      out.push_back(std::move(h));
    }
  }

  std::vector<std::string> backlog;
  if (backlog_evidence(facts, backlog)) {
    Hypothesis h;
    h.id = "backlog";
    h.summary = "the audit backlog is too small for the rate of records: records are lost on "
                "top of the context errors";
    h.confidence = 0.2;
    h.supports = backlog;
    h.contradicts.emplace_back("a full backlog drops records but does not make context lookups "
                               "fail");
    h.remedy = "raise audit_backlog_limit= on the kernel command line (auditctl -b is refused "
               "while the errors last)";
    out.push_back(std::move(h));
  }

  std::stable_sort(out.begin(), out.end(), [](const Hypothesis& a, const Hypothesis& b) {
    return a.confidence > b.confidence;
  });
  Hypothesis off;
  off.id = "disable-audit";
  off.summary = "last resort only: audit=0 silences the errors but loses every audit record "
                "(logins, AppArmor/SELinux/Landlock denials, rule hits, CONFIG_CHANGE) and the "
                "audit daemon until reboot";
  off.confidence = 0;
  off.remedy = "not recommended while a fix above applies";
  out.push_back(std::move(off));
  return out;
}

} // namespace lsmdoctor::checks
