#include "sources/audit_log.h"
#include "test_support.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace lsmdoctor;
using lsmdoctor::test::knowledge;
namespace fs = std::filesystem;

namespace {

struct TempTree {
  fs::path dir;
  TempTree() {
    char pattern[] = "/tmp/lsmd-audit-log-XXXXXX";
    dir = ::mkdtemp(pattern);
  }
  ~TempTree() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  void write(const std::string& rel, const std::string& text) const {
    fs::create_directories((dir / rel).parent_path());
    std::ofstream(dir / rel, std::ios::binary) << text;
  }
};

} // namespace

TEST_CASE("audit_log_files: rotated files oldest first", "[sources][audit_log]") {
  TempTree t;
  t.write("var/log/audit/audit.log", "");
  t.write("var/log/audit/audit.log.1", "");
  t.write("var/log/audit/audit.log.10", "");
  t.write("var/log/audit/audit.log.2", "");
  t.write("var/log/audit/audit.log.old", "");
  auto files = audit_log_files(t.dir.string(), {});
  REQUIRE(files);
  std::string base = t.dir.string() + "/var/log/audit/";
  CHECK(*files == std::vector<std::string>{base + "audit.log.10", base + "audit.log.2",
                                           base + "audit.log.1", base + "audit.log"});
  auto given = audit_log_files(t.dir.string(), {"/x/a.log"});
  REQUIRE(given);
  CHECK(*given == std::vector<std::string>{"/x/a.log"});
}

TEST_CASE("gather_audit_log: no log is known and empty", "[sources][audit_log]") {
  TempTree t;
  auto fact = gather_audit_log(t.dir.string(), {}, knowledge());
  REQUIRE(fact.is_known());
  CHECK(fact->files.empty());
  CHECK(fact->records == 0);
}

TEST_CASE("gather_audit_log: counts across rotated files and block boundaries",
          "[sources][audit_log]") {
  TempTree t;
  std::string big;
  // Enough lines to span several 1 MiB blocks, with a final line without a newline.
  const std::string line = "type=SYSCALL msg=audit(1700000000.001:7): arch=c000003e pid=1 "
                           "comm=\"cat\" subj=unconfined key=\"k\"\n";
  std::size_t n = (std::size_t{3} << 20) / line.size() + 17;
  for (std::size_t i = 0; i < n; ++i)
    big += line;
  big += "type=SYSCALL msg=audit(1700000009.000:8): pid=2 subj=? key=x";
  t.write("var/log/audit/audit.log", big);
  t.write("var/log/audit/audit.log.1", "type=AVC msg=audit(1600000000.5:1): avc:  denied\n");
  auto fact = gather_audit_log(t.dir.string(), {}, knowledge());
  REQUIRE(fact.is_known());
  CHECK(fact->files.size() == 2);
  CHECK(fact->records == n + 2);
  CHECK(fact->by_type.at("SYSCALL") == n + 1);
  CHECK(fact->subj_unset == 1);
  CHECK(fact->subj_missing == 0);
  CHECK(fact->first_time == "1600000000.5");
  CHECK(fact->last_time == "1700000009.000");
  CHECK(fact->by_lsm.at("selinux") == 1);
}

TEST_CASE("gather_audit_log: unreadable input is unknown with the reason", "[sources][audit_log]") {
  TempTree t;
  auto missing = gather_audit_log(t.dir.string(), {(t.dir / "nope.log").string()}, knowledge());
  CHECK_FALSE(missing.is_known());
  CHECK(missing.reason().find("nope.log") != std::string::npos);

  if (::geteuid() != 0) {
    t.write("var/log/audit/audit.log", "type=AVC msg=audit(1.0:1): x\n");
    ::chmod((t.dir / "var/log/audit").c_str(), 0);
    auto denied = gather_audit_log(t.dir.string(), {}, knowledge());
    ::chmod((t.dir / "var/log/audit").c_str(), 0755);
    CHECK_FALSE(denied.is_known());
    CHECK(denied.reason().find("run as root") != std::string::npos);
  }
  fs::create_directories(t.dir / "dir.log");
  auto dir = gather_audit_log(t.dir.string(), {(t.dir / "dir.log").string()}, knowledge());
  CHECK_FALSE(dir.is_known());
  CHECK(dir.reason().find("not a regular file") != std::string::npos);
}
