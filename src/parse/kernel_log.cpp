#include "parse/kernel_log.h"

#include "parse/line_reader.h"

#include <bit>
#include <cctype>
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define LSMD_KERNEL_LOG_AVX2 1
#endif
#include <charconv>
#include <fmt/format.h>

namespace lsmdoctor {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// The number {N} that `rest` starts with (up to 20 digits) when `after`
// follows it; nullopt otherwise.
std::optional<std::uint64_t> leading_number(std::string_view rest, std::string_view after) {
  std::size_t digits = 0;
  while (digits < rest.size() && digits < 20 && is_digit(rest[digits]))
    ++digits;
  if (digits == 0 || rest.substr(digits).substr(0, after.size()) != after)
    return std::nullopt;
  std::uint64_t value = 0;
  auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + digits, value);
  if (ec != std::errc())
    value = UINT64_MAX; // out of range: saturate rather than drop the match
  return value;
}

// Parses "[   12.345678]" at the start of `text`; on success consumes it and
// one following space.
bool take_bracket_time(std::string_view& text, ParsedLogLine& out, bool numbers) {
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
  if (numbers) {
    double seconds = 0;
    auto [ptr, ec] = std::from_chars(inside.data(), inside.data() + inside.size(), seconds);
    if (ec != std::errc() || ptr != inside.data() + inside.size())
      return false;
    out.seconds = seconds;
  } else {
    // from_chars accepts what the check above lets through except a second
    // dot or no digit at all ("1.2.3", "."): the same rejections, lazily.
    std::size_t dots = 0;
    for (char c : inside)
      dots += c == '.';
    if (dots > 1 || inside == ".")
      return false;
  }
  out.timestamp = inside;
  text.remove_prefix(close + 1);
  if (!text.empty() && text.front() == ' ')
    text.remove_prefix(1);
  return true;
}

// "6,1234,12345678,-;message": priority, sequence, microseconds, flags.
bool take_kmsg_prefix(std::string_view& text, ParsedLogLine& out, bool numbers) {
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
  if (numbers) {
    std::uint64_t usec = 0;
    std::from_chars(fields[2].data(), fields[2].data() + fields[2].size(), usec);
    out.seconds = static_cast<double>(usec) / 1e6;
  }
  out.format = LogFormat::kmsg;
  out.timestamp = fields[2];
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
bool take_journal_prefix(std::string_view& text, ParsedLogLine& out, bool numbers) {
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
  } else if (take_bracket_time(rest, probe, numbers)) {
    stamp = probe.timestamp;
    monotonic = true;
  } else {
    return false;
  }
  std::size_t host_end = rest.find(' ');
  if (host_end == std::string_view::npos || host_end == 0)
    return false;
  std::string_view after_host = rest.substr(host_end + 1);
  // The identifier ends within 128 bytes; do not search the whole message.
  std::size_t colon = after_host.substr(0, 131).find(": ");
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

namespace {

// `numbers`: convert timestamps to seconds; scanners skip that for lines
// they only count.
ParsedLogLine parse_line(std::string_view line, bool numbers) {
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
  if (!text.empty() && is_digit(text.front()) && take_kmsg_prefix(text, out, numbers)) {
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
        take_bracket_time(text, out, numbers);
        out.message = text;
        return out;
      }
    }
  }
  if (take_journal_prefix(text, out, numbers)) {
    out.message = text;
    return out;
  }
  if (take_bracket_time(text, out, numbers)) {
    out.format = LogFormat::dmesg;
    out.message = text;
    return out;
  }
  out.format = LogFormat::plain;
  out.message = text;
  return out;
}

bool counted(const ParsedLogLine& parsed) {
  return parsed.format != LogFormat::kmsg_dict && parsed.format != LogFormat::journal_other;
}

} // namespace

ParsedLogLine parse_log_line(std::string_view line) {
  return parse_line(line, true);
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
    std::size_t eight = std::min<std::size_t>(p.before.size(), 8);
    std::memcpy(&p.head, p.before.data(), eight);
    std::memcpy(&p.tail, p.before.data() + p.before.size() - eight, eight);
    patterns_.push_back(std::move(p));
  }
  choose_anchors();
}

