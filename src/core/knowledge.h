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
  bool secctx_object = false;  // also registers object contexts (obj=) with audit (6.18+)
  std::string exclusive_from;  // first release with LSM_FLAG_EXCLUSIVE set, when known
  std::string exclusive_until; // first release without it again, empty when still exclusive
  std::string note;            // doubts and disagreements between sources
  // The audit rule fields (-F subj_type=...) its audit_rule_init accepts.
  std::vector<std::string> audit_rule_fields;
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
  std::string unaffected;            // releases outside the range worth naming, "6.12 LTS"
  std::string nixos_kernel_packages; // a NixOS boot.kernelPackages value outside the range
  std::string note;
};

// A distribution's CONFIG_LSM as shipped, where a source shows it.
struct DistroLsmDefault {
  std::string distro;     // "arch", "fedora", "ubuntu", "nixos", "upstream-apparmor", ...
  std::string release;    // the release or kernel it was seen on
  std::string config_lsm; // the comma-separated list
  std::string source;
  std::string confidence;
  std::string note;
};

// An audit record type that belongs to a security module (or to stacking).
struct AuditRecordType {
  std::string name;       // "AVC", "LANDLOCK_ACCESS", "MAC_TASK_CONTEXTS"
  int type = 0;           // the record number in mainline (or as proposed)
  std::string lsm;        // the module that emits it; "audit" for the stacking records
  std::string marker;     // a literal that identifies the record's text, e.g. apparmor="DENIED"
  std::string status;     // "mainline", "proposed" or "vendor"
  std::string introduced; // first mainline release, empty when not merged
  std::string meaning;
  std::string source;
  std::string confidence;
  std::string note;
  std::string aux;   // "subj"/"obj": a multi-context record of subj_<lsm>=/obj_<lsm>= fields
  bool subj = false; // the kernel writes subj= into it whenever a module gives tasks a context
};

// A named multi-LSM audit capability level (kernel.audit-capability).
struct CapabilityLevel {
  std::string id;      // "single-context", ...
  std::string summary; // what audit can and cannot do at this level
  std::string source;
  std::string confidence;
};

// The offline documentation of one check (explain, man page).
struct CheckDoc {
  std::string id;
  std::string severity;             // as documented: "error", "error or warning", ...
  std::string reads;                // what the check looks at
  std::string why;                  // why it matters
  std::vector<std::string> ranges;  // ids of kernel ranges it depends on
  std::vector<std::string> sources; // citations beyond the ranges'
  std::string remedies;             // what the remedies do
  std::string man;                  // the mdoc body of its man page entry
};

struct Knowledge {
  std::vector<LsmTrait> lsms;
  std::vector<LogSignature> signatures;
  std::vector<KernelRange> kernel_ranges;
  std::vector<DistroLsmDefault> distros;
  std::vector<AuditRecordType> records;
  std::vector<CapabilityLevel> levels;
  std::vector<CheckDoc> checks;

  const LsmTrait* lsm(const std::string& name) const;
  const CheckDoc* check(const std::string& id) const;
  const CapabilityLevel* level(const std::string& id) const;
  const AuditRecordType* record(const std::string& name) const;
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

// Whether `release` ("6.18", "6.18.3") lies in [introduced, fixed) of `range`.
bool release_in_range(const KernelRange& range, int major, int minor, int patch);
// "6.18 and newer (no fix known)" or "6.18 to before 6.18.9".
std::string describe_range(const KernelRange& range);

} // namespace lsmdoctor
