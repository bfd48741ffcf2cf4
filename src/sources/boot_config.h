// The boot configuration source: the kernel command lines configured for
// the next boot (GRUB defaults, /etc/kernel/cmdline, the NixOS system
// profile, BLS entries), read under a root.
#pragma once

#include "core/facts.h"

#include <string>

namespace lsmdoctor {

Fact<BootConfig> gather_boot_config(const std::string& root, std::vector<std::string>& warnings);

// The value of GRUB_CMDLINE_LINUX followed by GRUB_CMDLINE_LINUX_DEFAULT in
// /etc/default/grub text (shell syntax: the last assignment wins, quotes
// removed, $GRUB_CMDLINE_* references expanded); `line` gets the line of the
// last assignment. Empty when neither is set.
std::string grub_default_cmdline(std::string_view text, int& line);

// The "options" lines of a BLS entry (Boot Loader Specification), joined.
std::string bls_options(std::string_view text, int& line);

} // namespace lsmdoctor
