// audit.rules.watch-symlink: a file watch (-w PATH) names a symbolic link.
// The kernel watches the link itself, not the file it points to; on NixOS
// /etc files are links into the store, so such a watch sees nothing useful.
#include "checks/checks.h"
#include "checks/evidence.h"

#include <fmt/format.h>

namespace lsmdoctor::checks {
namespace {
Finding run(const CheckContext& ctx);
} // namespace

const CheckDef audit_rules_watch_symlink{"audit.rules.watch-symlink", Severity::warning,
                                         "a file watch names a symbolic link", run};

namespace {

const AuditRuleLine* line_of(const AuditRules& rules, const std::string& path) {
  for (const auto& line : rules.lines)
    if (line.kind == AuditRuleKind::watch && line.valid && line.path == path)
      return &line;
  return nullptr;
}

Finding run(const CheckContext& ctx) {
  const CheckDef& def = audit_rules_watch_symlink;
  const Facts& facts = ctx.facts;
  if (auto gate = without_rule_files(def, facts))
    return *gate;
  const AuditRules& rules = *facts.audit_rules;
  if (facts.origin == Origin::plan)
    for (const auto& line : rules.lines)
      if (line.kind == AuditRuleKind::watch && line.valid)
        return not_applicable(def, "a plan's watched paths are on the planned system, not here");
  if (rules.watches.empty())
    return not_applicable(def, "no file watches (-w) in the audit rules");
  Finding f =
      pass(def, fmt::format("{} watched path(s), none a symbolic link", rules.watches.size()));
  std::size_t links = 0;
  for (const auto& watch : rules.watches) {
    if (!watch.symlink)
      continue;
    ++links;
    const AuditRuleLine* line = line_of(rules, watch.path);
    Evidence e = line ? rule_evidence(*line) : Evidence{};
    if (!line) {
      e.source = "audit rules";
      e.excerpt = "-w " + watch.path;
    }
    e.note = fmt::format("{} -> {}", watch.path, watch.target);
    f.evidence.push_back(std::move(e));
  }
  if (links == 0)
    return f;
  Finding failed = fail(def, fmt::format("{} watched path(s) are symbolic links", links));
  failed.evidence = std::move(f.evidence);
  failed.detail =
      "A watch is placed on the inode the path names without following a final symbolic "
      "link: it records changes to the link itself, not to the file it points to. On NixOS "
      "/etc files are links into the Nix store (replaced, not written, on every switch); "
      "watch the directory (-w /etc/ssh/ -p wa) or the resolved target instead.";
  failed.confidence = "high";
  return failed;
}

} // namespace
} // namespace lsmdoctor::checks
