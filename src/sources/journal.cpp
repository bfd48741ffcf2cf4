#include "sources/journal.h"

#include "parse/journal_file.h"
#include "parse/journal_time.h"
#include "sources/journal_export_file.h"
#include "sources/journal_native.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <optional>
#include <sys/mman.h>
#include <sys/stat.h>
#include <systemd/sd-id128.h>
#include <systemd/sd-journal.h>
#include <unistd.h>
#include <utility>

namespace lsmdoctor {
namespace {

std::string errno_text(int error) {
  return std::strerror(error < 0 ? -error : error);
}

// The header of the journal file open at `fd`.
std::optional<journal_file::Header> read_header(int fd) {
  std::array<std::uint8_t, 4096> raw{};
  ssize_t n = ::pread(fd, raw.data(), raw.size(), 0);
  if (n <= 0)
    return std::nullopt;
  auto header = journal_file::parse_header({raw.data(), static_cast<std::size_t>(n)});
  if (!header)
    return std::nullopt;
  return *header;
}

class FdCloser {
public:
  explicit FdCloser(int fd) : fd_(fd) {}
  FdCloser(const FdCloser&) = delete;
  FdCloser& operator=(const FdCloser&) = delete;
  ~FdCloser() {
    if (fd_ >= 0)
      ::close(fd_);
  }
  int get() const { return fd_; }

private:
  int fd_;
};

// A file cut short (a copy interrupted, a full disk) is refused by
// sd-journal as a whole. A sparse copy grown back to the size the header
// declares lets it read every entry before the cut.
Result<std::string> grown_copy(int fd, std::uint64_t full_size) {
  const char* tmpdir = std::getenv("TMPDIR");
  std::string path =
      fmt::format("{}/lsm-doctor-XXXXXX.journal", tmpdir && *tmpdir ? tmpdir : "/tmp");
  int out = ::mkstemps(path.data(), 8);
  if (out < 0)
    return make_error(fmt::format("{}: {}", path, errno_text(errno)));
  FdCloser closer(out);
  std::array<char, 1 << 16> buffer{};
  off_t at = 0;
  for (;;) {
    ssize_t n = ::pread(fd, buffer.data(), buffer.size(), at);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    if (::write(out, buffer.data(), static_cast<std::size_t>(n)) != n) {
      ::unlink(path.c_str());
      return make_error(fmt::format("{}: {}", path, errno_text(errno)));
    }
    at += n;
  }
  if (::ftruncate(out, static_cast<off_t>(full_size)) != 0) {
    ::unlink(path.c_str());
    return make_error(fmt::format("{}: {}", path, errno_text(errno)));
  }
  return path;
}

// Whether the last entry the header announces can be read: sd-journal stops
// silently at damage and drops the rest of the file.
bool tail_readable(const std::string& path, const journal_file::Header& header) {
  if (header.n_entries == 0)
    return true;
  const char* paths[] = {path.c_str(), nullptr};
  sd_journal* j = nullptr;
  if (sd_journal_open_files(&j, paths, 0) < 0)
    return false;
  bool ok = false;
  if (sd_journal_seek_tail(j) >= 0 && sd_journal_previous(j) > 0) {
    std::uint64_t realtime = 0;
    ok = sd_journal_get_realtime_usec(j, &realtime) >= 0 && realtime == header.tail_entry_realtime;
  }
  sd_journal_close(j);
  return ok;
}

// Checks one journal file before it is opened; returns the path to open
// (the file itself or a grown copy of a truncated one).
Result<std::string> vet_file(const std::string& path, std::vector<std::string>& warnings,
                             std::vector<std::string>& temp_files) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    return make_error(fmt::format("{}: {}", path, errno_text(errno)));
  FdCloser closer(fd);
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
    return make_error(fmt::format("{}: not a regular file", path));
  auto header = read_header(fd);
  if (!header)
    return make_error(fmt::format("{}: not a journal file (no journal header)", path));
  std::uint64_t full = header->header_size + header->arena_size;
  if (static_cast<std::uint64_t>(st.st_size) < full) {
    auto copy = grown_copy(fd, full);
    if (!copy)
      return copy.error();
    temp_files.push_back(*copy);
    warnings.push_back(
        fmt::format("{}: truncated ({} of {} bytes); read up to the cut", path, st.st_size, full));
    return *copy;
  }
  if (!tail_readable(path, *header))
    warnings.push_back(fmt::format(
        "{}: corrupt (the last of its {} entries cannot be read); read up to the damage", path,
        header->n_entries));
  return path;
}

// How often long loops give back mapped journal pages (trim_mapped_pages).
constexpr std::uint64_t kTrimEvery = 256;

// Whether the current entry carries `field_value` ("FIELD=value").
bool has_field(sd_journal* j, const std::string& field_value) {
  std::size_t eq = field_value.find('=');
  if (eq == std::string::npos)
    return false;
  std::string field = field_value.substr(0, eq);
  const void* data = nullptr;
  std::size_t length = 0;
  if (sd_journal_get_data(j, field.c_str(), &data, &length) < 0)
    return false;
  return std::string_view(static_cast<const char*>(data), length) == field_value;
}

std::string_view sd_field(const void* context, const char* name) {
  auto* j = static_cast<sd_journal*>(const_cast<void*>(context)); // NOLINT: sd-journal's handle
  const void* data = nullptr;
  std::size_t length = 0;
  std::size_t prefix = std::strlen(name) + 1;
  if (sd_journal_get_data(j, name, &data, &length) < 0 || length < prefix)
    return {};
  return {static_cast<const char*>(data) + prefix, length - prefix};
}

bool has_suffix(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix.data(), suffix.size()) == 0;
}

