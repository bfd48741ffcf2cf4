// The human report: stack, findings (most severe first), remediation.
#include "parse/line_reader.h"
#include "remedies/targets.h"
#include "render/journal_view.h"
#include "render/quote.h"
#include "render/report.h"
#include "render/style.h"

#include <fmt/format.h>

namespace lsmdoctor {
namespace {

std::string status_label(const Finding& f, const Style& s) {
  if (f.waiver)
    return s.dim("WAIV ");
  switch (f.status) {
  case Status::fail:
    return f.severity == Severity::error     ? s.bad("FAIL ")
           : f.severity == Severity::warning ? s.warn("WARN ")
                                             : "NOTE ";
  case Status::unknown:
    return s.warn("???? ");
  case Status::pass:
    return s.good("ok   ");
  case Status::not_applicable:
    return s.dim("n/a  ");
  }
  return "     ";
}

// Wraps `text` at ~90 columns with `indent` spaces before every line.
std::string wrap(const std::string& text, std::size_t indent) {
  std::string out;
  std::string line;
  std::string pad(indent, ' ');
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t space = text.find(' ', start);
    std::string word =
        text.substr(start, space == std::string::npos ? std::string::npos : space - start);
    if (!line.empty() && line.size() + 1 + word.size() > 90 - indent) {
      out += pad + line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
    if (space == std::string::npos)
      break;
    start = space + 1;
  }
  if (!line.empty())
    out += pad + line + "\n";
  return out;
}

std::string evidence_line(const Evidence& e) {
  std::string where = e.source;
  if (e.line > 0)
    where += fmt::format(":{}", e.line);
  std::string out = fmt::format("{}: {}", where, e.excerpt);
  if (e.count)
    out += fmt::format("  [×{}", *e.count);
  if (e.count && !e.first_seen.empty())
    out += fmt::format(", first {}, last {}", e.first_seen, e.last_seen);
  if (e.count)
    out += "]";
  if (!e.note.empty())
    out += " — " + e.note;
  return comment_safe(out);
}

// "waived (fail): REASON — lsm-doctor.toml:3, until 2027-01-31".
std::string waiver_line(const Finding& f) {
  const WaiverNote& w = *f.waiver;
  std::string line =
      fmt::format("waived ({}): {} — {}:{}", to_string(f.status), w.reason, w.source, w.line);
  line += w.expires.empty() ? ", no end date" : ", until " + w.expires;
  return comment_safe(line);
}

void render_finding(std::string& out, const Finding& f, const Style& s, bool verbose) {
  bool full = ((f.status == Status::fail || f.status == Status::unknown) && !f.waiver) || verbose;
  out += fmt::format("  {} {:<8} {}  {}\n", status_label(f, s), to_string(f.severity), s.bold(f.id),
                     comment_safe(f.title));
  if (f.waiver)
    out += wrap(waiver_line(f), 11);
  if (!full)
    return;
  for (const auto& e : f.evidence)
    out += "           " + s.dim("│ ") + evidence_line(e) + "\n";
  if (!f.detail.empty())
    out += wrap(comment_safe(f.detail), 11);
  if (!f.hypotheses.empty())
    out += "           " + s.bold("likely causes:") + "\n";
  for (std::size_t i = 0; i < f.hypotheses.size(); ++i) {
    const auto& h = f.hypotheses[i];
    std::string line = fmt::format("{}. {}", i + 1, comment_safe(h.summary));
    if (h.confidence > 0)
      line += fmt::format(" (confidence {:.0f}%)", h.confidence * 100);
    if (!h.remedy.empty())
      line += " → " + comment_safe(h.remedy);
    out += wrap(line, 13);
  }
  if (!f.confidence.empty() && f.status == Status::fail)
    out += "           " + s.dim("confidence: " + f.confidence) + "\n";
}

// Puts `spaces` more spaces before every line of `text`.
std::string indent(const std::string& text, std::size_t spaces = 2) {
  std::string out;
  for (auto [number, line] : TextLines(text))
    out += std::string(spaces, ' ') + std::string(line) + "\n";
  return out;
}

void render_plan(std::string& out, const Report& r, const Style& s) {
  out += "\n" + s.heading("Remediation") + "\n";
  if (r.plan.empty()) {
    out += "  Nothing to change.\n";
    return;
  }
  int n = 0;
  for (const auto& a : r.plan.actions) {
    out += fmt::format("  {}. {}\n", ++n, s.bold(comment_safe(a.summary)));
    if (a.staged()) {
      std::string where;
      for (const auto& source : a.staged_in)
        where += (where.empty() ? "" : ", ") + source;
      out += wrap("staged, reboot to apply: already configured in " + comment_safe(where), 5);
    }
    out += wrap("why: " + a.why, 5);
    out += wrap(fmt::format("reboot: {}; disruption ({}): {}", a.reboot ? "yes" : "no",
                            to_string(a.disruption_level), a.disruption),
                5);
    out += wrap("lost: " + a.lost, 5);
    out += wrap("verify: " + a.verify, 5);
    out += wrap("undo: " + a.undo, 5);
  }
  std::string cmdline = remedies::render_cmdline(r.plan);
  if (!cmdline.empty())
    out += "\n  " + s.bold("Kernel command line") + "\n" + indent(cmdline);
  if (!remedies::merged_edit(r.plan.pending()).empty()) {
    out += "\n  " + s.bold("GRUB") + "\n" + indent(remedies::render_grub(r.plan));
    out += "\n  " + s.bold("grubby") + "\n" + indent(remedies::render_grubby(r.plan));
    out += "\n  " + s.bold("systemd-boot / kernel-install") + "\n" +
           indent(remedies::render_systemd_boot(r.plan));
  }
  std::string rules = remedies::render_audit_rules(r.plan);
  if (!rules.empty())
    out += "\n  " + s.bold("Audit rules") + "\n" + indent(rules);
  if (r.plan.all_staged())
    return;
  out += "\n  " + s.bold("NixOS") + " (configuration.nix, then nixos-rebuild boot)\n";
  out += indent(remedies::render_nixos(r.plan, r.nixos_host), 4);
}

} // namespace

std::string render_text(const Report& r, const TextOptions& options) {
  Style s(options.color);
  std::string out = render_stack_text(r.facts, r.knowledge, options);
  out += render_journal_text(r.facts, s);
  out += "\n" + s.heading("Findings") + "\n";
  int fails = 0;
  int unknowns = 0;
  int passes = 0;
  int na = 0;
  int waived = 0;
  for (const auto& f : r.findings) {
    render_finding(out, f, s, options.verbose);
    waived += f.waiver ? 1 : 0;
    fails += f.status == Status::fail && !f.waiver;
    unknowns += f.status == Status::unknown && !f.waiver;
    passes += f.status == Status::pass;
    na += f.status == Status::not_applicable;
  }
  out += fmt::format("\n  {} failed, {} unknown, {} passed, {} not applicable", fails, unknowns,
                     passes, na);
  out += waived > 0 ? fmt::format(", {} waived\n", waived) : "\n";
  render_plan(out, r, s);
  if (!r.facts.warnings.empty()) {
    out += "\n" + s.heading("Input warnings") + "\n";
    for (const auto& w : r.facts.warnings)
      out += "  " + comment_safe(w) + "\n";
  }
  return out;
}

} // namespace lsmdoctor
