#include "parse/mapped_blocks.h"

#include "parse/line_reader.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fmt/format.h>
#include <sys/mman.h>
#include <unistd.h>

namespace lsmdoctor {
namespace {

// A regular file is mapped rather than read(2): the scan then reads the page
// cache itself instead of a copy of it, which on a warm 1 GiB audit.log
// saves a fifth of the time. The blocks are the very ones the read(2) loop
// passes: each starts where the previous one ended and spans up to
// kLineBlockBytes of the file.
//
// A file that shrinks while mapped (logrotate's copytruncate) raises SIGBUS
// on the pages it lost. While a window is scanned, a handler maps zeros over
// the rest of the window instead, and the scan stops after it with an
// error. The window is process-wide: one mapped scan at a time (the program
// has one thread).
struct MappedWindow {
  char* volatile begin = nullptr;
  char* volatile end = nullptr;
  volatile std::sig_atomic_t lost = 0; // the file shrank under the window
  struct sigaction previous {};
};
MappedWindow g_window;
std::uintptr_t g_page_size = 0;

void on_sigbus(int /*signal*/, siginfo_t* info, void* /*context*/) {
  char* at = static_cast<char*>(info->si_addr);
  char* begin = g_window.begin;
  char* end = g_window.end;
  if (begin != nullptr && at >= begin && at < end) {
    std::uintptr_t offset = static_cast<std::uintptr_t>(at - begin) & ~(g_page_size - 1);
    char* from = begin + offset;
    if (::mmap(from, static_cast<std::size_t>(end - from), PROT_READ,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != MAP_FAILED) {
      g_window.lost = 1;
      return;
    }
  }
  // Not our window: the previous disposition handles the retried access.
  ::sigaction(SIGBUS, &g_window.previous, nullptr);
}

// The SIGBUS handler while it exists; the previous one after.
class BusGuard {
public:
  BusGuard() {
    g_page_size = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
    struct sigaction action {};
    action.sa_sigaction = on_sigbus;
    action.sa_flags = SA_SIGINFO;
    sigemptyset(&action.sa_mask);
    installed_ = ::sigaction(SIGBUS, &action, &g_window.previous) == 0;
  }
  ~BusGuard() {
    if (installed_)
      ::sigaction(SIGBUS, &g_window.previous, nullptr);
  }
  BusGuard(const BusGuard&) = delete;
  BusGuard& operator=(const BusGuard&) = delete;
  bool installed() const { return installed_; }

private:
  bool installed_ = false;
};

// The part of the file [offset, offset + length) in memory.
class Mapping {
public:
  ~Mapping() { unmap(); }
  Mapping() = default;
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;

  // Maps the window of the file that holds [from, to); false when mmap fails.
  bool cover(int fd, off_t file_size, off_t from, off_t to) {
    if (data_ != nullptr && from >= offset_ && to <= offset_ + static_cast<off_t>(length_))
      return true;
    unmap();
    // Windows start on a multiple of their alignment: the kernel maps the
    // large folios of the page cache whole when they line up.
    off_t start = from & ~static_cast<off_t>(kWindowAlign - 1);
    off_t stop = std::min(file_size, std::max(to, start + static_cast<off_t>(kWindowBytes)));
    void* data =
        ::mmap(nullptr, static_cast<std::size_t>(stop - start), PROT_READ, MAP_PRIVATE, fd, start);
    if (data == MAP_FAILED)
      return false;
    ::madvise(data, static_cast<std::size_t>(stop - start), MADV_SEQUENTIAL);
    data_ = static_cast<char*>(data);
    offset_ = start;
    length_ = static_cast<std::size_t>(stop - start);
    // The handler's window: whole pages, as far as the mapping reaches.
    std::size_t pages = (length_ + g_page_size - 1) & ~(g_page_size - 1);
    g_window.begin = data_;
    g_window.end = data_ + pages;
    return true;
  }
  const char* at(off_t position) const { return data_ + (position - offset_); }

private:
  static constexpr std::size_t kWindowBytes = std::size_t{4} << 20;
  static constexpr std::size_t kWindowAlign = std::size_t{2} << 20;
  void unmap() {
    if (data_ == nullptr)
      return;
    g_window.begin = nullptr;
    g_window.end = nullptr;
    ::munmap(data_, length_);
    data_ = nullptr;
  }
  char* data_ = nullptr;
  off_t offset_ = 0;
  std::size_t length_ = 0;
};

} // namespace

std::optional<Result<std::uint64_t>>
mapped_line_blocks(int fd, const std::string& name, off_t start, off_t size,
                   const std::function<void(std::string_view block)>& on_block) {
  BusGuard guard;
  if (!guard.installed())
    return std::nullopt;
  Mapping mapping;
  g_window.lost = 0;
  off_t at = start;      // the start of the next block
  bool skipping = false; // inside a line that was passed cut
  bool first = true;
  while (at < size) {
    off_t stop = std::min(size, at + static_cast<off_t>(kLineBlockBytes));
    if (!mapping.cover(fd, size, at, stop)) {
      if (first)
        return std::nullopt;
      return make_error(fmt::format("{}: mmap failed: {}", name, std::strerror(errno)));
    }
    first = false;
    const char* data = mapping.at(at);
    auto length = static_cast<std::size_t>(stop - at);
    if (skipping) {
      const void* nl = std::memchr(data, '\n', length);
      if (!nl) {
        at = stop;
        continue;
      }
      auto after = static_cast<std::size_t>(static_cast<const char*>(nl) - data) + 1;
      at += static_cast<off_t>(after);
      data += after;
      length -= after;
      skipping = false;
    }
    const void* last = length > 0 ? ::memrchr(data, '\n', length) : nullptr;
    if (last) {
      auto complete = static_cast<std::size_t>(static_cast<const char*>(last) - data) + 1;
      on_block(std::string_view(data, complete));
      at += static_cast<off_t>(complete);
    } else if (length == kLineBlockBytes) {
      on_block(std::string_view(data, length)); // one line fills the block: cut
      at = stop;
      skipping = true;
    } else if (stop == size) {
      if (length > 0)
        on_block(std::string_view(data, length)); // the last line, without a newline
      at = stop;
    }
    // else: the rest of a skipped line left less than a block; the next
    // block starts at `at` and spans a whole block again.
    if (g_window.lost)
      return make_error(
          fmt::format("{}: the file shrank while it was read; its end is missing", name));
  }
  ::lseek(fd, at, SEEK_SET);
  return static_cast<std::uint64_t>(size - start);
}

} // namespace lsmdoctor
