// `lsm-doctor collect`: every input the doctor reads on this host, captured
// as a tree that --snapshot (or --root) reads back: the files at their own
// paths, and what only a running kernel can answer under .lsm-doctor/.
#pragma once

#include "core/result.h"
#include "parse/manifest.h"
#include "sources/gather.h"

#include <functional>
#include <string>
#include <vector>

namespace lsmdoctor {

struct CapturedFile {
  std::string path; // relative to the snapshot root: "proc/cmdline", ".lsm-doctor/dmesg.txt"
  std::string content;
  bool text = true;            // false for binary files (config.gz): never redacted
  bool journal_export = false; // journal export format: redacted value by value
};

struct Collection {
  std::vector<CapturedFile> files; // the manifest is not among them yet
  SnapshotManifest manifest;
};

struct CollectOptions {
  std::string tool;    // "lsm-doctor 0.1.0"
  std::string created; // UTC, ISO 8601
  bool redact = false; // replace host and user names
  // The journal to capture from (journal_files, journal_dir; the host's by
  // default) and which boots (boots, since), as for `check`.
  GatherOptions journal;
  std::function<void(const std::string&)> progress; // "reading /proc/cmdline"; may be empty
};

// Reads the running host. What cannot be read is listed in manifest.missing
// with the reason, never guessed.
Collection collect_host(const CollectOptions& options);

// The journal part of a snapshot: the kernel messages and the watched
// units' messages of the boots `options` choose (--boots, --since), plus
// each boot's first and last entry (timestamps only, so the boot's span
// replays the same), in export format with only the fields the doctor reads.
struct JournalCapture {
  std::string text;   // journal export format
  std::string source; // what was read ("the system journal", a file)
  std::size_t boots = 0;
  std::uint64_t entries = 0;
  std::vector<std::string> warnings;
};
Result<JournalCapture> capture_journal(const GatherOptions& options);

// Replaces every whole-word occurrence of each name in the text files and
// the manifest's host by its replacement (the longest names first), the same
// name always by the same replacement. Returns how many names were replaced.
std::size_t redact_collection(Collection& collection,
                              const std::vector<std::pair<std::string, std::string>>& names);

// Host names (gethostname, /etc/hostname, short forms) and user names
// (/etc/passwd, uid 1000 to 65533) of this host with their replacements
// host-1, user-1, ... in a stable order.
std::vector<std::pair<std::string, std::string>> names_to_redact();

// Adds the manifest as .lsm-doctor/manifest.toml.
void add_manifest(Collection& collection);

} // namespace lsmdoctor
