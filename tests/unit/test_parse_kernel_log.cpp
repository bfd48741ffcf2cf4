#include "parse/kernel_log.h"
#include "test_support.h"

#include <algorithm>
#include <catch2/catch.hpp>

using namespace lsmdoctor;
using lsmdoctor::test::knowledge;
using lsmdoctor::test::scan;

namespace {

// A string from a literal with embedded NUL bytes, all of them kept.
template <std::size_t N> std::string bytes(const char (&text)[N]) {
  return std::string(text, N - 1);
}

} // namespace

TEST_CASE("parse_log_line: plain message", "[parse][kernel_log]") {
  auto p = parse_log_line("audit: error in audit_log_subj_ctx");
  CHECK(p.format == LogFormat::plain);
  CHECK(p.message == "audit: error in audit_log_subj_ctx");
  CHECK(p.timestamp.empty());
  CHECK_FALSE(p.seconds.has_value());
}

TEST_CASE("parse_log_line: dmesg with a bracketed time", "[parse][kernel_log]") {
  auto p = parse_log_line("[    0.123456] msg here");
  CHECK(p.format == LogFormat::dmesg);
  CHECK(p.timestamp == "0.123456");
  REQUIRE(p.seconds.has_value());
  CHECK(*p.seconds == Approx(0.123456));
  CHECK(p.message == "msg here");

  auto crlf = parse_log_line("[   12.5] msg\r");
  CHECK(crlf.format == LogFormat::dmesg);
  CHECK(crlf.message == "msg");
}

TEST_CASE("parse_log_line: dmesg -r with a priority", "[parse][kernel_log]") {
  auto p = parse_log_line("<6>[    0.123456] msg");
  CHECK(p.format == LogFormat::dmesg_raw);
  CHECK(p.timestamp == "0.123456");
  CHECK(*p.seconds == Approx(0.123456));
  CHECK(p.message == "msg");

  auto facility = parse_log_line("<14>[    1.000000] user msg");
  CHECK(facility.format == LogFormat::dmesg_raw);
  CHECK(facility.message == "user msg");
}

TEST_CASE("parse_log_line: /dev/kmsg records and their continuations", "[parse][kernel_log]") {
  auto p = parse_log_line("6,1234,5678901,-;audit: error in audit_log_subj_ctx");
  CHECK(p.format == LogFormat::kmsg);
  CHECK(p.timestamp == "5678901");
  CHECK(*p.seconds == Approx(5.678901));
  CHECK(p.message == "audit: error in audit_log_subj_ctx");

  auto caller = parse_log_line("4,99,100,c,caller=T1;msg");
  CHECK(caller.format == LogFormat::kmsg);
  CHECK(caller.message == "msg");

  auto dict = parse_log_line(" SUBSYSTEM=x");
  CHECK(dict.format == LogFormat::kmsg_dict);
  CHECK(dict.message.empty());
  CHECK(parse_log_line(" DEVICE=+usb:1-1").format == LogFormat::kmsg_dict);
}

