// Per-boot bars and sparklines of the journal history.
#include "render/journal_view.h"

#include <catch2/catch.hpp>

using namespace lsmdoctor;

TEST_CASE("sparkline scales to the largest value", "[render][journal]") {
  CHECK(sparkline({}) == "");
  CHECK(sparkline({0, 0}) == "··");
  CHECK(sparkline({0, 1, 7}) == "·▂█");
  CHECK(sparkline({5}) == "█");
}

TEST_CASE("error_bar has eighth-cell resolution", "[render][journal]") {
  CHECK(error_bar(0, 10, 8) == "");
  CHECK(error_bar(10, 10, 3) == "███");
  CHECK(error_bar(5, 10, 3) == "█▌");
  CHECK(error_bar(1, 1000000, 3) == "▏"); // never invisible
}
