#include "parse/line_search.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>

using namespace lsmdoctor;

TEST_CASE("find_line_end: the newline and the first 'j' before it", "[parse][line_search]") {
  const std::string text = "type=SYSCALL msg=audit(1:2): comm=\"x\" subj=? key=j\nobj=j\n";
  const char* begin = text.data();
  const char* end = begin + text.size();
  for (LineEndSearch search : {line_end_search(), LineEndSearch{find_line_end_portable}}) {
    const char* first_j = begin;
    const char* stop = search(begin, end, first_j);
    CHECK(stop == begin + text.find('\n'));
    CHECK(first_j == begin + text.find('j'));
    stop = search(stop + 1, end, first_j);
    CHECK(stop == end - 1);
    CHECK(first_j == end - 4); // the j of "obj"
    CHECK(search(end, end, first_j) == end);
    CHECK(first_j == nullptr);
  }
}

TEST_CASE("find_line_end: every search agrees with a byte loop", "[parse][line_search]") {
  std::uint64_t seed = 3;
  auto next = [&seed](std::uint64_t bound) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return (seed >> 33) % bound;
  };
  for (int round = 0; round < 3000; ++round) {
    // Lines of 0 to 150 bytes, newlines and 'j's at every offset of a vector.
    std::string text(next(150), 'x');
    for (char& c : text)
      if (next(40) == 0)
        c = next(2) == 0 ? '\n' : 'j';
    const char* begin = text.data();
    const char* end = begin + text.size();
    std::size_t from = text.empty() ? 0 : next(text.size());
    std::size_t newline = text.find('\n', from);
    std::size_t stop = newline == std::string::npos ? text.size() : newline;
    std::size_t j = text.substr(0, stop).find('j', from);
    for (LineEndSearch search : {line_end_search(), LineEndSearch{find_line_end_portable}}) {
      const char* first_j = nullptr;
      REQUIRE(search(begin + from, end, first_j) == begin + stop);
      REQUIRE(first_j == (j == std::string::npos ? nullptr : begin + j));
    }
  }
}
