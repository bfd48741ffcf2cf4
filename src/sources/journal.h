// The systemd journal through libsystemd's sd-journal, or a journal export
// file (a snapshot's .lsm-doctor/journal.export, `journalctl -o export`
// output): which journal to open for a set of options, and a streaming walk
// over the entries that match given fields. Nothing is accumulated; callers
// keep what they need.
#pragma once

#include "core/result.h"
#include "sources/gather.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

struct sd_journal; // <systemd/sd-journal.h>, kept out of this header

namespace lsmdoctor {
namespace native_journal {
class Files;
}

// One entry as handed to a walk: views valid only during the callback.
struct JournalEntry {
  std::string_view message;         // MESSAGE= (may be empty)
  std::uint64_t realtime_usec = 0;  // wall clock, microseconds since the epoch
  std::uint64_t monotonic_usec = 0; // microseconds since boot
  std::string_view boot_id;         // 32 lowercase hex digits
  // Names the message text within one walk: entries with the same nonzero
  // key carry the same message (journal files store a repeated message
  // once). 0: not known.
  std::uint64_t message_key = 0;

  // Another field of the entry ("_SYSTEMD_UNIT"), empty when absent.
  std::string_view field(const char* name) const {
    return lookup_ != nullptr ? lookup_(context_, name) : std::string_view();
  }
  std::string_view (*lookup_)(const void* context, const char* name) = nullptr;
  const void* context_ = nullptr;
};

// Restricts a walk: only entries at or after `since_usec` (0: all).
struct JournalWindow {
  std::uint64_t since_usec = 0;
  std::uint64_t until_usec = 0; // stop after this time (0: no end)
  bool with_message = true;     // false: leave JournalEntry::message empty (faster)
  // "FIELD=value" every entry must also carry, checked entry by entry: for a
  // walk along one rare value this is cheaper than a second match term.
  std::string require;
  // Asked with an entry's message key (when the reader has one) before the
  // message is read: false leaves JournalEntry::message empty, for a caller
  // that already knows what it needs of that message. Null: always read.
  std::function<bool(std::uint64_t key)> read_message;
};

// Matches as sd_journal_add_match takes them ("FIELD=value"), grouped by
// field: the values of one field are alternatives, every field must match.
using JournalMatchGroups = std::vector<std::pair<std::string, std::vector<std::string>>>;
JournalMatchGroups group_journal_matches(const std::vector<std::string>& matches);

// An open journal (RAII around sd_journal*).
class Journal {
public:
  // Opens the journal the options name: --journal-file FILE... (one file in
  // export format is read as such) or --journal-dir DIR; otherwise the
  // host's own journal under root "/", or under another root the capture
  // ROOT/.lsm-doctor/journal.export, else ROOT/var/log/journal. The error
  // says why none could be opened and what would work.
  static Result<Journal> open(const GatherOptions& options);

  Journal(Journal&& other) noexcept;
  Journal& operator=(Journal&& other) noexcept;
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;
  ~Journal();

  // What was opened, for provenance: "journal file X", "/var/log/journal", ...
  const std::string& description() const { return description_; }
  // True for the running host's own journal (its current boot is this boot).
  bool is_local() const { return local_; }
  // Problems met opening or reading (corrupt or truncated files), by file.
  const std::vector<std::string>& warnings() const { return warnings_; }

  // Calls `on_entry` for every entry matching all `matches` in time order.
  // Each match is "FIELD=value"; several values of one field are
  // alternatives, different fields must all match. `on_entry` returns false
  // to stop early. Returns the number of entries visited.
  Result<std::uint64_t> for_each_entry(const std::vector<std::string>& matches,
                                       const std::function<bool(const JournalEntry&)>& on_entry,
                                       const JournalWindow& window = {});

  // Every distinct value of FIELD in the journal (all entries: matches do
  // not apply), e.g. the boot ids. `on_value` returns false to stop. Damage
  // met on the way is an error (values before it were already passed on).
  // Returns the number of values.
  Result<std::uint64_t> for_each_unique(const std::string& field,
                                        const std::function<bool(std::string_view)>& on_value);

  // Realtime of the first and last entry matching `matches` (same form as
  // for_each_entry); nullopt when none match.
  Result<std::optional<std::pair<std::uint64_t, std::uint64_t>>>
  time_range(const std::vector<std::string>& matches);

  // The files opened, in order (empty for the system journal, which
  // sd-journal finds itself). Paths are those actually opened.
  const std::vector<std::string>& files() const { return files_; }

  // Keeps the pages of journal files mapped into this process below a
  // bound: sd-journal maps whole windows and the kernel maps neighbouring
  // pages on each fault, so a long scan would otherwise keep most of the
  // journal resident. The pages stay in the page cache; later reads fault
  // them back in. Cheap when under the bound; call it every few hundred
  // entries.
  static void trim_mapped_pages();

  // The export file read instead of sd-journal, or "" for journal files.
  const std::string& export_file() const { return export_path_; }
  // Whether journal files are read by the doctor's own reader (else by
  // sd-journal or, for an export file, by the export reader).
  bool own_reader() const { return native_ != nullptr; }

private:
  Journal(sd_journal* journal, std::string description, bool local);
  static Journal open_export(const std::string& path);

  sd_journal* journal_ = nullptr;
  std::unique_ptr<native_journal::Files> native_; // journal files read without sd-journal
  std::string export_path_;
  std::string description_;
  bool local_ = false;
  bool damage_reported_ = false;
  std::vector<std::string> warnings_;
  std::vector<std::string> temp_files_; // repaired copies of truncated files, removed on close
  std::vector<std::string> files_;
};

// The boot id of the running system (32 hex digits), empty when unknown.
std::string current_boot_id();

} // namespace lsmdoctor
