// A small streaming JSON writer. Strings are made valid UTF-8 and escaped,
// so bytes read from a host can never break the document.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lsmdoctor {

class JsonWriter {
public:
  explicit JsonWriter(int indent = 2) : indent_(indent) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);
  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(const std::string& text) { return value(std::string_view(text)); }
  JsonWriter& value(bool flag);
  JsonWriter& value(std::int64_t number);
  JsonWriter& value(std::uint64_t number);
  JsonWriter& value(int number) { return value(static_cast<std::int64_t>(number)); }
  JsonWriter& value(double number);
  JsonWriter& null();
  // key + value in one call.
  template <class T> JsonWriter& field(std::string_view name, const T& v) {
    return key(name).value(v);
  }
  JsonWriter& field(std::string_view name, const std::optional<std::string>& v) {
    key(name);
    return v ? value(*v) : null();
  }
  JsonWriter& string_array(std::string_view name, const std::vector<std::string>& items);

  const std::string& str() const { return out_; }

private:
  void before_value();
  void newline();
  std::string out_;
  int indent_;
  struct Level {
    bool object;
    bool empty;
  };
  std::vector<Level> stack_;
  bool after_key_ = false;
};

// The escaped, quoted JSON form of `text` (invalid UTF-8 replaced).
std::string json_quote(std::string_view text);

} // namespace lsmdoctor
