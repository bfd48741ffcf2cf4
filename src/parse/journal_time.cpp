#include "parse/journal_time.h"

#include <charconv>
#include <chrono>
#include <ctime>
#include <fmt/format.h>

namespace lsmdoctor {
namespace {

constexpr std::uint64_t kUsecPerSec = 1000000;

bool take_number(std::string_view& text, std::uint64_t& value, std::size_t max_digits = 12) {
  std::size_t n = 0;
  while (n < text.size() && n < max_digits && text[n] >= '0' && text[n] <= '9')
    ++n;
  if (n == 0)
    return false;
  std::from_chars(text.data(), text.data() + n, value);
  text.remove_prefix(n);
  return true;
}

bool take_char(std::string_view& text, char c) {
  if (text.empty() || text.front() != c)
    return false;
  text.remove_prefix(1);
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ')
    s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ')
    s.remove_suffix(1);
  return s;
}

std::uint64_t unit_usec(std::string_view unit) {
  struct Unit {
    std::string_view name;
    std::uint64_t seconds;
  };
  static constexpr Unit kUnits[] = {
      {"s", 1},         {"sec", 1},        {"second", 1},   {"seconds", 1},  {"m", 60},
      {"min", 60},      {"minute", 60},    {"minutes", 60}, {"h", 3600},     {"hour", 3600},
      {"hours", 3600},  {"d", 86400},      {"day", 86400},  {"days", 86400}, {"w", 604800},
      {"week", 604800}, {"weeks", 604800},
  };
  for (const auto& u : kUnits)
    if (u.name == unit)
      return u.seconds * kUsecPerSec;
  return 0;
}

// Local midnight of the day `usec` falls in, minus `days_back` days.
std::uint64_t local_midnight(std::uint64_t usec, int days_back) {
  std::time_t t = static_cast<std::time_t>(usec / kUsecPerSec);
  std::tm tm{};
  ::localtime_r(&t, &tm);
  tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
  tm.tm_mday -= days_back;
  tm.tm_isdst = -1;
  return static_cast<std::uint64_t>(std::mktime(&tm)) * kUsecPerSec;
}

Result<std::uint64_t> relative(std::string_view number_and_unit, std::uint64_t now,
                               std::string_view text) {
  std::uint64_t n = 0;
  if (!take_number(number_and_unit, n, 9))
    return make_error(fmt::format("--since '{}': expected a number", text));
  std::uint64_t unit = unit_usec(trim(number_and_unit));
  if (unit == 0)
    return make_error(fmt::format("--since '{}': unknown unit '{}'", text, trim(number_and_unit)));
  std::uint64_t back = n * unit;
  return back > now ? 0 : now - back;
}

} // namespace

Result<std::uint64_t> parse_since(std::string_view text, std::uint64_t now_usec) {
  std::string_view s = trim(text);
  if (s.empty())
    return make_error("--since: empty time");
  if (s == "now")
    return now_usec;
  if (s == "today")
    return local_midnight(now_usec, 0);
  if (s == "yesterday")
    return local_midnight(now_usec, 1);
  if (s.front() == '@') {
    std::string_view rest = s.substr(1);
    std::uint64_t seconds = 0;
    if (!take_number(rest, seconds) || !rest.empty())
      return make_error(fmt::format("--since '{}': expected @SECONDS", text));
    return seconds * kUsecPerSec;
  }
  if (s.front() == '-')
    return relative(s.substr(1), now_usec, text);
  constexpr std::string_view kAgo = " ago";
  if (s.size() > kAgo.size() && s.substr(s.size() - kAgo.size()) == kAgo)
    return relative(s.substr(0, s.size() - kAgo.size()), now_usec, text);

  std::uint64_t year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  std::string_view rest = s;
  bool ok = take_number(rest, year, 4) && take_char(rest, '-') && take_number(rest, month, 2) &&
            take_char(rest, '-') && take_number(rest, day, 2);
  if (ok && !rest.empty()) {
    ok = (take_char(rest, ' ') || take_char(rest, 'T')) && take_number(rest, hour, 2) &&
         take_char(rest, ':') && take_number(rest, minute, 2);
    if (ok && take_char(rest, ':'))
      ok = take_number(rest, second, 2);
  }
  if (!ok || !rest.empty() || year < 1970 || month < 1 || month > 12 || day < 1 || day > 31 ||
      hour > 23 || minute > 59 || second > 60)
    return make_error(fmt::format(
        "--since '{}': not a time (use YYYY-MM-DD [HH:MM[:SS]], @SECONDS, today, yesterday, "
        "-2h or '3 days ago')",
        text));
  std::tm tm{};
  tm.tm_year = static_cast<int>(year) - 1900;
  tm.tm_mon = static_cast<int>(month) - 1;
  tm.tm_mday = static_cast<int>(day);
  tm.tm_hour = static_cast<int>(hour);
  tm.tm_min = static_cast<int>(minute);
  tm.tm_sec = static_cast<int>(second);
  tm.tm_isdst = -1;
  std::time_t t = std::mktime(&tm);
  if (t < 0)
    return make_error(fmt::format("--since '{}': before 1970", text));
  return static_cast<std::uint64_t>(t) * kUsecPerSec;
}

std::string format_realtime(std::uint64_t usec) {
  std::time_t t = static_cast<std::time_t>(usec / kUsecPerSec);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::uint64_t now_realtime_usec() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(now).count());
}

} // namespace lsmdoctor
