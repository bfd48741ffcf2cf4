// The audit rules parser: auditctl's syntax and its error messages.
#include "parse/audit_rules.h"

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <libaudit.h>

using namespace lsmdoctor;

namespace {

AuditRules parse(std::string_view text) {
  AuditRules rules;
  parse_audit_rules(text, "/etc/audit/audit.rules", MACH_86_64, rules);
  return rules;
}

// The message of the only problem of a one-line file.
std::string error_of(std::string_view line) {
  AuditRules rules = parse(line);
  if (rules.problems.size() != 1)
    return fmt::format("{} problems", rules.problems.size());
  return rules.problems.front().message;
}

} // namespace

TEST_CASE("audit rules: comments, blank lines and common rules", "[parse][audit_rules]") {
  AuditRules rules = parse("## header\n"
                           "\n"
                           "   # indented comment\n"
                           "-D\n"
                           "-b 8192\n"
                           "--backlog_wait_time 60000\n"
                           "-f 1\n"
                           "-a always,exit -F arch=b64 -S openat,open -F exit=-EACCES -k access\n"
                           "-w /etc/passwd -p wa -k identity\n"
                           "-a never,exclude -F msgtype=CWD\n"
                           "-a always,exit -F arch=b64 -S execve -F subj_type=unconfined_t\n"
                           "--loginuid-immutable\n"
                           "-e 2\n");
  CHECK(rules.problems.empty());
  REQUIRE(rules.lines.size() == 10);
  CHECK(rules.lines[0].kind == AuditRuleKind::delete_all);
  CHECK(rules.lines[0].line == 4);
  CHECK(rules.lines[1].kind == AuditRuleKind::control);
  CHECK(rules.lines[1].control == "-b");
  CHECK(rules.lines[1].value == "8192");
  CHECK(rules.lines[2].control == "--backlog_wait_time");
  const AuditRuleLine& syscall = rules.lines[4];
  CHECK(syscall.kind == AuditRuleKind::rule);
  CHECK(syscall.list == "exit");
  CHECK(syscall.action == "always");
  CHECK(syscall.syscalls == std::vector<std::string>{"openat", "open"});
  CHECK(syscall.keys == std::vector<std::string>{"access"});
  REQUIRE(syscall.fields.size() == 3);
  CHECK(syscall.fields[1].name == "exit");
  CHECK(syscall.fields[1].op == "=");
  CHECK(syscall.fields[1].value == "-EACCES");
  const AuditRuleLine& watch = rules.lines[5];
  CHECK(watch.kind == AuditRuleKind::watch);
  CHECK(watch.path == "/etc/passwd");
  CHECK(watch.perms == "wa");
  CHECK(rules.lines[6].list == "exclude");
  CHECK(rules.lines[7].fields[1].name == "subj_type");
  CHECK(rules.lines[8].control == "--loginuid-immutable");
  CHECK(rules.lines[9].control == "-e");
  CHECK(rules.lines[9].value == "2");
  CHECK(rules.lines[9].line == 13);
}

TEST_CASE("audit rules: auditctl's words for bad lines", "[parse][audit_rules]") {
  CHECK(error_of("-a always,exit -F arch=b64 -S opn") == "Syscall name unknown: opn");
  CHECK(error_of("-a always,exit -F subj_foo=x") == "-F unknown field: subj_foo");
  CHECK(error_of("-a always,exit -F uid") == "-F missing operation for uid");
  CHECK(error_of("-a always,exit -F uid=") == "-F missing value after operation for uid");
  CHECK(error_of("-a alwys,exit") == "Append rule - bad keyword alwys,exit");
  CHECK(error_of("-A always,exot") == "Add rule - bad keyword always,exot");
  CHECK(error_of("-a always,exit,user") == "Append rule - bad keyword always,exit,user");
  CHECK(error_of("-e 3") == "Enable must be 0, 1, or 2 was 3");
  CHECK(error_of("-f x") == "Failure must be 0, 1, or 2 was x");
  CHECK(error_of("-b lots") == "Backlog must be a numeric value was lots");
  CHECK(error_of("-r -1") == "Rate must be a numeric value was -1");
  CHECK(error_of("-w etc/passwd") == "The path must start with '/'");
  CHECK(error_of("-w /etc/passwd -p rwz") == "Permission z isn't supported");
  CHECK(error_of("-w /etc/passwd -p rwxaa") == "permission rwxaa is too long");
  CHECK(error_of("-k orphan") == "key option needs a watch or syscall given prior to it");
  CHECK(error_of("-F uid=0") == "List must be given before field");
  CHECK(error_of("-S open") == "Error - no list specified");
  CHECK(error_of("-a always,exit -S open -F arch=b64") == "arch must be before -S");
  CHECK(error_of("-a always,user -F path=/x") == "path can only be used with exit filter list");
  CHECK(error_of("-a always,exit -F msgtype=AVC") ==
        "msgtype field can only be used with exclude or user filter list");
  CHECK(error_of("-a never,exclude -F msgtype=NOPE") == "-F unknown message type - msgtype");
  CHECK(error_of("-a always,exit -S all -F exit=-ENOTANERRNO") == "-F unknown errno - exit");
  CHECK(error_of("-a always,exit -F a0=abc") == "-F value should be number for a0");
  CHECK(error_of("-a always,exit -F arch=b64 -S open -a always,exit") ==
        "Multiple rule insert/delete operations are not allowed");
  CHECK(error_of("-a always,task -S open") == "Error: syscall auditing being added to task list");
  CHECK(error_of("-a always,exit -w /etc") == "watch option can't be given with a syscall");
  CHECK(error_of("-R /etc/other.rules") == "Error - nested rule files not supported");
  CHECK(error_of("-x") == "Option -x on line 1 is invalid");
  CHECK(error_of("--bogus") == "Option --bogus on line 1 is invalid");
  CHECK(error_of("-w /etc/passwd extra") == "parameter passed without an option given");
  CHECK(error_of("-a always,exit -C uid=nothing") ==
        "-C unknown right hand value for comparison with: uid");
}

