#include "parse/line_reader.h"

#include "parse/mapped_blocks.h"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace lsmdoctor {
namespace {

class Fd {
public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0)
      ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

private:
  int fd_;
};

Result<int> open_regular(const std::string& path, bool allow_special, bool allow_pipe = false) {
  int fd = -1;
  if (path == "-" && allow_pipe) {
    if (::isatty(STDIN_FILENO) == 1)
      return make_error("standard input (-) is a terminal; pipe the kernel log into it");
    fd = ::fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 0);
  } else {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  }
  if (fd < 0)
    return make_error(fmt::format("{}: {}", path, std::strerror(errno)));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int saved = errno;
    ::close(fd);
    return make_error(fmt::format("{}: {}", path, std::strerror(saved)));
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return make_error(fmt::format("{}: is a directory, expected a file", path));
  }
  if (!S_ISREG(st.st_mode) && !allow_special && !(allow_pipe && S_ISFIFO(st.st_mode))) {
    ::close(fd);
    return make_error(
        fmt::format("{}: not a regular file (FIFO, socket or device); skipped", path));
  }
  // Regular files never block; clear O_NONBLOCK so special files opened on
  // purpose behave normally.
  int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0)
    ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  return fd;
}

// Holes of a sparse file read as NUL bytes, which hold no newline: readers
// skip them (SEEK_DATA) and count them into the current line, so a huge
// sparse stand-in costs what its data costs, not what its size says.
class Holes {
public:
  // Only files that really are sparse (fewer blocks than bytes): files under
  // /proc and /sys report size 0 and no blocks and are read as they are.
  explicit Holes(int fd) : fd_(fd) {
    struct stat st {};
    bool sparse = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
                  st.st_blocks * 512 < st.st_size;
    size_ = st.st_size;
    offset_ = sparse ? ::lseek(fd, 0, SEEK_CUR) : -1;
  }

  // Before a read: the length of the hole at the file offset, moving the
  // offset past it (0 when there is none, or the file is not sparse).
  // `at_end`: nothing but that hole is left.
  std::uint64_t skip(bool& at_end) {
    at_end = false;
    if (offset_ < 0)
      return 0;
    off_t data_at = ::lseek(fd_, offset_, SEEK_DATA);
    if (data_at < 0 && errno == ENXIO) { // only a hole is left, or the end
      at_end = true;
      return offset_ < size_ ? static_cast<std::uint64_t>(size_ - offset_) : 0;
    }
    if (data_at < 0) { // no SEEK_DATA here: read every byte
      ::lseek(fd_, offset_, SEEK_SET);
      offset_ = -1;
      return 0;
    }
    auto hole = static_cast<std::uint64_t>(data_at - offset_);
    offset_ = data_at;
    return hole;
  }

  // After a read of `n` bytes.
  void advance(ssize_t n) {
    if (offset_ >= 0)
      offset_ += n;
  }

private:
  int fd_;
  off_t size_ = 0;
  off_t offset_ = -1; // -1: not skipping holes
};

} // namespace

Result<LineStats>
for_each_line(int fd, const std::string& name,
              const std::function<void(std::size_t, std::string_view, bool)>& on_line) {
  constexpr std::size_t kBlock = 1 << 20;
  std::vector<char> block(kBlock);
  std::string carry; // a partial line spanning blocks, at most kMaxLineBytes
  bool carry_truncated = false;
  LineStats stats;

  auto emit = [&](std::string_view line, bool truncated) {
    ++stats.lines;
    if (truncated)
      ++stats.truncated;
    on_line(stats.lines, line, truncated);
  };

  Holes holes(fd);
  auto add_nuls = [&](std::uint64_t count) {
    std::size_t room = kMaxLineBytes - carry.size();
    if (count > room) {
      carry.append(room, '\0');
      carry_truncated = true;
    } else {
      carry.append(static_cast<std::size_t>(count), '\0');
    }
  };

  while (true) {
    bool at_end = false;
    if (std::uint64_t hole = holes.skip(at_end); hole > 0)
      add_nuls(hole);
    if (at_end)
      break;
    ssize_t n = ::read(fd, block.data(), block.size());
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return make_error(fmt::format("{}: read failed: {}", name, std::strerror(errno)));
    }
    if (n == 0)
      break;
    holes.advance(n);
    std::string_view data(block.data(), static_cast<std::size_t>(n));
    while (!data.empty()) {
      std::size_t nl = data.find('\n');
      std::string_view piece = data.substr(0, nl);
      if (!carry.empty() || carry_truncated) {
        std::size_t room = kMaxLineBytes - carry.size();
        if (piece.size() > room) {
          carry.append(piece.substr(0, room));
          carry_truncated = true;
        } else {
          carry.append(piece);
        }
        if (nl == std::string_view::npos)
          break;
        emit(carry, carry_truncated);
        carry.clear();
        carry_truncated = false;
      } else if (nl == std::string_view::npos) {
        carry_truncated = piece.size() > kMaxLineBytes;
        carry.assign(piece.substr(0, kMaxLineBytes));
        break;
      } else if (piece.size() > kMaxLineBytes) {
        emit(piece.substr(0, kMaxLineBytes), true);
      } else {
        emit(piece, false);
      }
      data.remove_prefix(nl + 1);
    }
  }
  if (!carry.empty() || carry_truncated)
    emit(carry, carry_truncated);
  return stats;
}