TEST_CASE("parse_log_line: journalctl short formats", "[parse][kernel_log]") {
  SECTION("short") {
    auto p = parse_log_line("Dec 23 17:02:02 host kernel: msg");
    CHECK(p.format == LogFormat::journal);
    CHECK(p.timestamp == "Dec 23 17:02:02");
    CHECK_FALSE(p.seconds.has_value());
    CHECK(p.message == "msg");
  }
  SECTION("short with a single digit day") {
    auto p = parse_log_line("Dec  3 17:02:02 host kernel: msg");
    CHECK(p.format == LogFormat::journal);
    CHECK(p.timestamp == "Dec  3 17:02:02");
    CHECK(p.message == "msg");
  }
  SECTION("short-precise") {
    auto p = parse_log_line("Dec 23 17:02:02.123456 host kernel: msg");
    CHECK(p.format == LogFormat::journal);
    CHECK(p.timestamp == "Dec 23 17:02:02.123456");
  }
  SECTION("short-iso") {
    auto p = parse_log_line("2025-12-23T17:02:02+0000 host kernel: msg");
    CHECK(p.format == LogFormat::journal);
    CHECK(p.timestamp == "2025-12-23T17:02:02+0000");
    CHECK(p.message == "msg");
  }
  SECTION("short-monotonic") {
    auto p = parse_log_line("[  12.3] host kernel: msg");
    CHECK(p.format == LogFormat::journal);
    CHECK(p.timestamp == "12.3");
    REQUIRE(p.seconds.has_value());
    CHECK(*p.seconds == Approx(12.3));
    CHECK(p.message == "msg");
  }
  SECTION("another program's line") {
    auto p = parse_log_line("Dec 23 17:02:03 host auditctl[12]: Error sending enable request");
    CHECK(p.format == LogFormat::journal_other);
    CHECK(p.message == "Error sending enable request");
    CHECK(parse_log_line("2025-12-23T17:02:02+0000 host systemd[1]: Started x").format ==
          LogFormat::journal_other);
  }
}

TEST_CASE("parse_log_line: dmesg lines that look like journal lines", "[parse][kernel_log]") {
  auto usb = parse_log_line("[ 3.4] usb 1-1: new device");
  CHECK(usb.format == LogFormat::dmesg);
  CHECK(usb.message == "usb 1-1: new device");

  auto audit = parse_log_line("[ 5.0] audit: type=1400 audit(1.2:3): apparmor=\"DENIED\"");
  CHECK(audit.format == LogFormat::dmesg);

  auto version = parse_log_line("[    0.000000] Linux version 6.18.2 (nixbld@localhost) (gcc): #1");
  CHECK(version.format == LogFormat::dmesg);
  CHECK(version.message == "Linux version 6.18.2 (nixbld@localhost) (gcc): #1");
}

TEST_CASE("parse_log_line: odd input does not crash", "[parse][kernel_log]") {
  for (std::string_view line : {"", " ", "[", "[]", "[ ] x", "<", "<6>", "<x>[1] y", "6,1;", ";",
                                "Dec", "Dec 23", "2025-12-23T", "[1.0]", "[1.0] a b: "}) {
    CAPTURE(line);
    auto p = parse_log_line(line);
    CHECK(p.message.size() <= line.size());
  }
  std::string nul = bytes("\0\0[ 1.0] \0audit\xff\xfe");
  auto p = parse_log_line(nul);
  CHECK(p.message.size() <= nul.size());
}

TEST_CASE("SignatureMatcher finds literals and {N} numbers", "[parse][kernel_log]") {
  std::vector<LogSignature> sigs{
      {"a", "audit: error in audit_log_subj_ctx", "count", "", "", ""},
      {"b", "audit_panic: {N} callbacks suppressed", "sum", "", "", ""},
  };
  SignatureMatcher matcher(sigs);
  std::vector<std::pair<std::size_t, std::optional<std::uint64_t>>> seen;
  auto collect = [&](const SignatureMatcher::Match& m) { seen.emplace_back(m.index, m.number); };

  matcher.match("audit: error in audit_log_subj_ctx", collect);
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].first == 0);
  CHECK_FALSE(seen[0].second.has_value());

  seen.clear();
  matcher.match("audit_panic: 321 callbacks suppressed", collect);
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].first == 1);
  CHECK(seen[0].second == 321u);

  seen.clear();
  matcher.match("audit_panic: x callbacks suppressed", collect);
  matcher.match("audit_panic: 12 callbacks", collect);
  matcher.match("unrelated", collect);
  CHECK(seen.empty());

  // The first candidate fails, a later one in the same message matches.
  matcher.match("audit_panic: audit_panic: 7 callbacks suppressed", collect);
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].second == 7u);

  seen.clear();
  matcher.match("audit_panic: 99999999999999999999 callbacks suppressed", collect);
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].second == UINT64_MAX);
}

