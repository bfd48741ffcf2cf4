#include "parse/tar.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <fmt/format.h>

namespace lsmdoctor {
namespace {

// ustar header fields: offset and width.
struct Field {
  std::size_t at;
  std::size_t width;
};
constexpr Field kName{0, 100};
constexpr Field kMode{100, 8};
constexpr Field kUid{108, 8};
constexpr Field kGid{116, 8};
constexpr Field kSize{124, 12};
constexpr Field kMtime{136, 12};
constexpr Field kChecksum{148, 8};
constexpr std::size_t kType = 156;
constexpr Field kLink{157, 100};
constexpr Field kMagic{257, 6};
constexpr Field kVersion{263, 2};
constexpr Field kPrefix{345, 155};

using Header = std::array<char, kTarBlock>;

std::string_view field_text(const Header& h, Field f) {
  std::string_view text(h.data() + f.at, f.width);
  return text.substr(0, text.find('\0'));
}

void put_octal(Header& h, Field f, std::uint64_t value) {
  // width-1 octal digits and a NUL, zero padded.
  std::string digits = fmt::format("{:0{}o}", value, f.width - 1);
  std::memcpy(h.data() + f.at, digits.data(), f.width - 1);
}

void put_text(Header& h, Field f, std::string_view text) {
  std::memcpy(h.data() + f.at, text.data(), std::min(text.size(), f.width));
}

std::uint64_t checksum_of(const Header& h) {
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < kTarBlock; ++i) {
    bool in_checksum = i >= kChecksum.at && i < kChecksum.at + kChecksum.width;
    sum += in_checksum ? ' ' : static_cast<unsigned char>(h[i]);
  }
  return sum;
}

// Octal with optional spaces and NULs around it, or GNU base-256 (high bit set).
std::optional<std::uint64_t> parse_number(const Header& h, Field f) {
  const auto* p = reinterpret_cast<const unsigned char*>(h.data() + f.at);
  if ((p[0] & 0x80) != 0) {
    std::uint64_t value = p[0] & 0x3f;
    if ((p[0] & 0x40) != 0)
      return std::nullopt; // negative
    for (std::size_t i = 1; i < f.width; ++i) {
      if (value > (UINT64_MAX >> 8))
        return std::nullopt;
      value = (value << 8) | p[i];
    }
    return value;
  }
  std::size_t i = 0;
  while (i < f.width && (p[i] == ' ' || p[i] == '0'))
    ++i;
  std::uint64_t value = 0;
  for (; i < f.width && p[i] >= '0' && p[i] <= '7'; ++i) {
    if (value > (UINT64_MAX >> 3))
      return std::nullopt;
    value = (value << 3) | static_cast<std::uint64_t>(p[i] - '0');
  }
  for (; i < f.width; ++i)
    if (p[i] != ' ' && p[i] != '\0')
      return std::nullopt;
  return value;
}

bool all_zero(const Header& h) {
  return std::all_of(h.begin(), h.end(), [](char c) { return c == '\0'; });
}

} // namespace

Result<bool> TarWriter::add_header(const std::string& path, char type, std::uint64_t size,
                                   unsigned mode, std::int64_t mtime) {
  if (auto unsafe = unsafe_member_path(path))
    return make_error(fmt::format("{}: {}", path, *unsafe));
  Header h{};
  std::string name = path;
  std::string prefix;
  if (name.size() > kName.width) {
    // Split at a slash so that the prefix fits 155 bytes and the name 100.
    std::size_t cut = name.rfind('/', kPrefix.width);
    if (cut == std::string::npos || name.size() - cut - 1 > kName.width || cut == 0)
      return make_error(fmt::format("{}: path too long for a ustar archive", path));
    prefix = name.substr(0, cut);
    name = name.substr(cut + 1);
  }
  put_text(h, kName, name);
  put_octal(h, kMode, mode & 07777);
  put_octal(h, kUid, 0);
  put_octal(h, kGid, 0);
  if (size > 077777777777ULL)
    return make_error(fmt::format("{}: larger than 8 GiB; not archived", path));
  put_octal(h, kSize, size);
  put_octal(h, kMtime, static_cast<std::uint64_t>(std::max<std::int64_t>(mtime, 0)));
  h[kType] = type;
  put_text(h, kMagic, std::string_view("ustar\0", 6));
  put_text(h, kVersion, "00");
  put_text(h, kPrefix, prefix);
  std::string sum = fmt::format("{:06o}", checksum_of(h));
  std::memcpy(h.data() + kChecksum.at, sum.data(), 6);
  h[kChecksum.at + 6] = '\0';
  h[kChecksum.at + 7] = ' ';
  out_.append(h.data(), h.size());
  return true;
}

Result<bool> TarWriter::add_file(const std::string& path, std::string_view content, unsigned mode,
                                 std::int64_t mtime) {
  TRY(ok, add_header(path, '0', content.size(), mode, mtime));
  out_.append(content);
  out_.append((kTarBlock - content.size() % kTarBlock) % kTarBlock, '\0');
  return ok;
}

