#include "checks/stack_view.h"

#include "model/lsm_stack.h"

#include <fmt/format.h>

namespace lsmdoctor::checks {

StackView judged_stack(const Facts& facts, const Knowledge& knowledge) {
  StackView view;
  if (facts.active_lsms.is_known()) {
    view.order = *facts.active_lsms;
    view.source = facts.active_lsms.from().source;
    return view;
  }
  const KernelCmdline* cmdline = facts.cmdline.is_known() ? &*facts.cmdline : nullptr;
  const KernelConfig* config = facts.kconfig.is_known() ? &*facts.kconfig : nullptr;
  const KernelRelease* kernel = facts.kernel.is_known() ? &*facts.kernel : nullptr;
  auto prediction = predict_stack(cmdline, config, kernel, knowledge);
  if (!prediction) {
    view.unknown_reason = "the active stack is unknown (" + facts.active_lsms.reason() +
                          ") and neither lsm= nor CONFIG_LSM is known to predict it";
    return view;
  }
  view.order = prediction->order;
  view.predicted = true;
  view.source = "predicted from " + prediction->basis;
  return view;
}

std::vector<std::string> secctx_modules(const std::vector<std::string>& order,
                                        const Knowledge& knowledge) {
  std::vector<std::string> out;
  for (const auto& name : order)
    if (knowledge.provides_secctx(name))
      out.push_back(name);
  return out;
}

std::uint64_t context_error_count(const Facts& facts) {
  if (!facts.kernel_log.is_known())
    return 0;
  const KernelLog& log = *facts.kernel_log;
  return log.count("subj-ctx-error") + log.count("task-context-error") +
         log.count("obj-ctx-error") + log.count("object-context-error");
}

bool in_secctx_defect_range(const Facts& facts, const Knowledge& knowledge,
                            std::string& range_text) {
  const KernelRange* range = knowledge.range(kSecctxDefectRange);
  if (!range || !facts.kernel.is_known())
    return false;
  bool affected =
      release_in_range(*range, facts.kernel->major, facts.kernel->minor, facts.kernel->patch);
  range_text = describe_range(*range);
  return affected;
}

} // namespace lsmdoctor::checks
