// Paths inside a snapshot are named "SNAPSHOT:/path", not by the private
// directory a tar snapshot is extracted into.
#include "core/snapshot_paths.h"

#include <catch2/catch.hpp>

using namespace lsmdoctor;

namespace {

std::string named(std::string text, const std::string& root = "/tmp/lsm-doctor-snapshot-Ab12") {
  name_path_in_snapshot(text, root, "host.tar");
  return text;
}

} // namespace

TEST_CASE("name_path_in_snapshot", "[core][snapshot_paths]") {
  CHECK(named("/tmp/lsm-doctor-snapshot-Ab12/var/log/audit/audit.log") ==
        "host.tar:/var/log/audit/audit.log");
  CHECK(named("/tmp/lsm-doctor-snapshot-Ab12/var/log/audit/audit.log:12") ==
        "host.tar:/var/log/audit/audit.log:12");
  CHECK(named("/tmp/lsm-doctor-snapshot-Ab12/sys/kernel/security/lsm: not present; "
              "/tmp/lsm-doctor-snapshot-Ab12/proc/config.gz: not present") ==
        "host.tar:/sys/kernel/security/lsm: not present; host.tar:/proc/config.gz: not present");
  CHECK(named("the tree /tmp/lsm-doctor-snapshot-Ab12") == "the tree host.tar:/");
  CHECK(named("/tmp/lsm-doctor-snapshot-Ab123/x") == "/tmp/lsm-doctor-snapshot-Ab123/x");
  CHECK(named("/dev/kmsg") == "/dev/kmsg");
  CHECK(named("/tmp/lsm-doctor-snapshot-Ab12/etc/x", "/tmp/lsm-doctor-snapshot-Ab12/") ==
        "host.tar:/etc/x");
}

TEST_CASE("name_paths_in_snapshot renames facts, findings, warnings and the plan",
          "[core][snapshot_paths]") {
  const std::string root = "/tmp/lsm-doctor-snapshot-Zz";
  Facts facts;
  facts.kernel = Fact<KernelRelease>::unknown(root + "/proc/sys/kernel/osrelease: empty",
                                              {root + "/proc/sys/kernel/osrelease"});
  KernelLog log;
  log.source = root + "/.lsm-doctor/dmesg.txt";
  facts.kernel_log = Fact<KernelLog>::known(log, {log.source});
  facts.warnings.push_back(root + "/etc/audit/audit.rules:3: bad line");
  Finding f;
  f.title = "3 errors in " + root + "/var/log/audit/audit.log";
  f.evidence.push_back(Evidence{root + "/var/log/audit/audit.log", 4, "type=AVC", std::nullopt, "",
                                "", "seen in " + root + "/var/log/audit/audit.log"});
  std::vector<Finding> findings{f};
  Plan plan;
  Action staged;
  staged.staged_in.push_back(root + "/etc/default/grub");
  plan.actions.push_back(staged);

  name_paths_in_snapshot(root, "snap.tar", facts, findings, plan);
  CHECK(facts.kernel.reason() == "snap.tar:/proc/sys/kernel/osrelease: empty");
  CHECK(facts.kernel.from().source == "snap.tar:/proc/sys/kernel/osrelease");
  CHECK(facts.kernel_log->source == "snap.tar:/.lsm-doctor/dmesg.txt");
  CHECK(facts.kernel_log.from().source == "snap.tar:/.lsm-doctor/dmesg.txt");
  CHECK(facts.warnings[0] == "snap.tar:/etc/audit/audit.rules:3: bad line");
  CHECK(findings[0].title == "3 errors in snap.tar:/var/log/audit/audit.log");
  CHECK(findings[0].evidence[0].source == "snap.tar:/var/log/audit/audit.log");
  CHECK(findings[0].evidence[0].note == "seen in snap.tar:/var/log/audit/audit.log");
  CHECK(plan.actions[0].staged_in[0] == "snap.tar:/etc/default/grub");
}
