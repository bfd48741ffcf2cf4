// lsm-doctor's command line: parse arguments and dispatch to one command.
// The one place that turns errors into exit codes.
#include "cli/cli.h"
#include "parse/journal_time.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <iostream>
#include <sys/stat.h>

namespace lsmdoctor {
namespace {

void add_input_options(CLI::App& app, Options& o) {
  app.add_option("--root", o.root, "read every file under DIR instead of /")->type_name("DIR");
  app.add_option("--snapshot", o.snapshot,
                 "read a snapshot made by `lsm-doctor collect` (FILE.tar or DIR) instead of this "
                 "host")
      ->type_name("FILE.tar|DIR");
  app.add_option("--dmesg", o.dmesg,
                 "read the kernel log from FILE (dmesg, dmesg -r, journalctl -k or /dev/kmsg text; "
                 "a pipe such as <(dmesg), or - for standard input)")
      ->type_name("FILE");
  app.add_option("--journal-file", o.journal_files,
                 "read journal FILE (repeatable) instead of the host's")
      ->type_name("FILE");
  app.add_option("--journal-dir", o.journal_dir,
                 "read the journal files in DIR instead of the host's")
      ->type_name("DIR");
  app.add_option("--boots", o.boots, "journal history: the current boot and N-1 before it")
      ->type_name("N")
      ->check(CLI::Range(1, 10000));
  app.add_option("--since", o.since,
                 "journal history: entries at or after TIME (as journalctl --since)")
      ->type_name("TIME");
  app.add_option("--audit-log", o.audit_logs,
                 "scan this audit.log FILE (repeatable) instead of /var/log/audit")
      ->type_name("FILE");
  app.add_option("--audit-rules", o.audit_rules,
                 "lint this audit rules FILE (repeatable) instead of the host's")
      ->type_name("FILE");
  // A plan is not a host: no host input goes with it.
  auto* plan = app.add_option("--plan", o.plan,
                              "judge the planned configuration in FILE (TOML) instead of a host")
                   ->type_name("FILE");
  for (const char* host_input : {"--root", "--dmesg", "--journal-file", "--journal-dir", "--boots",
                                 "--since", "--audit-log"})
    plan->excludes(app.get_option(host_input));
  app.add_option("--knowledge", o.knowledge_dir, "override the built-in knowledge with DIR/*.toml")
      ->type_name("DIR");
  app.add_option("--format", o.format, "output format (stack: text or json)")
      ->check(CLI::IsMember({"text", "json", "sarif", "junit", "prometheus"}));
  app.add_option("--color", o.color, "colour: auto (on a TTY), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  app.add_flag("-v,--verbose", o.verbose, "show the evidence of passing checks too");
}

} // namespace
} // namespace lsmdoctor

int main(int argc, char** argv) {
  using namespace lsmdoctor;
  Options o;
  CLI::App app{"lsm-doctor: find and fix stacked-LSM audit failures", "lsm-doctor"};
  app.set_version_flag("--version", std::string("lsm-doctor ") + kToolVersion);
  add_input_options(app, o);
  app.add_option("--fail-on", o.fail_on, "exit 1 for failures at or above this severity")
      ->check(CLI::IsMember({"error", "warning", "never"}));
  auto* config = app.add_option("--config", o.config,
                                "check: waivers and expectations from FILE instead of "
                                "/etc/lsm-doctor.toml (man 5 lsm-doctor.toml)")
                     ->type_name("FILE");
  app.add_flag("--no-config", o.no_config, "check: read no configuration file")->excludes(config);
  auto* check = app.add_subcommand("check", "run every check (the default)");
  check->add_option("-o,--output", o.output, "write the report to FILE atomically, not stdout")
      ->type_name("FILE");
  auto* stack = app.add_subcommand("stack", "show the LSM stack");
  auto* fix = app.add_subcommand("fix", "print the remediation for one target");
  fix->add_option("--target", o.target, "where the fix is deployed")
      ->required()
      ->check(CLI::IsMember(
          {"cmdline", "grub", "grubby", "systemd-boot", "nixos", "audit-rules", "shell"}));
  auto* nixos = app.add_subcommand("nixos", "write a NixOS module that applies the remediation");
  nixos->add_option("-o,--output", o.output, "write the module to FILE (atomically), not stdout")
      ->type_name("FILE");
  nixos->add_flag("--disable-audit", o.disable_audit,
                  "last resort: also set security.audit.enable = false (loses every audit record)");
  auto* nixos_plan = nixos->add_subcommand(
      "plan", "write the check --plan file of a NixOS configuration (from nix eval's JSON)");
  nixos_plan->add_option("-o,--output", o.output, "write the plan to FILE (atomically), not stdout")
      ->type_name("FILE");
  auto* from_json = nixos_plan
                        ->add_option("--from-json", o.from_json,
                                     "read the values nixos/plan.nix evaluates to (JSON; - for "
                                     "standard input)")
                        ->type_name("FILE");
  auto* flake = nixos_plan
                    ->add_option("--flake", o.nix_flake,
                                 "evaluate nixosConfigurations.HOST of a flake with nix eval")
                    ->type_name("REF#HOST");
  auto* file = nixos_plan
                   ->add_option("--file", o.nix_file,
                                "evaluate a configuration.nix with nix-instantiate and "
                                "<nixpkgs/nixos>")
                   ->type_name("FILE");
  from_json->excludes(flake)->excludes(file);
  flake->excludes(file);
  auto* explain = app.add_subcommand("explain", "explain a check id (--list for all)");
  explain->add_option("id", o.explain_id, "check id");
  explain->add_flag_callback(
      "--list", [&] { o.explain_id = "--list"; }, "list every check");
  auto* collect = app.add_subcommand("collect", "capture every input for offline replay (-o)");
  collect->add_option("-o,--output", o.output, "write the snapshot to FILE.tar or a new DIR")
      ->required()
      ->type_name("FILE.tar|DIR");
  collect->add_flag("--redact", o.redact, "replace host names and user names");
  for (auto* sub : {check, stack, fix, nixos, explain, collect})
    sub->fallthrough();
  app.require_subcommand(0, 1);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : kExitUsage;
  }
  struct stat root_stat {};
  if (::stat(o.root.c_str(), &root_stat) != 0 || !S_ISDIR(root_stat.st_mode)) {
    std::cerr << fmt::format("lsm-doctor: --root {}: not a directory\n", o.root);
    return kExitUsage;
  }
  if (!o.since.empty()) {
    auto since = parse_since(o.since, now_realtime_usec());
    if (!since) {
      std::cerr << "lsm-doctor: " << since.error().message << "\n";
      return kExitUsage;
    }
  }
  if (!o.snapshot.empty() && o.root != "/") {
    std::cerr << "lsm-doctor: --snapshot and --root both name the input; give one\n";
    return kExitUsage;
  }
  if (collect->parsed() && (o.root != "/" || !o.snapshot.empty() || !o.dmesg.empty())) {
    std::cerr << "lsm-doctor: collect captures the running host; --root, --snapshot and --dmesg "
                 "are for check\n";
    return kExitUsage;
  }
  if (nixos_plan->parsed() && o.from_json.empty() && o.nix_flake.empty() && o.nix_file.empty()) {
    std::cerr << "lsm-doctor: nixos plan reads a configuration: give --from-json, --flake or "
                 "--file\n";
    return kExitUsage;
  }
  bool reports_findings = !(stack->parsed() || fix->parsed() || nixos->parsed() ||
                            explain->parsed() || collect->parsed());
  if ((!o.config.empty() || o.no_config) && !reports_findings) {
    std::cerr << "lsm-doctor: --config and --no-config are for check (waivers and expectations "
                 "change its verdict, not the stack or the fix)\n";
    return kExitUsage;
  }
  try {
    FailOn fail_on = *parse_fail_on(o.fail_on);
    if (stack->parsed() && o.format != "text" && o.format != "json") {
      std::cerr << "lsm-doctor: stack prints --format text or json only\n";
      return kExitUsage;
    }
    if (stack->parsed())
      return cmd_stack(o);
    if (fix->parsed())
      return cmd_fix(o);
    if (nixos_plan->parsed())
      return cmd_nixos_plan(o);
    if (nixos->parsed())
      return cmd_nixos(o);
    if (explain->parsed())
      return cmd_explain(o);
    if (collect->parsed())
      return cmd_collect(o);
    return cmd_check(o, fail_on);
  } catch (const std::exception& e) {
    std::cerr << "lsm-doctor: internal error: " << e.what() << "\n";
    return kExitInternal;
  }
}
