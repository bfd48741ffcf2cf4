#include "core/check.h"

#include <algorithm>

namespace lsmdoctor {

std::string_view to_string(Status status) {
  switch (status) {
  case Status::pass:
    return "pass";
  case Status::fail:
    return "fail";
  case Status::unknown:
    return "unknown";
  case Status::not_applicable:
    return "not-applicable";
  }
  return "unknown";
}

std::string_view to_string(Severity severity) {
  switch (severity) {
  case Severity::info:
    return "info";
  case Severity::warning:
    return "warning";
  case Severity::error:
    return "error";
  }
  return "info";
}

int rank(Severity severity) {
  return static_cast<int>(severity);
}

const CheckDef* find_check(std::string_view id) {
  for (const auto& def : check_registry())
    if (def.id == id)
      return &def;
  return nullptr;
}

namespace {

// Failures first (most severe first), then unknown, then pass, then n/a.
int status_order(Status status) {
  switch (status) {
  case Status::fail:
    return 0;
  case Status::unknown:
    return 1;
  case Status::pass:
    return 2;
  case Status::not_applicable:
    return 3;
  }
  return 4;
}

} // namespace

std::vector<Finding> run_checks(const CheckContext& context) {
  std::vector<Finding> findings;
  for (const auto& def : check_registry())
    findings.push_back(def.run(context));
  std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    if (status_order(a.status) != status_order(b.status))
      return status_order(a.status) < status_order(b.status);
    if (a.severity != b.severity)
      return rank(a.severity) > rank(b.severity);
    return a.id < b.id;
  });
  return findings;
}

namespace {
Finding make(const CheckDef& def, Status status, Severity severity, std::string title) {
  Finding f;
  f.id = std::string(def.id);
  f.status = status;
  f.severity = severity;
  f.title = std::move(title);
  return f;
}
} // namespace

Finding pass(const CheckDef& def, std::string title) {
  return make(def, Status::pass, def.severity, std::move(title));
}
Finding fail(const CheckDef& def, std::string title) {
  return make(def, Status::fail, def.severity, std::move(title));
}
Finding fail(const CheckDef& def, Severity severity, std::string title) {
  return make(def, Status::fail, severity, std::move(title));
}
Finding unknown(const CheckDef& def, std::string title, std::string why) {
  Finding f = make(def, Status::unknown, def.severity, std::move(title));
  f.detail = std::move(why);
  return f;
}
Finding not_applicable(const CheckDef& def, std::string why) {
  Finding f = make(def, Status::not_applicable, def.severity, std::move(why));
  return f;
}

} // namespace lsmdoctor
