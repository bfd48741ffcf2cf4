// Target "grub": the parameters to change in /etc/default/grub and the
// command that regenerates grub.cfg.
#include "parse/cmdline.h"
#include "remedies/targets.h"

#include <fmt/format.h>

namespace lsmdoctor::remedies {

std::string render_grub(const Plan& plan) {
  if (plan.empty())
    return "";
  std::string out = render_staged(plan) + render_kernel_change(plan);
  CmdlineEdit edit = merged_edit(plan.pending());
  if (edit.empty())
    return out;
  out += "  In /etc/default/grub, inside GRUB_CMDLINE_LINUX=\"...\"\n"
         "  (and GRUB_CMDLINE_LINUX_DEFAULT=\"...\", which comes after it and wins):\n";
  for (const auto& p : edit.set)
    out += fmt::format("    replace any {}= with {}  (or add it)\n", p.key, format_param(p));
  for (const auto& k : edit.remove)
    out += fmt::format("    remove {}=...\n", k);
  out += "  then regenerate the boot menu:\n"
         "    Debian/Ubuntu:  sudo update-grub\n"
         "    Fedora/RHEL:    sudo grub2-mkconfig -o /boot/grub2/grub.cfg\n";
  return out;
}

} // namespace lsmdoctor::remedies
