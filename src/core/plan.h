// The remediation plan: typed actions that remedies derive from findings and
// that target renderers (cmdline, grub, systemd-boot, nixos, ...) format.
#pragma once

#include "core/facts.h"
#include "core/finding.h"
#include "core/knowledge.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lsmdoctor {

// Kernel command-line parameters to set (key, value) and keys to remove.
struct CmdlineEdit {
  std::vector<CmdlineParam> set;
  std::vector<std::string> remove;
  bool empty() const { return set.empty() && remove.empty(); }
};

enum class ActionKind { kernel_cmdline, audit_config, service, kernel_package };

// Another kernel to boot: releases outside a kernel range of the knowledge
// files, with the values the knowledge cites (never made up here).
struct KernelChange {
  std::string range;                 // kernel range id, "lsmprop-first-hook"
  std::string outside;               // "6.18 and newer": the range left behind
  std::string unaffected;            // "6.17 and older, e.g. the 6.12 and 6.6 LTS series"
  std::string nixos_kernel_packages; // "pkgs.linuxPackages_6_12"
  std::string source;                // the range's citation
  bool empty() const { return range.empty(); }
};

// Audit settings that the audit rules files load (auditctl -b, -f).
struct AuditSettings {
  std::optional<unsigned> backlog_limit; // -b
  std::optional<int> failure;            // -f: 0 silent, 1 printk, 2 panic
  bool empty() const { return !backlog_limit && !failure; }
};

// How much applying an action disturbs the running system, on
// ComplianceAsCode's scale: low (nothing running notices), medium (a reboot
// or a service restart), high (something stops working as before).
enum class Disruption { low, medium, high };
std::string_view to_string(Disruption d);

struct Action {
  std::string id; // stable: "lsm-order", "audit-backlog-limit", ...
  ActionKind kind = ActionKind::kernel_cmdline;
  std::string summary;                  // one line, imperative
  std::string why;                      // one line, the reason
  std::vector<std::string> finding_ids; // findings it answers
  CmdlineEdit cmdline;
  std::vector<std::string> lsm_order; // the full new lsm= order, when this action sets it
  AuditSettings audit;                // settings for the audit rules files
  std::string enable_service;         // a unit to enable and start ("auditd")
  KernelChange kernel;                // a kernel to boot instead (kind kernel_package)
  bool reboot = true;
  Disruption disruption_level = Disruption::medium;
  std::string disruption; // what changes for running services
  std::string lost;       // what is lost by applying it ("nothing")
  std::string verify;     // how to check afterwards, in words
  // The doctor command to re-run afterwards and the check ids it should then
  // report as passing.
  std::string verify_command = "lsm-doctor check";
  std::vector<std::string> verify_expect;
  std::string undo;         // how to revert, in words
  CmdlineEdit undo_cmdline; // the command-line edit that reverts `cmdline`
  // Boot configuration sources (FILE or FILE:LINE) that already carry this
  // change while the running kernel does not: staged, a reboot applies it.
  std::vector<std::string> staged_in;
  bool staged() const { return !staged_in.empty(); }
};

struct Plan {
  std::vector<Action> actions;
  std::optional<std::string> current_cmdline; // the kernel part as read
  std::optional<std::string> proposed_cmdline;
  bool empty() const { return actions.empty(); }
  // The actions that still need doing (not staged for the next boot).
  std::vector<Action> pending() const;
  bool all_staged() const { return !empty() && pending().empty(); }
};

// Derives the plan from the facts and the findings of one run.
Plan make_plan(const Facts& facts, const Knowledge& knowledge,
               const std::vector<Finding>& findings);

} // namespace lsmdoctor
