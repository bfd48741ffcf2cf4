#include "model/lsm_stack.h"
#include "test_support.h"

#include <catch2/catch.hpp>

using namespace lsmdoctor;
using lsmdoctor::test::knowledge;
using Names = std::vector<std::string>;

namespace {

StackPrediction predict(const std::string& cmdline_text,
                        std::optional<std::map<std::string, std::string>> options = std::nullopt,
                        const std::string& release = "6.18.2") {
  KernelCmdline cmdline = parse_cmdline(cmdline_text);
  KernelConfig config;
  if (options)
    config.options = *options;
  KernelRelease kernel = parse_kernel_release(release);
  auto p = predict_stack(&cmdline, options ? &config : nullptr, &kernel, knowledge());
  REQUIRE(p.has_value());
  return *p;
}

const DroppedLsm* dropped(const StackPrediction& p, const std::string& name) {
  for (const auto& d : p.dropped)
    if (d.name == name)
      return &d;
  return nullptr;
}

// A kernel config with every module of `names` built in and CONFIG_LSM set.
std::map<std::string, std::string> config_with(const std::string& config_lsm,
                                               const Names& built_in) {
  std::map<std::string, std::string> options{{"CONFIG_LSM", config_lsm}};
  for (const auto& name : built_in)
    options[knowledge().lsm(name)->config] = std::string("y"); // not a literal: GCC 12 -Wrestrict
  return options;
}

} // namespace

TEST_CASE("predict_stack follows lsm=", "[model][lsm_stack]") {
  auto p = predict("lsm=landlock,yama,bpf,apparmor audit=1");
  CHECK(p.basis == "lsm=");
  CHECK(p.order == Names{"capability", "landlock", "yama", "bpf", "apparmor"});
  CHECK(p.dropped.empty());
}

TEST_CASE("predict_stack: lsm= wins over CONFIG_LSM and security=", "[model][lsm_stack]") {
  auto p = predict("security=selinux lsm=landlock,apparmor",
                   config_with("landlock,lockdown,yama,bpf",
                               {"landlock", "apparmor", "selinux", "yama", "bpf"}));
  CHECK(p.basis == "lsm=");
  CHECK(p.order == Names{"capability", "landlock", "apparmor"});
}

TEST_CASE("predict_stack: CONFIG_LSM with security=apparmor", "[model][lsm_stack]") {
  auto options = config_with(
      "\"landlock,lockdown,yama,integrity,selinux,smack,tomoyo,bpf\"",
      {"landlock", "lockdown", "yama", "selinux", "smack", "tomoyo", "apparmor", "bpf"});
  auto p = predict("ro security=apparmor", options);
  CHECK(p.basis == "CONFIG_LSM with security=apparmor");
  // apparmor is appended after bpf; the other legacy majors are dropped.
  CHECK(p.order == Names{"capability", "landlock", "lockdown", "yama", "bpf", "apparmor"});
  for (const char* name : {"selinux", "smack", "tomoyo"}) {
    CAPTURE(name);
    const DroppedLsm* d = dropped(p, name);
    REQUIRE(d != nullptr);
    CHECK_THAT(d->reason, Catch::Contains("security=apparmor"));
  }
  const DroppedLsm* integrity = dropped(p, "integrity");
  REQUIRE(integrity != nullptr);
  CHECK_THAT(integrity->reason, Catch::Contains("6.9"));

  SECTION("before 6.9 integrity is initialised but never listed") {
    auto old = predict("ro", options, "6.1.0-50-cloud-amd64");
    CHECK(old.order ==
          Names{"capability", "landlock", "lockdown", "yama", "selinux", "tomoyo", "bpf"});
    const DroppedLsm* unlisted = dropped(old, "integrity");
    REQUIRE(unlisted != nullptr);
    CHECK_THAT(unlisted->reason, Catch::Contains("registers no hooks"));
  }

  SECTION("without security= CONFIG_LSM is taken as is") {
    auto plain = predict("ro", options);
    CHECK(plain.basis == "CONFIG_LSM");
    // selinux comes first among the exclusive modules and wins; tomoyo is
    // not exclusive and stays.
    CHECK(plain.order ==
          Names{"capability", "landlock", "lockdown", "yama", "selinux", "tomoyo", "bpf"});
    REQUIRE(dropped(plain, "smack") != nullptr);
    CHECK_THAT(dropped(plain, "smack")->reason, Catch::Contains("selinux"));
  }
}

TEST_CASE("predict_stack: exclusive modules, first one wins", "[model][lsm_stack]") {
  auto p = predict("lsm=selinux,apparmor,bpf");
  CHECK(p.order == Names{"capability", "selinux", "bpf"});
  const DroppedLsm* d = dropped(p, "apparmor");
  REQUIRE(d != nullptr);
  CHECK_THAT(d->reason, Catch::Contains("selinux"));
  CHECK_THAT(d->reason, Catch::Contains("exclusive"));
}

