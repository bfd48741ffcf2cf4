// Findings: what a check concluded, with its evidence and, where the cause
// is a hypothesis, ranked explanations with a confidence.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lsmdoctor {

enum class Status { pass, fail, unknown, not_applicable };
enum class Severity { info, warning, error };

std::string_view to_string(Status status);
std::string_view to_string(Severity severity);
// Higher is more severe: error > warning > info.
int rank(Severity severity);

// One piece of evidence: an excerpt of a source with its place.
struct Evidence {
  std::string source;  // path, "/dev/kmsg", "lsm_list_modules(2)", ...
  int line = 0;        // 1-based, 0 when not line-based
  std::string excerpt; // the line or value as read
  std::optional<std::uint64_t> count;
  std::string first_seen; // timestamps as printed in the source
  std::string last_seen;
  std::string note; // one short sentence of interpretation, optional
};

// A candidate cause with a confidence in [0,1] and the reasoning.
struct Hypothesis {
  std::string id;      // stable: "lsm-order", "kernel-defect", ...
  std::string summary; // one sentence
  double confidence = 0;
  std::vector<std::string> supports;
  std::vector<std::string> contradicts;
  std::string remedy; // one sentence; the plan carries the concrete actions
};

// The waiver of lsm-doctor.toml that a finding is waived by: the finding
// keeps its status but no longer counts toward the exit code.
struct WaiverNote {
  std::string reason;
  std::string expires; // "2027-01-31", empty when the waiver has no end
  std::string source;  // the configuration file
  int line = 0;        // of its [[waiver]] table
};

struct Finding {
  std::string id;
  Status status = Status::unknown;
  Severity severity = Severity::info;
  std::string title;  // one line
  std::string detail; // why it matters / why unknown, a few sentences
  std::vector<Evidence> evidence;
  std::vector<Hypothesis> hypotheses; // most likely first
  std::string confidence;             // "high", "medium", "low" or empty
  std::string level;                  // a named level (kernel.audit-capability), or empty
  std::optional<WaiverNote> waiver;   // set when a waiver of the configuration applies
};

} // namespace lsmdoctor
