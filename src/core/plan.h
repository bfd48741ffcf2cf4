// The remediation plan: typed actions that remedies derive from findings and
// that target renderers (cmdline, grub, systemd-boot, nixos, ...) format.
#pragma once

#include "core/facts.h"
#include "core/finding.h"
#include "core/knowledge.h"

#include <optional>
#include <string>
#include <vector>

namespace lsmdoctor {

// Kernel command-line parameters to set (key, value) and keys to remove.
struct CmdlineEdit {
  std::vector<CmdlineParam> set;
  std::vector<std::string> remove;
  bool empty() const { return set.empty() && remove.empty(); }
};

enum class ActionKind { kernel_cmdline };

struct Action {
  std::string id; // stable: "lsm-order", "audit-backlog-limit", ...
  ActionKind kind = ActionKind::kernel_cmdline;
  std::string summary;                  // one line, imperative
  std::string why;                      // one line, the reason
  std::vector<std::string> finding_ids; // findings it answers
  CmdlineEdit cmdline;
  std::vector<std::string> lsm_order; // the full new lsm= order, when this action sets it
  bool reboot = true;
  std::string disruption; // "low": what changes for running services
  std::string lost;       // what is lost by applying it ("nothing")
  std::string verify;     // how to check afterwards
  std::string undo;       // how to revert
};

struct Plan {
  std::vector<Action> actions;
  std::optional<std::string> current_cmdline; // the kernel part as read
  std::optional<std::string> proposed_cmdline;
  bool empty() const { return actions.empty(); }
};

// Derives the plan from the facts and the findings of one run.
Plan make_plan(const Facts& facts, const Knowledge& knowledge,
               const std::vector<Finding>& findings);

} // namespace lsmdoctor