// *.journal and *.journal~ in DIR and its subdirectories (one machine id
// level deep, as journald lays them out).
std::vector<std::string> journal_files_in(const std::string& dir, int depth = 0) {
  std::vector<std::string> files;
  DIR* d = ::opendir(dir.c_str());
  if (!d)
    return files;
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == "..")
      continue;
    std::string path = dir + "/" + name;
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0)
      continue;
    if (S_ISDIR(st.st_mode) && depth == 0) {
      auto inner = journal_files_in(path, 1);
      files.insert(files.end(), inner.begin(), inner.end());
    } else if (S_ISREG(st.st_mode) &&
               (has_suffix(name, ".journal") || has_suffix(name, ".journal~"))) {
      files.push_back(path);
    }
  }
  ::closedir(d);
  return files;
}

bool is_directory(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

} // namespace

JournalMatchGroups group_journal_matches(const std::vector<std::string>& matches) {
  JournalMatchGroups groups;
  for (const auto& m : matches) {
    std::size_t eq = m.find('=');
    std::string field = m.substr(0, eq);
    std::string value = eq == std::string::npos ? std::string() : m.substr(eq + 1);
    auto it =
        std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == field; });
    if (it == groups.end())
      groups.push_back({field, {value}});
    else
      it->second.push_back(value);
  }
  return groups;
}

