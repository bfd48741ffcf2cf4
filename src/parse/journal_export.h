// The journal export format (`journalctl -o export`, systemd's
// JOURNAL_EXPORT_FORMATS): entries of `NAME=value` lines separated by an
// empty line, where a value that is not plain text is written as the name,
// a newline, its length as a 64-bit little-endian number, the raw bytes and
// a newline. A streaming reader and a writer; binary-safe both ways.
#pragma once

#include "core/result.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lsmdoctor {

// One entry: its fields in the order written (a name may repeat).
struct JournalExportEntry {
  std::vector<std::pair<std::string, std::string>> fields;

  // The first value of `name`, or nullptr.
  const std::string* find(std::string_view name) const;
  // Whether some field `name` has the value `value`.
  bool has(std::string_view name, std::string_view value) const;
};

struct JournalExportLimits {
  std::size_t field_bytes = std::size_t{16} << 20; // one value (text or binary)
  std::size_t entry_fields = 4096;
};

// Reads entries from `read` (bytes read, 0 at the end, -1 on error) in
// blocks; memory is bounded by the largest entry. An error names the input
// and the byte offset of the damage; entries before it were returned.
class JournalExportReader {
public:
  using ReadFn = std::function<long(char*, std::size_t)>;
  JournalExportReader(ReadFn read, std::string name, JournalExportLimits limits = {});

  // Fills `entry` (cleared first) with the next entry; false at the end.
  Result<bool> next(JournalExportEntry& entry);
  std::uint64_t offset() const { return consumed_ + pos_; }

private:
  Result<bool> fill(std::size_t want); // at least `want` bytes after pos_, unless at the end
  Result<bool> read_line(std::string& line, bool& eof);
  ReadFn read_;
  std::string name_;
  JournalExportLimits limits_;
  std::string buf_;
  std::size_t pos_ = 0;
  std::uint64_t consumed_ = 0; // bytes dropped from the front of buf_
  bool at_end_ = false;
};

// Whether `name` is a valid journal field name (A-Z, 0-9, '_', not starting
// with a digit, at most 64 bytes; "__" names are the export's addresses).
bool valid_journal_field_name(std::string_view name);

// One entry in export format, with its closing empty line: values holding
// control characters or invalid UTF-8 in the binary form.
std::string
format_journal_export_entry(const std::vector<std::pair<std::string, std::string>>& fields);

} // namespace lsmdoctor
