#include "parse/cmdline.h"

#include <catch2/catch.hpp>

using namespace lsmdoctor;

namespace {

std::vector<std::string> keys(const KernelCmdline& cmdline) {
  std::vector<std::string> out;
  for (const auto& p : cmdline.params)
    out.push_back(p.key);
  return out;
}

} // namespace

TEST_CASE("parse_cmdline splits words and values", "[parse][cmdline]") {
  auto c = parse_cmdline("BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro quiet");
  REQUIRE(c.params.size() == 4);
  CHECK(c.params[0].key == "BOOT_IMAGE");
  CHECK(c.params[0].value == "/vmlinuz");
  CHECK(c.params[1].value == "/dev/sda1");
  CHECK(c.params[2].key == "ro");
  CHECK_FALSE(c.params[2].value.has_value());
  CHECK(c.raw == "BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro quiet");
}

TEST_CASE("parse_cmdline: quotes protect spaces", "[parse][cmdline]") {
  auto c = parse_cmdline(R"(foo="a b" bar=1)");
  REQUIRE(c.params.size() == 2);
  CHECK(c.params[0].key == "foo");
  CHECK(c.params[0].value == "a b");
  CHECK(c.params[1].key == "bar");
  CHECK(c.params[1].value == "1");
}

TEST_CASE("parse_cmdline: a quoted whole word", "[parse][cmdline]") {
  SECTION("with a value") {
    auto c = parse_cmdline(R"("foo=a b" next)");
    REQUIRE(c.params.size() == 2);
    CHECK(c.params[0].key == "foo");
    CHECK(c.params[0].value == "a b");
    CHECK(c.params[1].key == "next");
  }
  SECTION("without a value") {
    auto c = parse_cmdline(R"("quiet splash" ro)");
    REQUIRE(c.params.size() == 2);
    CHECK(c.params[0].key == "quiet splash");
    CHECK_FALSE(c.params[0].value.has_value());
    CHECK(c.params[1].key == "ro");
  }
  SECTION("a value with text after its closing quote keeps it, as next_arg does") {
    auto c = parse_cmdline(R"(foo="a b"c)");
    REQUIRE(c.params.size() == 1);
    CHECK(c.params[0].value == "a b\"c");
  }
  SECTION("an empty quoted value") {
    auto c = parse_cmdline(R"(foo="" bar)");
    REQUIRE(c.params.size() == 2);
    CHECK(c.params[0].value == "");
  }
}

TEST_CASE("KernelCmdline::last and count with repeated keys", "[parse][cmdline]") {
  auto c = parse_cmdline("lsm=landlock,yama lsm=apparmor,bpf audit=1 quiet");
  CHECK(c.count("lsm") == 2);
  CHECK(c.last("lsm") == "apparmor,bpf");
  CHECK(c.count("audit") == 1);
  CHECK(c.count("security") == 0);
  CHECK_FALSE(c.last("security").has_value());
  // A key without a value is present, with an empty value.
  CHECK(c.last("quiet") == "");
  CHECK(c.count("quiet") == 1);
}

TEST_CASE("dash and underscore are the same in parameter names", "[parse][cmdline]") {
  CHECK(param_name_equal("audit_backlog_limit", "audit-backlog-limit"));
  CHECK(param_name_equal("a-b_c", "a_b-c"));
  CHECK_FALSE(param_name_equal("audit", "audit_backlog_limit"));
  CHECK_FALSE(param_name_equal("lsm", "LSM"));
  auto c = parse_cmdline("audit-backlog-limit=256 audit_backlog_limit=1024");
  CHECK(c.count("audit_backlog_limit") == 2);
  CHECK(c.last("audit-backlog-limit") == "1024");
}

