#include "sources/journal_export_file.h"

#include "parse/journal_export.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

namespace lsmdoctor::export_file {
namespace {

class File {
public:
  explicit File(int fd) : fd_(fd) {}
  File(const File&) = delete;
  File& operator=(const File&) = delete;
  ~File() {
    if (fd_ >= 0)
      ::close(fd_);
  }
  int get() const { return fd_; }

private:
  int fd_;
};

using MatchGroups = JournalMatchGroups;

bool matches_all(const JournalExportEntry& entry, const MatchGroups& groups) {
  return std::all_of(groups.begin(), groups.end(), [&](const auto& g) {
    return std::any_of(g.second.begin(), g.second.end(),
                       [&](const std::string& v) { return entry.has(g.first, v); });
  });
}

std::optional<std::uint64_t> number(const std::string* text) {
  if (text == nullptr || text->empty() || text->size() > 20)
    return std::nullopt;
  std::uint64_t v = 0;
  for (char c : *text) {
    if (c < '0' || c > '9')
      return std::nullopt;
    std::uint64_t next = v * 10 + static_cast<std::uint64_t>(c - '0');
    if (next / 10 != v)
      return std::nullopt;
    v = next;
  }
  return v;
}

std::string_view export_field(const void* context, const char* name) {
  const std::string* value = static_cast<const JournalExportEntry*>(context)->find(name);
  return value != nullptr ? std::string_view(*value) : std::string_view();
}

// Streams every entry of the file to `on_entry` (false stops). Damage is a
// warning; an unopenable file is an error.
Result<std::uint64_t> walk(const std::string& path, const std::string& description,
                           const std::function<bool(const JournalExportEntry&)>& on_entry,
                           std::vector<std::string>& warnings) {
  // O_NONBLOCK: a FIFO planted where the file belongs must not hang us.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0)
    return make_error(fmt::format("{}: {}", description, std::strerror(errno)));
  File file(fd);
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
    return make_error(fmt::format("{}: not a regular file", description));
  JournalExportReader reader(
      [fd](char* buf, std::size_t size) -> long {
        for (;;) {
          ssize_t n = ::read(fd, buf, size);
          if (n >= 0 || errno != EINTR)
            return static_cast<long>(n);
        }
      },
      description);
  JournalExportEntry entry;
  std::uint64_t read = 0;
  for (;;) {
    auto more = reader.next(entry);
    if (!more) {
      std::string warning =
          fmt::format("{}; reading stopped after {} entries", more.error().message, read);
      if (std::find(warnings.begin(), warnings.end(), warning) == warnings.end())
        warnings.push_back(std::move(warning));
      return read;
    }
    if (!*more)
      return read;
    ++read;
    if (!on_entry(entry))
      return read;
  }
}

} // namespace

bool looks_like_export(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0)
    return false;
  File file(fd);
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
    return false;
  std::array<char, 80> head{};
  ssize_t n = ::pread(fd, head.data(), head.size(), 0);
  if (n <= 0)
    return false;
  std::string_view text(head.data(), static_cast<std::size_t>(n));
  std::size_t end = text.find_first_of("=\n");
  return end != std::string_view::npos && valid_journal_field_name(text.substr(0, end));
}

Result<std::uint64_t> for_each_entry(const std::string& path, const std::string& description,
                                     const std::vector<std::string>& matches,
                                     const std::function<bool(const JournalEntry&)>& on_entry,
                                     const JournalWindow& window,
                                     std::vector<std::string>& warnings) {
  MatchGroups groups = group_journal_matches(matches);
  MatchGroups required =
      group_journal_matches(window.require.empty() ? std::vector<std::string>{}
                                                   : std::vector<std::string>{window.require});
  std::uint64_t visited = 0;
  TRY(read, walk(
                path, description,
                [&](const JournalExportEntry& e) {
                  auto realtime = number(e.find("__REALTIME_TIMESTAMP"));
                  if (!realtime || *realtime < window.since_usec ||
                      (window.until_usec > 0 && *realtime > window.until_usec))
                    return true;
                  if (!matches_all(e, groups) || !matches_all(e, required))
                    return true;
                  JournalEntry entry;
                  entry.lookup_ = export_field;
                  entry.context_ = &e;
                  entry.realtime_usec = *realtime;
                  entry.monotonic_usec = number(e.find("__MONOTONIC_TIMESTAMP")).value_or(0);
                  if (const std::string* boot = e.find("_BOOT_ID"); boot && boot->size() == 32)
                    entry.boot_id = *boot;
                  if (const std::string* message = e.find("MESSAGE");
                      message && window.with_message)
                    entry.message = *message;
                  ++visited;
                  return on_entry(entry);
                },
                warnings));
  (void)read;
  return visited;
}

Result<std::uint64_t> for_each_unique(const std::string& path, const std::string& description,
                                      const std::string& field,
                                      const std::function<bool(std::string_view)>& on_value,
                                      std::vector<std::string>& warnings) {
  std::set<std::string> values;
  TRY(read, walk(
                path, description,
                [&](const JournalExportEntry& e) {
                  for (const auto& [name, value] : e.fields)
                    if (name == field)
                      values.insert(value);
                  return true;
                },
                warnings));
  (void)read;
  std::uint64_t n = 0;
  for (const auto& v : values) {
    ++n;
    if (!on_value(v))
      break;
  }
  return n;
}

Result<std::optional<std::pair<std::uint64_t, std::uint64_t>>>
time_range(const std::string& path, const std::string& description,
           const std::vector<std::string>& matches, std::vector<std::string>& warnings) {
  std::optional<std::pair<std::uint64_t, std::uint64_t>> range;
  JournalWindow window;
  window.with_message = false;
  TRY(visited, for_each_entry(
                   path, description, matches,
                   [&](const JournalEntry& e) {
                     if (!range)
                       range = std::make_pair(e.realtime_usec, e.realtime_usec);
                     range->first = std::min(range->first, e.realtime_usec);
                     range->second = std::max(range->second, e.realtime_usec);
                     return true;
                   },
                   window, warnings));
  (void)visited;
  return range;
}

} // namespace lsmdoctor::export_file
