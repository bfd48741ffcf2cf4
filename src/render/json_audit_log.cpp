// The "audit_log" object of the JSON report: what the audit.log scan counted.
#include "core/facts.h"
#include "render/json_writer.h"

namespace lsmdoctor {

namespace {

void write_counts(JsonWriter& json, std::string_view name,
                  const std::map<std::string, std::uint64_t>& counts) {
  json.key(name).begin_object();
  for (const auto& [key, count] : counts)
    json.field(key, count);
  json.end_object();
}

void write_sample(JsonWriter& json, std::string_view name,
                  const std::optional<AuditRecordSample>& sample) {
  if (!sample)
    return;
  json.key(name).begin_object();
  json.field("where", sample->where).field("time", sample->time).field("text", sample->text);
  json.end_object();
}

} // namespace

// Null with a reason when the logs could not be read.
void write_audit_log_json(JsonWriter& json, const Fact<AuditLogSummary>& fact) {
  json.key("audit_log").begin_object();
  if (!fact.is_known()) {
    json.key("summary").null();
    json.field("unknown_reason", fact.reason());
    json.end_object();
    return;
  }
  const AuditLogSummary& s = *fact;
  json.key("summary").begin_object();
  json.string_array("files", s.files);
  json.string_array("unreadable", s.unreadable);
  json.field("records", s.records).field("other_lines", s.other_lines);
  write_counts(json, "by_type", s.by_type);
  write_counts(json, "by_lsm", s.by_lsm);
  json.key("renamed_types").begin_object();
  for (const auto& [raw, name] : s.renamed_types)
    json.field(raw, name);
  json.end_object();
  auto optional_text = [](const std::string& t) {
    return t.empty() ? std::nullopt : std::optional<std::string>(t);
  };
  json.field("first_time", optional_text(s.first_time));
  json.field("last_time", optional_text(s.last_time));
  json.field("multi_context_records", s.multi_context_records);
  json.string_array("multi_context_lsms", s.multi_context_lsms);
  json.field("subj_records", s.subj_records);
  json.field("subj_unset", s.subj_unset);
  json.field("subj_missing", s.subj_missing);
  write_sample(json, "multi_context_first", s.multi_context_sample);
  write_sample(json, "subj_unset_first", s.subj_unset_first);
  write_sample(json, "subj_missing_first", s.subj_missing_first);
  write_sample(json, "subj_missing_last", s.subj_missing_last);
  json.end_object();
  json.field("source", fact.from().source);
  json.end_object();
}

} // namespace lsmdoctor

namespace lsmdoctor {

namespace {

void write_rule(JsonWriter& json, const AuditRuleLine& rule) {
  json.begin_object();
  json.field("file", rule.file).field("line", rule.line).field("text", rule.text);
  if (!rule.list.empty())
    json.field("list", rule.list).field("action", rule.action);
  json.string_array("syscalls", rule.syscalls);
  if (!rule.path.empty())
    json.field("path", rule.path);
  json.key("fields").begin_array();
  for (const auto& f : rule.fields)
    json.begin_object()
        .field("name", f.name)
        .field("op", f.op)
        .field("value", f.value)
        .end_object();
  json.end_array();
  json.string_array("keys", rule.keys);
  json.end_object();
}

} // namespace

// The rules files the boot loads and the rules the kernel has loaded, each
// with known/reason like a fact.
void write_audit_rules_json(JsonWriter& json, const Fact<AuditRules>& files,
                            const Fact<LoadedAuditRules>& loaded) {
  json.key("audit_rules").begin_object();
  json.key("files").begin_object();
  json.field("known", files.is_known());
  if (files.is_known()) {
    json.field("how_found", files->how_found);
    json.string_array("paths", files->files);
    json.field("lines", static_cast<std::uint64_t>(files->lines.size()));
    json.field("problems", static_cast<std::uint64_t>(files->problems.size()));
  } else {
    json.field("reason", files.reason());
  }
  json.end_object();
  json.key("loaded").begin_object();
  json.field("known", loaded.is_known());
  if (loaded.is_known()) {
    json.field("source", loaded.from().source);
    json.key("rules").begin_array();
    for (const auto& rule : loaded->rules)
      write_rule(json, rule);
    json.end_array();
  } else {
    json.field("reason", loaded.reason());
  }
  json.end_object();
  json.end_object();
}

} // namespace lsmdoctor
