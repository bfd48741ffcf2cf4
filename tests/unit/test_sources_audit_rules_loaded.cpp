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

namespace {} // namespace

TEST_CASE("format_loaded_audit_rules writes what auditctl -l prints", "[sources][audit_rules]") {
  CHECK(format_loaded_audit_rules({}) == "No rules\n");

  // Rules as the netlink reader words them (its text is auditctl -l's).
  LoadedAuditRules loaded;
  for (const char* text :
       {"-w /etc/passwd -p wa -k id",
        "-a always,exit -F arch=b64 -S open,openat -F subj_type=unconfined_t "
        "-F exit=-EACCES -F key=access",
        "-a always,exit -F arch=b32 -S all", "-a never,exclude -F msgtype=CWD"}) {
    AuditRuleLine line;
    line.file = "netlink";
    line.text = text;
    loaded.rules.push_back(line);
  }
  std::string text = format_loaded_audit_rules(loaded);
  CHECK(text == "-w /etc/passwd -p wa -k id\n"
                "-a always,exit -F arch=b64 -S open,openat -F subj_type=unconfined_t "
                "-F exit=-EACCES -F key=access\n"
                "-a always,exit -F arch=b32 -S all\n"
                "-a never,exclude -F msgtype=CWD\n");

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
