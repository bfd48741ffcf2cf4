// Remediation targets: each renders the same Plan for one way of deploying
// a kernel command line. Renderers only format; nothing is executed.
#pragma once

#include "core/facts.h"
#include "core/plan.h"

#include <string>
#include <string_view>

namespace lsmdoctor::remedies {

// Applies the plan's command-line edits to `params`.
std::vector<CmdlineParam> apply_edits(const std::vector<CmdlineParam>& params,
                                      const std::vector<Action>& actions);
// The merged edit of every command-line action.
CmdlineEdit merged_edit(const std::vector<Action>& actions);
// The merged edit that reverts every action (undo_cmdline, last action first).
CmdlineEdit merged_undo(const std::vector<Action>& actions);
// One line per staged action: "staged, reboot to apply: SUMMARY (in SOURCES)".
std::string render_staged(const Plan& plan, std::string_view indent = "  ");

// One paragraph per pending kernel change: which releases to install and
// boot (the targets that only edit a command line cannot do it).
std::string render_kernel_change(const Plan& plan, std::string_view indent = "  ");

// Old and new kernel command line.
std::string render_cmdline(const Plan& plan);
// /etc/default/grub edit and the regeneration commands.
std::string render_grub(const Plan& plan);
// /etc/kernel/cmdline for systemd-boot / kernel-install.
std::string render_systemd_boot(const Plan& plan);
// grubby --update-kernel=ALL --args=... --remove-args=... and its undo.
std::string render_grubby(const Plan& plan);
// A reviewed POSIX shell script (set -eu, dry run unless --apply) that makes
// only the plan's command-line edits in the host's boot configuration.
std::string render_shell(const Plan& plan, std::string_view tool_version);
// A NixOS configuration snippet; `nixos_host` selects security.lsm and the
// security.audit/auditd options over raw kernel parameters.
std::string render_nixos(const Plan& plan, bool nixos_host);

struct NixosModuleOptions {
  std::string tool_version;
  bool disable_audit = false; // the explicit last resort: security.audit.enable = false
};
// The NixOS module `lsm-doctor nixos` writes: a header with the evidence
// (failed findings) and the doctor's version, then the plan as options.
std::string render_nixos_module(const Plan& plan, const std::vector<Finding>& findings,
                                const NixosModuleOptions& options);
// The plan's audit settings as /etc/audit/rules.d/90-lsm-doctor.rules.
std::string render_audit_rules(const Plan& plan);

} // namespace lsmdoctor::remedies
