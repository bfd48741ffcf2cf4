// sd-journal access on real journal files made by systemd-journal-remote from
// export text: opening, matching, boot selection and damaged files.
#include "sources/collect.h"
#include "sources/journal.h"
#include "sources/journal_kernel.h"
#include "sources/unit_journal.h"
#include "test_support.h"

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <fstream>
#include <sys/wait.h>

using namespace lsmdoctor;
namespace fs = std::filesystem;

namespace {

constexpr const char* kJournalRemote = "/lib/systemd/systemd-journal-remote";
constexpr std::uint64_t kStart = 1766000000000000; // 2025-12-17

std::string entry(std::uint64_t realtime, std::uint64_t monotonic, const std::string& boot,
                  const std::string& transport, const std::string& message,
                  const std::string& extra = "") {
  return fmt::format("__REALTIME_TIMESTAMP={}\n__MONOTONIC_TIMESTAMP={}\n_BOOT_ID={}\n"
                     "_TRANSPORT={}\n{}MESSAGE={}\n\n",
                     realtime, monotonic, boot, transport, extra, message);
}

std::string boot_id(int n) {
  return fmt::format("{:032x}", 0xb00700000000ULL + static_cast<unsigned>(n));
}

// Three boots a day apart: 6.17.9 clean, 6.17.9 clean, 6.18.2 with `errors`
// subject context errors; each with a user-space line that must not count.
std::string three_boots(int errors) {
  std::string out;
  for (int b = 0; b < 3; ++b) {
    std::uint64_t start = kStart + static_cast<std::uint64_t>(b) * 86400000000ULL;
    std::string id = boot_id(b);
    out += entry(start, 1000, id, "kernel",
                 std::string("Linux version ") + (b < 2 ? "6.17.9" : "6.18.2") +
                     " (nixbld@localhost)");
    out += entry(start + 10, 1010, id, "stdout", "audit: error in audit_log_subj_ctx",
                 "_SYSTEMD_UNIT=fake.service\n");
    for (int i = 0; b == 2 && i < errors; ++i)
      out +=
          entry(start + 100 + static_cast<std::uint64_t>(i), 1100 + static_cast<std::uint64_t>(i),
                id, "kernel", "audit: error in audit_log_subj_ctx");
    out += entry(start + 5000, 6000, id, "kernel", "usb 1-1: new high-speed USB device number 2");
  }
  return out;
}

struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "lsmd-journal-test-XXXXXX").string();
    path = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

// Writes `export_text` and converts it to the journal file NAME, with
// `env` ("VAR=value ...") in journal-remote's environment and `args` on its
// command line; empty when
// journal-remote is missing.
std::string make_journal(const TempDir& dir, const std::string& export_text,
                         const std::string& env = "", const std::string& name = "x.journal",
                         const std::string& args = "") {
  if (!fs::exists(kJournalRemote))
    return {};
  fs::path input = dir.path / (name + ".export");
  std::ofstream(input, std::ios::binary) << export_text;
  fs::path out = dir.path / name;
  std::string cmd = fmt::format("env {} {} {} --output={} {} 2>/dev/null", env, kJournalRemote,
                                args, out.string(), input.string());
  int rc = std::system(cmd.c_str());
  REQUIRE(WIFEXITED(rc));
  REQUIRE(WEXITSTATUS(rc) == 0);
  return out.string();
}

// Chooses the reader of journal files for its lifetime (the test hook the
// doctor documents), then restores the default.
class ReaderScope {
public:
  explicit ReaderScope(const char* reader) {
    if (reader != nullptr)
      ::setenv("LSMD_JOURNAL_READER", reader, 1);
    else
      ::unsetenv("LSMD_JOURNAL_READER");
  }
  ReaderScope(const ReaderScope&) = delete;
  ReaderScope& operator=(const ReaderScope&) = delete;
  ~ReaderScope() { ::unsetenv("LSMD_JOURNAL_READER"); }
};

