// Evidence builders shared by checks: each turns one fact into an excerpt
// that names its source.
#pragma once

#include "core/check.h"
#include "core/facts.h"
#include "core/finding.h"

#include <optional>
#include <string>

namespace lsmdoctor::checks {

// The active stack as read (sysfs or system call).
Evidence stack_evidence(const Facts& facts);
// The command line, or only the `key=` parameters when `key` is given.
Evidence cmdline_evidence(const Facts& facts, const std::string& key = {});
// The kernel release.
Evidence kernel_evidence(const Facts& facts);
// A kernel log signature: count, first and last lines, and the rate.
Evidence log_evidence(const KernelLog& log, const std::string& signature_id,
                      const SignatureStats& stats);
// The audit status (AUDIT_GET or its capture).
Evidence audit_status_evidence(const Facts& facts);
// One line of an audit rules file (or a loaded rule), with a note.
Evidence rule_evidence(const AuditRuleLine& line, std::string note = {});
// "unknown because ..." text for a fact.
template <class T> std::string why_unknown(const char* what, const Fact<T>& fact) {
  return std::string(what) + " is unknown: " + fact.reason();
}
// The start every check of the audit rules files shares: unknown when the
// files cannot be read, not applicable when there are none; nullopt when
// there are files to judge.
std::optional<Finding> without_rule_files(const CheckDef& def, const Facts& facts);
// The start every check of the audit status shares: unknown when the status
// cannot be read; nullopt when it is known.
std::optional<Finding> without_audit_status(const CheckDef& def, const Facts& facts);

} // namespace lsmdoctor::checks
