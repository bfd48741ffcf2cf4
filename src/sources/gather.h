// Sources: the only code that reads a host. They fill one Facts value.
#pragma once

#include "core/facts.h"
#include "core/knowledge.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace lsmdoctor {

struct GatherOptions {
  std::string root = "/";                // --root: read files under this tree
  std::optional<std::string> dmesg_file; // --dmesg: kernel log as text
  // Journals (sd-journal): --journal-file (repeatable) or --journal-dir; with
  // neither, the host's own journal (under --root: ROOT/var/log/journal).
  std::vector<std::string> journal_files;
  std::optional<std::string> journal_dir;
  int boots = 1;                        // --boots N: the current boot and N-1 before it
  std::string since;                    // --since: journal entries at or after this time
  std::vector<std::string> audit_logs;  // --audit-log (repeatable)
  std::vector<std::string> audit_rules; // --audit-rules (repeatable)
  // Called now and then while a long journal scan runs (see
  // JournalScanOptions::progress); the CLI draws a progress line from it.
  std::function<void(std::uint64_t, std::size_t, std::size_t)> progress;
};

// Gathers every fact. With root "/" the running kernel is asked too (system
// calls, /dev/kmsg); under another root only files are read, and facts that
// only a running kernel can give are unknown unless the tree holds a capture
// of them (.lsm-doctor/ in a snapshot).
Facts gather_facts(const GatherOptions& options, const Knowledge& knowledge);

// Path of `path` (absolute, as on a running system) under `root`.
std::string under_root(const std::string& root, const std::string& path);

// Why the examined system has no systemd units and no journal: it was not
// booted with systemd. Live: no /run/systemd/system (sd_booted(3)); under
// --root: the capture DIR/.lsm-doctor/no-systemd that `collect` writes.
// Empty when it was, or when that cannot be told.
std::string without_systemd(const GatherOptions& options);

// The capture file of without_systemd() under a root tree.
inline constexpr const char* kNoSystemdCapture = "/.lsm-doctor/no-systemd";

} // namespace lsmdoctor
