// Target "nixos": a configuration.nix snippet. security.lsm sets lsm= on
// NixOS; other parameters go to boot.kernelParams.
#include "parse/cmdline.h"
#include "remedies/targets.h"
#include "render/quote.h"

#include <fmt/format.h>

namespace lsmdoctor::remedies {

std::string render_nixos(const Plan& plan, bool nixos_host) {
  if (plan.empty())
    return "";
  std::vector<Action> pending = plan.pending();
  CmdlineEdit edit = merged_edit(pending);
  std::string body = render_staged(plan, "  # ");
  std::vector<std::string> params;
  for (const auto& p : edit.set) {
    if (param_name_equal(p.key, "lsm") && nixos_host) {
      const Action* order = nullptr;
      for (const auto& a : pending)
        if (!a.lsm_order.empty())
          order = &a;
      body += "  # Context-providing modules before bpf: audit asks the first module that\n"
              "  # registered the context hook (Linux 6.18+); mkForce replaces the list the\n"
              "  # apparmor/selinux modules would otherwise extend.\n";
      body += "  security.lsm = lib.mkForce [";
      for (const auto& name : order ? order->lsm_order : std::vector<std::string>{})
        body += " " + nix_string(name);
      body += " ];\n";
      continue;
    }
    if (param_name_equal(p.key, "audit") && nixos_host) {
      body += "  # Audit back on; do not leave security.audit.enable = false.\n";
      body += "  security.audit.enable = true;\n";
      continue;
    }
    params.push_back(format_param(p));
  }
  if (!params.empty()) {
    body += "  boot.kernelParams = [";
    for (const auto& p : params)
      body += " " + nix_string(p);
    body += " ];\n";
  }
  std::string out = "{ lib, ... }:\n{\n" + body;
  for (const auto& k : edit.remove)
    out += fmt::format("  # Also remove {} from boot.kernelParams wherever it is set.\n",
                       comment_safe(k + "="));
  out += "}\n";
  return out;
}

} // namespace lsmdoctor::remedies
