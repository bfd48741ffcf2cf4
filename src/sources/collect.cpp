#include "sources/collect.h"

#include "core/facts.h"
#include "parse/journal_export.h"
#include "parse/line_reader.h"
#include "sources/audit_rules.h"
#include "sources/audit_status.h"
#include "sources/gather.h"
#include "sources/kernel_interfaces.h"
#include "sources/units.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

namespace lsmdoctor {
namespace {

constexpr std::size_t kSmallFile = std::size_t{1} << 20;
constexpr std::size_t kAuditLogTail = std::size_t{32} << 20;

class Collector {
public:
  explicit Collector(const CollectOptions& options) : options_(options) {}

  void progress(const std::string& what) {
    if (options_.progress)
      options_.progress(what);
  }
  void add(const std::string& path, std::string content, const std::string& from, bool text = true,
           bool journal_export = false) {
    out_.files.push_back({path, std::move(content), text, journal_export});
    out_.manifest.captured.push_back({path, from});
  }
  void missing(const std::string& input, const std::string& reason) {
    out_.manifest.missing.push_back({input, reason});
  }
  // Copies a file of the host to the same path in the snapshot.
  bool copy(const std::string& path, std::size_t limit = kSmallFile, bool text = true,
            bool required = true) {
    progress("reading " + path);
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      if (required)
        missing(path, fmt::format("{}: {}", path, std::strerror(errno)));
      return false;
    }
    auto content = read_small_file(path, limit);
    if (!content) {
      missing(path, content.error().message);
      return false;
    }
    add(path.substr(1), std::move(*content), path, text);
    return true;
  }
  Collection finish() && { return std::move(out_); }

private:
  const CollectOptions& options_;
  Collection out_;
};

// The last `limit` bytes of a file, starting at a line.
Result<std::string> read_tail(const std::string& path, std::size_t limit, bool& cut) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0)
    return make_error(fmt::format("{}: {}", path, std::strerror(errno)));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return make_error(fmt::format("{}: not a regular file", path));
  }
  off_t start = st.st_size > static_cast<off_t>(limit) ? st.st_size - static_cast<off_t>(limit) : 0;
  cut = start > 0;
  std::string out(static_cast<std::size_t>(st.st_size - start), '\0');
  std::size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::pread(fd, out.data() + done, out.size() - done, start + static_cast<off_t>(done));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  out.resize(done);
  if (cut) {
    std::size_t nl = out.find('\n');
    out.erase(0, nl == std::string::npos ? out.size() : nl + 1);
  }
  return out;
}

std::vector<std::string> rules_d_files(const std::string& dir) {
  std::vector<std::string> files;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr)
    return files;
  while (const dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name.size() > 6 && name.compare(name.size() - 6, 6, ".rules") == 0)
      files.push_back(dir + "/" + name);
  }
  ::closedir(d);
  std::sort(files.begin(), files.end());
  return files;
}

void collect_kernel(Collector& c) {
  c.copy("/proc/cmdline");
  c.copy("/proc/sys/kernel/osrelease");
  bool sysfs = c.copy("/sys/kernel/security/lsm", kSmallFile, true, false);
  c.progress("asking lsm_list_modules(2)");
  auto ids = lsm_list_modules();
  if (ids) {
    std::string text;
    for (auto id : *ids)
      text += fmt::format("{}\n", id);
    c.add(".lsm-doctor/syscalls/lsm_list_modules", text, "lsm_list_modules(2)");
  } else if (!sysfs) {
    c.missing("/sys/kernel/security/lsm", "securityfs is not mounted or not readable");
    c.missing("lsm_list_modules(2)", ids.error().message);
  }
  if (!c.copy("/proc/config.gz", std::size_t{4} << 20, false, false)) {
    auto release = read_small_file("/proc/sys/kernel/osrelease", 4096);
    std::string name = release ? release->substr(0, release->find('\n')) : "";
    if (name.empty() || !c.copy("/boot/config-" + name, std::size_t{8} << 20))
      c.missing("/proc/config.gz", "no /proc/config.gz and no /boot/config-<release>");
  }
}

