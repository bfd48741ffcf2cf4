// Fuzz target: the probe parsers (lsm_get_self_attr buffers, AppArmor's
// profiles list, the lockdown mode line).
#include "fuzz_knowledge.h"
#include "sources/lsm_probes.h"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const lsmdoctor::Knowledge& kKnowledge = lsmdoctor::fuzz::knowledge();
  (void)lsmdoctor::parse_lsm_ctx_buffer(data, size, kKnowledge);
  std::string text(reinterpret_cast<const char*>(data), size);
  (void)lsmdoctor::apparmor_profiles_status(text);
  (void)lsmdoctor::lockdown_mode(text);
  return 0;
}
