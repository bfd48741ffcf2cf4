#include "sources/config_file.h"

#include "core/check.h"
#include "parse/line_reader.h"
#include "parse/toml_reader.h"

#include <cerrno>
#include <fmt/format.h>
#include <sys/stat.h>

namespace lsmdoctor {
namespace {

// A string value that must be present and not blank.
Result<std::string> required_string(const TomlTable& table, std::string_view key) {
  TRY(value, table.string(key));
  if (!value)
    return make_error(fmt::format("{}: {} is required", table.where(), table.name(key)));
  if (value->find_first_not_of(" \t") == std::string::npos)
    return make_error(fmt::format("{}: {} must not be empty", table.where(key), table.name(key)));
  return *value;
}

// An optional glob: absent reads as "" (any), present must not be empty.
Result<std::string> optional_glob(const TomlTable& table, std::string_view key) {
  TRY(value, table.string(key));
  if (value && value->empty())
    return make_error(fmt::format("{}: {} must not be empty (leave it out to match any)",
                                  table.where(key), table.name(key)));
  return value.value_or("");
}

Result<Waiver> read_waiver(const TomlTable& table) {
  if (auto bad = table.only({"check", "reason", "expires", "kernel", "host"}))
    return *bad;
  Waiver w;
  TRY(check, required_string(table, "check"));
  if (!find_check(check))
    return make_error(fmt::format("{}: {}: no check '{}' (lsm-doctor explain --list)",
                                  table.where("check"), table.name("check"), check));
  w.check = std::move(check);
  TRY(reason, required_string(table, "reason"));
  w.reason = std::move(reason);
  TRY(expires, table.date("expires"));
  if (expires)
    w.expires = LocalDate{expires->year, expires->month, expires->day};
  TRY(kernel, optional_glob(table, "kernel"));
  w.kernel = std::move(kernel);
  TRY(host, optional_glob(table, "host"));
  w.host = std::move(host);
  w.file = table.file();
  w.line = table.line("check");
  return w;
}

} // namespace

Result<DoctorConfig> parse_config(std::string_view text, const std::string& name,
                                  const Knowledge& knowledge) {
  (void)knowledge;
  TRY(doc, parse_toml(text, name));
  TomlTable top(doc, name);
  if (auto bad = top.only({"waiver"}))
    return *bad;
  DoctorConfig config;
  config.file = name;
  TRY(waivers, top.tables("waiver"));
  for (const auto& table : waivers) {
    TRY(waiver, read_waiver(table));
    config.waivers.push_back(std::move(waiver));
  }
  return config;
}

Result<DoctorConfig> read_config(const std::string& path, const Knowledge& knowledge) {
  TRY(text, read_small_file(path, 1 << 20));
  return parse_config(text, path, knowledge);
}

Result<DoctorConfig> load_config(const std::string& path, const std::string& default_path,
                                 const Knowledge& knowledge) {
  if (!path.empty())
    return read_config(path, knowledge);
  struct stat st {};
  if (default_path.empty() || (::stat(default_path.c_str(), &st) != 0 && errno == ENOENT))
    return DoctorConfig{};
  return read_config(default_path, knowledge);
}

} // namespace lsmdoctor
