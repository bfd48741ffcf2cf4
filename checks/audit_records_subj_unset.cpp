// audit.records.subj-unset: audit.log holds records whose subj= is "?": the
// kernel had no single subject context to write. With several modules that
// give contexts, 6.18+ (and Ubuntu's stacking kernels) write subj=? and put
// the contexts into MAC_TASK_CONTEXTS records; anything that reads subj=
// (ausearch, SIEM rules, reports) sees "?" instead of the label.
#include "checks/audit_log_evidence.h"
#include "checks/checks.h"
#include "checks/evidence.h"

#include <fmt/format.h>

namespace lsmdoctor::checks {
namespace {
Finding run(const CheckContext& ctx);
} // namespace

const CheckDef audit_records_subj_unset{
    "audit.records.subj-unset", Severity::warning,
    "audit.log records carry subj=? (no single subject context was written)", run};

namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items)
    out += (out.empty() ? "" : ", ") + item;
  return out;
}

Finding run(const CheckContext& ctx) {
  const CheckDef& def = audit_records_subj_unset;
  const auto& fact = ctx.facts.audit_log;
  if (!fact.is_known())
    return unknown(def, "cannot read audit.log", why_unknown("audit.log", fact));
  const AuditLogSummary& log = *fact;
  if (log.records == 0)
    return not_applicable(def, log.files.empty() ? "no audit.log to read"
                                                 : "audit.log holds no records");
  if (log.subj_unset == 0)
    return pass(def, fmt::format("no record carries subj=? ({})", audit_log_scope(log)));

  Finding f = fail(def, fmt::format("{} audit records carry subj=?", log.subj_unset));
  f.evidence.push_back(audit_record_evidence(log.subj_unset_first, log.subj_unset_last,
                                             log.subj_unset, "records with subj=?"));
  if (log.multi_context_records > 0) {
    f.evidence.push_back(
        audit_record_evidence(log.multi_context_sample, std::nullopt, log.multi_context_records,
                              "multi-context records (MAC_TASK_CONTEXTS/MAC_OBJ_CONTEXTS)"));
    f.detail = fmt::format(
        "The kernel gave audit more than one subject context ({}), so it wrote subj=? into the "
        "records and the contexts into {} MAC_TASK_CONTEXTS/MAC_OBJ_CONTEXTS records: the "
        "multi-module audit format of Linux 6.18 and newer, and of Ubuntu's stacking kernels. "
        "Searches, reports and rules that read subj= (ausearch --subject, SIEM parsers) see '?' "
        "instead of the label; read the subj_<module>= fields of the extra records.",
        log.multi_context_lsms.empty() ? "several modules" : join(log.multi_context_lsms),
        log.multi_context_records);
    f.confidence = "high";
  } else {
    f.detail = "No MAC_TASK_CONTEXTS record accompanies them, so the subject contexts are lost: "
               "the kernel could not render them, or the extra records were dropped (see "
               "audit.status.lost). Check which modules give contexts (lsm-doctor stack).";
    f.confidence = "medium";
  }
  if (!log.renamed_types.empty()) {
    std::string names;
    bool ubuntu_numbers = false;
    for (const auto& [raw, name] : log.renamed_types) {
      names += fmt::format("{}{} as {}", names.empty() ? "" : ", ", raw, name);
      ubuntu_numbers = ubuntu_numbers || raw == "UNKNOWN[1420]" || raw == "UNKNOWN[1421]";
    }
    f.detail += fmt::format(" The audit userspace prints these record types as numbers; read "
                            "by their fields: {}.",
                            names);
    if (ubuntu_numbers)
      f.detail += " 1420/1421 are the context records only on Ubuntu's stacking kernels: "
                  "mainline assigns them to IPE and numbers the context records 1425/1426, so "
                  "a newer audit userspace will name them IPE_ACCESS/IPE_CONFIG_CHANGE.";
    else
      f.detail += " A newer audit package names them.";
  }
  return f;
}

} // namespace
} // namespace lsmdoctor::checks
