#include "checks/checks.h"
#include "sources/plan_file.h"
#include "test_support.h"

#include <catch2/catch.hpp>
#include <map>

using namespace lsmdoctor;

namespace {

Result<Facts> plan(std::string_view text) {
  return parse_plan(text, "plan.toml", test::knowledge());
}

// A plan in ci/plan.toml whose files are `files` (path -> text), recording
// the paths it asked for.
struct PlanDir {
  std::map<std::string, std::string> files;
  std::vector<std::string> asked;
  std::vector<std::string> audit_rules;

  Result<Facts> parse(std::string_view text) {
    PlanInputs inputs;
    inputs.read_file = [this](const std::string& path) -> Result<std::string> {
      asked.push_back(path);
      auto found = files.find(path);
      if (found == files.end())
        return make_error(path + ": No such file or directory");
      return found->second;
    };
    inputs.audit_rules = audit_rules;
    return parse_plan(text, "ci/plan.toml", test::knowledge(), inputs);
  }
};

constexpr const char* kPanicOrder = "[kernel]\nrelease = \"6.18.2\"\n"
                                    "lsm = [\"landlock\", \"yama\", \"bpf\", \"apparmor\"]\n";

std::string error_of(std::string_view text) {
  auto facts = plan(text);
  REQUIRE_FALSE(facts);
  return facts.error().message;
}

} // namespace

TEST_CASE("a plan gives the kernel, command line and CONFIG_LSM", "[sources][plan]") {
  auto facts = plan("[kernel]\n"
                    "release = \"6.18.2\"\n"
                    "cmdline = \"lsm=landlock,yama,bpf,apparmor apparmor=1\"\n"
                    "config_lsm = \"landlock,lockdown,yama,integrity,apparmor,bpf\"\n");
  REQUIRE(facts);
  CHECK(facts->origin == Origin::plan);
  REQUIRE(facts->kernel.is_known());
  CHECK(facts->kernel->minor == 18);
  CHECK(facts->kernel.from().source == "plan.toml");
  CHECK(facts->kernel.from().line == 2);
  REQUIRE(facts->cmdline.is_known());
  CHECK(facts->cmdline->last("lsm") == "landlock,yama,bpf,apparmor");
  REQUIRE(facts->kconfig.is_known());
  CHECK(facts->kconfig->get("CONFIG_LSM") == "landlock,lockdown,yama,integrity,apparmor,bpf");
  CHECK(facts->kconfig->enabled("CONFIG_SECURITY_APPARMOR"));
  SECTION("what only a running kernel knows is unknown, and says why") {
    CHECK_FALSE(facts->active_lsms.is_known());
    CHECK_FALSE(facts->kernel_log.is_known());
    CHECK_FALSE(facts->audit_status.is_known());
    CHECK(facts->kernel_log.reason().find("a plan is not booted") != std::string::npos);
  }
}

TEST_CASE("a plan's lsm list and audit settings become parameters", "[sources][plan]") {
  auto facts = plan("[kernel]\nrelease = \"6.17.9\"\nlsm = [\"yama\", \"apparmor\", \"bpf\"]\n"
                    "[audit]\nenabled = true\nbacklog_limit = 8192\n");
  REQUIRE(facts);
  REQUIRE(facts->cmdline.is_known());
  CHECK(facts->cmdline->last("lsm") == "yama,apparmor,bpf");
  CHECK(facts->cmdline->last("audit") == "1");
  CHECK(facts->cmdline->last("audit_backlog_limit") == "8192");
  CHECK_FALSE(facts->kconfig.is_known());

  SECTION("the command line's own audit= wins") {
    auto own = plan("[kernel]\ncmdline = \"audit=0\"\n[audit]\nenabled = true\n");
    REQUIRE(own);
    CHECK(own->cmdline->last("audit") == "0");
    CHECK(own->cmdline->count("audit") == 1);
  }
}

TEST_CASE("builtin limits the modules a plan's kernel has", "[sources][plan]") {
  auto facts =
      plan("[kernel]\nconfig_lsm = \"yama,apparmor,bpf\"\nbuiltin = [\"yama\", \"bpf\"]\n");
  REQUIRE(facts);
  CHECK_FALSE(facts->kconfig->enabled("CONFIG_SECURITY_APPARMOR"));
  CHECK(facts->kconfig->enabled("CONFIG_BPF_LSM"));
}

