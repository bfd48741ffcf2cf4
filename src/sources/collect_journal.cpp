// The journal export of a snapshot (.lsm-doctor/journal.export).
#include "parse/journal_export.h"
#include "parse/journal_time.h"
#include "sources/collect.h"
#include "sources/journal.h"
#include "sources/journal_kernel.h"
#include "sources/units.h"

#include <algorithm>
#include <fmt/format.h>
#include <set>
#include <tuple>

namespace lsmdoctor {
namespace {

// The fields the doctor reads besides the timestamps and the boot id.
constexpr const char* kPayloadFields[] = {"_TRANSPORT",        "_SYSTEMD_UNIT", "UNIT",
                                          "SYSLOG_IDENTIFIER", "PRIORITY",      "MESSAGE"};

struct Captured {
  std::uint64_t realtime = 0;
  std::uint64_t monotonic = 0;
  std::string text;
  bool operator<(const Captured& o) const {
    return std::tie(realtime, monotonic, text) < std::tie(o.realtime, o.monotonic, o.text);
  }
};

Captured capture(const JournalEntry& e, bool payload) {
  std::vector<std::pair<std::string, std::string>> fields{
      {"__REALTIME_TIMESTAMP", std::to_string(e.realtime_usec)},
      {"__MONOTONIC_TIMESTAMP", std::to_string(e.monotonic_usec)},
      {"_BOOT_ID", std::string(e.boot_id)}};
  for (const char* name : kPayloadFields) {
    if (!payload)
      break;
    std::string_view value = name == std::string_view("MESSAGE") ? e.message : e.field(name);
    if (!value.empty())
      fields.emplace_back(name, std::string(value));
  }
  return {e.realtime_usec, e.monotonic_usec, format_journal_export_entry(fields)};
}

} // namespace

Result<JournalCapture> capture_journal(const GatherOptions& options) {
  JournalScanOptions scan;
  scan.boots = options.boots;
  if (!options.since.empty()) {
    TRY(since, parse_since(options.since, now_realtime_usec()));
    scan.since_usec = since;
  }
  TRY(journal, Journal::open(options));
  TRY(selection, select_journal_boots(journal, scan));
  JournalCapture out;
  out.source = journal.description();
  out.boots = selection.boots.size();
  out.warnings = std::move(selection.notes);
  std::set<Captured> entries;
  JournalWindow window;
  window.since_usec = scan.since_usec;
  auto keep = [&](const JournalEntry& e) {
    entries.insert(capture(e, true));
    return true;
  };
  for (const JournalBoot& boot : selection.boots) {
    std::string this_boot = "_BOOT_ID=" + boot.id;
    TRY(kernel, journal.for_each_entry({"_TRANSPORT=kernel", this_boot}, keep, window));
    (void)kernel;
    for (const auto& unit : watched_units())
      for (const char* key : {"_SYSTEMD_UNIT=", "UNIT="}) {
        TRY(lines, journal.for_each_entry({key + unit, this_boot}, keep, window));
        (void)lines;
      }
    // The boot's first and last entry, whatever they are: the boot's span.
    JournalWindow edge;
    edge.with_message = false;
    std::set<Captured> edges;
    TRY(first, journal.for_each_entry(
                   {this_boot},
                   [&](const JournalEntry& e) {
                     edges.insert(capture(e, false));
                     return false;
                   },
                   edge));
    (void)first;
    edge.since_usec = boot.last;
    std::optional<Captured> last;
    TRY(tail, journal.for_each_entry(
                  {this_boot},
                  [&](const JournalEntry& e) {
                    last = capture(e, false);
                    return true;
                  },
                  edge));
    (void)tail;
    if (last)
      edges.insert(std::move(*last));
    for (auto& e : edges) {
      bool covered = std::any_of(entries.begin(), entries.end(), [&](const Captured& c) {
        return c.realtime == e.realtime && c.text.find(boot.id) != std::string::npos;
      });
      if (!covered)
        entries.insert(e);
    }
  }
  for (const auto& e : entries)
    out.text += e.text;
  out.entries = entries.size();
  for (const auto& w : journal.warnings())
    out.warnings.push_back(w);
  return out;
}

} // namespace lsmdoctor
