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
