// Facts about the boot configuration: the kernel command lines the next boot
// will use, as configured on disk (sources/boot_config.cpp). Compared with
// /proc/cmdline they tell a fix that is staged from one that is missing.
#pragma once

#include <string>
#include <vector>

namespace lsmdoctor {

// One configured command line and where it is written.
struct ConfiguredCmdline {
  std::string kind;   // "grub", "kernel-cmdline", "nixos", "bls"
  std::string source; // "PATH" or "PATH:LINE"
  std::string text;   // the command line as configured (kernel syntax)
};

// Every configured command line found; empty when the host has none of the
// places the doctor reads (another boot loader).
struct BootConfig {
  std::vector<ConfiguredCmdline> cmdlines;
};

} // namespace lsmdoctor