GatherOptions files(const std::string& path) {
  GatherOptions o;
  o.root = "/nonexistent-root";
  o.journal_files = {path};
  return o;
}

} // namespace

TEST_CASE("kernel_release_from_banner", "[sources][journal]") {
  CHECK(kernel_release_from_banner("Linux version 6.18.2-arch1-1 (linux@archlinux) (gcc)") ==
        "6.18.2-arch1-1");
  CHECK(kernel_release_from_banner("Linux version 6.17.9") == "6.17.9");
  CHECK(kernel_release_from_banner("Linux version ") == "");
  CHECK(kernel_release_from_banner("no banner here").empty());
}

TEST_CASE("Journal::open says why nothing could be opened", "[sources][journal]") {
  TempDir dir;
  auto missing = Journal::open(files((dir.path / "nope.journal").string()));
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message.find("nope.journal") != std::string::npos);

  fs::path text = dir.path / "text.journal";
  std::ofstream(text) << "not a journal, just text that is long enough to hold a header......."
                         "...................................................................."
                         "....................................................................\n";
  auto not_journal = Journal::open(files(text.string()));
  REQUIRE_FALSE(not_journal);
  CHECK(not_journal.error().message.find("not a journal file") != std::string::npos);

  GatherOptions under_root;
  under_root.root = dir.path.string();
  auto no_dir = Journal::open(under_root);
  REQUIRE_FALSE(no_dir);
  CHECK(no_dir.error().message.find("/var/log/journal: not present") != std::string::npos);

  fs::create_directories(dir.path / "var/log/journal");
  auto empty_dir = Journal::open(under_root);
  REQUIRE_FALSE(empty_dir);
  CHECK(empty_dir.error().message.find("no journal files") != std::string::npos);
}

TEST_CASE("Journal::for_each_entry streams matching entries", "[sources][journal]") {
  TempDir dir;
  std::string path = make_journal(dir, three_boots(5));
  if (path.empty()) {
    WARN("systemd-journal-remote is not installed: skipped");
    return;
  }
  auto journal = Journal::open(files(path));
  REQUIRE(journal);
  std::uint64_t kernel = 0;
  std::uint64_t errors = 0;
  auto n = journal->for_each_entry({"_TRANSPORT=kernel"}, [&](const JournalEntry& e) {
    ++kernel;
    CHECK(e.boot_id.size() == 32);
    CHECK(e.realtime_usec >= kStart);
    errors += e.message == "audit: error in audit_log_subj_ctx";
    return true;
  });
  REQUIRE(n);
  CHECK(*n == 11);
  CHECK(kernel == 11);
  CHECK(errors == 5);

  std::vector<std::string> unit_lines;
  REQUIRE(journal->for_each_entry({"_SYSTEMD_UNIT=fake.service"}, [&](const JournalEntry& e) {
    unit_lines.emplace_back(e.message);
    return unit_lines.size() < 2; // stop early
  }));
  CHECK(unit_lines.size() == 2);

  std::uint64_t in_boot = 0;
  REQUIRE(journal->for_each_entry({"_TRANSPORT=kernel", "_BOOT_ID=" + boot_id(0)},
                                  [&](const JournalEntry&) { return ++in_boot, true; }));
  CHECK(in_boot == 2);
  CHECK(journal->warnings().empty());
}

