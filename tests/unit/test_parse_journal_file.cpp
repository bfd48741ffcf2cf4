// The journal file reader on files built by hand: both layouts, the three
// compressions, and damage that must end a walk with an error, never with a
// crash or an endless loop.
#include "journal_file_builder.h"
#include "parse/journal_file.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <lz4.h>
#include <lzma.h>
#include <zstd.h>

using namespace lsmdoctor::journal_file;
using test::JournalFileBuilder;

namespace {

std::string zstd(const std::string& in) {
  std::string out(ZSTD_compressBound(in.size()), '\0');
  std::size_t n = ZSTD_compress(out.data(), out.size(), in.data(), in.size(), 3);
  REQUIRE_FALSE(ZSTD_isError(n));
  out.resize(n);
  return out;
}

std::string lz4(const std::string& in) {
  std::string out(8 + static_cast<std::size_t>(LZ4_compressBound(static_cast<int>(in.size()))),
                  '\0');
  for (int i = 0; i < 8; ++i)
    out[static_cast<std::size_t>(i)] = static_cast<char>(in.size() >> (8 * i));
  int n = LZ4_compress_default(in.data(), out.data() + 8, static_cast<int>(in.size()),
                               static_cast<int>(out.size() - 8));
  REQUIRE(n > 0);
  out.resize(8 + static_cast<std::size_t>(n));
  return out;
}

std::string xz(const std::string& in) {
  std::string out(in.size() + 256, '\0');
  std::size_t pos = 0;
  REQUIRE(lzma_easy_buffer_encode(
              6, LZMA_CHECK_NONE, nullptr, reinterpret_cast<const std::uint8_t*>(in.data()),
              in.size(), reinterpret_cast<std::uint8_t*>(out.data()), &pos, out.size()) == LZMA_OK);
  out.resize(pos);
  return out;
}

const std::string kLong = "MESSAGE=audit: error in audit_log_subj_ctx " + std::string(900, 'y');

// Three entries of one boot: two kernel messages and a compressed one.
struct Sample {
  std::vector<std::uint8_t> bytes;
  std::uint64_t boot = 0, kernel = 0, first = 0, second = 0, packed = 0;
  std::vector<std::uint64_t> entries;
};

Sample sample(bool compact, std::uint8_t compression = 4) {
  JournalFileBuilder b(compact);
  Sample s;
  s.boot = b.data("_BOOT_ID=abababababababababababababababab");
  s.kernel = b.data("_TRANSPORT=kernel");
  s.first = b.data("MESSAGE=Linux version 6.18.2 (x)");
  s.second = b.data("MESSAGE=audit: error in audit_log_subj_ctx");
  std::string stored = compression == 1 ? xz(kLong) : compression == 2 ? lz4(kLong) : zstd(kLong);
  s.packed = b.data(kLong, compression, stored);
  s.entries.push_back(b.entry(1, 1000, 10, 0xab, {s.boot, s.kernel, s.first}));
  s.entries.push_back(b.entry(2, 2000, 20, 0xab, {s.boot, s.kernel, s.second}));
  s.entries.push_back(b.entry(3, 3000, 30, 0xab, {s.boot, s.kernel, s.packed}));
  s.bytes = b.finish();
  return s;
}

std::span<const std::uint8_t> span(const std::vector<std::uint8_t>& b) {
  return {b.data(), b.size()};
}

std::vector<std::uint64_t> walk(ChainCursor cursor, std::string* error = nullptr) {
  std::vector<std::uint64_t> out;
  for (int guard = 0; guard < 1000; ++guard) {
    auto next = cursor.next();
    if (!next) {
      if (error != nullptr)
        *error = next.error().message;
      break;
    }
    if (*next == 0)
      break;
    out.push_back(*next);
  }
  return out;
}

} // namespace