Result<Journal> Journal::open(const GatherOptions& options) {
  std::vector<std::string> warnings;
  std::vector<std::string> temps;
  auto cleanup = [&] {
    for (const auto& t : temps)
      ::unlink(t.c_str());
  };
  auto open_files = [&](const std::vector<std::string>& files,
                        std::string description) -> Result<Journal> {
    std::string unsupported;
    if (native_journal::enabled()) {
      TRY(native, native_journal::Files::open(files, description, warnings, unsupported));
      if (native) {
        Journal journal(nullptr, std::move(description), false);
        journal.files_ = native->paths();
        journal.native_ = std::move(native);
        journal.warnings_ = std::move(warnings);
        return journal;
      }
      warnings.clear(); // a feature only sd-journal knows: it reads them all
    }
    std::vector<std::string> paths;
    for (const auto& f : files) {
      auto vetted = vet_file(f, warnings, temps);
      if (!vetted) {
        if (files.size() == 1) {
          cleanup();
          return vetted.error();
        }
        warnings.push_back(vetted.error().message + "; skipped");
        continue;
      }
      paths.push_back(*vetted);
    }
    if (paths.empty()) {
      cleanup();
      return make_error(description + ": no readable journal file");
    }
    std::vector<const char*> argv;
    for (const auto& p : paths)
      argv.push_back(p.c_str());
    argv.push_back(nullptr);
    sd_journal* j = nullptr;
    int r = sd_journal_open_files(&j, argv.data(), 0);
    if (r < 0) {
      cleanup();
      if (!unsupported.empty())
        return make_error(fmt::format(
            "{}: {}, and sd-journal cannot read it either ({}); a newer journalctl can "
            "convert it: journalctl --file=FILE -o export > FILE.export, then --journal-file "
            "FILE.export",
            description, unsupported.substr(unsupported.find(": ") + 2), errno_text(r)));
      return make_error(fmt::format("{}: {}", description, errno_text(r)));
    }
    Journal journal(j, std::move(description), false);
    journal.files_ = std::move(paths);
    journal.warnings_ = std::move(warnings);
    journal.temp_files_ = std::move(temps);
    return journal;
  };

  if (options.journal_files.size() == 1 && export_file::looks_like_export(options.journal_files[0]))
    return open_export(options.journal_files[0]);
  if (!options.journal_files.empty()) {
    std::string description = options.journal_files.size() == 1
                                  ? options.journal_files.front()
                                  : fmt::format("{} journal files", options.journal_files.size());
    return open_files(options.journal_files, description);
  }
  std::string dir;
  if (options.journal_dir) {
    dir = *options.journal_dir;
    if (!is_directory(dir))
      return make_error(fmt::format("{}: not a directory", dir));
  } else if (options.root != "/" && !options.root.empty()) {
    std::string captured = under_root(options.root, "/.lsm-doctor/journal.export");
    struct stat st {};
    if (::stat(captured.c_str(), &st) == 0)
      return open_export(captured);
    dir = under_root(options.root, "/var/log/journal");
    if (!is_directory(dir))
      return make_error(fmt::format(
          "{}: not present (pass the journal with --journal-dir DIR or --journal-file FILE)", dir));
  }
  if (!dir.empty()) {
    auto files = journal_files_in(dir);
    if (files.empty())
      return make_error(fmt::format("{}: no journal files in it", dir));
    return open_files(files, dir);
  }
  sd_journal* j = nullptr;
  int r = sd_journal_open(&j, SD_JOURNAL_LOCAL_ONLY | SD_JOURNAL_SYSTEM);
  if (r < 0)
    return make_error(fmt::format("the system journal: {}", errno_text(r)));
  return Journal(j, "the system journal", true);
}

Journal Journal::open_export(const std::string& path) {
  Journal journal(nullptr, path, false);
  journal.export_path_ = path;
  journal.files_ = {path};
  return journal;
}

Journal::Journal(sd_journal* journal, std::string description, bool local)
    : journal_(journal), description_(std::move(description)), local_(local) {}

Journal::Journal(Journal&& other) noexcept
    : journal_(other.journal_), native_(std::move(other.native_)),
      export_path_(std::move(other.export_path_)), description_(std::move(other.description_)),
      local_(other.local_), damage_reported_(other.damage_reported_),
      warnings_(std::move(other.warnings_)), temp_files_(std::move(other.temp_files_)),
      files_(std::move(other.files_)) {
  other.journal_ = nullptr;
  other.temp_files_.clear();
}

Journal& Journal::operator=(Journal&& other) noexcept {
  if (this != &other) {
    Journal old(std::move(*this));
    std::swap(journal_, other.journal_);
    std::swap(native_, other.native_);
    std::swap(export_path_, other.export_path_);
    std::swap(description_, other.description_);
    std::swap(local_, other.local_);
    std::swap(damage_reported_, other.damage_reported_);
    std::swap(warnings_, other.warnings_);
    std::swap(temp_files_, other.temp_files_);
    std::swap(files_, other.files_);
  }
  return *this;
}

