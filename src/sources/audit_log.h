// audit.log: the records auditd wrote, scanned in large blocks into counts
// (parse/audit_record.h). Memory does not grow with the size of the logs.
#pragma once

#include "core/audit_facts.h"
#include "core/fact.h"
#include "core/knowledge.h"
#include "core/result.h"
#include "parse/audit_record.h"

#include <cstdint>
#include <string>
#include <vector>

namespace lsmdoctor {

// The audit.log files to scan, oldest first: `explicit_files` when given
// (--audit-log), else ROOT/var/log/audit/audit.log.N ... audit.log. An
// unreadable directory is an error naming the reason.
Result<std::vector<std::string>> audit_log_files(const std::string& root,
                                                 const std::vector<std::string>& explicit_files);

// Streams one file into the scanner in 1 MiB blocks (mapped); returns the
// bytes read. Lines longer than the block are cut with a warning.
Result<std::uint64_t> scan_audit_log_file(const std::string& path, AuditLogScanner& scanner);

// Scans the files of audit_log_files(). Known (possibly empty: no log) when
// every file could be read; unknown with the reason (for a permission
// error: "run as root") when none could.
Fact<AuditLogSummary> gather_audit_log(const std::string& root,
                                       const std::vector<std::string>& explicit_files,
                                       const Knowledge& knowledge);

} // namespace lsmdoctor