TEST_CASE("predict_stack: apparmor=0 switches apparmor off", "[model][lsm_stack]") {
  auto p = predict("lsm=landlock,apparmor,bpf apparmor=0");
  CHECK(p.order == Names{"capability", "landlock", "bpf"});
  REQUIRE(dropped(p, "apparmor") != nullptr);
  CHECK_THAT(dropped(p, "apparmor")->reason, Catch::Contains("apparmor=0"));

  // The last apparmor= wins.
  auto again = predict("apparmor=0 lsm=apparmor apparmor=1");
  CHECK(again.order == Names{"capability", "apparmor"});

  // selinux=0 does the same for SELinux, and leaves an exclusive slot free.
  auto selinux = predict("lsm=selinux,apparmor selinux=0");
  CHECK(selinux.order == Names{"capability", "apparmor"});
}

TEST_CASE("predict_stack: modules not built in per the kernel config", "[model][lsm_stack]") {
  auto p = predict("lsm=landlock,yama,bpf,apparmor",
                   config_with("landlock,yama,bpf", {"landlock", "yama", "bpf"}));
  CHECK(p.order == Names{"capability", "landlock", "yama", "bpf"});
  const DroppedLsm* d = dropped(p, "apparmor");
  REQUIRE(d != nullptr);
  CHECK_THAT(d->reason, Catch::Contains("CONFIG_SECURITY_APPARMOR"));

  auto unknown_name = predict("lsm=landlock,frobnicate");
  CHECK(unknown_name.order == Names{"capability", "landlock"});
  REQUIRE(dropped(unknown_name, "frobnicate") != nullptr);

  SECTION("an empty config says nothing about what is built in") {
    auto empty = predict("lsm=apparmor", std::map<std::string, std::string>{});
    CHECK(empty.order == Names{"capability", "apparmor"});
  }
}

TEST_CASE("predict_stack: duplicates, capability first, ima/evm last", "[model][lsm_stack]") {
  auto p = predict("lsm=ima,landlock,capability,yama,landlock,evm,bpf,apparmor,yama");
  CHECK(p.order == Names{"capability", "landlock", "yama", "bpf", "apparmor", "ima", "evm"});
  CHECK(p.dropped.empty());
}

TEST_CASE("predict_stack needs lsm= or CONFIG_LSM", "[model][lsm_stack]") {
  KernelCmdline cmdline = parse_cmdline("ro security=apparmor");
  KernelConfig config;
  CHECK_FALSE(predict_stack(&cmdline, &config, nullptr, knowledge()).has_value());
  CHECK_FALSE(predict_stack(nullptr, nullptr, nullptr, knowledge()).has_value());
  config.options = config_with("landlock,bpf", {"landlock", "bpf"});
  auto from_config = predict_stack(nullptr, &config, nullptr, knowledge());
  REQUIRE(from_config.has_value());
  CHECK(from_config->order == Names{"capability", "landlock", "bpf"});
}

TEST_CASE("requested_lsms", "[model][lsm_stack]") {
  CHECK(requested_lsms(parse_cmdline("lsm=landlock,bpf security=selinux")) ==
        Names{"landlock", "bpf"});
  CHECK(requested_lsms(parse_cmdline("security=apparmor")) == Names{"apparmor"});
  CHECK(requested_lsms(parse_cmdline("security= ro")).empty());
  CHECK(requested_lsms(parse_cmdline("ro")).empty());
}

TEST_CASE("reorder_secctx_before_bpf", "[model][lsm_stack]") {
  const Knowledge& k = knowledge();
  CHECK(reorder_secctx_before_bpf({"landlock", "yama", "bpf", "apparmor"}, k) ==
        Names{"landlock", "yama", "apparmor", "bpf"});
  CHECK(reorder_secctx_before_bpf({"capability", "landlock", "yama", "bpf", "apparmor"}, k) ==
        Names{"landlock", "yama", "apparmor", "bpf"});
  // Duplicates go, modules between bpf and the provider keep their place.
  CHECK(reorder_secctx_before_bpf({"bpf", "landlock", "bpf", "selinux", "ima", "selinux"}, k) ==
        Names{"selinux", "bpf", "landlock", "ima"});
  // No bpf, or bpf already last: unchanged except capability and duplicates.
  CHECK(reorder_secctx_before_bpf({"capability", "landlock", "apparmor", "landlock"}, k) ==
        Names{"landlock", "apparmor"});
  CHECK(reorder_secctx_before_bpf({"landlock", "apparmor", "bpf"}, k) ==
        Names{"landlock", "apparmor", "bpf"});
  CHECK(reorder_secctx_before_bpf({}, k).empty());
}

