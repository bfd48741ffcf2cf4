// The model of how the kernel turns lsm=, security= and CONFIG_LSM into the
// ordered list of active modules (security/security.c ordered_lsm_parse and
// friends, 5.1 to 6.18 semantics).
#pragma once

#include "core/facts.h"
#include "core/knowledge.h"

#include <optional>
#include <string>
#include <vector>

namespace lsmdoctor {

struct DroppedLsm {
  std::string name;
  std::string reason; // one clause: "not built in (CONFIG_SECURITY_APPARMOR is not set)"
};

struct StackPrediction {
  std::vector<std::string> order; // as /sys/kernel/security/lsm would list it
  std::vector<DroppedLsm> dropped;
  // Modules active although the list does not name them (early lockdown,
  // ima and evm since 6.9), with the reason.
  std::vector<DroppedLsm> implied;
  std::string basis; // "lsm=", "CONFIG_LSM", "CONFIG_LSM with security=apparmor"
};

// The kernel's kstrtoul(text, 0, ...): decimal, 0x hex or 0 octal, an
// optional '+' and one trailing newline; nullopt when it would refuse.
std::optional<unsigned long> parse_kernel_ulong(const std::string& text);

// The modules requested on the command line: lsm= when given, otherwise the
// single security= module; empty when neither is given.
std::vector<std::string> requested_lsms(const KernelCmdline& cmdline);

// Predicts the active order from the command line and the kernel config.
// Returns nullopt when neither lsm= nor CONFIG_LSM is known.
std::optional<StackPrediction> predict_stack(const KernelCmdline* cmdline,
                                             const KernelConfig* config,
                                             const KernelRelease* kernel,
                                             const Knowledge& knowledge);

// Why `name` (requested) is not in `active`, as far as the inputs tell;
// empty when no reason can be told.
std::string inactive_reason(const std::string& name, const std::vector<std::string>& active,
                            const KernelCmdline* cmdline, const KernelConfig* config,
                            const KernelRelease* kernel, const Knowledge& knowledge);

// The order with every context-providing module moved ahead of bpf, other
// modules kept in place, duplicates and "capability" removed: the value to
// put in lsm=. Returns `order` unchanged (minus capability and duplicates)
// when bpf is absent or already after them.
std::vector<std::string> reorder_secctx_before_bpf(const std::vector<std::string>& order,
                                                   const Knowledge& knowledge);

// Index of the first context-providing module after bpf, if bpf precedes one.
std::optional<std::size_t> first_secctx_after_bpf(const std::vector<std::string>& order,
                                                  const Knowledge& knowledge);

} // namespace lsmdoctor
