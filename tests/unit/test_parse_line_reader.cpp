#include "parse/line_reader.h"
#include "test_support.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <fcntl.h>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>

using namespace lsmdoctor;
using lsmdoctor::test::TempDir;

namespace {

struct Line {
  std::size_t number;
  std::string text;
  bool truncated;
};

Result<LineStats> read_lines(const std::string& path, std::vector<Line>& out) {
  return for_each_line_in_file(path, [&](std::size_t n, std::string_view text, bool cut) {
    out.push_back({n, std::string(text), cut});
  });
}

constexpr std::size_t kBlock = 1 << 20; // the reader's block size

// Bytes this process has read with read(2) and friends (/proc/self/io rchar).
std::optional<std::uint64_t> bytes_read_so_far() {
  auto io = read_small_file("/proc/self/io", 4096);
  if (!io)
    return std::nullopt;
  std::size_t at = io->find("rchar: ");
  if (at == std::string::npos)
    return std::nullopt;
  return std::stoull(io->substr(at + 7));
}

} // namespace

TEST_CASE("for_each_line reads lines and numbers them", "[parse][line_reader]") {
  TempDir dir;
  std::vector<Line> lines;
  auto stats = read_lines(dir.write("a.log", "one\n\nthree\n"), lines);
  REQUIRE(stats);
  CHECK(stats->lines == 3);
  CHECK(stats->truncated == 0);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].number == 1);
  CHECK(lines[0].text == "one");
  CHECK(lines[1].text.empty());
  CHECK(lines[2].number == 3);
  CHECK(lines[2].text == "three");
}

TEST_CASE("for_each_line: the last line without a newline", "[parse][line_reader]") {
  TempDir dir;
  std::vector<Line> lines;
  auto stats = read_lines(dir.write("a.log", "one\ntwo"), lines);
  REQUIRE(stats);
  REQUIRE(lines.size() == 2);
  CHECK(lines[1].text == "two");
  CHECK_FALSE(lines[1].truncated);

  std::vector<Line> none;
  auto empty = read_lines(dir.write("empty.log", ""), none);
  REQUIRE(empty);
  CHECK(empty->lines == 0);
  CHECK(none.empty());
}

namespace {

// `count` numbered lines, each `width` bytes long with its newline.
std::string numbered_lines(std::size_t count, std::size_t width) {
  std::string out;
  for (std::size_t i = 0; i < count; ++i) {
    std::string line = "line " + std::to_string(i + 1) + " ";
    line.resize(width - 1, '.');
    out += line + "\n";
  }
  return out;
}

} // namespace

TEST_CASE("for_each_line: lines across the 1 MiB block boundary", "[parse][line_reader]") {
  TempDir dir;
  // 100-byte lines: 2^20 is not a multiple of 100, so each block boundary
  // falls inside a line.
  const std::size_t count = 2 * kBlock / 100 + 50;
  std::string content = numbered_lines(count, 100);
  REQUIRE(kBlock % 100 != 0);
  std::vector<Line> lines;
  auto stats = read_lines(dir.write("big.log", content), lines);
  REQUIRE(stats);
  CHECK(stats->lines == count);
  CHECK(stats->truncated == 0);
  REQUIRE(lines.size() == count);
  std::size_t bad = 0;
  for (std::size_t i = 0; i < count; ++i)
    if (lines[i].number != i + 1 || lines[i].text != content.substr(i * 100, 99))
      ++bad;
  CHECK(bad == 0);
  std::size_t split = kBlock / 100; // the line the first boundary cuts
  CHECK(lines[split].text == content.substr(split * 100, 99));
}

TEST_CASE("for_each_line: the newline on the last byte of a block", "[parse][line_reader]") {
  TempDir dir;
  // 64-byte lines divide 2^20: a newline ends the block, the next line
  // starts exactly on the boundary.
  const std::size_t count = kBlock / 64 + 1;
  std::string content = numbered_lines(count, 64);
  REQUIRE(content[kBlock - 1] == '\n');
  std::vector<Line> lines;
  auto stats = read_lines(dir.write("edge.log", content), lines);
  REQUIRE(stats);
  REQUIRE(lines.size() == count);
  CHECK(lines[count - 2].text == content.substr(kBlock - 64, 63));
  CHECK(lines[count - 1].text == content.substr(kBlock, 63));
  CHECK(lines[count - 1].number == count);
}

