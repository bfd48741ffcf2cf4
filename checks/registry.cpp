// The check registry: one line per check, sorted by id.
#include "checks/checks.h"

namespace lsmdoctor {

const std::vector<CheckDef>& check_registry() {
  static const std::vector<CheckDef> kRegistry{
      // NOLINT(readability-identifier-naming)
      checks::audit_history_onset,
      checks::audit_kernel_disabled,
      checks::audit_log_backlog_overflow,
      checks::audit_log_obj_ctx_errors,
      checks::audit_log_panic_suppressed,
      checks::audit_log_subj_ctx_errors,
      checks::audit_records_subj_missing,
      checks::audit_records_subj_unset,
      checks::audit_rules_immutable_early,
      checks::audit_rules_load_failed,
      checks::audit_rules_lsm_field_mismatch,
      checks::audit_rules_syntax,
      checks::audit_rules_watch_symlink,
      checks::audit_status_failure_panic,
      checks::audit_status_immutable,
      checks::audit_status_lost,
      checks::audit_status_no_daemon,
      checks::config_expect_audit_enabled,
      checks::config_expect_modules,
      checks::config_expect_signatures,
      checks::config_waiver_expired,
      checks::kernel_audit_capability,
      checks::lsm_order_bpf_before_secctx,
      checks::lsm_secctx_multiple,
      checks::lsm_stack_duplicate,
      checks::lsm_stack_requested_inactive,
      checks::lsm_stack_security_overridden,
  };
  return kRegistry;
}

} // namespace lsmdoctor