void collect_logs_and_audit(Collector& c) {
  c.progress("reading the kernel log");
  std::string source;
  auto log = read_live_kernel_log_text(source);
  if (log)
    c.add(".lsm-doctor/dmesg.txt", std::move(*log), source);
  else
    c.missing("/dev/kmsg", log.error().message);

  c.progress("asking the audit status (AUDIT_GET)");
  AuditStatus status;
  int error = query_audit_status(status);
  if (error == 0)
    c.add(".lsm-doctor/audit_status", format_audit_status(status), "netlink (AUDIT_GET)");
  else
    c.missing("audit status (AUDIT_GET)",
              audit_status_error_reason(error, Fact<KernelCmdline>::unknown("not needed")));

  c.copy("/etc/audit/audit.rules", kSmallFile, true, false);
  for (const auto& file : rules_d_files("/etc/audit/rules.d"))
    c.copy(file);
  const std::string audit_log = "/var/log/audit/audit.log";
  struct stat st {};
  if (::stat(audit_log.c_str(), &st) == 0) {
    c.progress("reading " + audit_log);
    bool cut = false;
    auto tail = read_tail(audit_log, kAuditLogTail, cut);
    if (!tail)
      c.missing(audit_log, tail.error().message);
    else
      c.add(audit_log.substr(1), std::move(*tail),
            cut ? fmt::format("{} (its last {} MiB)", audit_log, kAuditLogTail >> 20) : audit_log);
  }
  c.progress("asking the loaded audit rules (AUDIT_LIST_RULES)");
  std::vector<std::string> ignored;
  auto loaded = gather_loaded_audit_rules(GatherOptions{}, ignored);
  if (loaded.is_known())
    c.add(".lsm-doctor/audit_rules_loaded", format_loaded_audit_rules(*loaded),
          "netlink (AUDIT_LIST_RULES), as `auditctl -l` prints it");
  else
    c.missing("loaded audit rules (AUDIT_LIST_RULES)", loaded.reason());
}

void collect_journal_and_units(Collector& c, const GatherOptions& journal_options) {
  c.progress("asking the audit units' states (sd-bus)");
  std::vector<std::string> ignored;
  auto units = live_unit_states(ignored);
  // Not booted with systemd: collect_system writes .lsm-doctor/no-systemd.
  bool no_systemd = units.is_known() && !units->no_service_manager.empty();
  if (units.is_known() && !no_systemd)
    c.add(".lsm-doctor/units", format_unit_capture(*units),
          "sd-bus (org.freedesktop.systemd1), as `systemctl show` prints it");
  else if (!units.is_known())
    c.missing("unit states (sd-bus)", units.reason());

  c.progress("reading the journal");
  auto journal = capture_journal(journal_options);
  if (!journal) {
    c.missing("systemd journal", journal.error().message);
    return;
  }
  for (const auto& w : journal->warnings)
    c.missing("part of the systemd journal", w);
  if (std::string why = without_systemd(GatherOptions{}); journal->entries == 0 && !why.empty()) {
    c.missing("systemd journal", why + ", so it keeps no journal");
    return;
  }
  if (journal->entries == 0) {
    c.missing("systemd journal",
              fmt::format("{}: no boots{}", journal->source,
                          journal_options.since.empty() ? std::string()
                                                        : " since " + journal_options.since));
    return;
  }
  c.add(".lsm-doctor/journal.export", std::move(journal->text),
        fmt::format("{}: kernel and audit unit messages of {} boot(s), {} entries (export format)",
                    journal->source, journal->boots, journal->entries),
        true, true);
}

void collect_system(Collector& c) {
  if (!c.copy("/etc/os-release", kSmallFile, true, false))
    c.copy("/usr/lib/os-release");
  c.copy("/etc/NIXOS", kSmallFile, true, false);
  c.copy("/run/current-system/kernel-params", kSmallFile, true, false);
  GatherOptions live;
  if (std::string why = without_systemd(live); !why.empty())
    c.add(std::string(kNoSystemdCapture + 1), why + "\n", "sd_booted(3)");
}

bool word_char(char ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
         ch == '_' || ch == '-';
}

