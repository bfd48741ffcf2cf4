// The facts model: everything the checks may look at, gathered once by a
// source (live host, --root tree, snapshot or plan). Checks never read files.
#pragma once

#include "core/audit_facts.h"
#include "core/boot_facts.h"
#include "core/fact.h"
#include "core/journal_facts.h"
#include "core/probe_facts.h"
#include "core/unit_facts.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lsmdoctor {

// A kernel release such as "6.18.2-arch1-1": numbers parsed, text kept.
struct KernelRelease {
  std::string text;
  int major = 0;
  int minor = 0;
  int patch = 0;

  // Compares major.minor.patch only; the local suffix is ignored.
  int compare(int other_major, int other_minor, int other_patch = 0) const;
  bool at_least(int other_major, int other_minor, int other_patch = 0) const {
    return compare(other_major, other_minor, other_patch) >= 0;
  }
};

// One `key` or `key=value` word of the kernel command line.
struct CmdlineParam {
  std::string key;
  std::optional<std::string> value;
};

// The kernel's part of the command line (words after a bare "--" go to init
// and are not kernel parameters).
struct KernelCmdline {
  std::string raw;
  std::vector<CmdlineParam> params;

  // The value of the last `key=` (the kernel's early_param/__setup order:
  // the last occurrence wins); nullopt when absent.
  std::optional<std::string> last(const std::string& key) const;
  // How many times `key` occurs.
  int count(const std::string& key) const;
};

// Options from the kernel's build configuration that matter to the stack.
struct KernelConfig {
  std::map<std::string, std::string>
      options; // "CONFIG_LSM" -> "landlock,...", "CONFIG_AUDIT" -> "y"
  std::optional<std::string> get(const std::string& name) const;
  bool enabled(const std::string& name) const; // =y or =m
};

// One kernel log line kept as evidence.
struct LogLine {
  int line = 0;                  // 1-based line (or record) number in the source
  std::string timestamp;         // as printed: "12.345678", "Dec 23 17:02:02", ...
  std::optional<double> seconds; // seconds since boot, when the format has them
  std::string message;           // the text after the prefix, possibly truncated
};

// What the kernel log says about one signature of knowledge/signatures.toml.
struct SignatureStats {
  std::uint64_t matches = 0; // lines that matched
  std::uint64_t total = 0;   // aggregate of the {N} numbers (sum or max), else == matches
  LogLine first;
  LogLine last;
};

// A streamed summary of a kernel log: per-signature statistics, not lines.
struct KernelLog {
  std::string source; // "/dev/kmsg", "klogctl", or the --dmesg path
  std::uint64_t lines = 0;
  std::map<std::string, SignatureStats> signatures; // by signature id
  std::vector<std::string> warnings;                // malformed input, with line numbers

  const SignatureStats* find(const std::string& id) const;
  std::uint64_t count(const std::string& id) const;
};

// The kernel audit status as AUDIT_GET (auditctl -s) reports it.
struct AuditStatus {
  int enabled = 0;       // 0 off, 1 on, 2 locked (immutable until reboot)
  int failure = 1;       // 0 silent, 1 printk, 2 panic
  std::uint32_t pid = 0; // the registered audit daemon; 0 when none
  std::uint32_t rate_limit = 0;
  std::uint32_t backlog_limit = 0;
  std::uint32_t lost = 0; // records dropped since boot (or the last --reset-lost)
  std::uint32_t backlog = 0;
  std::optional<std::uint32_t> backlog_wait_time; // only when the kernel reports it
  std::optional<std::uint32_t> feature_bitmap;    // netlink only; auditctl -s omits it

  // "enabled=1 failure=1 pid=0 backlog=0/64 lost=0": the fields that matter.
  std::string summary() const;
};

// Where the facts as a whole came from.
enum class Origin { live, root, snapshot, plan };

struct Facts {
  Origin origin = Origin::live;
  std::string root = "/"; // the tree the files were read from

  Fact<KernelRelease> kernel;
  Fact<std::vector<std::string>> active_lsms; // runtime order, capability first
  Fact<KernelCmdline> cmdline;
  Fact<KernelConfig> kconfig;
  Fact<KernelLog> kernel_log;
  Fact<AuditStatus> audit_status;
  // errno with which the kernel refused the live AUDIT_GET query, 0 otherwise:
  // EPROTONOSUPPORT confirms audit=0 (no audit netlink socket at all).
  int audit_status_errno = 0;
  // The audit failure mode (auditctl -f: 0 silent, 1 printk, 2 panic) a plan
  // configures for its boot: [audit] failure, else its rules file's last -f.
  // A host's mode is in audit_status.
  Fact<int> audit_failure_mode;
  // Audit rule files the boot loads (sources/audit_rules.cpp).
  Fact<AuditRules> audit_rules;
  // The rules the kernel has loaded (AUDIT_LIST_RULES, or its capture).
  Fact<LoadedAuditRules> audit_rules_loaded;
  // Audit and security units (sources/units.cpp): state and own journal lines.
  Fact<UnitStates> units;
  // audit.log and its rotated files (sources/audit_log.cpp).
  Fact<AuditLogSummary> audit_log;
  // Each module's own interface (sources/lsm_probes.cpp).
  Fact<ProbeFacts> probes;
  // The command lines the next boot uses, as configured (sources/boot_config.cpp).
  Fact<BootConfig> boot_config;
  // Kernel messages per boot from the systemd journal (sources/journal_kernel.cpp).
  Fact<JournalHistory> journal;
  // The examined system's host name (sources/hostname.cpp): waivers' host scope.
  Fact<std::string> hostname;

  // Problems met while gathering (bad lines, refused files), each naming its input.
  std::vector<std::string> warnings;
};

KernelRelease parse_kernel_release(const std::string& text);

} // namespace lsmdoctor
