#include "parse/toml_reader.h"

#include <algorithm>
#include <fmt/format.h>

namespace lsmdoctor {

Result<toml::table> parse_toml(std::string_view text, const std::string& name) {
  try {
    return toml::parse(text, name);
  } catch (const toml::parse_error& err) {
    return make_error(fmt::format("{}: {}", toml_where(err.source(), name), err.description()));
  }
}

std::string toml_where(const toml::source_region& region, const std::string& name) {
  if (region.begin.line == 0)
    return name;
  return fmt::format("{}:{}:{}", name, region.begin.line, region.begin.column);
}

std::string TomlTable::name(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

std::string TomlTable::where() const {
  return toml_where(table_.source(), file_);
}

std::string TomlTable::where(std::string_view key) const {
  const toml::node* node = table_.get(key);
  return node ? toml_where(node->source(), file_) : where();
}

int TomlTable::line(std::string_view key) const {
  const toml::node* node = table_.get(key);
  return static_cast<int>(node ? node->source().begin.line : table_.source().begin.line);
}

Error TomlTable::type_error(std::string_view key, std::string_view wanted) const {
  return make_error(fmt::format("{}: {} must be {}", where(key), name(key), wanted));
}

std::vector<std::string> TomlTable::keys() const {
  std::vector<std::pair<toml::source_position, std::string>> keys;
  for (const auto& [key, node] : table_)
    keys.emplace_back(key.source().begin, std::string(key.str()));
  std::stable_sort(keys.begin(), keys.end(), [](const auto& a, const auto& b) {
    return a.first.line != b.first.line ? a.first.line < b.first.line
                                        : a.first.column < b.first.column;
  });
  std::vector<std::string> out;
  for (auto& key : keys)
    out.push_back(std::move(key.second));
  return out;
}

std::optional<Error> TomlTable::only(std::initializer_list<std::string_view> allowed) const {
  for (const auto& [key, node] : table_) {
    bool known = false;
    for (auto a : allowed)
      known = known || key.str() == a;
    if (!known) {
      std::string list;
      for (auto a : allowed)
        list += (list.empty() ? "" : ", ") + std::string(a);
      return make_error(fmt::format("{}: unknown key '{}' (known: {})",
                                    toml_where(key.source(), file_), name(key.str()), list));
    }
  }
  return std::nullopt;
}

Result<std::optional<std::string>> TomlTable::string(std::string_view key) const {
  const toml::node* node = table_.get(key);
  if (!node)
    return std::optional<std::string>();
  if (!node->is_string())
    return type_error(key, "a string");
  return std::optional<std::string>(*node->value<std::string>());
}

Result<std::optional<bool>> TomlTable::boolean(std::string_view key) const {
  const toml::node* node = table_.get(key);
  if (!node)
    return std::optional<bool>();
  if (!node->is_boolean())
    return type_error(key, "true or false");
  return std::optional<bool>(*node->value<bool>());
}

Result<std::optional<std::int64_t>> TomlTable::integer(std::string_view key, std::int64_t min,
                                                       std::int64_t max) const {
  const toml::node* node = table_.get(key);
  if (!node)
    return std::optional<std::int64_t>();
  if (!node->is_integer())
    return type_error(key, fmt::format("an integer from {} to {}", min, max));
  std::int64_t v = *node->value<std::int64_t>();
  if (v < min || v > max)
    return type_error(key, fmt::format("from {} to {}, not {}", min, max, v));
  return std::optional<std::int64_t>(v);
}

Result<std::optional<std::vector<std::string>>> TomlTable::strings(std::string_view key) const {
  const toml::node* node = table_.get(key);
  if (!node)
    return std::optional<std::vector<std::string>>();
  const toml::array* array = node->as_array();
  if (!array)
    return type_error(key, "an array of strings");
  std::vector<std::string> out;
  for (const auto& item : *array) {
    if (!item.is_string())
      return make_error(fmt::format("{}: {} must hold strings only",
                                    toml_where(item.source(), file_), name(key)));
    out.push_back(*item.value<std::string>());
  }
  return std::optional<std::vector<std::string>>(std::move(out));
}

Result<std::vector<std::pair<std::string, int>>>
TomlTable::located_strings(std::string_view key) const {
  std::vector<std::pair<std::string, int>> out;
  TRY(values, strings(key));
  if (!values)
    return out;
  const toml::array& array = *table_.get(key)->as_array();
  for (std::size_t i = 0; i < values->size(); ++i)
    out.emplace_back(std::move((*values)[i]), static_cast<int>(array[i].source().begin.line));
  return out;
}

bool TomlTable::is_array(std::string_view key) const {
  const toml::node* node = table_.get(key);
  return node && node->is_array();
}

Result<std::optional<int>> TomlTable::choice(std::string_view key,
                                             std::initializer_list<std::string_view> names) const {
  const toml::node* node = table_.get(key);
  if (!node)
    return std::optional<int>();
  std::string quoted;
  for (auto n : names)
    quoted += fmt::format("{}\"{}\"", quoted.empty() ? "" : ", ", n);
  auto wanted = fmt::format("0 to {} or one of {}", names.size() - 1, quoted);
  if (node->is_integer()) {
    std::int64_t v = *node->value<std::int64_t>();
    if (v < 0 || v >= static_cast<std::int64_t>(names.size()))
      return type_error(key, fmt::format("{}, not {}", wanted, v));
    return std::optional<int>(static_cast<int>(v));
  }
  if (node->is_string()) {
    std::string v = *node->value<std::string>();
    int index = 0;
    for (auto n : names) {
      if (v == n)
        return std::optional<int>(index);
      ++index;
    }
  }
  return type_error(key, wanted);
}

Result<std::optional<toml::date>> TomlTable::date(std::string_view key) const {
  const toml::node* node = table_.get(key);
  if (!node)
    return std::optional<toml::date>();
  if (!node->is_date())
    return type_error(key, "a date such as 2027-01-31 (unquoted)");
  return std::optional<toml::date>(*node->value<toml::date>());
}

Result<std::optional<TomlTable>> TomlTable::table(std::string_view key) const {
  const toml::node* node = table_.get(key);
  if (!node)
    return std::optional<TomlTable>();
  const toml::table* sub = node->as_table();
  if (!sub)
    return type_error(key, "a table");
  return std::optional<TomlTable>(TomlTable(*sub, file_, name(key)));
}

Result<std::vector<TomlTable>> TomlTable::tables(std::string_view key) const {
  std::vector<TomlTable> out;
  const toml::node* node = table_.get(key);
  if (!node)
    return out;
  const toml::array* array = node->as_array();
  if (!array)
    return type_error(key, fmt::format("an array of tables ([[{}]])", key));
  for (const auto& item : *array) {
    const toml::table* sub = item.as_table();
    if (!sub)
      return make_error(fmt::format("{}: {} must hold tables only ([[{}]])",
                                    toml_where(item.source(), file_), name(key), key));
    out.emplace_back(*sub, file_, name(key));
  }
  return out;
}

} // namespace lsmdoctor