void SignatureMatcher::choose_anchors() {
  // Greedy set cover with 4-byte substrings of the literal prefixes: few
  // anchors mean few passes over a block. More than 256 signatures (a
  // --knowledge override) are matched line by line.
  constexpr std::size_t kAnchorBytes = 4;
  anchored_.clear();
  anchors_.clear();
  unanchored_.clear();
  std::vector<bool> covered(patterns_.size(), false);
  for (std::size_t i = 0; i < patterns_.size(); ++i)
    if (patterns_[i].before.size() < kAnchorBytes || patterns_.size() > 256) {
      covered[i] = true;
      unanchored_.push_back(i);
    }
  while (true) {
    std::string best;
    std::size_t best_count = 0;
    for (std::size_t i = 0; i < patterns_.size(); ++i) {
      if (covered[i])
        continue;
      const std::string& text = patterns_[i].before;
      for (std::size_t at = 0; at + kAnchorBytes <= text.size(); ++at) {
        std::string candidate = text.substr(at, kAnchorBytes);
        if (candidate.find(' ') != std::string::npos)
          continue; // spaces are everywhere in logs
        std::size_t count = 0;
        for (std::size_t j = 0; j < patterns_.size(); ++j)
          count += !covered[j] && patterns_[j].before.find(candidate) != std::string::npos;
        if (count > best_count || (count == best_count && candidate < best)) {
          best = candidate;
          best_count = count;
        }
      }
    }
    if (best_count == 0)
      break;
    std::vector<AnchorOffset> group;
    for (std::size_t j = 0; j < patterns_.size(); ++j) {
      if (covered[j])
        continue;
      std::size_t offset = patterns_[j].before.find(best);
      if (offset == std::string::npos)
        continue;
      covered[j] = true;
      auto same = std::find_if(group.begin(), group.end(),
                               [&](const AnchorOffset& g) { return g.offset == offset; });
      if (same == group.end())
        group.push_back(AnchorOffset{offset, {j}});
      else
        same->patterns.push_back(j);
    }
    anchors_.push_back(best);
    anchored_.push_back(std::move(group));
  }
  for (std::size_t i = 0; i < patterns_.size(); ++i)
    if (!covered[i])
      unanchored_.push_back(i); // prefixes made of spaces only
  anchor_words_.clear();
  for (const auto& anchor : anchors_) {
    std::uint32_t word = 0;
    std::memcpy(&word, anchor.data(), 4);
    anchor_words_.push_back(word);
  }
}

void SignatureMatcher::match_hit(std::string_view message, std::size_t hit, std::bitset<256>& seen,
                                 std::vector<Match>& out) const {
  const char* begin = message.data();
  std::uint32_t word = 0;
  std::memcpy(&word, begin + hit, 4);
  for (std::size_t a = 0; a < anchors_.size(); ++a) {
    if (anchor_words_[a] != word)
      continue;
    for (const AnchorOffset& group : anchored_[a]) {
      if (group.offset > hit)
        continue;
      std::size_t start = hit - group.offset;
      std::uint64_t head = 0;
      std::memcpy(&head, begin + start, std::min<std::size_t>(message.size() - start, 8));
      for (std::size_t index : group.patterns) {
        const Pattern& pattern = patterns_[index];
        if (seen[index] || (pattern.before.size() >= 8 && head != pattern.head))
          continue;
        auto found = match_at(pattern, message, start);
        if (found) {
          seen[index] = true;
          out.push_back(Match{index, found->value});
        }
      }
    }
  }
}

void SignatureMatcher::match_unanchored(std::string_view message, std::vector<Match>& out) const {
  for (std::size_t i : unanchored_) {
    auto found = match_one(patterns_[i], message);
    if (found)
      out.push_back(Match{i, found->value});
  }
}

void SignatureMatcher::match_anchored(std::string_view message, std::vector<Match>& out) const {
  out.clear();
  std::bitset<256> seen;
  const char* begin = message.data();
  const char* end = begin + message.size();
  for (const char* at = find_anchor(begin, end); at; at = find_anchor(at + 1, end))
    match_hit(message, static_cast<std::size_t>(at - begin), seen, out);
  match_unanchored(message, out);
}

