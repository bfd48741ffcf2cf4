// The capture of the kernel's loaded rules (.lsm-doctor/audit_rules_loaded):
// written as `auditctl -l` prints them, read back to the same rules.
#include "parse/audit_rules.h"
#include "sources/audit_rules.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <libaudit.h>

using namespace lsmdoctor;
namespace fs = std::filesystem;

namespace {

// A rule as the netlink reader builds it from AUDIT_LIST_RULES.
AuditRuleLine netlink_rule(AuditRuleKind kind, std::vector<AuditRuleField> fields,
                           std::vector<std::string> syscalls = {}) {
  AuditRuleLine line;
  line.file = "netlink";
  line.kind = kind;
  line.list = "exit";
  line.action = "always";
  line.fields = std::move(fields);
  line.syscalls = std::move(syscalls);
  return line;
}

} // namespace

TEST_CASE("format_loaded_audit_rules writes what auditctl -l prints", "[sources][audit_rules]") {
  CHECK(format_loaded_audit_rules({}) == "No rules\n");

  LoadedAuditRules loaded;
  loaded.rules.push_back(
      netlink_rule(AuditRuleKind::watch,
                   {{"path", "=", "/etc/passwd"}, {"perm", "=", "10"}, {"key", "=", "id"}}));
  loaded.rules.push_back(netlink_rule(AuditRuleKind::rule,
                                      {{"arch", "=", "3221225534"},
                                       {"subj_type", "=", "unconfined_t"},
                                       {"exit", "=", "-13"},
                                       {"key", "=", "access"}},
                                      {"open,openat"}));
  loaded.rules.push_back(netlink_rule(AuditRuleKind::rule, {{"arch", "=", "1073741827"}}, {"all"}));
  auto exclude = netlink_rule(AuditRuleKind::rule, {{"msgtype", "=", "1305"}}, {"all"});
  exclude.list = "exclude";
  exclude.action = "never";
  loaded.rules.push_back(exclude);

  std::string text = format_loaded_audit_rules(loaded);
  CHECK(text == "-w /etc/passwd -p wa -k id\n"
                "-a always,exit -F arch=b64 -S open,openat -F subj_type=unconfined_t -F exit=-13 "
                "-F key=access\n"
                "-a always,exit -F arch=b32\n"
                "-a never,exclude -F msgtype=1305\n");

  // Read back as the capture is read under --root: every rule valid, the
  // context field kept for audit.rules.lsm-field-mismatch.
  fs::path dir = fs::temp_directory_path() / "lsmd-loaded-rules-test";
  fs::create_directories(dir / ".lsm-doctor");
  std::ofstream(dir / ".lsm-doctor/audit_rules_loaded") << text;
  GatherOptions options;
  options.root = dir.string();
  std::vector<std::string> warnings;
  auto back = gather_loaded_audit_rules(options, warnings);
  fs::remove_all(dir);
  REQUIRE(back.is_known());
  CHECK(warnings.empty());
  REQUIRE(back->rules.size() == 4);
  CHECK(back->rules[0].kind == AuditRuleKind::watch);
  CHECK(back->rules[0].path == "/etc/passwd");
  CHECK(back->rules[0].perms == "wa");
  bool context = false;
  for (const auto& f : back->rules[1].fields)
    context |= f.name == "subj_type" && f.value == "unconfined_t";
  CHECK(context);
}