Journal::~Journal() {
  if (journal_)
    sd_journal_close(journal_);
  journal_ = nullptr;
  for (const auto& t : temp_files_)
    ::unlink(t.c_str());
  temp_files_.clear();
}

Result<std::uint64_t>
Journal::for_each_entry(const std::vector<std::string>& matches,
                        const std::function<bool(const JournalEntry&)>& on_entry,
                        const JournalWindow& window) {
  if (!export_path_.empty())
    return export_file::for_each_entry(export_path_, description_, matches, on_entry, window,
                                       warnings_);
  if (native_)
    return native_->for_each_entry(matches, on_entry, window, warnings_);
  sd_journal_flush_matches(journal_);
  for (const auto& m : matches) {
    int r = sd_journal_add_match(journal_, m.data(), m.size());
    if (r < 0)
      return make_error(fmt::format("journal match '{}': {}", m, errno_text(r)));
  }
  // Where the index says the matching entries end: a walk that stops short
  // of it met damage (sd-journal then silently drops the rest of the file).
  std::uint64_t expected_last = 0;
  bool tail_known = sd_journal_seek_tail(journal_) >= 0 && sd_journal_previous(journal_) > 0 &&
                    sd_journal_get_realtime_usec(journal_, &expected_last) >= 0;
  int r = window.since_usec > 0 ? sd_journal_seek_realtime_usec(journal_, window.since_usec)
                                : sd_journal_seek_head(journal_);
  if (r < 0)
    return make_error(fmt::format("{}: cannot seek: {}", description_, errno_text(r)));
  std::uint64_t visited = 0;
  std::uint64_t seen = 0;
  std::uint64_t last_seen = 0;
  bool stopped = false;
  std::array<char, SD_ID128_STRING_MAX> boot_text{};
  for (;;) {
    r = sd_journal_next(journal_);
    if (r < 0) {
      warnings_.push_back(fmt::format("{}: reading stopped after {} entries: {}", description_,
                                      visited, errno_text(r)));
      stopped = true;
      break;
    }
    if (r == 0)
      break;
    JournalEntry entry;
    entry.lookup_ = sd_field;
    entry.context_ = journal_;
    if (sd_journal_get_realtime_usec(journal_, &entry.realtime_usec) < 0)
      continue;
    last_seen = std::max(last_seen, entry.realtime_usec);
    if (++seen % kTrimEvery == 0)
      trim_mapped_pages();
    if (entry.realtime_usec < window.since_usec)
      continue;
    if (window.until_usec > 0 && entry.realtime_usec > window.until_usec) {
      stopped = true;
      break;
    }
    if (!window.require.empty() && !has_field(journal_, window.require))
      continue;
    sd_id128_t boot{};
    if (sd_journal_get_monotonic_usec(journal_, &entry.monotonic_usec, &boot) >= 0) {
      sd_id128_to_string(boot, boot_text.data());
      entry.boot_id = std::string_view(boot_text.data(), 32);
    }
    const void* data = nullptr;
    std::size_t length = 0;
    if (window.with_message && sd_journal_get_data(journal_, "MESSAGE", &data, &length) >= 0 &&
        length >= 8)
      entry.message = std::string_view(static_cast<const char*>(data) + 8, length - 8);
    ++visited;
    if (!on_entry(entry)) {
      stopped = true;
      break;
    }
  }
  // An index whose end cannot be read while its entries can is damaged too.
  bool short_walk = tail_known ? last_seen < expected_last : last_seen > 0;
  if (!stopped && short_walk && !damage_reported_) {
    damage_reported_ = true;
    warnings_.push_back(fmt::format(
        "{}: damaged: entries end at {} but the index reaches {}; read up to the damage "
        "(journalctl --verify names the file)",
        description_, format_realtime(last_seen), format_realtime(expected_last)));
  }
  sd_journal_flush_matches(journal_);
  return visited;
}