std::size_t replace_words(std::string& text, const std::string& name,
                          const std::string& replacement) {
  std::size_t count = 0;
  std::size_t at = 0;
  while ((at = text.find(name, at)) != std::string::npos) {
    bool left = at == 0 || !word_char(text[at - 1]);
    std::size_t end = at + name.size();
    bool right = end == text.size() || !word_char(text[end]);
    if (left && right) {
      text.replace(at, name.size(), replacement);
      at += replacement.size();
      ++count;
    } else {
      at = end;
    }
  }
  return count;
}

// Redacts each value of a journal export on its own: a binary field's
// length must follow its value.
void redact_journal_export(std::string& text, const std::function<void(std::string&)>& apply) {
  std::size_t at = 0;
  JournalExportReader reader(
      [&](char* buf, std::size_t size) -> long {
        std::size_t n = std::min(size, text.size() - at);
        std::copy_n(text.data() + at, n, buf);
        at += n;
        return static_cast<long>(n);
      },
      "journal.export");
  std::string out;
  JournalExportEntry entry;
  for (;;) {
    auto more = reader.next(entry);
    if (!more || !*more)
      break; // the capture was written by format_journal_export_entry: no damage
    for (auto& field : entry.fields)
      apply(field.second);
    out += format_journal_export_entry(entry.fields);
  }
  text = std::move(out);
}

} // namespace

Collection collect_host(const CollectOptions& options) {
  Collector c(options);
  collect_kernel(c);
  collect_logs_and_audit(c);
  collect_journal_and_units(c, options.journal);
  collect_system(c);
  Collection out = std::move(c).finish();
  out.manifest.tool = options.tool;
  out.manifest.created = options.created;
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) == 0)
    out.manifest.host = host;
  return out;
}

std::vector<std::pair<std::string, std::string>> names_to_redact() {
  std::vector<std::pair<std::string, std::string>> names;
  std::set<std::string> seen;
  auto add = [&](const std::string& name, const char* kind, int& counter) {
    if (name.size() < 2 || !seen.insert(name).second)
      return;
    names.emplace_back(name, fmt::format("{}-{}", kind, ++counter));
  };
  int hosts = 0;
  char host[256] = {};
  std::vector<std::string> host_names;
  if (::gethostname(host, sizeof host - 1) == 0)
    host_names.emplace_back(host);
  if (auto file = read_small_file("/etc/hostname", 4096))
    host_names.push_back(file->substr(0, file->find_first_of(" \t\r\n")));
  for (const auto& h : host_names) {
    add(h, "host", hosts);
    add(h.substr(0, h.find('.')), "host", hosts);
  }
  int users = 0;
  if (auto passwd = read_small_file("/etc/passwd", std::size_t{4} << 20)) {
    for (auto [number, view] : TextLines(*passwd)) {
      std::string line(view);
      std::size_t c1 = line.find(':');
      std::size_t c2 = c1 == std::string::npos ? c1 : line.find(':', c1 + 1);
      if (c2 == std::string::npos)
        continue;
      long uid = std::strtol(line.c_str() + c2 + 1, nullptr, 10);
      if (uid >= 1000 && uid < 65534)
        add(line.substr(0, c1), "user", users);
    }
  }
  return names;
}

std::size_t redact_collection(Collection& collection,
                              const std::vector<std::pair<std::string, std::string>>& names) {
  auto sorted = names;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  std::set<std::string> used;
  auto apply = [&](std::string& text) {
    for (const auto& [name, replacement] : sorted)
      if (replace_words(text, name, replacement) > 0)
        used.insert(name);
  };
  for (auto& file : collection.files) {
    if (file.journal_export)
      redact_journal_export(file.content, apply);
    else if (file.text)
      apply(file.content);
  }
  apply(collection.manifest.host);
  for (auto& entry : collection.manifest.missing)
    apply(entry.detail);
  collection.manifest.redacted = true;
  return used.size();
}

void add_manifest(Collection& collection) {
  collection.files.push_back(
      {".lsm-doctor/manifest.toml", render_manifest(collection.manifest), true});
}

} // namespace lsmdoctor
