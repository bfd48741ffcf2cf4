// Fuzz target: audit.log text through the record splitter and the streaming
// scanner, fed both as whole blocks and line by line, with the summary's
// invariants checked; and the whole text once as one block and once line by
// line, whose counts must agree (the block path has its own shortcuts).
#include "core/knowledge.h"
#include "fuzz_knowledge.h"
#include "parse/audit_record.h"

#include <cstdint>
#include <optional>
#include <string_view>

namespace {

bool same_sample(const std::optional<lsmdoctor::AuditRecordSample>& a,
                 const std::optional<lsmdoctor::AuditRecordSample>& b) {
  return a.has_value() == b.has_value() &&
         (!a || (a->where == b->where && a->time == b->time && a->text == b->text));
}

// Everything but the times: a block notes only the time of its first and
// last records, so out-of-order times may bound differently.
bool same_counts(const lsmdoctor::AuditLogSummary& a, const lsmdoctor::AuditLogSummary& b) {
  return a.records == b.records && a.other_lines == b.other_lines && a.by_type == b.by_type &&
         a.by_lsm == b.by_lsm && a.renamed_types == b.renamed_types &&
         a.multi_context_records == b.multi_context_records &&
         a.first_multi_context == b.first_multi_context &&
         a.multi_context_lsms == b.multi_context_lsms && a.subj_records == b.subj_records &&
         a.subj_unset == b.subj_unset && a.subj_missing == b.subj_missing &&
         same_sample(a.subj_unset_first, b.subj_unset_first) &&
         same_sample(a.subj_unset_last, b.subj_unset_last) &&
         same_sample(a.subj_missing_first, b.subj_missing_first) &&
         same_sample(a.subj_missing_last, b.subj_missing_last) && a.warnings == b.warnings;
}

} // namespace

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

  lsmdoctor::AuditLogSummary as_block;
  lsmdoctor::AuditLogScanner block_scanner(knowledge, as_block);
  block_scanner.begin_file("audit.log");
  block_scanner.add_lines(text);
  block_scanner.finish();
  lsmdoctor::AuditLogSummary by_line;
  lsmdoctor::AuditLogScanner line_scanner(knowledge, by_line);
  line_scanner.begin_file("audit.log");
  for (std::string_view all = text; !all.empty();) {
    auto end = all.find('\n');
    line_scanner.add_line(all.substr(0, end));
    all = end == std::string_view::npos ? std::string_view{} : all.substr(end + 1);
  }
  line_scanner.finish();
  if (!same_counts(as_block, by_line))
    __builtin_trap();
  return 0;
}
