// Facts from probing each security module's own interface (selinuxfs,
// apparmorfs, sysctl files, Landlock and BPF system calls, LSM syscalls):
// one status row per module for `lsm-doctor stack`.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace lsmdoctor {

// What one module's interface says. `known` is false when it could not be
// read; `reason` then says why and what would work ("run as root").
struct LsmProbe {
  std::string lsm; // "selinux", "apparmor", "landlock", ...
  bool known = false;
  bool present = false; // its interface exists (the module is running)
  std::string status; // one line: "enforcing, policy loaded", "12 profiles: 10 enforce, 2 complain"
  std::string source; // the file or system call read
  std::string reason; // why unknown
};

// This process's own security context as one module reports it.
struct SelfContext {
  std::string lsm;
  std::string context;
  std::string source; // "lsm_get_self_attr(2)" or "/proc/self/attr/apparmor/current"
};

struct ProbeFacts {
  std::vector<LsmProbe> modules;
  std::optional<int> landlock_abi;     // landlock_create_ruleset(NULL, 0, VERSION)
  std::optional<int> bpf_lsm_programs; // loaded BPF programs of type LSM (root)
  std::vector<SelfContext> self;       // empty when none could be read
  std::string self_reason;             // why `self` is empty

  const LsmProbe* find(const std::string& lsm) const {
    for (const auto& m : modules)
      if (m.lsm == lsm)
        return &m;
    return nullptr;
  }
};

} // namespace lsmdoctor
