// audit.records.*: pass, fail, unknown and not-applicable from audit.log
// summaries built by hand.
#include "checks/checks.h"
#include "parse/lsm_list.h"
#include "test_support.h"

#include <catch2/catch.hpp>

using namespace lsmdoctor;
using lsmdoctor::test::knowledge;

namespace {

Facts facts_with(const AuditLogSummary& log, const std::string& stack = "capability,apparmor") {
  Facts facts;
  facts.audit_log = Fact<AuditLogSummary>::known(log, {"/var/log/audit/audit.log"});
  facts.active_lsms =
      Fact<std::vector<std::string>>::known(parse_lsm_list(stack).names, {"/sys/lsm"});
  facts.kernel = Fact<KernelRelease>::known(parse_kernel_release("6.18.2"), {"/proc/osrelease"});
  facts.kernel_log = Fact<KernelLog>::known(KernelLog{}, {"/dev/kmsg"});
  return facts;
}

AuditLogSummary log_with(std::uint64_t subj_records, std::uint64_t missing, std::uint64_t unset) {
  AuditLogSummary log;
  log.files = {"/var/log/audit/audit.log"};
  log.records = subj_records + 10;
  log.subj_records = subj_records;
  log.subj_missing = missing;
  log.subj_unset = unset;
  log.first_time = "1766481291.512";
  log.first_seconds = 1766481291;
  log.last_time = "1766481330.040";
  log.last_seconds = 1766481330;
  AuditRecordSample sample{"/var/log/audit/audit.log:4", "1766481291.601",
                           "type=SYSCALL msg=audit(1766481291.601:113): pid=1 comm=\"x\""};
  if (missing > 0)
    log.subj_missing_first = log.subj_missing_last = sample;
  if (unset > 0)
    log.subj_unset_first = log.subj_unset_last = sample;
  return log;
}

Finding run(const CheckDef& def, const Facts& facts) {
  return def.run(CheckContext{facts, knowledge()});
}

} // namespace

TEST_CASE("audit.records.subj-missing", "[checks][audit_records]") {
  const CheckDef& def = checks::audit_records_subj_missing;

  auto failed = run(def, facts_with(log_with(6, 6, 0), "capability,landlock,yama,bpf,apparmor"));
  CHECK(failed.status == Status::fail);
  CHECK(failed.severity == Severity::error);
  CHECK(failed.title == "6 of 6 audit records lack subj= although apparmor is active");
  CHECK(failed.confidence == "high");
  REQUIRE(failed.evidence.size() == 1);
  CHECK(failed.evidence[0].line == 4);
  CHECK(failed.evidence[0].source == "/var/log/audit/audit.log");
  CHECK(failed.detail.find("2025-12-23 09:14:51 UTC") != std::string::npos);

  auto apparmor_first = run(def, facts_with(log_with(6, 2, 0), "capability,apparmor,bpf"));
  CHECK(apparmor_first.status == Status::fail);
  CHECK(apparmor_first.confidence == "medium");

  CHECK(run(def, facts_with(log_with(6, 0, 0))).status == Status::pass);
  CHECK(run(def, facts_with(log_with(6, 6, 0), "capability,landlock,yama,bpf")).status ==
        Status::not_applicable);
  CHECK(run(def, facts_with(log_with(0, 0, 0))).status == Status::not_applicable);

  Facts no_stack = facts_with(log_with(6, 6, 0));
  no_stack.active_lsms = Fact<std::vector<std::string>>::unknown("securityfs is not mounted");
  CHECK(run(def, no_stack).status == Status::unknown);

  Facts unreadable = facts_with(log_with(6, 6, 0));
  unreadable.audit_log = Fact<AuditLogSummary>::unknown(
      "/var/log/audit: permission denied (audit logs are readable by root only; run as root)");
  auto u = run(def, unreadable);
  CHECK(u.status == Status::unknown);
  CHECK(u.detail.find("run as root") != std::string::npos);
}

TEST_CASE("audit.records.subj-unset", "[checks][audit_records]") {
  const CheckDef& def = checks::audit_records_subj_unset;

  CHECK(run(def, facts_with(log_with(6, 0, 0))).status == Status::pass);
  CHECK(run(def, facts_with(AuditLogSummary{})).status == Status::not_applicable);

  AuditLogSummary lost = log_with(6, 0, 3);
  auto f = run(def, facts_with(lost));
  CHECK(f.status == Status::fail);
  CHECK(f.severity == Severity::warning);
  CHECK(f.title == "3 audit records carry subj=?");
  CHECK(f.confidence == "medium");
  CHECK(f.detail.find("No MAC_TASK_CONTEXTS record") != std::string::npos);

  AuditLogSummary stacked = log_with(6, 0, 3);
  stacked.multi_context_records = 4;
  stacked.multi_context_lsms = {"apparmor", "selinux"};
  stacked.renamed_types["UNKNOWN[1420]"] = "MAC_TASK_CONTEXTS";
  auto s = run(def, facts_with(stacked, "capability,apparmor,selinux"));
  CHECK(s.status == Status::fail);
  CHECK(s.confidence == "high");
  CHECK(s.evidence.size() == 2);
  CHECK(s.detail.find("(apparmor, selinux)") != std::string::npos);
  CHECK(s.detail.find("UNKNOWN[1420] as MAC_TASK_CONTEXTS") != std::string::npos);
  CHECK(s.detail.find("IPE") != std::string::npos);

  Facts unreadable;
  unreadable.audit_log = Fact<AuditLogSummary>::unknown("denied");
  CHECK(run(def, unreadable).status == Status::unknown);
}
