#include "sources/gather.h"

#include "parse/cmdline.h"
#include "parse/journal_time.h"
#include "parse/kernel_log.h"
#include "parse/line_reader.h"
#include "parse/lsm_list.h"
#include "sources/audit_log.h"
#include "sources/audit_rules.h"
#include "sources/audit_status.h"
#include "sources/boot_config.h"
#include "sources/hostname.h"
#include "sources/journal_kernel.h"
#include "sources/kernel_interfaces.h"
#include "sources/lsm_probes.h"
#include "sources/units.h"

#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

namespace lsmdoctor {

std::string under_root(const std::string& root, const std::string& path) {
  if (root.empty() || root == "/")
    return path;
  std::string base = root;
  while (base.size() > 1 && base.back() == '/')
    base.pop_back();
  return base + path;
}

std::string without_systemd(const GatherOptions& options) {
  if (options.root.empty() || options.root == "/")
    return sd_booted() == 0 ? "this system was not booted with systemd (no /run/systemd/system)"
                            : "";
  auto text = read_small_file(under_root(options.root, kNoSystemdCapture), 4096);
  if (!text)
    return {};
  std::string why = text->substr(0, text->find('\n'));
  return why.empty() ? "the system was not booted with systemd" : why;
}

namespace {

bool is_live(const GatherOptions& options) {
  return options.root == "/" || options.root.empty();
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

std::string trim_newline(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\0' || text.back() == ' '))
    text.pop_back();
  return text;
}

Fact<KernelRelease> gather_kernel(const GatherOptions& options) {
  std::string path = under_root(options.root, "/proc/sys/kernel/osrelease");
  auto text = read_small_file(path, 4096);
  if (!text)
    return Fact<KernelRelease>::unknown(text.error().message, {path});
  std::string release = trim_newline(*text);
  if (release.empty())
    return Fact<KernelRelease>::unknown(fmt::format("{}: empty", path), {path});
  return Fact<KernelRelease>::known(parse_kernel_release(release), {path});
}

Fact<KernelCmdline> gather_cmdline(const GatherOptions& options) {
  std::string path = under_root(options.root, "/proc/cmdline");
  auto text = read_small_file(path, 1 << 20);
  if (!text)
    return Fact<KernelCmdline>::unknown(text.error().message, {path});
  if (text->find('\0') != std::string::npos)
    std::replace(text->begin(), text->end(), '\0', ' ');
  return Fact<KernelCmdline>::known(parse_cmdline(*text), {path});
}

// lsm= entries that cannot be module names (shell syntax, quotes) are
// dropped by the parser; say so instead of dropping them silently.
void warn_bad_lsm_entries(const Fact<KernelCmdline>& cmdline, std::vector<std::string>& warnings) {
  if (!cmdline.is_known())
    return;
  auto lsm = cmdline->last("lsm");
  if (!lsm)
    return;
  for (const auto& bad : parse_lsm_list(*lsm).problems)
    warnings.push_back(fmt::format("{}: lsm= entry '{}' is not a module name; ignored",
                                   cmdline.from().source, bad));
}

// The active stack from names: securityfs first, then the system call (or
// its capture in a snapshot).
Fact<std::vector<std::string>> stack_from_ids(const std::vector<std::uint64_t>& ids,
                                              const std::string& source, const Knowledge& knowledge,
                                              std::vector<std::string>& warnings) {
  std::vector<std::string> names;
  for (auto id : ids) {
    const LsmTrait* trait = knowledge.lsm_by_id(static_cast<int>(id));
    if (trait) {
      names.push_back(trait->name);
    } else {
      names.push_back(fmt::format("lsm-id-{}", id));
      warnings.push_back(
          fmt::format("{}: unknown LSM id {} (newer than this doctor's knowledge)", source, id));
    }
  }
  return Fact<std::vector<std::string>>::known(std::move(names), {source});
}

Result<std::vector<std::uint64_t>> read_captured_ids(const std::string& path) {
  TRY(text, read_small_file(path, 4096));
  std::vector<std::uint64_t> ids;
  for (auto [line, view] : TextLines(text)) {
    std::string word(view);
    if (word.empty())
      continue;
    char* end = nullptr;
    errno = 0;
    unsigned long long id = std::strtoull(word.c_str(), &end, 10);
    if (errno != 0 || end == word.c_str() || *end != '\0')
      return make_error(fmt::format("{}:{}: not an LSM id: '{}'", path, line, word.substr(0, 40)));
    ids.push_back(id);
  }
  return ids;
}

Fact<std::vector<std::string>> gather_stack(const GatherOptions& options,
                                            const Knowledge& knowledge,
                                            std::vector<std::string>& warnings) {
  std::string path = under_root(options.root, "/sys/kernel/security/lsm");
  auto text = read_small_file(path, 4096);
  if (text) {
    LsmList list = parse_lsm_list(*text);
    for (const auto& bad : list.problems)
      warnings.push_back(fmt::format("{}: ignored entry '{}'", path, bad));
    if (!list.names.empty())
      return Fact<std::vector<std::string>>::known(std::move(list.names), {path});
  }
  std::string sysfs_reason =
      exists(under_root(options.root, "/sys/kernel/security"))
          ? (text ? fmt::format("{}: empty", path) : text.error().message)
          : (is_live(options) ? path + ": securityfs is not mounted"
                              : path + ": not in the tree (securityfs was not captured)");

  if (is_live(options)) {
    auto ids = lsm_list_modules();
    if (ids)
      return stack_from_ids(*ids, "lsm_list_modules(2)", knowledge, warnings);
    return Fact<std::vector<std::string>>::unknown(sysfs_reason + "; " + ids.error().message,
                                                   {path});
  }
  std::string captured = under_root(options.root, "/.lsm-doctor/syscalls/lsm_list_modules");
  if (exists(captured)) {
    auto ids = read_captured_ids(captured);
    if (ids)
      return stack_from_ids(*ids, captured, knowledge, warnings);
    warnings.push_back(ids.error().message);
  }
  return Fact<std::vector<std::string>>::unknown(
      sysfs_reason + "; no capture of lsm_list_modules(2) in the tree", {path});
}

Fact<KernelConfig> gather_kconfig(const GatherOptions& options, const Fact<KernelRelease>& kernel) {
  std::vector<std::string> candidates{under_root(options.root, "/proc/config.gz")};
  if (kernel.is_known()) {
    candidates.push_back(under_root(options.root, "/boot/config-" + kernel->text));
    // Debian's kernels since 6.19 install the config beside the modules only.
    candidates.push_back(under_root(options.root, "/usr/lib/modules/" + kernel->text + "/config"));
  }
  std::string reasons;
  for (const auto& path : candidates) {
    if (!exists(path)) {
      reasons += (reasons.empty() ? "" : "; ") + path + ": not present";
      continue;
    }
    auto config = read_kernel_config(path);
    if (config)
      return Fact<KernelConfig>::known(std::move(*config), {path});
    reasons += (reasons.empty() ? "" : "; ") + config.error().message;
  }
  if (!kernel.is_known())
    reasons += "; /boot/config-<release> and /usr/lib/modules/<release>/config need the kernel "
               "release, which is unknown";
  return Fact<KernelConfig>::unknown(reasons);
}

Fact<JournalHistory> gather_journal(const GatherOptions& options, const Knowledge& knowledge,
                                    std::vector<std::string>& warnings) {
  JournalScanOptions scan;
  scan.boots = options.boots;
  scan.progress = options.progress;
  if (!options.since.empty()) {
    auto since = parse_since(options.since, now_realtime_usec());
    if (!since)
      return Fact<JournalHistory>::unknown(since.error().message);
    scan.since_usec = *since;
  }
  auto journal = Journal::open(options);
  bool own_journal = options.journal_files.empty() && !options.journal_dir;
  if (!journal && own_journal) {
    // No journald, no history: there is nothing to read, here or elsewhere.
    if (std::string why = without_systemd(options); !why.empty()) {
      JournalHistory none;
      none.source = journal.error().message;
      none.no_journal =
          why + ", so it keeps no journal; in a container, run the doctor on the host";
      return Fact<JournalHistory>::known(std::move(none),
                                         {under_root(options.root, kNoSystemdCapture)});
    }
  }
  if (!journal)
    return Fact<JournalHistory>::unknown(journal.error().message);
  // A snapshot's journal holds the boots collect was asked for: replay them
  // all unless --boots or --since choose.
  bool captured = !journal->export_file().empty() && options.journal_files.empty();
  if (captured && options.boots <= 1 && options.since.empty())
    scan.boots = 10000;
  auto history = scan_journal_kernel(*journal, knowledge, scan);
  for (const auto& w : journal->warnings())
    warnings.push_back(w);
  if (history)
    for (const auto& n : history->notes)
      warnings.push_back(n);
  if (!history)
    return Fact<JournalHistory>::unknown(history.error().message, {journal->description()});
  if (history->boots.empty() && journal->is_local()) {
    if (std::string why = without_systemd(options); !why.empty()) {
      history->no_journal = why + ", so it keeps no journal; in a container, run the doctor on "
                                  "the host";
      return Fact<JournalHistory>::known(std::move(*history), {"/run/systemd/system"});
    }
  }
  if (history->boots.empty())
    return Fact<JournalHistory>::unknown(
        journal->is_local()
            ? (::geteuid() != 0
                   ? "the system journal shows no boots to this user; run as root (or in group "
                     "systemd-journal)"
                   : "the system journal is empty (is systemd-journald running? /run/log/journal "
                     "and /var/log/journal hold no entries)")
            : fmt::format("{}: no boots{}", journal->description(),
                          options.since.empty() ? "" : " since " + options.since),
        {journal->description()});
  std::string source = history->source;
  return Fact<JournalHistory>::known(std::move(*history), {source});
}

// The current boot of the journal as the kernel log, when the journal holds
// its kernel messages (for the running host: only for the running boot).
std::optional<Fact<KernelLog>> kernel_log_from_journal(const Fact<JournalHistory>& journal,
                                                       bool must_be_running) {
  if (!journal.is_known() || journal->boots.empty())
    return std::nullopt;
  if (must_be_running && !journal->current_is_running)
    return std::nullopt;
  const BootKernelLog& boot = journal->boots.back();
  if (boot.kernel_messages == 0)
    return std::nullopt;
  std::string source = fmt::format("{} (boot {})", journal->source, boot.boot_id.substr(0, 12));
  return Fact<KernelLog>::known(kernel_log_of_boot(boot, source), {source});
}

// --dmesg wins; then a journal named on the command line; then the running
// kernel (the journal's copy of this boot, which outlives the ring buffer's
// wrap during a flood, else /dev/kmsg) or, under --root, a captured
// dmesg.txt and then ROOT/var/log/journal. Sources are never added
// together, so no message is counted twice.
Fact<KernelLog> gather_kernel_log(const GatherOptions& options, const Knowledge& knowledge,
                                  const Fact<JournalHistory>& journal) {
  if (options.dmesg_file) {
    auto log = scan_kernel_log_file(*options.dmesg_file, knowledge, true);
    if (!log)
      return Fact<KernelLog>::unknown(log.error().message, {*options.dmesg_file});
    return Fact<KernelLog>::known(std::move(*log), {*options.dmesg_file});
  }
  bool explicit_journal = !options.journal_files.empty() || options.journal_dir;
  if (explicit_journal)
    if (auto from_journal = kernel_log_from_journal(journal, false))
      return std::move(*from_journal);
  if (!is_live(options)) {
    std::string captured = under_root(options.root, "/.lsm-doctor/dmesg.txt");
    if (exists(captured)) {
      auto log = scan_kernel_log_file(captured, knowledge);
      if (log)
        return Fact<KernelLog>::known(std::move(*log), {captured});
      return Fact<KernelLog>::unknown(log.error().message, {captured});
    }
    if (auto from_journal = kernel_log_from_journal(journal, false))
      return std::move(*from_journal);
    return Fact<KernelLog>::unknown(
        "a --root tree has no kernel ring buffer; pass the kernel log with --dmesg FILE or a "
        "journal with --journal-file FILE");
  }
  if (!explicit_journal)
    if (auto from_journal = kernel_log_from_journal(journal, true))
      return std::move(*from_journal);
  auto log = read_live_kernel_log(knowledge);
  if (!log)
    return Fact<KernelLog>::unknown(log.error().message, {"/dev/kmsg"});
  std::string source = log->source;
  return Fact<KernelLog>::known(std::move(*log), {source});
}

} // namespace

Facts gather_facts(const GatherOptions& options, const Knowledge& knowledge) {
  Facts facts;
  facts.origin = is_live(options) ? Origin::live : Origin::root;
  facts.root = options.root.empty() ? "/" : options.root;
  facts.kernel = gather_kernel(options);
  facts.hostname = gather_hostname(facts.root, is_live(options));
  facts.cmdline = gather_cmdline(options);
  warn_bad_lsm_entries(facts.cmdline, facts.warnings);
  facts.active_lsms = gather_stack(options, knowledge, facts.warnings);
  facts.kconfig = gather_kconfig(options, facts.kernel);
  facts.journal = gather_journal(options, knowledge, facts.warnings);
  facts.kernel_log = gather_kernel_log(options, knowledge, facts.journal);
  facts.audit_status = is_live(options)
                           ? read_live_audit_status(facts.cmdline, facts.audit_status_errno)
                           : read_captured_audit_status(options.root, facts.warnings);
  facts.audit_failure_mode =
      Fact<int>::unknown("a host's failure mode is in its audit status (auditctl -s)");
  facts.probes = Fact<ProbeFacts>::known(probe_lsms(options.root, is_live(options), knowledge),
                                         {"lsm probes"});
  facts.boot_config = gather_boot_config(options.root, facts.warnings);
  facts.audit_rules = gather_audit_rules(options, facts.warnings);
  facts.audit_rules_loaded = gather_loaded_audit_rules(options, facts.warnings);
  facts.units = gather_units(options, facts.warnings);
  if (facts.kernel_log.is_known())
    for (const auto& w : facts.kernel_log->warnings)
      facts.warnings.push_back(w);
  facts.audit_log = gather_audit_log(options.root, options.audit_logs, knowledge);
  if (facts.audit_log.is_known()) {
    for (const auto& w : facts.audit_log->unreadable)
      facts.warnings.push_back(w);
    for (const auto& w : facts.audit_log->warnings)
      facts.warnings.push_back(w);
  }
  return facts;
}

} // namespace lsmdoctor