TEST_CASE("audit rules: truncated lines do not read past their words", "[parse][audit_rules]") {
  CHECK(error_of("-D -k") == "Wrong number of options for Delete all request");
  CHECK(error_of("x -D -k") == "Only the -k option is allowed");
  CHECK(error_of("-D -x y") == "Only the -k option is allowed");
  CHECK(error_of("-w") == "Option -w on line 1 is invalid");
  CHECK(error_of("-w /etc/passwd -k") == "Option -k on line 1 is invalid");
  CHECK(error_of("--backlog_wait_time") == "Option --backlog_wait_time on line 1 is invalid");
  CHECK(error_of("-l -k") == "Only -k or -i options are allowed");
  CHECK(error_of("-s -x") == "Only -i option is allowed");
  CHECK(parse("-D -k key").problems.empty());
  CHECK(parse("-a always,exit -F").problems.size() == 1);
  // "--" alone ends auditctl's options and asks for nothing: no error.
  CHECK(parse("-\n--\n-a\n-F\\ \n\\").problems.size() == 4);
}

TEST_CASE("audit rules: escapes, attached arguments and abbreviations", "[parse][audit_rules]") {
  AuditRules rules = parse("-w /srv/my\\ dir -p wa -k my\\\\key\n"
                           "-w/etc/shadow -pwa\n"
                           "--backlog 100\n");
  CHECK(rules.problems.empty());
  REQUIRE(rules.lines.size() == 3);
  CHECK(rules.lines[0].path == "/srv/my dir");
  CHECK(rules.lines[0].keys == std::vector<std::string>{"my\\key"});
  CHECK(rules.lines[1].path == "/etc/shadow");
  CHECK(rules.lines[1].perms == "wa");
  CHECK(rules.lines[2].control == "--backlog_wait_time");
  // Tabs are not separators for auditctl: the path is "\t/etc/passwd".
  CHECK(error_of("-w\t/etc/passwd") == "The path must start with '/'");
}

TEST_CASE("audit rules: -i and -c keep loading after an error", "[parse][audit_rules]") {
  AuditRules strict = parse("-a always,exit -S nosuch\n-e 2\n");
  REQUIRE(strict.problems.size() == 1);
  CHECK(strict.problems[0].stops_loading);
  CHECK(auditctl_line_error(strict.problems[0]) ==
        "There was an error in line 1 of /etc/audit/audit.rules");

  AuditRules lenient = parse("-i\n-a always,exit -S nosuch\n");
  REQUIRE(lenient.problems.size() == 1);
  CHECK_FALSE(lenient.problems[0].stops_loading);
  CHECK(lenient.problems[0].line == 2);
}

TEST_CASE("audit rules: warnings are not errors", "[parse][audit_rules]") {
  AuditRules rules = parse("-w /etc/*.conf -p wa\n");
  REQUIRE(rules.problems.size() == 1);
  CHECK(rules.problems[0].warning);
  CHECK(rules.lines[0].valid);
}

TEST_CASE("audit rules: security context fields", "[parse][audit_rules]") {
  CHECK(is_lsm_context_field("subj_type"));
  CHECK(is_lsm_context_field("obj_lev_high"));
  CHECK_FALSE(is_lsm_context_field("uid"));
  CHECK_FALSE(is_lsm_context_field("subj"));
}
