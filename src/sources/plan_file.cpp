#include "sources/plan_file.h"

#include "model/lsm_stack.h"
#include "parse/audit_rules.h"
#include "parse/cmdline.h"
#include "parse/line_reader.h"
#include "parse/lsm_list.h"
#include "parse/toml_reader.h"

#include <algorithm>
#include <fmt/format.h>
#include <libaudit.h>

namespace lsmdoctor {
namespace {

constexpr const char* kNotBooted = "a plan is not booted";
constexpr std::size_t kMaxRulesFile = std::size_t{16} * 1024 * 1024;
constexpr int kFailurePanic = 2;

// The kernel configuration a plan implies: CONFIG_LSM as given, and built
// in the modules of `builtin`, or when the plan does not say, every module
// that CONFIG_LSM or lsm= names.
KernelConfig plan_config(const std::string& config_lsm, std::vector<std::string> builtin,
                         const Knowledge& knowledge) {
  KernelConfig config;
  config.options["CONFIG_LSM"] = config_lsm;
  static const std::string kBuiltIn = "y";
  for (const auto& trait : knowledge.lsms)
    if (!trait.config.empty() &&
        std::find(builtin.begin(), builtin.end(), trait.name) != builtin.end())
      config.options.emplace(trait.config, kBuiltIn);
  return config;
}

// Adds `key=value` unless the command line already sets `key`.
void add_default(KernelCmdline& cmdline, const std::string& key, const std::string& value) {
  if (cmdline.count(key) > 0)
    return;
  cmdline.params.push_back({key, value});
  cmdline.raw = format_cmdline(cmdline.params);
}

Result<bool> read_kernel(const TomlTable& kernel, const std::string& name, Facts& facts,
                         const Knowledge& knowledge) {
  if (auto bad = kernel.only({"release", "cmdline", "lsm", "config_lsm", "builtin"}))
    return *bad;
  TRY(release, kernel.string("release"));
  TRY(cmdline, kernel.string("cmdline"));
  TRY(lsm, kernel.strings("lsm"));
  TRY(config_lsm, kernel.string("config_lsm"));
  TRY(builtin, kernel.strings("builtin"));

  if (release) {
    KernelRelease parsed = parse_kernel_release(*release);
    if (parsed.major == 0)
      return make_error(fmt::format("{}: kernel.release '{}' is not a kernel release (6.18.2)",
                                    kernel.where("release"), *release));
    facts.kernel = Fact<KernelRelease>::known(parsed, {name, kernel.line("release")});
  } else {
    facts.kernel = Fact<KernelRelease>::unknown("the plan gives no kernel.release", {name});
  }

  KernelCmdline line = parse_cmdline(cmdline.value_or(""));
  if (lsm) {
    if (line.count("lsm") > 0)
      return make_error(fmt::format("{}: kernel.lsm and an lsm= in kernel.cmdline: give one",
                                    kernel.where("lsm")));
    auto list = parse_lsm_list(fmt::format("{}", fmt::join(*lsm, ",")));
    if (!list.problems.empty() || list.names.size() != lsm->size())
      return make_error(fmt::format("{}: kernel.lsm: '{}' is not a module name",
                                    kernel.where("lsm"),
                                    list.problems.empty() ? "" : list.problems.front()));
    line.params.push_back({"lsm", join_lsm_list(list.names)});
    line.raw = format_cmdline(line.params);
  }
  if (cmdline || lsm)
    facts.cmdline = Fact<KernelCmdline>::known(std::move(line),
                                               {name, kernel.line(cmdline ? "cmdline" : "lsm")});
  else
    facts.cmdline = Fact<KernelCmdline>::unknown(
        "the plan gives neither kernel.cmdline nor kernel.lsm", {name});

  if (config_lsm) {
    std::vector<std::string> built = builtin.value_or(std::vector<std::string>{});
    if (!builtin) {
      built = parse_lsm_list(*config_lsm).names;
      if (facts.cmdline.is_known())
        for (const auto& m : requested_lsms(*facts.cmdline))
          built.push_back(m);
    }
    facts.kconfig = Fact<KernelConfig>::known(plan_config(*config_lsm, built, knowledge),
                                              {name, kernel.line("config_lsm")});
  } else
    facts.kconfig = Fact<KernelConfig>::unknown("the plan gives no kernel.config_lsm", {name});
  return true;
}

// `path` as the plan means it: relative paths start at the plan's directory.
std::string beside(const std::string& plan_name, const std::string& path) {
  std::size_t slash = plan_name.rfind('/');
  if (path.front() == '/' || slash == std::string::npos)
    return path;
  return plan_name.substr(0, slash + 1) + path;
}

// Parses rule files of the planned system. Their watches name paths on that
// system, not on this one, so they are not looked up here.
Result<AuditRules> read_rules(const std::vector<std::string>& paths, const PlanInputs& inputs,
                              std::string how_found) {
  AuditRules rules;
  rules.how_found = std::move(how_found);
  int machine = audit_detect_machine();
  for (const auto& path : paths) {
    if (!inputs.read_file)
      return make_error(fmt::format("{}: this plan reader reads no files", path));
    TRY(text, inputs.read_file(path));
    rules.files.push_back(path);
    parse_audit_rules(text, path, machine, rules);
  }
  return rules;
}

// The rules one string per line ([audit] rules = ["-D", "-e 1"], as NixOS's
// security.audit.rules), each line cited at its place in the plan.
AuditRules inline_rules(const std::vector<std::pair<std::string, int>>& items,
                        const std::string& name) {
  AuditRules rules;
  rules.how_found = fmt::format("audit.rules in {}", name);
  rules.files.push_back(name);
  int machine = audit_detect_machine();
  bool ignore_errors = false;
  for (const auto& [text, line] : items) {
    std::size_t start = 0;
    while (start <= text.size()) {
      std::size_t nl = text.find('\n', start);
      std::string_view one = std::string_view(text).substr(
          start, nl == std::string::npos ? std::string::npos : nl - start);
      parse_audit_rule_line(one, name, line, machine, ignore_errors, rules);
      if (nl == std::string::npos)
        break;
      start = nl + 1;
    }
  }
  return rules;
}

// [audit] rules: a rules file's path or the rules themselves; nullopt when absent.
Result<std::optional<Fact<AuditRules>>>
read_plan_rules(const TomlTable& audit, const std::string& name, const PlanInputs& inputs) {
  using Rules = std::optional<Fact<AuditRules>>;
  if (audit.is_array("rules")) {
    TRY(items, audit.located_strings("rules"));
    return Rules(Fact<AuditRules>::known(inline_rules(items, name), {name, audit.line("rules")}));
  }
  TRY(rules, audit.string("rules"));
  if (!rules)
    return Rules();
  if (rules->empty() || rules->find('\0') != std::string::npos)
    return make_error(fmt::format("{}: audit.rules must be the path of a rules file or a list of "
                                  "rules",
                                  audit.where("rules")));
  std::string path = beside(name, *rules);
  auto read = read_rules({path}, inputs, fmt::format("audit.rules of {}", name));
  if (!read)
    return make_error(
        fmt::format("{}: audit.rules: {}", audit.where("rules"), read.error().message));
  return Rules(Fact<AuditRules>::known(std::move(*read), {path}));
}

// The failure mode the last valid -f line of the rules sets, with its line.
const AuditRuleLine* last_failure_line(const AuditRules& rules) {
  const AuditRuleLine* found = nullptr;
  for (const auto& line : rules.lines)
    if (line.kind == AuditRuleKind::control && line.control == "-f" && line.valid &&
        line.value.size() == 1 && line.value[0] >= '0' && line.value[0] <= '0' + kFailurePanic)
      found = &line;
  return found;
}

// [audit] settings that the kernel takes from its command line become the
// parameters that carry them, unless the command line already sets them;
// the failure mode and the rules file become their own facts.
Result<bool> read_audit(const TomlTable& audit, const std::string& name, Facts& facts,
                        const PlanInputs& inputs) {
  if (auto bad = audit.only({"enabled", "backlog_limit", "failure", "rules"}))
    return *bad;
  TRY(enabled, audit.boolean("enabled"));
  TRY(backlog_limit, audit.integer("backlog_limit", 0, 0xffffffffLL));
  TRY(failure, audit.choice("failure", {"silent", "printk", "panic"}));
  if (failure)
    facts.audit_failure_mode = Fact<int>::known(*failure, {name, audit.line("failure")});
  if (inputs.audit_rules.empty()) {
    TRY(rules, read_plan_rules(audit, name, inputs));
    if (rules)
      facts.audit_rules = std::move(*rules);
  }
  if (!enabled && !backlog_limit)
    return true;
  if (!facts.cmdline.is_known())
    facts.cmdline = Fact<KernelCmdline>::known({}, {name, audit.line("enabled")});
  KernelCmdline& line = facts.cmdline.value();
  if (enabled)
    add_default(line, "audit", *enabled ? "1" : "0");
  if (backlog_limit)
    add_default(line, "audit_backlog_limit", std::to_string(*backlog_limit));
  return true;
}

// What the plan does not give: --audit-rules in place of [audit] rules, the
// failure mode from the rules' last -f, and the reasons of what stays unknown.
Result<bool> complete_audit(const std::string& name, Facts& facts, const PlanInputs& inputs) {
  if (!inputs.audit_rules.empty()) {
    TRY(rules, read_rules(inputs.audit_rules, inputs, "--audit-rules"));
    std::string first = inputs.audit_rules.front();
    facts.audit_rules = Fact<AuditRules>::known(std::move(rules), {first});
  }
  std::string why = fmt::format("{} ({})", kNotBooted, name);
  if (!facts.audit_rules.is_known())
    facts.audit_rules =
        Fact<AuditRules>::unknown(why + ": the plan gives no audit.rules file", {name});
  if (!facts.audit_failure_mode.is_known()) {
    const AuditRuleLine* line =
        facts.audit_rules.is_known() ? last_failure_line(*facts.audit_rules) : nullptr;
    if (line)
      facts.audit_failure_mode = Fact<int>::known(line->value[0] - '0', {line->file, line->line});
    else
      facts.audit_failure_mode =
          Fact<int>::unknown("the plan gives no audit.failure and its rules no -f line", {name});
  }
  return true;
}

} // namespace

Result<Facts> parse_plan(std::string_view text, const std::string& name, const Knowledge& knowledge,
                         const PlanInputs& inputs) {
  TRY(doc, parse_toml(text, name));
  TomlTable top(doc, name);
  if (auto bad = top.only({"kernel", "audit"}))
    return *bad;
  Facts facts;
  facts.origin = Origin::plan;
  facts.root = name;
  TRY(kernel, top.table("kernel"));
  if (!kernel)
    return make_error(fmt::format("{}: a plan needs a [kernel] table", name));
  TRY(kernel_ok, read_kernel(*kernel, name, facts, knowledge));
  (void)kernel_ok;
  TRY(audit, top.table("audit"));
  if (audit) {
    TRY(audit_ok, read_audit(*audit, name, facts, inputs));
    (void)audit_ok;
  }
  TRY(completed, complete_audit(name, facts, inputs));
  (void)completed;
  std::string why = fmt::format("{} ({})", kNotBooted, name);
  facts.active_lsms = Fact<std::vector<std::string>>::unknown(
      why + ": the order is predicted from lsm= and CONFIG_LSM", {name});
  facts.kernel_log = Fact<KernelLog>::unknown(why + ": it has no kernel log yet", {name});
  facts.audit_status = Fact<AuditStatus>::unknown(why + ": there is no audit status yet", {name});
  facts.audit_rules_loaded =
      Fact<LoadedAuditRules>::unknown(why + ": no audit rules are loaded", {name});
  facts.audit_log = Fact<AuditLogSummary>::unknown(why + ": it has no audit.log yet", {name});
  facts.hostname = Fact<std::string>::unknown(why + ": a plan names no host", {name});
  return facts;
}

Result<Facts> read_plan(const std::string& path, const Knowledge& knowledge,
                        const std::vector<std::string>& audit_rules) {
  TRY(text, read_small_file(path, 1 << 20));
  PlanInputs inputs;
  inputs.read_file = [](const std::string& file) { return read_small_file(file, kMaxRulesFile); };
  inputs.audit_rules = audit_rules;
  return parse_plan(text, path, knowledge, inputs);
}

} // namespace lsmdoctor
