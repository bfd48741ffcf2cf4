// The journal export format reader and writer: text and binary fields,
// entries across read boundaries, damage named with its offset.
#include "parse/journal_export.h"

#include <catch2/catch.hpp>
#include <cstring>

using namespace lsmdoctor;

namespace {

// Reads all entries of `text` in reads of `step` bytes; `error` gets the
// message of damage, if any.
std::vector<JournalExportEntry> read_all(const std::string& text, std::size_t step,
                                         std::string* error = nullptr,
                                         JournalExportLimits limits = {}) {
  std::size_t at = 0;
  JournalExportReader reader(
      [&](char* buf, std::size_t size) -> long {
        std::size_t n = std::min({size, step, text.size() - at});
        std::memcpy(buf, text.data() + at, n);
        at += n;
        return static_cast<long>(n);
      },
      "x.export", limits);
  std::vector<JournalExportEntry> out;
  JournalExportEntry entry;
  for (;;) {
    auto more = reader.next(entry);
    if (!more) {
      if (error)
        *error = more.error().message;
      break;
    }
    if (!*more)
      break;
    out.push_back(entry);
  }
  return out;
}

std::string binary(const std::string& name, const std::string& value) {
  std::string out = name + "\n";
  for (int i = 0; i < 8; ++i)
    out += static_cast<char>((value.size() >> (8 * i)) & 0xff);
  return out + value + "\n";
}

} // namespace

TEST_CASE("journal export: text and binary fields, any read size", "[parse][journal_export]") {
  std::string message("audit: a\nb \0 \xff", 14);
  std::string text = "__REALTIME_TIMESTAMP=1766000000000001\n_BOOT_ID=ab\n" +
                     binary("MESSAGE", message) + "_TRANSPORT=kernel\n\n\n" +
                     "__REALTIME_TIMESTAMP=2\nMESSAGE=second=with equals\n";
  for (std::size_t step : {std::size_t{1}, std::size_t{3}, std::size_t{7}, std::size_t{1} << 16}) {
    std::string error;
    auto entries = read_all(text, step, &error);
    INFO("read size " << step);
    CHECK(error.empty());
    REQUIRE(entries.size() == 2);
    REQUIRE(entries[0].fields.size() == 4);
    CHECK(*entries[0].find("MESSAGE") == message);
    CHECK(*entries[0].find("_TRANSPORT") == "kernel");
    CHECK(entries[0].has("_BOOT_ID", "ab"));
    CHECK_FALSE(entries[0].has("_BOOT_ID", "a"));
    CHECK(*entries[1].find("MESSAGE") == "second=with equals");
    CHECK(entries[1].find("_BOOT_ID") == nullptr);
  }
}

TEST_CASE("journal export: the writer round-trips, binary where needed",
          "[parse][journal_export]") {
  std::vector<std::pair<std::string, std::string>> fields{{"__REALTIME_TIMESTAMP", "5"},
                                                          {"MESSAGE", "plain text ünïcode"},
                                                          {"MESSAGE", std::string("nul\0byte", 8)},
                                                          {"SYSLOG_IDENTIFIER", "two\nlines"},
                                                          {"X", "\x1b[31mred"},
                                                          {"Y", "bad utf8 \xc3"},
                                                          {"Z", ""}};
  std::string text = format_journal_export_entry(fields);
  CHECK(text.find("MESSAGE=plain text ünïcode\n") != std::string::npos);
  CHECK(text.find("SYSLOG_IDENTIFIER\n") != std::string::npos); // binary form
  CHECK(text.find("Y\n") != std::string::npos);
  CHECK(text.find("Z=\n") != std::string::npos);
  CHECK(text.substr(text.size() - 2) == "\n\n");
  auto entries = read_all(text + text, 5);
  REQUIRE(entries.size() == 2);
  CHECK(entries[0].fields == fields);
  CHECK(entries[1].fields == fields);
}

TEST_CASE("journal export: damage is an error naming the offset", "[parse][journal_export]") {
  std::string good = "__REALTIME_TIMESTAMP=1\nMESSAGE=ok\n\n";
  std::string error;

  auto truncated = read_all(good + binary("MESSAGE", "0123456789").substr(0, 20), 4, &error);
  CHECK(truncated.size() == 1);
  CHECK(error.find("x.export: truncated in the value of field MESSAGE at byte 35") !=
        std::string::npos);

  std::string huge = "MESSAGE\n" + std::string("\xff\xff\xff\xff\xff\xff\xff\x7f", 8) + "x\n";
  read_all(good + huge, 64, &error);
  CHECK(error.find("declares 9223372036854775807 bytes") != std::string::npos);

  read_all(good + binary("MESSAGE", "abc").replace(19, 1, "X"), 64, &error);
  CHECK(error.find("no newline after its 3 bytes") != std::string::npos);

  read_all("lower=case\n\n", 64, &error);
  CHECK(error.find("not a journal field name at byte 0: 'lower'") != std::string::npos);

  read_all("1ABC=x\n", 64, &error);
  CHECK(error.find("not a journal field name") != std::string::npos);

  JournalExportLimits small;
  small.field_bytes = 16;
  small.entry_fields = 3;
  read_all("MESSAGE=" + std::string(100, 'a') + "\n", 8, &error, small);
  CHECK(error.find("longer than") != std::string::npos);
  read_all("A=1\nB=2\nC=3\nD=4\n\n", 8, &error, small);
  CHECK(error.find("more than 3 fields") != std::string::npos);
}

TEST_CASE("journal export: a last entry without its closing newlines", "[parse][journal_export]") {
  auto entries = read_all("A=1\n\nB=2", 2);
  REQUIRE(entries.size() == 2);
  CHECK(*entries[1].find("B") == "2");
  CHECK(read_all("", 4).empty());
  CHECK(read_all("\n\n\n", 4).empty());
}

TEST_CASE("valid_journal_field_name", "[parse][journal_export]") {
  CHECK(valid_journal_field_name("MESSAGE"));
  CHECK(valid_journal_field_name("__REALTIME_TIMESTAMP"));
  CHECK(valid_journal_field_name("_BOOT_ID"));
  CHECK_FALSE(valid_journal_field_name(""));
  CHECK_FALSE(valid_journal_field_name("Message"));
  CHECK_FALSE(valid_journal_field_name("9LIVES"));
  CHECK_FALSE(valid_journal_field_name(std::string(65, 'A')));
}
