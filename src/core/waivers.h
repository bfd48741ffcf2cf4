// Applying the waivers of lsm-doctor.toml to the findings of a run.
#pragma once

#include "core/config.h"
#include "core/facts.h"
#include "core/finding.h"

#include <string>
#include <vector>

namespace lsmdoctor {

// Whether `waiver` covers the examined system: true, false, or nullopt when
// a scope it sets names a fact that is unknown (then it does not apply).
std::optional<bool> waiver_in_scope(const Waiver& waiver, const Facts& facts);

// Marks every failing or unknown finding that an unexpired waiver in scope
// names with that waiver (the first such in the file). Returns one note for
// each waiver left out because its scope could not be decided.
std::vector<std::string> apply_waivers(std::vector<Finding>& findings, const DoctorConfig& config,
                                       const Facts& facts);

} // namespace lsmdoctor
