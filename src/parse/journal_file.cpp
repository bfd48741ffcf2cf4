#include "parse/journal_file.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <fmt/format.h>
#include <lz4.h>
#include <lzma.h>
#include <memory>
#include <zstd.h>

namespace lsmdoctor::journal_file {
namespace {

// Object types and the sizes of their fixed parts (JOURNAL_FILE_FORMAT.md).
constexpr std::uint8_t kData = 1;
constexpr std::uint8_t kField = 2;
constexpr std::uint8_t kEntry = 3;
constexpr std::uint8_t kEntryArray = 6;
constexpr std::uint64_t kObjectHeader = 16;
constexpr std::uint64_t kDataRegular = 64;
constexpr std::uint64_t kDataCompact = 72;
constexpr std::uint64_t kFieldFixed = 40;
constexpr std::uint64_t kEntryFixed = 64;
constexpr std::uint64_t kEntryArrayFixed = 24;
// Fields up to n_data exist in every version of the header.
constexpr std::uint64_t kHeaderMin = 208;

constexpr std::uint8_t kObjectXz = 1U << 0;
constexpr std::uint8_t kObjectLz4 = 1U << 1;
constexpr std::uint8_t kObjectZstd = 1U << 2;

// A little-endian integer at `p` (any alignment).
template <class T> T little_endian(const std::uint8_t* p) {
  T v = 0;
  std::memcpy(&v, p, sizeof v);
  if constexpr (std::endian::native == std::endian::big)
    v = sizeof v == 8 ? static_cast<T>(__builtin_bswap64(v)) : static_cast<T>(__builtin_bswap32(v));
  return v;
}

std::uint64_t le64(const std::uint8_t* p) {
  return little_endian<std::uint64_t>(p);
}

std::uint32_t le32(const std::uint8_t* p) {
  return little_endian<std::uint32_t>(p);
}

Error damage(std::uint64_t offset, std::string_view what) {
  return make_error(fmt::format("offset {}: {}", offset, what));
}

Result<std::string_view> unzstd(std::span<const std::uint8_t> in, std::string& out) {
  struct Free {
    void operator()(ZSTD_DCtx* c) const { ZSTD_freeDCtx(c); }
  };
  thread_local std::unique_ptr<ZSTD_DCtx, Free> context(ZSTD_createDCtx());
  if (!context)
    return make_error("zstd: out of memory");
  ZSTD_DCtx_reset(context.get(), ZSTD_reset_session_only);
  out.resize(std::max<std::size_t>(in.size() * 4, 256));
  ZSTD_inBuffer src{in.data(), in.size(), 0};
  ZSTD_outBuffer dst{out.data(), out.size(), 0};
  for (;;) {
    std::size_t r = ZSTD_decompressStream(context.get(), &dst, &src);
    if (ZSTD_isError(r) != 0)
      return make_error(fmt::format("zstd: {}", ZSTD_getErrorName(r)));
    if (r == 0)
      break; // a frame is complete
    if (dst.pos < dst.size) {
      if (src.pos == src.size)
        return make_error("zstd: truncated frame");
      continue;
    }
    if (out.size() >= kMaxPayloadBytes)
      return make_error("zstd: payload larger than 64 MiB");
    out.resize(std::min(out.size() * 2, kMaxPayloadBytes));
    dst.dst = out.data();
    dst.size = out.size();
  }
  out.resize(dst.pos);
  return std::string_view(out);
}

Result<std::string_view> unlz4(std::span<const std::uint8_t> in, std::string& out) {
  // systemd stores the uncompressed size (le64) before the LZ4 block.
  if (in.size() < 8)
    return make_error("lz4: no size");
  std::uint64_t size = le64(in.data());
  if (size > kMaxPayloadBytes || size > static_cast<std::uint64_t>(LZ4_MAX_INPUT_SIZE))
    return make_error("lz4: payload larger than 64 MiB");
  if (in.size() - 8 > static_cast<std::size_t>(LZ4_MAX_INPUT_SIZE))
    return make_error("lz4: object too large");
  out.resize(size);
  int n = LZ4_decompress_safe(reinterpret_cast<const char*>(in.data() + 8), out.data(),
                              static_cast<int>(in.size() - 8), static_cast<int>(size));
  if (n < 0 || static_cast<std::uint64_t>(n) != size)
    return make_error("lz4: corrupt block");
  return std::string_view(out);
}

Result<std::string_view> unxz(std::span<const std::uint8_t> in, std::string& out) {
  lzma_stream stream = LZMA_STREAM_INIT;
  // The memory limit bounds what a hostile stream's dictionary may claim.
  if (lzma_stream_decoder(&stream, 64U << 20, 0) != LZMA_OK)
    return make_error("xz: cannot start the decoder");
  struct End {
    lzma_stream* s;
    ~End() { lzma_end(s); }
  } end{&stream};
  out.resize(std::max<std::size_t>(in.size() * 4, 256));
  stream.next_in = in.data();
  stream.avail_in = in.size();
  std::size_t produced = 0;
  for (;;) {
    stream.next_out = reinterpret_cast<std::uint8_t*>(out.data()) + produced;
    stream.avail_out = out.size() - produced;
    lzma_ret r = lzma_code(&stream, LZMA_FINISH);
    produced = out.size() - stream.avail_out;
    if (r == LZMA_STREAM_END)
      break;
    if (r != LZMA_OK && r != LZMA_BUF_ERROR)
      return make_error(fmt::format("xz: corrupt stream (code {})", static_cast<int>(r)));
    if (stream.avail_out > 0)
      return make_error("xz: truncated stream");
    if (out.size() >= kMaxPayloadBytes)
      return make_error("xz: payload larger than 64 MiB");
    out.resize(std::min(out.size() * 2, kMaxPayloadBytes));
  }
  out.resize(produced);
  return std::string_view(out);
}

} // namespace

std::string fmt_loop_error(std::uint64_t offset) {
  return fmt::format("offset {}: the chain does not end (a loop)", offset);
}

Result<Header> parse_header(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < kHeaderMin || std::memcmp(bytes.data(), "LPKSHHRH", 8) != 0)
    return make_error("not a journal file (no journal header)");
  const std::uint8_t* p = bytes.data();
  Header h;
  h.compatible_flags = le32(p + 8);
  h.incompatible_flags = le32(p + 12);
  h.state = p[16];
  std::memcpy(h.seqnum_id.data(), p + 72, 16);
  h.header_size = le64(p + 88);
  h.arena_size = le64(p + 96);
  h.field_hash_table_offset = le64(p + 120);
  h.field_hash_table_size = le64(p + 128);
  h.n_entries = le64(p + 152);
  h.entry_array_offset = le64(p + 176);
  h.tail_entry_realtime = le64(p + 192);
  if (h.header_size < kHeaderMin || h.header_size % 8 != 0 || h.header_size > bytes.size())
    return make_error(fmt::format("header size {} out of range", h.header_size));
  if (h.arena_size > UINT64_MAX - h.header_size)
    return make_error(fmt::format("arena size {} out of range", h.arena_size));
  return h;
}

