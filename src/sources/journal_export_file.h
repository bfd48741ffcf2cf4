// The Journal walks over a journal export file (journal.export in a
// snapshot, or `journalctl -o export` output given as --journal-file):
// each walk streams the file once. Used by sources/journal.cpp only.
#pragma once

#include "core/result.h"
#include "sources/journal.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lsmdoctor::export_file {

// Whether `path` is a regular file that starts like the export format (a
// field name and '=' or a newline), not like a journal file.
bool looks_like_export(const std::string& path);

// Journal::for_each_entry over the export file at `path`. Damage ends the
// walk with a warning; entries before it were passed on.
Result<std::uint64_t> for_each_entry(const std::string& path, const std::string& description,
                                     const std::vector<std::string>& matches,
                                     const std::function<bool(const JournalEntry&)>& on_entry,
                                     const JournalWindow& window,
                                     std::vector<std::string>& warnings);

// Journal::for_each_unique: the distinct values in sorted order.
Result<std::uint64_t> for_each_unique(const std::string& path, const std::string& description,
                                      const std::string& field,
                                      const std::function<bool(std::string_view)>& on_value,
                                      std::vector<std::string>& warnings);

// Journal::time_range: the earliest and latest realtime of matching entries.
Result<std::optional<std::pair<std::uint64_t, std::uint64_t>>>
time_range(const std::string& path, const std::string& description,
           const std::vector<std::string>& matches, std::vector<std::string>& warnings);

} // namespace lsmdoctor::export_file
