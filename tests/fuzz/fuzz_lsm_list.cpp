// Fuzz target: comma-separated LSM lists (/sys/kernel/security/lsm, lsm=).
#include "parse/lsm_list.h"

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto list = lsmdoctor::parse_lsm_list(text);
  (void)lsmdoctor::join_lsm_list(list.names);
  return 0;
}
