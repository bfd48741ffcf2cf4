#include "parse/audit_rule_field.h"

#include <array>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <fmt/format.h>
#include <libaudit.h>
#include <linux/audit.h>
#include <utility>

namespace lsmdoctor::audit_rule_detail {

int LineState::list() const {
  if (add != kFilterUnset)
    return add & kFilterMask;
  if (del != kFilterUnset)
    return del & kFilterMask;
  return kFilterUnset;
}

namespace {

// Operators in the order libaudit looks for them: two-character ones first,
// each found by its first occurrence in the whole argument.
constexpr std::array<std::string_view, 8> kOperators{"!=", ">=", "<=", "&=", "=", ">", "<", "&"};

bool starts_with_digit(std::string_view v) {
  return !v.empty() && std::isdigit(static_cast<unsigned char>(v.front())) != 0;
}

bool negative_number(std::string_view v) {
  return v.size() >= 2 && v.front() == '-' && std::isdigit(static_cast<unsigned char>(v[1])) != 0;
}

bool numeric(std::string_view v) {
  return starts_with_digit(v) || negative_number(v);
}

// Splits at the operator; false when there is none.
bool split_pair(std::string_view pair, AuditRuleField& out) {
  for (std::string_view op : kOperators) {
    std::size_t at = pair.find(op);
    if (at == std::string_view::npos)
      continue;
    out.name = std::string(pair.substr(0, at));
    out.op = std::string(op);
    out.value = std::string(pair.substr(at + op.size()));
    return true;
  }
  return false;
}

bool is_uid_field(int field) {
  return field == AUDIT_UID || field == AUDIT_EUID || field == AUDIT_SUID || field == AUDIT_FSUID ||
         field == AUDIT_LOGINUID || field == AUDIT_OBJ_UID;
}

bool is_gid_field(int field) {
  return field == AUDIT_GID || field == AUDIT_EGID || field == AUDIT_SGID || field == AUDIT_FSGID ||
         field == AUDIT_OBJ_GID;
}

bool is_exit_only_string(int field) {
  return field == AUDIT_OBJ_USER || field == AUDIT_OBJ_ROLE || field == AUDIT_OBJ_TYPE ||
         field == AUDIT_OBJ_LEV_LOW || field == AUDIT_OBJ_LEV_HIGH || field == AUDIT_WATCH ||
         field == AUDIT_DIR;
}

bool is_subject_string(int field) {
  return field == AUDIT_SUBJ_USER || field == AUDIT_SUBJ_ROLE || field == AUDIT_SUBJ_TYPE ||
         field == AUDIT_SUBJ_SEN || field == AUDIT_SUBJ_CLR || field == AUDIT_FILTERKEY ||
         field == AUDIT_EXE;
}

// Fields the exclude list takes on kernels with AUDIT_FEATURE_BITMAP_EXCLUDE_EXTEND (4.17+).
bool allowed_on_exclude(int field) {
  switch (field) {
  case AUDIT_PID:
  case AUDIT_UID:
  case AUDIT_GID:
  case AUDIT_LOGINUID:
  case AUDIT_MSGTYPE:
  case AUDIT_SUBJ_USER:
  case AUDIT_SUBJ_ROLE:
  case AUDIT_SUBJ_TYPE:
  case AUDIT_SUBJ_SEN:
  case AUDIT_SUBJ_CLR:
    return true;
  default:
    return false;
  }
}

std::string check_arch(const AuditRuleField& f, LineState& state) {
  if (state.syscall_added)
    return fmt::format("{} must be before -S", f.name);
  if (f.op != "=" && f.op != "!=")
    return fmt::format("{} only takes = or != operators", f.name);
  int machine = -1;
  if (starts_with_digit(f.value)) {
    errno = 0;
    unsigned long elf = std::strtoul(f.value.c_str(), nullptr, 0);
    if (errno == 0 && elf <= UINT_MAX)
      machine = audit_elf_to_machine(static_cast<unsigned int>(elf));
    if (machine < 0)
      return fmt::format("{} elf mapping not found", f.name);
  } else {
    machine = audit_determine_machine(f.value.c_str());
    if (machine == -6)
      return fmt::format("{} requested bit level not supported by machine", f.name);
    if (machine < 0 || audit_machine_to_elf(machine) == 0)
      return fmt::format("{} machine type not found", f.name);
  }
  state.machine = machine;
  state.elf_set = true;
  return {};
}

std::string check_perm(const AuditRuleField& f, int flags, LineState& state) {
  if (flags != AUDIT_FILTER_EXIT)
    return fmt::format("{} can only be used with exit filter list", f.name);
  if (f.op != "=")
    return fmt::format("{} only takes = or != operators", f.name);
  if (f.value.size() > 4)
    return "String value too long";
  for (char c : f.value)
    if (std::string_view("rwxa").find(static_cast<char>(
            std::tolower(static_cast<unsigned char>(c)))) == std::string_view::npos)
      return "Permission can only contain  'rwxa'";
  state.perm_added = true;
  return {};
}

std::string check_string(const AuditRuleField& f, int field, int flags, LineState& state) {
  if (is_exit_only_string(field)) {
    if (flags != AUDIT_FILTER_EXIT)
      return fmt::format("{} can only be used with exit filter list", f.name);
    if (field == AUDIT_WATCH || field == AUDIT_DIR)
      state.perm_added = true;
  }
  if (field == AUDIT_EXE) {
    if (f.op != "=")
      return fmt::format("{} only takes = operator", f.name);
    state.exe_added = true;
  }
  if (field == AUDIT_FILTERKEY) {
    if (!(state.syscall_added || state.perm_added || state.exe_added))
      return "Key field needs a watch or syscall given prior to it";
    if (f.value.size() > AUDIT_MAX_KEY_LEN)
      return "String value too long";
  } else if (f.value.size() > PATH_MAX) {
    return "String value too long";
  }
  return {};
}

// Fields whose value is a number (or, for some, a name from a table).
std::string check_number(const AuditRuleField& f, int field, int flags) {
  const char* v = f.value.c_str();
  if (field == AUDIT_EXIT) {
    if (flags != AUDIT_FILTER_EXIT)
      return fmt::format("{} can only be used with exit filter list", f.name);
    if (!numeric(f.value) && audit_name_to_errno(v) == 0)
      return fmt::format("-F unknown errno - {}", f.name);
    return {};
  }
  if (field == AUDIT_MSGTYPE) {
    if (flags != AUDIT_FILTER_EXCLUDE && flags != AUDIT_FILTER_USER)
      return "msgtype field can only be used with exclude or user filter list";
    if (!starts_with_digit(f.value) && audit_name_to_msg_type(v) <= 0)
      return fmt::format("-F unknown message type - {}", f.name);
    return {};
  }
  if (field == AUDIT_FILETYPE) {
    if (flags != AUDIT_FILTER_EXIT)
      return fmt::format("{} can only be used with exit and entry filter list", f.name);
    if (audit_name_to_ftype(v) < 0)
      return fmt::format("-F unknown file type - {}", f.name);
    return {};
  }
  if (field == AUDIT_FSTYPE) {
    if (flags != AUDIT_FILTER_FS)
      return fmt::format("{} can only be used with filesystem filter list", f.name);
    if (!starts_with_digit(f.value) && audit_name_to_fstype(v) < 0)
      return fmt::format("-F unknown file system type - {}", f.name);
    return {};
  }
  if (field >= AUDIT_ARG0 && field <= AUDIT_ARG3)
    return numeric(f.value) ? std::string()
                            : fmt::format("-F value should be number for {}", f.name);
  if (field == AUDIT_SESSIONID) {
    if (flags != AUDIT_FILTER_EXCLUDE && flags != AUDIT_FILTER_USER && flags != AUDIT_FILTER_EXIT)
      return fmt::format("{} must be used with exclude, user, or exit filter", f.name);
    return {};
  }
  if ((field >= AUDIT_DEVMAJOR && field <= AUDIT_INODE) || field == AUDIT_SUCCESS)
    if (flags != AUDIT_FILTER_EXIT)
      return fmt::format("{} can only be used with exit filter list", f.name);
  if (field == AUDIT_INODE && f.op != "=" && f.op != "!=")
    return fmt::format("{} only takes = or != operators", f.name);
  if (field == AUDIT_PPID && flags != AUDIT_FILTER_EXIT)
    return fmt::format("{} can only be used with exit and entry filter list", f.name);
  if (!starts_with_digit(f.value))
    return fmt::format("-F value should be number for {}", f.name);
  return {};
}

} // namespace

std::string check_field_pair(std::string_view pair, int flags, LineState& state,
                             AuditRuleField& out) {
  if (state.field_count >= AUDIT_MAX_FIELDS - 1)
    return "Maximum number of fields reached";
  if (!split_pair(pair, out))
    return fmt::format("-F missing operation for {}", pair);
  if (out.name.empty())
    return fmt::format("-F missing field name before operator for {}", pair);
  if (out.value.empty())
    return fmt::format("-F missing value after operation for {}", out.name);
  int field = audit_name_to_field(out.name.c_str());
  if (field < 0)
    return fmt::format("-F unknown field: {}", out.name);
  if (flags == AUDIT_FILTER_EXCLUDE && !allowed_on_exclude(field))
    return "Only msgtype, pid, uid, gid, loginuid and subj_* fields can be used with exclude "
           "filter";

  std::string error;
  if (is_uid_field(field) || is_gid_field(field)) {
    // A name is looked up in the passwd/group database of the loading host,
    // which is not the one read here: accepted as written.
  } else if (field == AUDIT_ARCH) {
    error = check_arch(out, state);
  } else if (field == AUDIT_PERM) {
    error = check_perm(out, flags, state);
  } else if (is_exit_only_string(field) || is_subject_string(field)) {
    error = check_string(out, field, flags, state);
  } else {
    error = check_number(out, field, flags);
  }
  if (error.empty())
    ++state.field_count;
  return error;
}

std::string check_field_compare(std::string_view pair, LineState& state, AuditRuleField& out) {
  if (state.field_count >= AUDIT_MAX_FIELDS - 1)
    return "Maximum number of fields reached";
  if (!split_pair(pair, out) || (out.op != "=" && out.op != "!="))
    return fmt::format("-C missing operation for {}", pair);
  if (out.name.empty())
    return fmt::format("-C missing field name before operator for {}", pair);
  if (out.value.empty())
    return fmt::format("-C missing value after operation for {}", out.name);
  int left = audit_name_to_field(out.name.c_str());
  if (left < 0 || !(is_uid_field(left) || is_gid_field(left)))
    return fmt::format("-C unknown field: {}", out.name);
  int right = audit_name_to_field(out.value.c_str());
  bool same_kind = right >= 0 && ((is_uid_field(left) && is_uid_field(right)) ||
                                  (is_gid_field(left) && is_gid_field(right)));
  if (!same_kind || right == left)
    return fmt::format("-C unknown right hand value for comparison with: {}", out.name);
  ++state.field_count;
  return {};
}

} // namespace lsmdoctor::audit_rule_detail
