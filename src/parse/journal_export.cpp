#include "parse/journal_export.h"

#include <algorithm>
#include <fmt/format.h>

namespace lsmdoctor {
namespace {

constexpr std::size_t kBlock = 64 * 1024;
constexpr std::size_t kMaxName = 64;

// RFC 3629 UTF-8 without control characters (tab aside): what may stay a
// text line in the export format.
bool printable_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t') || c == 0x7f)
        return false;
      ++i;
      continue;
    }
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if ((c & 0xe0) == 0xc0) {
      n = 1;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      n = 2;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size())
      return false;
    for (std::size_t k = 1; k <= n; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80)
        return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    bool overlong = (n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000);
    if (overlong || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
      return false;
    i += n + 1;
  }
  return true;
}

} // namespace

const std::string* JournalExportEntry::find(std::string_view name) const {
  for (const auto& [n, v] : fields)
    if (n == name)
      return &v;
  return nullptr;
}

bool JournalExportEntry::has(std::string_view name, std::string_view value) const {
  return std::any_of(fields.begin(), fields.end(),
                     [&](const auto& f) { return f.first == name && f.second == value; });
}

bool valid_journal_field_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxName || (name[0] >= '0' && name[0] <= '9'))
    return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

JournalExportReader::JournalExportReader(ReadFn read, std::string name, JournalExportLimits limits)
    : read_(std::move(read)), name_(std::move(name)), limits_(limits) {}

Result<bool> JournalExportReader::fill(std::size_t want) {
  if (pos_ > 0 && (pos_ >= kBlock || pos_ * 2 >= buf_.size())) {
    consumed_ += pos_;
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  while (buf_.size() - pos_ < want && !at_end_) {
    std::size_t old = buf_.size();
    std::size_t chunk = std::max(kBlock, std::min<std::size_t>(want, std::size_t{1} << 24));
    buf_.resize(old + chunk);
    long n = read_(buf_.data() + old, chunk);
    buf_.resize(old + static_cast<std::size_t>(std::max(n, 0L)));
    if (n < 0)
      return make_error(fmt::format("{}: read failed at byte {}", name_, consumed_ + old));
    if (n == 0)
      at_end_ = true;
  }
  return true;
}

Result<bool> JournalExportReader::read_line(std::string& line, bool& eof) {
  const std::size_t max_line = limits_.field_bytes + kMaxName + 1;
  std::size_t scanned = 0; // bytes after pos_ known to hold no newline
  eof = false;
  for (;;) {
    std::size_t nl = buf_.find('\n', pos_ + scanned);
    if (nl != std::string::npos) {
      line.assign(buf_, pos_, nl - pos_);
      pos_ = nl + 1;
      return true;
    }
    scanned = buf_.size() - pos_;
    if (scanned > max_line)
      return make_error(
          fmt::format("{}: a line longer than {} bytes at byte {}", name_, max_line, offset()));
    if (at_end_) {
      line.assign(buf_, pos_, std::string::npos);
      pos_ = buf_.size();
      eof = true;
      return true;
    }
    TRY(ok, fill(scanned + kBlock));
    (void)ok;
  }
}

Result<bool> JournalExportReader::next(JournalExportEntry& entry) {
  entry.fields.clear();
  std::string line;
  for (;;) {
    std::uint64_t line_at = offset();
    bool eof = false;
    TRY(ok, read_line(line, eof));
    (void)ok;
    if (line.empty()) {
      if (!entry.fields.empty())
        return true;
      if (eof)
        return false;
      continue;
    }
    if (entry.fields.size() >= limits_.entry_fields)
      return make_error(fmt::format("{}: an entry with more than {} fields at byte {}", name_,
                                    limits_.entry_fields, line_at));
    std::size_t eq = line.find('=');
    std::string_view name = std::string_view(line).substr(0, eq);
    if (!valid_journal_field_name(name))
      return make_error(fmt::format("{}: not a journal field name at byte {}: '{}'", name_, line_at,
                                    name.substr(0, 64)));
    if (eq != std::string::npos) {
      if (line.size() - eq - 1 > limits_.field_bytes)
        return make_error(fmt::format("{}: field {} at byte {} is longer than {} bytes", name_,
                                      name, line_at, limits_.field_bytes));
      entry.fields.emplace_back(std::string(name), line.substr(eq + 1));
      if (eof)
        return true;
      continue;
    }
    // The binary form: a little-endian 64-bit length, the bytes, a newline.
    if (eof)
      return make_error(
          fmt::format("{}: field {} at byte {} has no value (truncated?)", name_, name, line_at));
    TRY(have_length, fill(8));
    (void)have_length;
    if (buf_.size() - pos_ < 8)
      return make_error(
          fmt::format("{}: truncated in the length of field {} at byte {}", name_, name, line_at));
    std::uint64_t length = 0;
    for (int i = 7; i >= 0; --i)
      length = (length << 8) | static_cast<unsigned char>(buf_[pos_ + static_cast<std::size_t>(i)]);
    if (length > limits_.field_bytes)
      return make_error(fmt::format("{}: field {} at byte {} declares {} bytes, more than {}",
                                    name_, name, line_at, length, limits_.field_bytes));
    pos_ += 8;
    auto size = static_cast<std::size_t>(length);
    TRY(have_value, fill(size + 1));
    (void)have_value;
    if (buf_.size() - pos_ < size + 1)
      return make_error(
          fmt::format("{}: truncated in the value of field {} at byte {}", name_, name, line_at));
    if (buf_[pos_ + size] != '\n')
      return make_error(fmt::format("{}: field {} at byte {}: no newline after its {} bytes", name_,
                                    name, line_at, size));
    entry.fields.emplace_back(std::string(name), buf_.substr(pos_, size));
    pos_ += size + 1;
  }
}

std::string
format_journal_export_entry(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    out += name;
    if (printable_utf8(value)) {
      out += '=';
      out += value;
    } else {
      out += '\n';
      std::uint64_t length = value.size();
      for (int i = 0; i < 8; ++i)
        out += static_cast<char>((length >> (8 * i)) & 0xff);
      out += value;
    }
    out += '\n';
  }
  out += '\n';
  return out;
}

} // namespace lsmdoctor
