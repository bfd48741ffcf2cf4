// The journal history (kernel messages per boot) in text and JSON.
#pragma once

#include "core/facts.h"
#include "render/json_writer.h"
#include "render/style.h"

#include <cstdint>
#include <string>
#include <vector>

namespace lsmdoctor {

// A bar of `width` cells for `value` against `max` (eighth-block
// resolution; a non-zero value always shows at least a sliver).
std::string error_bar(std::uint64_t value, std::uint64_t max, int width);

// One block character per value, scaled to the largest ("▁▂▅█").
std::string sparkline(const std::vector<std::uint64_t>& values);

// "Kernel log per boot" section; empty when the history is unknown or
// holds a single boot.
std::string render_journal_text(const Facts& facts, const Style& style);

// "journal": {"known": true, "source", "since_usec", "boots_in_journal",
// "boots": [...]}, or {"known": false, "reason"}.
void write_journal_json(JsonWriter& json, const Fact<JournalHistory>& journal);

} // namespace lsmdoctor
