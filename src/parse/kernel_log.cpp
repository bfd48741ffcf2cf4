#include "parse/kernel_log.h"

#include "parse/line_reader.h"

#include <cctype>
#include <charconv>
#include <cstring>
#include <fmt/format.h>

namespace lsmdoctor {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Parses "[   12.345678]" at the start of `text`; on success consumes it and
// one following space.
bool take_bracket_time(std::string_view& text, ParsedLogLine& out) {
  if (text.empty() || text.front() != '[')
    return false;
  std::size_t close = text.find(']');
  if (close == std::string_view::npos || close > 32)
    return false;
  std::string_view inside = text.substr(1, close - 1);
  while (!inside.empty() && inside.front() == ' ')
    inside.remove_prefix(1);
  if (inside.empty())
    return false;
  for (char c : inside)
    if (!is_digit(c) && c != '.')
      return false;
  double seconds = 0;
  auto [ptr, ec] = std::from_chars(inside.data(), inside.data() + inside.size(), seconds);
  if (ec != std::errc() || ptr != inside.data() + inside.size())
    return false;
  out.timestamp = inside;
  out.seconds = seconds;
  text.remove_prefix(close + 1);
  if (!text.empty() && text.front() == ' ')
    text.remove_prefix(1);
  return true;
}

// "6,1234,12345678,-;message": priority, sequence, microseconds, flags.
bool take_kmsg_prefix(std::string_view& text, ParsedLogLine& out) {
  std::size_t semi = text.find(';');
  if (semi == std::string_view::npos || semi > 64)
    return false;
  std::string_view head = text.substr(0, semi);
  std::string_view fields[4];
  int n = 0;
  while (n < 4) {
    std::size_t comma = head.find(',');
    fields[n++] = head.substr(0, comma);
    if (comma == std::string_view::npos)
      break;
    head.remove_prefix(comma + 1);
  }
  if (n < 3)
    return false;
  for (int i = 0; i < 3; ++i) {
    if (fields[i].empty())
      return false;
    for (char c : fields[i])
      if (!is_digit(c))
        return false;
  }
  std::uint64_t usec = 0;
  std::from_chars(fields[2].data(), fields[2].data() + fields[2].size(), usec);
  out.format = LogFormat::kmsg;
  out.timestamp = fields[2];
  out.seconds = static_cast<double>(usec) / 1e6;
  text.remove_prefix(semi + 1);
  return true;
}

bool is_month(std::string_view s) {
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (auto m : kMonths)
    if (s == m)
      return true;
  return false;
}

// Journal short formats: "Dec 23 17:02:02[.123456] host ident: message",
// "2025-12-23T17:02:02+0000 host ident: message" (short-iso) and
// "[   12.345678] host ident: message" (short-monotonic).
bool take_journal_prefix(std::string_view& text, ParsedLogLine& out) {
  std::string_view rest = text;
  std::string_view stamp;
  ParsedLogLine probe;
  bool monotonic = false;
  if (rest.size() > 16 && is_month(rest.substr(0, 3)) && rest[3] == ' ') {
    std::size_t end = 7; // "Mon DD "
    if (rest.size() < 16 || rest[6] != ' ')
      return false;
    end = rest.find(' ', 7);
    if (end == std::string_view::npos)
      return false;
    stamp = rest.substr(0, end);
    rest.remove_prefix(end + 1);
  } else if (rest.size() > 20 && is_digit(rest[0]) && rest[4] == '-' && rest[10] == 'T') {
    std::size_t end = rest.find(' ');
    if (end == std::string_view::npos)
      return false;
    stamp = rest.substr(0, end);
    rest.remove_prefix(end + 1);
  } else if (take_bracket_time(rest, probe)) {
    stamp = probe.timestamp;
    monotonic = true;
  } else {
    return false;
  }
  std::size_t host_end = rest.find(' ');
  if (host_end == std::string_view::npos || host_end == 0)
    return false;
  std::string_view after_host = rest.substr(host_end + 1);
  std::size_t colon = after_host.find(": ");
  if (colon == std::string_view::npos || colon == 0 || colon > 128)
    return false;
  std::string_view ident = after_host.substr(0, colon);
  for (char c : ident)
    if (c == ' ')
      return false;
  // "[ 1.2] usb 1-1: ..." is plain dmesg, not short-monotonic: only accept
  // the bracket form when the identifier is the kernel's.
  if (monotonic && ident != "kernel")
    return false;
  out.format = ident == "kernel" ? LogFormat::journal : LogFormat::journal_other;
  out.timestamp = stamp;
  out.seconds = probe.seconds;
  text = after_host.substr(colon + 2);
  return true;
}

} // namespace

