// Fuzz target: the journal file reader. The input is a journal file: it is
// read by the parser alone (every entry, item and field chain), then, from
// a memfd, through Journal and the kernel-log scan, which walk it as the
// doctor does (matches, interleaving, reads behind the walk).
#include "fuzz_knowledge.h"
#include "parse/journal_file.h"
#include "sources/journal.h"
#include "sources/journal_kernel.h"

#include <cstdint>
#include <string>
#include <sys/mman.h>
#include <unistd.h>

namespace {

using namespace lsmdoctor;

void parse_alone(const std::uint8_t* data, std::size_t size) {
  auto file = journal_file::File::open({data, size});
  if (!file)
    return;
  std::string scratch;
  auto cursor = journal_file::ChainCursor::all_entries(*file);
  for (int entries = 0; entries < 4096; ++entries) {
    auto next = cursor.next();
    if (!next || *next == 0)
      break;
    auto entry = file->entry(*next);
    if (!entry)
      continue;
    for (std::uint64_t i = 0; i < entry->n_items && i < 64; ++i) {
      std::uint64_t item = file->item(*entry, i);
      (void)file->data(item, scratch);
      if (auto links = file->data_links(item)) {
        (void)file->last_entry_of(*links);
        auto of_data = journal_file::ChainCursor::entries_of(*file, *links);
        for (int n = 0; n < 64; ++n) {
          auto e = of_data.next();
          if (!e || *e == 0)
            break;
        }
      }
    }
  }
  for (const char* field : {"_BOOT_ID", "MESSAGE", "_TRANSPORT"})
    (void)file->for_each_data_of_field(field, scratch,
                                       [](std::uint64_t, std::string_view) { return true; });
}

void through_journal(const std::uint8_t* data, std::size_t size) {
  int fd = ::memfd_create("fuzz.journal", MFD_CLOEXEC);
  if (fd < 0)
    return;
  if (::write(fd, data, size) == static_cast<ssize_t>(size)) {
    GatherOptions options;
    options.root = "/nonexistent-root";
    options.journal_files = {"/proc/self/fd/" + std::to_string(fd)};
    if (auto journal = Journal::open(options)) {
      JournalScanOptions scan;
      scan.boots = 3;
      (void)scan_journal_kernel(*journal, fuzz::knowledge(), scan);
      (void)journal->for_each_entry({"_SYSTEMD_UNIT=auditd.service"}, [](const JournalEntry& e) {
        return !e.field("UNIT").empty() || true;
      });
    }
  }
  ::close(fd);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  parse_alone(data, size);
  through_journal(data, size);
  return 0;
}
