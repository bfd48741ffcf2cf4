// Evidence from the audit.log scan, shared by the audit.records.* checks.
#pragma once

#include "core/facts.h"
#include "core/finding.h"

#include <optional>
#include <string>

namespace lsmdoctor::checks {

// A record kept by the scan: its place ("FILE:LINE"), its text and a count.
Evidence audit_record_evidence(const std::optional<AuditRecordSample>& first,
                               const std::optional<AuditRecordSample>& last, std::uint64_t count,
                               std::string note);

// "2025-12-23 09:14:51 UTC" for an audit time in seconds since 1970.
std::string audit_time_text(std::uint64_t seconds);

// "records 1763800000.025 .. 1763806293.305 in 3 files": what was scanned.
std::string audit_log_scope(const AuditLogSummary& log);

} // namespace lsmdoctor::checks
