// Fuzz target: the /etc/default/grub and BLS entry readers.
#include "sources/boot_config.h"

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  int line = 0;
  std::string grub = lsmdoctor::grub_default_cmdline(text, line);
  // Two variables of at most 64 KiB each, however they reference each other.
  if (line < 0 || grub.size() > 2 * (1 << 16) + 1)
    __builtin_trap();
  std::string bls = lsmdoctor::bls_options(text, line);
  if (bls.size() > size)
    __builtin_trap();
  return 0;
}
