#include "sources/audit_rules.h"

#include "parse/audit_rules.h"
#include "parse/line_reader.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <dirent.h>
#include <fmt/format.h>
#include <libaudit.h>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

namespace lsmdoctor {
namespace {

constexpr std::size_t kMaxRulesFile = std::size_t{16} * 1024 * 1024;
constexpr int kMaxLinkHops = 40; // the kernel's MAXSYMLINKS

// NixOS loads its rules with `auditctl -R FILE` from this unit.
constexpr const char* kNixosUnit = "audit-rules-nixos.service";

std::deque<std::string> components(const std::string& path) {
  std::deque<std::string> out;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t slash = path.find('/', start);
    std::string part = path.substr(start, slash == std::string::npos ? slash : slash - start);
    if (!part.empty() && part != ".")
      out.push_back(part);
    if (slash == std::string::npos)
      break;
    start = slash + 1;
  }
  return out;
}

std::string read_link(const std::string& path) {
  std::string target(4096, '\0');
  ssize_t n = ::readlink(path.c_str(), target.data(), target.size());
  if (n < 0)
    return {};
  target.resize(static_cast<std::size_t>(n));
  return target;
}

bool is_regular(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// Sorted *.rules names of a directory (augenrules' order).
std::vector<std::string> rules_d_files(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = ::opendir(dir.c_str());
  if (!d)
    return names;
  while (const dirent* entry = ::readdir(d)) {
    std::string name = entry->d_name;
    if (name.size() > 6 && name.compare(name.size() - 6, 6, ".rules") == 0)
      names.push_back(name);
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

// A rules file found on the host: `shown` is its path as the host names it.
struct RulesFile {
  std::string shown;
  std::string read_from;
  bool fragment = false;
};

std::vector<RulesFile> find_rules_files(const GatherOptions& options, std::string& how) {
  std::vector<RulesFile> files;
  if (!options.audit_rules.empty()) {
    for (const auto& path : options.audit_rules)
      files.push_back({path, path, false});
    how = "--audit-rules";
    return files;
  }
  std::set<std::string> seen;
  auto add = [&](const std::string& shown, bool fragment) {
    std::string read_from = resolve_under_root(options.root, shown);
    if (is_regular(read_from) && seen.insert(read_from).second)
      files.push_back({shown, read_from, fragment});
  };
  for (const char* dir : {"/etc/systemd/system/", "/run/current-system/etc/systemd/system/"}) {
    std::string unit = resolve_under_root(options.root, std::string(dir) + kNixosUnit);
    auto text = read_small_file(unit, std::size_t{1} << 20);
    if (!text)
      continue;
    std::string rules = rules_file_of_unit(*text);
    if (!rules.empty()) {
      add(rules, false);
      how = fmt::format("ExecStart= of {}", kNixosUnit);
      break;
    }
  }
  add("/etc/audit/audit.rules", false);
  std::string dir = resolve_under_root(options.root, "/etc/audit/rules.d");
  for (const auto& name : rules_d_files(dir))
    add("/etc/audit/rules.d/" + name, true);
  if (how.empty())
    how = "/etc/audit";
  return files;
}

AuditWatchTarget inspect_watch(const std::string& root, const std::string& path) {
  AuditWatchTarget watch;
  watch.path = path;
  std::size_t slash = path.find_last_of('/');
  std::string parent = slash == 0 ? "/" : path.substr(0, slash);
  std::string full = resolve_under_root(root, parent);
  if (full.size() > 1 && full.back() != '/')
    full += '/';
  full += path.substr(slash + 1);
  struct stat st {};
  if (::lstat(full.c_str(), &st) != 0)
    return watch;
  watch.exists = true;
  if (S_ISLNK(st.st_mode)) {
    watch.symlink = true;
    watch.target = read_link(full);
  }
  return watch;
}

} // namespace

std::string rules_file_of_unit(const std::string& unit_text) {
  for (auto [number, text] : TextLines(unit_text)) {
    std::string line(text);
    if (line.rfind("ExecStart=", 0) != 0)
      continue;
    std::vector<std::string> words;
    std::size_t at = 10;
    while (at < line.size()) {
      std::size_t end = line.find_first_of(" \t", at);
      std::string word = line.substr(at, end == std::string::npos ? end : end - at);
      if (!word.empty())
        words.push_back(word);
      at = end == std::string::npos ? line.size() : end + 1;
    }
    bool auditctl = false;
    for (std::size_t i = 0; i < words.size(); ++i) {
      const std::string& word = words[i];
      if (word.size() >= 8 && word.compare(word.size() - 8, 8, "auditctl") == 0)
        auditctl = true;
      else if (auditctl && word == "-R" && i + 1 < words.size() && words[i + 1].front() == '/')
        return words[i + 1];
    }
  }
  return {};
}

std::string resolve_under_root(const std::string& root, const std::string& path) {
  std::deque<std::string> todo = components(path);
  std::vector<std::string> done;
  int hops = 0;
  while (!todo.empty()) {
    std::string part = std::move(todo.front());
    todo.pop_front();
    if (part == "..") {
      if (!done.empty())
        done.pop_back();
      continue;
    }
    std::string candidate;
    for (const auto& d : done)
      candidate += "/" + d;
    candidate += "/" + part;
    std::string full = under_root(root, candidate);
    struct stat st {};
    if (hops < kMaxLinkHops && ::lstat(full.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
      std::string target = read_link(full);
      ++hops;
      if (!target.empty()) {
        if (target.front() == '/')
          done.clear();
        std::deque<std::string> more = components(target);
        todo.insert(todo.begin(), more.begin(), more.end());
        continue;
      }
    }
    done.push_back(part);
  }
  std::string resolved;
  for (const auto& d : done)
    resolved += "/" + d;
  return under_root(root, resolved.empty() ? "/" : resolved);
}

Fact<AuditRules> gather_audit_rules(const GatherOptions& options,
                                    std::vector<std::string>& warnings) {
  AuditRules rules;
  std::vector<RulesFile> files = find_rules_files(options, rules.how_found);
  if (files.empty()) {
    // No rules file is a state of the host, not a failure to read it.
    rules.how_found = "none in /etc/audit or audit-rules-nixos.service";
    return Fact<AuditRules>::known(std::move(rules), {under_root(options.root, "/etc/audit")});
  }
  int machine = audit_detect_machine();
  std::string unread;
  for (const auto& file : files) {
    auto text = read_small_file(file.read_from, kMaxRulesFile);
    if (!text) {
      warnings.push_back(text.error().message);
      unread += (unread.empty() ? "" : "; ") + text.error().message;
      continue;
    }
    rules.files.push_back(file.shown);
    if (file.fragment)
      rules.fragments.push_back(file.shown);
    parse_audit_rules(*text, file.shown, machine, rules);
  }
  if (rules.files.empty())
    return Fact<AuditRules>::unknown(unread, {files.front().read_from});
  std::set<std::string> watched;
  for (const auto& line : rules.lines)
    if (line.kind == AuditRuleKind::watch && line.valid && watched.insert(line.path).second)
      rules.watches.push_back(inspect_watch(options.root, line.path));
  std::string source = rules.files.front();
  return Fact<AuditRules>::known(std::move(rules), {source});
}

} // namespace lsmdoctor
