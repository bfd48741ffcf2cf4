// lsm-doctor check: every check, the findings and the plan.
#include "cli/cli.h"

#include <iostream>

namespace lsmdoctor {

int cmd_check(const Options& o, FailOn fail_on) {
  auto run = run_doctor(o);
  if (!run) {
    std::cerr << "lsm-doctor: " << run.error().message << "\n";
    return kExitInput;
  }
  Report report{
      run->facts,      run->knowledge, run->findings, run->plan, judge(run->findings, fail_on),
      is_nixos(o.root)};
  if (o.format == "json")
    std::cout << render_json(report);
  else
    std::cout << render_text(report, TextOptions{use_color(o.color), o.verbose});
  return report.verdict.exit_code;
}

} // namespace lsmdoctor