TEST_CASE("KernelLogScanner counts the built-in signatures", "[parse][kernel_log]") {
  KernelLog log = scan({
      "[    0.000000] Linux version 6.18.2 (nixbld@localhost)",
      "[   10.100000] audit: error in audit_log_subj_ctx",
      "[   10.200000] audit_panic: 321 callbacks suppressed",
      "[   11.000000] audit: error in audit_log_subj_ctx",
      "[   12.000000] audit: audit_lost=5 audit_rate_limit=0 audit_backlog_limit=64",
      "[   13.000000] audit_panic: 79 callbacks suppressed",
      "[   14.000000] audit: audit_lost=3 audit_rate_limit=0 audit_backlog_limit=64",
      "[   15.000000] audit: error in audit_log_subj_ctx",
  });
  CHECK(log.source == "dmesg.txt");
  CHECK(log.lines == 8);
  CHECK(log.count("linux-version") == 1);
  CHECK(log.count("subj-ctx-error") == 3);
  CHECK(log.count("obj-ctx-error") == 0);
  CHECK(log.find("obj-ctx-error") == nullptr);

  const SignatureStats* subj = log.find("subj-ctx-error");
  REQUIRE(subj != nullptr);
  CHECK(subj->total == 3);
  CHECK(subj->first.line == 2);
  CHECK(subj->first.timestamp == "10.100000");
  CHECK(*subj->first.seconds == Approx(10.1));
  CHECK(subj->first.message == "audit: error in audit_log_subj_ctx");
  CHECK(subj->last.line == 8);
  CHECK(subj->last.timestamp == "15.000000");

  const SignatureStats* panic = log.find("audit-panic-suppressed");
  REQUIRE(panic != nullptr);
  CHECK(panic->matches == 2);
  CHECK(panic->total == 400); // summed
  CHECK(panic->first.line == 3);
  CHECK(panic->last.line == 6);

  const SignatureStats* lost = log.find("audit-lost");
  REQUIRE(lost != nullptr);
  CHECK(lost->matches == 2);
  CHECK(lost->total == 5); // the largest value, not the sum
}

TEST_CASE("KernelLogScanner skips kmsg continuations and other programs", "[parse][kernel_log]") {
  KernelLog log = scan({
      "3,10,10100000,-;audit: error in audit_log_subj_ctx",
      " SUBSYSTEM=audit",
      "Dec 23 17:02:03 host auditctl[12]: audit: error in audit_log_subj_ctx",
      "Dec 23 17:02:04 host kernel: audit: error in audit_log_subj_ctx",
  });
  CHECK(log.lines == 2);
  const SignatureStats* subj = log.find("subj-ctx-error");
  REQUIRE(subj != nullptr);
  CHECK(subj->matches == 2);
  CHECK(subj->first.line == 1);
  CHECK(subj->first.timestamp == "10100000");
  CHECK(subj->last.line == 4);
  CHECK(subj->last.timestamp == "Dec 23 17:02:04");
}

TEST_CASE("KernelLogScanner records truncated lines as warnings", "[parse][kernel_log]") {
  KernelLogScanner scanner(knowledge(), "big.log");
  scanner.add(1, "audit: error in audit_log_subj_ctx", true);
  scanner.add(2, "fine", false);
  KernelLog log = std::move(scanner).finish();
  CHECK(log.count("subj-ctx-error") == 1);
  REQUIRE(log.warnings.size() == 1);
  CHECK_THAT(log.warnings[0], Catch::Contains("big.log:1:"));
}

TEST_CASE("KernelLogScanner survives invalid and NUL bytes", "[parse][kernel_log]") {
  KernelLogScanner scanner(knowledge(), "bad.log");
  std::string nul_line = bytes("[ 1.0] audit: error in \0audit_log_subj_ctx");
  std::string nul_inside = bytes("audit: error in audit_log_subj_ctx\0tail");
  scanner.add(1, nul_line);
  scanner.add(2, nul_inside);
  scanner.add(3, "\xff\xfe\x80 audit_panic: 5 callbacks suppressed \xc0");
  scanner.add(4, std::string_view("\0", 1));
  KernelLog log = std::move(scanner).finish();
  CHECK(log.lines == 4);
  CHECK(log.count("subj-ctx-error") == 1); // the NUL splits the first literal
  REQUIRE(log.find("audit-panic-suppressed") != nullptr);
  CHECK(log.find("audit-panic-suppressed")->total == 5);
}