TEST_CASE("for_each_line cuts lines longer than kMaxLineBytes", "[parse][line_reader]") {
  TempDir dir;
  SECTION("inside one block") {
    std::string content = std::string(kMaxLineBytes + 100, 'x') + "\nafter\n";
    std::vector<Line> lines;
    auto stats = read_lines(dir.write("long.log", content), lines);
    REQUIRE(stats);
    CHECK(stats->truncated == 1);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].text.size() == kMaxLineBytes);
    CHECK(lines[0].truncated);
    CHECK(lines[1].text == "after");
    CHECK_FALSE(lines[1].truncated);
  }
  SECTION("longer than a block, spanning three") {
    std::string content = "start\n" + std::string(2 * kBlock + 5, 'y') + "\nafter";
    std::vector<Line> lines;
    auto stats = read_lines(dir.write("huge.log", content), lines);
    REQUIRE(stats);
    CHECK(stats->lines == 3);
    CHECK(stats->truncated == 1);
    REQUIRE(lines.size() == 3);
    CHECK(lines[1].text == std::string(kMaxLineBytes, 'y'));
    CHECK(lines[1].truncated);
    CHECK(lines[2].text == "after");
  }
  SECTION("exactly kMaxLineBytes is not cut") {
    std::vector<Line> lines;
    auto stats = read_lines(dir.write("exact.log", std::string(kMaxLineBytes, 'z') + "\n"), lines);
    REQUIRE(stats);
    CHECK(stats->truncated == 0);
    REQUIRE(lines.size() == 1);
    CHECK_FALSE(lines[0].truncated);
  }
  SECTION("a long last line without a newline") {
    std::vector<Line> lines;
    auto stats =
        read_lines(dir.write("tail.log", "a\n" + std::string(kMaxLineBytes + 1, 'q')), lines);
    REQUIRE(stats);
    CHECK(stats->truncated == 1);
    REQUIRE(lines.size() == 2);
    CHECK(lines[1].truncated);
    CHECK(lines[1].text.size() == kMaxLineBytes);
  }
}

TEST_CASE("for_each_line keeps NUL and invalid bytes", "[parse][line_reader]") {
  TempDir dir;
  std::string content("a\0b\n\xff\xfe\n", 7);
  std::vector<Line> lines;
  auto stats = read_lines(dir.write("bin.log", content), lines);
  REQUIRE(stats);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].text == std::string("a\0b", 3));
  CHECK(lines[1].text == "\xff\xfe");
}

TEST_CASE("for_each_line_in_file refuses what is not a regular file", "[parse][line_reader]") {
  TempDir dir;
  auto noop = [](std::size_t, std::string_view, bool) {};

  auto directory = for_each_line_in_file(dir.path(), noop);
  REQUIRE_FALSE(directory);
  CHECK_THAT(directory.error().message, Catch::Contains(dir.path()));
  CHECK_THAT(directory.error().message, Catch::Contains("directory"));

  std::string fifo = dir.file("fifo");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  auto special = for_each_line_in_file(fifo, noop);
  REQUIRE_FALSE(special);
  CHECK_THAT(special.error().message, Catch::StartsWith(fifo + ":"));
  CHECK_THAT(special.error().message, Catch::Contains("FIFO"));

  auto missing = for_each_line_in_file(dir.file("missing.log"), noop);
  REQUIRE_FALSE(missing);
  CHECK_THAT(missing.error().message, Catch::Contains(dir.file("missing.log")));
}

TEST_CASE("read_small_file reads up to its limit", "[parse][line_reader]") {
  TempDir dir;
  auto text = read_small_file(dir.write("s.txt", "capability,landlock\n"));
  REQUIRE(text);
  CHECK(*text == "capability,landlock\n");
  auto big = read_small_file(dir.write("b.txt", std::string(100, 'x')), 10);
  REQUIRE_FALSE(big);
  CHECK_THAT(big.error().message, Catch::Contains("b.txt"));
}

