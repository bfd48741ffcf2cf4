#include "render/json_writer.h"

#include <catch2/catch.hpp>
#include <limits>

using namespace lsmdoctor;

TEST_CASE("JsonWriter: nested objects and arrays, compact", "[render][json]") {
  JsonWriter json(0);
  json.begin_object();
  json.field("schema_version", 1);
  json.field("name", "lsm-doctor");
  json.key("findings").begin_array();
  json.begin_object().field("id", "lsm.order.bpf-before-secctx").field("ok", false);
  json.key("evidence").begin_array().begin_object().end_object().end_array();
  json.end_object();
  json.value("text").value(true).null();
  json.begin_array().end_array();
  json.end_array();
  json.field("missing", std::optional<std::string>());
  json.field("present", std::optional<std::string>("x"));
  json.string_array("order", {"landlock", "apparmor"});
  json.string_array("none", {});
  json.key("empty").begin_object().end_object();
  json.end_object();
  CHECK(json.str() == R"({"schema_version":1,"name":"lsm-doctor","findings":[{"id":)"
                      R"("lsm.order.bpf-before-secctx","ok":false,"evidence":[{}]},"text",true,)"
                      R"(null,[]],"missing":null,"present":"x","order":["landlock","apparmor"],)"
                      R"("none":[],"empty":{}})");
}

TEST_CASE("JsonWriter: indentation", "[render][json]") {
  JsonWriter json(2);
  json.begin_object();
  json.field("a", 1);
  json.key("b").begin_array().value("x").begin_object().field("c", true).end_object().end_array();
  json.key("d").begin_object().end_object();
  json.end_object();
  CHECK(json.str() == "{\n"
                      "  \"a\": 1,\n"
                      "  \"b\": [\n"
                      "    \"x\",\n"
                      "    {\n"
                      "      \"c\": true\n"
                      "    }\n"
                      "  ],\n"
                      "  \"d\": {}\n"
                      "}\n");
}

TEST_CASE("JsonWriter: numbers", "[render][json]") {
  JsonWriter json(0);
  json.begin_array();
  json.value(std::numeric_limits<std::uint64_t>::max());
  json.value(std::numeric_limits<std::int64_t>::min());
  json.value(0.5);
  json.value(std::numeric_limits<double>::quiet_NaN());
  json.value(std::numeric_limits<double>::infinity());
  json.value(-3);
  json.end_array();
  CHECK(json.str() == "[18446744073709551615,-9223372036854775808,0.5,null,null,-3]");
}

TEST_CASE("JsonWriter: hostile keys and values stay inside their strings", "[render][json]") {
  JsonWriter json(0);
  json.begin_object();
  json.field("k\"}", "v\n\x01\xFF");
  json.end_object();
  CHECK(json.str() == "{\"k\\\"}\":\"v\\n\\u0001\xEF\xBF\xBD\"}");
}
