// Thin wrappers around the kernel interfaces the live source uses.
#pragma once

#include "core/facts.h"
#include "core/knowledge.h"
#include "core/result.h"

#include <cstdint>
#include <string>
#include <vector>

namespace lsmdoctor {

// lsm_list_modules(2): the LSM_ID_* values of the active modules, in order.
// Errors say why (no such system call before 6.8, seccomp, ...).
Result<std::vector<std::uint64_t>> lsm_list_modules();

// The whole kernel ring buffer through /dev/kmsg (non-blocking), falling back
// to syslog(2) READ_ALL. `reason` errors distinguish a restricted log.
Result<KernelLog> read_live_kernel_log(const Knowledge& knowledge);

// The kernel log as text for a snapshot: one /dev/kmsg record per line
// ("prefix;message", as --dmesg reads it), else syslog(2) text; `source`
// receives which of the two.
Result<std::string> read_live_kernel_log_text(std::string& source);

// /proc/config.gz (gzip) or a plain config file.
Result<KernelConfig> read_kernel_config(const std::string& path);
KernelConfig parse_kernel_config_line_by_line(const std::string& text);

} // namespace lsmdoctor
