// Builds small journal files by hand (systemd's JOURNAL_FILE_FORMAT) for the
// tests of the journal file reader and the seeds of its fuzz target: what
// systemd-journal-remote cannot make here (xz and lz4 objects, files of a
// few hundred bytes) and damage at a chosen place. Hashes are left 0: the
// reader does not use them.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace test {

class JournalFileBuilder {
public:
  static constexpr std::uint64_t kHeaderSize = 272;
  static constexpr std::uint64_t kBuckets = 4;

  explicit JournalFileBuilder(bool compact) : compact_(compact) {
    bytes_.assign(kHeaderSize, 0);
    table_ = append(5, 16 * kBuckets); // FIELD_HASH_TABLE
  }

  // A DATA object with `payload` ("FIELD=value"); with object flags
  // (1 xz, 2 lz4, 4 zstd) its stored bytes are `stored` instead.
  std::uint64_t data(const std::string& payload, std::uint8_t flags = 0,
                     const std::string& stored = {}) {
    std::uint64_t field = field_object(payload.substr(0, payload.find('=')));
    const std::string& body = flags != 0 ? stored : payload;
    std::uint64_t fixed = compact_ ? 72 : 64;
    std::uint64_t at = append(1, fixed - 16 + body.size(), flags);
    put64(at + 32, get64(field + 32)); // next_field_offset: the field's old head
    put64(field + 32, at);             // the field's head_data_offset
    std::memcpy(bytes_.data() + at + fixed, body.data(), body.size());
    data_entries_[at];
    if (flags == 4)
      incompatible_ |= 8;
    else if (flags != 0)
      incompatible_ |= flags; // xz 1, lz4 2: the same bits in the header
    return at;
  }

  std::uint64_t entry(std::uint64_t seqnum, std::uint64_t realtime, std::uint64_t monotonic,
                      std::uint8_t boot, const std::vector<std::uint64_t>& items) {
    std::uint64_t item_size = compact_ ? 4 : 16;
    std::uint64_t at = append(3, 48 + items.size() * item_size);
    put64(at + 16, seqnum);
    put64(at + 24, realtime);
    put64(at + 32, monotonic);
    std::memset(bytes_.data() + at + 40, boot, 16);
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (compact_)
        put32(at + 64 + i * 4, static_cast<std::uint32_t>(items[i]));
      else
        put64(at + 64 + i * 16, items[i]);
      data_entries_[items[i]].push_back(at);
    }
    entries_.push_back(at);
    if (head_realtime_ == 0)
      head_realtime_ = realtime;
    tail_realtime_ = realtime;
    return at;
  }

  // Links the entries into the file's chain and each DATA object's, fills
  // in the header and returns the file.
  std::vector<std::uint8_t> finish() {
    std::uint64_t global = chain(entries_);
    for (auto& [data, entries] : data_entries_) {
      if (entries.empty())
        continue;
      put64(data + 40, entries.front());
      if (entries.size() > 1)
        put64(data + 48, chain({entries.begin() + 1, entries.end()}));
      put64(data + 56, entries.size());
    }
    std::memcpy(bytes_.data(), "LPKSHHRH", 8);
    put32(12, incompatible_ | (compact_ ? 16U : 0U));
    put64(88, kHeaderSize);
    put64(96, bytes_.size() - kHeaderSize);
    put64(120, table_ + 16);
    put64(128, 16 * kBuckets);
    put64(136, last_object_);
    put64(152, entries_.size());
    put64(176, global);
    put64(184, head_realtime_);
    put64(192, tail_realtime_);
    return bytes_;
  }

  static std::uint64_t get64(const std::vector<std::uint8_t>& b, std::uint64_t at) {
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i)
      v = (v << 8) | b[at + static_cast<std::uint64_t>(i)];
    return v;
  }
  static void put64(std::vector<std::uint8_t>& b, std::uint64_t at, std::uint64_t v) {
    for (int i = 0; i < 8; ++i)
      b[at + static_cast<std::uint64_t>(i)] = static_cast<std::uint8_t>(v >> (8 * i));
  }

private:
  std::uint64_t append(std::uint8_t type, std::uint64_t payload, std::uint8_t flags = 0) {
    std::uint64_t at = bytes_.size();
    std::uint64_t size = 16 + payload;
    bytes_.resize(at + ((size + 7) & ~std::uint64_t{7}), 0);
    bytes_[at] = type;
    bytes_[at + 1] = flags;
    put64(at + 8, size);
    last_object_ = at;
    return at;
  }

  std::uint64_t field_object(const std::string& name) {
    if (auto it = fields_.find(name); it != fields_.end())
      return it->second;
    std::uint64_t at = append(2, 24 + name.size());
    std::memcpy(bytes_.data() + at + 40, name.data(), name.size());
    std::uint64_t bucket = table_ + 16 + 16 * (std::hash<std::string>()(name) % kBuckets);
    put64(at + 24, get64(bucket)); // next_hash_offset: the bucket's old head
    put64(bucket, at);
    fields_[name] = at;
    return at;
  }

  // Entry arrays for `offsets`: one of two items, then one with the rest
  // and an unused slot, so walks cross a link and stop at a zero.
  std::uint64_t chain(const std::vector<std::uint64_t>& offsets) {
    std::uint64_t item_size = compact_ ? 4 : 8;
    std::size_t head = std::min<std::size_t>(2, offsets.size());
    std::uint64_t first = append(6, 8 + 2 * item_size);
    put_items(first, {offsets.begin(), offsets.begin() + static_cast<std::ptrdiff_t>(head)});
    if (offsets.size() > head) {
      std::uint64_t second = append(6, 8 + (offsets.size() - head + 1) * item_size);
      put_items(second, {offsets.begin() + static_cast<std::ptrdiff_t>(head), offsets.end()});
      put64(first + 16, second);
    }
    return first;
  }

  void put_items(std::uint64_t array, const std::vector<std::uint64_t>& offsets) {
    for (std::size_t i = 0; i < offsets.size(); ++i) {
      if (compact_)
        put32(array + 24 + i * 4, static_cast<std::uint32_t>(offsets[i]));
      else
        put64(array + 24 + i * 8, offsets[i]);
    }
  }

  std::uint64_t get64(std::uint64_t at) const { return get64(bytes_, at); }
  void put64(std::uint64_t at, std::uint64_t v) { put64(bytes_, at, v); }
  void put32(std::uint64_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i)
      bytes_[at + static_cast<std::uint64_t>(i)] = static_cast<std::uint8_t>(v >> (8 * i));
  }

  bool compact_;
  std::vector<std::uint8_t> bytes_;
  std::uint64_t table_ = 0;
  std::uint64_t last_object_ = 0;
  std::uint32_t incompatible_ = 0;
  std::uint64_t head_realtime_ = 0;
  std::uint64_t tail_realtime_ = 0;
  std::vector<std::uint64_t> entries_;
  std::map<std::string, std::uint64_t> fields_;
  std::map<std::uint64_t, std::vector<std::uint64_t>> data_entries_;
};

} // namespace test