Result<File> File::open(std::span<const std::uint8_t> bytes) {
  TRY(h, parse_header(bytes));
  if (std::uint32_t unknown = h.incompatible_flags & ~Header::kKnownIncompatible; unknown != 0)
    return make_error(fmt::format("uses incompatible journal format features lsm-doctor does "
                                  "not know (flags {:#x})",
                                  unknown));
  std::uint64_t end = std::min<std::uint64_t>(h.header_size + h.arena_size, bytes.size());
  return File(bytes, h, end);
}

std::uint64_t File::u64(std::uint64_t at) const {
  return le64(bytes_.data() + at);
}

std::uint32_t File::u32(std::uint64_t at) const {
  return le32(bytes_.data() + at);
}

Result<std::uint64_t> File::object(std::uint64_t offset, std::uint8_t type,
                                   std::uint64_t min_size) const {
  if (offset % 8 != 0 || offset < header_.header_size || offset > end_ ||
      end_ - offset < kObjectHeader)
    return damage(offset, "object offset out of range");
  std::uint8_t actual = bytes_[offset];
  std::uint64_t size = u64(offset + 8);
  if (actual != type)
    return damage(offset, fmt::format("object of type {} where type {} belongs", actual, type));
  if (size < min_size || size > end_ - offset)
    return damage(offset, fmt::format("object size {} out of range", size));
  return size;
}

Result<Entry> File::entry(std::uint64_t offset) const {
  TRY(size, object(offset, kEntry, kEntryFixed));
  Entry e;
  e.offset = offset;
  e.seqnum = u64(offset + 16);
  e.realtime = u64(offset + 24);
  e.monotonic = u64(offset + 32);
  std::memcpy(e.boot_id.data(), bytes_.data() + offset + 40, 16);
  e.xor_hash = u64(offset + 56);
  e.n_items = (size - kEntryFixed) / (header_.compact() ? 4 : 16);
  return e;
}

