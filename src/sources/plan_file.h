// The plan source: a TOML file describing a configuration that is not booted
// yet (lsm-doctor check --plan FILE). It fills the facts a plan can know
// (kernel release, command line, CONFIG_LSM) and marks the rest unknown with
// the reason, so checks predict instead of observe.
#pragma once

#include "core/facts.h"
#include "core/knowledge.h"
#include "core/result.h"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace lsmdoctor {

// Reads a file that a plan names (its [audit] rules); `path` is already
// resolved against the plan's directory.
using PlanFileReader = std::function<Result<std::string>(const std::string& path)>;

// What a plan may read besides its own text.
struct PlanInputs {
  PlanFileReader read_file;             // empty: a plan that names a file is refused
  std::vector<std::string> audit_rules; // --audit-rules: these replace [audit] rules
};

// Reads and parses the plan at `path`; the files it names are read from disk.
Result<Facts> read_plan(const std::string& path, const Knowledge& knowledge,
                        const std::vector<std::string>& audit_rules = {});

// Parses plan text; `name` is the file named in facts and in errors
// ("plan.toml:3:11: kernel.release must be a string"), and its directory is
// where relative paths in the plan point.
Result<Facts> parse_plan(std::string_view text, const std::string& name, const Knowledge& knowledge,
                         const PlanInputs& inputs = {});

} // namespace lsmdoctor
