// Facts from the systemd journal: the kernel messages of each boot, reduced
// to signature statistics (knowledge/signatures.toml) while streaming.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace lsmdoctor {

// One signature within one boot: how often, when first and last.
struct BootSignatureStats {
  std::uint64_t matches = 0;    // messages that matched
  std::uint64_t total = 0;      // aggregate of the {N} numbers (sum or max), else == matches
  std::uint64_t first_usec = 0; // realtime of the first and last match
  std::uint64_t last_usec = 0;
  std::uint64_t first_monotonic_usec = 0; // since boot
  std::uint64_t last_monotonic_usec = 0;
  std::string first_message; // the first matching message, cut at 512 bytes
  std::string last_message;  // the last one (kept for {N} signatures; else the first)
};

// The signatures of audit failing to log a security context (the errors
// whose onset the history dates): ids in knowledge/signatures.toml.
inline constexpr std::array<const char*, 4> kAuditFailureSignatures{
    "subj-ctx-error", "task-context-error", "obj-ctx-error", "object-context-error"};

// One boot's kernel messages in the journal.
struct BootKernelLog {
  std::string boot_id;          // 32 hex digits
  std::string kernel;           // release from the boot's "Linux version ..." line; "" if absent
  std::uint64_t first_usec = 0; // realtime of the boot's first and last journal entry
  std::uint64_t last_usec = 0;
  std::uint64_t kernel_messages = 0;                    // kernel messages read (within --since)
  std::map<std::string, BootSignatureStats> signatures; // by signature id

  std::uint64_t count(const std::string& id) const {
    auto it = signatures.find(id);
    return it == signatures.end() ? 0 : it->second.matches;
  }
  // Messages of the kAuditFailureSignatures.
  std::uint64_t audit_errors() const {
    std::uint64_t n = 0;
    for (const char* id : kAuditFailureSignatures)
      n += count(id);
    return n;
  }
};

// The boots that were scanned, oldest first; the last is the current boot
// (the running one for the host's journal, otherwise the latest).
struct JournalHistory {
  std::string source;           // "the system journal", a file or a directory
  std::uint64_t since_usec = 0; // --since, 0 when not given
  std::uint64_t boots_in_journal = 0;
  std::vector<BootKernelLog> boots;
  bool current_is_running = false; // the last boot is the running system's boot
  std::vector<std::string> notes;  // how damage was worked around, for the warnings
  std::string no_journal;          // why the system keeps no journal at all (boots is then empty)
};

} // namespace lsmdoctor
