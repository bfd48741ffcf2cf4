#include "sources/plan_file.h"
#include "test_support.h"

#include <catch2/catch.hpp>

using namespace lsmdoctor;

namespace {

Result<Facts> plan(std::string_view text) {
  return parse_plan(text, "plan.toml", test::knowledge());
}

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
