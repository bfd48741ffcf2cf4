// The Journal's walks over journal files read by the project's own reader
// (parse/journal_file.h) instead of sd-journal: the files are mapped
// read-only, matches are resolved to DATA objects once per walk, and a walk
// follows the shortest chain of entries that can satisfy them. Several
// files are interleaved as sd-journal does (by sequence number within one
// writer, by monotonic time within one boot, else by wall clock). Used by
// sources/journal.cpp only.
#pragma once

#include "core/result.h"
#include "sources/journal.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lsmdoctor::native_journal {

class Files {
public:
  // Maps `paths`. A file that cannot be read is an error when it is the
  // only one, else a warning and skipped; a cut-short file is a warning.
  // nullptr (no error): a file uses a feature this reader does not know
  // (`unsupported` says which), or is being written (marked online and
  // open for writing somewhere, e.g. the live /var/log/journal given as
  // --journal-dir), so the caller reads them all with sd-journal instead.
  static Result<std::unique_ptr<Files>> open(const std::vector<std::string>& paths,
                                             const std::string& description,
                                             std::vector<std::string>& warnings,
                                             std::string& unsupported);
  Files(const Files&) = delete;
  Files& operator=(const Files&) = delete;
  ~Files();

  // The files mapped, in the order given.
  std::vector<std::string> paths() const;

  // As Journal::for_each_entry; damage in a file ends that file's part of
  // the walk with a warning.
  Result<std::uint64_t> for_each_entry(const std::vector<std::string>& matches,
                                       const std::function<bool(const JournalEntry&)>& on_entry,
                                       const JournalWindow& window,
                                       std::vector<std::string>& warnings);
  // As Journal::for_each_unique (values in the order found, each once).
  Result<std::uint64_t> for_each_unique(const std::string& field,
                                        const std::function<bool(std::string_view)>& on_value);
  // As Journal::time_range: the earliest and latest wall clock of the
  // matching entries.
  Result<std::optional<std::pair<std::uint64_t, std::uint64_t>>>
  time_range(const std::vector<std::string>& matches, std::vector<std::string>& warnings);

  struct Mapped;
  struct Memory;

private:
  Files() = default;
  std::vector<std::unique_ptr<Mapped>> files_;
  std::unique_ptr<Memory> memory_; // made by the first walk
};

// Whether journal files are read by this reader: yes unless the
// environment says LSMD_JOURNAL_READER=sd-journal (a test hook, so the two
// readers can be compared on the same files).
bool enabled();

} // namespace lsmdoctor::native_journal
