// Remediation targets: each renders the same Plan for one way of deploying
// a kernel command line. Renderers only format; nothing is executed.
#pragma once

#include "core/facts.h"
#include "core/plan.h"

#include <string>

namespace lsmdoctor::remedies {

// Applies the plan's command-line edits to `params`.
std::vector<CmdlineParam> apply_edits(const std::vector<CmdlineParam>& params,
                                      const std::vector<Action>& actions);
// The merged edit of every command-line action.
CmdlineEdit merged_edit(const std::vector<Action>& actions);

// Old and new kernel command line.
std::string render_cmdline(const Plan& plan);
// /etc/default/grub edit and the regeneration commands.
std::string render_grub(const Plan& plan);
// /etc/kernel/cmdline for systemd-boot / kernel-install.
std::string render_systemd_boot(const Plan& plan);
// A NixOS configuration snippet; `nixos_host` selects security.lsm.
std::string render_nixos(const Plan& plan, bool nixos_host);

} // namespace lsmdoctor::remedies
