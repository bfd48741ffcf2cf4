// lsm-doctor explain ID | --list: offline documentation of the checks, from
// the knowledge (checks.toml, kernels.toml, capability.toml).
#include "cli/cli.h"

#include <fmt/format.h>
#include <iostream>

namespace lsmdoctor {
namespace {

// Wraps `text` at 78 columns with `indent` spaces before every line.
std::string wrapped(const std::string& text, std::size_t indent) {
  std::string out;
  std::string line(indent, ' ');
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string::npos)
      end = text.size();
    std::string word = text.substr(start, end - start);
    if (line.size() > indent && line.size() + 1 + word.size() > 78) {
      out += line + "\n";
      line.assign(indent, ' ');
    }
    if (line.size() > indent)
      line += ' ';
    line += word;
    start = end + 1;
  }
  if (line.size() > indent)
    out += line + "\n";
  return out;
}

std::string explain_text(const CheckDef& def, const CheckDoc& doc, const Knowledge& k) {
  std::string out =
      fmt::format("{} ({})\n{}\n", def.id, doc.severity, wrapped(std::string(def.title), 2));
  out += "Reads\n" + wrapped(doc.reads, 2);
  out += "Why it matters\n" + wrapped(doc.why, 2);
  if (def.id == "kernel.audit-capability" && !k.levels.empty()) {
    out += "Levels\n";
    for (const auto& level : k.levels)
      out += wrapped(
          level.id + ": " + level.summary + " [" + level.confidence + "; " + level.source + "]", 2);
  }
  if (!doc.ranges.empty()) {
    out += "Kernel ranges\n";
    for (const auto& id : doc.ranges) {
      const KernelRange* r = k.range(id);
      if (!r)
        continue;
      out += wrapped(
          fmt::format("{}: {} (confidence {})", r->id, describe_range(*r), r->confidence), 2);
      out += wrapped(r->summary, 4);
      if (!r->unaffected.empty())
        out += wrapped("not affected: " + r->unaffected, 4);
      if (!r->nixos_kernel_packages.empty())
        out += wrapped(
            "NixOS outside the range: boot.kernelPackages = " + r->nixos_kernel_packages + ";", 4);
      out += wrapped("source: " + r->source, 4);
      if (!r->note.empty())
        out += wrapped("note: " + r->note, 4);
    }
  }
  if (!doc.sources.empty()) {
    out += "Sources\n";
    for (const auto& s : doc.sources)
      out += wrapped("- " + s, 2);
  }
  out += "Remedies\n" + wrapped(doc.remedies, 2);
  return out;
}

} // namespace

int cmd_explain(const Options& o) {
  if (o.explain_id.empty() || o.explain_id == "--list") {
    for (const auto& def : check_registry())
      std::cout << fmt::format("{:<34} {}\n", def.id, def.title);
    return kExitHealthy;
  }
  const CheckDef* def = find_check(o.explain_id);
  if (!def) {
    std::cerr << fmt::format("lsm-doctor: no check named '{}' (see lsm-doctor explain --list)\n",
                             o.explain_id);
    return kExitUsage;
  }
  auto knowledge = o.knowledge_dir.empty() ? builtin_knowledge() : load_knowledge(o.knowledge_dir);
  if (!knowledge) {
    std::cerr << "lsm-doctor: " << knowledge.error().message << "\n";
    return kExitInput;
  }
  const CheckDoc* doc = knowledge->check(std::string(def->id));
  if (!doc) {
    std::cout << fmt::format("{}\n  {}\n  severity when failing: {}\n  (no documentation in "
                             "the knowledge files)\n",
                             def->id, def->title, to_string(def->severity));
    return kExitHealthy;
  }
  std::cout << explain_text(*def, *doc, *knowledge);
  return kExitHealthy;
}

} // namespace lsmdoctor
