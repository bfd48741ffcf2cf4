// Bounded, streaming line reading: memory stays flat whatever the input.
#pragma once

#include "core/result.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace lsmdoctor {

// Lines longer than this are cut; the rest of the line is skipped.
inline constexpr std::size_t kMaxLineBytes = std::size_t{64} * 1024;

struct LineStats {
  std::size_t lines = 0;
  std::size_t truncated = 0; // lines cut at kMaxLineBytes
};

// Calls `on_line(line_number, text, truncated)` for every line of the file
// descriptor (without the newline). Reads in large blocks.
Result<LineStats>
for_each_line(int fd, const std::string& name,
              const std::function<void(std::size_t, std::string_view, bool)>& on_line);

// Opens `path` (refusing directories, FIFOs and devices unless `allow_special`)
// and streams it like for_each_line. Errors name the path.
Result<LineStats>
for_each_line_in_file(const std::string& path,
                      const std::function<void(std::size_t, std::string_view, bool)>& on_line,
                      bool allow_special = false);

// The block size of for_each_line_block.
inline constexpr std::size_t kLineBlockBytes = std::size_t{1} << 20;

// Streams `path` in 1 MiB blocks of whole lines: each block ends
// with a newline, except at the end of the file. A line longer than the
// block is passed alone in its first 1 MiB and the rest of it is skipped.
// Holes of sparse files are skipped, not read. For scanners that search
// whole blocks before looking at lines.
// `allow_pipe`: for an input named on the command line, also a FIFO or pipe
// (`<(dmesg)`, /dev/stdin) and "-" for standard input; found files stay
// regular files only.
Result<std::uint64_t>
for_each_line_block(const std::string& path,
                    const std::function<void(std::string_view block)>& on_block,
                    bool allow_pipe = false);

// The same on an open file descriptor; errors name `name`. A regular file
// is mapped (mmap) rather than read, up to its size when the scan begins;
// one that shrinks meanwhile is an error, not a crash.
Result<std::uint64_t>
for_each_line_block(int fd, const std::string& name,
                    const std::function<void(std::string_view block)>& on_block);

// The same with read(2) whatever the file: the blocks the mapped path must
// equal (tests).
Result<std::uint64_t>
for_each_line_block_by_read(int fd, const std::string& name,
                            const std::function<void(std::string_view block)>& on_block);

// The lines of a text in memory, without their newlines, numbered from 1:
// `for (auto [number, line] : TextLines(text))`. A trailing newline ends the
// last line (it adds no empty one); an empty text has no lines.
class TextLines {
public:
  struct Line {
    std::size_t number;
    std::string_view text;
  };
  class iterator {
  public:
    iterator(std::string_view text, std::size_t start) : text_(text), start_(start) {}
    Line operator*() const {
      std::size_t nl = text_.find('\n', start_);
      return {number_, text_.substr(start_, nl == std::string_view::npos ? nl : nl - start_)};
    }
    iterator& operator++() {
      std::size_t nl = text_.find('\n', start_);
      start_ = nl == std::string_view::npos ? text_.size() : nl + 1;
      ++number_;
      return *this;
    }
    bool operator!=(const iterator& other) const { return start_ != other.start_; }

  private:
    std::string_view text_;
    std::size_t start_;
    std::size_t number_ = 1;
  };
  explicit TextLines(std::string_view text) : text_(text) {}
  iterator begin() const { return {text_, 0}; }
  iterator end() const { return {text_, text_.size()}; }

private:
  std::string_view text_;
};

// Reads a small text file completely, up to `limit` bytes (the rest is an error).
Result<std::string> read_small_file(const std::string& path, std::size_t limit = 1 << 20);

} // namespace lsmdoctor
