// The POSIX ustar archive format, both ways, without touching files: a
// writer that builds an archive in memory and a streaming reader that
// checks every header and every member path before anything is extracted.
#pragma once

#include "core/result.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace lsmdoctor {

inline constexpr std::size_t kTarBlock = 512;

// Builds a ustar archive: regular files and directories only, paths
// relative, at most 255 bytes (split over the prefix and name fields).
class TarWriter {
public:
  // Adds a regular file; an error for a path ustar cannot hold.
  Result<bool> add_file(const std::string& path, std::string_view content, unsigned mode = 0644,
                        std::int64_t mtime = 0);
  Result<bool> add_directory(const std::string& path, unsigned mode = 0755, std::int64_t mtime = 0);
  // The archive with its two closing zero blocks.
  std::string finish() &&;

private:
  Result<bool> add_header(const std::string& path, char type, std::uint64_t size, unsigned mode,
                          std::int64_t mtime);
  std::string out_;
};

struct TarMember {
  std::string path; // as stored (prefix/name joined)
  char type = '0';  // '0' file, '5' directory, '1' hard link, '2' symlink, ...
  std::uint64_t size = 0;
  unsigned mode = 0;
  std::string link; // link target, for '1' and '2'
};

// Why a member path must not be extracted ("absolute path", "contains
// '..'", ...), or nullopt when it is a safe relative path.
std::optional<std::string> unsafe_member_path(std::string_view path);

// Reads a ustar stream from `read` (which returns bytes read, 0 at the end,
// -1 on error). next() returns the next header (nullopt at the end of the
// archive); the member's data is consumed by read_data() or skipped by the
// following next().
class TarReader {
public:
  using ReadFn = std::function<long(char*, std::size_t)>;
  TarReader(ReadFn read, std::string name);

  Result<std::optional<TarMember>> next();
  // Passes the current member's data to `sink` in chunks, at most `limit`
  // bytes; an error when the member is larger or the archive is truncated.
  Result<bool> read_data(const std::function<void(std::string_view)>& sink, std::uint64_t limit);

private:
  Result<bool> read_exact(char* buf, std::size_t size);
  Result<bool> skip(std::uint64_t size);
  ReadFn read_;
  std::string name_;
  std::uint64_t remaining_ = 0; // data bytes of the current member not yet consumed
  std::uint64_t padding_ = 0;   // zero padding after them
  std::uint64_t offset_ = 0;    // bytes consumed, for messages
};

} // namespace lsmdoctor