TEST_CASE("for_each_line: a sparse file reads like the same bytes written out",
          "[parse][line_reader]") {
  TempDir dir;
  // "first\n", an 8 MiB hole, "after the hole\nlast", a 3 MiB hole at the end.
  const off_t hole = off_t{8} << 20;
  const std::string head = "first\n";
  const std::string middle = "after the hole\nlast";
  const off_t size = hole + static_cast<off_t>(middle.size()) + (off_t{3} << 20);
  std::string sparse = dir.file("sparse.log");
  int fd = ::open(sparse.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  REQUIRE(fd >= 0);
  REQUIRE(::pwrite(fd, head.data(), head.size(), 0) == static_cast<ssize_t>(head.size()));
  REQUIRE(::pwrite(fd, middle.data(), middle.size(), hole) == static_cast<ssize_t>(middle.size()));
  REQUIRE(::ftruncate(fd, size) == 0);
  ::close(fd);

  std::string dense_text = head;
  dense_text.resize(static_cast<std::size_t>(hole), '\0');
  dense_text += middle;
  dense_text.resize(static_cast<std::size_t>(size), '\0');
  std::string dense = dir.write("dense.log", dense_text);

  std::vector<Line> from_sparse;
  std::vector<Line> from_dense;
  auto a = read_lines(sparse, from_sparse);
  auto b = read_lines(dense, from_dense);
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->lines == b->lines);
  CHECK(a->truncated == b->truncated);
  REQUIRE(from_sparse.size() == 3);
  REQUIRE(from_dense.size() == 3);
  for (std::size_t i = 0; i < from_sparse.size(); ++i) {
    CHECK(from_sparse[i].number == from_dense[i].number);
    CHECK(from_sparse[i].text == from_dense[i].text);
    CHECK(from_sparse[i].truncated == from_dense[i].truncated);
  }
  CHECK(from_sparse[1].truncated); // NULs, then "after the hole": cut at kMaxLineBytes
  CHECK(from_sparse[2].truncated); // "last" and 3 MiB of NULs
  CHECK(from_sparse[2].text.substr(0, 4) == "last");
}

TEST_CASE("for_each_line_block: a sparse file reads like the same bytes written out",
          "[parse][line_reader]") {
  TempDir dir;
  // A short hole inside a line, a long one (a line longer than a block: cut,
  // its rest skipped), data, and a hole up to the end.
  struct Piece {
    off_t at;
    std::string text;
  };
  const std::vector<Piece> pieces{{0, "x"},
                                  {off_t{16} << 10, "y\nz"},
                                  {off_t{6} << 20, "tail of the long line\nw\n"},
                                  {off_t{7} << 20, "last"}};
  const off_t size = off_t{64} << 20;
  std::string sparse = dir.file("sparse.log");
  int fd = ::open(sparse.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  REQUIRE(fd >= 0);
  std::string dense_text(static_cast<std::size_t>(size), '\0');
  for (const auto& p : pieces) {
    REQUIRE(::pwrite(fd, p.text.data(), p.text.size(), p.at) ==
            static_cast<ssize_t>(p.text.size()));
    dense_text.replace(static_cast<std::size_t>(p.at), p.text.size(), p.text);
  }
  REQUIRE(::ftruncate(fd, size) == 0);
  ::close(fd);
  std::string dense = dir.write("dense.log", dense_text);

  auto blocks_of = [](const std::string& path, std::string& all, std::size_t& count) {
    return for_each_line_block(path, [&](std::string_view block) {
      CHECK(block.size() <= kBlock);
      all.append(block);
      ++count;
    });
  };
  std::string from_sparse;
  std::string from_dense;
  std::size_t sparse_blocks = 0;
  std::size_t dense_blocks = 0;
  auto read_before = bytes_read_so_far();
  auto a = blocks_of(sparse, from_sparse, sparse_blocks);
  auto read_after = bytes_read_so_far();
  auto b = blocks_of(dense, from_dense, dense_blocks);
  // The holes were skipped, not read: a 1 MiB read per data region at most.
  if (read_before && read_after)
    CHECK(*read_after - *read_before <= (std::uint64_t{pieces.size()} << 20));
  else
    WARN("no /proc/self/io: the bytes read are not checked");
  REQUIRE(a);
  REQUIRE(b);
  CHECK(*a == static_cast<std::uint64_t>(size));
  CHECK(*b == static_cast<std::uint64_t>(size));
  CHECK(from_sparse == from_dense);
  // The long line is cut at one block: "y\n", then its first 1 MiB, then
  // "w\n" and "last" with its trailing NULs.
  CHECK(from_sparse.find("tail of the long line") == std::string::npos);
  CHECK(from_sparse.find("w\n") != std::string::npos);
}

namespace {

// The blocks for_each_line_block passes for `path` (mapped), or with
// read(2) alone, from `offset` on.
Result<std::vector<std::string>> blocks_from(const std::string& path, off_t offset, bool by_read) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return make_error("open failed");
  ::lseek(fd, offset, SEEK_SET);
  std::vector<std::string> blocks;
  auto collect = [&](std::string_view block) { blocks.emplace_back(block); };
  auto done = by_read ? for_each_line_block_by_read(fd, path, collect)
                      : for_each_line_block(fd, path, collect);
  ::close(fd);
  if (!done)
    return done.error();
  return blocks;
}

} // namespace

