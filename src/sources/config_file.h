// The configuration source: lsm-doctor.toml (man 5 lsm-doctor.toml), read
// strictly: an unknown key, a value of the wrong type, an unknown check id
// or signature id is an error naming the file, line and column.
#pragma once

#include "core/config.h"
#include "core/knowledge.h"
#include "core/result.h"

#include <string>
#include <string_view>

namespace lsmdoctor {

// Where the configuration is looked up when --config is not given.
inline constexpr const char* kDefaultConfigPath = "/etc/lsm-doctor.toml";

// Parses configuration text; `name` is the file named in errors and in the
// waivers' places ("lsm-doctor.toml:4:9: waiver.check: no check 'x.y'").
Result<DoctorConfig> parse_config(std::string_view text, const std::string& name,
                                  const Knowledge& knowledge);

// Reads and parses the configuration at `path`.
Result<DoctorConfig> read_config(const std::string& path, const Knowledge& knowledge);

// The configuration for a run: `path` when given (a missing file is an
// error), else `default_path` when it exists, else none (an empty config).
Result<DoctorConfig> load_config(const std::string& path, const std::string& default_path,
                                 const Knowledge& knowledge);

} // namespace lsmdoctor
