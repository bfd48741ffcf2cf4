// Internal to the audit rule parser: the state auditctl keeps while it reads
// one line, and the checks of one `-F name<op>value` or `-C` comparison.
#pragma once

#include "core/audit_facts.h"

#include <string>
#include <string_view>

namespace lsmdoctor::audit_rule_detail {

inline constexpr int kFilterUnset = 0x80; // AUDIT_FILTER_UNSET of libaudit.h
inline constexpr int kFilterMask = 0x07;  // AUDIT_FILTER_MASK

// What auditctl remembers between the options of one line.
struct LineState {
  int add = kFilterUnset; // the list of -a/-A/-w, or unset
  int del = kFilterUnset; // the list of -d/-W, or unset
  int action = -1;
  int rule_ops = 0; // -a/-A/-d seen on this line
  bool exclude = false;
  bool syscall_added = false;
  bool perm_added = false;
  bool exe_added = false;
  bool filterfs_added = false;
  int machine = 0;      // for syscall names: -F arch= or the host's
  bool elf_set = false; // -F arch= was given
  int field_count = 0;  // fields added to the rule so far
  std::string key;      // -k values joined as auditctl joins them
  int list() const;     // the list flags of add or del (masked), or kFilterUnset
};

// Checks one `-F` argument against the list `flags` as libaudit's
// audit_rule_fieldpair_data does; fills `out` and returns "" when it is
// accepted, else auditctl's message for it.
std::string check_field_pair(std::string_view pair, int flags, LineState& state,
                             AuditRuleField& out);

// The same for a `-C` field comparison.
std::string check_field_compare(std::string_view pair, LineState& state, AuditRuleField& out);

} // namespace lsmdoctor::audit_rule_detail
