#include "parse/plan_json.h"

#include "parse/line_reader.h"
#include "render/quote.h"

#include <cctype>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace lsmdoctor {
namespace {

using Json = nlohmann::json;

constexpr int kMaxDepth = 8; // a plan is two tables deep; more is not a plan

// Plan keys are TOML bare keys; any other key is no plan's (and is never
// quoted into the output).
bool bare_key(const std::string& key) {
  if (key.empty())
    return false;
  for (char c : key)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'))
      return false;
  return true;
}

std::string dotted(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

// A scalar as TOML (strings through toml_string, which escapes everything
// that could end the line or the string).
Result<std::string> scalar(const Json& value, const std::string& path) {
  if (value.is_string())
    return toml_string(value.get<std::string>());
  if (value.is_boolean())
    return std::string(value.get<bool>() ? "true" : "false");
  if (value.is_number_unsigned() && value.get<std::uint64_t>() > INT64_MAX)
    return make_error(fmt::format("{}: {} is too large", path, value.dump()));
  if (value.is_number_integer())
    return std::to_string(value.get<std::int64_t>());
  return make_error(
      fmt::format("{}: {} is not a plan value (a number with a fraction?)", path, value.dump()));
}

Result<std::string> array(const Json& items, const std::string& path) {
  std::string out = "[";
  std::size_t index = 0;
  for (const auto& item : items) {
    std::string where = fmt::format("{}[{}]", path, index);
    if (item.is_object() || item.is_array() || item.is_null())
      return make_error(
          fmt::format("{}: an array of a plan holds strings, integers or booleans", where));
    TRY(text, scalar(item, where));
    out += (index++ == 0 ? "\n  " : ",\n  ") + text;
  }
  out += index == 0 ? "]" : ",\n]";
  return out;
}

// Writes the table at `path`: its values first, then its sub-tables, each
// under a [dotted.header] (TOML wants a table's keys before any header).
Result<bool> write_table(const Json& object, const std::string& path, int depth, std::string& out) {
  if (depth > kMaxDepth)
    return make_error(fmt::format("{}: nested deeper than a plan", path));
  for (const auto& [key, value] : object.items()) {
    if (!bare_key(key))
      return make_error(
          fmt::format("{}{}{}: not a plan key", path, path.empty() ? "" : ".", Json(key).dump()));
    std::string where = dotted(path, key);
    if (value.is_null() || value.is_object())
      continue;
    if (value.is_array()) {
      TRY(text, array(value, where));
      out += key + " = " + text + "\n";
    } else {
      TRY(text, scalar(value, where));
      out += key + " = " + text + "\n";
    }
  }
  for (const auto& [key, value] : object.items()) {
    if (!value.is_object())
      continue;
    std::string where = dotted(path, key);
    out += "\n[" + where + "]\n";
    TRY(written, write_table(value, where, depth + 1, out));
    (void)written;
  }
  return true;
}

} // namespace

Result<std::string> plan_toml_from_json(std::string_view json, const std::string& name,
                                        const std::string& header) {
  Json doc;
  try {
    doc = Json::parse(json.begin(), json.end());
  } catch (const Json::exception& e) {
    // The message names the byte offset and, for bad UTF-8, the bytes.
    return make_error(fmt::format("{}: not JSON: {}", name, sanitize_utf8(e.what())));
  }
  if (!doc.is_object())
    return make_error(fmt::format("{}: a plan is a JSON object (kernel, audit)", name));
  std::string out;
  for (auto [number, line] : TextLines(header))
    out += "# " + sanitize_utf8(comment_safe(std::string(line))) + "\n";
  auto written = write_table(doc, "", 0, out);
  if (!written)
    return make_error(fmt::format("{}: {}", name, written.error().message));
  return out;
}

} // namespace lsmdoctor
