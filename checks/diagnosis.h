// Ranked causes for audit context errors, shared by the log checks that
// find them. The order is blamed only when the order is actually wrong.
#pragma once

#include "core/check.h"

#include <vector>

namespace lsmdoctor::checks {

// Hypotheses for context errors seen in the log, most likely first.
std::vector<Hypothesis> diagnose_context_errors(const CheckContext& ctx);

} // namespace lsmdoctor::checks
