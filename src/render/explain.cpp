#include "render/explain.h"

#include <fmt/format.h>
#include <vector>

namespace lsmdoctor {
namespace {

// One paragraph of a section; `depth` 1 belongs to the paragraph before it
// (a kernel range's details), `item` marks a list entry (a source).
struct Paragraph {
  std::string text;
  int depth = 0;
  bool item = false;
};

struct Section {
  std::string title;
  std::vector<Paragraph> paragraphs;
};

std::vector<Section> sections(const CheckDef& def, const CheckDoc& doc, const Knowledge& k) {
  std::vector<Section> out;
  out.push_back({"Reads", {{doc.reads}}});
  out.push_back({"Why it matters", {{doc.why}}});
  if (def.id == "kernel.audit-capability" && !k.levels.empty()) {
    Section levels{"Levels", {}};
    for (const auto& level : k.levels)
      levels.paragraphs.push_back(
          {level.id + ": " + level.summary + " [" + level.confidence + "; " + level.source + "]", 0,
           true});
    out.push_back(std::move(levels));
  }
  Section ranges{"Kernel ranges", {}};
  for (const auto& id : doc.ranges) {
    const KernelRange* r = k.range(id);
    if (!r)
      continue;
    ranges.paragraphs.push_back(
        {fmt::format("{}: {} (confidence {})", r->id, describe_range(*r), r->confidence), 0, true});
    ranges.paragraphs.push_back({r->summary, 1});
    if (!r->unaffected.empty())
      ranges.paragraphs.push_back({"not affected: " + r->unaffected, 1});
    if (!r->nixos_kernel_packages.empty())
      ranges.paragraphs.push_back(
          {"NixOS outside the range: boot.kernelPackages = " + r->nixos_kernel_packages + ";", 1});
    ranges.paragraphs.push_back({"source: " + r->source, 1});
    if (!r->note.empty())
      ranges.paragraphs.push_back({"note: " + r->note, 1});
  }
  if (!doc.ranges.empty())
    out.push_back(std::move(ranges));
  if (!doc.sources.empty()) {
    Section sources{"Sources", {}};
    for (const auto& s : doc.sources)
      sources.paragraphs.push_back({s, 0, true});
    out.push_back(std::move(sources));
  }
  out.push_back({"Remedies", {{doc.remedies}}});
  return out;
}

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

} // namespace

std::string explain_text(const CheckDef& def, const CheckDoc& doc, const Knowledge& knowledge) {
  std::string out =
      fmt::format("{} ({})\n{}\n", def.id, doc.severity, wrapped(std::string(def.title), 2));
  for (const auto& section : sections(def, doc, knowledge)) {
    out += section.title + "\n";
    bool sources = section.title == "Sources";
    for (const auto& p : section.paragraphs)
      out += wrapped(sources ? "- " + p.text : p.text, 2 + 2 * static_cast<std::size_t>(p.depth));
  }
  return out;
}

std::string explain_markdown(const CheckDef& def, const CheckDoc& doc, const Knowledge& knowledge) {
  std::string out = fmt::format("**{}** ({}): {}\n", def.id, doc.severity, def.title);
  for (const auto& section : sections(def, doc, knowledge)) {
    out += "\n### " + section.title + "\n\n";
    bool in_list = false;
    for (const auto& p : section.paragraphs) {
      if (p.item || p.depth > 0) {
        out += p.depth > 0 ? "  - " + p.text + "\n" : "- " + p.text + "\n";
        in_list = true;
        continue;
      }
      out += (in_list ? "\n" : "") + p.text + "\n";
      in_list = false;
    }
  }
  out += fmt::format("\nRun `lsm-doctor explain {}` for this text; lsm-doctor(1), section CHECKS, "
                     "describes every check.\n",
                     def.id);
  return out;
}

} // namespace lsmdoctor
