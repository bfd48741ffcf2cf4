// Fuzz target: the kernel command line parser and its round trip.
#include "parse/cmdline.h"

#include <cstdint>
#include <cstdio>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto cmdline = lsmdoctor::parse_cmdline(text);
  auto again = lsmdoctor::parse_cmdline(lsmdoctor::format_cmdline(cmdline.params));
  if (again.params.size() != cmdline.params.size()) {
    // Formatting must keep every parameter.
    std::fprintf(stderr, "round trip changed the parameter count: [%.*s] -> [%s]\n",
                 static_cast<int>(size), text.data(),
                 lsmdoctor::format_cmdline(cmdline.params).c_str());
    __builtin_trap();
  }
  return 0;
}