TEST_CASE("bad plans are refused with file, line and column", "[sources][plan]") {
  CHECK(error_of("[kernel]\nrelease = 6.18\n") ==
        "plan.toml:2:11: kernel.release must be a string");
  CHECK(error_of("[kernel]\nrelease = \"6.18\"\nbootloader = \"grub\"\n")
            .rfind("plan.toml:3:1: unknown key 'kernel.bootloader'", 0) == 0);
  CHECK(error_of("[kernel]\n[audit]\nbacklog_limit = -1\n")
            .rfind("plan.toml:3:17: audit.backlog_limit must be from 0 to", 0) == 0);
  CHECK(error_of("[kernel]\nrelease = \"latest\"\n").rfind("plan.toml:2:11:", 0) == 0);
  CHECK(error_of("[kernel]\nlsm = [\"bpf\", 3]\n").rfind("plan.toml:2:15:", 0) == 0);
  CHECK(error_of("[kernel]\nlsm = [\"bpf\"]\ncmdline = \"lsm=yama\"\n").find("give one") !=
        std::string::npos);
  CHECK(error_of("[kernel]\nlsm = [\"$(id)\"]\n").find("not a module name") != std::string::npos);
  CHECK(error_of("[kernel\n").rfind("plan.toml:1:", 0) == 0);
  CHECK(error_of("[audit]\nenabled = true\n") == "plan.toml: a plan needs a [kernel] table");
  CHECK(error_of("kernel = 1\n") == "plan.toml:1:10: kernel must be a table");
}

TEST_CASE("a plan's audit failure mode, by number or by name", "[sources][plan]") {
  for (const char* value : {"2", "\"panic\""}) {
    auto facts = plan(std::string("[kernel]\n[audit]\nfailure = ") + value + "\n");
    REQUIRE(facts);
    REQUIRE(facts->audit_failure_mode.is_known());
    CHECK(*facts->audit_failure_mode == 2);
    CHECK(facts->audit_failure_mode.from().line == 3);
  }
  auto silent = plan("[kernel]\n[audit]\nfailure = \"silent\"\n");
  REQUIRE(silent);
  CHECK(*silent->audit_failure_mode == 0);
  auto none = plan("[kernel]\n");
  REQUIRE(none);
  CHECK_FALSE(none->audit_failure_mode.is_known());
  CHECK(none->audit_failure_mode.reason().find("no audit.failure") != std::string::npos);
  CHECK(error_of("[kernel]\n[audit]\nfailure = 3\n")
            .rfind("plan.toml:3:11: audit.failure must be 0 to 2 or one of \"silent\", "
                   "\"printk\", \"panic\", not 3",
                   0) == 0);
  CHECK(error_of("[kernel]\n[audit]\nfailure = \"reboot\"\n")
            .rfind("plan.toml:3:11: audit.failure must be 0 to 2", 0) == 0);
  CHECK(error_of("[kernel]\n[audit]\nfailure = true\n").rfind("plan.toml:3:11:", 0) == 0);
}

