#include "parse/manifest.h"

#include "parse/toml_reader.h"

#include <fmt/format.h>
#include <sstream>
#include <toml++/toml.h>

namespace lsmdoctor {
namespace {

toml::array entries_to_toml(const std::vector<ManifestEntry>& entries, const char* what,
                            const char* detail) {
  toml::array out;
  for (const auto& e : entries)
    out.push_back(toml::table{{what, e.what}, {detail, e.detail}});
  return out;
}

Result<std::vector<ManifestEntry>> entries_from_toml(const toml::table& doc, const char* key,
                                                     const char* what, const char* detail,
                                                     const std::string& name) {
  std::vector<ManifestEntry> out;
  const toml::node* node = doc.get(key);
  if (node == nullptr)
    return out;
  const toml::array* array = node->as_array();
  if (array == nullptr)
    return make_error(fmt::format("{}: '{}' is not an array of tables", name, key));
  for (const auto& item : *array) {
    const toml::table* t = item.as_table();
    auto w = t ? t->get_as<std::string>(what) : nullptr;
    auto d = t ? t->get_as<std::string>(detail) : nullptr;
    if (w == nullptr || d == nullptr)
      return make_error(
          fmt::format("{}: each '{}' entry needs string '{}' and '{}'", name, key, what, detail));
    out.push_back({w->get(), d->get()});
  }
  return out;
}

} // namespace

std::string render_manifest(const SnapshotManifest& m) {
  toml::table doc{
      {"tool", m.tool},
      {"created", m.created},
      {"host", m.host},
      {"redacted", m.redacted},
      {"captured", entries_to_toml(m.captured, "path", "from")},
      {"missing", entries_to_toml(m.missing, "input", "reason")},
  };
  std::ostringstream out;
  out << "# lsm-doctor snapshot manifest\n" << doc << "\n";
  return out.str();
}

Result<SnapshotManifest> parse_manifest(std::string_view text, const std::string& name) {
  TRY(doc, parse_toml(text, name));
  SnapshotManifest m;
  for (auto [key, field] :
       {std::pair{"tool", &m.tool}, std::pair{"created", &m.created}, std::pair{"host", &m.host}}) {
    const toml::node* node = doc.get(key);
    if (node == nullptr)
      continue;
    auto value = node->value<std::string>();
    if (!value)
      return make_error(fmt::format("{}: '{}' is not a string", name, key));
    *field = *value;
  }
  if (const toml::node* node = doc.get("redacted")) {
    auto value = node->value<bool>();
    if (!value)
      return make_error(fmt::format("{}: 'redacted' is not a boolean", name));
    m.redacted = *value;
  }
  TRY(captured, entries_from_toml(doc, "captured", "path", "from", name));
  TRY(missing, entries_from_toml(doc, "missing", "input", "reason", name));
  m.captured = std::move(captured);
  m.missing = std::move(missing);
  return m;
}

} // namespace lsmdoctor
