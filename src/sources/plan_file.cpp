#include "sources/plan_file.h"

#include "model/lsm_stack.h"
#include "parse/cmdline.h"
#include "parse/line_reader.h"
#include "parse/lsm_list.h"
#include "parse/toml_reader.h"

#include <algorithm>
#include <fmt/format.h>

namespace lsmdoctor {
namespace {

constexpr const char* kNotBooted = "a plan is not booted";

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

// [audit] settings that the kernel takes from its command line become the
// parameters that carry them, unless the command line already sets them.
Result<bool> read_audit(const TomlTable& audit, const std::string& name, Facts& facts) {
  if (auto bad = audit.only({"enabled", "backlog_limit"}))
    return *bad;
  TRY(enabled, audit.boolean("enabled"));
  TRY(backlog_limit, audit.integer("backlog_limit", 0, 0xffffffffLL));
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

} // namespace

Result<Facts> parse_plan(std::string_view text, const std::string& name,
                         const Knowledge& knowledge) {
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
    TRY(audit_ok, read_audit(*audit, name, facts));
    (void)audit_ok;
  }
  std::string why = fmt::format("{} ({})", kNotBooted, name);
  facts.active_lsms = Fact<std::vector<std::string>>::unknown(
      why + ": the order is predicted from lsm= and CONFIG_LSM", {name});
  facts.kernel_log = Fact<KernelLog>::unknown(why + ": it has no kernel log yet", {name});
  facts.audit_status = Fact<AuditStatus>::unknown(why + ": there is no audit status yet", {name});
  facts.audit_rules = Fact<AuditRules>::unknown(why + ": no audit rules are loaded", {name});
  facts.audit_log = Fact<AuditLogSummary>::unknown(why + ": it has no audit.log yet", {name});
  return facts;
}

Result<Facts> read_plan(const std::string& path, const Knowledge& knowledge) {
  TRY(text, read_small_file(path, 1 << 20));
  return parse_plan(text, path, knowledge);
}

} // namespace lsmdoctor
