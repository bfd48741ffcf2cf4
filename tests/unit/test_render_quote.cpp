#include "render/json_writer.h"
#include "render/quote.h"
#include "test_support.h"

#include <catch2/catch.hpp>

using namespace lsmdoctor;

namespace {

const std::string kReplacement = "\xEF\xBF\xBD"; // U+FFFD

std::string replacements(int n) {
  std::string out;
  for (int i = 0; i < n; ++i)
    out += kReplacement;
  return out;
}

} // namespace

TEST_CASE("shell_quote makes one single-quoted word of hostile values", "[render][quote]") {
  CHECK(shell_quote("") == "''");
  CHECK(shell_quote("lsm=landlock,apparmor") == "'lsm=landlock,apparmor'");
  CHECK(shell_quote("it's") == "'it'\\''s'");
  CHECK(shell_quote("$(reboot)") == "'$(reboot)'");
  CHECK(shell_quote("`id`; rm -rf /") == "'`id`; rm -rf /'");
  CHECK(shell_quote("a\nb") == "'a\nb'");
  CHECK(shell_quote("\"double\" \\ back") == "'\"double\" \\ back'");
  CHECK(shell_quote("''") == "''\\'''\\'''");
}

TEST_CASE("nix_string escapes quotes, backslashes and interpolation", "[render][quote]") {
  CHECK(nix_string("apparmor") == "\"apparmor\"");
  CHECK(nix_string("say \"hi\"") == "\"say \\\"hi\\\"\"");
  CHECK(nix_string("a\\b") == "\"a\\\\b\"");
  CHECK(nix_string("${pkgs.evil}") == "\"\\${pkgs.evil}\"");
  CHECK(nix_string("$${x}") == "\"$\\${x}\"");
  CHECK(nix_string("cost $5") == "\"cost $5\"");
  CHECK(nix_string("end$") == "\"end$\"");
  CHECK(nix_string("a\nb\tc\rd") == "\"a\\nb\\tc\\rd\"");
  std::string hostile = nix_string("\"; system = builtins.exec [\"x\"]; s = \"${y}");
  CHECK(test::interpolation_escaped(hostile));
  CHECK(hostile == "\"\\\"; system = builtins.exec [\\\"x\\\"]; s = \\\"\\${y}\"");
}

TEST_CASE("comment_safe turns control characters into spaces", "[render][quote]") {
  CHECK(comment_safe("security=\nrm -rf /") == "security= rm -rf /");
  CHECK(comment_safe("a\tb\x7f"
                     "c") == "a b c");
  CHECK(comment_safe("\xff") == kReplacement);
}

TEST_CASE("sanitize_utf8", "[render][quote]") {
  SECTION("valid text is kept") {
    for (std::string text : {"", "plain ascii", "caf\xC3\xA9", "\xE2\x82\xAC 5", "\xF0\x9F\x98\x80",
                             "\xF4\x8F\xBF\xBF", "\xED\x9F\xBF"}) {
      CAPTURE(text);
      CHECK(sanitize_utf8(text) == text);
    }
  }
  SECTION("invalid bytes become U+FFFD") {
    CHECK(sanitize_utf8("a\xFF"
                        "b") == "a" + kReplacement + "b");
    CHECK(sanitize_utf8("\x80") == kReplacement);
    CHECK(sanitize_utf8("\xF5\x80\x80\x80") == replacements(4));
    CHECK(sanitize_utf8("\xE2\x82") == replacements(2)); // cut short
    CHECK(sanitize_utf8("\xC3"
                        "A") == kReplacement + "A");
  }
  SECTION("overlong forms are rejected") {
    CHECK(sanitize_utf8("\xC0\xAF") == replacements(2));
    CHECK(sanitize_utf8("\xC1\xBF") == replacements(2));
    CHECK(sanitize_utf8("\xE0\x80\xAF") == replacements(3));
    CHECK(sanitize_utf8("\xF0\x80\x80\xAF") == replacements(4));
  }
  SECTION("surrogates and code points past U+10FFFF are rejected") {
    CHECK(sanitize_utf8("\xED\xA0\x80") == replacements(3));
    CHECK(sanitize_utf8("\xED\xBF\xBF") == replacements(3));
    CHECK(sanitize_utf8("\xF4\x90\x80\x80") == replacements(4));
  }
  SECTION("NUL bytes are valid UTF-8") {
    std::string nul("a\0b", 3);
    CHECK(sanitize_utf8(nul) == nul);
  }
}

TEST_CASE("json_quote escapes what JSON requires", "[render][quote]") {
  CHECK(json_quote("") == "\"\"");
  CHECK(json_quote("say \"hi\"") == "\"say \\\"hi\\\"\"");
  CHECK(json_quote("a\\b") == "\"a\\\\b\"");
  CHECK(json_quote("a\nb\rc\td") == "\"a\\nb\\rc\\td\"");
  CHECK(json_quote("\x01\x1f") == "\"\\u0001\\u001f\"");
  CHECK(json_quote(std::string("\0", 1)) == "\"\\u0000\"");
  CHECK(json_quote("\x7f") == "\"\\u007f\"");
  CHECK(json_quote("caf\xC3\xA9") == "\"caf\xC3\xA9\"");
  CHECK(json_quote("bad\xFF") == "\"bad" + kReplacement + "\"");
  CHECK(json_quote("</script>") == "\"</script>\"");
}

TEST_CASE("xml_escape keeps XML well formed", "[render][quote]") {
  CHECK(xml_escape("a<b>&\"c'") == "a&lt;b&gt;&amp;&quot;c&apos;");
  CHECK(xml_escape("]]>") == "]]&gt;");
  SECTION("attributes keep tab and newline as references, content as is") {
    CHECK(xml_escape("a\tb\nc\rd") == "a&#9;b&#10;c&#13;d");
    CHECK(xml_escape("a\tb\nc\rd", false) == "a\tb\nc&#13;d");
  }
  SECTION("characters XML 1.0 cannot carry become U+FFFD") {
    CHECK(xml_escape(std::string("\0\x01\x1b", 3)) == replacements(3));
    CHECK(xml_escape("\xEF\xBF\xBE\xEF\xBF\xBF") == replacements(2));
    CHECK(xml_escape("bad\xFF") == "bad" + kReplacement);
    CHECK(xml_escape("\xEF\xBF\xBD") == kReplacement);
    CHECK(xml_escape("caf\xC3\xA9") == "caf\xC3\xA9");
  }
}

TEST_CASE("prometheus_label_value escapes backslash, quote and newline", "[render][quote]") {
  CHECK(prometheus_label_value("6.18.2") == "6.18.2");
  CHECK(prometheus_label_value("a\\b\"c\nd") == "a\\\\b\\\"c\\nd");
  CHECK(prometheus_label_value("{x=\"1\"} 2") == "{x=\\\"1\\\"} 2");
  CHECK(prometheus_label_value("bad\xFF") == "bad" + kReplacement);
}

TEST_CASE("toml_string escapes what could end a TOML string or line", "[render][quote]") {
  CHECK(toml_string("plain") == "\"plain\"");
  CHECK(toml_string("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(toml_string("x'''\n[audit]") == "\"x'''\\u000A[audit]\"");
  CHECK(toml_string(std::string("\x01\x7f\0", 3)) == "\"\\u0001\\u007F\\u0000\"");
  CHECK(toml_string("\xff") == "\"" + kReplacement + "\"");
}
