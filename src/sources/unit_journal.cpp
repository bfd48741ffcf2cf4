#include "sources/unit_journal.h"

#include "sources/units.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <memory>
#include <sys/stat.h>
#include <systemd/sd-journal.h>

namespace lsmdoctor {
namespace {

constexpr std::size_t kKeptLines = 40; // per unit, the newest

struct Line {
  std::uint64_t realtime = 0;
  std::string boot;
  std::string message;
};

using JournalPtr = std::unique_ptr<sd_journal, decltype(&sd_journal_close)>;

// The journal the options name, as sd-journal opens it; `what` describes it.
JournalPtr open_journal(const GatherOptions& options, std::string& what, std::string& why) {
  sd_journal* j = nullptr;
  int r = -ENOENT;
  if (!options.journal_files.empty()) {
    std::vector<const char*> paths;
    for (const auto& f : options.journal_files)
      paths.push_back(f.c_str());
    paths.push_back(nullptr);
    r = sd_journal_open_files(&j, paths.data(), 0);
    what = fmt::format("journal file {}", fmt::join(options.journal_files, ", "));
  } else if (options.journal_dir || !(options.root == "/" || options.root.empty())) {
    std::string dir =
        options.journal_dir ? *options.journal_dir : under_root(options.root, "/var/log/journal");
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) {
      why = dir + ": no journal directory";
      return {nullptr, sd_journal_close};
    }
    r = sd_journal_open_directory(&j, dir.c_str(), 0);
    what = dir;
  } else {
    r = sd_journal_open(&j, SD_JOURNAL_LOCAL_ONLY);
    what = "the system journal";
  }
  if (r < 0) {
    why = fmt::format("{}: {}", what, std::strerror(-r));
    return {nullptr, sd_journal_close};
  }
  return {j, sd_journal_close};
}

std::string field(sd_journal* j, const char* name) {
  const void* data = nullptr;
  size_t length = 0;
  if (sd_journal_get_data(j, name, &data, &length) < 0)
    return {};
  std::string_view text(static_cast<const char*>(data), length);
  std::size_t eq = text.find('=');
  return eq == std::string_view::npos ? std::string() : std::string(text.substr(eq + 1));
}

std::vector<std::string> unit_lines(sd_journal* j, const std::string& id) {
  std::vector<Line> lines;
  for (const char* key : {"_SYSTEMD_UNIT=", "UNIT="}) {
    sd_journal_flush_matches(j);
    std::string match = key + id;
    if (sd_journal_add_match(j, match.c_str(), 0) < 0)
      continue;
    sd_journal_seek_head(j);
    while (sd_journal_next(j) > 0) {
      std::string message = field(j, "MESSAGE");
      if (message.empty())
        continue;
      std::uint64_t realtime = 0;
      sd_journal_get_realtime_usec(j, &realtime);
      lines.push_back({realtime, field(j, "_BOOT_ID"), std::move(message)});
    }
  }
  sd_journal_flush_matches(j);
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
                                  std::vector<std::string>& /*warnings*/) {
  std::string what;
  std::string why;
  JournalPtr journal = open_journal(options, what, why);
  if (!journal) {
    if (!states.is_known())
      return Fact<UnitStates>::unknown(states.reason() + "; the units' journal lines: " + why,
                                       states.from());
    return states;
  }
  UnitStates from_journal;
  for (const auto& id : watched_units()) {
    std::vector<std::string> lines = unit_lines(journal.get(), id);
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
