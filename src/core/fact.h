// Fact<T>: a value read from a host together with where it came from, or the
// reason it could not be read. An unknown fact is never a silent default.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace lsmdoctor {

// Where a fact came from: a path (with a line where it matters), a system
// call, or a command-line flag. `source` is shown to users as is.
struct Provenance {
  std::string source;
  int line = 0; // 1-based; 0 when the whole source is meant
};

template <class T> class Fact {
public:
  Fact() : reason_("not gathered") {}

  static Fact known(T value, Provenance from) {
    return Fact(std::optional<T>(std::move(value)), std::string(), std::move(from));
  }
  static Fact unknown(std::string reason, Provenance from = {}) {
    return Fact(std::nullopt, std::move(reason), std::move(from));
  }

  bool is_known() const { return value_.has_value(); }
  const T& value() const { return *value_; }
  T& value() { return *value_; }
  const T* operator->() const { return &*value_; }
  const T& operator*() const { return *value_; }
  // Why the fact is unknown (empty when known).
  const std::string& reason() const { return reason_; }
  const Provenance& from() const { return from_; }
  // Rewrites the reason and the source's name in place (a snapshot's paths
  // named relative to it).
  template <class Rename> void rename_sources(Rename&& rename) {
    rename(reason_);
    rename(from_.source);
  }

private:
  Fact(std::optional<T> value, std::string reason, Provenance from)
      : value_(std::move(value)), reason_(std::move(reason)), from_(std::move(from)) {}

  std::optional<T> value_;
  std::string reason_;
  Provenance from_;
};

} // namespace lsmdoctor
