// Plans from the JSON of `nix eval --json` (lsm-doctor nixos plan): the
// TOML written reads back as the same plan, hostile values included.
#include "parse/plan_json.h"
#include "sources/nix_eval.h"
#include "sources/plan_file.h"
#include "test_support.h"

#include <catch2/catch.hpp>

using namespace lsmdoctor;

namespace {

Result<Facts> read_back(const std::string& toml) {
  return parse_plan(toml, "plan.toml", test::knowledge());
}

} // namespace

TEST_CASE("plan JSON becomes a plan that reads back", "[parse][plan_json]") {
  auto toml = plan_toml_from_json(
      R"({"kernel": {"release": "6.18.2", "cmdline": "lsm=landlock,bpf,apparmor",
          "config_lsm": null},
          "audit": {"enabled": true, "backlog_limit": 8192, "failure": "panic",
                    "rules": ["-D", "-e 1"]}})",
      "values.json", "a header\nof two lines");
  REQUIRE(toml);
  CHECK(toml->rfind("# a header\n# of two lines\n", 0) == 0);
  CHECK(toml->find("config_lsm") == std::string::npos);
  auto facts = read_back(*toml);
  REQUIRE(facts);
  CHECK(facts->kernel->text == "6.18.2");
  CHECK(facts->cmdline->last("lsm") == "landlock,bpf,apparmor");
  CHECK(facts->cmdline->last("audit_backlog_limit") == "8192");
  CHECK(*facts->audit_failure_mode == 2);
  CHECK(facts->audit_rules->lines.size() == 2);
}

TEST_CASE("hostile plan values survive as values", "[parse][plan_json]") {
  std::string hostile = "x\" ${pwn} ''' \"\"\" \\ \n[audit]\nfailure = 2 \x01 \xc3\xa9";
  auto toml = plan_toml_from_json(
      R"({"kernel": {"release": "6.18.2", "cmdline": "x\" ${pwn} ''' \"\"\" \\ \n[audit]\nfailure = 2 \u0001 é"}})",
      "values.json", "header\n[kernel]\nrelease = \"0\"");
  REQUIRE(toml);
  auto facts = read_back(*toml);
  REQUIRE(facts);
  CHECK(facts->cmdline->raw == hostile);
  CHECK_FALSE(facts->audit_failure_mode.is_known());
  CHECK(facts->kernel->text == "6.18.2");
}

TEST_CASE("JSON that is no plan is refused with its path", "[parse][plan_json]") {
  auto error = [](std::string_view json) {
    auto toml = plan_toml_from_json(json, "v.json");
    REQUIRE_FALSE(toml);
    return toml.error().message;
  };
  CHECK(error("[1]") == "v.json: a plan is a JSON object (kernel, audit)");
  CHECK(error("{\"kernel\": {\"release\": 6.18}}") ==
        "v.json: kernel.release: 6.18 is not a plan value (a number with a fraction?)");
  CHECK(error("{\"audit\": {\"rules\": [[\"-D\"]]}}") ==
        "v.json: audit.rules[0]: an array of a plan holds strings, integers or booleans");
  CHECK(error("{\"kernel\": {\"cmd\\nline\": \"x\"}}") ==
        "v.json: kernel.\"cmd\\nline\": not a plan key");
  CHECK(error("{\"kernel\": ").rfind("v.json: not JSON: ", 0) == 0);
  CHECK(error("{\"kernel\": {\"release\": \"\xff\"}}").rfind("v.json: not JSON: ", 0) == 0);
  CHECK(error("{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":{\"h\":{\"i\":{}}}}}}}}}}")
            .find("nested deeper than a plan") != std::string::npos);
}

TEST_CASE("the nix commands of nixos plan", "[sources][plan_json]") {
  auto file = nix_plan_command_for_file("/etc/nixos/configuration.nix");
  REQUIRE(file.size() == 9);
  CHECK(file[0] == "nix-instantiate");
  CHECK(file[5].find("import <nixpkgs/nixos>") != std::string::npos);
  CHECK(file[5].find("enabled = audit.enable != false") != std::string::npos);
  CHECK(file[7] == "configuration");
  CHECK(file[8] == "/etc/nixos/configuration.nix");
  auto flake = nix_plan_command_for_flake(".#web-1");
  REQUIRE(flake);
  CHECK((*flake)[5] == ".#nixosConfigurations.\"web-1\".config");
  CHECK((*flake)[7].rfind("config: (", 0) == 0);
  CHECK_FALSE(nix_plan_command_for_flake(".#"));
  CHECK_FALSE(nix_plan_command_for_flake("github:me/cfg"));
  CHECK_FALSE(nix_plan_command_for_flake(".#a\".config; x"));
}

TEST_CASE("a command's output, or why there is none", "[sources][plan_json]") {
  auto out = run_command_output({"printf", "%s", "{}"}, 100);
  REQUIRE(out);
  CHECK(*out == "{}");
  auto failed = run_command_output({"false"}, 100);
  REQUIRE_FALSE(failed);
  CHECK(failed.error().message == "false exited with status 1 (its messages are above)");
  CHECK_FALSE(run_command_output({"lsmd-no-such-command"}, 100));
  auto big = run_command_output({"head", "-c", "1000", "/dev/zero"}, 100);
  REQUIRE_FALSE(big);
  CHECK(big.error().message.find("more than 100 bytes") != std::string::npos);
}