TEST_CASE("for_each_line_block: a mapped file passes the blocks read(2) would",
          "[parse][line_reader]") {
  TempDir dir;
  // Lines of every length around the block: short ones, one that fills a
  // block exactly, longer ones (cut, their rest skipped, sometimes past the
  // next block), a newline on a block's last byte, and no final newline.
  std::string content;
  std::uint64_t seed = 7;
  auto next = [&seed](std::uint64_t bound) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return (seed >> 33) % bound;
  };
  const std::size_t lengths[] = {0, 1, 99, 4095, kBlock - 1, kBlock, kBlock + 1, 3 * kBlock + 17};
  while (content.size() < 12 * kBlock) {
    std::size_t length = next(4) == 0 ? lengths[next(std::size(lengths))] : next(300);
    content.append(length, static_cast<char>('a' + next(26)));
    content.push_back('\n');
  }
  content += "no newline at the end";
  std::string path = dir.write("mixed.log", content);
  for (off_t offset : {off_t{0}, off_t{5}, static_cast<off_t>(kBlock + 3)}) {
    auto mapped = blocks_from(path, offset, false);
    auto read = blocks_from(path, offset, true);
    REQUIRE(mapped);
    REQUIRE(read);
    CHECK(mapped->size() == read->size());
    CHECK(*mapped == *read);
  }
  // Blocks end on a newline, except a cut line and the end of the file.
  auto mapped = blocks_from(path, 0, false);
  REQUIRE(mapped);
  std::string joined;
  for (const auto& block : *mapped) {
    CHECK(block.size() <= kBlock);
    CHECK((block.back() == '\n' || block.size() == kBlock || &block == &mapped->back()));
    joined += block;
  }
  CHECK(joined.size() < content.size()); // the rests of the cut lines are skipped
}

TEST_CASE("for_each_line_block: a mapped file that shrinks is an error, not a crash",
          "[parse][line_reader]") {
  TempDir dir;
  std::string path = dir.write("shrinking.log", numbered_lines(10 * kBlock / 100, 100));
  std::size_t blocks = 0;
  auto done = for_each_line_block(path, [&](std::string_view block) {
    if (blocks++ == 0) {
      CHECK(block.size() > kBlock / 2);
      REQUIRE(::truncate(path.c_str(), 4096) == 0); // copytruncate, as logrotate does
    }
  });
  REQUIRE_FALSE(done);
  CHECK(done.error().message.find("shrank while it was read") != std::string::npos);
  CHECK(blocks >= 2);
  // The handler is gone: the next mapped read of a healthy file works.
  std::string healthy = dir.write("healthy.log", "a\nb\n");
  std::string all;
  REQUIRE(for_each_line_block(healthy, [&](std::string_view block) { all += block; }));
  CHECK(all == "a\nb\n");
}

TEST_CASE("TextLines numbers the lines of a text in memory", "[parse][line_reader]") {
  auto lines_of = [](std::string_view text) {
    std::vector<std::pair<std::size_t, std::string>> out;
    for (auto [number, line] : TextLines(text))
      out.emplace_back(number, std::string(line));
    return out;
  };
  using Lines = std::vector<std::pair<std::size_t, std::string>>;
  CHECK(lines_of("").empty());
  CHECK(lines_of("\n") == Lines{{1, ""}});
  CHECK(lines_of("a\nb") == Lines{{1, "a"}, {2, "b"}});
  CHECK(lines_of("a\nb\n") == Lines{{1, "a"}, {2, "b"}});
  CHECK(lines_of("a\n\n\nb\n") == Lines{{1, "a"}, {2, ""}, {3, ""}, {4, "b"}});
  CHECK(lines_of(std::string_view("x\0y\nz", 5)) == Lines{{1, std::string("x\0y", 3)}, {2, "z"}});
}
