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
  std::string config_file; // lsm-doctor.toml read for this run, empty when none
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

// One module of the stack picture; nullopt where the inputs do not tell.
struct ModuleRow {
  std::string name;
  int position = 0; // 1-based place in the active order, 0 when not active
  bool secctx = false;
  std::optional<bool> requested; // named in lsm= (or CONFIG_LSM without lsm=)
  std::string requested_by;      // "lsm=" or "CONFIG_LSM"
  std::optional<bool> active;
  std::optional<bool> built_in; // from the kernel configuration
  std::string status;           // the module's own status line (probes)
  std::string status_source;
};
std::vector<ModuleRow> module_rows(const Facts& facts, const Knowledge& knowledge);
// Hook order and the module table of `lsm-doctor stack`.
std::string render_stack_picture(const Facts& facts, const Knowledge& knowledge,
                                 const TextOptions& options);

} // namespace lsmdoctor
