#include "core/verdict.h"

namespace lsmdoctor {

std::optional<FailOn> parse_fail_on(std::string_view text) {
  if (text == "error")
    return FailOn::error;
  if (text == "warning")
    return FailOn::warning;
  if (text == "never")
    return FailOn::never;
  return std::nullopt;
}

Verdict judge(const std::vector<Finding>& findings, FailOn fail_on) {
  Verdict v;
  if (fail_on == FailOn::never)
    return v;
  Severity threshold = fail_on == FailOn::error ? Severity::error : Severity::warning;
  for (const auto& f : findings) {
    if (rank(f.severity) < rank(threshold) || f.waiver)
      continue;
    if (f.status == Status::fail)
      ++v.failed;
    else if (f.status == Status::unknown)
      ++v.unknown;
  }
  v.exit_code = v.failed > 0 ? kExitFindings : (v.unknown > 0 ? kExitUnknown : kExitHealthy);
  return v;
}

} // namespace lsmdoctor