ParsedLogLine parse_log_line(std::string_view line) {
  ParsedLogLine out;
  if (!line.empty() && line.back() == '\r')
    line.remove_suffix(1);
  std::string_view text = line;
  if (!text.empty() && text.front() == ' ') {
    // A /dev/kmsg dictionary continuation (" SUBSYSTEM=...") belongs to the
    // record before it and is never a message of its own.
    std::size_t eq = text.find('=');
    if (eq != std::string_view::npos && text.find(' ', 1) > eq) {
      out.format = LogFormat::kmsg_dict;
      out.message = {};
      return out;
    }
  }
  if (!text.empty() && is_digit(text.front()) && take_kmsg_prefix(text, out)) {
    out.message = text;
    return out;
  }
  if (text.size() > 2 && text.front() == '<') {
    std::size_t close = text.find('>');
    if (close != std::string_view::npos && close > 1 && close < 6) {
      bool digits = true;
      for (std::size_t i = 1; i < close; ++i)
        digits = digits && is_digit(text[i]);
      if (digits) {
        text.remove_prefix(close + 1);
        out.format = LogFormat::dmesg_raw;
        take_bracket_time(text, out);
        out.message = text;
        return out;
      }
    }
  }
  if (take_journal_prefix(text, out)) {
    out.message = text;
    return out;
  }
  if (take_bracket_time(text, out)) {
    out.format = LogFormat::dmesg;
    out.message = text;
    return out;
  }
  out.format = LogFormat::plain;
  out.message = text;
  return out;
}

SignatureMatcher::SignatureMatcher(const std::vector<LogSignature>& signatures) {
  patterns_.reserve(signatures.size());
  for (const auto& sig : signatures) {
    Pattern p;
    std::size_t hole = sig.pattern.find("{N}");
    if (hole == std::string::npos) {
      p.before = sig.pattern;
    } else {
      p.before = sig.pattern.substr(0, hole);
      p.after = sig.pattern.substr(hole + 3);
      p.has_number = true;
    }
    if (p.before.empty())
      always_ = true;
    else
      by_first_byte_[static_cast<unsigned char>(p.before.front())].push_back(
          static_cast<std::uint16_t>(patterns_.size()));
    patterns_.push_back(std::move(p));
  }
}

bool SignatureMatcher::may_match(std::string_view message) const {
  if (always_)
    return true;
  const char* p = message.data();
  const char* end = p + message.size();
  for (; p < end; ++p) {
    const auto& candidates = by_first_byte_[static_cast<unsigned char>(*p)];
    for (std::uint16_t i : candidates) {
      const std::string& lit = patterns_[i].before;
      if (static_cast<std::size_t>(end - p) >= lit.size() &&
          std::memcmp(p, lit.data(), lit.size()) == 0)
        return true;
    }
  }
  return false;
}

std::optional<SignatureMatcher::Found> SignatureMatcher::match_one(const Pattern& pattern,
                                                                   std::string_view message) {
  std::size_t at = message.find(pattern.before);
  while (at != std::string_view::npos) {
    if (!pattern.has_number)
      return Found{};
    std::string_view rest = message.substr(at + pattern.before.size());
    std::size_t digits = 0;
    while (digits < rest.size() && digits < 20 && is_digit(rest[digits]))
      ++digits;
    if (digits > 0 && rest.substr(digits).substr(0, pattern.after.size()) == pattern.after) {
      std::uint64_t value = 0;
      auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + digits, value);
      if (ec != std::errc())
        value = UINT64_MAX; // out of range: saturate rather than drop the match
      return Found{value};
    }
    at = message.find(pattern.before, at + 1);
  }
  return std::nullopt;
}

KernelLogScanner::KernelLogScanner(const Knowledge& knowledge, std::string source)
    : knowledge_(knowledge), matcher_(knowledge.signatures) {
  log_.source = std::move(source);
}

void KernelLogScanner::add(std::size_t line_number, std::string_view line, bool truncated) {
  ParsedLogLine parsed = parse_log_line(line);
  if (parsed.format == LogFormat::kmsg_dict || parsed.format == LogFormat::journal_other)
    return;
  ++log_.lines;
  if (truncated && log_.warnings.size() < 16)
    log_.warnings.push_back(fmt::format("{}:{}: line longer than {} bytes, cut", log_.source,
                                        line_number, kMaxLineBytes));
  matcher_.match(parsed.message, [&](const SignatureMatcher::Match& m) {
    const LogSignature& sig = knowledge_.signatures[m.index];
    SignatureStats& stats = log_.signatures[sig.id];
    LogLine here{static_cast<int>(line_number), std::string(parsed.timestamp), parsed.seconds,
                 std::string(parsed.message.substr(0, 512))};
    if (stats.matches == 0)
      stats.first = here;
    stats.last = std::move(here);
    ++stats.matches;
    std::uint64_t n = m.number.value_or(1);
    if (sig.aggregate == "max")
      stats.total = std::max(stats.total, n);
    else if (sig.aggregate == "sum")
      stats.total = n > UINT64_MAX - stats.total ? UINT64_MAX : stats.total + n;
    else
      stats.total = stats.matches;
  });
}

KernelLog KernelLogScanner::finish() && {
  return std::move(log_);
}

Result<KernelLog> scan_kernel_log_file(const std::string& path, const Knowledge& knowledge) {
  KernelLogScanner scanner(knowledge, path);
  TRY(stats, for_each_line_in_file(path, [&](std::size_t n, std::string_view line, bool cut) {
        scanner.add(n, line, cut);
      }));
  (void)stats;
  return std::move(scanner).finish();
}

} // namespace lsmdoctor
