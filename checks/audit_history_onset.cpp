// audit.history.onset: when the audit context errors began, dated by the
// journal's boots and the kernel each boot ran.
#include "checks/checks.h"
#include "parse/journal_time.h"

#include <fmt/format.h>
#include <set>

namespace lsmdoctor::checks {
namespace {

// "boot -2 (3f2a1b9c0d4e)": the offset journalctl -b takes, and the id.
std::string boot_name(const JournalHistory& h, std::size_t index) {
  long offset = static_cast<long>(index) - static_cast<long>(h.boots.size() - 1);
  return fmt::format("boot {} ({})", offset, h.boots[index].boot_id.substr(0, 12));
}

std::string kernel_of(const BootKernelLog& boot) {
  return boot.kernel.empty() ? "an unknown kernel (no 'Linux version' line)"
                             : "kernel " + boot.kernel;
}

// "kernel 6.17.9" or "kernels 6.17.8, 6.17.9" for boots [0, end).
std::string kernels_of(const JournalHistory& h, std::size_t end) {
  std::set<std::string> releases;
  bool unknown_kernel = false;
  for (std::size_t i = 0; i < end; ++i) {
    if (h.boots[i].kernel.empty())
      unknown_kernel = true;
    else
      releases.insert(h.boots[i].kernel);
  }
  if (releases.empty())
    return "an unknown kernel";
  std::string list;
  for (const auto& r : releases)
    list += (list.empty() ? "" : ", ") + r;
  return fmt::format("{} {}{}", releases.size() == 1 ? "kernel" : "kernels", list,
                     unknown_kernel ? " (and boots without a 'Linux version' line)" : "");
}

Evidence boot_evidence(const JournalHistory& h, std::size_t i) {
  const BootKernelLog& b = h.boots[i];
  Evidence e;
  e.source = h.source;
  e.excerpt = fmt::format("{}: {}, {} audit context errors in {} kernel messages", boot_name(h, i),
                          kernel_of(b), b.audit_errors(), b.kernel_messages);
  std::uint64_t first = 0;
  std::uint64_t last = 0;
  for (const char* id : kAuditFailureSignatures) {
    auto it = b.signatures.find(id);
    if (it == b.signatures.end())
      continue;
    if (first == 0 || it->second.first_usec < first)
      first = it->second.first_usec;
    last = std::max(last, it->second.last_usec);
  }
  if (first > 0) {
    e.count = b.audit_errors();
    e.first_seen = format_realtime(first);
    e.last_seen = format_realtime(last);
  }
  return e;
}

Finding run(const CheckContext& ctx);

} // namespace

const CheckDef audit_history_onset{"audit.history.onset", Severity::info,
                                   "when audit context errors began, by boot and kernel", run};

namespace {

Finding run(const CheckContext& ctx) {
  const CheckDef& def = audit_history_onset;
  const auto& fact = ctx.facts.journal;
  if (!fact.is_known())
    return unknown(def, "no journal history of kernel messages",
                   "the journal is unknown: " + fact.reason());
  const JournalHistory& h = *fact;
  if (h.boots.empty() && !h.no_journal.empty())
    return not_applicable(def, "no journal history: " + h.no_journal);
  if (h.boots.size() < 2)
    return not_applicable(def, fmt::format("one boot scanned of {} in {}; --boots N (or --since) "
                                           "reads the history",
                                           h.boots_in_journal, h.source));
  std::size_t onset = h.boots.size();
  std::size_t with_errors = 0;
  for (std::size_t i = 0; i < h.boots.size(); ++i) {
    if (h.boots[i].audit_errors() == 0)
      continue;
    ++with_errors;
    if (onset == h.boots.size())
      onset = i;
  }
  if (onset == h.boots.size()) {
    Finding f = pass(def, fmt::format("no audit context errors in the {} boots scanned ({})",
                                      h.boots.size(), kernels_of(h, h.boots.size())));
    for (std::size_t i = 0; i < h.boots.size(); ++i)
      f.evidence.push_back(boot_evidence(h, i));
    return f;
  }
  const BootKernelLog& first_bad = h.boots[onset];
  Finding f = fail(def, "");
  if (onset == 0) {
    f.title = fmt::format("audit context errors in the oldest boot scanned ({} on {}); they began "
                          "earlier than the {} boots read",
                          boot_name(h, 0), kernel_of(first_bad), h.boots.size());
    f.detail = "Every boot read has errors or the first one does: read more history (--boots N "
               "or --since) to find the last clean boot.";
  } else {
    f.title = fmt::format("errors began with {} on {}; the {} earlier boot{} on {} {} clean",
                          boot_name(h, onset), kernel_of(first_bad), onset, onset == 1 ? "" : "s",
                          kernels_of(h, onset), onset == 1 ? "was" : "were");
    bool kernel_changed =
        !first_bad.kernel.empty() && h.boots[onset - 1].kernel != first_bad.kernel;
    if (kernel_changed) {
      f.severity = Severity::warning;
      f.detail = fmt::format(
          "The errors start with the first boot of {} after clean boots of {}: the kernel "
          "change is the trigger (6.18 made the first security module's answer final, so bpf "
          "ahead of AppArmor/SELinux/Smack now fails). Booting {} again is a stopgap; ordering "
          "the modules is the fix.",
          first_bad.kernel, h.boots[onset - 1].kernel, h.boots[onset - 1].kernel);
    } else {
      f.detail = "The errors start without a kernel change: look at what changed in that boot's "
                 "configuration (kernel command line, lsm= order, audit rules, new BPF LSM "
                 "programs).";
    }
  }
  std::size_t later_clean = h.boots.size() - onset - with_errors;
  if (later_clean > 0)
    f.detail +=
        fmt::format(" {} later boot{} had no errors.", later_clean, later_clean == 1 ? "" : "s");
  for (std::size_t i = 0; i < h.boots.size(); ++i)
    f.evidence.push_back(boot_evidence(h, i));
  f.confidence = "high";
  return f;
}

} // namespace
} // namespace lsmdoctor::checks
