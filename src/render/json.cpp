// The JSON report: a contract, versioned by schema_version and described by
// schema/report.schema.json.
#include "remedies/targets.h"
#include "render/journal_view.h"
#include "render/json_writer.h"
#include "render/report.h"

namespace lsmdoctor {

void write_stack_json(JsonWriter& json, const Facts& facts, const Knowledge& knowledge);
void write_audit_log_json(JsonWriter& json, const Fact<AuditLogSummary>& fact);
void write_audit_rules_json(JsonWriter& json, const Fact<AuditRules>& files,
                            const Fact<LoadedAuditRules>& loaded);

namespace {

std::string_view origin_name(Origin o) {
  switch (o) {
  case Origin::live:
    return "live";
  case Origin::root:
    return "root";
  case Origin::snapshot:
    return "snapshot";
  case Origin::plan:
    return "plan";
  }
  return "live";
}

template <class T> void write_fact(JsonWriter& json, std::string_view name, const Fact<T>& fact) {
  json.key(name).begin_object();
  json.field("known", fact.is_known());
  if (fact.is_known())
    json.field("source", fact.from().source);
  else
    json.field("reason", fact.reason());
  json.end_object();
}

// The audit status as AUDIT_GET reports it; null with a reason when unknown.
void write_audit_json(JsonWriter& json, const Fact<AuditStatus>& fact) {
  json.key("audit").begin_object();
  json.key("status");
  if (!fact.is_known()) {
    json.null();
    json.field("unknown_reason", fact.reason());
    json.end_object();
    return;
  }
  const AuditStatus& s = *fact;
  auto number = [&](std::string_view name, std::uint32_t v) {
    json.field(name, static_cast<std::uint64_t>(v));
  };
  json.begin_object();
  json.field("enabled", s.enabled).field("failure", s.failure);
  number("pid", s.pid);
  number("rate_limit", s.rate_limit);
  number("backlog_limit", s.backlog_limit);
  number("lost", s.lost);
  number("backlog", s.backlog);
  if (s.backlog_wait_time)
    number("backlog_wait_time", *s.backlog_wait_time);
  if (s.feature_bitmap)
    number("feature_bitmap", *s.feature_bitmap);
  json.end_object();
  json.field("source", fact.from().source);
  json.end_object();
}

void write_evidence(JsonWriter& json, const Evidence& e) {
  json.begin_object();
  json.field("source", e.source);
  if (e.line > 0)
    json.field("line", e.line);
  json.field("excerpt", e.excerpt);
  if (e.count)
    json.field("count", *e.count);
  if (!e.first_seen.empty())
    json.field("first_seen", e.first_seen);
  if (!e.last_seen.empty())
    json.field("last_seen", e.last_seen);
  if (!e.note.empty())
    json.field("note", e.note);
  json.end_object();
}

void write_finding(JsonWriter& json, const Finding& f) {
  json.begin_object();
  json.field("id", f.id);
  json.field("status", to_string(f.status));
  json.field("severity", to_string(f.severity));
  json.field("title", f.title);
  if (!f.detail.empty())
    json.field("detail", f.detail);
  if (!f.confidence.empty())
    json.field("confidence", f.confidence);
  if (!f.level.empty())
    json.field("level", f.level);
  if (f.waiver) {
    json.key("waiver").begin_object();
    json.field("reason", f.waiver->reason);
    json.field("expires", f.waiver->expires.empty()
                              ? std::nullopt
                              : std::optional<std::string>(f.waiver->expires));
    json.field("source", f.waiver->source).field("line", f.waiver->line);
    json.end_object();
  }
  json.key("evidence").begin_array();
  for (const auto& e : f.evidence)
    write_evidence(json, e);
  json.end_array();
  json.key("hypotheses").begin_array();
  for (const auto& h : f.hypotheses) {
    json.begin_object();
    json.field("id", h.id).field("summary", h.summary).field("confidence", h.confidence);
    json.string_array("supports", h.supports).string_array("contradicts", h.contradicts);
    json.field("remedy", h.remedy);
    json.end_object();
  }
  json.end_array();
  json.end_object();
}

void write_cmdline_edit(JsonWriter& json, const char* key, const CmdlineEdit& edit) {
  json.key(key).begin_object();
  json.key("set").begin_array();
  for (const auto& p : edit.set)
    json.begin_object().field("key", p.key).field("value", p.value).end_object();
  json.end_array();
  json.string_array("remove", edit.remove);
  json.end_object();
}

void write_action(JsonWriter& json, const Action& a) {
  json.begin_object();
  json.field("id", a.id)
      .field("kind", a.kind == ActionKind::kernel_cmdline   ? "kernel-cmdline"
                     : a.kind == ActionKind::audit_config   ? "audit-config"
                     : a.kind == ActionKind::kernel_package ? "kernel-package"
                                                            : "service")
      .field("summary", a.summary)
      .field("why", a.why);
  json.string_array("finding_ids", a.finding_ids);
  write_cmdline_edit(json, "cmdline", a.cmdline);
  if (!a.lsm_order.empty())
    json.string_array("lsm_order", a.lsm_order);
  if (!a.audit.empty()) {
    json.key("audit").begin_object();
    if (a.audit.backlog_limit)
      json.field("backlog_limit", static_cast<std::uint64_t>(*a.audit.backlog_limit));
    if (a.audit.failure)
      json.field("failure", *a.audit.failure);
    json.end_object();
  }
  if (!a.enable_service.empty())
    json.field("enable_service", a.enable_service);
  if (!a.kernel.empty()) {
    json.key("kernel").begin_object();
    json.field("range", a.kernel.range).field("unaffected", a.kernel.unaffected);
    if (!a.kernel.nixos_kernel_packages.empty())
      json.field("nixos_kernel_packages", a.kernel.nixos_kernel_packages);
    json.field("source", a.kernel.source);
    json.end_object();
  }
  json.field("reboot", a.reboot).field("disruption_level", to_string(a.disruption_level));
  json.field("disruption", a.disruption).field("lost", a.lost);
  json.field("verify", a.verify).field("verify_command", a.verify_command);
  json.string_array("verify_expect", a.verify_expect);
  json.field("undo", a.undo);
  write_cmdline_edit(json, "undo_cmdline", a.undo_cmdline);
  json.string_array("staged_in", a.staged_in);
  json.end_object();
}

} // namespace

std::string render_json(const Report& r) {
  JsonWriter json;
  json.begin_object();
  json.field("schema_version", kJsonSchemaVersion);
  json.key("tool")
      .begin_object()
      .field("name", "lsm-doctor")
      .field("version", kToolVersion)
      .end_object();
  json.key("input")
      .begin_object()
      .field("origin", origin_name(r.facts.origin))
      .field("root", r.facts.root)
      .end_object();
  json.field("config",
             r.config_file.empty() ? std::nullopt : std::optional<std::string>(r.config_file));
  json.field("kernel", r.facts.kernel.is_known() ? std::optional<std::string>(r.facts.kernel->text)
                                                 : std::nullopt);
  write_stack_json(json, r.facts, r.knowledge);
  write_audit_json(json, r.facts.audit_status);
  write_journal_json(json, r.facts.journal);
  write_audit_log_json(json, r.facts.audit_log);
  write_audit_rules_json(json, r.facts.audit_rules, r.facts.audit_rules_loaded);
  json.key("facts").begin_object();
  write_fact(json, "kernel_release", r.facts.kernel);
  write_fact(json, "cmdline", r.facts.cmdline);
  write_fact(json, "active_lsms", r.facts.active_lsms);
  write_fact(json, "kernel_config", r.facts.kconfig);
  write_fact(json, "kernel_log", r.facts.kernel_log);
  write_fact(json, "audit_status", r.facts.audit_status);
  write_fact(json, "audit_failure_mode", r.facts.audit_failure_mode);
  write_fact(json, "journal", r.facts.journal);
  write_fact(json, "audit_log", r.facts.audit_log);
  write_fact(json, "audit_rules", r.facts.audit_rules);
  write_fact(json, "audit_rules_loaded", r.facts.audit_rules_loaded);
  json.end_object();
  json.key("findings").begin_array();
  for (const auto& f : r.findings)
    write_finding(json, f);
  json.end_array();
  json.key("summary").begin_object();
  int counts[4] = {0, 0, 0, 0};
  int waived = 0;
  for (const auto& f : r.findings) {
    ++counts[static_cast<int>(f.status)];
    waived += f.waiver ? 1 : 0;
  }
  json.field("pass", counts[0]).field("fail", counts[1]).field("unknown", counts[2]);
  json.field("not-applicable", counts[3]).field("waived", waived);
  json.field("exit_code", r.verdict.exit_code);
  json.end_object();
  json.key("remediation").begin_object();
  json.key("actions").begin_array();
  for (const auto& a : r.plan.actions)
    write_action(json, a);
  json.end_array();
  json.field("current_cmdline", r.plan.current_cmdline);
  json.field("proposed_cmdline", r.plan.proposed_cmdline);
  json.key("targets").begin_object();
  if (!r.plan.empty()) {
    json.field("cmdline", remedies::render_cmdline(r.plan));
    json.field("grub", remedies::render_grub(r.plan));
    json.field("grubby", remedies::render_grubby(r.plan));
    json.field("audit-rules", remedies::render_audit_rules(r.plan));
    json.field("systemd-boot", remedies::render_systemd_boot(r.plan));
    json.field("nixos", remedies::render_nixos(r.plan, r.nixos_host));
    json.field("shell", remedies::render_shell(r.plan, kToolVersion));
  }
  json.end_object();
  json.end_object();
  json.string_array("warnings", r.facts.warnings);
  json.end_object();
  return json.str();
}

} // namespace lsmdoctor
