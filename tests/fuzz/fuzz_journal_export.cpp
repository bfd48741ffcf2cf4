// Fuzz target: the journal export reader (text and length-prefixed binary
// fields), and the writer's output read back must give the same entry.
#include "parse/journal_export.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace {

lsmdoctor::JournalExportReader reader_of(const char* data, std::size_t size, std::size_t& at) {
  lsmdoctor::JournalExportLimits limits;
  limits.field_bytes = 1 << 16;
  limits.entry_fields = 256;
  return lsmdoctor::JournalExportReader(
      [data, size, &at](char* buf, std::size_t want) -> long {
        std::size_t n = std::min({want, size - at, std::size_t{4093}}); // odd-sized reads
        if (n > 0)
          std::memcpy(buf, data + at, n);
        at += n;
        return static_cast<long>(n);
      },
      "fuzz.export", limits);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::size_t at = 0;
  auto reader = reader_of(reinterpret_cast<const char*>(data), size, at);
  lsmdoctor::JournalExportEntry entry;
  for (int entries = 0; entries < 10000; ++entries) {
    auto more = reader.next(entry);
    if (!more || !*more)
      break;
    // Round trip: what the writer makes of the entry reads back unchanged.
    std::string text = lsmdoctor::format_journal_export_entry(entry.fields);
    std::size_t again_at = 0;
    auto again = reader_of(text.data(), text.size(), again_at);
    lsmdoctor::JournalExportEntry copy;
    auto ok = again.next(copy);
    if (!ok || !*ok || copy.fields != entry.fields)
      std::abort();
  }
  return 0;
}
