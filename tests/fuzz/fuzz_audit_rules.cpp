// Fuzz target: the audit rules parser on arbitrary file contents.
#include "parse/audit_rules.h"

#include <cstddef>
#include <cstdint>
#include <libaudit.h>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  lsmdoctor::AuditRules rules;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  lsmdoctor::parse_audit_rules(text, "fuzz.rules", MACH_86_64, rules);
  for (const auto& problem : rules.problems)
    (void)lsmdoctor::auditctl_line_error(problem);
  return 0;
}
