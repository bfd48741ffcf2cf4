// The "LSM stack" section: what is active, what was requested, who provides
// contexts, and where each fact came from. Shared by check and stack.
#include "model/lsm_stack.h"
#include "parse/lsm_list.h"
#include "render/json_writer.h"
#include "render/quote.h"
#include "render/report.h"
#include "render/style.h"

#include <algorithm>
#include <fmt/format.h>

namespace lsmdoctor {

void write_stack_modules_json(JsonWriter& json, const Facts& facts, const Knowledge& knowledge);

namespace {

std::vector<std::string> providers(const std::vector<std::string>& order, const Knowledge& k) {
  std::vector<std::string> out;
  std::copy_if(order.begin(), order.end(), std::back_inserter(out),
               [&](const std::string& n) { return k.provides_secctx(n); });
  return out;
}

} // namespace

void write_stack_json(JsonWriter& json, const Facts& facts, const Knowledge& knowledge) {
  json.key("stack").begin_object();
  json.key("active");
  if (facts.active_lsms.is_known()) {
    json.begin_array();
    for (const auto& name : *facts.active_lsms)
      json.value(name);
    json.end_array();
    json.field("source", facts.active_lsms.from().source);
    json.string_array("secctx_providers", providers(*facts.active_lsms, knowledge));
  } else {
    json.null();
    json.field("unknown_reason", facts.active_lsms.reason());
  }
  json.key("requested").begin_object();
  if (facts.cmdline.is_known()) {
    json.field("lsm", facts.cmdline->last("lsm"));
    json.field("security", facts.cmdline->last("security"));
    json.field("source", facts.cmdline.from().source);
  } else {
    json.field("unknown_reason", facts.cmdline.reason());
  }
  json.end_object();
  json.field("config_lsm", facts.kconfig.is_known() ? facts.kconfig->get("CONFIG_LSM")
                                                    : std::optional<std::string>());
  const KernelCmdline* cmdline = facts.cmdline.is_known() ? &*facts.cmdline : nullptr;
  const KernelConfig* config = facts.kconfig.is_known() ? &*facts.kconfig : nullptr;
  const KernelRelease* kernel = facts.kernel.is_known() ? &*facts.kernel : nullptr;
  json.key("predicted");
  if (auto p = predict_stack(cmdline, config, kernel, knowledge)) {
    json.begin_object();
    json.string_array("order", p->order);
    json.field("basis", p->basis);
    json.key("dropped").begin_array();
    for (const auto& d : p->dropped)
      json.begin_object().field("name", d.name).field("reason", d.reason).end_object();
    json.end_array();
    json.end_object();
  } else {
    json.null();
  }
  json.end_object();
}

std::string render_stack_text(const Facts& facts, const Knowledge& knowledge,
                              const TextOptions& options) {
  Style s(options.color);
  std::string out = s.heading("LSM stack") + "\n";
  auto row = [&](std::string_view label, const std::string& value, const std::string& source) {
    out += fmt::format("  {:<11}{}", label, comment_safe(value));
    if (!source.empty())
      out += "  " + s.dim("(" + comment_safe(source) + ")");
    out += '\n';
  };
  if (facts.active_lsms.is_known()) {
    std::string pretty;
    for (const auto& name : *facts.active_lsms) {
      if (!pretty.empty())
        pretty += " → ";
      pretty += knowledge.provides_secctx(name) ? s.bold(name + "*") : name;
    }
    row("active", pretty, facts.active_lsms.from().source);
  } else {
    row("active", s.warn("unknown"), facts.active_lsms.reason());
  }
  if (facts.cmdline.is_known()) {
    auto lsm = facts.cmdline->last("lsm");
    auto security = facts.cmdline->last("security");
    std::string requested;
    if (lsm)
      requested += "lsm=" + *lsm;
    if (security)
      requested += std::string(requested.empty() ? "" : " ") + "security=" + *security;
    row("requested", requested.empty() ? "(no lsm= or security=; CONFIG_LSM decides)" : requested,
        facts.cmdline.from().source);
  } else {
    row("requested", s.warn("unknown"), facts.cmdline.reason());
  }
  if (facts.active_lsms.is_known()) {
    auto p = providers(*facts.active_lsms, knowledge);
    row("contexts",
        p.empty() ? "no active module provides security contexts to audit"
                  : join_lsm_list(p) + " provide" + (p.size() == 1 ? "s" : "") +
                        " security contexts to audit (marked *)",
        "");
  }
  row("kernel", facts.kernel.is_known() ? facts.kernel->text : s.warn("unknown"),
      facts.kernel.is_known() ? facts.kernel.from().source : facts.kernel.reason());
  if (facts.kconfig.is_known())
    row("CONFIG_LSM", facts.kconfig->get("CONFIG_LSM").value_or("(not set)"),
        facts.kconfig.from().source);
  else
    row("CONFIG_LSM", s.warn("unknown"), facts.kconfig.reason());
  if (facts.kernel_log.is_known())
    row("kernel log", fmt::format("{} lines", facts.kernel_log->lines), facts.kernel_log->source);
  else
    row("kernel log", s.warn("unknown"), facts.kernel_log.reason());
  if (facts.audit_status.is_known())
    row("audit", facts.audit_status->summary(), facts.audit_status.from().source);
  else if (facts.origin == Origin::plan && facts.audit_failure_mode.is_known()) {
    // A plan has no status, only the failure mode it configures.
    int mode = *facts.audit_failure_mode;
    const Provenance& from = facts.audit_failure_mode.from();
    row("audit",
        fmt::format("failure={} ({}) planned", mode,
                    mode == 0   ? "silent"
                    : mode == 2 ? "panic"
                                : "printk"),
        from.line > 0 ? fmt::format("{}:{}", from.source, from.line) : from.source);
  } else
    row("audit", s.warn("unknown"), facts.audit_status.reason());
  return out;
}

std::string render_stack_json(const Facts& facts, const Knowledge& knowledge) {
  JsonWriter json;
  json.begin_object();
  json.field("schema_version", kJsonSchemaVersion);
  json.field("kernel", facts.kernel.is_known() ? std::optional<std::string>(facts.kernel->text)
                                               : std::nullopt);
  write_stack_json(json, facts, knowledge);
  json.key("modules_view").begin_object();
  write_stack_modules_json(json, facts, knowledge);
  json.end_object();
  json.end_object();
  return json.str();
}

} // namespace lsmdoctor
