// The planner: findings in, typed actions out. One action per cause; the
// targets render them.
#include "checks/stack_view.h"
#include "core/plan.h"
#include "model/lsm_stack.h"
#include "parse/cmdline.h"
#include "parse/lsm_list.h"
#include "remedies/targets.h"

#include <algorithm>
#include <cstdlib>
#include <fmt/format.h>

namespace lsmdoctor {
namespace {

const Finding* failed(const std::vector<Finding>& findings, std::string_view id) {
  for (const auto& f : findings)
    if (f.id == id && f.status == Status::fail)
      return &f;
  return nullptr;
}

constexpr unsigned kMinBacklog = 8192;

std::optional<Action> lsm_order_action(const Facts& facts, const Knowledge& knowledge,
                                       const std::vector<Finding>& findings) {
  bool order = failed(findings, "lsm.order.bpf-before-secctx") != nullptr;
  bool duplicate = failed(findings, "lsm.stack.duplicate") != nullptr;
  bool overridden = failed(findings, "lsm.stack.security-overridden") != nullptr;
  if (!order && !duplicate && !overridden)
    return std::nullopt;
  Action a;
  a.id = "lsm-order";
  a.reboot = true;
  a.disruption_level = Disruption::medium;
  a.disruption = "one reboot; the same modules stay active, only their order changes";
  a.lost = "nothing: every active module is kept";

  std::vector<std::string> base;
  if (order) {
    checks::StackView stack = checks::judged_stack(facts, knowledge);
    base = stack.order;
    a.finding_ids.emplace_back("lsm.order.bpf-before-secctx");
    a.why = "context-providing modules must come before bpf so audit's context lookups reach them";
    a.verify_expect = {"lsm.order.bpf-before-secctx", "audit.log.subj-ctx-errors"};
  } else if (duplicate) {
    base = parse_lsm_list(facts.cmdline->last("lsm").value_or("")).names;
    a.finding_ids.emplace_back("lsm.stack.duplicate");
    a.why = "each module should be named once";
    a.verify_expect.emplace_back("lsm.stack.duplicate");
  }
  if (!base.empty()) {
    a.lsm_order = reorder_secctx_before_bpf(base, knowledge);
    a.cmdline.set.push_back({"lsm", join_lsm_list(a.lsm_order)});
    a.summary = fmt::format("set lsm={}", join_lsm_list(a.lsm_order));
  }
  if (facts.cmdline.is_known() && facts.cmdline->last("security")) {
    a.cmdline.remove.emplace_back("security");
    if (overridden) {
      a.finding_ids.emplace_back("lsm.stack.security-overridden");
      a.verify_expect.emplace_back("lsm.stack.security-overridden");
    }
    a.summary += a.summary.empty() ? "remove security=" : " and remove security=";
    if (a.why.empty())
      a.why = "lsm= supersedes security=; keep one source of truth";
  }
  std::string old_lsm = facts.cmdline.is_known() ? facts.cmdline->last("lsm").value_or("") : "";
  a.undo = old_lsm.empty() ? "remove lsm= from the kernel command line and reboot"
                           : fmt::format("set lsm={} again and reboot", old_lsm);
  return a;
}

std::optional<Action> backlog_action(const Facts& facts, const std::vector<Finding>& findings) {
  if (!failed(findings, "audit.log.backlog-overflow"))
    return std::nullopt;
  unsigned current = 64; // the kernel default
  if (facts.cmdline.is_known())
    if (auto v = facts.cmdline->last("audit_backlog_limit")) {
      // The kernel reads it with kstrtouint(str, 0): 0x hex and 0 octal too,
      // and anything after the number keeps its default.
      char* end = nullptr;
      unsigned long n = std::strtoul(v->c_str(), &end, 0);
      if (end != v->c_str() && *end == '\0' && n > 0 && n < (1UL << 30))
        current = static_cast<unsigned>(n);
    }
  unsigned proposed = std::max(kMinBacklog, current * 4);
  Action a;
  a.id = "audit-backlog-limit";
  a.summary = fmt::format("set audit_backlog_limit={}", proposed);
  a.why = fmt::format("the audit backlog ({}) overflowed; a boot parameter applies before any "
                      "daemon starts and works even when auditctl -b is refused",
                      current);
  a.finding_ids.emplace_back("audit.log.backlog-overflow");
  a.cmdline.set.push_back({"audit_backlog_limit", std::to_string(proposed)});
  // The rules files' -b replaces the boot value when they load.
  a.audit.backlog_limit = proposed;
  a.reboot = true;
  a.disruption_level = Disruption::medium;
  a.disruption = "one reboot; up to a few MB more kernel memory while records queue";
  a.lost = "nothing";
  a.verify_expect = {"audit.log.backlog-overflow"};
  a.undo = fmt::format("set audit_backlog_limit={} again and reboot", current);
  return a;
}

// An action with fixed wording that answers one failed check: the table
// below is the whole of each one. `applies` (when set) says whether the
// facts allow it; `fill` adds its payload (edit, audit settings, service).
struct FixedAction {
  std::string_view finding;
  std::string_view id;
  ActionKind kind;
  std::string_view summary;
  std::string_view why;
  bool reboot;
  Disruption level;
  std::string_view disruption;
  std::string_view lost;
  std::string_view undo;
  std::string_view also_verified; // a second check that should pass afterwards
  bool (*applies)(const Facts&);
  void (*fill)(Action&);
};

// In plan order.
constexpr FixedAction kFixedActions[] = {
    {"audit.kernel.disabled", "audit-enable", ActionKind::kernel_cmdline,
     "set audit=1 (audit was turned off at boot)",
     "audit=0 hides every security event; with the module order fixed, audit works", true,
     Disruption::medium, "one reboot; auditd and audit rules start working again",
     "nothing; audit records are produced again (disk use for /var/log/audit)",
     "set audit=0 again and reboot", "audit.log.subj-ctx-errors",
     [](const Facts& facts) { return facts.cmdline.is_known() && facts.cmdline->last("audit"); },
     [](Action& a) {
       a.cmdline.set.push_back({"audit", "1"});
     }},
    {"audit.status.failure-panic", "audit-failure-printk", ActionKind::audit_config,
     "set the audit failure mode to printk (-f 1)",
     "in panic mode every failed audit context lookup panics the kernel", false, Disruption::low,
     "none; applies when the audit rules are loaded",
     "the guarantee that the kernel stops when audit fails (failures are logged instead)",
     "set -f 2 again in the audit rules and load them", "", nullptr,
     [](Action& a) { a.audit.failure = 1; }},
    {"audit.status.no-daemon", "auditd-enable", ActionKind::service,
     "enable and start the audit daemon (systemctl enable --now auditd)",
     "without a daemon audit records go to the kernel log, rate limited, and are lost", false,
     Disruption::low, "none; records go to /var/log/audit instead of the kernel log",
     "nothing; disk space for /var/log/audit", "systemctl disable --now auditd", "", nullptr,
     [](Action& a) { a.enable_service = "auditd"; }},
};

std::optional<Action> fixed_action(const FixedAction& fixed, const Facts& facts,
                                   const std::vector<Finding>& findings) {
  if (!failed(findings, fixed.finding) || (fixed.applies && !fixed.applies(facts)))
    return std::nullopt;
  Action a;
  a.id = fixed.id;
  a.kind = fixed.kind;
  a.summary = fixed.summary;
  a.why = fixed.why;
  a.finding_ids.emplace_back(fixed.finding);
  a.reboot = fixed.reboot;
  a.disruption_level = fixed.level;
  a.disruption = fixed.disruption;
  a.lost = fixed.lost;
  a.verify_expect.emplace_back(fixed.finding);
  if (!fixed.also_verified.empty())
    a.verify_expect.emplace_back(fixed.also_verified);
  a.undo = fixed.undo;
  fixed.fill(a);
  return a;
}

// Another kernel, when the diagnosis of the context errors ranks a defect of
// the running release first (the order is right, so reordering cannot help)
// and the knowledge names releases outside the range and cites them.
std::optional<Action> kernel_change_action(const Knowledge& knowledge,
                                           const std::vector<Finding>& findings) {
  const Finding* errors = failed(findings, "audit.log.subj-ctx-errors");
  if (!errors || errors->hypotheses.empty() || errors->hypotheses.front().id != "kernel-defect")
    return std::nullopt;
  const KernelRange* range = knowledge.range(checks::kSecctxDefectRange);
  if (!range || range->unaffected.empty() || range->source.empty())
    return std::nullopt;
  const Hypothesis& defect = errors->hypotheses.front();
  Action a;
  a.id = "kernel-change";
  a.kind = ActionKind::kernel_package;
  std::string outside = range->fixed.empty()
                            ? range->introduced + " and newer"
                            : fmt::format("{} up to {}", range->introduced, range->fixed);
  a.kernel = {range->id, outside, range->unaffected, range->nixos_kernel_packages, range->source};
  a.summary = fmt::format("boot a kernel outside {}: {}", outside, range->unaffected);
  a.why = defect.summary;
  a.finding_ids.emplace_back("audit.log.subj-ctx-errors");
  a.reboot = true;
  a.disruption_level = Disruption::high;
  a.disruption = "a reboot into another kernel series: drivers, features and fixes of the "
                 "newer releases go with it";
  a.lost = "what the newer kernel series brought (hardware support, features); audit works "
           "again";
  a.verify_expect = {"audit.log.subj-ctx-errors"};
  a.undo = "boot the previous kernel again (select it in the boot menu, or revert the kernel "
           "package)";
  return a;
}

// Whether `cmdline` already carries every change of `edit`.
bool carries(const KernelCmdline& cmdline, const CmdlineEdit& edit) {
  for (const auto& p : edit.set) {
    if (cmdline.count(p.key) == 0)
      return false;
    if (p.value && cmdline.last(p.key) != p.value)
      return false;
  }
  for (const auto& key : edit.remove)
    if (cmdline.count(key) > 0)
      return false;
  return true;
}

// An action is staged when the running command line lacks its change and
// every configured command line of the next boot has it.
void mark_staged(Action& a, const Facts& facts) {
  if (a.cmdline.empty() || !facts.boot_config.is_known() || facts.boot_config->cmdlines.empty())
    return;
  if (facts.cmdline.is_known() && carries(*facts.cmdline, a.cmdline))
    return;
  std::vector<std::string> where;
  for (const auto& configured : facts.boot_config->cmdlines) {
    if (!carries(parse_cmdline(configured.text), a.cmdline))
      return;
    where.push_back(configured.source);
  }
  a.staged_in = std::move(where);
}

// The edit that puts back what `edit` changes on `current`: old values
// return, parameters it added go.
CmdlineEdit undo_edit(const KernelCmdline& current, const CmdlineEdit& edit) {
  CmdlineEdit undo;
  auto restore = [&](const std::string& key) {
    bool present = false;
    std::optional<std::string> old;
    for (const auto& p : current.params)
      if (param_name_equal(p.key, key)) {
        present = true;
        old = p.value;
      }
    if (present)
      undo.set.push_back({key, old});
    else
      undo.remove.push_back(key);
  };
  for (const auto& p : edit.set)
    restore(p.key);
  for (const auto& key : edit.remove)
    restore(key);
  return undo;
}

std::string verify_text(const Action& a) {
  std::string out = fmt::format("{}run {}", a.reboot ? "after the reboot " : "", a.verify_command);
  if (!a.verify_expect.empty()) {
    out += "; expect pass:";
    for (std::size_t i = 0; i < a.verify_expect.size(); ++i)
      out += (i ? ", " : " ") + a.verify_expect[i];
  }
  return out;
}

} // namespace

std::string_view to_string(Disruption d) {
  switch (d) {
  case Disruption::low:
    return "low";
  case Disruption::medium:
    return "medium";
  case Disruption::high:
    return "high";
  }
  return "medium";
}

std::vector<Action> Plan::pending() const {
  std::vector<Action> out;
  for (const auto& a : actions)
    if (!a.staged())
      out.push_back(a);
  return out;
}

Plan make_plan(const Facts& facts, const Knowledge& knowledge,
               const std::vector<Finding>& findings) {
  Plan plan;
  if (auto a = lsm_order_action(facts, knowledge, findings))
    plan.actions.push_back(std::move(*a));
  if (auto a = backlog_action(facts, findings))
    plan.actions.push_back(std::move(*a));
  if (auto a = kernel_change_action(knowledge, findings))
    plan.actions.push_back(std::move(*a));
  for (const auto& fixed : kFixedActions)
    if (auto a = fixed_action(fixed, facts, findings))
      plan.actions.push_back(std::move(*a));
  for (auto& a : plan.actions) {
    if (a.verify.empty())
      a.verify = verify_text(a);
    if (facts.cmdline.is_known())
      a.undo_cmdline = undo_edit(*facts.cmdline, a.cmdline);
    mark_staged(a, facts);
  }
  if (facts.cmdline.is_known()) {
    plan.current_cmdline = facts.cmdline->raw;
    if (!plan.empty())
      plan.proposed_cmdline =
          format_cmdline(remedies::apply_edits(facts.cmdline->params, plan.actions));
  }
  return plan;
}

} // namespace lsmdoctor