void SignatureMatcher::match_hits(std::string_view message, std::span<const char* const> hits,
                                  std::vector<Match>& out) const {
  out.clear();
  std::bitset<256> seen;
  const char* begin = message.data();
  const char* end = begin + message.size();
  for (const char* at : hits)
    if (at >= begin && end - at >= 4)
      match_hit(message, static_cast<std::size_t>(at - begin), seen, out);
  match_unanchored(message, out);
}

bool SignatureMatcher::is_anchor(const char* at) const {
  std::uint32_t word = 0;
  std::memcpy(&word, at, 4);
  for (std::uint32_t anchor : anchor_words_)
    if (word == anchor)
      return true;
  return false;
}

const char* SignatureMatcher::find_anchor(const char* from, const char* end) const {
  // Every anchor is four bytes: compare a block's bytes with each anchor's
  // first byte and, three bytes on, with its last, and check the candidates
  // (the "generic SIMD" substring search). One pass for all anchors.
  const char* p = from;
#if defined(__SSE2__)
  if (anchors_.size() <= 8) {
    __m128i first[8];
    __m128i last[8];
    for (std::size_t a = 0; a < anchors_.size(); ++a) {
      first[a] = _mm_set1_epi8(anchors_[a][0]);
      last[a] = _mm_set1_epi8(anchors_[a][3]);
    }
    for (; end - p >= 19; p += 16) {
      __m128i head = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      __m128i tail = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 3));
      __m128i any = _mm_setzero_si128();
      for (std::size_t a = 0; a < anchors_.size(); ++a)
        any = _mm_or_si128(
            any, _mm_and_si128(_mm_cmpeq_epi8(head, first[a]), _mm_cmpeq_epi8(tail, last[a])));
      auto mask = static_cast<unsigned>(_mm_movemask_epi8(any));
      while (mask != 0) {
        const char* at = p + __builtin_ctz(mask);
        if (is_anchor(at))
          return at;
        mask &= mask - 1;
      }
    }
  }
#endif
  for (; end - p >= 4; ++p)
    if (is_anchor(p))
      return p;
  return nullptr;
}

namespace {

#if LSMD_KERNEL_LOG_AVX2
// SignatureMatcher::classify 32 bytes at a time, for up to 8 anchors whose
// first and last bytes are `firsts` and `lasts`.
__attribute__((target("avx2"))) void classify_avx2(const char* p, std::size_t windows,
                                                   const char* firsts, const char* lasts,
                                                   std::size_t anchors, std::uint64_t* newlines,
                                                   std::uint64_t* candidates) {
  __m256i first[8];
  __m256i last[8];
  for (std::size_t a = 0; a < anchors; ++a) {
    first[a] = _mm256_set1_epi8(firsts[a]);
    last[a] = _mm256_set1_epi8(lasts[a]);
  }
  const __m256i newline = _mm256_set1_epi8('\n');
  for (std::size_t w = 0; w < windows; ++w, p += 64) {
    std::uint64_t lines = 0;
    std::uint64_t marks = 0;
    for (int half = 0; half < 2; ++half) {
      const char* q = p + 32 * half;
      __m256i head = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q));
      __m256i tail = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q + 3));
      __m256i any = _mm256_setzero_si256();
      for (std::size_t a = 0; a < anchors; ++a)
        any = _mm256_or_si256(any, _mm256_and_si256(_mm256_cmpeq_epi8(head, first[a]),
                                                    _mm256_cmpeq_epi8(tail, last[a])));
      auto shift = static_cast<unsigned>(32 * half);
      lines |= static_cast<std::uint64_t>(static_cast<std::uint32_t>(
                   _mm256_movemask_epi8(_mm256_cmpeq_epi8(head, newline))))
               << shift;
      marks |= static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm256_movemask_epi8(any)))
               << shift;
    }
    newlines[w] = lines;
    candidates[w] = marks;
  }
}

bool have_avx2() {
  static const bool have = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") != 0;
  }();
  return have;
}
#endif

} // namespace