TEST_CASE("a bare -- ends the kernel's parameters", "[parse][cmdline]") {
  auto c = parse_cmdline("ro lsm=apparmor -- lsm=bpf single");
  CHECK(keys(c) == std::vector<std::string>{"ro", "lsm"});
  CHECK(c.last("lsm") == "apparmor");
  CHECK(c.raw == "ro lsm=apparmor");

  SECTION("--foo and --=x are parameters, not the separator") {
    auto d = parse_cmdline("--foo --=x ro");
    CHECK(keys(d) == std::vector<std::string>{"--foo", "--", "ro"});
  }
  SECTION("-- at the start leaves no kernel parameters") {
    auto d = parse_cmdline("-- init=/bin/sh");
    CHECK(d.params.empty());
    CHECK(d.raw.empty());
  }
}

TEST_CASE("parse_cmdline: spaces, newline and empty input", "[parse][cmdline]") {
  auto c = parse_cmdline("  ro   quiet  \n");
  CHECK(keys(c) == std::vector<std::string>{"ro", "quiet"});
  CHECK(c.raw == "ro   quiet");

  auto tabs = parse_cmdline("\tro\tlsm=bpf\n");
  CHECK(keys(tabs) == std::vector<std::string>{"ro", "lsm"});
  CHECK(tabs.last("lsm") == "bpf");

  auto empty = parse_cmdline("");
  CHECK(empty.params.empty());
  CHECK(empty.raw.empty());

  auto blank = parse_cmdline(" \n");
  CHECK(blank.params.empty());
  CHECK(blank.raw.empty());
}

TEST_CASE("key without value, empty value and = inside a value", "[parse][cmdline]") {
  auto c = parse_cmdline("quiet apparmor= root=UUID=abcd =x");
  REQUIRE(c.params.size() == 4);
  CHECK_FALSE(c.params[0].value.has_value());
  CHECK(c.params[1].key == "apparmor");
  CHECK(c.params[1].value == "");
  CHECK(c.params[2].key == "root");
  CHECK(c.params[2].value == "UUID=abcd");
  // next_arg ignores an '=' at position 0: the whole word is the key.
  CHECK(c.params[3].key == "=x");
  CHECK_FALSE(c.params[3].value.has_value());
}

TEST_CASE("format_cmdline round-trips through parse_cmdline", "[parse][cmdline]") {
  std::vector<CmdlineParam> params{{"ro", std::nullopt},
                                   {"lsm", "landlock,yama,apparmor,bpf"},
                                   {"dyndbg", "file foo.c +p"},
                                   {"empty", ""},
                                   {"tab", "a\tb"}};
  std::string text = format_cmdline(params);
  CHECK(text == "ro lsm=landlock,yama,apparmor,bpf dyndbg=\"file foo.c +p\" empty= tab=\"a\tb\"");
  auto back = parse_cmdline(text);
  REQUIRE(back.params.size() == params.size());
  for (std::size_t i = 0; i < params.size(); ++i) {
    CHECK(back.params[i].key == params[i].key);
    CHECK(back.params[i].value == params[i].value);
  }
  CHECK(format_param({"quiet", std::nullopt}) == "quiet");
  CHECK(format_cmdline({}) == "");
}

TEST_CASE("format_cmdline never lets one parameter swallow the next", "[parse][cmdline]") {
  // Found by fuzz.cmdline: an empty quoted word, a name with spaces, and a
  // value with an odd number of quotes (only readable at the very end).
  auto c = parse_cmdline(R"(a "" "b c" x="y z"w audit=1 lsm=" bpf)");
  REQUIRE(c.params.size() == 6);
  CHECK(format_param(c.params[1]) == R"("")");
  CHECK(format_param(c.params[2]) == R"("b c")");
  auto back = parse_cmdline(format_cmdline(c.params));
  REQUIRE(back.params.size() == c.params.size());
  CHECK(back.params[3].key == "x");
  CHECK(back.params[3].value == "y z\"w");
  CHECK(back.params[4].key == "audit");
  CHECK(back.params[4].value == "1");
  // The unbalanced value keeps its words, without the quote.
  CHECK(back.params[5].key == "lsm");
  CHECK(back.params[5].value == " bpf");
  CmdlineParam hostile{"x", "a\"b c"};
  CHECK(parse_cmdline(format_param(hostile) + " after=1").params.size() == 2);
}