TEST_CASE("SignatureMatcher::may_match is a prefilter that never misses", "[parse][kernel_log]") {
  std::vector<LogSignature> sigs{
      {"a", "audit: error in audit_log_subj_ctx", "count", "", "", ""},
      {"b", "audit_panic: {N} callbacks suppressed", "sum", "", "", ""},
      {"c", "is ignored because it is superseded by lsm=", "count", "", "", ""},
  };
  SignatureMatcher matcher(sigs);
  CHECK(matcher.may_match("audit: error in audit_log_subj_ctx"));
  CHECK(matcher.may_match("audit_panic: 3 callbacks suppressed"));
  CHECK(matcher.may_match("LSM: security=apparmor is ignored because it is superseded by lsm="));
  CHECK_FALSE(matcher.may_match("usb 1-1: new high-speed USB device number 2"));
  CHECK_FALSE(matcher.may_match(""));
  // Every message the full matcher accepts passes the prefilter.
  for (std::string_view m : {"x audit: error in audit_log_subj_ctx y", "audit_panic: 0 callbacks",
                             "audit_panic: 5 callbacks suppressed"}) {
    bool matched = false;
    matcher.match(m, [&](const SignatureMatcher::Match&) { matched = true; });
    if (matched)
      CHECK(matcher.may_match(m));
  }
  std::vector<LogSignature> leading_number{{"n", "{N} records lost", "sum", "", "", ""}};
  CHECK(SignatureMatcher(leading_number).may_match("nothing alike"));
}

TEST_CASE("SignatureMatcher: anchored matching finds what matching every signature finds",
          "[parse][kernel_log]") {
  SignatureMatcher matcher(knowledge().signatures);
  REQUIRE_FALSE(matcher.anchors().empty());
  for (const auto& anchor : matcher.anchors())
    CHECK(anchor.size() == 4);
  const char* messages[] = {
      "audit: error in audit_log_subj_ctx",
      "audit_panic: 62 callbacks suppressed",
      "audit: audit_backlog=8193 > audit_backlog_limit=8192",
      "audit: audit_lost=12 audit_rate_limit=0 audit_backlog_limit=64",
      "kauditd_printk_skb: 7 callbacks suppressed",
      "LSM: initializing lsm=capability,landlock,yama,bpf,apparmor",
      "Linux version 6.18.2 (nixbld@localhost) #1-NixOS SMP",
      "audit: error in audit_log_subj_ctx audit: error in audit_log_obj_ctx",
      "audit_panic: x callbacks suppressed audit_panic: 5 callbacks suppressed",
      "audit: type=1400 audit(1766481330.040:140): apparmor=\"DENIED\"",
      "usb 1-1: new high-speed USB device",
      "audi",
      "",
  };
  for (const char* text : messages) {
    std::vector<SignatureMatcher::Match> slow;
    matcher.match(text, [&](const SignatureMatcher::Match& m) { slow.push_back(m); });
    std::vector<SignatureMatcher::Match> fast;
    matcher.match_anchored(text, fast);
    auto key = [](const std::vector<SignatureMatcher::Match>& v) {
      std::vector<std::pair<std::size_t, std::uint64_t>> out;
      for (const auto& m : v)
        out.emplace_back(m.index, m.number.value_or(UINT64_MAX));
      std::sort(out.begin(), out.end());
      return out;
    };
    INFO(text);
    CHECK(key(slow) == key(fast));
  }
}

