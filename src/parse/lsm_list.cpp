#include "parse/lsm_list.h"

#include <cctype>

namespace lsmdoctor {
namespace {

bool is_module_name(std::string_view name) {
  if (name.empty() || name.size() > 64)
    return false;
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (!(std::islower(u) || std::isdigit(u) || c == '_' || c == '-'))
      return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

} // namespace

LsmList parse_lsm_list(std::string_view text) {
  LsmList list;
  while (true) {
    size_t comma = text.find(',');
    std::string_view entry = trim(text.substr(0, comma));
    if (!entry.empty()) {
      if (is_module_name(entry))
        list.names.emplace_back(entry);
      else
        list.problems.emplace_back(entry.substr(0, 64));
    }
    if (comma == std::string_view::npos)
      break;
    text.remove_prefix(comma + 1);
  }
  return list;
}

std::string join_lsm_list(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) {
    if (!out.empty())
      out += ',';
    out += name;
  }
  return out;
}

} // namespace lsmdoctor
