#include "parse/byte_words.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>

using namespace lsmdoctor;

TEST_CASE("words::match marks exactly the bytes equal to the one searched", "[parse][byte_words]") {
  // Bytes around the searched one, and 0x80 and above, where a borrow or the
  // sign bit would give false marks.
  const std::string bytes = std::string("::;9\x80\xba:\x01", 8);
  std::uint64_t marks = words::match(words::load(bytes.data()), ':');
  CHECK(marks == 0x0080000000008080ULL);
  CHECK(words::first(marks) == 0);
  CHECK(words::last(marks) == 6);
  CHECK(words::before(marks, 1) == 0x80ULL);
  CHECK(words::before(marks, 8) == marks);
  CHECK(words::match(words::load("abcdefgh"), ':') == 0);
}

TEST_CASE("words::find stops at the first byte searched or at the limit", "[parse][byte_words]") {
  const std::string text = "SYSCALL msg=audit(1:2)";
  const char* begin = text.data();
  CHECK(words::find(begin, begin + text.size(), ' ') == begin + 7);
  CHECK(words::find(begin, begin + 5, ' ') == begin + 5);
  CHECK(words::find(begin, begin + text.size(), ')') == begin + text.size() - 1);
  CHECK(words::find(begin, begin + text.size(), '#') == begin + text.size());
}

TEST_CASE("words::match16 and match32 agree with a byte loop", "[parse][byte_words]") {
  std::uint64_t seed = 1;
  std::string block(32, '\0');
  for (int round = 0; round < 2000; ++round) {
    for (char& c : block) {
      seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
      // Few distinct bytes, so that most rounds hold several of the searched one.
      c = static_cast<char>("):1 \x80\xff"[(seed >> 33) % 6]);
    }
    for (char searched : {')', ':', ' ', '\x80'}) {
      std::uint32_t expected = 0;
      for (int i = 0; i < 32; ++i)
        if (block[static_cast<std::size_t>(i)] == searched)
          expected |= std::uint32_t{1} << i;
      REQUIRE(words::match32(block.data(), searched) == expected);
      REQUIRE(words::match16(block.data(), searched) == (expected & 0xFFFF));
      REQUIRE(words::match16_words(block.data(), searched) == (expected & 0xFFFF));
      REQUIRE(words::match16_words(block.data() + 16, searched) == expected >> 16);
    }
  }
}
