// JUnit XML: one test case per check, as CI systems display test results.
// A failing check is a <failure> (its type is the severity); unknown and
// not-applicable checks are <skipped> with the reason.
#include "render/quote.h"
#include "render/report.h"

#include <algorithm>
#include <fmt/format.h>

namespace lsmdoctor {
namespace {

std::string evidence_text(const Evidence& e) {
  std::string where = e.source;
  if (e.line > 0)
    where += fmt::format(":{}", e.line);
  std::string text = fmt::format("{}: {}", where, e.excerpt);
  if (e.count)
    text += fmt::format(" [x{}]", *e.count);
  if (!e.note.empty())
    text += " (" + e.note + ")";
  return text;
}

// The body of a <failure> or <system-out>: detail, evidence, hypotheses.
std::string finding_body(const Finding& f) {
  std::string body;
  if (!f.detail.empty())
    body += f.detail + "\n";
  for (const auto& e : f.evidence)
    body += evidence_text(e) + "\n";
  for (const auto& h : f.hypotheses)
    body += fmt::format("likely cause ({:.0f}%): {}\n", h.confidence * 100, h.summary);
  return body;
}

// "audit.log.subj-ctx-errors" -> "lsm-doctor.audit.log": groups checks by theme.
std::string class_name(const std::string& id) {
  std::size_t last_dot = id.rfind('.');
  return "lsm-doctor." + (last_dot == std::string::npos ? id : id.substr(0, last_dot));
}

void write_case(std::string& out, const Finding& f) {
  out += fmt::format("    <testcase name=\"{}\" classname=\"{}\" time=\"0\">\n", xml_escape(f.id),
                     xml_escape(class_name(f.id)));
  std::string body = finding_body(f);
  if (f.waiver) {
    out += fmt::format(
        "      <skipped message=\"{}\"/>\n",
        xml_escape(fmt::format("waived ({}): {} ({}:{}{})", to_string(f.status), f.waiver->reason,
                               f.waiver->source, f.waiver->line,
                               f.waiver->expires.empty() ? "" : ", until " + f.waiver->expires)));
    out += "    </testcase>\n";
    return;
  }
  switch (f.status) {
  case Status::fail:
    out += fmt::format("      <failure message=\"{}\" type=\"{}\">{}</failure>\n",
                       xml_escape(f.title), to_string(f.severity), xml_escape(body, false));
    break;
  case Status::unknown:
    out +=
        fmt::format("      <skipped message=\"{}\"/>\n",
                    xml_escape("unknown: " + f.title + (f.detail.empty() ? "" : ": ") + f.detail));
    break;
  case Status::not_applicable:
    out +=
        fmt::format("      <skipped message=\"{}\"/>\n", xml_escape("not applicable: " + f.title));
    break;
  case Status::pass:
    if (!body.empty())
      out += fmt::format("      <system-out>{}</system-out>\n",
                         xml_escape(f.title + "\n" + body, false));
    break;
  }
  out += "    </testcase>\n";
}

} // namespace

std::string render_junit(const Report& r) {
  std::vector<const Finding*> cases;
  int failures = 0;
  int skipped = 0;
  for (const auto& f : r.findings) {
    cases.push_back(&f);
    failures += f.status == Status::fail && !f.waiver ? 1 : 0;
    skipped +=
        f.waiver || f.status == Status::unknown || f.status == Status::not_applicable ? 1 : 0;
  }
  std::sort(cases.begin(), cases.end(),
            [](const Finding* a, const Finding* b) { return a->id < b->id; });
  std::string counts = fmt::format("tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\"",
                                   cases.size(), failures, skipped);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites name=\"lsm-doctor\" {} time=\"0\">\n", counts);
  out += fmt::format("  <testsuite name=\"lsm-doctor\" {} time=\"0\">\n", counts);
  out += "    <properties>\n";
  auto property = [&](std::string_view name, const std::string& value) {
    out += fmt::format("      <property name=\"{}\" value=\"{}\"/>\n", name, xml_escape(value));
  };
  property("lsm-doctor.version", kToolVersion);
  property("lsm-doctor.exit_code", std::to_string(r.verdict.exit_code));
  if (r.facts.kernel.is_known())
    property("kernel.release", r.facts.kernel->text);
  if (r.facts.cmdline.is_known())
    property("kernel.cmdline", r.facts.cmdline->raw);
  out += "    </properties>\n";
  for (const Finding* f : cases)
    write_case(out, *f);
  if (!r.facts.warnings.empty()) {
    std::string warnings;
    for (const auto& w : r.facts.warnings)
      warnings += w + "\n";
    out += fmt::format("    <system-err>{}</system-err>\n", xml_escape(warnings, false));
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

} // namespace lsmdoctor
