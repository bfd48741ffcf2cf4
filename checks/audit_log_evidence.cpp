#include "checks/audit_log_evidence.h"

#include <ctime>
#include <fmt/format.h>

namespace lsmdoctor::checks {

namespace {

// "/var/log/audit/audit.log:12" -> ("/var/log/audit/audit.log", 12).
std::pair<std::string, int> split_where(const std::string& where) {
  std::size_t colon = where.rfind(':');
  if (colon == std::string::npos)
    return {where, 0};
  int line = 0;
  for (std::size_t i = colon + 1; i < where.size(); ++i) {
    if (where[i] < '0' || where[i] > '9' || line > 100'000'000)
      return {where, 0};
    line = line * 10 + (where[i] - '0');
  }
  return {where.substr(0, colon), line};
}

} // namespace

Evidence audit_record_evidence(const std::optional<AuditRecordSample>& first,
                               const std::optional<AuditRecordSample>& last, std::uint64_t count,
                               std::string note) {
  Evidence e;
  if (first) {
    auto [file, line] = split_where(first->where);
    e.source = file;
    e.line = line;
    e.excerpt = first->text;
    e.first_seen = first->time;
  }
  if (last)
    e.last_seen = last->time;
  e.count = count;
  e.note = std::move(note);
  return e;
}

std::string audit_time_text(std::uint64_t seconds) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  if (seconds > 253402300799ULL || !::gmtime_r(&t, &tm))
    return fmt::format("{} (seconds since 1970)", seconds);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string audit_log_scope(const AuditLogSummary& log) {
  std::string files =
      log.files.size() == 1 ? log.files.front() : fmt::format("{} files", log.files.size());
  if (log.first_time.empty())
    return fmt::format("{} records in {}", log.records, files);
  return fmt::format("{} records from {} to {} in {}", log.records,
                     audit_time_text(log.first_seconds), audit_time_text(log.last_seconds), files);
}

} // namespace lsmdoctor::checks
