// Knowledge that changes as kernels change, loaded from checks/knowledge/*.toml
// (compiled in) or from a --knowledge directory. Every entry carries a source.
#pragma once

#include "core/result.h"

#include <optional>
#include <string>
#include <vector>

namespace lsmdoctor {

// A security module as the kernel knows it.
struct LsmTrait {
  std::string name;          // as in /sys/kernel/security/lsm and lsm=
  int id = 0;                // LSM_ID_* of include/uapi/linux/lsm.h (0 when none)
  bool secctx = false;       // provides a security context to audit (subj=/obj=)
  bool exclusive = false;    // LSM_FLAG_EXCLUSIVE in mainline
  bool legacy_major = false; // selectable with security=
  std::string order;         // "first", "early", "mutable" or "last"
  std::string config;        // its Kconfig symbol, e.g. CONFIG_SECURITY_APPARMOR
  std::string source;
  std::string confidence;
};

// A kernel log signature: a literal with an optional {N} number.
struct LogSignature {
  std::string id;        // stable id, e.g. "subj-ctx-error"
  std::string pattern;   // "audit_panic: {N} callbacks suppressed"
  std::string aggregate; // "count", "sum" or "max" of {N}
  std::string meaning;
  std::string source;
  std::string confidence;
};

// A range of kernel releases with a known audit behaviour or defect.
struct KernelRange {
  std::string id;
  std::string introduced; // first affected release, "6.18"
  std::string fixed;      // first fixed release, empty when no fix is known
  std::string summary;
  std::string source;
  std::string confidence;
};

struct Knowledge {
  std::vector<LsmTrait> lsms;
  std::vector<LogSignature> signatures;
  std::vector<KernelRange> kernel_ranges;

  const LsmTrait* lsm(const std::string& name) const;
  const LsmTrait* lsm_by_id(int id) const;
  const KernelRange* range(const std::string& id) const;
  bool provides_secctx(const std::string& name) const;
};

// The knowledge compiled into the binary.
Result<Knowledge> builtin_knowledge();
// The built-in knowledge with every *.toml file of `dir` replacing the
// built-in file of the same name.
Result<Knowledge> load_knowledge(const std::string& dir);
// Parses one knowledge document; `name` is used in error messages.
Result<Knowledge> parse_knowledge(const std::string& text, const std::string& name);

} // namespace lsmdoctor