void SignatureMatcher::classify(const char* p, std::size_t windows, std::uint64_t* newlines,
                                std::uint64_t* candidates) const {
#if LSMD_KERNEL_LOG_AVX2
  if (anchors_.size() <= 8 && have_avx2()) {
    char firsts[8];
    char lasts[8];
    for (std::size_t a = 0; a < anchors_.size(); ++a) {
      firsts[a] = anchors_[a][0];
      lasts[a] = anchors_[a][3];
    }
    classify_avx2(p, windows, firsts, lasts, anchors_.size(), newlines, candidates);
    return;
  }
#endif
  classify_portable(p, windows, newlines, candidates);
}

void SignatureMatcher::classify_portable(const char* p, std::size_t windows,
                                         std::uint64_t* newlines, std::uint64_t* candidates) const {
#if defined(__SSE2__)
  if (anchors_.size() <= 8) {
    __m128i first[8];
    __m128i last[8];
    for (std::size_t a = 0; a < anchors_.size(); ++a) {
      first[a] = _mm_set1_epi8(anchors_[a][0]);
      last[a] = _mm_set1_epi8(anchors_[a][3]);
    }
    const __m128i newline = _mm_set1_epi8('\n');
    for (std::size_t w = 0; w < windows; ++w, p += 64) {
      std::uint64_t lines = 0;
      std::uint64_t marks = 0;
      for (int part = 0; part < 4; ++part) {
        const char* q = p + 16 * part;
        __m128i head = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
        __m128i tail = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q + 3));
        __m128i any = _mm_setzero_si128();
        for (std::size_t a = 0; a < anchors_.size(); ++a)
          any = _mm_or_si128(
              any, _mm_and_si128(_mm_cmpeq_epi8(head, first[a]), _mm_cmpeq_epi8(tail, last[a])));
        auto shift = static_cast<unsigned>(16 * part);
        lines |= static_cast<std::uint64_t>(
                     static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(head, newline))))
                 << shift;
        marks |= static_cast<std::uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(any))) << shift;
      }
      newlines[w] = lines;
      candidates[w] = marks;
    }
    return;
  }
#endif
  for (std::size_t w = 0; w < windows; ++w, p += 64) {
    std::uint64_t lines = 0;
    std::uint64_t marks = 0;
    for (unsigned i = 0; i < 64; ++i) {
      lines |= static_cast<std::uint64_t>(p[i] == '\n') << i;
      marks |= static_cast<std::uint64_t>(is_anchor(p + i)) << i;
    }
    newlines[w] = lines;
    candidates[w] = marks;
  }
}

std::optional<SignatureMatcher::Found>
SignatureMatcher::match_at(const Pattern& pattern, std::string_view message, std::size_t at) {
  if (at + pattern.before.size() > message.size())
    return std::nullopt;
  std::size_t tail = std::min<std::size_t>(pattern.before.size(), 8);
  std::uint64_t here = 0;
  std::memcpy(&here, message.data() + at + pattern.before.size() - tail, tail);
  if (here != pattern.tail || message.substr(at, pattern.before.size()) != pattern.before)
    return std::nullopt;
  if (!pattern.has_number)
    return Found{};
  auto number = leading_number(message.substr(at + pattern.before.size()), pattern.after);
  if (!number)
    return std::nullopt;
  return Found{number};
}

std::optional<SignatureMatcher::Found> SignatureMatcher::match_one(const Pattern& pattern,
                                                                   std::string_view message) {
  std::size_t at = message.find(pattern.before);
  while (at != std::string_view::npos) {
    if (!pattern.has_number)
      return Found{};
    if (auto number = leading_number(message.substr(at + pattern.before.size()), pattern.after))
      return Found{number};
    at = message.find(pattern.before, at + 1);
  }
  return std::nullopt;
}

KernelLogScanner::KernelLogScanner(const Knowledge& knowledge, std::string source)
    : knowledge_(knowledge), matcher_(knowledge.signatures) {
  log_.source = std::move(source);
  stats_.assign(knowledge.signatures.size(), nullptr);
  last_raw_.resize(knowledge.signatures.size());
  last_line_.assign(knowledge.signatures.size(), 0);
  for (const auto& sig : knowledge.signatures)
    aggregate_.push_back(sig.aggregate == "sum"   ? Aggregate::sum
                         : sig.aggregate == "max" ? Aggregate::max
                                                  : Aggregate::count);
}