TEST_CASE("KernelLogScanner: blocks give the same summary as lines", "[parse][kernel_log]") {
  std::string text = "[    1.000000] Linux version 6.18.2 (nixbld@localhost)\n"
                     "[    2.000000] audit: error in audit_log_subj_ctx\n"
                     " SUBSYSTEM=usb\n"
                     "Dec 23 09:14:51 host systemd[1]: audit: error in audit_log_subj_ctx\n"
                     "Dec 23 09:14:52 host kernel: audit_panic: 40 callbacks suppressed\n"
                     "6,99,3000000,-;audit: error in audit_log_subj_ctx\n"
                     "\n"
                     // Repeated messages (the block scan caches their
                     // matches): another number of the same length, the same
                     // message in another format and after another program's.
                     "[    4.000000] audit_panic: 3 callbacks suppressed\n"
                     "Dec 23 09:14:53 host systemd[1]: audit: error in audit_log_subj_ctx\n"
                     "Dec 23 09:14:54 host kernel: audit: error in audit_log_subj_ctx\n"
                     "[    5.000000] audit: error in audit_log_subj_ctx\n"
                     "[    6.000000] audit_panic: 2 callbacks suppressed";
  KernelLogScanner by_line(knowledge(), "dmesg.txt");
  std::size_t n = 0;
  std::string_view rest = text;
  while (!rest.empty()) {
    auto nl = rest.find('\n');
    by_line.add(++n, rest.substr(0, nl));
    rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
  }
  KernelLogScanner by_block(knowledge(), "dmesg.txt");
  std::size_t m = 0;
  by_block.add_block(text, m);
  KernelLog a = std::move(by_line).finish();
  KernelLog b = std::move(by_block).finish();
  CHECK(m == n);
  CHECK(a.lines == b.lines);
  CHECK(a.lines == 9);
  REQUIRE(a.signatures.size() == b.signatures.size());
  for (const auto& [id, stats] : a.signatures) {
    INFO(id);
    const SignatureStats& other = b.signatures.at(id);
    CHECK(stats.matches == other.matches);
    CHECK(stats.total == other.total);
    CHECK(stats.first.line == other.first.line);
    CHECK(stats.last.line == other.last.line);
    CHECK(stats.last.message == other.last.message);
    CHECK(stats.last.timestamp == other.last.timestamp);
  }
  CHECK(b.signatures.at("subj-ctx-error").matches == 4);
  CHECK(b.signatures.at("subj-ctx-error").last.seconds == Approx(5.0));
  CHECK(b.signatures.at("audit-panic-suppressed").matches == 3);
  CHECK(b.signatures.at("audit-panic-suppressed").total == 45);
}

TEST_CASE("KernelLogScanner: blocks equal lines with many anchors or an unanchored signature",
          "[parse][kernel_log]") {
  // Twelve signatures with twelve anchors (more than the vector search
  // takes: the portable search), then one too short for an anchor.
  Knowledge many;
  const char* words[] = {"qwer", "tyui", "opas", "dfgh", "jklz", "xcvb",
                         "nmQW", "ERTY", "UIOP", "ASDF", "GHJK", "LZXC"};
  for (const char* word : words)
    many.signatures.push_back(
        {std::string("sig-") + word, std::string(word) + " {N} events", "sum", "", "", ""});
  Knowledge unanchored = many;
  unanchored.signatures.push_back({"short", "ab{N}", "max", "", "", ""});
  // Lines of every length around the 64-byte windows, the words at every
  // offset, repeated (cached) and not, some cut short or in another format.
  std::string text;
  for (int i = 0; i < 400; ++i) {
    std::string message = std::string(static_cast<std::size_t>(i % 71), '.') + words[i % 12] + " " +
                          std::to_string(i % 5) + " events";
    if (i % 7 == 0)
      message += " ab" + std::to_string(i);
    if (i % 11 == 0)
      message = message.substr(0, message.size() / 2);
    if (i % 13 == 0)
      text += "Dec 23 09:14:51 host systemd[1]: " + message + "\n";
    else
      text += "[" + std::to_string(i) + ".000000] " + message + (i % 17 == 0 ? "\r\n" : "\n");
  }
  text += "[  9.000000] qwer 9 events"; // no newline
  for (const Knowledge* k : {&many, &unanchored}) {
    KernelLogScanner by_line(*k, "dmesg.txt");
    std::size_t n = 0;
    std::string_view rest = text;
    while (!rest.empty()) {
      auto nl = rest.find('\n');
      by_line.add(++n, rest.substr(0, nl));
      rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
    }
    KernelLogScanner by_block(*k, "dmesg.txt");
    std::size_t m = 0;
    by_block.add_block(text, m);
    KernelLog a = std::move(by_line).finish();
    KernelLog b = std::move(by_block).finish();
    CHECK(m == n);
    CHECK(a.lines == b.lines);
    CHECK(a.signatures.size() >= 12);
    REQUIRE(a.signatures.size() == b.signatures.size());
    for (const auto& [id, stats] : a.signatures) {
      INFO(id);
      const SignatureStats& other = b.signatures.at(id);
      CHECK(stats.matches == other.matches);
      CHECK(stats.total == other.total);
      CHECK(stats.first.line == other.first.line);
      CHECK(stats.last.line == other.last.line);
      CHECK(stats.last.message == other.last.message);
    }
  }
}

