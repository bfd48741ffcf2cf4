// config.expect.signatures: the kernel log has no more lines of each
// signature than [expect.max_signatures] of lsm-doctor.toml tolerates.
#include "checks/checks.h"
#include "checks/evidence.h"

#include <fmt/format.h>

namespace lsmdoctor::checks {
namespace {
Finding run(const CheckContext& ctx);
} // namespace

const CheckDef config_expect_signatures{
    "config.expect.signatures", Severity::error,
    "kernel log signatures stay within the counts the configuration tolerates", run};

namespace {

Finding run(const CheckContext& ctx) {
  const CheckDef& def = config_expect_signatures;
  if (!ctx.config || ctx.config->expect.max_signatures.empty())
    return not_applicable(def, "no [expect.max_signatures] in the configuration");
  const Expectations& expect = ctx.config->expect;
  const Facts& facts = ctx.facts;
  if (!facts.kernel_log.is_known())
    return unknown(def, "cannot count kernel log signatures",
                   why_unknown("the kernel log", facts.kernel_log));
  const KernelLog& log = *facts.kernel_log;
  std::vector<std::string> over;
  std::vector<Evidence> evidence;
  for (const auto& [id, limit] : expect.max_signatures) {
    std::uint64_t lines = log.count(id);
    std::string verdict =
        fmt::format("{} line{}, at most {} tolerated ({}:{})", lines, lines == 1 ? "" : "s", limit,
                    ctx.config->file, expect.max_signature_lines.at(id));
    if (lines > limit)
      over.push_back(fmt::format("{} ({} > {})", id, lines, limit));
    if (const SignatureStats* stats = log.find(id)) {
      Evidence e = log_evidence(log, id, *stats);
      e.note = id + ": " + verdict;
      evidence.push_back(std::move(e));
    } else {
      evidence.push_back(
          Evidence{log.source, 0, "(no line matches)", std::nullopt, "", "", id + ": " + verdict});
    }
  }
  Finding f = over.empty()
                  ? pass(def, fmt::format("{} kernel log signature{} within the tolerated counts",
                                          expect.max_signatures.size(),
                                          expect.max_signatures.size() == 1 ? "" : "s"))
                  : fail(def, fmt::format("kernel log signature{} over the tolerated count: {}",
                                          over.size() == 1 ? "" : "s", fmt::join(over, ", ")));
  f.evidence = std::move(evidence);
  if (!over.empty()) {
    f.detail = "The configuration tolerates at most the given number of kernel log lines of "
               "each signature (lsm-doctor explain and checks/knowledge/signatures.toml list "
               "them). The checks audit.log.* name the cause of each.";
    f.confidence = "high";
  }
  return f;
}

} // namespace
} // namespace lsmdoctor::checks
