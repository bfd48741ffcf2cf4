// The kernel's loaded audit rules (AUDIT_LIST_RULES), read only.
#include "parse/audit_rules.h"
#include "parse/line_reader.h"
#include "sources/audit_netlink.h"
#include "sources/audit_rules.h"

#include <cstdlib>
#include <cstring>
#include <fmt/format.h>
#include <libaudit.h>
#include <optional>
#include <sys/stat.h>

namespace lsmdoctor {
namespace {

constexpr unsigned kSyscallBits = AUDIT_BITMASK_SIZE * 32;

bool is_string_field(unsigned field) {
  return (field >= AUDIT_SUBJ_USER && field <= AUDIT_SUBJ_CLR) ||
         (field >= AUDIT_OBJ_USER && field <= AUDIT_OBJ_LEV_HIGH) || field == AUDIT_WATCH ||
         field == AUDIT_DIR || field == AUDIT_FILTERKEY || field == AUDIT_EXE;
}

std::string syscall_list(const audit_rule_data& rule, int machine) {
  unsigned set = 0;
  for (unsigned i = 0; i < kSyscallBits; ++i)
    if (rule.mask[i / 32] & (1U << (i % 32)))
      ++set;
  if (set == kSyscallBits)
    return "all";
  std::string out;
  for (unsigned i = 0; i < kSyscallBits; ++i) {
    if (!(rule.mask[i / 32] & (1U << (i % 32))))
      continue;
    const char* name = audit_syscall_to_name(static_cast<int>(i), machine);
    out += (out.empty() ? "" : ",") + (name ? std::string(name) : std::to_string(i));
  }
  return out;
}

// One rule of the kernel in the shape of a rules-file line.
AuditRuleLine to_line(const audit_rule_data& rule, std::size_t payload, int index) {
  AuditRuleLine line;
  line.file = "netlink";
  line.line = index;
  line.kind = AuditRuleKind::rule;
  const char* list = audit_flag_to_name(static_cast<int>(rule.flags & AUDIT_FILTER_MASK));
  const char* action = audit_action_to_name(static_cast<int>(rule.action));
  line.list = list ? list : std::to_string(rule.flags);
  line.action = action ? action : std::to_string(rule.action);
  int machine = audit_detect_machine();
  std::size_t offset = 0;
  std::size_t buf_room = payload > sizeof(audit_rule_data) ? payload - sizeof(audit_rule_data) : 0;
  buf_room = std::min<std::size_t>(buf_room, rule.buflen);
  unsigned count = std::min<unsigned>(rule.field_count, AUDIT_MAX_FIELDS);
  for (unsigned i = 0; i < count; ++i) {
    unsigned field = rule.fields[i];
    const char* name = audit_field_to_name(static_cast<int>(field));
    const char* op = audit_operator_to_symbol(static_cast<int>(rule.fieldflags[i]));
    AuditRuleField f{name ? name : fmt::format("f{}", field), op ? op : "?", {}};
    if (is_string_field(field)) {
      std::size_t len = std::min<std::size_t>(rule.values[i], buf_room - offset);
      f.value.assign(rule.buf + offset, len);
      offset += len;
    } else if (field == AUDIT_EXIT) {
      f.value = std::to_string(static_cast<int>(rule.values[i]));
    } else {
      f.value = std::to_string(rule.values[i]);
    }
    if (field == AUDIT_ARCH) {
      int arch_machine = audit_elf_to_machine(rule.values[i]);
      if (arch_machine >= 0)
        machine = arch_machine;
    }
    if (field == AUDIT_WATCH || field == AUDIT_DIR) {
      line.kind = AuditRuleKind::watch;
      line.path = f.value;
    }
    if (field == AUDIT_FILTERKEY)
      line.keys.push_back(f.value);
    line.fields.push_back(std::move(f));
  }
  if (line.kind == AuditRuleKind::rule) {
    std::string syscalls = syscall_list(rule, machine);
    if (!syscalls.empty())
      line.syscalls.push_back(syscalls);
  }
  line.text = fmt::format("-a {},{}", line.action, line.list);
  if (!line.syscalls.empty())
    line.text += " -S " + line.syscalls.front();
  for (const auto& f : line.fields)
    line.text += fmt::format(" -F {}{}{}", f.name, f.op, f.value);
  return line;
}

std::string list_error_reason(int error) {
  return audit_netlink_error_reason(error, "loaded audit rules (AUDIT_LIST_RULES)",
                                    "sudo auditctl -l");
}

Fact<LoadedAuditRules> live_rules() {
  if (::geteuid() != 0)
    return Fact<LoadedAuditRules>::unknown(
        "loaded audit rules (AUDIT_LIST_RULES) need root (CAP_AUDIT_CONTROL): run "
        "`sudo lsm-doctor`",
        {"netlink"});
  LoadedAuditRules loaded;
  int error =
      audit_netlink_exchange(audit_request_rules_list_data, [&loaded](const audit_reply& rep) {
        std::size_t payload = audit_reply_payload(rep);
        if (rep.type == AUDIT_LIST_RULES && rep.ruledata && payload >= sizeof(audit_rule_data))
          loaded.rules.push_back(
              to_line(*rep.ruledata, payload, static_cast<int>(loaded.rules.size()) + 1));
        return AuditReplyStep::more;
      });
  if (error != 0)
    return Fact<LoadedAuditRules>::unknown(list_error_reason(error), {"netlink"});
  return Fact<LoadedAuditRules>::known(std::move(loaded), {"netlink"});
}

// AUDIT_PERM_* bits as auditctl prints them ("wa").
std::string perm_letters(const std::string& value) {
  unsigned long bits = std::strtoul(value.c_str(), nullptr, 10);
  std::string out;
  for (auto [bit, letter] : {std::pair{AUDIT_PERM_READ, 'r'}, std::pair{AUDIT_PERM_WRITE, 'w'},
                             std::pair{AUDIT_PERM_EXEC, 'x'}, std::pair{AUDIT_PERM_ATTR, 'a'}})
    if ((bits & static_cast<unsigned long>(bit)) != 0)
      out += letter;
  return out.empty() ? value : out;
}

// A field of a loaded rule as `-F` takes it back: arch as b32/b64, perm as
// letters, the rest as the kernel gave it.
std::string field_value(const AuditRuleField& f) {
  if (f.name == "arch") {
    unsigned long long arch = std::strtoull(f.value.c_str(), nullptr, 10);
    return (arch & __AUDIT_ARCH_64BIT) != 0 ? "b64" : "b32";
  }
  if (f.name == "perm")
    return perm_letters(f.value);
  return f.value;
}

// `-w PATH -p PERMS [-k KEY]` for a plain watch, as auditctl -l prints it.
std::optional<std::string> as_watch(const AuditRuleLine& rule) {
  if (rule.kind != AuditRuleKind::watch || rule.list != "exit" || rule.action != "always")
    return std::nullopt;
  std::string path;
  std::string perms;
  std::string keys;
  for (const auto& f : rule.fields) {
    if ((f.name == "path" || f.name == "dir") && f.op == "=")
      path = f.value;
    else if (f.name == "perm" && f.op == "=")
      perms = perm_letters(f.value);
    else if (f.name == "key" && f.op == "=")
      keys += " -k " + f.value;
    else
      return std::nullopt;
  }
  if (path.empty() || path.find_first_of(" \t\n") != std::string::npos)
    return std::nullopt;
  return fmt::format("-w {}{}{}", path, perms.empty() ? "" : " -p " + perms, keys);
}

} // namespace

std::string format_loaded_audit_rules(const LoadedAuditRules& loaded) {
  if (loaded.rules.empty())
    return "No rules\n";
  std::string out;
  for (const auto& rule : loaded.rules) {
    if (auto watch = as_watch(rule)) {
      out += *watch + "\n";
      continue;
    }
    out += fmt::format("-a {},{}", rule.action, rule.list);
    bool arch_written = false;
    for (const auto& f : rule.fields)
      if (f.name == "arch" && !arch_written) {
        out += fmt::format(" -F arch={}", field_value(f));
        arch_written = true;
      }
    // auditctl wants -F arch= before -S; a rule on every syscall has no -S.
    for (const auto& s : rule.syscalls)
      if (s != "all")
        out += " -S " + s;
    for (const auto& f : rule.fields)
      if (f.name != "arch" || !arch_written)
        out += fmt::format(" -F {}{}{}", f.name, f.op, field_value(f));
    out += "\n";
  }
  return out;
}

Fact<LoadedAuditRules> gather_loaded_audit_rules(const GatherOptions& options,
                                                 std::vector<std::string>& warnings) {
  if (options.root == "/" || options.root.empty())
    return live_rules();
  std::string path = under_root(options.root, "/.lsm-doctor/audit_rules_loaded");
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return Fact<LoadedAuditRules>::unknown(
        "no capture of the loaded audit rules in the tree (.lsm-doctor/audit_rules_loaded, the "
        "output of `auditctl -l`); on the host run `sudo lsm-doctor`",
        {path});
  auto text = read_small_file(path, std::size_t{16} * 1024 * 1024);
  if (!text)
    return Fact<LoadedAuditRules>::unknown(text.error().message, {path});
  AuditRules parsed;
  // `auditctl -l` prints "No rules" for an empty list.
  std::string body = *text == "No rules\n" || *text == "No rules" ? std::string() : *text;
  parse_audit_rules(body, path, audit_detect_machine(), parsed);
  for (const auto& problem : parsed.problems)
    warnings.push_back(fmt::format("{}:{}: {}", path, problem.line, problem.message));
  LoadedAuditRules loaded;
  for (auto& line : parsed.lines)
    if (line.valid)
      loaded.rules.push_back(std::move(line));
  return Fact<LoadedAuditRules>::known(std::move(loaded), {path});
}

} // namespace lsmdoctor