std::uint64_t File::item(const Entry& entry, std::uint64_t i) const {
  std::uint64_t at = entry.offset + kEntryFixed;
  return header_.compact() ? u32(at + i * 4) : u64(at + i * 16);
}

Result<std::string_view> File::data(std::uint64_t offset, std::string& scratch) const {
  std::uint64_t fixed = header_.compact() ? kDataCompact : kDataRegular;
  TRY(size, object(offset, kData, fixed));
  return decode(offset, bytes_.subspan(offset, size), scratch);
}

Result<std::string_view> File::data_copy(std::uint64_t offset, std::span<const std::uint8_t> copy,
                                         std::string& scratch) const {
  std::uint64_t fixed = header_.compact() ? kDataCompact : kDataRegular;
  if (offset % 8 != 0 || offset < header_.header_size || offset >= end_)
    return damage(offset, "object offset out of range");
  if (copy.size() < fixed || copy[0] != kData || le64(copy.data() + 8) != copy.size())
    return damage(offset, "not the data object it should be");
  return decode(offset, copy, scratch);
}

Result<std::string_view> File::decode(std::uint64_t offset, std::span<const std::uint8_t> object,
                                      std::string& scratch) const {
  std::uint64_t fixed = header_.compact() ? kDataCompact : kDataRegular;
  std::span<const std::uint8_t> payload = object.subspan(fixed);
  std::uint8_t flags = object[1] & (kObjectXz | kObjectLz4 | kObjectZstd);
  Result<std::string_view> plain = std::string_view();
  switch (flags) {
  case 0:
    return std::string_view(reinterpret_cast<const char*>(payload.data()), payload.size());
  case kObjectZstd:
    plain = unzstd(payload, scratch);
    break;
  case kObjectLz4:
    plain = unlz4(payload, scratch);
    break;
  case kObjectXz:
    plain = unxz(payload, scratch);
    break;
  default:
    return damage(offset, fmt::format("data object with several compression flags ({:#x})", flags));
  }
  if (!plain)
    return damage(offset, plain.error().message);
  return plain;
}

Result<DataLinks> File::data_links(std::uint64_t offset) const {
  TRY(size, object(offset, kData, header_.compact() ? kDataCompact : kDataRegular));
  (void)size;
  DataLinks links;
  links.entry_offset = u64(offset + 40);
  links.entry_array_offset = u64(offset + 48);
  links.n_entries = u64(offset + 56);
  return links;
}

Result<std::uint64_t> File::find_field(std::string_view name) const {
  std::uint64_t table = header_.field_hash_table_offset;
  std::uint64_t size = header_.field_hash_table_size;
  if (table == 0 || size == 0)
    return std::uint64_t{0};
  // journald makes it 1023 buckets (16 KiB); a table of more than a
  // million buckets is not one it wrote.
  constexpr std::uint64_t kMaxTableBytes = std::uint64_t{16} << 20;
  if (table % 8 != 0 || table < header_.header_size || table > end_ || size > end_ - table ||
      size % 16 != 0 || size > kMaxTableBytes)
    return damage(table, "field hash table out of range");
  // The table's buckets are scanned in full, so no hash function is needed
  // (the table holds a few dozen field names).
  const std::uint64_t max_steps = end_ / 16;
  std::uint64_t steps = 0;
  for (std::uint64_t at = table; at < table + size; at += 16) {
    std::uint64_t field = u64(at);
    while (field != 0) {
      if (++steps > max_steps)
        return make_error(fmt_loop_error(field));
      TRY(object_size, object(field, kField, kFieldFixed));
      std::string_view payload(reinterpret_cast<const char*>(bytes_.data()) + field + kFieldFixed,
                               object_size - kFieldFixed);
      if (payload == name)
        return field;
      field = u64(field + 24);
    }
  }
  return std::uint64_t{0};
}

Result<std::uint64_t> File::head_data_of_field(std::uint64_t field) const {
  TRY(size, object(field, kField, kFieldFixed));
  (void)size;
  return u64(field + 32);
}

Result<std::uint64_t> File::next_data_of_field(std::uint64_t data) const {
  TRY(size, object(data, kData, header_.compact() ? kDataCompact : kDataRegular));
  (void)size;
  return u64(data + 32);
}

