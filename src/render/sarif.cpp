// SARIF 2.1.0 (OASIS): one rule per check id, one result per finding, with
// the evidence as locations. Validated against the 2.1.0 schema in tests.
#include "core/check.h"
#include "render/explain.h"
#include "render/json_writer.h"
#include "render/report.h"

#include <fmt/format.h>
#include <set>
#include <tuple>

namespace lsmdoctor {
namespace {

// Whether an evidence source names a file (as opposed to "netlink",
// "lsm_list_modules(2)" or "predicted from lsm=").
bool is_file_source(const std::string& source) {
  if (source.empty() || source.find_first_of(" \t\n()") != std::string::npos)
    return false;
  return source.find('/') != std::string::npos;
}

// A URI reference for a path: file:///abs/path or a relative reference,
// with every byte outside RFC 3986's unreserved set and '/' percent-encoded.
std::string path_uri(const std::string& path) {
  std::string out = path.front() == '/' ? "file://" : "";
  for (unsigned char c : path) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
    out += plain ? std::string(1, static_cast<char>(c)) : fmt::format("%{:02X}", c);
  }
  return out;
}

// SARIF ties level to kind: only a failing result has a level other than none.
std::string_view sarif_level(Severity severity) {
  switch (severity) {
  case Severity::error:
    return "error";
  case Severity::warning:
    return "warning";
  case Severity::info:
    return "note";
  }
  return "note";
}

std::string_view sarif_kind(Status status) {
  switch (status) {
  case Status::pass:
    return "pass";
  case Status::fail:
    return "fail";
  case Status::unknown:
    return "open"; // "could not determine whether the result is pass or fail"
  case Status::not_applicable:
    return "notApplicable";
  }
  return "open";
}

// A rule without documentation in the knowledge files (a --knowledge
// directory may lack an entry) still says where to look.
std::string rule_help(const CheckDef& def) {
  return fmt::format("{}. Severity when failing: {}. Run `lsm-doctor explain {}` for what it reads "
                     "and why it matters; lsm-doctor(1), section CHECKS, describes every check.",
                     def.title, to_string(def.severity), def.id);
}

// One rule: its description and help are what `lsm-doctor explain` prints.
void write_rule(JsonWriter& json, const CheckDef& def, const Knowledge& knowledge) {
  const CheckDoc* doc = knowledge.check(std::string(def.id));
  json.begin_object();
  json.field("id", def.id);
  json.key("shortDescription").begin_object().field("text", def.title).end_object();
  json.key("fullDescription")
      .begin_object()
      .field("text", doc ? doc->reads + " " + doc->why : std::string(def.title))
      .end_object();
  json.key("help").begin_object();
  if (doc)
    json.field("text", explain_text(def, *doc, knowledge))
        .field("markdown", explain_markdown(def, *doc, knowledge));
  else
    json.field("text", rule_help(def));
  json.end_object();
  json.key("defaultConfiguration")
      .begin_object()
      .field("level", sarif_level(def.severity))
      .end_object();
  json.end_object();
}

std::string evidence_text(const Evidence& e) {
  std::string text = e.excerpt;
  if (e.count)
    text += fmt::format(" [x{}", *e.count);
  if (e.count && !e.first_seen.empty())
    text += fmt::format(", first {}, last {}", e.first_seen, e.last_seen);
  if (e.count)
    text += "]";
  if (!e.note.empty())
    text += " (" + e.note + ")";
  return text.empty() ? e.source : text;
}

void write_location(JsonWriter& json, const Evidence& e) {
  json.begin_object();
  json.key("physicalLocation").begin_object();
  json.key("artifactLocation").begin_object().field("uri", path_uri(e.source)).end_object();
  if (e.line > 0) {
    json.key("region").begin_object().field("startLine", e.line);
    if (!e.excerpt.empty())
      json.key("snippet").begin_object().field("text", e.excerpt).end_object();
    json.end_object();
  }
  json.end_object();
  json.key("message").begin_object().field("text", evidence_text(e)).end_object();
  json.end_object();
}

void write_result(JsonWriter& json, const Finding& f, int rule_index) {
  json.begin_object();
  json.field("ruleId", f.id);
  if (rule_index >= 0)
    json.field("ruleIndex", rule_index);
  json.field("kind", sarif_kind(f.status));
  json.field("level", f.status == Status::fail ? sarif_level(f.severity) : "none");
  std::string message = f.title;
  if (!f.detail.empty())
    message += ". " + f.detail;
  json.key("message").begin_object().field("text", message).end_object();
  // Evidence from files is a location; the rest (system calls, netlink,
  // predictions) still travels, as related locations without a file.
  // SARIF wants locations unique; two findings may cite the same line twice.
  json.key("locations").begin_array();
  std::set<std::tuple<std::string, int, std::string>> seen;
  for (const auto& e : f.evidence)
    if (is_file_source(e.source) && seen.emplace(e.source, e.line, evidence_text(e)).second)
      write_location(json, e);
  json.end_array();
  json.key("relatedLocations").begin_array();
  int related_id = 0;
  for (const auto& e : f.evidence) {
    if (is_file_source(e.source))
      continue;
    json.begin_object().field("id", related_id++);
    json.key("message")
        .begin_object()
        .field("text", e.source + ": " + evidence_text(e))
        .end_object();
    json.end_object();
  }
  json.end_array();
  if (f.waiver) {
    // SARIF 2.1.0 §3.35: suppressed in an external file (lsm-doctor.toml).
    json.key("suppressions").begin_array().begin_object();
    json.field("kind", "external").field("status", "accepted");
    json.field("justification", f.waiver->reason);
    json.key("properties").begin_object();
    json.field("source", f.waiver->source).field("line", f.waiver->line);
    if (!f.waiver->expires.empty())
      json.field("expires", f.waiver->expires);
    json.end_object();
    json.end_object().end_array();
  }
  json.key("properties").begin_object();
  json.field("status", to_string(f.status)).field("severity", to_string(f.severity));
  if (!f.confidence.empty())
    json.field("confidence", f.confidence);
  json.end_object();
  json.end_object();
}

} // namespace

std::string render_sarif(const Report& r) {
  const auto& registry = check_registry();
  JsonWriter json;
  json.begin_object();
  json.field("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
  json.field("version", "2.1.0");
  json.key("runs").begin_array().begin_object();
  json.key("tool").begin_object().key("driver").begin_object();
  json.field("name", "lsm-doctor").field("version", kToolVersion);
  json.field("semanticVersion", kToolVersion);
  json.key("rules").begin_array();
  for (const auto& def : registry)
    write_rule(json, def, r.knowledge);
  json.end_array();
  json.end_object().end_object();
  json.key("invocations").begin_array().begin_object();
  json.field("executionSuccessful", true).field("exitCode", r.verdict.exit_code);
  json.key("toolExecutionNotifications").begin_array();
  for (const auto& warning : r.facts.warnings) {
    json.begin_object().field("level", "warning");
    json.key("message").begin_object().field("text", warning).end_object();
    json.end_object();
  }
  json.end_array();
  json.end_object().end_array();
  json.key("results").begin_array();
  for (const auto& f : r.findings) {
    int index = -1;
    for (std::size_t i = 0; i < registry.size(); ++i)
      if (registry[i].id == f.id)
        index = static_cast<int>(i);
    write_result(json, f, index);
  }
  json.end_array();
  json.end_object().end_array();
  json.end_object();
  return json.str();
}

} // namespace lsmdoctor
