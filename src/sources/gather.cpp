#include "sources/gather.h"

#include "parse/cmdline.h"
#include "parse/kernel_log.h"
#include "parse/line_reader.h"
#include "parse/lsm_list.h"
#include "sources/audit_log.h"
#include "sources/audit_status.h"
#include "sources/boot_config.h"
#include "sources/kernel_interfaces.h"
#include "sources/lsm_probes.h"

#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <sys/stat.h>

namespace lsmdoctor {

std::string under_root(const std::string& root, const std::string& path) {
  if (root.empty() || root == "/")
    return path;
  std::string base = root;
  while (base.size() > 1 && base.back() == '/')
    base.pop_back();
  return base + path;
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
  std::size_t line = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t nl = text.find('\n', start);
    std::string word = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    start = nl == std::string::npos ? text.size() : nl + 1;
    ++line;
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

Fact<KernelLog> gather_kernel_log(const GatherOptions& options, const Knowledge& knowledge) {
  if (options.dmesg_file) {
    auto log = scan_kernel_log_file(*options.dmesg_file, knowledge);
    if (!log)
      return Fact<KernelLog>::unknown(log.error().message, {*options.dmesg_file});
    return Fact<KernelLog>::known(std::move(*log), {*options.dmesg_file});
  }
  if (!is_live(options)) {
    std::string captured = under_root(options.root, "/.lsm-doctor/dmesg.txt");
    if (exists(captured)) {
      auto log = scan_kernel_log_file(captured, knowledge);
      if (log)
        return Fact<KernelLog>::known(std::move(*log), {captured});
      return Fact<KernelLog>::unknown(log.error().message, {captured});
    }
    return Fact<KernelLog>::unknown(
        "a --root tree has no kernel ring buffer; pass the kernel log with --dmesg FILE");
  }
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
  facts.cmdline = gather_cmdline(options);
  warn_bad_lsm_entries(facts.cmdline, facts.warnings);
  facts.active_lsms = gather_stack(options, knowledge, facts.warnings);
  facts.kconfig = gather_kconfig(options, facts.kernel);
  facts.kernel_log = gather_kernel_log(options, knowledge);
  facts.audit_status = is_live(options)
                           ? read_live_audit_status(facts.cmdline, facts.audit_status_errno)
                           : read_captured_audit_status(options.root, facts.warnings);
  facts.probes = Fact<ProbeFacts>::known(probe_lsms(options.root, is_live(options), knowledge),
                                         {"lsm probes"});
  facts.boot_config = gather_boot_config(options.root, facts.warnings);
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
