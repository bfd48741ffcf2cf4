// The kernel's loaded audit rules (AUDIT_LIST_RULES), read only.
#include "parse/audit_rules.h"
#include "parse/line_reader.h"
#include "sources/audit_netlink.h"
#include "sources/audit_rules.h"

#include <cstdint>
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

// "all" when every syscall is set (auditctl looks at all words but the last,
// which holds no syscall numbers), else the names in number order.
std::string syscall_list(const audit_rule_data& rule, int machine) {
  bool all = true;
  for (unsigned w = 0; w + 1 < AUDIT_BITMASK_SIZE && all; ++w)
    all = rule.mask[w] == ~0U;
  if (all)
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

bool is_id_field(unsigned field) {
  switch (field) {
  case AUDIT_UID:
  case AUDIT_EUID:
  case AUDIT_SUID:
  case AUDIT_FSUID:
  case AUDIT_LOGINUID:
  case AUDIT_OBJ_UID:
  case AUDIT_GID:
  case AUDIT_EGID:
  case AUDIT_SGID:
  case AUDIT_FSGID:
  case AUDIT_OBJ_GID:
    return true;
  default:
    return false;
  }
}

// "wa" for AUDIT_PERM_WRITE|AUDIT_PERM_ATTR, in auditctl's order.
std::string perm_letters(std::uint32_t perm) {
  std::string out;
  if (perm & AUDIT_PERM_READ)
    out += 'r';
  if (perm & AUDIT_PERM_WRITE)
    out += 'w';
  if (perm & AUDIT_PERM_EXEC)
    out += 'x';
  if (perm & AUDIT_PERM_ATTR)
    out += 'a';
  return out;
}

// A numeric field's value as `auditctl -l` shows it.
std::string number_value(unsigned field, std::uint32_t value) {
  switch (field) {
  case AUDIT_ARCH:
    return (value & __AUDIT_ARCH_64BIT) != 0 ? "b64" : "b32";
  case AUDIT_EXIT: {
    auto code = static_cast<std::int32_t>(value);
    const char* name = code < 0 ? audit_errno_to_name(-code) : nullptr;
    return name ? fmt::format("-{}", name) : std::to_string(code);
  }
  case AUDIT_MSGTYPE: {
    const char* name = audit_msg_type_to_name(static_cast<int>(value));
    return name ? name : std::to_string(value);
  }
  case AUDIT_PERM:
    return perm_letters(value);
  case AUDIT_ARG0:
  case AUDIT_ARG1:
  case AUDIT_ARG2:
  case AUDIT_ARG3:
    return fmt::format("{:#x}", value);
  default:
    if (is_id_field(field) && value == UINT32_MAX)
      return "-1"; // unset
    return std::to_string(value);
  }
}

// One rule of the kernel in the shape of a rules-file line, its text as
// `auditctl -l` prints it: a watch as `-w PATH -p PERM -k KEY`, other rules
// as `-a ACTION,LIST` with the fields in the kernel's order and the
// syscalls (exit list only) after the arch field.
AuditRuleLine to_line(const audit_rule_data& rule, std::size_t payload, int index) {
  AuditRuleLine line;
  line.file = "netlink";
  line.line = index;
  line.kind = AuditRuleKind::rule;
  unsigned list_id = rule.flags & AUDIT_FILTER_MASK;
  const char* list = audit_flag_to_name(static_cast<int>(list_id));
  const char* action = audit_action_to_name(static_cast<int>(rule.action));
  line.list = list ? list : std::to_string(rule.flags);
  line.action = action ? action : std::to_string(rule.action);
  int machine = audit_detect_machine();
  std::size_t offset = 0;
  std::size_t buf_room = payload > sizeof(audit_rule_data) ? payload - sizeof(audit_rule_data) : 0;
  buf_room = std::min<std::size_t>(buf_room, rule.buflen);
  unsigned count = std::min<unsigned>(rule.field_count, AUDIT_MAX_FIELDS);
  std::optional<std::size_t> arch_at;
  for (unsigned i = 0; i < count; ++i) {
    unsigned field = rule.fields[i];
    const char* name = audit_field_to_name(static_cast<int>(field));
    const char* op = audit_operator_to_symbol(static_cast<int>(rule.fieldflags[i]));
    AuditRuleField f{name ? name : fmt::format("f{}", field), op ? op : "?", {}};
    if (is_string_field(field)) {
      std::size_t len = std::min<std::size_t>(rule.values[i], buf_room - offset);
      f.value.assign(rule.buf + offset, len);
      offset += len;
    } else {
      f.value = number_value(field, rule.values[i]);
    }
    if (field == AUDIT_ARCH) {
      int arch_machine = audit_elf_to_machine(rule.values[i]);
      if (arch_machine >= 0)
        machine = arch_machine;
      arch_at = line.fields.size();
    }
    if (field == AUDIT_WATCH || field == AUDIT_DIR) {
      line.kind = AuditRuleKind::watch;
      line.path = f.value;
    }
    if (field == AUDIT_PERM)
      line.perms = f.value;
    if (field == AUDIT_FILTERKEY)
      line.keys.push_back(f.value);
    line.fields.push_back(std::move(f));
  }
  bool syscalls = list_id == AUDIT_FILTER_EXIT || list_id == AUDIT_FILTER_ENTRY;
  std::string names = syscalls ? syscall_list(rule, machine) : "";
  // A watch is a path (or dir) rule on every syscall of the exit list.
  if (line.kind == AuditRuleKind::watch && names != "all")
    line.kind = AuditRuleKind::rule;
  if (line.kind == AuditRuleKind::watch) {
    line.text = "-w " + line.path;
    if (!line.perms.empty())
      line.text += " -p " + line.perms;
    for (const auto& key : line.keys)
      line.text += " -k " + key;
    return line;
  }
  line.path.clear();
  if (!names.empty())
    line.syscalls.push_back(names);
  line.text = fmt::format("-a {},{}", line.action, line.list);
  auto add_syscalls = [&] {
    if (!names.empty())
      line.text += " -S " + names;
  };
  if (!arch_at)
    add_syscalls();
  for (std::size_t i = 0; i < line.fields.size(); ++i) {
    const auto& f = line.fields[i];
    line.text += fmt::format(" -F {}{}{}", f.name, f.op, f.value);
    if (arch_at && *arch_at == i)
      add_syscalls();
  }
  return line;
}

std::string list_error_reason(int error) {
  return audit_netlink_error_reason(error, "loaded audit rules (AUDIT_LIST_RULES)",
                                    "sudo auditctl -l");
}

Fact<LoadedAuditRules> live_rules() {
  if (::geteuid() != 0)
    return Fact<LoadedAuditRules>::unknown(
        "loaded audit rules (AUDIT_LIST_RULES): run as root (CAP_AUDIT_CONTROL), e.g. "
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

} // namespace

std::string format_loaded_audit_rules(const LoadedAuditRules& loaded) {
  if (loaded.rules.empty())
    return "No rules\n";
  std::string out;
  for (const auto& rule : loaded.rules)
    out += rule.text + "\n"; // to_line() already wrote it as `auditctl -l` does
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