TEST_CASE("scan_journal_kernel: boots, kernels and counts", "[sources][journal]") {
  TempDir dir;
  std::string path = make_journal(dir, three_boots(7));
  if (path.empty()) {
    WARN("systemd-journal-remote is not installed: skipped");
    return;
  }
  auto journal = Journal::open(files(path));
  REQUIRE(journal);
  JournalScanOptions options;
  auto current = scan_journal_kernel(*journal, test::knowledge(), options);
  REQUIRE(current);
  CHECK(current->boots_in_journal == 3);
  REQUIRE(current->boots.size() == 1);
  CHECK(current->boots[0].boot_id == boot_id(2));
  CHECK(current->boots[0].kernel == "6.18.2");
  CHECK(current->boots[0].kernel_messages == 9);
  CHECK(current->boots[0].audit_errors() == 7);
  CHECK(current->boots[0].signatures.at("subj-ctx-error").first_usec ==
        kStart + 2 * 86400000000ULL + 100);

  options.boots = 10;
  auto all = scan_journal_kernel(*journal, test::knowledge(), options);
  REQUIRE(all);
  REQUIRE(all->boots.size() == 3);
  CHECK(all->boots[0].kernel == "6.17.9");
  CHECK(all->boots[0].audit_errors() == 0); // the user-space copy is not a kernel message
  CHECK(all->boots[2].audit_errors() == 7);

  options.boots = 1;
  options.since_usec = kStart + 86400000000ULL; // the second boot onwards
  auto since = scan_journal_kernel(*journal, test::knowledge(), options);
  REQUIRE(since);
  REQUIRE(since->boots.size() == 2);
  CHECK(since->boots[0].boot_id == boot_id(1));

  KernelLog log = kernel_log_of_boot(all->boots[2], "x.journal (boot b)");
  CHECK(log.count("subj-ctx-error") == 7);
  CHECK(log.lines == 9);
  CHECK(log.find("subj-ctx-error")->first.timestamp == "0.001100");
}

TEST_CASE("A journal with a damaged or cut tail is read up to the damage", "[sources][journal]") {
  // Both readers of journal files: the project's own and sd-journal.
  const char* reader = GENERATE(static_cast<const char*>(nullptr), "sd-journal");
  INFO("reader " << (reader != nullptr ? reader : "own"));
  ReaderScope scope(reader);
  TempDir dir;
  std::string errors_export = three_boots(3000);
  std::string path = make_journal(dir, errors_export);
  if (path.empty()) {
    WARN("systemd-journal-remote is not installed: skipped");
    return;
  }
  auto whole = Journal::open(files(path));
  REQUIRE(whole);
  JournalScanOptions options;
  options.boots = 10;
  auto full = scan_journal_kernel(*whole, test::knowledge(), options);
  REQUIRE(full);
  std::uint64_t all_errors = full->boots.back().audit_errors();
  CHECK(all_errors == 3000);

  // Where the entries end: the header's tail object (offset 136).
  std::uint64_t tail = 0;
  {
    std::ifstream in(path, std::ios::binary);
    in.seekg(136);
    unsigned char raw[8];
    in.read(reinterpret_cast<char*>(raw), 8);
    for (int i = 7; i >= 0; --i)
      tail = (tail << 8) | raw[i];
  }
  REQUIRE(tail > 200000);

  SECTION("garbled before the last object") {
    fs::path garbled = dir.path / "garbled.journal";
    fs::copy_file(path, garbled);
    {
      std::fstream f(garbled, std::ios::in | std::ios::out | std::ios::binary);
      f.seekp(static_cast<std::streamoff>(tail - 60000));
      std::string junk(60000, '\0');
      for (std::size_t i = 0; i < junk.size(); ++i)
        junk[i] = static_cast<char>((i * 2654435761U) >> 13);
      f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
    }
    auto journal = Journal::open(files(garbled.string()));
    REQUIRE(journal);
    auto history = scan_journal_kernel(*journal, test::knowledge(), options);
    REQUIRE(history);
    REQUIRE_FALSE(history->boots.empty());
    std::uint64_t read = history->boots.back().audit_errors();
    CHECK(read > 0);
    CHECK(read < all_errors);
    REQUIRE_FALSE(journal->warnings().empty());
    CHECK(journal->warnings().front().find("read up to the damage") != std::string::npos);
  }
  SECTION("cut short") {
    fs::path cut = dir.path / "cut.journal";
    fs::copy_file(path, cut);
    fs::resize_file(cut, tail - 40000);
    auto journal = Journal::open(files(cut.string()));
    REQUIRE(journal);
    REQUIRE_FALSE(journal->warnings().empty());
    CHECK(journal->warnings().front().find("truncated") != std::string::npos);
    auto history = scan_journal_kernel(*journal, test::knowledge(), options);
    REQUIRE(history);
    REQUIRE_FALSE(history->boots.empty());
    std::uint64_t read = history->boots.back().audit_errors();
    CHECK(read > 0);
    CHECK(read < all_errors);
  }
}

