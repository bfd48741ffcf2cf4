#include "model/lsm_stack.h"

#include "parse/lsm_list.h"

#include <algorithm>
#include <fmt/format.h>

namespace lsmdoctor {
namespace {

bool contains(const std::vector<std::string>& list, const std::string& name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

// "apparmor=0" and "selinux=0" switch their module off at boot. Both read
// the value with kstrtoul(str, 0, ...) and ignore a value it refuses, so
// "0x0" and "00" are off too and "off" changes nothing
// (security/apparmor/lsm.c apparmor_enabled_setup, security/selinux/hooks.c
// selinux_enabled_setup).
std::string disabled_by_param(const std::string& name, const KernelCmdline* cmdline) {
  if (!cmdline || (name != "apparmor" && name != "selinux"))
    return {};
  auto value = cmdline->last(name);
  if (!value)
    return {};
  auto number = parse_kernel_ulong(*value);
  if (number && *number == 0)
    return fmt::format("disabled by {}={} on the command line", name, *value);
  return {};
}

std::string not_built_reason(const std::string& name, const KernelConfig* config,
                             const KernelRelease* kernel, const Knowledge& knowledge) {
  const LsmTrait* trait = knowledge.lsm(name);
  if (!trait)
    return "no security module of that name is known; the kernel ignores unknown names";
  if (name == "integrity") {
    if (kernel && kernel->at_least(6, 9))
      return "since 6.9 'integrity' names no module (IMA and EVM are modules of their own); the "
             "kernel ignores it";
    // Before 6.9 the integrity module only sets up IMA/EVM's inode cache and
    // registers no hooks, and only registering hooks puts a name in the list.
    return "before 6.9 'integrity' is initialised but registers no hooks, so "
           "/sys/kernel/security/lsm never lists it";
  }
  if (config && !trait->config.empty() && !config->options.empty() &&
      !config->enabled(trait->config))
    return fmt::format("not built in ({} is not set in the kernel config)", trait->config);
  return {};
}

// An early module (lockdown) initialises before the command line is parsed,
// so it registers ahead of capability; only when built as early
// (CONFIG_SECURITY_LOCKDOWN_LSM_EARLY), else it takes its place in the list.
bool is_early(const LsmTrait& trait, const KernelConfig* config) {
  if (trait.order != "early")
    return false;
  if (config && !config->options.empty() && !trait.config.empty())
    return config->enabled(trait.config + "_EARLY");
  return true;
}

// Whether the kernel config is known to build `trait` in.
bool known_built_in(const LsmTrait& trait, const KernelConfig* config) {
  return config && !config->options.empty() && !trait.config.empty() &&
         config->enabled(trait.config);
}

} // namespace

std::optional<unsigned long> parse_kernel_ulong(const std::string& text) {
  std::string digits = text;
  if (!digits.empty() && digits.back() == '\n')
    digits.pop_back(); // kstrtoul accepts one trailing newline
  if (!digits.empty() && digits.front() == '+')
    digits.erase(0, 1);
  int base = 10;
  if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
    base = 16;
    digits.erase(0, 2);
  } else if (digits.size() > 1 && digits[0] == '0') {
    base = 8;
    digits.erase(0, 1);
  }
  if (digits.empty())
    return std::nullopt;
  unsigned long value = 0;
  for (char c : digits) {
    int digit = -1;
    if (c >= '0' && c <= '9')
      digit = c - '0';
    else if (c >= 'a' && c <= 'f')
      digit = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      digit = c - 'A' + 10;
    if (digit < 0 || digit >= base)
      return std::nullopt;
    if (value > (~0UL - static_cast<unsigned long>(digit)) / static_cast<unsigned long>(base))
      return std::nullopt; // -ERANGE
    value = value * static_cast<unsigned long>(base) + static_cast<unsigned long>(digit);
  }
  return value;
}

std::vector<std::string> requested_lsms(const KernelCmdline& cmdline) {
  if (auto lsm = cmdline.last("lsm"))
    return parse_lsm_list(*lsm).names;
  if (auto security = cmdline.last("security"); security && !security->empty())
    return {*security};
  return {};
}

std::optional<StackPrediction> predict_stack(const KernelCmdline* cmdline,
                                             const KernelConfig* config,
                                             const KernelRelease* kernel,
                                             const Knowledge& knowledge) {
  StackPrediction prediction;
  std::vector<std::string> base;
  std::optional<std::string> security;
  if (cmdline && cmdline->last("lsm")) {
    base = parse_lsm_list(*cmdline->last("lsm")).names;
    prediction.basis = "lsm=";
  } else if (config && config->get("CONFIG_LSM")) {
    std::string value = *config->get("CONFIG_LSM");
    value.erase(std::remove(value.begin(), value.end(), '"'), value.end());
    base = parse_lsm_list(value).names;
    prediction.basis = "CONFIG_LSM";
    if (cmdline)
      security = cmdline->last("security");
  } else {
    return std::nullopt;
  }

  if (security && !security->empty()) {
    prediction.basis += " with security=" + *security;
    // security=X disables the other legacy major modules and appends X when
    // the list lacks it: after bpf when CONFIG_LSM ends with bpf.
    std::vector<std::string> kept;
    for (const auto& name : base) {
      const LsmTrait* trait = knowledge.lsm(name);
      if (trait && trait->legacy_major && name != *security)
        prediction.dropped.push_back({name, fmt::format("disabled by security={}", *security)});
      else
        kept.push_back(name);
    }
    if (!contains(kept, *security))
      kept.push_back(*security);
    base = std::move(kept);
  }

  std::vector<std::string> early;
  std::vector<std::string> ordered{"capability"};
  std::vector<std::string> last;
  std::string exclusive_winner;
  for (const auto& name : base) {
    if (contains(early, name) || contains(ordered, name) || contains(last, name))
      continue; // the kernel skips names already ordered
    if (auto why = not_built_reason(name, config, kernel, knowledge); !why.empty()) {
      prediction.dropped.push_back({name, why});
      continue;
    }
    if (auto why = disabled_by_param(name, cmdline); !why.empty()) {
      prediction.dropped.push_back({name, why});
      continue;
    }
    const LsmTrait* trait = knowledge.lsm(name);
    if (trait->exclusive) {
      if (!exclusive_winner.empty()) {
        prediction.dropped.push_back(
            {name, fmt::format("exclusive with {}, which comes first and wins", exclusive_winner)});
        continue;
      }
      exclusive_winner = name;
    }
    if (is_early(*trait, config))
      early.push_back(name);
    else
      (trait->order == "last" ? last : ordered).push_back(name);
  }
  // Modules the list cannot leave out, when the config shows them built in:
  // early modules are initialised by early_security_init() before the
  // command line is parsed, and since 6.9 LSM_ORDER_LAST modules (ima, evm)
  // are appended whatever the list says (security/security.c).
  for (const auto& trait : knowledge.lsms) {
    if (!known_built_in(trait, config) || contains(early, trait.name) ||
        contains(ordered, trait.name) || contains(last, trait.name))
      continue;
    if (is_early(trait, config)) {
      early.push_back(trait.name);
      prediction.implied.push_back(
          {trait.name, fmt::format("initialised before the command line is read ({}_EARLY=y), "
                                   "so the list cannot leave it out",
                                   trait.config)});
    } else if (trait.order == "last" && kernel && kernel->at_least(6, 9)) {
      last.push_back(trait.name);
      prediction.implied.push_back(
          {trait.name, "ordered last since 6.9 and enabled whenever it is built in"});
    }
  }
  ordered.insert(ordered.begin(), early.begin(), early.end());
  ordered.insert(ordered.end(), last.begin(), last.end());
  prediction.order = std::move(ordered);
  return prediction;
}

std::string inactive_reason(const std::string& name, const std::vector<std::string>& active,
                            const KernelCmdline* cmdline, const KernelConfig* config,
                            const KernelRelease* kernel, const Knowledge& knowledge) {
  if (auto why = not_built_reason(name, config, kernel, knowledge); !why.empty())
    return why;
  if (auto why = disabled_by_param(name, cmdline); !why.empty())
    return why;
  const LsmTrait* trait = knowledge.lsm(name);
  if (trait && trait->exclusive) {
    for (const auto& other : active) {
      const LsmTrait* t = knowledge.lsm(other);
      if (t && t->exclusive && other != name)
        return fmt::format("exclusive with {}, which is active", other);
    }
  }
  if (trait && config && !config->options.empty() && !trait->config.empty() &&
      config->enabled(trait->config))
    return "built in but not active; a boot-time parameter or a vendor patch may disable it";
  return {};
}

std::optional<std::size_t> first_secctx_after_bpf(const std::vector<std::string>& order,
                                                  const Knowledge& knowledge) {
  auto bpf = std::find(order.begin(), order.end(), "bpf");
  if (bpf == order.end())
    return std::nullopt;
  for (auto it = bpf + 1; it != order.end(); ++it)
    if (knowledge.provides_secctx(*it))
      return static_cast<std::size_t>(it - order.begin());
  return std::nullopt;
}

std::vector<std::string> reorder_secctx_before_bpf(const std::vector<std::string>& order,
                                                   const Knowledge& knowledge) {
  std::vector<std::string> unique;
  for (const auto& name : order)
    if (name != "capability" && !contains(unique, name))
      unique.push_back(name);
  auto bpf = std::find(unique.begin(), unique.end(), "bpf");
  if (bpf == unique.end())
    return unique;
  std::vector<std::string> moved;
  std::vector<std::string> rest;
  bool after_bpf = false;
  for (const auto& name : unique) {
    if (name == "bpf")
      after_bpf = true;
    if (after_bpf && knowledge.provides_secctx(name))
      moved.push_back(name);
    else
      rest.push_back(name);
  }
  auto at = std::find(rest.begin(), rest.end(), "bpf");
  rest.insert(at, moved.begin(), moved.end());
  return rest;
}

} // namespace lsmdoctor
