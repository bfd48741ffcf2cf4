// Unit states through sd-bus (org.freedesktop.systemd1, read only), or the
// capture DIR/.lsm-doctor/units under --root, and each unit's own journal
// lines (_SYSTEMD_UNIT=) through the journal source.
#pragma once

#include "core/facts.h"
#include "sources/gather.h"

#include <string>
#include <vector>

namespace lsmdoctor {

// The units lsm-doctor looks at, in this order.
const std::vector<std::string>& watched_units();

// Parses `systemctl show -p Id,LoadState,ActiveState,SubState,Result,ExecMainStatus,ExecMainCode
// UNIT...` output: blocks of KEY=VALUE separated by blank lines. Units that do not exist
// (LoadState=not-found) are dropped; bad lines become "path:line: ..." warnings.
UnitStates parse_unit_capture(const std::string& text, const std::string& path,
                              std::vector<std::string>& warnings);

// The units' states over sd-bus alone (no journal lines): what collect
// captures.
Fact<UnitStates> live_unit_states(std::vector<std::string>& warnings);

// `systemctl show` text of the units whose state is known: the capture
// parse_unit_capture reads back.
std::string format_unit_capture(const UnitStates& states);

// The units' states: sd-bus on a live host, the capture under --root;
// unknown with the reason otherwise. Journal lines are added when a
// journal can be opened.
Fact<UnitStates> gather_units(const GatherOptions& options, std::vector<std::string>& warnings);

} // namespace lsmdoctor
