// How a snapshot's files are named in a report: "host.tar:/var/log/audit/
// audit.log" (the snapshot as given, a colon, the path inside it), never the
// private directory a tar snapshot is extracted into.
#pragma once

#include "core/facts.h"
#include "core/finding.h"
#include "core/plan.h"

#include <string>
#include <vector>

namespace lsmdoctor {

// Replaces the snapshot's tree `root` (the extraction directory, or the
// directory given) by "LABEL:" in every path the facts, findings, warnings
// and plan name: "ROOT/var/log/x" becomes "LABEL:/var/log/x".
void name_paths_in_snapshot(const std::string& root, const std::string& label, Facts& facts,
                            std::vector<Finding>& findings, Plan& plan);

// The same for one string (exposed for tests).
void name_path_in_snapshot(std::string& text, const std::string& root, const std::string& label);

} // namespace lsmdoctor
