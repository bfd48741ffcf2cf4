// --since times and the printed form of journal timestamps.
#include "parse/journal_time.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <ctime>

using namespace lsmdoctor;

namespace {

constexpr std::uint64_t kSec = 1000000;
// 2025-12-23 17:02:02 UTC
constexpr std::uint64_t kNow = 1766509322 * kSec;

struct UtcZone {
  UtcZone() {
    ::setenv("TZ", "UTC", 1);
    ::tzset();
  }
};

} // namespace

TEST_CASE("parse_since: absolute local times", "[parse][journal_time]") {
  UtcZone utc;
  CHECK(*parse_since("2025-12-23 17:02:02", kNow) == kNow);
  CHECK(*parse_since("2025-12-23T17:02", kNow) == kNow - 2 * kSec);
  CHECK(*parse_since("2025-12-23", kNow) == kNow - (17 * 3600 + 2 * 60 + 2) * kSec);
  CHECK(*parse_since("  1970-01-01  ", kNow) == 0);
}

TEST_CASE("parse_since: epoch seconds, words and relative times", "[parse][journal_time]") {
  UtcZone utc;
  CHECK(*parse_since("@1766509322", kNow) == kNow);
  CHECK(*parse_since("now", kNow) == kNow);
  CHECK(*parse_since("today", kNow) == kNow - (17 * 3600 + 2 * 60 + 2) * kSec);
  CHECK(*parse_since("yesterday", kNow) == kNow - (24 * 3600 + 17 * 3600 + 2 * 60 + 2) * kSec);
  CHECK(*parse_since("-2h", kNow) == kNow - 2 * 3600 * kSec);
  CHECK(*parse_since("-90s", kNow) == kNow - 90 * kSec);
  CHECK(*parse_since("3 days ago", kNow) == kNow - 3 * 86400 * kSec);
  CHECK(*parse_since("1 week ago", kNow) == kNow - 604800 * kSec);
  CHECK(*parse_since("-99999999w", kNow) == 0); // before the epoch: clamped
}

TEST_CASE("parse_since: rejects what it cannot read", "[parse][journal_time]") {
  for (const char* bad : {"", "  ", "tomorrow", "2025-13-01", "2025-12-32", "2025-12-23 25:00",
                          "2025-12-23 17", "2025-12-23x", "@", "@12x", "-", "-5", "-5 fortnights",
                          "ago", "x days ago", "1969-12-31", "2025/12/23"}) {
    INFO(bad);
    auto r = parse_since(bad, kNow);
    CHECK_FALSE(r.has_value());
    if (!r)
      CHECK(r.error().message.find("--since") != std::string::npos);
  }
}

TEST_CASE("format_realtime prints UTC", "[parse][journal_time]") {
  CHECK(format_realtime(kNow) == "2025-12-23 17:02:02 UTC");
  CHECK(format_realtime(0) == "1970-01-01 00:00:00 UTC");
  CHECK(format_realtime(kNow + 999999) == "2025-12-23 17:02:02 UTC");
}
