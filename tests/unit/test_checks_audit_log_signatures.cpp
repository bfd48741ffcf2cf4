#include "checks/checks.h"
#include "test_support.h"

#include <catch2/catch.hpp>

using namespace lsmdoctor;
using namespace lsmdoctor::test;

namespace {

Facts with_log(std::initializer_list<std::string_view> lines) {
  Facts facts;
  facts.kernel_log = kernel_log(lines);
  return facts;
}

const Facts& clean_log() {
  static const Facts facts = with_log({"[ 0.0] Linux version 6.18.2", "[ 1.0] audit: "
                                                                      "initializing netlink "
                                                                      "subsys (enabled)"});
  return facts;
}

void check_pass_and_unknown(const CheckDef& def) {
  CAPTURE(def.id);
  Finding pass = run_check(def, clean_log());
  CHECK(pass.id == def.id);
  CHECK(pass.status == Status::pass);
  REQUIRE(pass.evidence.size() == 1);
  CHECK(pass.evidence[0].excerpt == "2 kernel log lines read");

  Facts unknown_log;
  unknown_log.kernel_log = Fact<KernelLog>::unknown("/dev/kmsg: permission denied");
  Finding unknown = run_check(def, unknown_log);
  CHECK(unknown.status == Status::unknown);
  CHECK_THAT(unknown.detail, Catch::Contains("permission denied"));
  CHECK(run_check(def, Facts{}).status == Status::unknown);
}

} // namespace

TEST_CASE("audit.log.subj-ctx-errors", "[checks][log]") {
  const CheckDef& def = checks::audit_log_subj_ctx_errors;
  check_pass_and_unknown(def);
  Facts facts = with_log({"[ 10.0] audit: error in audit_log_subj_ctx",
                          "[ 70.0] audit: error in audit_log_subj_ctx",
                          "[ 80.0] audit: error in audit_log_task_context"});
  Finding f = run_check(def, facts);
  CHECK(f.status == Status::fail);
  CHECK(f.severity == Severity::error);
  CHECK(f.title == "3 audit subject context errors in the kernel log");
  REQUIRE(f.evidence.size() == 2);
  CHECK(f.evidence[0].count == 2u);
  CHECK(f.evidence[0].first_seen == "10.0");
  CHECK(f.evidence[0].last_seen == "70.0");
  CHECK(f.evidence[0].note == "2 lines in 60 s (2.0/min)");
  CHECK(f.evidence[1].excerpt == "audit: error in audit_log_task_context");
}

TEST_CASE("audit.log.obj-ctx-errors", "[checks][log]") {
  const CheckDef& def = checks::audit_log_obj_ctx_errors;
  check_pass_and_unknown(def);
  Finding f = run_check(def, with_log({"audit: error in audit_log_object_context"}));
  CHECK(f.status == Status::fail);
  CHECK(f.severity == Severity::error);
  CHECK(f.title == "1 audit object context errors in the kernel log");
  // Subject errors alone do not fail the object check.
  CHECK(run_check(def, with_log({"audit: error in audit_log_subj_ctx"})).status == Status::pass);
}

TEST_CASE("audit.log.panic-suppressed", "[checks][log]") {
  const CheckDef& def = checks::audit_log_panic_suppressed;
  check_pass_and_unknown(def);
  Finding f = run_check(def, with_log({"[ 1.0] audit_panic: 321 callbacks suppressed",
                                       "[ 2.0] audit_panic: 9 callbacks suppressed"}));
  CHECK(f.status == Status::fail);
  CHECK(f.severity == Severity::warning);
  CHECK(f.title == "330 audit_panic messages were hidden by the printk rate limit");
  REQUIRE(f.evidence.size() == 1);
  CHECK(f.evidence[0].note == "2 lines; 330 suppressed in total");
}

TEST_CASE("audit.log.backlog-overflow", "[checks][log]") {
  const CheckDef& def = checks::audit_log_backlog_overflow;
  check_pass_and_unknown(def);
  Finding f = run_check(
      def, with_log({"audit: audit_backlog=65 > audit_backlog_limit=64",
                     "audit: audit_lost=12 audit_rate_limit=0 audit_backlog_limit=64",
                     "audit: backlog limit exceeded", "audit: kauditd hold queue overflow"}));
  CHECK(f.status == Status::fail);
  CHECK(f.severity == Severity::warning);
  CHECK(f.title == "4 audit backlog or loss messages in the kernel log");
  CHECK(f.evidence.size() == 4);
  bool lost_noted = false;
  for (const auto& e : f.evidence)
    if (e.note == "1 lines; 12 at most")
      lost_noted = true;
  CHECK(lost_noted);
}

TEST_CASE("audit.log.backlog-overflow: skipped printk echoes are not lost records",
          "[checks][log]") {
  // kauditd_printk_skb's rate limit only skips printing; a 6.18 boot with
  // audit_backlog_limit=8192 shows it with lost 0.
  Finding f = run_check(checks::audit_log_backlog_overflow,
                        with_log({"[ 8.1] kauditd_printk_skb: 208 callbacks suppressed"}));
  CHECK(f.status == Status::pass);
}
