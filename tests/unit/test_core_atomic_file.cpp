#include "core/atomic_file.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

using namespace lsmdoctor;

namespace {

std::string make_temp_dir() {
  std::string pattern = "/tmp/lsmd-atomic-XXXXXX";
  REQUIRE(::mkdtemp(pattern.data()) != nullptr);
  return pattern;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

} // namespace

TEST_CASE("write_file_atomically creates and replaces a regular file", "[core][atomic]") {
  std::string dir = make_temp_dir();
  std::string path = dir + "/out.nix";
  REQUIRE(write_file_atomically(path, "first\n"));
  CHECK(slurp(path) == "first\n");
  REQUIRE(write_file_atomically(path, "second\n"));
  CHECK(slurp(path) == "second\n");
  ::unlink(path.c_str());
  ::rmdir(dir.c_str());
}

TEST_CASE("write_file_atomically refuses to write through a symbolic link", "[core][atomic]") {
  std::string dir = make_temp_dir();
  std::string target = dir + "/target";
  std::string link = dir + "/link";
  REQUIRE(write_file_atomically(target, "keep\n"));
  REQUIRE(::symlink(target.c_str(), link.c_str()) == 0);
  auto result = write_file_atomically(link, "evil\n");
  REQUIRE_FALSE(result);
  CHECK(result.error().message.find(link) != std::string::npos);
  CHECK(slurp(target) == "keep\n");
  ::unlink(link.c_str());
  ::unlink(target.c_str());
  ::rmdir(dir.c_str());
}

TEST_CASE("write_file_atomically names the path when the directory is missing", "[core][atomic]") {
  auto result = write_file_atomically("/nonexistent-lsmd-dir/out", "x");
  REQUIRE_FALSE(result);
  CHECK(result.error().message.find("/nonexistent-lsmd-dir/out") != std::string::npos);
}
