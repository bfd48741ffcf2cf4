#include "sources/config_file.h"

#include "core/check.h"
#include "parse/line_reader.h"
#include "parse/toml_reader.h"

#include <algorithm>
#include <cerrno>
#include <fmt/format.h>
#include <limits>
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

// "a, b, c" of the names of `items`.
template <class T> std::string names_of(const std::vector<T>& items, std::string T::*name) {
  std::string out;
  for (const auto& item : items)
    out += (out.empty() ? "" : ", ") + item.*name;
  return out;
}

Result<bool> read_expect(const TomlTable& table, const Knowledge& knowledge, Expectations& out) {
  if (auto bad = table.only({"modules", "audit", "max_signatures"}))
    return *bad;
  TRY(modules, table.strings("modules"));
  if (modules) {
    if (modules->empty())
      return make_error(fmt::format("{}: {} must name at least one module (leave it out to expect "
                                    "none)",
                                    table.where("modules"), table.name("modules")));
    for (const auto& name : *modules)
      if (!knowledge.lsm(name))
        return make_error(fmt::format("{}: {}: '{}' is not a security module (known: {})",
                                      table.where("modules"), table.name("modules"), name,
                                      names_of(knowledge.lsms, &LsmTrait::name)));
    out.modules = std::move(*modules);
    out.modules_line = table.line("modules");
  }
  TRY(audit, table.boolean("audit"));
  if (audit) {
    out.audit = *audit;
    out.audit_line = table.line("audit");
  }
  TRY(limits, table.table("max_signatures"));
  if (!limits)
    return true;
  for (const auto& id : limits->keys()) {
    bool known = std::any_of(knowledge.signatures.begin(), knowledge.signatures.end(),
                             [&](const LogSignature& s) { return s.id == id; });
    if (!known)
      return make_error(fmt::format("{}: {}: no kernel log signature '{}' (known: {})",
                                    limits->where(id), limits->name(id), id,
                                    names_of(knowledge.signatures, &LogSignature::id)));
    TRY(limit, limits->integer(id, 0, std::numeric_limits<std::int64_t>::max()));
    out.max_signatures[id] = static_cast<std::uint64_t>(*limit);
    out.max_signature_lines[id] = limits->line(id);
  }
  return true;
}

} // namespace

Result<DoctorConfig> parse_config(std::string_view text, const std::string& name,
                                  const Knowledge& knowledge) {
  TRY(doc, parse_toml(text, name));
  TomlTable top(doc, name);
  if (auto bad = top.only({"waiver", "expect"}))
    return *bad;
  DoctorConfig config;
  config.file = name;
  TRY(waivers, top.tables("waiver"));
  for (const auto& table : waivers) {
    TRY(waiver, read_waiver(table));
    config.waivers.push_back(std::move(waiver));
  }
  TRY(expect, top.table("expect"));
  if (expect) {
    TRY(expect_ok, read_expect(*expect, knowledge, config.expect));
    (void)expect_ok;
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
