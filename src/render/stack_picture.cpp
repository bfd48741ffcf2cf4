// The `lsm-doctor stack` picture: hook order left to right, context
// providers marked, and one row per module: requested, active, built in and
// the status its own interface reports (sources/lsm_probes.cpp).
#include "parse/lsm_list.h"
#include "render/json_writer.h"
#include "render/quote.h"
#include "render/report.h"
#include "render/style.h"

#include <algorithm>
#include <fmt/format.h>

namespace lsmdoctor {
namespace {

std::vector<std::string> split(const std::string& list) {
  return parse_lsm_list(list).names;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

} // namespace

std::vector<ModuleRow> module_rows(const Facts& facts, const Knowledge& knowledge) {
  std::vector<std::string> names;
  std::vector<std::string> active;
  if (facts.active_lsms.is_known())
    active = *facts.active_lsms;
  names = active;
  // What was asked for: lsm= (with security=), else CONFIG_LSM.
  std::optional<std::vector<std::string>> requested;
  std::string requested_by;
  if (facts.cmdline.is_known()) {
    if (auto lsm = facts.cmdline->last("lsm")) {
      requested = split(*lsm);
      requested_by = "lsm=";
    }
  }
  if (!requested && facts.kconfig.is_known()) {
    if (auto config = facts.kconfig->get("CONFIG_LSM")) {
      requested = split(*config);
      requested_by = "CONFIG_LSM";
      if (facts.cmdline.is_known())
        if (auto security = facts.cmdline->last("security"))
          requested->push_back(*security);
    }
  }
  if (requested)
    for (const auto& n : *requested)
      if (!contains(names, n) && knowledge.lsm(n))
        names.push_back(n);
  if (facts.probes.is_known())
    for (const auto& p : facts.probes->modules)
      if (p.present && !contains(names, p.lsm))
        names.push_back(p.lsm);

  std::vector<ModuleRow> rows;
  for (const auto& name : names) {
    ModuleRow row;
    row.name = name;
    const LsmTrait* trait = knowledge.lsm(name);
    row.secctx = trait && trait->secctx;
    if (facts.active_lsms.is_known()) {
      auto it = std::find(active.begin(), active.end(), name);
      row.active = it != active.end();
      if (*row.active)
        row.position = static_cast<int>(it - active.begin()) + 1;
    }
    if (requested)
      row.requested = contains(*requested, name) || (trait && trait->order == "first");
    row.requested_by = requested_by;
    if (facts.kconfig.is_known() && trait) {
      if (trait->order == "first" || trait->config.empty())
        row.built_in = true;
      else
        row.built_in = facts.kconfig->enabled(trait->config);
    }
    if (facts.probes.is_known()) {
      if (const LsmProbe* p = facts.probes->find(name)) {
        row.status = p->known ? p->status : "unknown: " + p->reason;
        // Active, yet its interface is missing: a tree without it, not a stopped module.
        if (p->known && !p->present && row.active && *row.active)
          row.status = "unknown: active, but " + p->source + " is not readable here";
        row.status_source = p->source;
      }
    }
    if (row.status.empty() && name == "capability")
      row.status = "POSIX capabilities, always first";
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string render_stack_picture(const Facts& facts, const Knowledge& knowledge,
                                 const TextOptions& options) {
  Style s(options.color);
  std::string out = s.heading("Hook order") + "  " +
                    s.dim("(left to right; * provides security contexts to audit)") + "\n  ";
  if (facts.active_lsms.is_known()) {
    std::string line;
    for (const auto& name : *facts.active_lsms) {
      if (!line.empty())
        line += " → ";
      line += knowledge.provides_secctx(name) ? s.bold("[" + name + "*]") : name;
    }
    out += comment_safe(line) + "\n";
  } else {
    out += s.warn("unknown") + " " + s.dim("(" + comment_safe(facts.active_lsms.reason()) + ")") +
           "\n";
  }
  auto rows = module_rows(facts, knowledge);
  auto tri = [](const std::optional<bool>& v) { return v ? (*v ? "yes" : "no") : "?"; };
  std::string requested_by;
  for (const auto& r : rows)
    if (!r.requested_by.empty())
      requested_by = r.requested_by;
  out += "\n" + s.heading("Modules") + "  " +
         s.dim(fmt::format("(requested by {}; built in from the kernel configuration)",
                           requested_by.empty() ? "unknown" : requested_by)) +
         "\n";
  out += fmt::format("  {:<3} {:<12} {:<9} {:<6} {:<5} {}\n", "#", "module", "requested", "active",
                     "built", "status");
  for (const auto& r : rows) {
    std::string name = r.name + (r.secctx ? "*" : "");
    std::string status = r.status.empty() ? "-" : r.status;
    std::string line = fmt::format(
        "  {:<3} {:<12} {:<9} {:<6} {:<5} {}", r.position ? std::to_string(r.position) : "-", name,
        tri(r.requested), tri(r.active), tri(r.built_in), comment_safe(status));
    bool odd = (r.requested && *r.requested && r.active && !*r.active);
    out += (odd ? s.warn(line) : line) + "\n";
  }
  if (facts.probes.is_known()) {
    const ProbeFacts& p = *facts.probes;
    std::string self;
    for (const auto& c : p.self)
      self += (self.empty() ? "" : ", ") + c.lsm + "=" + c.context;
    out += "  own contexts: " +
           (self.empty() ? s.dim(comment_safe(p.self_reason))
                         : comment_safe(self) + " " + s.dim("(" + p.self.front().source + ")")) +
           "\n";
  }
  return out;
}

void write_stack_modules_json(JsonWriter& json, const Facts& facts, const Knowledge& knowledge) {
  auto tri = [&](std::string_view key, const std::optional<bool>& v) {
    json.key(key);
    if (v)
      json.value(*v);
    else
      json.null();
  };
  json.key("modules").begin_array();
  for (const auto& r : module_rows(facts, knowledge)) {
    json.begin_object();
    json.field("name", r.name);
    json.key("position");
    if (r.position)
      json.value(r.position);
    else
      json.null();
    json.field("secctx", r.secctx);
    tri("requested", r.requested);
    tri("active", r.active);
    tri("built_in", r.built_in);
    json.field("status", r.status);
    json.field("status_source", r.status_source);
    json.end_object();
  }
  json.end_array();
  if (facts.probes.is_known()) {
    const ProbeFacts& p = *facts.probes;
    json.key("landlock_abi");
    if (p.landlock_abi)
      json.value(*p.landlock_abi);
    else
      json.null();
    json.key("bpf_lsm_programs");
    if (p.bpf_lsm_programs)
      json.value(*p.bpf_lsm_programs);
    else
      json.null();
    json.key("self_contexts").begin_array();
    for (const auto& c : p.self)
      json.begin_object()
          .field("lsm", c.lsm)
          .field("context", c.context)
          .field("source", c.source)
          .end_object();
    json.end_array();
  }
}

} // namespace lsmdoctor
