// Fuzz target: --since times (journalctl's forms) and the timestamps the
// doctor prints for them.
#include "parse/journal_time.h"

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace {

// A fixed "now" (2026-01-01 00:00:00 UTC), so a run is reproducible.
constexpr std::uint64_t kNow = 1767225600ULL * 1000000ULL;

[[noreturn]] void fail(const char* what, std::string_view input) {
  std::fprintf(stderr, "%s: [%.*s]\n", what, static_cast<int>(input.size()), input.data());
  __builtin_trap();
}

bool is_relative(std::string_view text) {
  return (!text.empty() && text.front() == '-') ||
         (text.size() >= 4 && text.substr(text.size() - 4) == " ago");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto since = lsmdoctor::parse_since(text, kNow);
  if (!since) {
    if (since.error().message.empty())
      fail("a refusal without a message", text);
    return 0;
  }
  // A time in the past relative to now never lies after now.
  if (is_relative(text) && *since > kNow)
    fail("a relative time lies in the future", text);
  std::string shown = lsmdoctor::format_realtime(*since);
  if (shown.empty())
    fail("an accepted time prints as nothing", text);
  return 0;
}
