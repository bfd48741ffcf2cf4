// lsm-doctor check: every check, the findings and the plan.
#include "cli/cli.h"

#include <iostream>

namespace lsmdoctor {

int cmd_check(const Options& o, FailOn fail_on) {
  auto run = run_doctor(o, true);
  if (!run) {
    std::cerr << "lsm-doctor: " << run.error().message << "\n";
    return kExitInput;
  }
  Report report{
      run->facts, run->knowledge,  run->findings, run->plan, judge(run->findings, fail_on),
      run->nixos, run->config.file};
  std::string text;
  if (o.format == "json")
    text = render_json(report);
  else if (o.format == "sarif")
    text = render_sarif(report);
  else if (o.format == "junit")
    text = render_junit(report);
  else if (o.format == "prometheus")
    text = render_prometheus(report);
  else
    text = render_text(report, TextOptions{use_color(o.color) && o.output.empty(), o.verbose});
  if (!emit(o, text))
    return kExitCantCreate;
  return report.verdict.exit_code;
}

} // namespace lsmdoctor
