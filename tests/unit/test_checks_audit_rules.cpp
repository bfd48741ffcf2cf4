// The audit.rules.* checks on rules parsed from text.
#include "checks/checks.h"
#include "parse/audit_rules.h"
#include "test_support.h"

#include <catch2/catch.hpp>
#include <libaudit.h>

using namespace lsmdoctor;
using namespace lsmdoctor::test;

namespace {

Facts with_rules(std::string_view text, std::string_view stack = "capability,yama,apparmor,bpf") {
  Facts facts;
  AuditRules rules;
  rules.files.emplace_back("/etc/audit/audit.rules");
  parse_audit_rules(text, "/etc/audit/audit.rules", MACH_86_64, rules);
  for (const auto& line : rules.lines)
    if (line.kind == AuditRuleKind::watch)
      rules.watches.push_back(
          {line.path, true, line.path == "/etc/ssh/sshd_config", "/etc/static/ssh/sshd_config"});
  facts.audit_rules = Fact<AuditRules>::known(std::move(rules), {"/etc/audit/audit.rules"});
  facts.audit_rules_loaded = Fact<LoadedAuditRules>::unknown("not root");
  facts.active_lsms = active(stack);
  return facts;
}

} // namespace

TEST_CASE("audit.rules.syntax", "[checks][audit_rules]") {
  CHECK(run_check(checks::audit_rules_syntax, with_rules("-D\n-b 8192\n-e 1\n")).status ==
        Status::pass);
  Finding bad = run_check(checks::audit_rules_syntax, with_rules("-D\n-a always,exit -S opne\n"));
  CHECK(bad.status == Status::fail);
  CHECK(bad.severity == Severity::error);
  CHECK(bad.title.find("/etc/audit/audit.rules:2: Syscall name unknown: opne") !=
        std::string::npos);
  REQUIRE(bad.evidence.size() == 1);
  CHECK(bad.evidence[0].line == 2);
  CHECK(bad.evidence[0].note.find("There was an error in line 2 of /etc/audit/audit.rules") !=
        std::string::npos);
  Facts none;
  none.audit_rules = Fact<AuditRules>::known(AuditRules{}, {"/etc/audit"});
  CHECK(run_check(checks::audit_rules_syntax, none).status == Status::not_applicable);
  Facts unreadable;
  unreadable.audit_rules = Fact<AuditRules>::unknown("/etc/audit/audit.rules: permission denied");
  CHECK(run_check(checks::audit_rules_syntax, unreadable).status == Status::unknown);
}

TEST_CASE("audit.rules.immutable-early", "[checks][audit_rules]") {
  const auto& def = checks::audit_rules_immutable_early;
  CHECK(run_check(def, with_rules("-D\n-w /etc/passwd -p wa\n-e 2\n")).status == Status::pass);
  CHECK(run_check(def, with_rules("-D\n-w /etc/passwd -p wa\n")).status == Status::not_applicable);
  Finding early = run_check(def, with_rules("-D\n-e 2\n-w /etc/passwd -p wa\n-b 100\n"));
  CHECK(early.status == Status::fail);
  CHECK(early.title.find(":2 is followed by 2 more") != std::string::npos);
}

TEST_CASE("audit.rules.watch-symlink", "[checks][audit_rules]") {
  const auto& def = checks::audit_rules_watch_symlink;
  CHECK(run_check(def, with_rules("-w /etc/passwd -p wa\n")).status == Status::pass);
  CHECK(run_check(def, with_rules("-b 10\n")).status == Status::not_applicable);
  Finding link = run_check(def, with_rules("-w /etc/ssh/sshd_config -p wa -k sshd\n"));
  CHECK(link.status == Status::fail);
  REQUIRE_FALSE(link.evidence.empty());
  CHECK(link.evidence[0].note == "/etc/ssh/sshd_config -> /etc/static/ssh/sshd_config");
  SECTION("a plan's watches are on the planned system, not judged here") {
    Facts planned = with_rules("-w /etc/ssh/sshd_config -p wa -k sshd\n");
    planned.origin = Origin::plan;
    Finding f = run_check(def, planned);
    CHECK(f.status == Status::not_applicable);
    CHECK(f.title.find("planned system") != std::string::npos);
  }
}

TEST_CASE("audit.rules.lsm-field-mismatch", "[checks][audit_rules]") {
  const auto& def = checks::audit_rules_lsm_field_mismatch;
  const char* selinux_rule = "-a always,exit -S execve -F subj_type=unconfined_t\n";
  const char* apparmor_rule = "-a always,exit -S execve -F subj_role=unconfined\n";
  CHECK(run_check(def, with_rules("-w /etc/passwd\n")).status == Status::not_applicable);
  CHECK(run_check(def, with_rules(apparmor_rule)).status == Status::pass);
  Finding foreign = run_check(def, with_rules(selinux_rule));
  CHECK(foreign.status == Status::fail);
  CHECK(foreign.evidence[0].note == "subj_type binds to apparmor, which accepts only: subj_role");
  CHECK(foreign.title.find("(subj_type), first at") != std::string::npos);
  CHECK(foreign.title.find("served by selinux, which is not active") != std::string::npos);
  // Several foreign fields are all named; obj_user is Smack's too.
  Finding fields = run_check(
      def, with_rules(std::string(selinux_rule) +
                      "-a always,exit -S openat -F obj_type=shadow_t\n"
                      "-a always,exit -S unlink -F obj_user=system_u\n-a always,exit -S openat "
                      "-F obj_type=etc_t\n"));
  CHECK(fields.title.find("4 rule(s) use context fields apparmor does not serve (subj_type, "
                          "obj_type, obj_user)") != std::string::npos);
  CHECK(fields.title.find("served by selinux or smack, none of them active") != std::string::npos);
  CHECK(fields.detail.find("not in the active stack") != std::string::npos);
  CHECK(run_check(def, with_rules(selinux_rule, "capability,selinux")).status == Status::pass);
  Finding none = run_check(def, with_rules(selinux_rule, "capability,landlock,yama"));
  CHECK(none.status == Status::fail);
  CHECK(none.title.find("no active module provides them") != std::string::npos);
  Finding several = run_check(def, with_rules(apparmor_rule, "capability,apparmor,selinux"));
  CHECK(several.status == Status::fail);
  CHECK(several.evidence[0].note.find("binds to apparmor") != std::string::npos);
}