LogLine KernelLogScanner::log_line(std::size_t line_number, std::string_view line) const {
  ParsedLogLine parsed = parse_log_line(line);
  return LogLine{static_cast<int>(line_number), std::string(parsed.timestamp), parsed.seconds,
                 std::string(parsed.message.substr(0, 512))};
}

void KernelLogScanner::record(const SignatureMatcher::Match& m, std::size_t line_number,
                              std::string_view line) {
  const LogSignature& sig = knowledge_.signatures[m.index];
  SignatureStats*& stats = stats_[m.index];
  if (!stats)
    stats = &log_.signatures[sig.id];
  if (stats->matches == 0)
    stats->first = log_line(line_number, line);
  // The last match is kept raw and parsed once, in finish(): a flood
  // replaces it on every line.
  last_raw_[m.index].assign(line);
  last_line_[m.index] = line_number;
  ++stats->matches;
  std::uint64_t n = m.number.value_or(1);
  if (aggregate_[m.index] == Aggregate::max)
    stats->total = std::max(stats->total, n);
  else if (aggregate_[m.index] == Aggregate::sum)
    stats->total = n > UINT64_MAX - stats->total ? UINT64_MAX : stats->total + n;
  else
    stats->total = stats->matches;
}

std::optional<std::string_view>
KernelLogScanner::count_message(std::size_t line_number, std::string_view line, bool truncated) {
  std::string_view message;
  std::size_t close = line.size() > 1 && line.front() == '[' ? line.find(']', 1) : 0;
  if (close > 0 && close <= 32 && close != std::string_view::npos) {
    // "[time] message" or "[time] host kernel: message": always a kernel
    // line, and no signature spans the host part, so match after "] ".
    message = line.substr(close + 1);
  } else {
    ParsedLogLine parsed = parse_line(line, false);
    if (!counted(parsed))
      return std::nullopt;
    message = parsed.message;
  }
  ++log_.lines;
  if (truncated && log_.warnings.size() < 16)
    log_.warnings.push_back(fmt::format("{}:{}: line longer than {} bytes, cut", log_.source,
                                        line_number, kMaxLineBytes));
  return message;
}

void KernelLogScanner::record_matches(std::span<const SignatureMatcher::Match> matches,
                                      std::size_t line_number, std::string_view line) {
  for (const auto& m : matches)
    record(m, line_number, line);
}

void KernelLogScanner::add(std::size_t line_number, std::string_view line, bool truncated) {
  auto message = count_message(line_number, line, truncated);
  if (!message)
    return;
  matcher_.match_anchored(*message, matches_);
  record_matches(matches_, line_number, line);
}

void KernelLogScanner::count_only(std::size_t line_number, std::string_view line, bool truncated) {
  // Bracketed and <priority> lines always count (dmesg, or short-monotonic
  // journal lines of the kernel); others need their prefix read.
  if (line.empty() || (line.front() != '[' && line.front() != '<')) {
    if (!counted(parse_line(line, false)))
      return;
  }
  ++log_.lines;
  if (truncated && log_.warnings.size() < 16)
    log_.warnings.push_back(fmt::format("{}:{}: line longer than {} bytes, cut", log_.source,
                                        line_number, kMaxLineBytes));
}

namespace {

// The cache slot of a message (of `slots`, a power of two): its length and
// first and last eight bytes, mixed.
std::size_t cache_slot(std::string_view message, std::size_t slots) {
  std::uint64_t first = 0;
  std::uint64_t last = 0;
  std::size_t n = message.size();
  std::memcpy(&first, message.data(), std::min<std::size_t>(n, 8));
  if (n > 8)
    std::memcpy(&last, message.data() + n - 8, 8);
  std::uint64_t h = (first * 0x9E3779B97F4A7C15ULL) ^ (last * 0xC2B2AE3D27D4EB4FULL) ^ n;
  h ^= h >> 29;
  h *= 0xBF58476D1CE4E5B9ULL;
  return static_cast<std::size_t>(h >> 32) & (slots - 1);
}

} // namespace

