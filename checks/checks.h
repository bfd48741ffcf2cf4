// Declarations of every check's definition; registry.cpp lists them sorted.
#pragma once

#include "core/check.h"

namespace lsmdoctor::checks {

// Named after their check ids, not kCamelCase constants.
// NOLINTBEGIN(readability-identifier-naming)

extern const CheckDef audit_history_onset;
extern const CheckDef audit_kernel_disabled;
extern const CheckDef audit_log_backlog_overflow;
extern const CheckDef audit_log_obj_ctx_errors;
extern const CheckDef audit_log_panic_suppressed;
extern const CheckDef audit_log_subj_ctx_errors;
extern const CheckDef audit_rules_immutable_early;
extern const CheckDef audit_rules_load_failed;
extern const CheckDef audit_rules_lsm_field_mismatch;
extern const CheckDef audit_rules_syntax;
extern const CheckDef audit_rules_watch_symlink;
extern const CheckDef audit_records_subj_missing;
extern const CheckDef audit_records_subj_unset;
extern const CheckDef audit_status_failure_panic;
extern const CheckDef audit_status_immutable;
extern const CheckDef audit_status_lost;
extern const CheckDef audit_status_no_daemon;
extern const CheckDef config_expect_audit_enabled;
extern const CheckDef config_expect_modules;
extern const CheckDef config_expect_signatures;
extern const CheckDef config_waiver_expired;
extern const CheckDef kernel_audit_capability;
extern const CheckDef lsm_order_bpf_before_secctx;
extern const CheckDef lsm_secctx_multiple;
extern const CheckDef lsm_stack_duplicate;
extern const CheckDef lsm_stack_requested_inactive;
extern const CheckDef lsm_stack_security_overridden;
// NOLINTEND(readability-identifier-naming)

} // namespace lsmdoctor::checks