namespace {

std::string write_export(const TempDir& dir, const std::string& name, const std::string& text) {
  fs::path path = dir.path / name;
  std::ofstream(path, std::ios::binary) << text;
  return path.string();
}

// Everything of a history that a replay must reproduce (not the source).
std::string history_text(const JournalHistory& h) {
  std::string out = fmt::format("since={} running={}\n", h.since_usec, h.current_is_running);
  for (const auto& b : h.boots) {
    out += fmt::format("boot {} kernel={} {}..{} messages={}\n", b.boot_id, b.kernel, b.first_usec,
                       b.last_usec, b.kernel_messages);
    for (const auto& [id, s] : b.signatures)
      out += fmt::format("  {} {} {} {}..{} {}..{} [{}] [{}]\n", id, s.matches, s.total,
                         s.first_usec, s.last_usec, s.first_monotonic_usec, s.last_monotonic_usec,
                         s.first_message, s.last_message);
  }
  return out;
}

std::string units_text(const Fact<UnitStates>& units) {
  if (!units.is_known())
    return "unknown: " + units.reason();
  std::string out;
  for (const auto& u : units->units)
    out += fmt::format("{}: {}\n", u.id, fmt::join(u.messages, " | "));
  return out;
}

// Three boots with kernel errors, audit unit lines (one with a binary
// MESSAGE: a newline and an escape inside) and unrelated entries around them.
std::string boots_with_units() {
  std::string out;
  for (int b = 0; b < 3; ++b) {
    std::uint64_t start = kStart + static_cast<std::uint64_t>(b) * 86400000000ULL;
    std::string id = boot_id(b);
    out += entry(start - 50, 5, id, "driver", "systemd-journald started");
    out += entry(start, 1000, id, "kernel",
                 std::string("Linux version ") + (b < 2 ? "6.17.9" : "6.18.2") + " (nixbld@x)");
    for (int i = 0; b >= 1 && i < 4 * b; ++i)
      out +=
          entry(start + 100 + static_cast<std::uint64_t>(i), 1100 + static_cast<std::uint64_t>(i),
                id, "kernel", "audit: error in audit_log_subj_ctx");
    out += entry(start + 200, 1200, id, "kernel", "audit_panic: 17 callbacks suppressed");
    out +=
        entry(start + 300, 1300, id, "stdout", "Error sending to kernel: Operation not supported",
              "_SYSTEMD_UNIT=audit-rules-nixos.service\n");
    out += fmt::format("__REALTIME_TIMESTAMP={}\n__MONOTONIC_TIMESTAMP=1310\n_BOOT_ID={}\n"
                       "_TRANSPORT=journal\nUNIT=audit-rules-nixos.service\nMESSAGE\n",
                       start + 310, id);
    std::string failed = "audit-rules-nixos.service: Failed\n\x1b[0m with result 'exit-code'.";
    for (int i = 0; i < 8; ++i)
      out += static_cast<char>((failed.size() >> (8 * i)) & 0xff);
    out += failed + "\n\n";
    out += entry(start + 9000, 9000, id, "syslog", "session closed for user root");
  }
  return out;
}

} // namespace

