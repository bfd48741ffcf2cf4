#include "core/fact.h"
#include "core/facts.h"
#include "core/result.h"

#include <catch2/catch.hpp>

using namespace lsmdoctor;

TEST_CASE("parse_kernel_release", "[core][facts]") {
  auto r = parse_kernel_release("6.18.2-arch1-1");
  CHECK(r.text == "6.18.2-arch1-1");
  CHECK(r.major == 6);
  CHECK(r.minor == 18);
  CHECK(r.patch == 2);

  auto rc = parse_kernel_release("6.19-rc1");
  CHECK(rc.minor == 19);
  CHECK(rc.patch == 0);

  auto junk = parse_kernel_release("linux");
  CHECK(junk.major == 0);
  CHECK(parse_kernel_release("").major == 0);
}

TEST_CASE("KernelRelease compares major.minor.patch only", "[core][facts]") {
  auto r = parse_kernel_release("6.18.2-cachyos");
  CHECK(r.at_least(6, 18));
  CHECK(r.at_least(6, 18, 2));
  CHECK_FALSE(r.at_least(6, 18, 3));
  CHECK_FALSE(r.at_least(6, 19));
  CHECK_FALSE(r.at_least(7, 0));
  CHECK(r.at_least(5, 19, 99));
  CHECK(r.compare(6, 18, 2) == 0);
  CHECK(parse_kernel_release("6.17.13").compare(6, 18) < 0);
  CHECK(parse_kernel_release("7.0").compare(6, 18) > 0);
}

TEST_CASE("KernelConfig get and enabled", "[core][facts]") {
  KernelConfig config;
  config.options = {{"CONFIG_LSM", "landlock,bpf"},
                    {"CONFIG_AUDIT", "y"},
                    {"CONFIG_IMA", "m"},
                    {"CONFIG_SECURITY_SELINUX", "n"}};
  CHECK(config.get("CONFIG_LSM") == "landlock,bpf");
  CHECK_FALSE(config.get("CONFIG_NOPE").has_value());
  CHECK(config.enabled("CONFIG_AUDIT"));
  CHECK(config.enabled("CONFIG_IMA"));
  CHECK_FALSE(config.enabled("CONFIG_SECURITY_SELINUX"));
  CHECK_FALSE(config.enabled("CONFIG_NOPE"));
}

TEST_CASE("KernelLog find and count", "[core][facts]") {
  KernelLog log;
  log.signatures["subj-ctx-error"].matches = 3;
  CHECK(log.count("subj-ctx-error") == 3);
  CHECK(log.count("obj-ctx-error") == 0);
  CHECK(log.find("obj-ctx-error") == nullptr);
  REQUIRE(log.find("subj-ctx-error") != nullptr);
}

TEST_CASE("Fact: known, unknown and not gathered", "[core][facts]") {
  Fact<int> unset;
  CHECK_FALSE(unset.is_known());
  CHECK(unset.reason() == "not gathered");

  auto known = Fact<int>::known(7, {"/proc/x", 3});
  CHECK(known.is_known());
  CHECK(*known == 7);
  CHECK(known.reason().empty());
  CHECK(known.from().source == "/proc/x");
  CHECK(known.from().line == 3);

  auto unknown = Fact<int>::unknown("permission denied", {"/dev/kmsg"});
  CHECK_FALSE(unknown.is_known());
  CHECK(unknown.reason() == "permission denied");
  CHECK(unknown.from().source == "/dev/kmsg");
}

namespace {

Result<int> half(int n) {
  if (n % 2 != 0)
    return make_error("odd: " + std::to_string(n));
  return n / 2;
}

Result<int> quarter(int n) {
  TRY(h, half(n));
  TRY(q, half(h));
  return q;
}

} // namespace

TEST_CASE("Result and TRY", "[core][result]") {
  auto ok = quarter(8);
  REQUIRE(ok);
  CHECK(*ok == 2);
  auto bad = quarter(6);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message == "odd: 3");
}
