// Fuzz target: plan files (check --plan), TOML from a CI job or a generator.
// The rules file a plan names is read through a stand-in that never touches
// the disk: a fixed rules text, or an error for paths ending in "missing".
#include "core/knowledge.h"
#include "fuzz_knowledge.h"
#include "sources/plan_file.h"

#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

constexpr const char* kRules = "-D\n-b 8192\n-f 2\n-w /etc/passwd -p wa -k passwd\n"
                               "-a always,exit -F arch=b64 -S openat -F subj_type=unconfined_t\n"
                               "-e 1\n";

lsmdoctor::Result<std::string> read_stand_in(const std::string& path) {
  if (path.size() >= 7 && path.compare(path.size() - 7, 7, "missing") == 0)
    return lsmdoctor::make_error(path + ": No such file or directory");
  return std::string(kRules);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const lsmdoctor::Knowledge& kKnowledge = lsmdoctor::fuzz::knowledge();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  lsmdoctor::PlanInputs inputs;
  inputs.read_file = read_stand_in;
  auto facts = lsmdoctor::parse_plan(text, "dir/fuzz.toml", kKnowledge, inputs);
  if (!facts)
    return 0;
  if (facts->cmdline.is_known())
    (void)facts->cmdline->last("lsm");
  // A failure mode is one of auditctl's three, whichever key set it.
  if (facts->audit_failure_mode.is_known() &&
      (*facts->audit_failure_mode < 0 || *facts->audit_failure_mode > 2))
    std::abort();
  return 0;
}