TEST_CASE("An export file replays the history and unit lines of its journal file",
          "[sources][journal]") {
  TempDir dir;
  std::string text = boots_with_units();
  std::string journal_file = make_journal(dir, text);
  if (journal_file.empty()) {
    WARN("systemd-journal-remote is not installed: skipped");
    return;
  }
  std::string export_file = write_export(dir, "x.export", text);
  for (int boots : {1, 2, 10}) {
    for (std::uint64_t since : {std::uint64_t{0}, std::uint64_t{kStart + 86400000000ULL + 150}}) {
      JournalScanOptions options;
      options.boots = boots;
      options.since_usec = since;
      auto from_file = Journal::open(files(journal_file));
      auto from_export = Journal::open(files(export_file));
      REQUIRE(from_file);
      REQUIRE(from_export);
      CHECK(from_export->export_file() == export_file);
      CHECK(from_file->export_file().empty());
      auto a = scan_journal_kernel(*from_file, test::knowledge(), options);
      auto b = scan_journal_kernel(*from_export, test::knowledge(), options);
      REQUIRE(a);
      REQUIRE(b);
      INFO("boots " << boots << " since " << since);
      CHECK(history_text(*a) == history_text(*b));
      CHECK(a->boots_in_journal == b->boots_in_journal);
      CHECK(from_export->warnings().empty());
    }
  }
  auto unknown = Fact<UnitStates>::unknown("no bus");
  std::vector<std::string> warnings;
  auto units_file = add_unit_journal(files(journal_file), unknown, warnings);
  auto units_export = add_unit_journal(files(export_file), unknown, warnings);
  REQUIRE(units_file.is_known());
  CHECK(units_text(units_file) == units_text(units_export));
  CHECK(units_text(units_file).find("Failed\n\x1b[0m with result") != std::string::npos);
  CHECK(warnings.empty());
}

TEST_CASE("capture_journal keeps what the doctor reads of the chosen boots", "[sources][journal]") {
  TempDir dir;
  std::string journal_file = make_journal(dir, boots_with_units());
  if (journal_file.empty()) {
    WARN("systemd-journal-remote is not installed: skipped");
    return;
  }
  GatherOptions options = files(journal_file);
  options.boots = 2;
  auto captured = capture_journal(options);
  REQUIRE(captured);
  CHECK(captured->boots == 2);
  CHECK(captured->text.find(boot_id(0)) == std::string::npos);       // outside --boots 2
  CHECK(captured->text.find("session closed") == std::string::npos); // not a field it reads
  CHECK(captured->text.find("systemd-journald started") == std::string::npos);
  std::string export_file = write_export(dir, "captured.export", captured->text);

  // The boots it holds replay as the journal file shows them, spans included.
  JournalScanOptions scan;
  scan.boots = 2;
  auto original = Journal::open(files(journal_file));
  auto replay = Journal::open(files(export_file));
  REQUIRE(original);
  REQUIRE(replay);
  auto a = scan_journal_kernel(*original, test::knowledge(), scan);
  auto b = scan_journal_kernel(*replay, test::knowledge(), scan);
  REQUIRE(a);
  REQUIRE(b);
  CHECK(history_text(*a) == history_text(*b));
  CHECK(b->boots_in_journal == 2);
  REQUIRE(b->boots.size() == 2);
  CHECK(b->boots[0].first_usec == kStart + 86400000000ULL - 50); // the journald line's time

  auto unknown = Fact<UnitStates>::unknown("no bus");
  std::vector<std::string> warnings;
  CHECK(units_text(add_unit_journal(files(journal_file), unknown, warnings)) ==
        units_text(add_unit_journal(files(export_file), unknown, warnings)));

  // --since: the entries before it stay out, the spans stay whole.
  options.since = "@1766086400"; // boot 1's kernel start (its journald line is 50 us earlier)
  options.boots = 10;
  auto since = capture_journal(options);
  REQUIRE(since);
  CHECK(since->boots == 2);
  CHECK(since->text.find("systemd-journald") == std::string::npos);
  std::string since_file = write_export(dir, "since.export", since->text);
  scan.boots = 10;
  scan.since_usec = 1766086400000000ULL;
  auto c = scan_journal_kernel(*original, test::knowledge(), scan);
  auto replay_since = Journal::open(files(since_file));
  REQUIRE(replay_since);
  auto d = scan_journal_kernel(*replay_since, test::knowledge(), scan);
  REQUIRE(c);
  REQUIRE(d);
  CHECK(history_text(*c) == history_text(*d));
}

