#include "sources/lsm_probes.h"
#include "test_support.h"

#include <catch2/catch.hpp>
#include <cstring>

using namespace lsmdoctor;
using lsmdoctor::test::TempDir;

namespace {

std::vector<unsigned char> lsm_ctx(std::uint64_t id, const std::string& ctx) {
  std::uint64_t head[4] = {id, 0, 32 + ctx.size() + 1, ctx.size() + 1};
  std::vector<unsigned char> out(sizeof(head) + ctx.size() + 1, 0);
  std::memcpy(out.data(), head, sizeof(head));
  std::memcpy(out.data() + sizeof(head), ctx.data(), ctx.size());
  return out;
}

} // namespace

TEST_CASE("apparmor_profiles_status counts profiles by mode", "[sources][probes]") {
  CHECK(apparmor_profiles_status("") == "no profiles loaded");
  CHECK(apparmor_profiles_status("/usr/bin/man (enforce)\nfirefox (complain)\n"
                                 "man_groff (enforce)\n") == "3 profiles: 1 complain, 2 enforce");
  CHECK(apparmor_profiles_status("odd line\n") == "1 profile: 1 unknown");
}

TEST_CASE("lockdown_mode takes the bracketed word", "[sources][probes]") {
  CHECK(lockdown_mode("none [integrity] confidentiality") == "integrity");
  CHECK(lockdown_mode("[none] integrity confidentiality") == "none");
  CHECK(lockdown_mode("garbage") == "unknown");
  CHECK(lockdown_mode("] [") == "unknown");
}

TEST_CASE("parse_lsm_ctx_buffer decodes struct lsm_ctx entries", "[sources][probes]") {
  auto a = lsm_ctx(104, "unconfined");
  auto b = lsm_ctx(101, "system_u:system_r:init_t:s0");
  std::vector<unsigned char> both(a);
  both.insert(both.end(), b.begin(), b.end());
  auto self = parse_lsm_ctx_buffer(both.data(), both.size(), test::knowledge());
  REQUIRE(self.size() == 2);
  CHECK(self[0].lsm == "apparmor");
  CHECK(self[0].context == "unconfined");
  CHECK(self[1].lsm == "selinux");
  CHECK(self[1].context == "system_u:system_r:init_t:s0");
  // A truncated or lying entry stops the walk.
  CHECK(parse_lsm_ctx_buffer(both.data(), 20, test::knowledge()).empty());
  std::vector<unsigned char> lying(a);
  lying[16] = 0xff;
  CHECK(parse_lsm_ctx_buffer(lying.data(), lying.size(), test::knowledge()).empty());
  auto unknown_id = lsm_ctx(999, "x");
  auto odd = parse_lsm_ctx_buffer(unknown_id.data(), unknown_id.size(), test::knowledge());
  REQUIRE(odd.size() == 1);
  CHECK(odd[0].lsm == "lsm-999");
}

TEST_CASE("probe_lsms under a root reads files only", "[sources][probes]") {
  TempDir root;
  root.write("sys/fs/selinux/enforce", "1\n");
  root.write("sys/fs/selinux/class/file/index", "6\n");
  root.write("sys/module/apparmor/parameters/enabled", "N\n");
  root.write("proc/sys/kernel/yama/ptrace_scope", "1\n");
  root.write("sys/kernel/security/lsm", "capability,selinux,yama\n");
  root.write("sys/kernel/security/lockdown", "none [integrity] confidentiality\n");
  ProbeFacts p = probe_lsms(root.path(), false, test::knowledge());
  const LsmProbe* selinux = p.find("selinux");
  REQUIRE(selinux != nullptr);
  CHECK(selinux->known);
  CHECK(selinux->status == "enforcing, policy loaded");
  CHECK(p.find("apparmor")->status == "built in, disabled");
  CHECK_FALSE(p.find("apparmor")->present);
  CHECK(p.find("yama")->status == "ptrace_scope 1");
  CHECK(p.find("lockdown")->status == "mode integrity");
  CHECK_FALSE(p.find("tomoyo")->present);
  CHECK(p.find("tomoyo")->known);
  // System calls are not asked under a root.
  CHECK_FALSE(p.find("landlock")->known);
  CHECK_THAT(p.find("landlock")->reason, Catch::Contains("--root"));
  CHECK_FALSE(p.find("bpf")->known);
  CHECK_FALSE(p.landlock_abi.has_value());
  CHECK(p.self.empty());
  CHECK_FALSE(p.self_reason.empty());
}

TEST_CASE("probe_lsms without securityfs says so", "[sources][probes]") {
  TempDir root;
  root.write("proc/sys/kernel/osrelease", "6.18.2\n");
  ProbeFacts p = probe_lsms(root.path(), false, test::knowledge());
  CHECK_FALSE(p.find("tomoyo")->known);
  CHECK_THAT(p.find("tomoyo")->reason, Catch::Contains("securityfs"));
  CHECK_FALSE(p.find("lockdown")->known);
  CHECK_FALSE(p.find("selinux")->present);
}
