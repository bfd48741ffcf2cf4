// Terminal styling: ANSI colour only when enabled (a TTY without NO_COLOR,
// or --color=always).
#pragma once

#include <string>

namespace lsmdoctor {

class Style {
public:
  explicit Style(bool color) : color_(color) {}
  std::string heading(const std::string& s) const { return wrap("1;4", s); }
  std::string bold(const std::string& s) const { return wrap("1", s); }
  std::string dim(const std::string& s) const { return wrap("2", s); }
  std::string bad(const std::string& s) const { return wrap("1;31", s); }
  std::string warn(const std::string& s) const { return wrap("33", s); }
  std::string good(const std::string& s) const { return wrap("32", s); }

private:
  std::string wrap(const char* code, const std::string& s) const {
    return color_ ? "\x1b[" + std::string(code) + "m" + s + "\x1b[0m" : s;
  }
  bool color_;
};

} // namespace lsmdoctor