namespace {

// Everything one reader makes of journal files: every entry in order, the
// histories for several boot windows, the unit lines and the warnings.
std::string read_everything(const GatherOptions& options, const char* reader) {
  ReaderScope scope(reader);
  auto journal = Journal::open(options);
  REQUIRE(journal);
  CHECK(journal->own_reader() == (reader == nullptr));
  std::string out;
  auto all = journal->for_each_entry({}, [&](const JournalEntry& e) {
    out += fmt::format("{} {} {} [{}] unit={}\n", e.realtime_usec, e.monotonic_usec, e.boot_id,
                       e.message, e.field("_SYSTEMD_UNIT"));
    return true;
  });
  REQUIRE(all);
  for (int boots : {1, 2, 10}) {
    JournalScanOptions scan;
    scan.boots = boots;
    auto history = scan_journal_kernel(*journal, test::knowledge(), scan);
    REQUIRE(history);
    out += history_text(*history);
  }
  auto range = journal->time_range({"_BOOT_ID=" + boot_id(1)});
  REQUIRE(range);
  REQUIRE(range->has_value());
  out += fmt::format("boot 1: {}..{}\n", (*range)->first, (*range)->second);
  // Two fields, and two values of one field: the walking path.
  for (const auto& matches :
       {std::vector<std::string>{"_BOOT_ID=" + boot_id(2), "_TRANSPORT=kernel"},
        std::vector<std::string>{"_BOOT_ID=" + boot_id(0), "_BOOT_ID=" + boot_id(1)}}) {
    auto walked = journal->time_range(matches);
    REQUIRE(walked);
    REQUIRE(walked->has_value());
    out +=
        fmt::format("{}: {}..{}\n", fmt::join(matches, ","), (*walked)->first, (*walked)->second);
  }
  std::vector<std::string> warnings;
  out += units_text(add_unit_journal(options, Fact<UnitStates>::unknown("no bus"), warnings));
  out += fmt::format("warnings: {}\n", fmt::join(journal->warnings(), " | "));
  return out;
}

// A kernel message long enough for journal-remote to compress (> 512 bytes).
std::string long_error() {
  return "audit: error in audit_log_subj_ctx " + std::string(1500, 'x');
}

std::uint32_t incompatible_flags(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  in.seekg(12);
  unsigned char raw[4] = {};
  in.read(reinterpret_cast<char*>(raw), 4);
  return raw[0] | (raw[1] << 8U) | (raw[2] << 16U) | (static_cast<std::uint32_t>(raw[3]) << 24U);
}

} // namespace

