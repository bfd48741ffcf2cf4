// The journal lines of the watched units (_SYSTEMD_UNIT= and systemd's own
// UNIT= lines about them), of the newest boot that has any.
#pragma once

#include "core/facts.h"
#include "sources/gather.h"

#include <string>
#include <vector>

namespace lsmdoctor {

// Adds each unit's journal lines to `states`. When the states are unknown
// (no bus, no capture), units that have lines become known from the journal
// alone, their state left unknown. Unchanged when no journal can be opened.
Fact<UnitStates> add_unit_journal(const GatherOptions& options, Fact<UnitStates> states,
                                  std::vector<std::string>& warnings);

} // namespace lsmdoctor
