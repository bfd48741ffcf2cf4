// Writing an output file the user named: all or nothing, never through a
// symbolic link the user did not name.
#pragma once

#include "core/result.h"

#include <string>

namespace lsmdoctor {

// Writes `content` to `path` atomically: a temporary file in the same
// directory (O_EXCL, mode 0644 unless `mode` says otherwise), fsync, then
// rename over `path`. An existing `path` that is a symbolic link, a
// directory or anything but a regular file is refused. The error names the
// path and the system's reason.
Result<bool> write_file_atomically(const std::string& path, const std::string& content,
                                   unsigned mode = 0644);

} // namespace lsmdoctor