TEST_CASE("SignatureMatcher::classify marks what the portable search marks",
          "[parse][kernel_log]") {
  SignatureMatcher matcher(knowledge().signatures);
  REQUIRE(matcher.anchors().size() <= 8);
  // Anchors, their first and last bytes, newlines and others, at every offset.
  std::string text;
  const char* pieces[] = {"audit", "audi", "a  i", "\n", "lsm=", "Linux", "x", "l  =", "L\nnu"};
  for (unsigned i = 0; text.size() < 64 * 40; ++i)
    text += pieces[(i * 7 + i / 9) % std::size(pieces)];
  const std::size_t windows = (text.size() - 3) / 64;
  std::vector<std::uint64_t> newlines(windows), candidates(windows);
  std::vector<std::uint64_t> portable_newlines(windows), portable_candidates(windows);
  matcher.classify(text.data(), windows, newlines.data(), candidates.data());
  matcher.classify_portable(text.data(), windows, portable_newlines.data(),
                            portable_candidates.data());
  CHECK(newlines == portable_newlines);
  std::size_t anchors = 0;
  for (std::size_t at = 0; at < windows * 64; ++at) {
    INFO(at);
    bool anchor = matcher.is_anchor(text.data() + at);
    anchors += anchor;
    CHECK((newlines[at / 64] >> (at % 64) & 1) == (text[at] == '\n'));
    if (anchor) {
      CHECK((candidates[at / 64] >> (at % 64) & 1) == 1);
      CHECK((portable_candidates[at / 64] >> (at % 64) & 1) == 1);
    }
  }
  CHECK(anchors > 100);
}

TEST_CASE("scan_kernel_log_file: lines longer than a read block", "[parse][kernel_log]") {
  lsmdoctor::test::TempDir dir;
  std::string text = "[    1.0] audit: error in audit_log_subj_ctx\n";
  text += std::string(std::size_t{3} << 20, 'x') + "audit: error in audit_log_subj_ctx\n";
  for (int i = 0; i < 20000; ++i)
    text += "[    2.0] usb 1-1: new high-speed USB device number 3 using xhci_hcd\n";
  text += "[    3.0] audit: error in audit_log_subj_ctx";
  auto log = scan_kernel_log_file(dir.write("dmesg.txt", text), knowledge());
  REQUIRE(log);
  CHECK(log->lines == 20003);
  CHECK(log->signatures.at("subj-ctx-error").matches == 2);
  CHECK(log->signatures.at("subj-ctx-error").last.line == 20003);
  REQUIRE(log->warnings.size() == 1);
  CHECK(log->warnings[0].find(":2: line longer than") != std::string::npos);
}
