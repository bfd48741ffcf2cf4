// Fuzz target: kernel log lines in every format (dmesg -r, /dev/kmsg,
// journalctl -k) through the line parser and the signature scanner.
#include "core/knowledge.h"
#include "fuzz_knowledge.h"
#include "parse/kernel_log.h"

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const lsmdoctor::Knowledge& knowledge = lsmdoctor::fuzz::knowledge();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  lsmdoctor::KernelLogScanner scanner(knowledge, "fuzz");
  std::size_t line_number = 0;
  while (!text.empty()) {
    auto end = text.find('\n');
    auto line = text.substr(0, end);
    (void)lsmdoctor::parse_log_line(line);
    scanner.add(++line_number, line);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
  }
  (void)std::move(scanner).finish();
  return 0;
}
