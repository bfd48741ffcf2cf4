// Strict reading of TOML files a user writes (plans, lsm-doctor.toml): every
// error names the file, line and column, unknown keys are errors, and a value
// of the wrong type or out of range is refused, never guessed.
#pragma once

#include "core/result.h"

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <toml++/toml.h>
#include <utility>
#include <vector>

namespace lsmdoctor {

// Parses `text`; a syntax error becomes "NAME:LINE:COLUMN: description".
Result<toml::table> parse_toml(std::string_view text, const std::string& name);

// "NAME:LINE:COLUMN" of a node (or of the file when the node has no place).
std::string toml_where(const toml::source_region& region, const std::string& name);

// One table of a document, read field by field. Absent keys read as nullopt.
class TomlTable {
public:
  TomlTable(const toml::table& table, std::string file, std::string path = {})
      : table_(table), file_(std::move(file)), path_(std::move(path)) {}

  // An error for the first key not in `allowed`, naming its place.
  std::optional<Error> only(std::initializer_list<std::string_view> allowed) const;

  Result<std::optional<std::string>> string(std::string_view key) const;
  Result<std::optional<bool>> boolean(std::string_view key) const;
  Result<std::optional<std::int64_t>> integer(std::string_view key, std::int64_t min,
                                              std::int64_t max) const;
  Result<std::optional<std::vector<std::string>>> strings(std::string_view key) const;
  // Each string of an array with the line it is written on; empty when absent.
  Result<std::vector<std::pair<std::string, int>>> located_strings(std::string_view key) const;
  // Whether `key` holds an array.
  bool is_array(std::string_view key) const;
  // One of `names`, given as its index (an integer) or as the name itself
  // (failure = 2 or failure = "panic"); the index either way.
  Result<std::optional<int>> choice(std::string_view key,
                                    std::initializer_list<std::string_view> names) const;
  // A TOML local date (expires = 2026-12-31).
  Result<std::optional<toml::date>> date(std::string_view key) const;
  // A sub-table; nullopt when absent.
  Result<std::optional<TomlTable>> table(std::string_view key) const;
  // An array of tables ([[waiver]]); empty when absent.
  Result<std::vector<TomlTable>> tables(std::string_view key) const;

  // The table's keys, in the order of the file.
  std::vector<std::string> keys() const;

  // "NAME:LINE:COLUMN" of `key`'s value, or of the table when it is absent.
  std::string where(std::string_view key) const;
  std::string where() const;
  // 1-based line of `key`'s value (of the table when absent).
  int line(std::string_view key) const;
  // The dotted name of a key: "kernel.release".
  std::string name(std::string_view key) const;
  const std::string& file() const { return file_; }

private:
  Error type_error(std::string_view key, std::string_view wanted) const;

  const toml::table& table_;
  std::string file_;
  std::string path_;
};

} // namespace lsmdoctor
