#include "core/knowledge.h"
#include "test_support.h"

#include <catch2/catch.hpp>
#include <set>

using namespace lsmdoctor;
using lsmdoctor::test::TempDir;

namespace {

const char* const kGoodSignature = R"(
[[signature]]
id = "x"
pattern = "audit: something"
meaning = "m"
source = "s"
confidence = "high"
)";

std::string error_of(const std::string& text, const std::string& name = "t.toml") {
  auto k = parse_knowledge(text, name);
  return k ? std::string() : k.error().message;
}

} // namespace

TEST_CASE("builtin_knowledge loads", "[core][knowledge]") {
  auto k = builtin_knowledge();
  REQUIRE(k);
  CHECK(k->lsms.size() >= 14);
  CHECK(k->signatures.size() >= 10);
  CHECK_FALSE(k->kernel_ranges.empty());
  CHECK(k->range("lsmprop-first-hook") != nullptr);
  CHECK(k->range("lsmprop-first-hook")->introduced == "6.18");
  CHECK(k->range("no-such-range") == nullptr);
}

TEST_CASE("every knowledge entry cites a source and a confidence", "[core][knowledge]") {
  const Knowledge& k = test::knowledge();
  std::set<std::string> confidences{"high", "medium", "low"};
  for (const auto& l : k.lsms) {
    CAPTURE(l.name);
    CHECK_FALSE(l.source.empty());
    CHECK(confidences.count(l.confidence) == 1);
  }
  for (const auto& s : k.signatures) {
    CAPTURE(s.id);
    CHECK_FALSE(s.source.empty());
    CHECK(confidences.count(s.confidence) == 1);
    CHECK_FALSE(s.meaning.empty());
  }
  for (const auto& r : k.kernel_ranges) {
    CAPTURE(r.id);
    CHECK_FALSE(r.source.empty());
    CHECK(confidences.count(r.confidence) == 1);
  }
}

TEST_CASE("LSM ids are unique and match include/uapi/linux/lsm.h", "[core][knowledge]") {
  const Knowledge& k = test::knowledge();
  std::set<int> ids;
  std::set<std::string> names;
  for (const auto& l : k.lsms) {
    CAPTURE(l.name);
    CHECK(names.insert(l.name).second);
    if (l.id != 0)
      CHECK(ids.insert(l.id).second);
  }
  const std::pair<const char*, int> uapi[] = {
      {"capability", 100}, {"selinux", 101}, {"smack", 102},    {"tomoyo", 103},
      {"apparmor", 104},   {"yama", 105},    {"loadpin", 106},  {"safesetid", 107},
      {"lockdown", 108},   {"bpf", 109},     {"landlock", 110}, {"ima", 111},
      {"evm", 112},        {"ipe", 113},
  };
  for (const auto& [name, id] : uapi) {
    CAPTURE(name);
    const LsmTrait* trait = k.lsm(name);
    REQUIRE(trait != nullptr);
    CHECK(trait->id == id);
    CHECK(k.lsm_by_id(id) == trait);
  }
  CHECK(k.lsm_by_id(999) == nullptr);
}

TEST_CASE("knowledge traits the checks rely on", "[core][knowledge]") {
  const Knowledge& k = test::knowledge();
  for (const char* name : {"apparmor", "selinux", "smack"}) {
    CAPTURE(name);
    CHECK(k.provides_secctx(name));
    CHECK(k.lsm(name)->exclusive);
    CHECK(k.lsm(name)->legacy_major);
  }
  for (const char* name : {"bpf", "landlock", "yama", "capability", "no-such-module"})
    CHECK_FALSE(k.provides_secctx(name));
  CHECK(k.lsm("capability")->order == "first");
  CHECK(k.lsm("ima")->order == "last");
  CHECK(k.lsm("evm")->order == "last");
  CHECK(k.lsm("apparmor")->config == "CONFIG_SECURITY_APPARMOR");
}

TEST_CASE("parse_knowledge accepts a minimal document", "[core][knowledge]") {
  auto k = parse_knowledge(kGoodSignature, "s.toml");
  REQUIRE(k);
  REQUIRE(k->signatures.size() == 1);
  CHECK(k->signatures[0].aggregate == "count");
  CHECK(parse_knowledge("", "empty.toml"));
}

