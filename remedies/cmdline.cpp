// Target "cmdline": the kernel command line before and after, and the edit
// logic every other target shares.
#include "parse/cmdline.h"

#include "remedies/targets.h"

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
  std::string out;
  if (plan.current_cmdline && plan.proposed_cmdline) {
    out += fmt::format("  current:  {}\n", *plan.current_cmdline);
    out += fmt::format("  proposed: {}\n", *plan.proposed_cmdline);
    return out;
  }
  CmdlineEdit edit = merged_edit(plan.actions);
  for (const auto& p : edit.set)
    out += fmt::format("  add or replace: {}\n", format_param(p));
  for (const auto& k : edit.remove)
    out += fmt::format("  remove: {}=...\n", k);
  return out;
}

} // namespace lsmdoctor::remedies
