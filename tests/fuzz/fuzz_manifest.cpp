// Fuzz target: the snapshot manifest (.lsm-doctor/manifest.toml).
#include "parse/manifest.h"

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto manifest = lsmdoctor::parse_manifest(text, "fuzz.toml");
  if (manifest)
    (void)lsmdoctor::render_manifest(*manifest);
  return 0;
}
