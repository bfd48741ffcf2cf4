// The host name of the examined system, for the host scope of waivers.
#pragma once

#include "core/fact.h"

#include <string>

namespace lsmdoctor {

// The running host's name (gethostname(2), as uname -n) when `live`, else
// the first word of ROOT/etc/hostname; unknown with the reason otherwise.
Fact<std::string> gather_hostname(const std::string& root, bool live);

} // namespace lsmdoctor
