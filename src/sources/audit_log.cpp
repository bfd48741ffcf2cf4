#include "sources/audit_log.h"

#include "parse/line_reader.h"
#include "sources/gather.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>

namespace lsmdoctor {
namespace {

constexpr const char* kAuditDir = "/var/log/audit";

std::string describe_errno(const std::string& path, int err) {
  if (err == EACCES || err == EPERM)
    return fmt::format("{}: permission denied (audit logs are readable by root only; run as root "
                       "or pass a copy with --audit-log FILE)",
                       path);
  return fmt::format("{}: {}", path, std::strerror(err));
}

// "audit.log" -> 0, "audit.log.7" -> 7, anything else -> -1.
long rotation_index(const std::string& name) {
  if (name == "audit.log")
    return 0;
  const std::string prefix = "audit.log.";
  if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0 ||
      name.size() > prefix.size() + 6)
    return -1;
  long n = 0;
  for (std::size_t i = prefix.size(); i < name.size(); ++i) {
    if (name[i] < '0' || name[i] > '9')
      return -1;
    n = n * 10 + (name[i] - '0');
  }
  return n;
}

} // namespace

Result<std::vector<std::string>> audit_log_files(const std::string& root,
                                                 const std::vector<std::string>& explicit_files) {
  if (!explicit_files.empty())
    return explicit_files;
  std::string dir = under_root(root, kAuditDir);
  DIR* d = ::opendir(dir.c_str());
  if (!d) {
    if (errno == ENOENT)
      return std::vector<std::string>{};
    return make_error(describe_errno(dir, errno));
  }
  std::vector<std::pair<long, std::string>> found;
  while (const dirent* entry = ::readdir(d)) {
    long index = rotation_index(entry->d_name);
    if (index >= 0)
      found.emplace_back(index, entry->d_name);
  }
  ::closedir(d);
  // auditd rotates audit.log -> audit.log.1 -> audit.log.2: the highest
  // number is the oldest.
  std::sort(found.begin(), found.end(),
            [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<std::string> files;
  for (const auto& [index, name] : found)
    files.push_back(dir + "/" + name);
  return files;
}

Result<std::uint64_t> scan_audit_log_file(const std::string& path, AuditLogScanner& scanner) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0)
    return make_error(describe_errno(path, errno));
  std::unique_ptr<int, void (*)(int*)> guard(&fd, [](int* f) { ::close(*f); });
  struct stat st {};
  if (::fstat(fd, &st) != 0)
    return make_error(describe_errno(path, errno));
  if (!S_ISREG(st.st_mode))
    return make_error(fmt::format("{}: not a regular file; skipped", path));
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  scanner.begin_file(path);
  bool warned = false;
  return for_each_line_block(fd, path, [&](std::string_view block) {
    // A block without a newline at its end is a line longer than the block,
    // cut (or the file's last line).
    if (!warned && block.size() == kLineBlockBytes && block.back() != '\n') {
      scanner.warn_long_line();
      warned = true;
    }
    scanner.add_lines(block);
  });
}

Fact<AuditLogSummary> gather_audit_log(const std::string& root,
                                       const std::vector<std::string>& explicit_files,
                                       const Knowledge& knowledge) {
  std::string default_path = under_root(root, std::string(kAuditDir) + "/audit.log");
  auto files = audit_log_files(root, explicit_files);
  if (!files)
    return Fact<AuditLogSummary>::unknown(files.error().message, {default_path});
  AuditLogSummary summary;
  AuditLogScanner scanner(knowledge, summary);
  for (const auto& path : *files) {
    auto read = scan_audit_log_file(path, scanner);
    if (!read)
      summary.unreadable.push_back(read.error().message);
  }
  scanner.finish();
  std::string source = explicit_files.empty() ? default_path : explicit_files.front();
  if (!files->empty() && summary.unreadable.size() == files->size()) {
    std::string reason = summary.unreadable.front();
    for (std::size_t i = 1; i < summary.unreadable.size(); ++i)
      reason += "; " + summary.unreadable[i];
    return Fact<AuditLogSummary>::unknown(reason, {source});
  }
  return Fact<AuditLogSummary>::known(std::move(summary), {source});
}

} // namespace lsmdoctor
