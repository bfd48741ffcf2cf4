// Kernel messages from the journal, per boot, reduced to signature
// statistics while streaming: memory grows with boots and signatures, not
// with the journal.
#pragma once

#include "core/facts.h"
#include "core/knowledge.h"
#include "sources/journal.h"

#include <cstdint>
#include <functional>
#include <string>

namespace lsmdoctor {

struct JournalScanOptions {
  int boots = 1;                // the current boot and boots-1 before it
  std::uint64_t since_usec = 0; // with --since: every boot since then (bounded by boots > 1)
  // Called now and then during the scan with kernel messages read so far
  // and the boot being read (1-based) of how many.
  std::function<void(std::uint64_t messages, std::size_t boot, std::size_t boots)> progress;
};

// Lists the boots of `journal`, picks those the options ask for and scans
// their kernel messages (_TRANSPORT=kernel).
Result<JournalHistory> scan_journal_kernel(Journal& journal, const Knowledge& knowledge,
                                           const JournalScanOptions& options);

// "6.18.2-arch1-1" from "Linux version 6.18.2-arch1-1 (linux@archlinux) ..."; "" if absent.
std::string kernel_release_from_banner(std::string_view message);

// One boot of the history as a KernelLog (the shape --dmesg and /dev/kmsg
// give), for the checks that read the current boot's kernel log.
KernelLog kernel_log_of_boot(const BootKernelLog& boot, const std::string& source);

} // namespace lsmdoctor