void KernelLogScanner::end_line(const char* start, const char* stop, std::size_t& line_number) {
  std::string_view line(start, static_cast<std::size_t>(stop - start));
  bool truncated = line.size() > kMaxLineBytes;
  if (truncated)
    line = line.substr(0, kMaxLineBytes);
  ++line_number;
  if (!line_hit_) {
    if (matcher_.has_unanchored())
      add(line_number, line, truncated);
    else
      count_only(line_number, line, truncated);
    return;
  }
  line_hit_ = false;
  auto message = count_message(line_number, line, truncated);
  if (!message) {
    hits_.clear();
    return;
  }
  CachedMessage* cached = nullptr;
  if (message->size() <= kCachedMessageBytes) {
    cached = &cache_[cache_slot(*message, kCacheSlots)];
    if (cached->valid && cached->text == *message) {
      hits_.clear();
      record_matches(cached->matches, line_number, line);
      return;
    }
  }
  matcher_.match_hits(*message, hits_, matches_);
  hits_.clear();
  if (cached) {
    cached->valid = true;
    cached->text.assign(*message);
    cached->matches.assign(matches_.begin(), matches_.end());
  }
  record_matches(matches_, line_number, line);
}

void KernelLogScanner::add_block(std::string_view block, std::size_t& line_number) {
  // One pass over the block, 64 bytes at a time, marks the newlines and the
  // anchors; only the lines that hold an anchor are matched, from the
  // anchors found (the line is not searched again).
  constexpr std::size_t kWindow = 64;
  constexpr std::size_t kBatch = 64; // windows per classify()
  if (cache_.empty())
    cache_.resize(kCacheSlots);
  const char* end = block.data() + block.size();
  const char* line_start = block.data();
  hits_.clear();
  line_hit_ = false;
  std::uint64_t newlines[kBatch];
  std::uint64_t candidates[kBatch];
  char last[kWindow + 3];
  for (const char* base = block.data(); base < end;) {
    auto left = static_cast<std::size_t>(end - base);
    std::size_t windows = 1;
    if (left >= kWindow + 3) {
      windows = std::min(kBatch, (left - 3) / kWindow);
      matcher_.classify(base, windows, newlines, candidates);
    } else {
      // The end of the block, padded: a NUL is no newline, and candidates
      // past the end are not checked.
      std::memset(last, 0, sizeof last);
      std::memcpy(last, base, left);
      matcher_.classify(last, 1, newlines, candidates);
    }
    for (std::size_t w = 0; w < windows; ++w, base += kWindow) {
      std::uint64_t hits = 0;
      for (std::uint64_t c = candidates[w]; c != 0; c &= c - 1) {
        int i = std::countr_zero(c);
        if (end - base - i >= 4 && matcher_.is_anchor(base + i))
          hits |= std::uint64_t{1} << i;
      }
      auto note = [&](std::uint64_t marks) {
        line_hit_ = line_hit_ || marks != 0;
        for (; marks != 0; marks &= marks - 1) {
          const char* at = base + std::countr_zero(marks);
          if (static_cast<std::size_t>(at - line_start) < kMaxLineBytes)
            hits_.push_back(at);
        }
      };
      for (std::uint64_t n = newlines[w]; n != 0; n &= n - 1) {
        int i = std::countr_zero(n);
        std::uint64_t before =
            (std::uint64_t{1} << i) - 1; // an anchor at the newline is the next line's
        note(hits & before);
        hits &= ~before;
        end_line(line_start, base + i, line_number);
        line_start = base + i + 1;
      }
      note(hits);
    }
  }
  if (line_start < end)
    end_line(line_start, end, line_number);
}

KernelLog KernelLogScanner::finish() && {
  for (std::size_t i = 0; i < stats_.size(); ++i)
    if (stats_[i] && stats_[i]->matches > 0)
      stats_[i]->last = log_line(last_line_[i], last_raw_[i]);
  return std::move(log_);
}

Result<KernelLog> scan_kernel_log_file(const std::string& path, const Knowledge& knowledge,
                                       bool allow_pipe) {
  KernelLogScanner scanner(knowledge, path);
  std::size_t line_number = 0;
  TRY(bytes, for_each_line_block(
                 path, [&](std::string_view block) { scanner.add_block(block, line_number); },
                 allow_pipe));
  (void)bytes;
  return std::move(scanner).finish();
}

} // namespace lsmdoctor