TEST_CASE("a plan's audit rules file is read beside the plan", "[sources][plan]") {
  PlanDir dir;
  dir.files["ci/audit.rules"] = "-D\n-f 2\n-a always,exit -S opne\n-e 1\n";
  dir.files["/abs/audit.rules"] = "-D\n-e 1\n";
  auto facts = dir.parse("[kernel]\n[audit]\nrules = \"audit.rules\"\n");
  REQUIRE(facts);
  CHECK(dir.asked == std::vector<std::string>{"ci/audit.rules"});
  REQUIRE(facts->audit_rules.is_known());
  CHECK(facts->audit_rules->files == std::vector<std::string>{"ci/audit.rules"});
  CHECK(facts->audit_rules->lines.size() == 4);
  CHECK(facts->audit_rules->problems.size() == 1);
  CHECK(facts->audit_rules->watches.empty());
  SECTION("the rules' last -f is the failure mode when the plan gives none") {
    REQUIRE(facts->audit_failure_mode.is_known());
    CHECK(*facts->audit_failure_mode == 2);
    CHECK(facts->audit_failure_mode.from().source == "ci/audit.rules");
    CHECK(facts->audit_failure_mode.from().line == 2);
    auto own = dir.parse("[kernel]\n[audit]\nfailure = 1\nrules = \"audit.rules\"\n");
    REQUIRE(own);
    CHECK(*own->audit_failure_mode == 1);
  }
  SECTION("absolute paths stay as they are") {
    auto abs = dir.parse("[kernel]\n[audit]\nrules = \"/abs/audit.rules\"\n");
    REQUIRE(abs);
    CHECK(abs->audit_rules->files == std::vector<std::string>{"/abs/audit.rules"});
    CHECK_FALSE(abs->audit_failure_mode.is_known());
  }
  SECTION("--audit-rules replaces the plan's file") {
    dir.audit_rules = {"/abs/audit.rules"};
    dir.asked.clear();
    auto replaced = dir.parse("[kernel]\n[audit]\nrules = \"audit.rules\"\n");
    REQUIRE(replaced);
    CHECK(dir.asked == std::vector<std::string>{"/abs/audit.rules"});
    CHECK(replaced->audit_rules->how_found == "--audit-rules");
  }
  SECTION("a missing, empty or unreadable rules path is refused where it is written") {
    auto missing = dir.parse("[kernel]\n[audit]\nenabled = true\nrules = \"nope.rules\"\n");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().message ==
          "ci/plan.toml:4:9: audit.rules: ci/nope.rules: No such file or directory");
    auto empty = dir.parse("[kernel]\n[audit]\nrules = \"\"\n");
    REQUIRE_FALSE(empty);
    CHECK(empty.error().message.rfind("ci/plan.toml:3:9: audit.rules must be the path", 0) == 0);
    CHECK(error_of("[kernel]\n[audit]\nrules = \"a.rules\"\n")
              .rfind("plan.toml:3:9: audit.rules: a.rules: this plan reader reads no files", 0) ==
          0);
    CHECK(error_of("[kernel]\n[audit]\nrules = 3\n") ==
          "plan.toml:3:9: audit.rules must be a string");
    CHECK(error_of("[kernel]\n[audit]\nrules = [\"-D\", 3]\n") ==
          "plan.toml:3:16: audit.rules must hold strings only");
  }
  SECTION("without rules the rules are unknown and say why") {
    auto bare = dir.parse("[kernel]\n");
    REQUIRE(bare);
    CHECK_FALSE(bare->audit_rules.is_known());
    CHECK(bare->audit_rules.reason().find("no audit.rules") != std::string::npos);
  }
}

TEST_CASE("a plan's rules may be written in it, one rule per string", "[sources][plan]") {
  auto facts =
      plan("[kernel]\n[audit]\nrules = [\n  \"-D\",\n  \"-f 2\\n-a always,exit -S opne\",\n"
           "  \"-e 1\",\n]\n");
  REQUIRE(facts);
  REQUIRE(facts->audit_rules.is_known());
  const AuditRules& rules = *facts->audit_rules;
  CHECK(rules.files == std::vector<std::string>{"plan.toml"});
  REQUIRE(rules.lines.size() == 4);
  CHECK(rules.lines[0].line == 4);
  CHECK(rules.lines[2].text == "-a always,exit -S opne");
  CHECK(rules.lines[2].line == 5);
  CHECK(rules.lines[3].line == 6);
  REQUIRE(rules.problems.size() == 1);
  CHECK(rules.problems[0].file == "plan.toml");
  CHECK(rules.problems[0].line == 5);
  REQUIRE(facts->audit_failure_mode.is_known());
  CHECK(*facts->audit_failure_mode == 2);
  CHECK(facts->audit_failure_mode.from().line == 5);
}

TEST_CASE("the checks judge a plan's failure mode and rules", "[sources][plan]") {
  PlanDir dir;
  dir.files["ci/audit.rules"] = "-D\n-e 2\n-w /etc/passwd -p wa\n";
  auto panic = dir.parse(std::string(kPanicOrder) + "[audit]\nfailure = \"panic\"\n");
  REQUIRE(panic);
  CHECK(test::run_check(checks::audit_status_failure_panic, *panic).status == Status::fail);
  auto printk = dir.parse(std::string(kPanicOrder) + "[audit]\nfailure = \"printk\"\n");
  REQUIRE(printk);
  CHECK(test::run_check(checks::audit_status_failure_panic, *printk).status == Status::pass);
  auto rules = dir.parse(std::string(kPanicOrder) + "[audit]\nrules = \"audit.rules\"\n");
  REQUIRE(rules);
  Finding early = test::run_check(checks::audit_rules_immutable_early, *rules);
  CHECK(early.status == Status::fail);
  REQUIRE_FALSE(early.evidence.empty());
  CHECK(early.evidence[0].source == "ci/audit.rules");
}