Result<std::uint64_t> File::for_each_data_of_field(
    std::string_view name, std::string& scratch,
    const std::function<bool(std::uint64_t, std::string_view)>& visit) const {
  TRY(field, find_field(name));
  if (field == 0)
    return std::uint64_t{0};
  TRY(data, head_data_of_field(field));
  std::uint64_t visited = 0;
  // Each step moves to another object: a chain longer than the file has
  // room for objects is a loop.
  const std::uint64_t max_steps = end_ / kDataRegular;
  while (data != 0) {
    if (visited >= max_steps)
      return make_error(fmt_loop_error(data));
    TRY(payload, this->data(data, scratch));
    ++visited;
    if (!visit(data, payload))
      break;
    TRY(next, next_data_of_field(data));
    data = next;
  }
  return visited;
}

Result<std::uint64_t> File::last_entry_of(const DataLinks& links) const {
  if (links.n_entries <= 1)
    return links.n_entries == 1 ? links.entry_offset : std::uint64_t{0};
  // The chain holds the entries after the inline one; arrays double in
  // size, so this is a few hops.
  std::uint64_t remaining = links.n_entries - 1;
  std::uint64_t array = links.entry_array_offset;
  std::uint64_t item_size = header_.compact() ? 4 : 8;
  while (array != 0) {
    TRY(size, object(array, kEntryArray, kEntryArrayFixed + item_size));
    std::uint64_t capacity = (size - kEntryArrayFixed) / item_size;
    if (remaining <= capacity) {
      // The last used slot: at most `remaining`, fewer if the writer
      // stopped short.
      for (std::uint64_t i = remaining; i > 0; --i) {
        std::uint64_t at = array + kEntryArrayFixed + (i - 1) * item_size;
        std::uint64_t v = item_size == 4 ? u32(at) : u64(at);
        if (v != 0)
          return v;
      }
      return links.entry_offset;
    }
    remaining -= capacity;
    std::uint64_t next = u64(array + 16);
    if (next != 0 && next <= array)
      return damage(array, "entry array chain goes backwards");
    array = next;
  }
  return damage(links.entry_array_offset, "entry array chain shorter than its count");
}

ChainCursor ChainCursor::all_entries(const File& file) {
  ChainCursor c;
  c.file_ = &file;
  c.array_ = file.header().entry_array_offset;
  c.remaining_ = file.header().n_entries;
  c.done_ = false;
  return c;
}

ChainCursor ChainCursor::entries_of(const File& file, const DataLinks& links) {
  ChainCursor c;
  c.file_ = &file;
  c.inline_first_ = links.entry_offset;
  c.array_ = links.entry_array_offset;
  c.remaining_ = links.n_entries;
  c.done_ = false;
  return c;
}

Result<std::uint64_t> ChainCursor::next() {
  auto stop = [this](Error e) -> Result<std::uint64_t> {
    done_ = true;
    return e;
  };
  if (done_)
    return std::uint64_t{0};
  if (inline_first_ != 0 && remaining_ > 0) {
    std::uint64_t v = inline_first_;
    inline_first_ = 0;
    --remaining_;
    last_ = v;
    return v;
  }
  const std::uint64_t item_size = file_->header().compact() ? 4 : 8;
  for (;;) {
    if (remaining_ == 0 || array_ == 0) {
      done_ = true;
      return std::uint64_t{0};
    }
    if (capacity_ == 0) {
      auto size = file_->object(array_, kEntryArray, kEntryArrayFixed + item_size);
      if (!size)
        return stop(size.error());
      capacity_ = (*size - kEntryArrayFixed) / item_size;
      index_ = 0;
    }
    if (index_ == capacity_) {
      std::uint64_t next = file_->u64(array_ + 16);
      if (next != 0 && next <= array_)
        return stop(damage(array_, "entry array chain goes backwards"));
      array_ = next;
      capacity_ = 0;
      continue;
    }
    std::uint64_t at = array_ + kEntryArrayFixed + index_ * item_size;
    ++index_;
    std::uint64_t v = item_size == 4 ? file_->u32(at) : file_->u64(at);
    if (v == 0) { // an unused slot: the writer stopped here
      done_ = true;
      return std::uint64_t{0};
    }
    if (v <= last_)
      return stop(damage(array_, "entry offsets in the array do not rise"));
    --remaining_;
    last_ = v;
    return v;
  }
}

} // namespace lsmdoctor::journal_file
