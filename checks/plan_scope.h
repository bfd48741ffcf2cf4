// Which checks can judge a planned configuration (check --plan): those that
// read only what a plan gives (kernel release, command line, CONFIG_LSM).
#pragma once

#include "core/finding.h"

#include <string_view>
#include <vector>

namespace lsmdoctor::checks {

// Whether the check with this id judges plans (a sorted table in plan_scope.cpp).
bool judges_plans(std::string_view id);

// For a plan: a check that does not judge plans and could not tell (it
// needs the running kernel: its log, audit status or loaded rules) is
// not-applicable rather than unknown. Its failures stay failures.
void scope_to_plan(std::vector<Finding>& findings);

} // namespace lsmdoctor::checks
