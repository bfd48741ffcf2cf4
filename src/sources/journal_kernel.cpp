#include "sources/journal_kernel.h"

#include "parse/kernel_log.h"

#include <algorithm>
#include <fmt/format.h>

namespace lsmdoctor {
namespace {

constexpr std::size_t kExcerptBytes = 512;
constexpr std::uint64_t kProgressEvery = 65536;

using BootRange = JournalBoot;

void sort_boots(std::vector<BootRange>& boots) {
  std::sort(boots.begin(), boots.end(), [](const BootRange& a, const BootRange& b) {
    return a.first != b.first ? a.first < b.first : a.id < b.id;
  });
}

// Boots from the journal's index of _BOOT_ID values: a few seeks per boot.
Result<std::vector<BootRange>> list_boots_indexed(Journal& journal) {
  std::vector<std::string> ids;
  TRY(n, journal.for_each_unique("_BOOT_ID", [&](std::string_view id) {
    if (id.size() == 32)
      ids.emplace_back(id);
    return true;
  }));
  (void)n;
  std::vector<BootRange> boots;
  for (auto& id : ids) {
    TRY(range, journal.time_range({"_BOOT_ID=" + id}));
    if (range)
      boots.push_back(BootRange{std::move(id), range->first, range->second});
  }
  return boots;
}

// Boots from a walk over every entry: for journals whose index is damaged.
Result<std::vector<BootRange>> list_boots_walking(Journal& journal) {
  std::vector<BootRange> boots;
  JournalWindow window;
  window.with_message = false;
  TRY(n,
      journal.for_each_entry(
          {},
          [&](const JournalEntry& e) {
            if (e.boot_id.empty())
              return true;
            auto it = std::find_if(boots.begin(), boots.end(),
                                   [&](const BootRange& b) { return b.id == e.boot_id; });
            if (it == boots.end())
              boots.push_back(BootRange{std::string(e.boot_id), e.realtime_usec, e.realtime_usec});
            else
              it->last = std::max(it->last, e.realtime_usec);
            return true;
          },
          window));
  (void)n;
  return boots;
}

Result<std::vector<BootRange>> list_boots(Journal& journal, std::vector<std::string>& notes) {
  auto boots = list_boots_indexed(journal);
  if (!boots) {
    notes.push_back(boots.error().message + "; listing boots by reading every entry");
    boots = list_boots_walking(journal);
  }
  if (boots)
    sort_boots(*boots);
  return boots;
}

// The boots to scan, oldest first, ending with the current one.
std::vector<BootRange> select_boots(std::vector<BootRange> boots, const std::string& running,
                                    const JournalScanOptions& options, bool& current_is_running) {
  current_is_running = false;
  std::size_t current = boots.empty() ? 0 : boots.size() - 1;
  if (!running.empty()) {
    for (std::size_t i = 0; i < boots.size(); ++i)
      if (boots[i].id == running) {
        current = i;
        current_is_running = true;
      }
  }
  if (boots.empty())
    return boots;
  boots.resize(current + 1);
  std::size_t limit = options.since_usec > 0 && options.boots <= 1
                          ? boots.size()
                          : static_cast<std::size_t>(std::max(options.boots, 1));
  std::vector<BootRange> chosen;
  for (std::size_t i = boots.size() > limit ? boots.size() - limit : 0; i < boots.size(); ++i)
    if (boots[i].last >= options.since_usec)
      chosen.push_back(std::move(boots[i]));
  return chosen;
}

void record(BootSignatureStats& stats, const LogSignature& sig, std::uint64_t number,
            const JournalEntry& entry, std::string_view message) {
  if (stats.matches == 0 || entry.realtime_usec < stats.first_usec) {
    stats.first_usec = entry.realtime_usec;
    stats.first_monotonic_usec = entry.monotonic_usec;
    stats.first_message = std::string(message.substr(0, kExcerptBytes));
  }
  if (stats.matches == 0 || entry.realtime_usec >= stats.last_usec) {
    stats.last_usec = entry.realtime_usec;
    stats.last_monotonic_usec = entry.monotonic_usec;
    stats.last_message.assign(message.substr(0, kExcerptBytes));
  }
  ++stats.matches;
  if (sig.aggregate == "max")
    stats.total = std::max(stats.total, number);
  else if (sig.aggregate == "sum")
    stats.total = number > UINT64_MAX - stats.total ? UINT64_MAX : stats.total + number;
  else
    stats.total = stats.matches;
}

// What matching a message gave, kept by message key: a flood repeats a few
// messages, and a journal file names each of them by one key.
class MatchCache {
public:
  // Whether the message of `key` is known to match nothing (so its text is
  // not needed).
  bool matches_nothing(std::uint64_t key) const {
    const Slot& slot = slot_of(key);
    return slot.key == key && slot.matches.empty();
  }
  const std::vector<SignatureMatcher::Match>& matches(const SignatureMatcher& matcher,
                                                      std::uint64_t key, std::string_view message) {
    Slot& slot = slot_of(key);
    if (slot.key != key) {
      slot.key = key;
      matcher.match_anchored(message, slot.matches);
    }
    return slot.matches;
  }

private:
  struct Slot {
    std::uint64_t key = 0;
    std::vector<SignatureMatcher::Match> matches;
  };
  static constexpr int kBits = 14;
  Slot& slot_of(std::uint64_t key) { return slots_[(key * 0x9E3779B97F4A7C15ULL) >> (64 - kBits)]; }
  const Slot& slot_of(std::uint64_t key) const {
    return slots_[(key * 0x9E3779B97F4A7C15ULL) >> (64 - kBits)];
  }
  std::vector<Slot> slots_ = std::vector<Slot>(std::size_t{1} << kBits);
};

JournalWindow walk_window(std::uint64_t since_usec, const MatchCache& cache) {
  JournalWindow window;
  window.since_usec = since_usec;
  window.read_message = [&cache](std::uint64_t key) { return !cache.matches_nothing(key); };
  return window;
}

// The walking scan: every kernel message of each chosen boot, prefiltered
// then matched.
Result<bool> scan_walking(Journal& journal, const Knowledge& knowledge,
                          const SignatureMatcher& matcher, const JournalScanOptions& options,
                          std::vector<BootKernelLog>& boots) {
  std::uint64_t messages = 0;
  for (std::size_t b = 0; b < boots.size(); ++b) {
    BootKernelLog& boot = boots[b];
    MatchCache cache; // keys name messages within one walk
    std::vector<SignatureMatcher::Match> uncached;
    auto visited = journal.for_each_entry(
        {"_TRANSPORT=kernel", "_BOOT_ID=" + boot.boot_id},
        [&](const JournalEntry& entry) {
          ++boot.kernel_messages;
          if (++messages % kProgressEvery == 0 && options.progress)
            options.progress(messages, b + 1, boots.size());
          if (entry.message_key != 0 && cache.matches_nothing(entry.message_key))
            return true;
          const std::vector<SignatureMatcher::Match>* found = &uncached;
          if (entry.message_key != 0)
            found = &cache.matches(matcher, entry.message_key, entry.message);
          else
            matcher.match_anchored(entry.message, uncached);
          for (const auto& m : *found) {
            const LogSignature& sig = knowledge.signatures[m.index];
            record(boot.signatures[sig.id], sig, m.number.value_or(1), entry, entry.message);
          }
          return true;
        },
        walk_window(options.since_usec, cache));
    if (!visited)
      return visited.error();
  }
  return true;
}

std::string monotonic_text(std::uint64_t usec) {
  return fmt::format("{}.{:06}", usec / 1000000, usec % 1000000);
}

} // namespace

std::string kernel_release_from_banner(std::string_view message) {
  constexpr std::string_view kBanner = "Linux version ";
  std::size_t at = message.find(kBanner);
  if (at == std::string_view::npos)
    return {};
  std::string_view rest = message.substr(at + kBanner.size());
  std::size_t end = rest.find(' ');
  return std::string(rest.substr(0, std::min(end, std::size_t{128})));
}

Result<JournalBootSelection> select_journal_boots(Journal& journal,
                                                  const JournalScanOptions& options) {
  JournalBootSelection selection;
  TRY(boots, list_boots(journal, selection.notes));
  selection.in_journal = boots.size();
  selection.boots =
      select_boots(std::move(boots), journal.is_local() ? current_boot_id() : std::string(),
                   options, selection.current_is_running);
  return selection;
}

Result<JournalHistory> scan_journal_kernel(Journal& journal, const Knowledge& knowledge,
                                           const JournalScanOptions& options) {
  JournalHistory history;
  history.source = journal.description();
  history.since_usec = options.since_usec;
  TRY(selection, select_journal_boots(journal, options));
  history.notes = std::move(selection.notes);
  history.boots_in_journal = selection.in_journal;
  history.current_is_running = selection.current_is_running;
  std::vector<BootRange> chosen = std::move(selection.boots);

  for (auto& range : chosen) {
    BootKernelLog boot;
    boot.boot_id = std::move(range.id);
    boot.first_usec = range.first;
    boot.last_usec = range.last;
    history.boots.push_back(std::move(boot));
  }
  if (history.boots.empty())
    return history;
  SignatureMatcher matcher(knowledge.signatures);
  TRY(walked, scan_walking(journal, knowledge, matcher, options, history.boots));
  (void)walked;
  for (auto& boot : history.boots)
    if (auto it = boot.signatures.find("linux-version"); it != boot.signatures.end())
      boot.kernel = kernel_release_from_banner(it->second.first_message);
  return history;
}

KernelLog kernel_log_of_boot(const BootKernelLog& boot, const std::string& source) {
  KernelLog log;
  log.source = source;
  log.lines = boot.kernel_messages;
  for (const auto& [id, stats] : boot.signatures) {
    SignatureStats& out = log.signatures[id];
    out.matches = stats.matches;
    out.total = stats.total;
    out.first = LogLine{0, monotonic_text(stats.first_monotonic_usec),
                        static_cast<double>(stats.first_monotonic_usec) / 1e6, stats.first_message};
    out.last = LogLine{0, monotonic_text(stats.last_monotonic_usec),
                       static_cast<double>(stats.last_monotonic_usec) / 1e6, stats.last_message};
  }
  return log;
}

} // namespace lsmdoctor
