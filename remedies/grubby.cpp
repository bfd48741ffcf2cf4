// Target "grubby": one command that edits every installed kernel's boot
// entry (Fedora, RHEL and their BLS entries), and the command that undoes it.
#include "parse/cmdline.h"
#include "remedies/targets.h"
#include "render/quote.h"

#include <fmt/format.h>

namespace lsmdoctor::remedies {
namespace {

std::string grubby_command(const CmdlineEdit& edit) {
  std::string args;
  for (const auto& p : edit.set)
    args += (args.empty() ? "" : " ") + format_param(p);
  std::string remove;
  for (const auto& k : edit.remove)
    remove += (remove.empty() ? "" : " ") + k;
  std::string out = "sudo grubby --update-kernel=ALL";
  if (!args.empty())
    out += " --args=" + shell_quote(args);
  if (!remove.empty())
    out += " --remove-args=" + shell_quote(remove);
  return out;
}

} // namespace

std::string render_grubby(const Plan& plan) {
  if (plan.empty())
    return "";
  std::string out = render_staged(plan) + render_kernel_change(plan);
  std::vector<Action> pending = plan.pending();
  CmdlineEdit edit = merged_edit(pending);
  if (edit.empty())
    return out;
  out += "  Change the command line of every installed kernel:\n";
  out += "    " + grubby_command(edit) + "\n";
  out += "  check it with: sudo grubby --info=ALL\n";
  CmdlineEdit undo = merged_undo(pending);
  if (!undo.empty())
    out += "  undo:\n    " + grubby_command(undo) + "\n";
  return out;
}

} // namespace lsmdoctor::remedies
