// Target "cmdline": the kernel command line before and after, and the edit
// logic every other target shares.
#include "parse/cmdline.h"

#include "remedies/targets.h"
#include "render/quote.h"

#include <algorithm>
#include <fmt/format.h>

namespace lsmdoctor::remedies {

CmdlineEdit merged_edit(const std::vector<Action>& actions) {
  CmdlineEdit edit;
  for (const auto& a : actions) {
    for (const auto& p : a.cmdline.set) {
      auto same = [&](const CmdlineParam& q) { return param_name_equal(q.key, p.key); };
      edit.set.erase(std::remove_if(edit.set.begin(), edit.set.end(), same), edit.set.end());
      edit.set.push_back(p);
    }
    for (const auto& key : a.cmdline.remove)
      if (std::find(edit.remove.begin(), edit.remove.end(), key) == edit.remove.end())
        edit.remove.push_back(key);
  }
  return edit;
}

CmdlineEdit merged_undo(const std::vector<Action>& actions) {
  std::vector<Action> reverts;
  for (auto it = actions.rbegin(); it != actions.rend(); ++it) {
    Action revert;
    revert.cmdline = it->undo_cmdline;
    reverts.push_back(std::move(revert));
  }
  return merged_edit(reverts);
}

std::string render_staged(const Plan& plan, std::string_view indent) {
  std::string out;
  for (const auto& a : plan.actions) {
    if (!a.staged())
      continue;
    std::string where;
    for (const auto& s : a.staged_in)
      where += (where.empty() ? "" : ", ") + s;
    out += fmt::format("{}staged, reboot to apply: {} (configured in {})\n", indent,
                       comment_safe(a.summary), comment_safe(where));
  }
  return out;
}

std::string render_kernel_change(const Plan& plan, std::string_view indent) {
  std::string out;
  for (const auto& a : plan.pending()) {
    if (a.kernel.empty())
      continue;
    out += fmt::format("{}Install a kernel outside {} from the distribution's kernel packages\n",
                       indent, comment_safe(a.kernel.outside));
    out +=
        fmt::format("{}({}) and boot it by default;\n", indent, comment_safe(a.kernel.unaffected));
    out += fmt::format("{}the kernel command line stays as it is.\n", indent);
  }
  return out;
}

std::vector<CmdlineParam> apply_edits(const std::vector<CmdlineParam>& params,
                                      const std::vector<Action>& actions) {
  CmdlineEdit edit = merged_edit(actions);
  std::vector<CmdlineParam> out;
  std::vector<bool> placed(edit.set.size(), false);
  for (const auto& param : params) {
    bool removed = std::any_of(edit.remove.begin(), edit.remove.end(), [&](const std::string& k) {
      return param_name_equal(k, param.key);
    });
    if (removed)
      continue;
    bool replaced = false;
    for (std::size_t i = 0; i < edit.set.size(); ++i) {
      if (!param_name_equal(edit.set[i].key, param.key))
        continue;
      replaced = true;
      if (!placed[i]) { // the first occurrence takes the new value, repeats go
        out.push_back(edit.set[i]);
        placed[i] = true;
      }
    }
    if (!replaced)
      out.push_back(param);
  }
  for (std::size_t i = 0; i < edit.set.size(); ++i)
    if (!placed[i])
      out.push_back(edit.set[i]);
  return out;
}

std::string render_cmdline(const Plan& plan) {
  if (plan.empty())
    return "";
  std::string out = render_staged(plan) + render_kernel_change(plan);
  std::vector<Action> pending = plan.pending();
  if (merged_edit(pending).empty())
    return out;
  if (plan.current_cmdline && plan.proposed_cmdline) {
    out += fmt::format("  current:  {}\n", *plan.current_cmdline);
    out += fmt::format("  proposed: {}\n", *plan.proposed_cmdline);
    return out;
  }
  CmdlineEdit edit = merged_edit(pending);
  for (const auto& p : edit.set)
    out += fmt::format("  add or replace: {}\n", format_param(p));
  for (const auto& k : edit.remove)
    out += fmt::format("  remove: {}=...\n", k);
  return out;
}

} // namespace lsmdoctor::remedies
