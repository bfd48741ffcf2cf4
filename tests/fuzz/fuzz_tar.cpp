// Fuzz target: the snapshot archive reader (ustar headers, sizes, paths).
#include "parse/tar.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::size_t at = 0;
  lsmdoctor::TarReader reader(
      [&](char* buf, std::size_t want) -> long {
        std::size_t n = std::min(want, size - at);
        if (n > 0)
          std::memcpy(buf, data + at, n);
        at += n;
        return static_cast<long>(n);
      },
      "fuzz.tar");
  for (int members = 0; members < 1000; ++members) {
    auto member = reader.next();
    if (!member || !member->has_value())
      break;
    (void)lsmdoctor::unsafe_member_path((*member)->path);
    (void)lsmdoctor::unsafe_member_path((*member)->link);
    if (members % 2 == 0) // read every other member, skip the rest
      (void)reader.read_data([](std::string_view) {}, 1 << 16);
  }
  return 0;
}
