#include "checks/checks.h"
#include "test_support.h"

#include <catch2/catch.hpp>

using namespace lsmdoctor;

namespace {

const CheckDef& def = checks::config_waiver_expired;

Finding run(const DoctorConfig* config) {
  Facts facts;
  return def.run(CheckContext{facts, test::knowledge(), config});
}

Waiver waiver(const char* check, std::optional<LocalDate> expires, int line) {
  Waiver w;
  w.check = check;
  w.reason = "known flood until the fix ships";
  w.expires = expires;
  w.file = "ci/lsm-doctor.toml";
  w.line = line;
  return w;
}

} // namespace

TEST_CASE("config.waiver-expired: not applicable without waivers", "[checks][config]") {
  CHECK(run(nullptr).status == Status::not_applicable);
  DoctorConfig empty;
  empty.file = "lsm-doctor.toml";
  CHECK(run(&empty).status == Status::not_applicable);
}

TEST_CASE("config.waiver-expired: pass while every waiver is current", "[checks][config]") {
  DoctorConfig config;
  config.file = "ci/lsm-doctor.toml";
  config.today = {2027, 1, 31};
  config.waivers = {waiver("audit.status.lost", LocalDate{2027, 1, 31}, 3),
                    waiver("lsm.secctx.multiple", std::nullopt, 8)};
  Finding f = run(&config);
  CHECK(f.id == "config.waiver-expired");
  CHECK(f.status == Status::pass);
  REQUIRE(f.evidence.size() == 2);
  CHECK(f.evidence[0].note == "expires on 2027-01-31");
  CHECK(f.evidence[1].note == "no end");
}

TEST_CASE("config.waiver-expired: fail naming the waiver and its date", "[checks][config]") {
  DoctorConfig config;
  config.file = "ci/lsm-doctor.toml";
  config.today = {2027, 2, 1};
  config.waivers = {waiver("audit.status.lost", LocalDate{2027, 1, 31}, 3),
                    waiver("lsm.secctx.multiple", std::nullopt, 8)};
  Finding f = run(&config);
  CHECK(f.status == Status::fail);
  CHECK(f.severity == Severity::warning);
  CHECK(f.title == "waiver for audit.status.lost (ci/lsm-doctor.toml:3) expired on 2027-01-31");
  REQUIRE(f.evidence.size() == 1);
  CHECK(f.evidence[0].source == "ci/lsm-doctor.toml");
  CHECK(f.evidence[0].line == 3);
  CHECK(f.detail.find("today is 2027-02-01") != std::string::npos);

  config.waivers.push_back(waiver("audit.status.no-daemon", LocalDate{2026, 12, 1}, 12));
  Finding two = run(&config);
  CHECK(two.title.starts_with("2 waivers expired: "));
  CHECK(two.evidence.size() == 2);
}
