// Times as journalctl's --since takes them, and journal timestamps as the
// doctor prints them.
#pragma once

#include "core/result.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace lsmdoctor {

// Parses a --since TIME into microseconds since the epoch. Accepts
// "YYYY-MM-DD[ HH:MM[:SS]]" (local time, as journalctl), "@SECONDS",
// "now", "today", "yesterday", "-N<unit>" and "N <unit> ago" with units
// s/sec/seconds, m/min/minutes, h/hours, d/days, w/weeks. `now_usec` is the
// reference for relative forms.
Result<std::uint64_t> parse_since(std::string_view text, std::uint64_t now_usec);

// "2025-12-23 17:02:02 UTC" for microseconds since the epoch.
std::string format_realtime(std::uint64_t usec);

// Microseconds since the epoch, now.
std::uint64_t now_realtime_usec();

} // namespace lsmdoctor