Result<std::uint64_t>
Journal::for_each_unique(const std::string& field,
                         const std::function<bool(std::string_view)>& on_value) {
  if (!export_path_.empty())
    return export_file::for_each_unique(export_path_, description_, field, on_value, warnings_);
  if (native_) {
    auto n = native_->for_each_unique(field, on_value);
    if (!n)
      return make_error(fmt::format("{}: listing {}: {}", description_, field, n.error().message));
    return n;
  }
  int r = sd_journal_query_unique(journal_, field.c_str());
  if (r < 0)
    return make_error(fmt::format("{}: {}: {}", description_, field, errno_text(r)));
  std::uint64_t n = 0;
  const void* data = nullptr;
  std::size_t length = 0;
  std::size_t prefix = field.size() + 1;
  while ((r = sd_journal_enumerate_unique(journal_, &data, &length)) > 0) {
    if (length < prefix)
      continue;
    if (++n % kTrimEvery == 0)
      trim_mapped_pages();
    if (!on_value(std::string_view(static_cast<const char*>(data) + prefix, length - prefix)))
      break;
  }
  if (r < 0)
    return make_error(fmt::format("{}: listing {} stopped after {} values: {}", description_, field,
                                  n, errno_text(r)));
  return n;
}

Result<std::optional<std::pair<std::uint64_t, std::uint64_t>>>
Journal::time_range(const std::vector<std::string>& matches) {
  if (!export_path_.empty())
    return export_file::time_range(export_path_, description_, matches, warnings_);
  if (native_) {
    auto range = native_->time_range(matches, warnings_);
    if (!range)
      return make_error(fmt::format("{}: {}", description_, range.error().message));
    return range;
  }
  sd_journal_flush_matches(journal_);
  for (const auto& m : matches) {
    int r = sd_journal_add_match(journal_, m.data(), m.size());
    if (r < 0)
      return make_error(fmt::format("journal match '{}': {}", m, errno_text(r)));
  }
  std::optional<std::pair<std::uint64_t, std::uint64_t>> range;
  std::uint64_t first = 0;
  std::uint64_t last = 0;
  if (sd_journal_seek_head(journal_) >= 0 && sd_journal_next(journal_) > 0 &&
      sd_journal_get_realtime_usec(journal_, &first) >= 0) {
    last = first;
    if (sd_journal_seek_tail(journal_) >= 0 && sd_journal_previous(journal_) > 0)
      sd_journal_get_realtime_usec(journal_, &last);
    range = std::make_pair(first, std::max(first, last));
  }
  sd_journal_flush_matches(journal_);
  return range;
}

void Journal::trim_mapped_pages() {
  constexpr long kBoundBytes = 40L << 20;
  long pages = 0;
  long resident = 0;
  if (FILE* statm = std::fopen("/proc/self/statm", "re")) {
    if (std::fscanf(statm, "%ld %ld", &pages, &resident) != 2)
      resident = 0;
    std::fclose(statm);
  }
  if (resident * ::sysconf(_SC_PAGESIZE) < kBoundBytes)
    return;
  FILE* maps = std::fopen("/proc/self/maps", "re");
  if (!maps)
    return;
  std::array<char, 4096> line{};
  while (std::fgets(line.data(), static_cast<int>(line.size()), maps)) {
    std::string_view text(line.data());
    while (!text.empty() && text.back() == '\n')
      text.remove_suffix(1);
    if (!has_suffix(std::string(text), ".journal") && !has_suffix(std::string(text), ".journal~"))
      continue;
    unsigned long start = 0;
    unsigned long end = 0;
    if (std::sscanf(line.data(), "%lx-%lx", &start, &end) == 2 && end > start)
      // Read-only shared file mappings: dropping the page table entries
      // loses nothing (NOLINT: the address comes from the kernel's map).
      ::madvise(reinterpret_cast<void*>(start), end - start, MADV_DONTNEED); // NOLINT
  }
  std::fclose(maps);
}

std::string current_boot_id() {
  sd_id128_t boot{};
  if (sd_id128_get_boot(&boot) < 0)
    return {};
  std::array<char, SD_ID128_STRING_MAX> text{};
  sd_id128_to_string(boot, text.data());
  return std::string(text.data(), 32);
}

} // namespace lsmdoctor
