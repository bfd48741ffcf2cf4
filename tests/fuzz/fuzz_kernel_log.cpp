// Fuzz target: kernel log lines in every format (dmesg -r, /dev/kmsg,
// journalctl -k) through the line parser and the signature scanner.
// Differential: the block scan (add_block, which matches only the lines
// holding an anchor, from the anchors it found) must give the same summary
// as adding every line on its own, and the anchored match of a message the
// same signatures as trying every signature.
#include "core/knowledge.h"
#include "fuzz_knowledge.h"
#include "parse/kernel_log.h"
#include "parse/line_reader.h"

#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace {

bool same(const lsmdoctor::LogLine& a, const lsmdoctor::LogLine& b) {
  return a.line == b.line && a.timestamp == b.timestamp && a.seconds == b.seconds &&
         a.message == b.message;
}

bool same(const lsmdoctor::KernelLog& a, const lsmdoctor::KernelLog& b) {
  if (a.lines != b.lines || a.warnings != b.warnings || a.signatures.size() != b.signatures.size())
    return false;
  for (const auto& [id, stats] : a.signatures) {
    auto it = b.signatures.find(id);
    if (it == b.signatures.end() || it->second.matches != stats.matches ||
        it->second.total != stats.total || !same(it->second.first, stats.first) ||
        !same(it->second.last, stats.last))
      return false;
  }
  return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const lsmdoctor::Knowledge& knowledge = lsmdoctor::fuzz::knowledge();
  static const lsmdoctor::SignatureMatcher matcher(knowledge.signatures);
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string_view text = input;
  lsmdoctor::KernelLogScanner scanner(knowledge, "fuzz");
  std::size_t line_number = 0;
  std::vector<lsmdoctor::SignatureMatcher::Match> fast;
  while (!text.empty()) {
    auto end = text.find('\n');
    auto line = text.substr(0, end);
    bool truncated = line.size() > lsmdoctor::kMaxLineBytes;
    if (truncated)
      line = line.substr(0, lsmdoctor::kMaxLineBytes);
    auto parsed = lsmdoctor::parse_log_line(line);
    scanner.add(++line_number, line, truncated);
    matcher.match_anchored(parsed.message, fast);
    std::size_t slow = 0;
    matcher.match(parsed.message, [&](const lsmdoctor::SignatureMatcher::Match& m) {
      bool found = false;
      for (const auto& f : fast)
        found = found || (f.index == m.index && f.number == m.number);
      if (!found)
        std::abort();
      ++slow;
    });
    if (slow != fast.size())
      std::abort();
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
  }
  lsmdoctor::KernelLogScanner block_scanner(knowledge, "fuzz");
  std::size_t block_lines = 0;
  block_scanner.add_block(input, block_lines);
  if (block_lines != line_number ||
      !same(std::move(scanner).finish(), std::move(block_scanner).finish()))
    std::abort();
  return 0;
}
