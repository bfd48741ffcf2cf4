#include "parse/lsm_list.h"

#include <catch2/catch.hpp>

using namespace lsmdoctor;
using Names = std::vector<std::string>;

TEST_CASE("parse_lsm_list splits on commas", "[parse][lsm_list]") {
  auto list = parse_lsm_list("capability,landlock,yama,bpf,apparmor");
  CHECK(list.names == Names{"capability", "landlock", "yama", "bpf", "apparmor"});
  CHECK(list.problems.empty());
}

TEST_CASE("parse_lsm_list trims white space and the trailing newline", "[parse][lsm_list]") {
  CHECK(parse_lsm_list("capability,landlock,yama\n").names ==
        Names{"capability", "landlock", "yama"});
  CHECK(parse_lsm_list(" landlock , yama,\tbpf ").names == Names{"landlock", "yama", "bpf"});
}

TEST_CASE("parse_lsm_list skips empty entries", "[parse][lsm_list]") {
  auto list = parse_lsm_list(",landlock,,yama,");
  CHECK(list.names == Names{"landlock", "yama"});
  CHECK(list.problems.empty());
  CHECK(parse_lsm_list("").names.empty());
  CHECK(parse_lsm_list("\n").names.empty());
  CHECK(parse_lsm_list(",,,").problems.empty());
}

TEST_CASE("parse_lsm_list keeps duplicates in order", "[parse][lsm_list]") {
  CHECK(parse_lsm_list("bpf,apparmor,bpf").names == Names{"bpf", "apparmor", "bpf"});
}

TEST_CASE("parse_lsm_list reports entries that are not module names", "[parse][lsm_list]") {
  auto list = parse_lsm_list("landlock,AppArmor,x;rm -rf,safe_set-id2,$(id)");
  CHECK(list.names == Names{"landlock", "safe_set-id2"});
  CHECK(list.problems == Names{"AppArmor", "x;rm -rf", "$(id)"});

  std::string long_name(100, 'a');
  auto too_long = parse_lsm_list(long_name);
  CHECK(too_long.names.empty());
  REQUIRE(too_long.problems.size() == 1);
  CHECK(too_long.problems[0].size() == 64); // reported, but cut
}

TEST_CASE("join_lsm_list is the inverse of parse_lsm_list", "[parse][lsm_list]") {
  Names names{"landlock", "yama", "apparmor", "bpf"};
  CHECK(join_lsm_list(names) == "landlock,yama,apparmor,bpf");
  CHECK(parse_lsm_list(join_lsm_list(names)).names == names);
  CHECK(join_lsm_list({}) == "");
}