TEST_CASE("journal_file reads entries, items and fields", "[parse][journal_file]") {
  bool compact = GENERATE(false, true);
  INFO("compact " << compact);
  Sample s = sample(compact);
  auto file = File::open(span(s.bytes));
  REQUIRE(file);
  CHECK(file->header().compact() == compact);
  CHECK(file->header().n_entries == 3);

  CHECK(walk(ChainCursor::all_entries(*file)) == s.entries);
  auto e = file->entry(s.entries[1]);
  REQUIRE(e);
  CHECK(e->seqnum == 2);
  CHECK(e->realtime == 2000);
  CHECK(e->monotonic == 20);
  CHECK(e->boot_id[0] == 0xab);
  REQUIRE(e->n_items == 3);
  std::string scratch;
  auto message = file->data(file->item(*e, 2), scratch);
  REQUIRE(message);
  CHECK(*message == "MESSAGE=audit: error in audit_log_subj_ctx");

  // A copy of the object, read by other means, decodes the same; a copy
  // claimed for another offset or of another object does not.
  std::uint64_t size = JournalFileBuilder::get64(s.bytes, s.second + 8);
  std::span<const std::uint8_t> copy(s.bytes.data() + s.second, size);
  auto copied = file->data_copy(s.second, copy, scratch);
  REQUIRE(copied);
  CHECK(*copied == "MESSAGE=audit: error in audit_log_subj_ctx");
  CHECK_FALSE(file->data_copy(s.second + 4, copy, scratch));
  CHECK_FALSE(file->data_copy(s.entries[0], {s.bytes.data() + s.entries[0], 64}, scratch));

  std::vector<std::string> messages;
  auto n = file->for_each_data_of_field("MESSAGE", scratch, [&](std::uint64_t, std::string_view p) {
    messages.emplace_back(p.substr(0, 20));
    return true;
  });
  REQUIRE(n);
  CHECK(*n == 3);
  CHECK(messages.size() == 3);
  auto none = file->for_each_data_of_field("NOPE", scratch,
                                           [](std::uint64_t, std::string_view) { return true; });
  REQUIRE(none);
  CHECK(*none == 0);

  auto links = file->data_links(s.kernel);
  REQUIRE(links);
  CHECK(links->n_entries == 3);
  CHECK(walk(ChainCursor::entries_of(*file, *links)) == s.entries);
  auto last = file->last_entry_of(*links);
  REQUIRE(last);
  CHECK(*last == s.entries[2]);
  auto only = file->data_links(s.second);
  REQUIRE(only);
  CHECK(walk(ChainCursor::entries_of(*file, *only)) == std::vector<std::uint64_t>{s.entries[1]});
}

TEST_CASE("journal_file decompresses xz, lz4 and zstd objects", "[parse][journal_file]") {
  std::uint8_t compression = GENERATE(std::uint8_t{1}, std::uint8_t{2}, std::uint8_t{4});
  bool compact = GENERATE(false, true);
  INFO("compression flag " << int{compression} << " compact " << compact);
  Sample s = sample(compact, compression);
  auto file = File::open(span(s.bytes));
  REQUIRE(file);
  std::string scratch;
  auto payload = file->data(s.packed, scratch);
  REQUIRE(payload);
  CHECK(*payload == kLong);

  // The compressed bytes garbled: an error naming the object, no crash.
  std::uint64_t fixed = compact ? 72 : 64;
  std::vector<std::uint8_t> bad = s.bytes;
  for (std::uint64_t i = 8; i < 24; ++i)
    bad[s.packed + fixed + i] ^= 0x5a;
  auto garbled = File::open(span(bad));
  REQUIRE(garbled);
  auto broken = garbled->data(s.packed, scratch);
  if (!broken)
    CHECK(broken.error().message.find(std::to_string(s.packed)) != std::string::npos);
  else
    CHECK(*broken != kLong);
}

TEST_CASE("journal_file refuses what it cannot read", "[parse][journal_file]") {
  Sample s = sample(true);
  CHECK_FALSE(File::open(span(std::vector<std::uint8_t>(s.bytes.begin(), s.bytes.begin() + 100))));
  std::vector<std::uint8_t> text(400, 'x');
  auto not_journal = File::open(span(text));
  REQUIRE_FALSE(not_journal);
  CHECK(not_journal.error().message.find("not a journal file") != std::string::npos);

  std::vector<std::uint8_t> future = s.bytes;
  future[12] |= 0x40; // an incompatible feature of a later systemd
  auto refused = File::open(span(future));
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message.find("incompatible") != std::string::npos);

  // An lz4 object that claims to expand beyond the limit.
  JournalFileBuilder b(false);
  std::string claim(16, '\0');
  for (int i = 0; i < 8; ++i)
    claim[static_cast<std::size_t>(i)] = static_cast<char>((std::uint64_t{1} << 40) >> (8 * i));
  std::uint64_t bomb = b.data("MESSAGE=x", 2, claim);
  b.entry(1, 1, 1, 1, {bomb});
  auto bytes = b.finish();
  auto file = File::open(span(bytes));
  REQUIRE(file);
  std::string scratch;
  auto payload = file->data(bomb, scratch);
  REQUIRE_FALSE(payload);
  CHECK(payload.error().message.find("64 MiB") != std::string::npos);
}

