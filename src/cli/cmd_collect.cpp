// lsm-doctor collect: capture this host's inputs into FILE.tar or a new DIR.
#include "cli/cli.h"
#include "core/atomic_file.h"
#include "parse/tar.h"
#include "sources/collect.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fmt/format.h>
#include <iostream>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

namespace lsmdoctor {
namespace {

std::string utc_now() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

bool ends_with_tar(const std::string& path) {
  return path.size() > 4 && path.compare(path.size() - 4, 4, ".tar") == 0;
}

Result<bool> write_tar(const Collection& c, const std::string& path, std::int64_t mtime) {
  TarWriter tar;
  std::set<std::string> dirs;
  for (const auto& file : c.files) {
    for (std::size_t slash = file.path.find('/'); slash != std::string::npos;
         slash = file.path.find('/', slash + 1)) {
      std::string dir = file.path.substr(0, slash);
      if (dirs.insert(dir).second) {
        TRY(ok, tar.add_directory(dir, 0755, mtime));
        (void)ok;
      }
    }
    TRY(ok, tar.add_file(file.path, file.content, 0644, mtime));
    (void)ok;
  }
  return write_file_atomically(path, std::move(tar).finish(), 0600);
}

// Builds the tree in a private sibling directory, then renames it to `dir`
// (which must not exist, or be empty): readers never see half a snapshot.
Result<bool> write_directory(const Collection& c, const std::string& dir) {
  std::string pattern = dir;
  while (pattern.size() > 1 && pattern.back() == '/')
    pattern.pop_back();
  pattern += ".partial-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr)
    return make_error(
        fmt::format("{}: cannot create a directory next to it: {}", dir, std::strerror(errno)));
  auto fail = [&](const std::string& message) -> Result<bool> {
    return make_error(message + fmt::format(" (the partial tree is left in {})", pattern));
  };
  for (const auto& file : c.files) {
    for (std::size_t slash = file.path.find('/'); slash != std::string::npos;
         slash = file.path.find('/', slash + 1)) {
      std::string sub = pattern + "/" + file.path.substr(0, slash);
      if (::mkdir(sub.c_str(), 0755) != 0 && errno != EEXIST)
        return fail(fmt::format("{}: {}", sub, std::strerror(errno)));
    }
    auto written = write_file_atomically(pattern + "/" + file.path, file.content, 0644);
    if (!written)
      return fail(written.error().message);
  }
  ::chmod(pattern.c_str(), 0755);
  if (::rename(pattern.c_str(), dir.c_str()) != 0)
    return fail(fmt::format("{}: {} (it must not exist, or be an empty directory)", dir,
                            std::strerror(errno)));
  return true;
}

} // namespace

int cmd_collect(const Options& o) {
  CollectOptions options;
  options.tool = std::string("lsm-doctor ") + kToolVersion;
  options.created = utc_now();
  options.redact = o.redact;
  options.journal.journal_files = o.journal_files;
  if (!o.journal_dir.empty())
    options.journal.journal_dir = o.journal_dir;
  options.journal.boots = o.boots;
  options.journal.since = o.since;
  if (::isatty(STDERR_FILENO) == 1)
    options.progress = [](const std::string& what) { std::cerr << "collect: " << what << "\n"; };
  Collection collection = collect_host(options);
  std::size_t redacted = 0;
  if (o.redact)
    redacted = redact_collection(collection, names_to_redact());
  add_manifest(collection);
  auto written = ends_with_tar(o.output) ? write_tar(collection, o.output, std::time(nullptr))
                                         : write_directory(collection, o.output);
  if (!written) {
    std::cerr << "lsm-doctor: collect: " << written.error().message << "\n";
    return kExitInput;
  }
  std::cerr << fmt::format("lsm-doctor: wrote {} ({} files, {} inputs not captured{})\n", o.output,
                           collection.files.size(), collection.manifest.missing.size(),
                           o.redact ? fmt::format(", {} names redacted", redacted) : "");
  for (const auto& m : collection.manifest.missing)
    std::cerr << fmt::format("  not captured: {}: {}\n", m.what, m.detail);
  return kExitHealthy;
}

} // namespace lsmdoctor
