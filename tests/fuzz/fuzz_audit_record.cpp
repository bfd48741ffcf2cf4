// Fuzz target: audit.log text through the record splitter and the streaming
// scanner, fed both as whole blocks and line by line, with the summary's
// invariants checked.
#include "core/knowledge.h"
#include "fuzz_knowledge.h"
#include "parse/audit_record.h"

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const lsmdoctor::Knowledge& knowledge = lsmdoctor::fuzz::knowledge();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  lsmdoctor::AuditLogSummary summary;
  lsmdoctor::AuditLogScanner scanner(knowledge, summary);
  // The first half as one block of a rotated file, the rest line by line.
  std::size_t half = text.size() / 2;
  scanner.begin_file("audit.log.1");
  scanner.add_lines(text.substr(0, half));
  scanner.begin_file("audit.log");
  std::string_view rest = text.substr(half);
  std::uint64_t lines = 0;
  while (!rest.empty()) {
    auto end = rest.find('\n');
    auto line = rest.substr(0, end);
    lsmdoctor::AuditRecordView record;
    if (lsmdoctor::parse_audit_record(line, record) &&
        (record.type.empty() || record.time.empty() || record.body.size() > line.size()))
      __builtin_trap();
    (void)lsmdoctor::find_subj_field(line);
    scanner.add_line(line);
    ++lines;
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
  }
  scanner.finish();
  std::uint64_t typed = 0;
  for (const auto& [type, count] : summary.by_type)
    typed += count;
  if (typed != summary.records || summary.subj_missing > summary.subj_records ||
      summary.multi_context_records > summary.records || summary.subj_unset > summary.records ||
      summary.by_type.size() > lsmdoctor::AuditLogScanner::kMaxTypes + 1 ||
      (summary.records > 0 && summary.first_seconds > summary.last_seconds))
    __builtin_trap();
  (void)lines;
  return 0;
}
