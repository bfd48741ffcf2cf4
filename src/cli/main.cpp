// lsm-doctor's command line: parse arguments, gather facts, run checks,
// render. The one place that prints and turns errors into exit codes.
#include "core/check.h"
#include "core/verdict.h"
#include "remedies/targets.h"
#include "render/report.h"
#include "sources/gather.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <fmt/format.h>
#include <iostream>
#include <sys/stat.h>
#include <unistd.h>

namespace lsmdoctor {

const char* const kToolVersion = LSM_DOCTOR_VERSION;

namespace {

struct Options {
  std::string root = "/";
  std::string dmesg;
  std::string format = "text";
  std::string fail_on = "error";
  std::string color = "auto";
  std::string knowledge_dir;
  std::string target;
  std::string explain_id;
  bool verbose = false;
};

bool use_color(const std::string& mode) {
  if (mode == "always")
    return true;
  if (mode == "never")
    return false;
  const char* no_color = std::getenv("NO_COLOR");
  return ::isatty(STDOUT_FILENO) == 1 && (no_color == nullptr || *no_color == '\0');
}

bool is_nixos(const std::string& root) {
  struct stat st {};
  return ::stat(under_root(root, "/etc/NIXOS").c_str(), &st) == 0 ||
         ::stat(under_root(root, "/run/current-system").c_str(), &st) == 0;
}

struct Run {
  Knowledge knowledge;
  Facts facts;
  std::vector<Finding> findings;
  Plan plan;
};

Result<Run> run_doctor(const Options& o) {
  Run run;
  auto knowledge = o.knowledge_dir.empty() ? builtin_knowledge() : load_knowledge(o.knowledge_dir);
  if (!knowledge)
    return knowledge.error();
  run.knowledge = std::move(*knowledge);
  GatherOptions gather{o.root, std::nullopt};
  if (!o.dmesg.empty())
    gather.dmesg_file = o.dmesg;
  run.facts = gather_facts(gather, run.knowledge);
  run.findings = run_checks(CheckContext{run.facts, run.knowledge});
  run.plan = make_plan(run.facts, run.knowledge, run.findings);
  return run;
}

int cmd_check(const Options& o, FailOn fail_on) {
  auto run = run_doctor(o);
  if (!run) {
    std::cerr << "lsm-doctor: " << run.error().message << "\n";
    return kExitInput;
  }
  Report report{
      run->facts,      run->knowledge, run->findings, run->plan, judge(run->findings, fail_on),
      is_nixos(o.root)};
  if (o.format == "json")
    std::cout << render_json(report);
  else
    std::cout << render_text(report, TextOptions{use_color(o.color), o.verbose});
  return report.verdict.exit_code;
}

int cmd_stack(const Options& o) {
  auto run = run_doctor(o);
  if (!run) {
    std::cerr << "lsm-doctor: " << run.error().message << "\n";
    return kExitInput;
  }
  if (o.format == "json")
    std::cout << render_stack_json(run->facts, run->knowledge);
  else
    std::cout << render_stack_text(run->facts, run->knowledge,
                                   TextOptions{use_color(o.color), o.verbose});
  return run->facts.active_lsms.is_known() ? kExitHealthy : kExitUnknown;
}

int cmd_fix(const Options& o) {
  auto run = run_doctor(o);
  if (!run) {
    std::cerr << "lsm-doctor: " << run.error().message << "\n";
    return kExitInput;
  }
  if (run->plan.empty()) {
    std::cerr << "lsm-doctor: nothing to fix\n";
    return kExitHealthy;
  }
  const Plan& plan = run->plan;
  if (o.target == "cmdline")
    std::cout << remedies::render_cmdline(plan);
  else if (o.target == "grub")
    std::cout << remedies::render_grub(plan);
  else if (o.target == "systemd-boot")
    std::cout << remedies::render_systemd_boot(plan);
  else if (o.target == "nixos")
    std::cout << remedies::render_nixos(plan, is_nixos(o.root));
  return kExitHealthy;
}

int cmd_explain(const Options& o) {
  if (o.explain_id.empty() || o.explain_id == "--list") {
    for (const auto& def : check_registry())
      std::cout << fmt::format("{:<34} {}\n", def.id, def.title);
    return kExitHealthy;
  }
  const CheckDef* def = find_check(o.explain_id);
  if (!def) {
    std::cerr << fmt::format("lsm-doctor: no check named '{}' (see lsm-doctor explain --list)\n",
                             o.explain_id);
    return kExitUsage;
  }
  std::cout << fmt::format("{}\n  {}\n  severity when failing: {}\n", def->id, def->title,
                           to_string(def->severity));
  return kExitHealthy;
}

void add_input_options(CLI::App& app, Options& o) {
  app.add_option("--root", o.root, "read every file under DIR instead of /")->type_name("DIR");
  app.add_option("--dmesg", o.dmesg,
                 "read the kernel log from FILE (dmesg, dmesg -r, journalctl -k or /dev/kmsg text)")
      ->type_name("FILE");
  app.add_option("--knowledge", o.knowledge_dir, "override the built-in knowledge with DIR/*.toml")
      ->type_name("DIR");
  app.add_option("--format", o.format, "output format")->check(CLI::IsMember({"text", "json"}));
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
  auto* check = app.add_subcommand("check", "run every check (the default)");
  auto* stack = app.add_subcommand("stack", "show the LSM stack");
  auto* fix = app.add_subcommand("fix", "print the remediation for one target");
  fix->add_option("--target", o.target, "where the fix is deployed")
      ->required()
      ->check(CLI::IsMember({"cmdline", "grub", "systemd-boot", "nixos"}));
  auto* explain = app.add_subcommand("explain", "explain a check id (--list for all)");
  explain->add_option("id", o.explain_id, "check id");
  explain->add_flag_callback(
      "--list", [&] { o.explain_id = "--list"; }, "list every check");
  for (auto* sub : {check, stack, fix, explain})
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
  try {
    FailOn fail_on = *parse_fail_on(o.fail_on);
    if (stack->parsed())
      return cmd_stack(o);
    if (fix->parsed())
      return cmd_fix(o);
    if (explain->parsed())
      return cmd_explain(o);
    return cmd_check(o, fail_on);
  } catch (const std::exception& e) {
    std::cerr << "lsm-doctor: internal error: " << e.what() << "\n";
    return kExitInternal;
  }
}
