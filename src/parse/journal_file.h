// A read-only reader of systemd journal files, the binary format documented
// at https://systemd.io/JOURNAL_FILE_FORMAT (systemd's docs/
// JOURNAL_FILE_FORMAT.md): the header, entry arrays, entries, data objects
// (uncompressed or compressed with xz, lz4 or zstd) and field objects, in
// the regular and the compact layout.
//
// The reader works on the bytes of a whole file (mapped by the caller) and
// trusts nothing in them: every offset is checked for alignment and range,
// every object for its type and size, every chain for progress, so a
// damaged or hostile file ends a walk with an error naming the offset
// instead of a crash or an endless loop. It never writes.
#pragma once

#include "core/result.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

namespace lsmdoctor::journal_file {

using Id128 = std::array<std::uint8_t, 16>;

// What the reader uses of the file header.
struct Header {
  std::uint32_t compatible_flags = 0;
  std::uint32_t incompatible_flags = 0;
  std::uint8_t state = 0; // 0 offline, 1 online (being written), 2 archived
  Id128 seqnum_id{};
  std::uint64_t header_size = 0;
  std::uint64_t arena_size = 0;
  std::uint64_t field_hash_table_offset = 0;
  std::uint64_t field_hash_table_size = 0;
  std::uint64_t n_entries = 0;
  std::uint64_t entry_array_offset = 0;
  std::uint64_t tail_entry_realtime = 0;
  bool compact() const { return (incompatible_flags & kCompact) != 0; }

  static constexpr std::uint32_t kCompressedXz = 1U << 0;
  static constexpr std::uint32_t kCompressedLz4 = 1U << 1;
  static constexpr std::uint32_t kKeyedHash = 1U << 2;
  static constexpr std::uint32_t kCompressedZstd = 1U << 3;
  static constexpr std::uint32_t kCompact = 1U << 4;
  static constexpr std::uint32_t kKnownIncompatible =
      kCompressedXz | kCompressedLz4 | kKeyedHash | kCompressedZstd | kCompact;
};

// The header at the start of `bytes` (at least the header's own size),
// whatever features it declares.
Result<Header> parse_header(std::span<const std::uint8_t> bytes);

// An ENTRY object's fixed part.
struct Entry {
  std::uint64_t offset = 0;
  std::uint64_t seqnum = 0;
  std::uint64_t realtime = 0;
  std::uint64_t monotonic = 0;
  Id128 boot_id{};
  std::uint64_t xor_hash = 0;
  std::uint64_t n_items = 0;
};

// The links of a DATA object to the entries that carry it.
struct DataLinks {
  std::uint64_t entry_offset = 0;       // the first entry, stored inline
  std::uint64_t entry_array_offset = 0; // the chain of the others
  std::uint64_t n_entries = 0;          // all of them, the inline one included
};

// The largest payload a compressed DATA object may expand to.
inline constexpr std::size_t kMaxPayloadBytes = std::size_t{64} << 20;

class File {
public:
  // Checks the header of `bytes`, the whole file. Errors: not a journal
  // file, a header field out of range, an incompatible feature this reader
  // does not know (the caller can use another reader then).
  static Result<File> open(std::span<const std::uint8_t> bytes);

  const Header& header() const { return header_; }
  // The bytes the file's objects may occupy (the header's declared size,
  // or less when the file was cut short).
  std::uint64_t end() const { return end_; }

  // The ENTRY object at `offset`.
  Result<Entry> entry(std::uint64_t offset) const;
  // The DATA object offset in item `i` of `entry` (i < entry.n_items).
  std::uint64_t item(const Entry& entry, std::uint64_t i) const;
  // The payload of the DATA object at `offset` ("FIELD=value"): a view
  // into the file, or into `scratch` when the object is compressed.
  Result<std::string_view> data(std::uint64_t offset, std::string& scratch) const;
  // The same for a copy of the whole DATA object at `offset` (read from
  // the file by other means than the bytes given to open()).
  Result<std::string_view> data_copy(std::uint64_t offset, std::span<const std::uint8_t> copy,
                                     std::string& scratch) const;
  Result<DataLinks> data_links(std::uint64_t offset) const;

  // Visits the DATA objects of field `name` (offset and payload), through
  // the field hash table and the field's chain of data objects. `visit`
  // returns false to stop. Returns the number visited.
  Result<std::uint64_t>
  for_each_data_of_field(std::string_view name, std::string& scratch,
                         const std::function<bool(std::uint64_t, std::string_view)>& visit) const;

  // The last entry of the chain `links` describes (0 when it has none).
  Result<std::uint64_t> last_entry_of(const DataLinks& links) const;

private:
  File(std::span<const std::uint8_t> bytes, Header header, std::uint64_t end)
      : bytes_(bytes), header_(header), end_(end) {}

  // Checks the object header at `offset` (alignment, range, type, minimum
  // size); returns the object's size.
  Result<std::uint64_t> object(std::uint64_t offset, std::uint8_t type,
                               std::uint64_t min_size) const;
  Result<std::string_view> decode(std::uint64_t offset, std::span<const std::uint8_t> object,
                                  std::string& scratch) const;
  std::uint64_t u64(std::uint64_t at) const;
  std::uint32_t u32(std::uint64_t at) const;
  // The first FIELD object of the field hash table chain holding `name`.
  Result<std::uint64_t> find_field(std::string_view name) const;
  Result<std::uint64_t> next_data_of_field(std::uint64_t data) const;
  Result<std::uint64_t> head_data_of_field(std::uint64_t field) const;

  std::span<const std::uint8_t> bytes_;
  Header header_;
  std::uint64_t end_ = 0;

  friend class ChainCursor;
};

// Walks a chain of entry arrays (the file's list of all entries, or the
// entries of one DATA object) one entry offset at a time, in file order.
// Offsets must rise strictly: anything else is damage.
class ChainCursor {
public:
  ChainCursor() = default;
  // The file's chain of every entry.
  static ChainCursor all_entries(const File& file);
  // The entries carrying a DATA object.
  static ChainCursor entries_of(const File& file, const DataLinks& links);

  // The next entry offset, 0 at the end; an error at damage (the cursor
  // then stays at the end).
  Result<std::uint64_t> next();

private:
  const File* file_ = nullptr;
  std::uint64_t inline_first_ = 0; // a DATA object's inline first entry
  std::uint64_t array_ = 0;        // the current ENTRY_ARRAY object
  std::uint64_t index_ = 0;        // the next item in it
  std::uint64_t capacity_ = 0;     // its number of items (0: not read yet)
  std::uint64_t remaining_ = 0;    // entries still to come
  std::uint64_t last_ = 0;         // the previous offset handed out
  bool done_ = true;
};

} // namespace lsmdoctor::journal_file
