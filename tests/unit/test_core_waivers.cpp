#include "core/config.h"
#include "core/verdict.h"
#include "core/waivers.h"
#include "test_support.h"

#include <catch2/catch.hpp>

using namespace lsmdoctor;

namespace {

Finding finding(const char* id, Status status, Severity severity = Severity::warning) {
  Finding f;
  f.id = id;
  f.status = status;
  f.severity = severity;
  f.title = "t";
  return f;
}

Waiver waiver(const char* check) {
  Waiver w;
  w.check = check;
  w.reason = "accepted";
  w.file = "lsm-doctor.toml";
  w.line = 2;
  return w;
}

DoctorConfig config_with(std::vector<Waiver> waivers) {
  DoctorConfig c;
  c.file = "lsm-doctor.toml";
  c.waivers = std::move(waivers);
  c.today = {2026, 11, 23};
  return c;
}

Facts host(const char* release, const char* name) {
  Facts facts;
  facts.kernel = test::kernel(release);
  facts.hostname = Fact<std::string>::known(name, {"gethostname(2)"});
  return facts;
}

} // namespace

TEST_CASE("dates: parsed strictly, compared by day", "[core][config]") {
  CHECK(parse_local_date("2027-01-31") == LocalDate{2027, 1, 31});
  CHECK(parse_local_date("2028-02-29"));
  CHECK_FALSE(parse_local_date("2027-02-29"));
  CHECK_FALSE(parse_local_date("2100-02-29"));
  CHECK(parse_local_date("2000-02-29"));
  for (const char* bad : {"", "2027-1-31", "2027-13-01", "2027-00-10", "2027-01-32", "20270131xx",
                          "2027/01/31", "+027-01-31"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_local_date(bad));
  }
  Waiver w = waiver("audit.status.lost");
  w.expires = LocalDate{2026, 11, 23};
  CHECK_FALSE(w.expired({2026, 11, 23})); // the expiry day is the last day it applies
  CHECK(w.expired({2026, 11, 24}));
  CHECK(w.expired({2027, 1, 1}));
  w.expires.reset();
  CHECK_FALSE(w.expired({9999, 12, 31}));
}

TEST_CASE("waivers: a failing or unknown finding is waived and stops counting", "[core][config]") {
  std::vector<Finding> findings{finding("audit.status.lost", Status::fail),
                                finding("audit.status.no-daemon", Status::unknown),
                                finding("lsm.secctx.multiple", Status::pass)};
  Waiver lost = waiver("audit.status.lost");
  lost.expires = LocalDate{2027, 1, 31};
  auto config =
      config_with({lost, waiver("audit.status.no-daemon"), waiver("lsm.secctx.multiple")});
  CHECK(judge(findings, FailOn::warning).exit_code == kExitFindings);
  auto notes = apply_waivers(findings, config, host("6.18.2", "web-1"));
  CHECK(notes.empty());
  REQUIRE(findings[0].waiver);
  CHECK(findings[0].status == Status::fail); // keeps its status
  CHECK(findings[0].waiver->reason == "accepted");
  CHECK(findings[0].waiver->expires == "2027-01-31");
  CHECK(findings[0].waiver->source == "lsm-doctor.toml");
  CHECK(findings[0].waiver->line == 2);
  REQUIRE(findings[1].waiver);
  CHECK(findings[1].waiver->expires.empty());
  CHECK_FALSE(findings[2].waiver); // a pass has nothing to waive
  Verdict v = judge(findings, FailOn::warning);
  CHECK(v.exit_code == kExitHealthy);
  CHECK(v.failed == 0);
  CHECK(v.unknown == 0);
}

TEST_CASE("waivers: expired or out of scope do not apply", "[core][config]") {
  auto run = [](Waiver w, const Facts& facts) {
    std::vector<Finding> findings{finding("audit.status.lost", Status::fail)};
    auto notes = apply_waivers(findings, config_with({std::move(w)}), facts);
    return std::make_pair(findings[0].waiver.has_value(), notes);
  };
  Facts web = host("6.18.2-arch1-1", "web-1");
  Waiver expired = waiver("audit.status.lost");
  expired.expires = LocalDate{2026, 11, 22};
  CHECK_FALSE(run(expired, web).first);
  expired.expires = LocalDate{2026, 11, 23};
  CHECK(run(expired, web).first);

  Waiver kernel = waiver("audit.status.lost");
  kernel.kernel = "6.18.*";
  CHECK(run(kernel, web).first);
  CHECK_FALSE(run(kernel, host("6.17.9", "web-1")).first);
  kernel.kernel = "6.18";
  CHECK_FALSE(run(kernel, web).first); // a glob matches the whole release

  Waiver name = waiver("audit.status.lost");
  name.host = "web-*";
  CHECK(run(name, web).first);
  CHECK_FALSE(run(name, host("6.18.2", "db-1")).first);

  // A scope over an unknown fact: not applied, and the report says why.
  Facts unknown_host = web;
  unknown_host.hostname = Fact<std::string>::unknown("root/etc/hostname: not present");
  auto [applied, notes] = run(name, unknown_host);
  CHECK_FALSE(applied);
  REQUIRE(notes.size() == 1);
  CHECK(notes[0] == "waiver for audit.status.lost (lsm-doctor.toml:2) not applied: the host name "
                    "is unknown (root/etc/hostname: not present)");
  Facts unknown_kernel = web;
  unknown_kernel.kernel = Fact<KernelRelease>::unknown("osrelease: not present");
  auto kernel_note = run(kernel, unknown_kernel).second;
  REQUIRE(kernel_note.size() == 1);
  CHECK(kernel_note[0].find("the kernel release is unknown (osrelease: not present)") !=
        std::string::npos);
  // An unscoped waiver needs neither fact.
  CHECK(run(waiver("audit.status.lost"), Facts{}).first);
}

TEST_CASE("waivers: another check's waiver leaves a finding alone", "[core][config]") {
  std::vector<Finding> findings{finding("audit.status.lost", Status::fail, Severity::error)};
  apply_waivers(findings, config_with({waiver("audit.status.no-daemon")}), host("6.18", "h"));
  CHECK_FALSE(findings[0].waiver);
  CHECK(judge(findings, FailOn::error).exit_code == kExitFindings);
}
