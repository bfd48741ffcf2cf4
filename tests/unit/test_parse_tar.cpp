#include "parse/manifest.h"
#include "parse/tar.h"

#include <catch2/catch.hpp>
#include <cstring>

using namespace lsmdoctor;

namespace {

// A TarReader over an in-memory archive.
TarReader reader_over(const std::string& archive, std::size_t& at) {
  return TarReader(
      [&archive, &at](char* buf, std::size_t size) -> long {
        std::size_t n = std::min(size, archive.size() - at);
        std::memcpy(buf, archive.data() + at, n);
        at += n;
        return static_cast<long>(n);
      },
      "test.tar");
}

} // namespace

TEST_CASE("tar: what the writer writes the reader reads back", "[parse][tar]") {
  TarWriter writer;
  REQUIRE(writer.add_directory(".lsm-doctor"));
  REQUIRE(writer.add_file(".lsm-doctor/audit_status", "enabled 1\n"));
  std::string deep = std::string(120, 'd') + "/" + std::string(90, 'f');
  REQUIRE(writer.add_file(deep, std::string(1000, 'x')));
  REQUIRE(writer.add_file("empty", ""));
  std::string archive = std::move(writer).finish();
  CHECK(archive.size() % kTarBlock == 0);

  std::size_t at = 0;
  TarReader reader = reader_over(archive, at);
  auto dir = reader.next();
  REQUIRE(dir);
  REQUIRE(dir->has_value());
  CHECK((*dir)->type == '5');
  CHECK((*dir)->path == ".lsm-doctor/");
  auto file = reader.next();
  REQUIRE((file && file->has_value()));
  CHECK((*file)->path == ".lsm-doctor/audit_status");
  std::string data;
  REQUIRE(reader.read_data([&](std::string_view chunk) { data.append(chunk); }, 1 << 20));
  CHECK(data == "enabled 1\n");
  auto long_name = reader.next(); // data not read: next() skips it
  REQUIRE((long_name && long_name->has_value()));
  CHECK((*long_name)->path == deep);
  CHECK((*long_name)->size == 1000);
  auto too_big = reader.read_data([](std::string_view) {}, 999);
  REQUIRE_FALSE(too_big);
  CHECK_THAT(too_big.error().message, Catch::Contains("larger than the limit"));
  auto empty = reader.next();
  REQUIRE((empty && empty->has_value()));
  CHECK((*empty)->size == 0);
  auto end = reader.next();
  REQUIRE(end);
  CHECK_FALSE(end->has_value());
}

TEST_CASE("tar: the writer refuses paths a safe reader would refuse", "[parse][tar]") {
  TarWriter writer;
  CHECK_FALSE(writer.add_file("/etc/passwd", "x"));
  CHECK_FALSE(writer.add_file("a/../../b", "x"));
  CHECK_FALSE(writer.add_file(std::string(300, 'a'), "x"));
}

TEST_CASE("tar: unsafe member paths", "[parse][tar]") {
  CHECK(unsafe_member_path("/etc/shadow") == std::optional<std::string>("absolute path"));
  CHECK(unsafe_member_path("a/../../etc") == std::optional<std::string>("contains '..'"));
  CHECK(unsafe_member_path("..") == std::optional<std::string>("contains '..'"));
  CHECK(unsafe_member_path("") == std::optional<std::string>("empty path"));
  CHECK(unsafe_member_path("./") == std::optional<std::string>("names no file"));
  CHECK_FALSE(unsafe_member_path("./proc/cmdline").has_value());
  CHECK_FALSE(unsafe_member_path("a..b/c..").has_value());
}

TEST_CASE("tar: corrupt and truncated archives are errors naming the file", "[parse][tar]") {
  TarWriter writer;
  REQUIRE(writer.add_file("proc/cmdline", "lsm=bpf\n"));
  std::string archive = std::move(writer).finish();

  std::string corrupt = archive;
  corrupt[0] = 'q'; // the checksum no longer matches
  std::size_t at = 0;
  TarReader bad = reader_over(corrupt, at);
  auto header = bad.next();
  REQUIRE_FALSE(header);
  CHECK_THAT(header.error().message, Catch::StartsWith("test.tar: bad header checksum"));

  std::string cut = archive.substr(0, 515); // the header and 3 of 8 data bytes
  at = 0;
  TarReader truncated = reader_over(cut, at);
  REQUIRE(truncated.next());
  auto data = truncated.read_data([](std::string_view) {}, 1 << 20);
  REQUIRE_FALSE(data);
  CHECK_THAT(data.error().message, Catch::Contains("truncated"));
}

TEST_CASE("manifest: render and parse agree", "[parse][manifest]") {
  SnapshotManifest m;
  m.tool = "lsm-doctor 0.1.0";
  m.created = "2026-11-23T18:00:00Z";
  m.host = "host-1";
  m.redacted = true;
  m.captured = {{"proc/cmdline", "/proc/cmdline"}};
  m.missing = {{"/dev/kmsg", "permission denied 'quoted' \"twice\"\n"}};
  auto back = parse_manifest(render_manifest(m), "manifest.toml");
  REQUIRE(back);
  CHECK(back->tool == m.tool);
  CHECK(back->host == "host-1");
  CHECK(back->redacted);
  REQUIRE(back->captured.size() == 1);
  CHECK(back->captured[0].detail == "/proc/cmdline");
  REQUIRE(back->missing.size() == 1);
  CHECK(back->missing[0].detail == m.missing[0].detail);

  auto wrong = parse_manifest("host = 3\n", "m.toml");
  REQUIRE_FALSE(wrong);
  CHECK_THAT(wrong.error().message, Catch::Contains("m.toml"));
  auto broken = parse_manifest("missing = [ { input = 'x' } ]\n", "m.toml");
  REQUIRE_FALSE(broken);
  auto syntax = parse_manifest("= =\n", "m.toml");
  REQUIRE_FALSE(syntax);
  CHECK_THAT(syntax.error().message, Catch::StartsWith("m.toml:1:"));
}
