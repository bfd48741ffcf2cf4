// lsm-doctor stack: the LSM stack as requested, built in and active.
#include "cli/cli.h"

#include <iostream>

namespace lsmdoctor {

int cmd_stack(const Options& o) {
  auto run = run_doctor(o);
  if (!run) {
    std::cerr << "lsm-doctor: " << run.error().message << "\n";
    return kExitInput;
  }
  if (o.format == "json")
    std::cout << render_stack_json(run->facts, run->knowledge);
  else
    std::cout << render_stack_picture(run->facts, run->knowledge,
                                      TextOptions{use_color(o.color), o.verbose})
              << "\n"
              << render_stack_text(run->facts, run->knowledge,
                                   TextOptions{use_color(o.color), o.verbose});
  return run->facts.active_lsms.is_known() ? kExitHealthy : kExitUnknown;
}

} // namespace lsmdoctor