Result<LineStats>
for_each_line_in_file(const std::string& path,
                      const std::function<void(std::size_t, std::string_view, bool)>& on_line,
                      bool allow_special) {
  TRY(raw_fd, open_regular(path, allow_special));
  Fd fd(raw_fd);
  return for_each_line(fd.get(), path, on_line);
}

Result<std::uint64_t>
for_each_line_block(const std::string& path,
                    const std::function<void(std::string_view block)>& on_block, bool allow_pipe) {
  TRY(raw_fd, open_regular(path, false, allow_pipe));
  Fd fd(raw_fd);
  return for_each_line_block(fd.get(), path, on_block);
}

Result<std::uint64_t>
for_each_line_block(int fd, const std::string& name,
                    const std::function<void(std::string_view block)>& on_block) {
  // Mapped: regular files with data in every block (sparse ones are read,
  // which skips their holes).
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
      st.st_blocks * 512 >= st.st_size) {
    off_t start = ::lseek(fd, 0, SEEK_CUR);
    if (start >= 0 && start < st.st_size)
      if (auto mapped = mapped_line_blocks(fd, name, start, st.st_size, on_block))
        return std::move(*mapped);
  }
  return for_each_line_block_by_read(fd, name, on_block);
}

Result<std::uint64_t>
for_each_line_block_by_read(int fd, const std::string& name,
                            const std::function<void(std::string_view block)>& on_block) {
  constexpr std::size_t kBlock = kLineBlockBytes;
  std::vector<char> block(kBlock);
  std::size_t carried = 0; // a partial line from the previous read, at the start
  bool skipping = false;   // inside a line that was passed cut
  std::uint64_t total = 0;
  Holes holes(fd);
  while (true) {
    bool at_end = false;
    std::uint64_t hole = holes.skip(at_end);
    total += hole;
    if (hole > 0 && !skipping) { // NULs of the current line
      if (hole >= kBlock - carried) {
        std::memset(block.data() + carried, 0, kBlock - carried);
        on_block(std::string_view(block.data(), kBlock)); // the line fills the block: cut
        carried = 0;
        skipping = true;
      } else {
        std::memset(block.data() + carried, 0, static_cast<std::size_t>(hole));
        carried += static_cast<std::size_t>(hole);
      }
    }
    if (at_end)
      break;
    ssize_t n = ::read(fd, block.data() + carried, kBlock - carried);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return make_error(fmt::format("{}: read failed: {}", name, std::strerror(errno)));
    }
    if (n == 0)
      break;
    holes.advance(n);
    total += static_cast<std::uint64_t>(n);
    std::size_t start = carried;
    std::size_t filled = carried + static_cast<std::size_t>(n);
    if (skipping) {
      const void* nl = std::memchr(block.data() + start, '\n', filled - start);
      if (!nl)
        continue; // carried is 0 while skipping
      std::size_t after = static_cast<std::size_t>(static_cast<const char*>(nl) - block.data()) + 1;
      std::memmove(block.data(), block.data() + after, filled - after);
      filled -= after;
      skipping = false;
    }
    const void* last = ::memrchr(block.data(), '\n', filled);
    if (!last) {
      if (filled < kBlock) {
        carried = filled;
        continue;
      }
      on_block(std::string_view(block.data(), filled)); // one line fills the block: cut
      carried = 0;
      skipping = true;
      continue;
    }
    std::size_t complete =
        static_cast<std::size_t>(static_cast<const char*>(last) - block.data()) + 1;
    on_block(std::string_view(block.data(), complete));
    carried = filled - complete;
    std::memmove(block.data(), block.data() + complete, carried);
  }
  if (carried > 0)
    on_block(std::string_view(block.data(), carried));
  return total;
}

Result<std::string> read_small_file(const std::string& path, std::size_t limit) {
  // Files under /proc and /sys report size 0 and are not regular in spirit;
  // they are regular to stat, so the regular-file rule still applies.
  TRY(raw_fd, open_regular(path, false));
  Fd fd(raw_fd);
  std::string out;
  char buf[8192];
  while (true) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return make_error(fmt::format("{}: read failed: {}", path, std::strerror(errno)));
    }
    if (n == 0)
      break;
    if (out.size() + static_cast<std::size_t>(n) > limit)
      return make_error(fmt::format("{}: larger than {} bytes; refused", path, limit));
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

} // namespace lsmdoctor
