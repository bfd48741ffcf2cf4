#include "sources/config_file.h"
#include "test_support.h"

#include <catch2/catch.hpp>

using namespace lsmdoctor;

namespace {

Result<DoctorConfig> config(std::string_view text) {
  return parse_config(text, "lsm-doctor.toml", test::knowledge());
}

std::string error_of(std::string_view text) {
  auto parsed = config(text);
  REQUIRE_FALSE(parsed);
  return parsed.error().message;
}

} // namespace

TEST_CASE("lsm-doctor.toml: waivers with every field", "[sources][config]") {
  auto parsed = config("# comment\n"
                       "[[waiver]]\n"
                       "check = \"audit.status.lost\"\n"
                       "reason = \"backlog raised in change 42\"\n"
                       "expires = 2027-01-31\n"
                       "kernel = \"6.18.*\"\n"
                       "host = \"web-*\"\n"
                       "\n"
                       "[[waiver]]\n"
                       "check = \"lsm.secctx.multiple\"\n"
                       "reason = \"two providers by design\"\n");
  REQUIRE(parsed);
  CHECK(parsed->file == "lsm-doctor.toml");
  REQUIRE(parsed->waivers.size() == 2);
  const Waiver& w = parsed->waivers[0];
  CHECK(w.check == "audit.status.lost");
  CHECK(w.reason == "backlog raised in change 42");
  REQUIRE(w.expires);
  CHECK(to_string(*w.expires) == "2027-01-31");
  CHECK(w.kernel == "6.18.*");
  CHECK(w.host == "web-*");
  CHECK(w.where() == "lsm-doctor.toml:3");
  const Waiver& open = parsed->waivers[1];
  CHECK_FALSE(open.expires);
  CHECK(open.kernel.empty());
  CHECK(open.host.empty());
  CHECK(open.line == 10);
}

TEST_CASE("lsm-doctor.toml: an empty file is a valid configuration", "[sources][config]") {
  auto parsed = config("");
  REQUIRE(parsed);
  CHECK(parsed->waivers.empty());
}

TEST_CASE("lsm-doctor.toml: errors name the file, line and column", "[sources][config]") {
  CHECK(error_of("[[waiver]]\ncheck = \"no.such-check\"\nreason = \"x\"\n") ==
        "lsm-doctor.toml:2:9: waiver.check: no check 'no.such-check' (lsm-doctor explain --list)");
  CHECK(error_of("[[waiver]]\ncheck = \"audit.status.lost\"\nreason = \"x\"\nuntil = 2027-01-01\n")
            .starts_with("lsm-doctor.toml:4:1: unknown key 'waiver.until' (known: check, reason"));
  CHECK(error_of("[[waiver]]\ncheck = \"audit.status.lost\"\n")
            .starts_with("lsm-doctor.toml:1:1: waiver.reason is required"));
  CHECK(error_of("[[waiver]]\ncheck = \"audit.status.lost\"\nreason = \" \"\n") ==
        "lsm-doctor.toml:3:10: waiver.reason must not be empty");
  CHECK(error_of("[[waiver]]\nreason = \"x\"\n").find("waiver.check is required") !=
        std::string::npos);
  CHECK(error_of("[[waiver]]\ncheck = \"audit.status.lost\"\nreason = \"x\"\n"
                 "expires = \"2027-01-31\"\n") ==
        "lsm-doctor.toml:4:11: waiver.expires must be a date such as 2027-01-31 (unquoted)");
  CHECK(error_of("[[waiver]]\ncheck = \"audit.status.lost\"\nreason = \"x\"\nkernel = \"\"\n") ==
        "lsm-doctor.toml:4:10: waiver.kernel must not be empty (leave it out to match any)");
  CHECK(error_of("[[waiver]]\ncheck = 3\nreason = \"x\"\n") ==
        "lsm-doctor.toml:2:9: waiver.check must be a string");
  CHECK(error_of("[waiver]\ncheck = \"audit.status.lost\"\n") ==
        "lsm-doctor.toml:1:1: waiver must be an array of tables ([[waiver]])");
  CHECK(error_of("[[waivers]]\n").starts_with("lsm-doctor.toml:1:3: unknown key 'waivers'"));
  CHECK(error_of("[[waiver]\n").starts_with("lsm-doctor.toml:1:"));
  CHECK(error_of("[[waiver]]\ncheck = \"audit.status.lost\"\nreason = \"x\"\n"
                 "expires = 2027-02-30\n")
            .starts_with("lsm-doctor.toml:4:"));
}