TEST_CASE("parse_knowledge rejects bad entries with file:line:col", "[core][knowledge]") {
  SECTION("an unknown key in an entry") {
    std::string msg = error_of(std::string(kGoodSignature) + "colour = \"red\"\n");
    CHECK_THAT(msg, Catch::StartsWith("t.toml:8:"));
    CHECK_THAT(msg, Catch::Contains("unknown key 'colour'"));
  }
  SECTION("an unknown top-level key") {
    std::string msg = error_of("\n[[lsms]]\nname = \"x\"\n");
    CHECK_THAT(msg, Catch::StartsWith("t.toml:2:"));
    CHECK_THAT(msg, Catch::Contains("unknown top-level key 'lsms'"));
  }
  SECTION("a missing source") {
    std::string msg = error_of("[[signature]]\nid = \"x\"\npattern = \"audit: x\"\n"
                               "meaning = \"m\"\nconfidence = \"high\"\n");
    CHECK_THAT(msg, Catch::Matches("t\\.toml:\\d+:\\d+: missing 'source'"));
  }
  SECTION("a bad aggregate") {
    std::string msg = error_of("[[signature]]\nid = \"x\"\npattern = \"audit: {N} x\"\n"
                               "aggregate = \"avg\"\nmeaning = \"m\"\nsource = \"s\"\n"
                               "confidence = \"high\"\n");
    CHECK_THAT(msg, Catch::Matches("t\\.toml:\\d+:\\d+: aggregate must be .*"));
  }
  SECTION("sum without {N}") {
    std::string msg = error_of("[[signature]]\nid = \"x\"\npattern = \"audit: x\"\n"
                               "aggregate = \"sum\"\nmeaning = \"m\"\nsource = \"s\"\n"
                               "confidence = \"high\"\n");
    CHECK_THAT(msg, Catch::Contains("{N}"));
  }
  SECTION("a bad release") {
    for (const char* release : {"6", "6.x", "6.18.", ".6", "6.18.1.2", "v6.18"}) {
      CAPTURE(release);
      std::string msg = error_of(std::string("[[range]]\nid = \"r\"\nintroduced = \"") + release +
                                 "\"\nsummary = \"s\"\nsource = \"s\"\nconfidence = \"high\"\n");
      CHECK_THAT(msg, Catch::Matches("t\\.toml:\\d+:\\d+: introduced/fixed must be .*"));
    }
    std::string fixed = error_of("[[range]]\nid = \"r\"\nintroduced = \"6.18\"\nfixed = \"soon\"\n"
                                 "summary = \"s\"\nsource = \"s\"\nconfidence = \"high\"\n");
    CHECK_THAT(fixed, Catch::Contains("introduced/fixed"));
  }
  SECTION("a bad confidence or a wrong type") {
    CHECK_THAT(error_of("[[lsm]]\nname = \"x\"\norder = \"mutable\"\nsource = \"s\"\n"
                        "confidence = \"sure\"\n"),
               Catch::Contains("confidence must be"));
    CHECK_THAT(error_of("[[lsm]]\nname = \"x\"\nid = \"7\"\norder = \"mutable\"\n"
                        "source = \"s\"\nconfidence = \"high\"\n"),
               Catch::StartsWith("t.toml:3:") && Catch::Contains("'id' must be an integer"));
  }
  SECTION("a TOML syntax error") {
    CHECK_THAT(error_of("[[lsm]\n"), Catch::StartsWith("t.toml:1:"));
  }
}

