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
#include <vector>

namespace lsmdoctor {

struct JournalScanOptions {
  int boots = 1;                // the current boot and boots-1 before it
  std::uint64_t since_usec = 0; // with --since: every boot since then (bounded by boots > 1)
  // Called now and then during the scan: (distinct messages listed, 0, 0)
  // while the index is read, then (entries counted, part, parts) with the
  // part (a message or a boot, 1-based) being read of how many.
  std::function<void(std::uint64_t messages, std::size_t boot, std::size_t boots)> progress;
};

// A boot of the journal and the realtime of its first and last entry.
struct JournalBoot {
  std::string id;
  std::uint64_t first = 0;
  std::uint64_t last = 0;
};

// The boots a scan with `options` reads, oldest first, and what it found on
// the way.
struct JournalBootSelection {
  std::vector<JournalBoot> boots;
  std::uint64_t in_journal = 0;    // boots the journal holds
  bool current_is_running = false; // the last boot is this system's running boot
  std::vector<std::string> notes;  // how damage was worked around
};

// Lists the boots of `journal` and picks those the options ask for.
Result<JournalBootSelection> select_journal_boots(Journal& journal,
                                                  const JournalScanOptions& options);

// Lists the boots of `journal`, picks those the options ask for and counts
// the signatures in their kernel messages (_TRANSPORT=kernel), streaming.
Result<JournalHistory> scan_journal_kernel(Journal& journal, const Knowledge& knowledge,
                                           const JournalScanOptions& options);

// "6.18.2-arch1-1" from "Linux version 6.18.2-arch1-1 (linux@archlinux) ..."; "" if absent.
std::string kernel_release_from_banner(std::string_view message);

// One boot of the history as a KernelLog (the shape --dmesg and /dev/kmsg
// give), for the checks that read the current boot's kernel log.
KernelLog kernel_log_of_boot(const BootKernelLog& boot, const std::string& source);

} // namespace lsmdoctor
