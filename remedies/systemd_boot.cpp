// Target "systemd-boot": kernel-install reads /etc/kernel/cmdline when it
// writes boot entries (systemd-boot, UKIs).
#include "parse/cmdline.h"
#include "remedies/targets.h"
#include "render/quote.h"

#include <algorithm>
#include <fmt/format.h>

namespace lsmdoctor::remedies {

std::string render_systemd_boot(const Plan& plan) {
  if (plan.empty())
    return "";
  std::string out = render_staged(plan) + render_kernel_change(plan);
  std::vector<Action> pending = plan.pending();
  if (merged_edit(pending).empty())
    return out;
  if (plan.proposed_cmdline) {
    // BOOT_IMAGE= and initrd= are added by the boot loader, not by the user.
    KernelCmdline proposed = parse_cmdline(*plan.proposed_cmdline);
    std::vector<CmdlineParam> kept;
    std::copy_if(proposed.params.begin(), proposed.params.end(), std::back_inserter(kept),
                 [](const CmdlineParam& p) {
                   return !param_name_equal(p.key, "BOOT_IMAGE") &&
                          !param_name_equal(p.key, "initrd");
                 });
    out += "  Write the new command line to /etc/kernel/cmdline:\n";
    out += fmt::format("    printf '%s\\n' {} | sudo tee /etc/kernel/cmdline\n",
                       shell_quote(format_cmdline(kept)));
  } else {
    out += "  In /etc/kernel/cmdline:\n";
    CmdlineEdit edit = merged_edit(pending);
    for (const auto& p : edit.set)
      out += fmt::format("    replace any {}= with {}  (or add it)\n", p.key, format_param(p));
    for (const auto& k : edit.remove)
      out += fmt::format("    remove {}=...\n", k);
  }
  out += "  then rebuild the boot entry for the installed kernel:\n"
         "    sudo kernel-install add \"$(uname -r)\" \"/usr/lib/modules/$(uname -r)/vmlinuz\"\n";
  return out;
}

} // namespace lsmdoctor::remedies
