// config.waiver-expired: a waiver of lsm-doctor.toml is past its expiry date.
// It no longer applies, so the finding it waived counts again; this check
// says why, instead of letting the waiver lapse in silence.
#include "checks/checks.h"

#include <fmt/format.h>

namespace lsmdoctor::checks {
namespace {
Finding run(const CheckContext& ctx);
} // namespace

const CheckDef config_waiver_expired{"config.waiver-expired", Severity::warning,
                                     "a waiver of the configuration is past its expiry date", run};

namespace {

std::string expired_text(const Waiver& w) {
  return fmt::format("waiver for {} ({}) expired on {}", w.check, w.where(), to_string(*w.expires));
}

Finding run(const CheckContext& ctx) {
  const CheckDef& def = config_waiver_expired;
  if (!ctx.config || ctx.config->waivers.empty())
    return not_applicable(def, "no waivers are configured");
  const DoctorConfig& config = *ctx.config;
  std::vector<const Waiver*> expired;
  for (const auto& w : config.waivers)
    if (w.expired(config.today))
      expired.push_back(&w);
  if (expired.empty()) {
    Finding f = pass(def, fmt::format("no waiver has expired ({} configured, today is {})",
                                      config.waivers.size(), to_string(config.today)));
    for (const auto& w : config.waivers)
      f.evidence.push_back(Evidence{w.file, w.line, fmt::format("waiver for {}", w.check),
                                    std::nullopt, "", "",
                                    w.expires ? "expires on " + to_string(*w.expires) : "no end"});
    return f;
  }
  Finding f = fail(def, expired.size() == 1 ? expired_text(*expired.front())
                                            : fmt::format("{} waivers expired: {}", expired.size(),
                                                          expired_text(*expired.front())));
  for (const Waiver* w : expired)
    f.evidence.push_back(Evidence{w->file, w->line, expired_text(*w), std::nullopt, "", "",
                                  "reason was: " + w->reason});
  f.detail = fmt::format(
      "An expired waiver no longer applies (today is {}): the findings it waived count toward the "
      "exit status again. Fix the cause, or renew the waiver with a new expires date.",
      to_string(config.today));
  f.confidence = "high";
  return f;
}

} // namespace
} // namespace lsmdoctor::checks