TEST_CASE("lsm-doctor.toml: --config must exist, the default may be absent", "[sources][config]") {
  test::TempDir dir;
  auto missing = load_config(dir.file("nope.toml"), "", test::knowledge());
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message.find("nope.toml") != std::string::npos);

  auto none = load_config("", dir.file("absent.toml"), test::knowledge());
  REQUIRE(none);
  CHECK(none->file.empty());

  std::string path = dir.write("etc/lsm-doctor.toml",
                               "[[waiver]]\ncheck = \"audit.status.lost\"\nreason = \"x\"\n");
  auto found = load_config("", path, test::knowledge());
  REQUIRE(found);
  CHECK(found->file == path);
  CHECK(found->waivers.size() == 1);

  // --config wins over the default.
  std::string other = dir.write("other.toml", "");
  auto given = load_config(other, path, test::knowledge());
  REQUIRE(given);
  CHECK(given->file == other);
  CHECK(given->waivers.empty());

  // A default that exists but cannot be read is an error, not silence.
  std::string broken = dir.write("broken.toml", "[[waiver]\n");
  CHECK_FALSE(load_config("", broken, test::knowledge()));
}

TEST_CASE("examples/lsm-doctor.toml is a valid configuration", "[sources][config]") {
  auto parsed = read_config(LSMD_SOURCE_DIR "/examples/lsm-doctor.toml", test::knowledge());
  INFO((parsed ? std::string() : parsed.error().message));
  REQUIRE(parsed);
  CHECK(parsed->waivers.size() >= 2);
}

TEST_CASE("lsm-doctor.toml: [expect] modules, audit and signature limits", "[sources][config]") {
  auto parsed = config("[expect]\n"
                       "modules = [\"apparmor\", \"landlock\"]\n"
                       "audit = true\n"
                       "\n"
                       "[expect.max_signatures]\n"
                       "subj-ctx-error = 0\n"
                       "\"audit-panic-suppressed\" = 10\n");
  REQUIRE(parsed);
  const Expectations& e = parsed->expect;
  REQUIRE(e.modules);
  CHECK(*e.modules == std::vector<std::string>{"apparmor", "landlock"});
  CHECK(e.modules_line == 2);
  CHECK(e.audit == true);
  CHECK(e.audit_line == 3);
  CHECK(e.max_signatures == std::map<std::string, std::uint64_t>{{"audit-panic-suppressed", 10},
                                                                 {"subj-ctx-error", 0}});
  CHECK(e.max_signature_lines.at("audit-panic-suppressed") == 7);

  auto none = config("[[waiver]]\ncheck = \"audit.status.lost\"\nreason = \"x\"\n");
  REQUIRE(none);
  CHECK_FALSE(none->expect.modules);
  CHECK_FALSE(none->expect.audit);
  CHECK(none->expect.max_signatures.empty());
}

TEST_CASE("lsm-doctor.toml: [expect] errors name the file, line and column", "[sources][config]") {
  CHECK(error_of("[expect]\nmodules = [\"apparmor\", \"apparrmor\"]\n")
            .starts_with("lsm-doctor.toml:2:11: expect.modules: 'apparrmor' is not a security "
                         "module (known: capability, "));
  CHECK(error_of("[expect]\nmodules = []\n")
            .starts_with("lsm-doctor.toml:2:11: expect.modules must name at least one module"));
  CHECK(error_of("[expect]\nmodules = \"apparmor\"\n") ==
        "lsm-doctor.toml:2:11: expect.modules must be an array of strings");
  CHECK(error_of("[expect]\naudit = 1\n") ==
        "lsm-doctor.toml:2:9: expect.audit must be true or false");
  CHECK(error_of("[expect]\nauditd = true\n")
            .starts_with("lsm-doctor.toml:2:1: unknown key 'expect.auditd'"));
  CHECK(error_of("[expect.max_signatures]\naudit_log_subj_ctx = 0\n")
            .starts_with("lsm-doctor.toml:2:22: expect.max_signatures.audit_log_subj_ctx: no "
                         "kernel log signature 'audit_log_subj_ctx' (known: subj-ctx-error, "));
  CHECK(error_of("[expect.max_signatures]\nsubj-ctx-error = -1\n") ==
        "lsm-doctor.toml:2:18: expect.max_signatures.subj-ctx-error must be from 0 to "
        "9223372036854775807, not -1");
  CHECK(error_of("[expect.max_signatures]\nsubj-ctx-error = \"0\"\n")
            .starts_with("lsm-doctor.toml:2:18: expect.max_signatures.subj-ctx-error must be an "
                         "integer"));
  CHECK(error_of("[expect]\nmax_signatures = 3\n") ==
        "lsm-doctor.toml:2:18: expect.max_signatures must be a table");
}
