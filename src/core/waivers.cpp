#include "core/waivers.h"

#include <algorithm>
#include <fmt/format.h>
#include <fnmatch.h>

namespace lsmdoctor {
namespace {

// nullopt when the fact is unknown; an empty glob matches anything.
std::optional<bool> glob_matches(const std::string& glob, const Fact<std::string>& value) {
  if (glob.empty())
    return true;
  if (!value.is_known())
    return std::nullopt;
  return ::fnmatch(glob.c_str(), value->c_str(), 0) == 0;
}

Fact<std::string> release_text(const Facts& facts) {
  if (!facts.kernel.is_known())
    return Fact<std::string>::unknown(facts.kernel.reason());
  return Fact<std::string>::known(facts.kernel->text, facts.kernel.from());
}

} // namespace

std::optional<bool> waiver_in_scope(const Waiver& waiver, const Facts& facts) {
  auto kernel = glob_matches(waiver.kernel, release_text(facts));
  auto host = glob_matches(waiver.host, facts.hostname);
  if ((kernel && !*kernel) || (host && !*host))
    return false;
  if (!kernel || !host)
    return std::nullopt;
  return true;
}

std::vector<std::string> apply_waivers(std::vector<Finding>& findings, const DoctorConfig& config,
                                       const Facts& facts) {
  std::vector<std::string> notes;
  auto waivable = [](const Finding& f, const Waiver& waiver) {
    return f.id == waiver.check && !f.waiver &&
           (f.status == Status::fail || f.status == Status::unknown);
  };
  for (const auto& waiver : config.waivers) {
    if (waiver.expired(config.today))
      continue; // config.waiver-expired reports it
    auto target = std::find_if(findings.begin(), findings.end(),
                               [&](const Finding& f) { return waivable(f, waiver); });
    if (target == findings.end())
      continue;
    auto in_scope = waiver_in_scope(waiver, facts);
    if (!in_scope) {
      bool kernel_unknown = !waiver.kernel.empty() && !facts.kernel.is_known();
      notes.push_back(
          fmt::format("waiver for {} ({}) not applied: the {} is unknown ({})", waiver.check,
                      waiver.where(), kernel_unknown ? "kernel release" : "host name",
                      kernel_unknown ? facts.kernel.reason() : facts.hostname.reason()));
      continue;
    }
    if (*in_scope)
      target->waiver = WaiverNote{waiver.reason, waiver.expires ? to_string(*waiver.expires) : "",
                                  waiver.file, waiver.line};
  }
  return notes;
}

} // namespace lsmdoctor
