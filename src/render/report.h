// The report of one run and its renderers. Renderers only format.
#pragma once

#include "core/facts.h"
#include "core/finding.h"
#include "core/knowledge.h"
#include "core/plan.h"
#include "core/verdict.h"

#include <string>
#include <vector>

namespace lsmdoctor {

inline constexpr int kJsonSchemaVersion = 1;
extern const char* const kToolVersion;

struct Report {
  const Facts& facts;
  const Knowledge& knowledge;
  std::vector<Finding> findings;
  Plan plan;
  Verdict verdict;
  bool nixos_host = false;
};

struct TextOptions {
  bool color = false;
  bool verbose = false; // evidence of passing checks too
};

std::string render_text(const Report& report, const TextOptions& options);
std::string render_json(const Report& report);
// SARIF 2.1.0: one rule per check id, one result per finding.
std::string render_sarif(const Report& report);
// JUnit XML: one test case per check.
std::string render_junit(const Report& report);
// Prometheus text exposition: gauges per check status and per signature.
std::string render_prometheus(const Report& report);

// The stack section alone (lsm-doctor stack).
std::string render_stack_text(const Facts& facts, const Knowledge& knowledge,
                              const TextOptions& options);
std::string render_stack_json(const Facts& facts, const Knowledge& knowledge);

} // namespace lsmdoctor
