// The plan source: a TOML file describing a configuration that is not booted
// yet (lsm-doctor check --plan FILE). It fills the facts a plan can know
// (kernel release, command line, CONFIG_LSM) and marks the rest unknown with
// the reason, so checks predict instead of observe.
#pragma once

#include "core/facts.h"
#include "core/knowledge.h"
#include "core/result.h"

#include <string>
#include <string_view>

namespace lsmdoctor {

// Reads and parses the plan at `path`.
Result<Facts> read_plan(const std::string& path, const Knowledge& knowledge);

// Parses plan text; `name` is the file named in facts and in errors
// ("plan.toml:3:11: kernel.release must be a string").
Result<Facts> parse_plan(std::string_view text, const std::string& name,
                         const Knowledge& knowledge);

} // namespace lsmdoctor
