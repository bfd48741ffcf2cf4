// Target "nixos": the plan as NixOS option values. `fix --target nixos`
// prints the module body as a snippet; `lsm-doctor nixos` writes it as a
// module file with a header recording the evidence and the doctor's version.
#include "parse/cmdline.h"
#include "parse/lsm_list.h"
#include "remedies/targets.h"
#include "render/quote.h"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>

namespace lsmdoctor::remedies {
namespace {

// security.lsm: lib.mkBefore when the modules that must move ahead of bpf
// are not in the current lsm= list at all (the modules other NixOS options
// list then follow them, each once); lib.mkForce otherwise, since mkBefore
// would name a listed module a second time.
void lsm_setting(std::string& out, const Action& a, const Plan& plan) {
  std::vector<std::string> current;
  if (plan.current_cmdline)
    if (auto lsm = parse_cmdline(*plan.current_cmdline).last("lsm"))
      current = parse_lsm_list(*lsm).names;
  auto old_bpf = std::find(current.begin(), current.end(), "bpf");
  std::vector<std::string> moved;
  for (const auto& name : a.lsm_order) {
    if (name == "bpf")
      break;
    auto old_pos = std::find(current.begin(), current.end(), name);
    if (old_pos == current.end() || old_pos > old_bpf)
      moved.push_back(name);
  }
  bool absent = !current.empty() && !moved.empty() &&
                std::none_of(moved.begin(), moved.end(), [&](const std::string& m) {
                  return std::find(current.begin(), current.end(), m) != current.end();
                });
  out += "  # Context-providing modules before bpf: since Linux 6.18 audit asks the first\n"
         "  # module that registered the context hook, and bpf's stub answers -EOPNOTSUPP.\n";
  std::string list;
  if (absent) {
    out += "  # lib.mkBefore puts them ahead of the modules other options list; lsm= does\n"
           "  # not name them yet, so each appears once.\n";
    for (const auto& name : moved)
      list += " " + nix_string(name);
    out += fmt::format("  security.lsm = lib.mkBefore [{} ];\n", list);
    return;
  }
  out += "  # lib.mkForce replaces the whole list: lib.mkBefore would name a module that\n"
         "  # other options already list a second time.\n";
  for (const auto& name : a.lsm_order)
    list += " " + nix_string(name);
  out += fmt::format("  security.lsm = lib.mkForce [{} ];\n", list);
}

// Whether `value` is an attribute path of pkgs ("pkgs.linuxPackages_6_12"):
// the knowledge's value goes into Nix only then (a --knowledge directory
// may hold anything).
bool pkgs_attribute(const std::string& value) {
  if (value.rfind("pkgs.", 0) != 0 || value.size() == 5 || value.back() == '.')
    return false;
  for (std::size_t i = 5; i < value.size(); ++i) {
    char c = value[i];
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ||
              (c == '.' && value[i - 1] != '.');
    if (!ok)
      return false;
  }
  return true;
}

// boot.kernelPackages for a kernel change, with why and the citation.
void kernel_setting(std::string& out, const Action& a) {
  out += fmt::format("  # {}\n", comment_safe(a.why));
  out += fmt::format("  # Releases outside {}: {}.\n", comment_safe(a.kernel.outside),
                     comment_safe(a.kernel.unaffected));
  out += fmt::format("  # Source: {}\n", comment_safe(a.kernel.source));
  if (pkgs_attribute(a.kernel.nixos_kernel_packages))
    out += fmt::format("  boot.kernelPackages = {};\n", a.kernel.nixos_kernel_packages);
  else
    out += "  # Set boot.kernelPackages to a kernel series outside the range.\n";
}

// The module's arguments: pkgs only when a value names a package.
std::string module_head(const Plan& plan) {
  for (const auto& a : plan.pending())
    if (pkgs_attribute(a.kernel.nixos_kernel_packages))
      return "{ lib, pkgs, ... }:\n{\n";
  return "{ lib, ... }:\n{\n";
}

std::string failure_mode(int failure) {
  return failure == 0 ? "silent" : failure == 2 ? "panic" : "printk";
}

// The module's attribute set body, two spaces in.
std::string module_body(const Plan& plan, bool nixos_host, bool disable_audit) {
  std::string body = render_staged(plan, "  # ");
  std::vector<std::string> params;
  for (const auto& a : plan.pending()) {
    if (a.id == "audit-enable" && disable_audit)
      continue;
    if (!a.lsm_order.empty() && nixos_host)
      lsm_setting(body, a, plan);
    if (!a.kernel.empty())
      kernel_setting(body, a);
    for (const auto& p : a.cmdline.set) {
      if (param_name_equal(p.key, "lsm") && nixos_host)
        continue;
      if (param_name_equal(p.key, "audit") && nixos_host) {
        body += "  # Audit back on; with the modules ordered, audit works.\n"
                "  security.audit.enable = true;\n";
        continue;
      }
      params.push_back(format_param(p));
    }
    for (const auto& k : a.cmdline.remove)
      body += fmt::format("  # Also remove {} from boot.kernelParams wherever it is set.\n",
                          comment_safe(k + "="));
    if (a.audit.backlog_limit && nixos_host) {
      body += "  # audit-rules-nixos.service loads this with auditctl -b after boot; keep it\n"
              "  # no lower than the boot parameter.\n";
      body += fmt::format("  security.audit.backlogLimit = {};\n", *a.audit.backlog_limit);
    }
    if (a.audit.failure && nixos_host) {
      body += fmt::format("  # {}\n", comment_safe(a.why));
      body += fmt::format("  security.audit.failureMode = {};\n",
                          nix_string(failure_mode(*a.audit.failure)));
    }
    if (a.enable_service == "auditd" && nixos_host) {
      body += fmt::format("  # {}\n", comment_safe(a.why));
      body += "  security.auditd.enable = true;\n";
    }
  }
  if (!params.empty()) {
    body += "  boot.kernelParams = [";
    for (const auto& p : params)
      body += " " + nix_string(p);
    body += " ];\n";
  }
  if (disable_audit)
    body += "  # Asked for with --disable-audit, the last resort: every audit record is lost\n"
            "  # (logins, AppArmor/SELinux denials, rule hits) while this stays.\n"
            "  security.audit.enable = lib.mkForce false;\n";
  return body;
}

} // namespace

std::string render_nixos(const Plan& plan, bool nixos_host) {
  if (plan.empty())
    return "";
  return module_head(plan) + module_body(plan, nixos_host, false) + "}\n";
}

std::string render_nixos_module(const Plan& plan, const std::vector<Finding>& findings,
                                const NixosModuleOptions& options) {
  std::string out = fmt::format("# NixOS module written by lsm-doctor {} (lsm-doctor nixos).\n",
                                comment_safe(options.tool_version));
  out += "# Use it from configuration.nix with imports = [ ./lsm-doctor.nix ]; then run\n"
         "# nixos-rebuild boot, reboot, and check again with: lsm-doctor check\n";
  bool any = false;
  for (const auto& f : findings) {
    if (f.status != Status::fail)
      continue;
    out += any ? "" : "#\n# Evidence:\n";
    any = true;
    out += fmt::format("#   {} ({}): {}\n", f.id, to_string(f.severity), comment_safe(f.title));
    for (const auto& e : f.evidence) {
      std::string where = e.line > 0 ? fmt::format("{}:{}", e.source, e.line) : e.source;
      out += fmt::format("#     {}: {}\n", comment_safe(where), comment_safe(e.excerpt));
    }
  }
  out += module_head(plan) + module_body(plan, true, options.disable_audit) + "}\n";
  return out;
}

} // namespace lsmdoctor::remedies
