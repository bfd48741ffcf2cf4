// Prometheus text exposition (version 0.0.4) for node_exporter's textfile
// collector: gauges per check status and per kernel log signature, with
// HELP and TYPE lines. Checked with `promtool check metrics` in tests.
#include "render/quote.h"
#include "render/report.h"

#include <algorithm>
#include <array>
#include <fmt/format.h>

namespace lsmdoctor {
namespace {

constexpr std::array kStatuses{Status::pass, Status::fail, Status::unknown, Status::not_applicable};
constexpr std::array kSeverities{Severity::info, Severity::warning, Severity::error};

class Metrics {
public:
  void family(std::string_view name, std::string_view help) {
    out_ += fmt::format("# HELP {} {}\n# TYPE {} gauge\n", name, help, name);
  }
  // labels: name/value pairs; values are escaped here.
  void sample(std::string_view name,
              std::initializer_list<std::pair<std::string_view, std::string_view>> labels,
              std::uint64_t value) {
    out_ += name;
    if (labels.size() > 0) {
      out_ += '{';
      bool first = true;
      for (const auto& [key, label_value] : labels) {
        out_ +=
            fmt::format("{}{}=\"{}\"", first ? "" : ",", key, prometheus_label_value(label_value));
        first = false;
      }
      out_ += '}';
    }
    out_ += fmt::format(" {}\n", value);
  }
  const std::string& str() const { return out_; }

private:
  std::string out_;
};

void write_checks(Metrics& m, std::vector<Finding> findings) {
  std::sort(findings.begin(), findings.end(),
            [](const Finding& a, const Finding& b) { return a.id < b.id; });
  m.family("lsm_doctor_check_status",
           "Status of each check: 1 for the status it has (pass, fail, unknown, "
           "not-applicable), 0 for the others.");
  for (const auto& f : findings)
    for (Status s : kStatuses)
      m.sample("lsm_doctor_check_status", {{"check", f.id}, {"status", to_string(s)}},
               f.status == s ? 1 : 0);
  m.family("lsm_doctor_check_waived",
           "1 when a waiver of lsm-doctor.toml applies to the check's finding (it does not count "
           "toward the exit status), else 0.");
  for (const auto& f : findings)
    m.sample("lsm_doctor_check_waived", {{"check", f.id}}, f.waiver ? 1 : 0);
  m.family("lsm_doctor_check_failure_severity",
           "Severity of each failing check: 0 not failing, 1 info, 2 warning, 3 error.");
  for (const auto& f : findings)
    m.sample("lsm_doctor_check_failure_severity", {{"check", f.id}},
             f.status == Status::fail ? static_cast<std::uint64_t>(rank(f.severity)) + 1 : 0);
  m.family("lsm_doctor_findings", "Checks of this run by status and severity.");
  for (Status s : kStatuses)
    for (Severity v : kSeverities) {
      std::uint64_t n = 0;
      for (const auto& f : findings)
        n += f.status == s && f.severity == v ? 1 : 0;
      m.sample("lsm_doctor_findings", {{"status", to_string(s)}, {"severity", to_string(v)}}, n);
    }
}

void write_kernel_log(Metrics& m, const Report& r) {
  const Fact<KernelLog>& log = r.facts.kernel_log;
  m.family("lsm_doctor_kernel_log_known",
           "1 when the kernel log was read; 0 when it could not be (signature gauges are then "
           "absent).");
  m.sample("lsm_doctor_kernel_log_known", {}, log.is_known() ? 1 : 0);
  if (!log.is_known())
    return;
  m.family("lsm_doctor_kernel_log_signature_lines",
           "Kernel log lines matching each known signature (lsm-doctor explain --list).");
  for (const auto& sig : r.knowledge.signatures)
    m.sample("lsm_doctor_kernel_log_signature_lines", {{"signature", sig.id}},
             log->find(sig.id) ? log->find(sig.id)->matches : 0);
  m.family("lsm_doctor_kernel_log_signature_events",
           "Events each signature reports: the sum or maximum of the numbers its lines carry "
           "(callbacks suppressed, records lost), else its line count.");
  for (const auto& sig : r.knowledge.signatures)
    m.sample("lsm_doctor_kernel_log_signature_events", {{"signature", sig.id}}, log->count(sig.id));
}

void write_audit(Metrics& m, const Report& r) {
  if (!r.facts.audit_status.is_known())
    return;
  const AuditStatus& s = *r.facts.audit_status;
  m.family("lsm_doctor_audit_enabled", "Kernel audit: 0 off, 1 on, 2 locked (AUDIT_GET).");
  m.sample("lsm_doctor_audit_enabled", {}, static_cast<std::uint64_t>(s.enabled));
  m.family("lsm_doctor_audit_lost_records",
           "Audit records the kernel dropped since boot or the last reset (AUDIT_GET).");
  m.sample("lsm_doctor_audit_lost_records", {}, s.lost);
  m.family("lsm_doctor_audit_backlog_limit", "The kernel audit backlog limit (AUDIT_GET).");
  m.sample("lsm_doctor_audit_backlog_limit", {}, s.backlog_limit);
}

} // namespace

std::string render_prometheus(const Report& r) {
  Metrics m;
  m.family("lsm_doctor_info", "The lsm-doctor version and the kernel release it judged.");
  m.sample("lsm_doctor_info",
           {{"version", kToolVersion},
            {"kernel", r.facts.kernel.is_known() ? r.facts.kernel->text : std::string()}},
           1);
  m.family("lsm_doctor_exit_code",
           "The exit status of this run: 0 healthy, 1 failures at or above --fail-on, 2 unknown.");
  m.sample("lsm_doctor_exit_code", {}, static_cast<std::uint64_t>(r.verdict.exit_code));
  write_checks(m, r.findings);
  write_kernel_log(m, r);
  write_audit(m, r);
  return m.str();
}

} // namespace lsmdoctor
