#include "core/verdict.h"

#include <catch2/catch.hpp>

using namespace lsmdoctor;

namespace {

Finding finding(Status status, Severity severity) {
  Finding f;
  f.id = "x.y";
  f.status = status;
  f.severity = severity;
  return f;
}

} // namespace

TEST_CASE("parse_fail_on", "[core][verdict]") {
  CHECK(parse_fail_on("error") == FailOn::error);
  CHECK(parse_fail_on("warning") == FailOn::warning);
  CHECK(parse_fail_on("never") == FailOn::never);
  CHECK_FALSE(parse_fail_on("Error").has_value());
  CHECK_FALSE(parse_fail_on("").has_value());
}

TEST_CASE("judge: exit codes by threshold", "[core][verdict]") {
  std::vector<Finding> warning_fail{finding(Status::fail, Severity::warning),
                                    finding(Status::pass, Severity::error)};
  CHECK(judge(warning_fail, FailOn::warning).exit_code == kExitFindings);
  CHECK(judge(warning_fail, FailOn::warning).failed == 1);
  CHECK(judge(warning_fail, FailOn::error).exit_code == kExitHealthy);
  CHECK(judge(warning_fail, FailOn::never).exit_code == kExitHealthy);

  std::vector<Finding> unknown_error{finding(Status::unknown, Severity::error),
                                     finding(Status::not_applicable, Severity::error),
                                     finding(Status::fail, Severity::info)};
  Verdict v = judge(unknown_error, FailOn::error);
  CHECK(v.exit_code == kExitUnknown);
  CHECK(v.unknown == 1);
  CHECK(v.failed == 0);

  std::vector<Finding> both{finding(Status::unknown, Severity::error),
                            finding(Status::fail, Severity::error)};
  CHECK(judge(both, FailOn::error).exit_code == kExitFindings);
  CHECK(judge({}, FailOn::warning).exit_code == kExitHealthy);
}
