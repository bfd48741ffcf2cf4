#include "core/snapshot_paths.h"

namespace lsmdoctor {
namespace {

// Every string of a fact that may name a path.
template <class T>
void fact_paths(Fact<T>& fact, const std::string& root, const std::string& label) {
  fact.rename_sources([&](std::string& text) { name_path_in_snapshot(text, root, label); });
}

} // namespace

void name_path_in_snapshot(std::string& text, const std::string& root, const std::string& label) {
  std::string base = root;
  while (base.size() > 1 && base.back() == '/')
    base.pop_back();
  if (base.empty() || text.find(base) == std::string::npos)
    return;
  std::string out;
  std::size_t at = 0;
  for (std::size_t hit = text.find(base); hit != std::string::npos; hit = text.find(base, at)) {
    std::size_t end = hit + base.size();
    // Only the whole directory name: ROOT, ROOT/..., not ROOT2/...
    bool whole = end == text.size() || text[end] == '/' || text[end] == ' ' || text[end] == ':' ||
                 text[end] == ')' || text[end] == '\'' || text[end] == '"' || text[end] == ';' ||
                 text[end] == ',';
    out.append(text, at, hit - at);
    if (whole) {
      out += label + ":";
      if (end == text.size() || text[end] != '/')
        out += "/";
    } else {
      out.append(text, hit, base.size());
    }
    at = end;
  }
  out.append(text, at, std::string::npos);
  text = std::move(out);
}

void name_paths_in_snapshot(const std::string& root, const std::string& label, Facts& facts,
                            std::vector<Finding>& findings, Plan& plan) {
  auto fix = [&](std::string& text) { name_path_in_snapshot(text, root, label); };
  fact_paths(facts.kernel, root, label);
  fact_paths(facts.active_lsms, root, label);
  fact_paths(facts.cmdline, root, label);
  fact_paths(facts.kconfig, root, label);
  fact_paths(facts.kernel_log, root, label);
  fact_paths(facts.audit_status, root, label);
  fact_paths(facts.audit_failure_mode, root, label);
  fact_paths(facts.audit_rules, root, label);
  fact_paths(facts.audit_rules_loaded, root, label);
  fact_paths(facts.units, root, label);
  fact_paths(facts.audit_log, root, label);
  fact_paths(facts.probes, root, label);
  fact_paths(facts.boot_config, root, label);
  fact_paths(facts.journal, root, label);
  fact_paths(facts.hostname, root, label);
  if (facts.kernel_log.is_known())
    fix(facts.kernel_log.value().source);
  if (facts.journal.is_known())
    fix(facts.journal.value().source);
  if (facts.audit_log.is_known()) {
    for (auto& file : facts.audit_log.value().files)
      fix(file);
    fix(facts.audit_log.value().first_multi_context);
  }
  if (facts.audit_rules.is_known()) {
    for (auto& file : facts.audit_rules.value().files)
      fix(file);
    for (auto& line : facts.audit_rules.value().lines)
      fix(line.file);
    for (auto& problem : facts.audit_rules.value().problems)
      fix(problem.file);
  }
  if (facts.units.is_known())
    for (auto& unit : facts.units.value().units) {
      fix(unit.messages_source);
      fix(unit.state_source);
    }
  for (auto& w : facts.warnings)
    fix(w);
  for (auto& f : findings) {
    fix(f.title);
    fix(f.detail);
    for (auto& e : f.evidence) {
      fix(e.source);
      fix(e.excerpt);
      fix(e.note);
    }
    for (auto& h : f.hypotheses) {
      fix(h.summary);
      for (auto& s : h.supports)
        fix(s);
      for (auto& s : h.contradicts)
        fix(s);
    }
  }
  for (auto& a : plan.actions) {
    fix(a.summary);
    fix(a.why);
    for (auto& s : a.staged_in)
      fix(s);
  }
}

} // namespace lsmdoctor