TEST_CASE("load_knowledge: a directory file replaces the built-in of the same name",
          "[core][knowledge]") {
  TempDir dir;
  dir.write("signatures.toml", kGoodSignature);
  dir.write("README", "not knowledge");
  auto k = load_knowledge(dir.path());
  REQUIRE(k);
  REQUIRE(k->signatures.size() == 1);
  CHECK(k->signatures[0].id == "x");
  // The other built-in files stay.
  CHECK(k->lsm("apparmor") != nullptr);
  CHECK(k->range("lsmprop-first-hook") != nullptr);

  SECTION("a new file adds to the built-in knowledge") {
    TempDir extra;
    extra.write("extra.toml", kGoodSignature);
    auto more = load_knowledge(extra.path());
    REQUIRE(more);
    CHECK(more->signatures.size() == test::knowledge().signatures.size() + 1);
  }
  SECTION("a duplicate id across files is an error") {
    TempDir twice;
    twice.write("extra.toml", R"([[lsm]]
name = "apparmor"
order = "mutable"
source = "s"
confidence = "high"
)");
    auto dup = load_knowledge(twice.path());
    REQUIRE_FALSE(dup);
    CHECK_THAT(dup.error().message, Catch::Contains("apparmor"));
  }
  SECTION("an error names the file") {
    TempDir bad;
    bad.write("lsm.toml", "[[lsm]]\nname = 1\n");
    auto broken = load_knowledge(bad.path());
    REQUIRE_FALSE(broken);
    CHECK_THAT(broken.error().message, Catch::StartsWith("lsm.toml:"));
  }
  SECTION("a missing directory") {
    auto missing = load_knowledge(dir.file("nope"));
    REQUIRE_FALSE(missing);
    CHECK_THAT(missing.error().message, Catch::Contains("nope"));
  }
}

TEST_CASE("every entry of every table cites a source", "[core][knowledge]") {
  const Knowledge& k = test::knowledge();
  std::set<std::string> confidences{"high", "medium", "low"};
  CHECK(k.distros.size() >= 5);
  CHECK(k.records.size() >= 10);
  for (const auto& d : k.distros) {
    CAPTURE(d.distro);
    CHECK_FALSE(d.source.empty());
    CHECK(confidences.count(d.confidence) == 1);
  }
  for (const auto& r : k.records) {
    CAPTURE(r.name);
    CHECK_FALSE(r.source.empty());
    CHECK(confidences.count(r.confidence) == 1);
    // A low-confidence entry explains its doubt.
    if (r.confidence == "low")
      CHECK_FALSE(r.note.empty());
  }
  for (const auto& r : k.kernel_ranges) {
    CAPTURE(r.id);
    if (r.confidence == "low")
      CHECK_FALSE(r.note.empty());
  }
}

TEST_CASE("the kernel ranges the doctor reasons with", "[core][knowledge]") {
  const Knowledge& k = test::knowledge();
  const std::pair<const char*, const char*> ranges[] = {
      {"lsm-syscalls", "6.8"},
      {"lsm-prop", "6.13"},
      {"lsm-context", "6.14"},
      {"landlock-audit", "6.15"},
      {"multi-context-records", "6.18"},
      {"subj-ctx-names", "6.18"},
      {"lsmprop-first-hook", "6.18"},
      {"bpf-lsm", "5.7"},
      {"ima-evm-lsm", "6.9"},
  };
  for (const auto& [id, introduced] : ranges) {
    CAPTURE(id);
    REQUIRE(k.range(id) != nullptr);
    CHECK(k.range(id)->introduced == introduced);
  }
  const KernelRange& flood = *k.range("lsmprop-first-hook");
  CHECK(release_in_range(flood, 6, 18, 0));
  CHECK(release_in_range(flood, 7, 0, 11));
  CHECK_FALSE(release_in_range(flood, 6, 17, 13));
  CHECK_FALSE(release_in_range(flood, 6, 12, 60));
  CHECK_FALSE(flood.unaffected.empty());
  CHECK(flood.nixos_kernel_packages == "pkgs.linuxPackages_6_12");
  KernelRange fixed;
  fixed.introduced = "6.18";
  fixed.fixed = "6.18.9";
  CHECK(release_in_range(fixed, 6, 18, 8));
  CHECK_FALSE(release_in_range(fixed, 6, 18, 9));
  CHECK(describe_range(fixed) == "6.18 to before 6.18.9");
  CHECK(describe_range(flood) == "6.18 and newer (no fix known)");
}

