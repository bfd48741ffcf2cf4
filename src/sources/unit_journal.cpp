#include "sources/unit_journal.h"

#include "sources/journal.h"
#include "sources/units.h"

#include <algorithm>
#include <cstdint>
#include <fmt/format.h>

namespace lsmdoctor {
namespace {

constexpr std::size_t kKeptLines = 40; // per unit, the newest

struct Line {
  std::uint64_t realtime = 0;
  std::string boot;
  std::string message;
};

// The lines of unit `id`: its own (_SYSTEMD_UNIT=) and systemd's about it
// (UNIT=), of the newest boot that has any, the newest kKeptLines.
Result<std::vector<std::string>> unit_lines(Journal& journal, const std::string& id) {
  std::vector<Line> lines;
  for (const char* key : {"_SYSTEMD_UNIT=", "UNIT="}) {
    TRY(visited, journal.for_each_entry({key + id}, [&](const JournalEntry& e) {
      if (!e.message.empty())
        lines.push_back({e.realtime_usec, std::string(e.boot_id), std::string(e.message)});
      return true;
    }));
    (void)visited;
  }
  std::stable_sort(lines.begin(), lines.end(),
                   [](const Line& a, const Line& b) { return a.realtime < b.realtime; });
  std::vector<std::string> out;
  if (lines.empty())
    return out;
  const std::string newest_boot = lines.back().boot;
  for (auto& line : lines)
    if (line.boot == newest_boot)
      out.push_back(std::move(line.message));
  if (out.size() > kKeptLines)
    out.erase(out.begin(), out.end() - static_cast<std::ptrdiff_t>(kKeptLines));
  return out;
}

} // namespace

Fact<UnitStates> add_unit_journal(const GatherOptions& options, Fact<UnitStates> states,
                                  std::vector<std::string>& warnings) {
  auto journal = Journal::open(options);
  if (!journal) {
    if (!states.is_known())
      return Fact<UnitStates>::unknown(states.reason() +
                                           "; the units' journal lines: " + journal.error().message,
                                       states.from());
    return states;
  }
  const std::string what = journal->description();
  UnitStates from_journal;
  for (const auto& id : watched_units()) {
    auto read = unit_lines(*journal, id);
    if (!read) {
      warnings.push_back(fmt::format("the journal lines of {}: {}", id, read.error().message));
      continue;
    }
    std::vector<std::string> lines = std::move(*read);
    if (lines.empty())
      continue;
    UnitState* unit = nullptr;
    if (states.is_known()) {
      for (auto& known : states.value().units)
        if (known.id == id)
          unit = &known;
    } else {
      from_journal.units.push_back(UnitState{});
      unit = &from_journal.units.back();
      unit->id = id;
    }
    if (!unit)
      continue; // not loaded now: its old lines say nothing about the current state
    unit->messages = std::move(lines);
    unit->messages_source = what;
  }
  if (!states.is_known() && !from_journal.units.empty())
    return Fact<UnitStates>::known(std::move(from_journal), {what});
  return states;
}

} // namespace lsmdoctor