TEST_CASE("The journal file reader agrees with sd-journal", "[sources][journal]") {
  TempDir dir;
  std::string text = boots_with_units();
  text += entry(kStart + 2 * 86400000000ULL + 400, 1400, boot_id(2), "kernel", long_error());
  struct Variant {
    const char* env;
    const char* args;
    std::uint32_t must_have; // incompatible flags journal-remote sets for it
    std::uint32_t must_lack;
    bool compressed; // the long message is stored compressed
  };
  // Flags: 4 keyed hash, 8 zstd, 16 compact.
  for (const Variant& v :
       {Variant{"", "", 8 | 16, 0, true},
        Variant{"SYSTEMD_JOURNAL_COMPACT=0 SYSTEMD_JOURNAL_KEYED_HASH=0", "", 8, 4 | 16, true},
        Variant{"", "--compress=no", 16, 0, false}}) {
    INFO("journal-remote with " << v.env << " " << v.args);
    std::string path = make_journal(
        dir, text, v.env, fmt::format("v{}{}.journal", v.must_have, v.compressed), v.args);
    if (path.empty()) {
      WARN("systemd-journal-remote is not installed: skipped");
      return;
    }
    REQUIRE((incompatible_flags(path) & v.must_have) == v.must_have);
    REQUIRE((incompatible_flags(path) & v.must_lack) == 0);
    std::ifstream in(path, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    REQUIRE((bytes.find(std::string(1500, 'x')) == std::string::npos) == v.compressed);
    std::string own = read_everything(files(path), nullptr);
    CHECK(own == read_everything(files(path), "sd-journal"));
    CHECK(own.find("[" + long_error() + "]") != std::string::npos);
    CHECK(own.find("subj-ctx-error") != std::string::npos);
  }
}

TEST_CASE("The journal file reader interleaves several files as sd-journal does",
          "[sources][journal]") {
  TempDir dir;
  // Two writers: boots 0 and 2 in one file, boot 1 and a late part of boot
  // 2 in another, so the order comes from boot ids and clocks.
  std::string first;
  std::string second;
  for (int b = 0; b < 3; ++b) {
    std::uint64_t start = kStart + static_cast<std::uint64_t>(b) * 86400000000ULL;
    std::string& out = b == 1 ? second : first;
    out += entry(start, 1000, boot_id(b), "kernel", fmt::format("Linux version 6.18.{} (x)", b));
    for (int i = 0; i < 3 * b; ++i)
      out +=
          entry(start + 100 + static_cast<std::uint64_t>(i), 1100 + static_cast<std::uint64_t>(i),
                boot_id(b), "kernel", "audit: error in audit_log_subj_ctx");
  }
  second += entry(kStart + 2 * 86400000000ULL + 50, 1050, boot_id(2), "kernel",
                  "audit: error in audit_log_obj_ctx");
  std::string a = make_journal(dir, first, "", "a.journal");
  std::string b = make_journal(dir, second, "", "b.journal");
  if (a.empty()) {
    WARN("systemd-journal-remote is not installed: skipped");
    return;
  }
  GatherOptions both;
  both.root = "/nonexistent-root";
  both.journal_files = {a, b};
  std::string own = read_everything(both, nullptr);
  CHECK(own == read_everything(both, "sd-journal"));
  // The late part of boot 2 sits between its banner and its errors.
  CHECK(own.find("audit_log_obj_ctx") < own.find("6.18.2") + 200);
}

TEST_CASE("A journal file of a later format says what would read it", "[sources][journal]") {
  TempDir dir;
  std::string path = make_journal(dir, three_boots(1));
  if (path.empty()) {
    WARN("systemd-journal-remote is not installed: skipped");
    return;
  }
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(12);
    char flags = 0;
    f.get(flags);
    f.seekp(12);
    f.put(static_cast<char>(flags | 0x40)); // a feature of a later systemd
  }
  auto journal = Journal::open(files(path));
  REQUIRE_FALSE(journal);
  CHECK(journal.error().message.find("0x40") != std::string::npos);
  CHECK(journal.error().message.find("journalctl --file=FILE -o export") != std::string::npos);
}

TEST_CASE("A journal file being written goes to sd-journal", "[sources][journal]") {
  TempDir dir;
  std::string path = make_journal(dir, three_boots(4));
  if (path.empty()) {
    WARN("systemd-journal-remote is not installed: skipped");
    return;
  }
  auto offline = Journal::open(files(path));
  REQUIRE(offline);
  CHECK(offline->own_reader());
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(16);
    f.put(1); // STATE_ONLINE: journald has it open
  }
  // Marked online but open for writing nowhere (a copy): still the own
  // reader, when the test may take a lease (owner or CAP_LEASE).
  auto copied = Journal::open(files(path));
  REQUIRE(copied);
  CHECK(copied->own_reader());
  // Open for writing, as journald holds its system.journal: sd-journal.
  FILE* writer = std::fopen(path.c_str(), "r+b");
  REQUIRE(writer != nullptr);
  auto online = Journal::open(files(path));
  std::fclose(writer);
  REQUIRE(online);
  CHECK_FALSE(online->own_reader());
  JournalScanOptions options;
  auto history = scan_journal_kernel(*online, test::knowledge(), options);
  REQUIRE(history);
  REQUIRE(history->boots.size() == 1);
  CHECK(history->boots[0].audit_errors() == 4);
}