TEST_CASE("journal_file: damage ends a walk with an error", "[parse][journal_file]") {
  bool compact = GENERATE(false, true);
  INFO("compact " << compact);
  Sample s = sample(compact);
  std::uint64_t global = JournalFileBuilder::get64(s.bytes, 176);
  std::string error;

  SECTION("an entry array linked to itself") {
    JournalFileBuilder::put64(s.bytes, global + 16, global);
    auto file = File::open(span(s.bytes));
    REQUIRE(file);
    auto got = walk(ChainCursor::all_entries(*file), &error);
    CHECK(got.size() == 2);
    CHECK(error.find("backwards") != std::string::npos);
  }
  SECTION("entry offsets that do not rise") {
    std::uint64_t second = JournalFileBuilder::get64(s.bytes, global + 16);
    if (compact) {
      s.bytes[second + 24] = static_cast<std::uint8_t>(s.entries[0]);
      s.bytes[second + 25] = static_cast<std::uint8_t>(s.entries[0] >> 8);
    } else {
      JournalFileBuilder::put64(s.bytes, second + 24, s.entries[0]);
    }
    auto file = File::open(span(s.bytes));
    REQUIRE(file);
    walk(ChainCursor::all_entries(*file), &error);
    CHECK(error.find("do not rise") != std::string::npos);
  }
  SECTION("a field's chain of data objects that loops") {
    JournalFileBuilder::put64(s.bytes, s.second + 32, s.second);
    auto file = File::open(span(s.bytes));
    REQUIRE(file);
    std::string scratch;
    std::uint64_t calls = 0;
    auto n = file->for_each_data_of_field(
        "MESSAGE", scratch, [&](std::uint64_t, std::string_view) { return ++calls, true; });
    REQUIRE_FALSE(n);
    CHECK(n.error().message.find("loop") != std::string::npos);
    CHECK(calls < s.bytes.size());
  }
  SECTION("an item pointing past the end or at another type") {
    auto file = File::open(span(s.bytes));
    REQUIRE(file);
    std::string scratch;
    CHECK_FALSE(file->data(s.bytes.size() + 8, scratch));
    CHECK_FALSE(file->data(s.entries[0], scratch)); // an ENTRY, not a DATA object
    CHECK_FALSE(file->data(s.boot + 4, scratch));   // misaligned
    CHECK_FALSE(file->entry(s.boot));
  }
  SECTION("a file cut short") {
    std::vector<std::uint8_t> cut(s.bytes.begin(),
                                  s.bytes.begin() + static_cast<std::ptrdiff_t>(s.entries[2]));
    auto file = File::open(span(cut));
    REQUIRE(file);
    CHECK(file->end() == cut.size());
    auto got = walk(ChainCursor::all_entries(*file), &error);
    CHECK(got.empty()); // the entry arrays lie after the cut
    CHECK(error.find("out of range") != std::string::npos);
  }
}

// Writes the seeds of fuzz target journal_file (tests/fuzz/corpus/
// journal_file) from the builder: `unit-tests "[.journal-seeds]"`.
TEST_CASE("journal_file fuzz seeds", "[.journal-seeds]") {
  std::filesystem::path dir =
      std::filesystem::path(LSMD_SOURCE_DIR) / "tests/fuzz/corpus/journal_file";
  std::filesystem::create_directories(dir);
  for (bool compact : {false, true})
    for (std::uint8_t compression : {1, 2, 4}) {
      Sample s = sample(compact, compression);
      std::ofstream(dir / ("built-" + std::string(compact ? "compact" : "regular") + "-" +
                           std::to_string(compression)),
                    std::ios::binary)
          .write(reinterpret_cast<const char*>(s.bytes.data()),
                 static_cast<std::streamsize>(s.bytes.size()));
    }
}