TEST_CASE("first_secctx_after_bpf", "[model][lsm_stack]") {
  const Knowledge& k = knowledge();
  CHECK(first_secctx_after_bpf({"capability", "landlock", "yama", "bpf", "apparmor"}, k) == 4u);
  CHECK(first_secctx_after_bpf({"bpf", "landlock", "selinux", "apparmor"}, k) == 2u);
  CHECK_FALSE(first_secctx_after_bpf({"capability", "apparmor", "bpf"}, k).has_value());
  CHECK_FALSE(first_secctx_after_bpf({"capability", "landlock", "apparmor"}, k).has_value());
  CHECK_FALSE(first_secctx_after_bpf({"bpf", "landlock", "yama"}, k).has_value());
}

TEST_CASE("inactive_reason", "[model][lsm_stack]") {
  const Knowledge& k = knowledge();
  KernelCmdline cmdline = parse_cmdline("lsm=selinux,apparmor apparmor=0");
  CHECK_THAT(inactive_reason("apparmor", {"capability"}, &cmdline, nullptr, nullptr, k),
             Catch::Contains("apparmor=0"));
  CHECK_THAT(inactive_reason("selinux", {"capability", "apparmor"}, nullptr, nullptr, nullptr, k),
             Catch::Contains("exclusive with apparmor"));
  KernelRelease release = parse_kernel_release("6.9.1");
  CHECK_THAT(inactive_reason("integrity", {"capability"}, nullptr, nullptr, &release, k),
             Catch::Contains("6.9"));
  KernelRelease old_release = parse_kernel_release("6.1.0-50-cloud-amd64");
  CHECK_THAT(inactive_reason("integrity", {"capability"}, nullptr, nullptr, &old_release, k),
             Catch::Contains("registers no hooks"));
  KernelConfig config;
  config.options = {{"CONFIG_SECURITY_APPARMOR", "y"}};
  CHECK_THAT(inactive_reason("apparmor", {"capability"}, nullptr, &config, nullptr, k),
             Catch::Contains("built in but not active"));
  config.options = {{"CONFIG_SECURITY_APPARMOR", "n"}};
  CHECK_THAT(inactive_reason("apparmor", {"capability"}, nullptr, &config, nullptr, k),
             Catch::Contains("not built in"));
  CHECK(inactive_reason("yama", {"capability"}, nullptr, nullptr, nullptr, k).empty());
}

TEST_CASE("predict_stack: apparmor= and selinux= are read like kstrtoul base 0",
          "[model][lsm_stack]") {
  CHECK(predict("lsm=apparmor apparmor=0x0").order == Names{"capability"});
  CHECK(predict("lsm=apparmor apparmor=00").order == Names{"capability"});
  // A value kstrtoul refuses leaves the module as it was.
  CHECK(predict("lsm=apparmor apparmor=off").order == Names{"capability", "apparmor"});
  CHECK(predict("lsm=selinux selinux=2").order == Names{"capability", "selinux"});
}

TEST_CASE("parse_kernel_ulong", "[model][lsm_stack]") {
  CHECK(parse_kernel_ulong("0") == 0UL);
  CHECK(parse_kernel_ulong("+17") == 17UL);
  CHECK(parse_kernel_ulong("0x1f") == 31UL);
  CHECK(parse_kernel_ulong("010") == 8UL);
  CHECK(parse_kernel_ulong("1\n") == 1UL);
  CHECK_FALSE(parse_kernel_ulong("").has_value());
  CHECK_FALSE(parse_kernel_ulong("08").has_value());
  CHECK_FALSE(parse_kernel_ulong("-1").has_value());
  CHECK_FALSE(parse_kernel_ulong("0x").has_value());
  CHECK_FALSE(parse_kernel_ulong("99999999999999999999999").has_value());
}

TEST_CASE("predict_stack: early lockdown and ima/evm stay when the list omits them",
          "[model][lsm_stack]") {
  auto options = config_with("landlock,lockdown,yama,bpf", {"landlock", "lockdown", "yama", "bpf"});
  options["CONFIG_SECURITY_LOCKDOWN_LSM_EARLY"] = std::string("y");
  options["CONFIG_IMA"] = std::string("y");
  auto p = predict("lsm=landlock,yama,bpf", options);
  CHECK(p.order == Names{"lockdown", "capability", "landlock", "yama", "bpf", "ima"});
  REQUIRE(p.implied.size() == 2);
  CHECK(p.implied[0].name == "lockdown");
  CHECK(p.implied[1].name == "ima");

  SECTION("before 6.9, ima is not a module of the list") {
    auto old = predict("lsm=landlock,yama,bpf", options, "6.8.1");
    CHECK(old.order == Names{"lockdown", "capability", "landlock", "yama", "bpf"});
  }
  SECTION("lockdown not built early takes its place only when listed") {
    options.erase("CONFIG_SECURITY_LOCKDOWN_LSM_EARLY");
    auto late = predict("lsm=landlock,yama,bpf", options);
    CHECK(late.order == Names{"capability", "landlock", "yama", "bpf", "ima"});
  }
  SECTION("without a config nothing is implied") {
    CHECK(predict("lsm=landlock,yama,bpf").implied.empty());
  }
}
