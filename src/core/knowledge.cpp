#include "core/knowledge.h"

#include "parse/line_reader.h"
#include "parse/toml_reader.h"

#include <algorithm>
#include <array>
#include <dirent.h>
#include <fmt/format.h>
#include <map>
#include <set>
#include <toml++/toml.h>

namespace lsmdoctor {

// Generated at build time from checks/knowledge/*.toml.
struct EmbeddedFile {
  const char* name;
  const char* text;
};
extern const EmbeddedFile kEmbeddedKnowledge[];
extern const std::size_t kEmbeddedKnowledgeCount;

namespace {

std::string where(const toml::node& node, const std::string& name) {
  const auto& src = node.source();
  return fmt::format("{}:{}:{}", name, src.begin.line, src.begin.column);
}

// Reads the fields of one table strictly: unknown keys and wrong types are
// errors that name the file, line and column.
class Reader {
public:
  Reader(const toml::table& table, std::string file, std::set<std::string> allowed)
      : table_(table), file_(std::move(file)), allowed_(std::move(allowed)) {}

  std::optional<Error> check_keys() const {
    for (const auto& [key, node] : table_) {
      if (!allowed_.count(std::string(key.str())))
        return make_error(fmt::format("{}: unknown key '{}'", where(node, file_), key.str()));
    }
    return std::nullopt;
  }
  Result<std::string> text(const char* key, bool required = true) const {
    const toml::node* node = table_.get(key);
    if (!node) {
      if (required)
        return make_error(fmt::format("{}: missing '{}'", where(table_, file_), key));
      return std::string();
    }
    if (!node->is_string())
      return make_error(fmt::format("{}: '{}' must be a string", where(*node, file_), key));
    return std::string(*node->value<std::string>());
  }
  Result<bool> flag(const char* key) const {
    const toml::node* node = table_.get(key);
    if (!node)
      return false;
    if (!node->is_boolean())
      return make_error(fmt::format("{}: '{}' must be true or false", where(*node, file_), key));
    return *node->value<bool>();
  }
  Result<std::vector<std::string>> texts(const char* key) const {
    std::vector<std::string> out;
    const toml::node* node = table_.get(key);
    if (!node)
      return out;
    const toml::array* array = node->as_array();
    if (!array)
      return make_error(
          fmt::format("{}: '{}' must be an array of strings", where(*node, file_), key));
    for (const auto& item : *array) {
      if (!item.is_string())
        return make_error(
            fmt::format("{}: '{}' must be an array of strings", where(item, file_), key));
      out.emplace_back(*item.value<std::string>());
    }
    return out;
  }
  Result<int> integer(const char* key) const {
    const toml::node* node = table_.get(key);
    if (!node)
      return 0;
    if (!node->is_integer())
      return make_error(fmt::format("{}: '{}' must be an integer", where(*node, file_), key));
    return static_cast<int>(*node->value<int64_t>());
  }

private:
  const toml::table& table_;
  std::string file_;
  std::set<std::string> allowed_;
};

Result<std::string> checked_confidence(const Reader& r, const toml::table& t,
                                       const std::string& file) {
  TRY(confidence, r.text("confidence"));
  if (confidence != "high" && confidence != "medium" && confidence != "low")
    return make_error(fmt::format("{}: confidence must be high, medium or low, not '{}'",
                                  where(t, file), confidence));
  return confidence;
}

bool is_release(const std::string& s) {
  if (s.empty())
    return false;
  int dots = 0;
  for (char c : s) {
    if (c == '.')
      ++dots;
    else if (c < '0' || c > '9')
      return false;
  }
  return dots >= 1 && dots <= 2 && s.front() != '.' && s.back() != '.' &&
         s.find("..") == std::string::npos;
}

std::array<int, 3> release_numbers(const std::string& s) {
  std::array<int, 3> out{0, 0, 0};
  std::size_t part = 0;
  for (char c : s) {
    if (c == '.') {
      if (++part >= out.size())
        break;
    } else if (c >= '0' && c <= '9') {
      out[part] = out[part] * 10 + (c - '0');
      if (out[part] > 100000)
        out[part] = 100000;
    }
  }
  return out;
}

// An optional [from, until) span of releases: each well formed, until after from.
std::optional<Error> checked_span(const std::string& from, const std::string& until,
                                  const toml::table& t, const std::string& file,
                                  const char* from_key, const char* until_key) {
  if ((!from.empty() && !is_release(from)) || (!until.empty() && !is_release(until)))
    return make_error(fmt::format("{}: {}/{} must be releases like 6.18 or 6.18.3", where(t, file),
                                  from_key, until_key));
  if (!until.empty() && from.empty())
    return make_error(fmt::format("{}: {} needs {}", where(t, file), until_key, from_key));
  if (!until.empty() && release_numbers(until) <= release_numbers(from))
    return make_error(fmt::format("{}: {} {} is not after {} {}", where(t, file), until_key, until,
                                  from_key, from));
  return std::nullopt;
}

Result<LsmTrait> read_lsm(const toml::table& t, const std::string& file) {
  Reader r(t, file,
           {"name", "id", "secctx", "secctx_object", "exclusive", "exclusive_from",
            "exclusive_until", "legacy_major", "order", "config", "source", "confidence", "note",
            "audit_rule_fields"});
  if (auto e = r.check_keys())
    return *e;
  LsmTrait lsm;
  TRY(name, r.text("name"));
  TRY(id, r.integer("id"));
  TRY(secctx, r.flag("secctx"));
  TRY(exclusive, r.flag("exclusive"));
  TRY(legacy_major, r.flag("legacy_major"));
  TRY(order, r.text("order"));
  TRY(config, r.text("config", false));
  TRY(source, r.text("source"));
  TRY(confidence, checked_confidence(r, t, file));
  if (order != "first" && order != "early" && order != "mutable" && order != "last")
    return make_error(
        fmt::format("{}: order must be first, early, mutable or last", where(t, file)));
  lsm.name = name;
  lsm.id = id;
  lsm.secctx = secctx;
  lsm.exclusive = exclusive;
  lsm.legacy_major = legacy_major;
  lsm.order = order;
  lsm.config = config;
  lsm.source = source;
  lsm.confidence = confidence;
  TRY(secctx_object, r.flag("secctx_object"));
  TRY(exclusive_from, r.text("exclusive_from", false));
  TRY(exclusive_until, r.text("exclusive_until", false));
  TRY(note, r.text("note", false));
  TRY(rule_fields, r.texts("audit_rule_fields"));
  lsm.audit_rule_fields = rule_fields;
  if (secctx_object && !secctx)
    return make_error(fmt::format("{}: secctx_object needs secctx", where(t, file)));
  if (auto e = checked_span(exclusive_from, exclusive_until, t, file, "exclusive_from",
                            "exclusive_until"))
    return *e;
  if (exclusive != (!exclusive_from.empty() && exclusive_until.empty()))
    return make_error(fmt::format("{}: exclusive must be true exactly when exclusive_from is set "
                                  "and exclusive_until is not",
                                  where(t, file)));
  lsm.secctx_object = secctx_object;
  lsm.exclusive_from = exclusive_from;
  lsm.exclusive_until = exclusive_until;
  lsm.note = note;
  return lsm;
}

Result<LogSignature> read_signature(const toml::table& t, const std::string& file) {
  Reader r(t, file, {"id", "pattern", "aggregate", "meaning", "source", "confidence", "lsm"});
  if (auto e = r.check_keys())
    return *e;
  TRY(id, r.text("id"));
  TRY(pattern, r.text("pattern"));
  TRY(aggregate, r.text("aggregate", false));
  TRY(meaning, r.text("meaning"));
  TRY(source, r.text("source"));
  TRY(confidence, checked_confidence(r, t, file));
  if (aggregate.empty())
    aggregate = "count";
  if (aggregate != "count" && aggregate != "sum" && aggregate != "max")
    return make_error(fmt::format("{}: aggregate must be count, sum or max", where(t, file)));
  bool has_number = pattern.find("{N}") != std::string::npos;
  if ((aggregate != "count") != has_number)
    return make_error(
        fmt::format("{}: aggregate '{}' needs {{N}} in the pattern exactly when it is "
                    "sum or max",
                    where(t, file), aggregate));
  if (pattern.size() < 4)
    return make_error(fmt::format("{}: pattern too short to be a signature", where(t, file)));
  return LogSignature{id, pattern, aggregate, meaning, source, confidence};
}

Result<KernelRange> read_range(const toml::table& t, const std::string& file) {
  Reader r(t, file,
           {"id", "introduced", "fixed", "summary", "source", "confidence", "note", "unaffected",
            "nixos_kernel_packages"});
  if (auto e = r.check_keys())
    return *e;
  TRY(id, r.text("id"));
  TRY(introduced, r.text("introduced"));
  TRY(fixed, r.text("fixed", false));
  TRY(summary, r.text("summary"));
  TRY(source, r.text("source"));
  TRY(confidence, checked_confidence(r, t, file));
  if (!is_release(introduced) || (!fixed.empty() && !is_release(fixed)))
    return make_error(
        fmt::format("{}: introduced/fixed must be releases like 6.18 or 6.18.3", where(t, file)));
  if (auto e = checked_span(introduced, fixed, t, file, "introduced", "fixed"))
    return *e;
  KernelRange range;
  range.id = id;
  range.introduced = introduced;
  range.fixed = fixed;
  range.summary = summary;
  range.source = source;
  range.confidence = confidence;
  TRY(unaffected, r.text("unaffected", false));
  TRY(nixos, r.text("nixos_kernel_packages", false));
  TRY(note, r.text("note", false));
  range.unaffected = unaffected;
  range.nixos_kernel_packages = nixos;
  range.note = note;
  return range;
}

Result<DistroLsmDefault> read_distro(const toml::table& t, const std::string& file) {
  Reader r(t, file, {"distro", "release", "config_lsm", "source", "confidence", "note"});
  if (auto e = r.check_keys())
    return *e;
  DistroLsmDefault d;
  TRY(distro, r.text("distro"));
  TRY(release, r.text("release"));
  TRY(config_lsm, r.text("config_lsm"));
  TRY(source, r.text("source"));
  TRY(confidence, checked_confidence(r, t, file));
  TRY(note, r.text("note", false));
  if (config_lsm.empty() || config_lsm.find(' ') != std::string::npos)
    return make_error(fmt::format("{}: config_lsm must be a comma-separated list without spaces",
                                  where(t, file)));
  d = DistroLsmDefault{distro, release, config_lsm, source, confidence, note};
  return d;
}

Result<AuditRecordType> read_record(const toml::table& t, const std::string& file) {
  Reader r(t, file,
           {"name", "type", "lsm", "marker", "status", "introduced", "meaning", "source",
            "confidence", "note", "aux", "subj"});
  if (auto e = r.check_keys())
    return *e;
  AuditRecordType rec;
  TRY(name, r.text("name"));
  TRY(type, r.integer("type"));
  TRY(lsm, r.text("lsm"));
  TRY(marker, r.text("marker", false));
  TRY(status, r.text("status"));
  TRY(introduced, r.text("introduced", false));
  TRY(meaning, r.text("meaning"));
  TRY(source, r.text("source"));
  TRY(confidence, checked_confidence(r, t, file));
  TRY(note, r.text("note", false));
  TRY(aux, r.text("aux", false));
  TRY(subj, r.flag("subj"));
  if (!aux.empty() && aux != "subj" && aux != "obj")
    return make_error(fmt::format("{}: aux must be subj or obj", where(t, file)));
  if (status != "mainline" && status != "proposed" && status != "vendor")
    return make_error(
        fmt::format("{}: status must be mainline, proposed or vendor", where(t, file)));
  if ((status == "mainline") == introduced.empty())
    return make_error(
        fmt::format("{}: a mainline record needs 'introduced', and only a mainline record has it",
                    where(t, file)));
  if (!introduced.empty() && !is_release(introduced))
    return make_error(fmt::format("{}: introduced must be a release like 6.15", where(t, file)));
  if (type < 1000 || type > 2999)
    return make_error(fmt::format("{}: type {} is outside the audit record range 1000-2999",
                                  where(t, file), type));
  rec = AuditRecordType{name,    type,   lsm,        marker, status, introduced,
                        meaning, source, confidence, note,   aux,    subj};
  return rec;
}

Result<CapabilityLevel> read_level(const toml::table& t, const std::string& file) {
  Reader r(t, file, {"id", "summary", "source", "confidence"});
  if (auto e = r.check_keys())
    return *e;
  TRY(id, r.text("id"));
  TRY(summary, r.text("summary"));
  TRY(source, r.text("source"));
  TRY(confidence, checked_confidence(r, t, file));
  return CapabilityLevel{id, summary, source, confidence};
}

Result<CheckDoc> read_check(const toml::table& t, const std::string& file) {
  Reader r(t, file, {"id", "severity", "reads", "why", "ranges", "sources", "remedies", "man"});
  if (auto e = r.check_keys())
    return *e;
  CheckDoc doc;
  TRY(id, r.text("id"));
  TRY(severity, r.text("severity"));
  TRY(reads, r.text("reads"));
  TRY(why, r.text("why"));
  TRY(ranges, r.texts("ranges"));
  TRY(sources, r.texts("sources"));
  TRY(remedies, r.text("remedies"));
  TRY(man, r.text("man"));
  if (sources.empty() && ranges.empty())
    return make_error(fmt::format("{}: a check needs sources or ranges to cite", where(t, file)));
  doc = CheckDoc{id, severity, reads, why, ranges, sources, remedies, man};
  return doc;
}

template <class T, class F>
std::optional<Error> read_array(const toml::table& doc, const char* key, const std::string& file,
                                std::vector<T>& out, F read) {
  const toml::node* node = doc.get(key);
  if (!node)
    return std::nullopt;
  const toml::array* array = node->as_array();
  if (!array)
    return make_error(
        fmt::format("{}: '{}' must be an array of tables ([[{}]])", where(*node, file), key, key));
  for (const auto& item : *array) {
    const toml::table* table = item.as_table();
    if (!table)
      return make_error(fmt::format("{}: '{}' entries must be tables", where(item, file), key));
    auto value = read(*table, file);
    if (!value)
      return value.error();
    out.push_back(std::move(*value));
  }
  return std::nullopt;
}

void merge(Knowledge& into, Knowledge&& from) {
  auto append = [](auto& a, auto& b) {
    a.insert(a.end(), std::make_move_iterator(b.begin()), std::make_move_iterator(b.end()));
  };
  append(into.lsms, from.lsms);
  append(into.signatures, from.signatures);
  append(into.kernel_ranges, from.kernel_ranges);
  append(into.distros, from.distros);
  append(into.records, from.records);
  append(into.levels, from.levels);
  append(into.checks, from.checks);
}

std::optional<Error> check_unique(const Knowledge& k) {
  std::set<std::string> seen;
  for (const auto& l : k.lsms)
    if (!seen.insert("lsm " + l.name).second)
      return make_error(fmt::format("knowledge: LSM '{}' defined twice", l.name));
  for (const auto& s : k.signatures)
    if (!seen.insert("sig " + s.id).second)
      return make_error(fmt::format("knowledge: signature '{}' defined twice", s.id));
  for (const auto& r : k.kernel_ranges)
    if (!seen.insert("range " + r.id).second)
      return make_error(fmt::format("knowledge: kernel range '{}' defined twice", r.id));
  for (const auto& d : k.distros)
    if (!seen.insert("distro " + d.distro + " " + d.release).second)
      return make_error(
          fmt::format("knowledge: distribution '{} {}' defined twice", d.distro, d.release));
  for (const auto& r : k.records)
    if (!seen.insert("record " + r.name).second)
      return make_error(fmt::format("knowledge: record '{}' defined twice", r.name));
  for (const auto& l : k.levels)
    if (!seen.insert("level " + l.id).second)
      return make_error(fmt::format("knowledge: capability level '{}' defined twice", l.id));
  for (const auto& c : k.checks)
    if (!seen.insert("check " + c.id).second)
      return make_error(fmt::format("knowledge: check '{}' documented twice", c.id));
  return std::nullopt;
}

// Names that refer to other entries must resolve.
std::optional<Error> check_references(const Knowledge& k) {
  for (const auto& r : k.records)
    if (r.lsm != "audit" && !k.lsm(r.lsm))
      return make_error(
          fmt::format("knowledge: record '{}' names an unknown module '{}'", r.name, r.lsm));
  for (const auto& d : k.distros) {
    std::size_t start = 0;
    while (start <= d.config_lsm.size()) {
      std::size_t end = d.config_lsm.find(',', start);
      if (end == std::string::npos)
        end = d.config_lsm.size();
      std::string name = d.config_lsm.substr(start, end - start);
      if (!k.lsm(name))
        return make_error(fmt::format("knowledge: distribution '{}' lists an unknown module '{}'",
                                      d.distro, name));
      start = end + 1;
    }
  }
  for (const auto& c : k.checks)
    for (const auto& id : c.ranges)
      if (!k.range(id))
        return make_error(
            fmt::format("knowledge: check '{}' cites an unknown kernel range '{}'", c.id, id));
  return std::nullopt;
}

Result<Knowledge> load_files(const std::map<std::string, std::string>& files) {
  Knowledge all;
  for (const auto& [name, text] : files) {
    TRY(part, parse_knowledge(text, name));
    merge(all, std::move(part));
  }
  if (auto e = check_unique(all))
    return *e;
  if (auto e = check_references(all))
    return *e;
  return all;
}

std::map<std::string, std::string> embedded_files() {
  std::map<std::string, std::string> files;
  for (std::size_t i = 0; i < kEmbeddedKnowledgeCount; ++i)
    files[kEmbeddedKnowledge[i].name] = kEmbeddedKnowledge[i].text;
  return files;
}

} // namespace

Result<Knowledge> parse_knowledge(const std::string& text, const std::string& name) {
  TRY(doc, parse_toml(text, name));
  for (const auto& [key, node] : doc) {
    static const std::set<std::string_view> kTopLevel{"lsm",    "signature", "range", "meta",
                                                      "distro", "record",    "level", "check"};
    if (!kTopLevel.count(key.str()))
      return make_error(
          fmt::format("{}: unknown top-level key '{}'", where(node, name), key.str()));
  }
  Knowledge k;
  if (auto e = read_array(doc, "lsm", name, k.lsms, read_lsm))
    return *e;
  if (auto e = read_array(doc, "signature", name, k.signatures, read_signature))
    return *e;
  if (auto e = read_array(doc, "range", name, k.kernel_ranges, read_range))
    return *e;
  if (auto e = read_array(doc, "distro", name, k.distros, read_distro))
    return *e;
  if (auto e = read_array(doc, "record", name, k.records, read_record))
    return *e;
  if (auto e = read_array(doc, "level", name, k.levels, read_level))
    return *e;
  if (auto e = read_array(doc, "check", name, k.checks, read_check))
    return *e;
  return k;
}

Result<Knowledge> builtin_knowledge() {
  return load_files(embedded_files());
}

Result<Knowledge> load_knowledge(const std::string& dir) {
  auto files = embedded_files();
  DIR* d = ::opendir(dir.c_str());
  if (!d)
    return make_error(fmt::format("{}: cannot open knowledge directory", dir));
  std::vector<std::string> names;
  while (const dirent* entry = ::readdir(d)) {
    std::string file = entry->d_name;
    if (file.size() > 5 && file.compare(file.size() - 5, 5, ".toml") == 0)
      names.push_back(file);
  }
  ::closedir(d);
  for (const auto& file : names) {
    TRY(text, read_small_file(std::string(dir).append("/").append(file), 4 << 20));
    files[file] = std::move(text);
  }
  return load_files(files);
}

namespace {

// The entry whose `key` member equals `value`, or nullptr.
template <class Entry, class Key>
const Entry* find_entry(const std::vector<Entry>& entries, Key Entry::*key, const Key& value) {
  auto it = std::ranges::find(entries, value, key);
  return it == entries.end() ? nullptr : &*it;
}

} // namespace

const LsmTrait* Knowledge::lsm(const std::string& name) const {
  return find_entry(lsms, &LsmTrait::name, name);
}

const LsmTrait* Knowledge::lsm_by_id(int id) const {
  return find_entry(lsms, &LsmTrait::id, id);
}

const KernelRange* Knowledge::range(const std::string& id) const {
  return find_entry(kernel_ranges, &KernelRange::id, id);
}

const CheckDoc* Knowledge::check(const std::string& id) const {
  return find_entry(checks, &CheckDoc::id, id);
}

const CapabilityLevel* Knowledge::level(const std::string& id) const {
  return find_entry(levels, &CapabilityLevel::id, id);
}

const AuditRecordType* Knowledge::record(const std::string& name) const {
  return find_entry(records, &AuditRecordType::name, name);
}

bool release_in_range(const KernelRange& range, int major, int minor, int patch) {
  std::array<int, 3> release{major, minor, patch};
  if (release < release_numbers(range.introduced))
    return false;
  return range.fixed.empty() || release < release_numbers(range.fixed);
}

std::string describe_range(const KernelRange& range) {
  return range.fixed.empty() ? fmt::format("{} and newer (no fix known)", range.introduced)
                             : fmt::format("{} to before {}", range.introduced, range.fixed);
}

bool Knowledge::provides_secctx(const std::string& name) const {
  const LsmTrait* t = lsm(name);
  return t && t->secctx;
}

} // namespace lsmdoctor
