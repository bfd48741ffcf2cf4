// The verdict of a run and its exit code (documented in lsm-doctor(1)).
#pragma once

#include "core/finding.h"

#include <optional>
#include <string_view>
#include <vector>

namespace lsmdoctor {

enum class FailOn { error, warning, never };

std::optional<FailOn> parse_fail_on(std::string_view text);

inline constexpr int kExitHealthy = 0;     // nothing at or above the threshold
inline constexpr int kExitFindings = 1;    // a failure at or above the threshold
inline constexpr int kExitUnknown = 2;     // nothing failed, but a needed fact was unknown
inline constexpr int kExitUsage = 64;      // bad command line (EX_USAGE)
inline constexpr int kExitInput = 65;      // bad input file (EX_DATAERR)
inline constexpr int kExitInternal = 70;   // internal error (EX_SOFTWARE)
inline constexpr int kExitCantCreate = 73; // --output could not be written (EX_CANTCREAT)

struct Verdict {
  int exit_code = kExitHealthy;
  int failed = 0;  // failures at or above the threshold
  int unknown = 0; // unknowns of checks whose failure would reach the threshold
};

// Waived findings (Finding::waiver) do not count.
Verdict judge(const std::vector<Finding>& findings, FailOn fail_on);

} // namespace lsmdoctor
