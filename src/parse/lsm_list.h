// Parsing of comma-separated LSM lists (/sys/kernel/security/lsm, lsm=,
// CONFIG_LSM) and of the LSM_ID_* numbers lsm_list_modules(2) returns.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace lsmdoctor {

struct LsmList {
  std::vector<std::string> names;    // in order, as written (duplicates kept)
  std::vector<std::string> problems; // entries that are not module names
};

// Splits on commas, trims white space and a trailing newline, and skips empty
// entries. Entries with characters no module name has are reported.
LsmList parse_lsm_list(std::string_view text);

std::string join_lsm_list(const std::vector<std::string>& names);

} // namespace lsmdoctor