Result<bool> TarWriter::add_directory(const std::string& path, unsigned mode, std::int64_t mtime) {
  std::string dir = path;
  if (dir.empty() || dir.back() != '/')
    dir += '/';
  return add_header(dir, '5', 0, mode, mtime);
}

std::string TarWriter::finish() && {
  out_.append(2 * kTarBlock, '\0');
  return std::move(out_);
}

std::optional<std::string> unsafe_member_path(std::string_view path) {
  if (path.empty())
    return "empty path";
  if (path.front() == '/')
    return "absolute path";
  if (path.size() > 1024)
    return "path longer than 1024 bytes";
  std::size_t start = 0;
  int depth = 0;
  while (start <= path.size()) {
    std::size_t slash = path.find('/', start);
    std::string_view part = path.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (part == "..")
      return "contains '..'";
    if (!part.empty() && part != "." && ++depth > 32)
      return "more than 32 directory levels";
    if (slash == std::string_view::npos)
      break;
    start = slash + 1;
  }
  if (depth == 0)
    return "names no file";
  return std::nullopt;
}

TarReader::TarReader(ReadFn read, std::string name)
    : read_(std::move(read)), name_(std::move(name)) {}

Result<bool> TarReader::read_exact(char* buf, std::size_t size) {
  std::size_t done = 0;
  while (done < size) {
    long n = read_(buf + done, size - done);
    if (n < 0)
      return make_error(fmt::format("{}: read failed at byte {}", name_, offset_ + done));
    if (n == 0)
      return make_error(
          fmt::format("{}: truncated archive (ends at byte {})", name_, offset_ + done));
    done += static_cast<std::size_t>(n);
  }
  offset_ += size;
  return true;
}

Result<bool> TarReader::skip(std::uint64_t size) {
  std::array<char, 65536> buf{};
  while (size > 0) {
    auto chunk = static_cast<std::size_t>(std::min<std::uint64_t>(size, buf.size()));
    TRY(ok, read_exact(buf.data(), chunk));
    (void)ok;
    size -= chunk;
  }
  return true;
}

Result<std::optional<TarMember>> TarReader::next() {
  TRY(skipped, skip(remaining_ + padding_));
  (void)skipped;
  remaining_ = padding_ = 0;
  Header h{};
  // The end: two zero blocks, one zero block and the end of the stream, or
  // the end of the stream where a header would start.
  long first = read_(h.data(), 1);
  if (first == 0)
    return std::optional<TarMember>{};
  if (first < 0)
    return make_error(fmt::format("{}: read failed at byte {}", name_, offset_));
  offset_ += 1;
  TRY(rest, read_exact(h.data() + 1, kTarBlock - 1));
  (void)rest;
  if (all_zero(h))
    return std::optional<TarMember>{};
  std::uint64_t header_at = offset_ - kTarBlock;
  auto stored = parse_number(h, kChecksum);
  if (!stored || *stored != checksum_of(h))
    return make_error(fmt::format("{}: bad header checksum at byte {} (not a tar archive, or "
                                  "a corrupt one)",
                                  name_, header_at));
  if (field_text(h, kMagic).substr(0, 5) != "ustar")
    return make_error(fmt::format("{}: header at byte {} is not ustar", name_, header_at));
  TarMember m;
  std::string_view prefix = field_text(h, kPrefix);
  std::string_view name = field_text(h, kName);
  m.path = prefix.empty() ? std::string(name) : fmt::format("{}/{}", prefix, name);
  m.type = h[kType] == '\0' ? '0' : h[kType];
  m.link = std::string(field_text(h, kLink));
  auto size = parse_number(h, kSize);
  auto mode = parse_number(h, kMode);
  if (!size || !mode)
    return make_error(fmt::format("{}: {}: bad size or mode field", name_, m.path));
  m.mode = static_cast<unsigned>(*mode & 07777);
  // Links and directories carry no data, whatever the size field says.
  bool has_data = m.type != '1' && m.type != '2' && m.type != '3' && m.type != '4' &&
                  m.type != '5' && m.type != '6';
  m.size = has_data ? *size : 0;
  remaining_ = m.size;
  padding_ = (kTarBlock - m.size % kTarBlock) % kTarBlock;
  return std::optional<TarMember>{std::move(m)};
}

Result<bool> TarReader::read_data(const std::function<void(std::string_view)>& sink,
                                  std::uint64_t limit) {
  if (remaining_ > limit)
    return make_error(fmt::format("{}: member of {} bytes is larger than the limit of {}", name_,
                                  remaining_, limit));
  std::array<char, 65536> buf{};
  while (remaining_ > 0) {
    auto chunk = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, buf.size()));
    TRY(ok, read_exact(buf.data(), chunk));
    (void)ok;
    remaining_ -= chunk;
    sink(std::string_view(buf.data(), chunk));
  }
  return true;
}

} // namespace lsmdoctor