TEST_CASE("LSM traits: exclusivity ranges and context providers", "[core][knowledge]") {
  const Knowledge& k = test::knowledge();
  CHECK(k.lsm("selinux")->secctx_object);
  CHECK_FALSE(k.lsm("apparmor")->secctx_object);
  for (const char* name : {"selinux", "apparmor", "smack"}) {
    CAPTURE(name);
    CHECK(k.lsm(name)->exclusive_from == "5.1");
    CHECK(k.lsm(name)->exclusive_until.empty());
  }
  CHECK_FALSE(k.lsm("tomoyo")->exclusive);
  REQUIRE(k.record("MAC_TASK_CONTEXTS") != nullptr);
  CHECK(k.record("MAC_TASK_CONTEXTS")->type == 1425);
  CHECK(k.record("MAC_OBJ_CONTEXTS")->type == 1426);
  CHECK(k.record("LANDLOCK_ACCESS")->type == 1423);
  CHECK(k.record("LANDLOCK_ACCESS")->lsm == "landlock");
  CHECK(k.record("BPF_LSM_ACCESS")->status == "proposed");
  CHECK(k.record("BPF_LSM_ACCESS")->introduced.empty());
}

TEST_CASE("parse_knowledge validates the new tables", "[core][knowledge]") {
  SECTION("a fix not after its introduction") {
    CHECK_THAT(error_of("[[range]]\nid = \"r\"\nintroduced = \"6.18\"\nfixed = \"6.17.9\"\n"
                        "summary = \"s\"\nsource = \"s\"\nconfidence = \"high\"\n"),
               Catch::Contains("is not after"));
    CHECK_THAT(error_of("[[range]]\nid = \"r\"\nintroduced = \"6.18\"\nfixed = \"6.18.0\"\n"
                        "summary = \"s\"\nsource = \"s\"\nconfidence = \"high\"\n"),
               Catch::Contains("is not after"));
  }
  SECTION("exclusive without a range, or a range that ended but still exclusive") {
    CHECK_THAT(error_of("[[lsm]]\nname = \"x\"\nexclusive = true\norder = \"mutable\"\n"
                        "source = \"s\"\nconfidence = \"high\"\n"),
               Catch::Contains("exclusive must be true exactly when"));
    CHECK_THAT(error_of("[[lsm]]\nname = \"x\"\nexclusive = true\nexclusive_from = \"5.1\"\n"
                        "exclusive_until = \"6.0\"\norder = \"mutable\"\n"
                        "source = \"s\"\nconfidence = \"high\"\n"),
               Catch::Contains("exclusive must be true exactly when"));
    CHECK(error_of("[[lsm]]\nname = \"x\"\nexclusive_from = \"5.1\"\nexclusive_until = \"6.0\"\n"
                   "order = \"mutable\"\nsource = \"s\"\nconfidence = \"high\"\n")
              .empty());
  }
  SECTION("a distribution or record without a source") {
    CHECK_THAT(error_of("[[distro]]\ndistro = \"d\"\nrelease = \"1\"\nconfig_lsm = \"bpf\"\n"
                        "confidence = \"high\"\n"),
               Catch::Contains("missing 'source'"));
    CHECK_THAT(error_of("[[record]]\nname = \"R\"\ntype = 1400\nlsm = \"selinux\"\n"
                        "status = \"mainline\"\nintroduced = \"6.1\"\nmeaning = \"m\"\n"
                        "confidence = \"high\"\n"),
               Catch::Contains("missing 'source'"));
  }
  SECTION("a proposed record cannot have been introduced; a mainline one must") {
    CHECK_THAT(error_of("[[record]]\nname = \"R\"\ntype = 1427\nlsm = \"bpf\"\n"
                        "status = \"proposed\"\nintroduced = \"6.1\"\nmeaning = \"m\"\n"
                        "source = \"s\"\nconfidence = \"low\"\n"),
               Catch::Contains("only a mainline record"));
    CHECK_THAT(error_of("[[record]]\nname = \"R\"\ntype = 14\nlsm = \"bpf\"\n"
                        "status = \"vendor\"\nmeaning = \"m\"\n"
                        "source = \"s\"\nconfidence = \"low\"\n"),
               Catch::Contains("outside the audit record range"));
  }
  SECTION("references to unknown modules fail when loading") {
    TempDir dir;
    dir.write("extra.toml", "[[distro]]\ndistro = \"d\"\nrelease = \"1\"\n"
                            "config_lsm = \"landlock,nosuch\"\nsource = \"s\"\n"
                            "confidence = \"high\"\n");
    auto k = load_knowledge(dir.path());
    REQUIRE_FALSE(k);
    CHECK_THAT(k.error().message, Catch::Contains("nosuch"));
  }
}
