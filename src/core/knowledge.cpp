#include "core/knowledge.h"

#include "parse/line_reader.h"

#include <algorithm>
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

Result<LsmTrait> read_lsm(const toml::table& t, const std::string& file) {
  Reader r(t, file,
           {"name", "id", "secctx", "exclusive", "legacy_major", "order", "config", "source",
            "confidence", "note"});
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
  lsm = LsmTrait{name, id, secctx, exclusive, legacy_major, order, config, source, confidence};
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
  return dots >= 1 && dots <= 2 && s.front() != '.' && s.back() != '.';
}

Result<KernelRange> read_range(const toml::table& t, const std::string& file) {
  Reader r(t, file, {"id", "introduced", "fixed", "summary", "source", "confidence", "note"});
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
  return KernelRange{id, introduced, fixed, summary, source, confidence};
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
  toml::table doc;
  try {
    doc = toml::parse(text, name);
  } catch (const toml::parse_error& err) {
    return make_error(fmt::format("{}:{}:{}: {}", name, err.source().begin.line,
                                  err.source().begin.column, err.description()));
  }
  for (const auto& [key, node] : doc) {
    if (key.str() != "lsm" && key.str() != "signature" && key.str() != "range" &&
        key.str() != "meta")
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

const LsmTrait* Knowledge::lsm(const std::string& name) const {
  auto it =
      std::find_if(lsms.begin(), lsms.end(), [&](const LsmTrait& t) { return t.name == name; });
  return it == lsms.end() ? nullptr : &*it;
}

const LsmTrait* Knowledge::lsm_by_id(int id) const {
  auto it = std::find_if(lsms.begin(), lsms.end(), [&](const LsmTrait& t) { return t.id == id; });
  return it == lsms.end() ? nullptr : &*it;
}

const KernelRange* Knowledge::range(const std::string& id) const {
  auto it = std::find_if(kernel_ranges.begin(), kernel_ranges.end(),
                         [&](const KernelRange& r) { return r.id == id; });
  return it == kernel_ranges.end() ? nullptr : &*it;
}

bool Knowledge::provides_secctx(const std::string& name) const {
  const LsmTrait* t = lsm(name);
  return t && t->secctx;
}

} // namespace lsmdoctor
