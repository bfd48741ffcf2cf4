// Result<T>: a value or an Error, shaped like std::expected (C++23) so that
// call sites read the same once the project moves to it.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace lsmdoctor {

// An error carries a message meant for a person, already naming the input.
struct Error {
  std::string message;
};

template <class T> class Result {
public:
  Result(T value) : state_(std::move(value)) {}     // NOLINT(google-explicit-constructor)
  Result(Error error) : state_(std::move(error)) {} // NOLINT(google-explicit-constructor)

  bool has_value() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return has_value(); }

  T& value() & { return std::get<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { return std::get<Error>(state_); }

private:
  std::variant<T, Error> state_;
};

inline Error make_error(std::string message) {
  return Error{std::move(message)};
}

} // namespace lsmdoctor

// TRY(var, expr): evaluate a Result, return its error from the enclosing
// function, otherwise move its value into a new variable `var`.
#define LSMD_CONCAT_INNER(a, b) a##b
#define LSMD_CONCAT(a, b) LSMD_CONCAT_INNER(a, b)
// var is a declarator and cannot be parenthesised.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define TRY(var, expr)                                                                             \
  auto LSMD_CONCAT(try_result_, __LINE__) = (expr);                                                \
  if (!LSMD_CONCAT(try_result_, __LINE__))                                                         \
    return LSMD_CONCAT(try_result_, __LINE__).error();                                             \
  auto var = std::move(LSMD_CONCAT(try_result_, __LINE__)).value()
// NOLINTEND(bugprone-macro-parentheses)
