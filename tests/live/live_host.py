#!/usr/bin/env python3
"""Runs lsm-doctor on this machine and checks it against the kernel itself:

- check --format json exits 0, 1 or 2 (never a usage or internal error);
- the report validates against schema/report.schema.json (fails when
  python3-jsonschema is missing);
- stack.active equals what lsm_list_modules(2) or /sys/kernel/security/lsm
  says, when either can be read;
- the audit status equals what `auditctl -s` prints, when auditctl can run;
- an audit.log.* finding fails only when the kernel log (dmesg) really holds
  its message, and does not pass when the log held it before the run.
Parts the machine cannot answer are skipped with a printed reason.

Usage: live_host.py LSM_DOCTOR SCHEMA
"""
import ctypes
import json
import os
import platform
import subprocess
import sys

# include/uapi/linux/lsm.h
LSM_IDS = {100: "capability", 101: "selinux", 102: "smack", 103: "tomoyo", 104: "apparmor",
           105: "yama", 106: "loadpin", 107: "safesetid", 108: "lockdown", 109: "bpf",
           110: "landlock", 111: "ima", 112: "evm", 113: "ipe"}
# lsm_list_modules is 461 on x86_64 and on every asm-generic architecture.
SYSCALL_LSM_LIST_MODULES = 461

# Messages each kernel-log check looks for (knowledge/signatures.toml).
LOG_MESSAGES = {
    "audit.log.subj-ctx-errors": ["audit: error in audit_log_subj_ctx",
                                  "audit: error in audit_log_task_context"],
    "audit.log.obj-ctx-errors": ["audit: error in audit_log_obj_ctx",
                                 "audit: error in audit_log_object_context"],
    "audit.log.panic-suppressed": ["audit_panic: "],
    "audit.log.backlog-overflow": ["audit: backlog limit exceeded", "audit: audit_backlog=",
                                   "audit: kauditd hold queue overflow", "audit: audit_lost=",
                                   "kauditd_printk_skb: "],
}

failures = []


def expect(ok, message):
    print(f"{'ok' if ok else 'FAIL'} {message}")
    if not ok:
        failures.append(message)


def skip(message):
    print(f"skip {message}")


def kernel_stack():
    """(names, source) from the kernel, or (None, reason)."""
    if platform.machine() in ("x86_64", "aarch64", "riscv64", "loongarch64"):
        libc = ctypes.CDLL(None, use_errno=True)
        ids = (ctypes.c_uint64 * 64)()
        size = ctypes.c_uint32(ctypes.sizeof(ids))
        n = libc.syscall(ctypes.c_long(SYSCALL_LSM_LIST_MODULES), ids, ctypes.byref(size),
                         ctypes.c_uint32(0))
        if n >= 0:
            return [LSM_IDS.get(i, f"lsm-id-{i}") for i in ids[:n]], "lsm_list_modules(2)"
        reason = f"lsm_list_modules(2): {os.strerror(ctypes.get_errno())}"
    else:
        reason = f"lsm_list_modules(2): syscall number unknown on {platform.machine()}"
    try:
        with open("/sys/kernel/security/lsm", encoding="ascii") as f:
            return [n for n in f.read().strip().split(",") if n], "/sys/kernel/security/lsm"
    except OSError as e:
        return None, f"{reason}; /sys/kernel/security/lsm: {e.strerror}"


def read_dmesg():
    """The kernel log as text, or (None, reason)."""
    try:
        proc = subprocess.run(["dmesg"], capture_output=True, text=True, errors="replace",
                              check=False)
    except OSError as e:
        return None, f"dmesg cannot run: {e.strerror}"
    if proc.returncode != 0:
        return None, f"dmesg is not permitted here: {proc.stderr.strip()}"
    return proc.stdout, "dmesg"


def auditctl_status():
    """`auditctl -s` as a dict of numbers, or (None, reason)."""
    try:
        proc = subprocess.run(["auditctl", "-s"], capture_output=True, text=True, check=False)
    except OSError as e:
        return None, f"auditctl cannot run: {e.strerror}"
    fields = {}
    for line in proc.stdout.splitlines():
        words = line.split()
        if len(words) >= 2 and words[1].isdigit():
            fields[words[0]] = int(words[1])
    if proc.returncode != 0 or "enabled" not in fields:
        return None, f"auditctl -s exits {proc.returncode}: {proc.stderr.strip()}"
    return fields, "auditctl -s"


def compare_audit_status(report):
    expected, why = auditctl_status()
    status = report["audit"]["status"]
    if expected is None:
        skip(f"audit status comparison: {why}")
        return
    if status is None:
        expect(False, f"audit status is unknown ({report['audit']['unknown_reason']}) "
                      f"though auditctl -s works")
        return
    # lost and backlog move between the two queries; the settings must not.
    for key in ("enabled", "failure", "pid", "rate_limit", "backlog_limit", "backlog_wait_time"):
        if key in expected:
            expect(status.get(key) == expected[key],
                   f"audit.status.{key} {status.get(key)} equals auditctl -s {expected[key]}")
    expect(status["lost"] <= expected["lost"],
           f"audit.status.lost {status['lost']} <= auditctl -s {expected['lost']} (read later)")


def validate(report, schema_path):
    try:
        import jsonschema
    except ImportError:
        expect(False, "the python3 module jsonschema is missing (Debian: python3-jsonschema)")
        return
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
              for e in validator.iter_errors(report)]
    expect(not errors, f"the live report validates against the schema {errors[:5]}")


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    binary, schema_path = sys.argv[1:]
    log_before, _ = read_dmesg()
    proc = subprocess.run([binary, "check", "--format", "json"], capture_output=True, text=True,
                          check=False)
    expect(proc.returncode in (0, 1, 2),
           f"check --format json exits {proc.returncode} (0, 1 or 2) {proc.stderr.strip()}")
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError as e:
        expect(False, f"check --format json prints JSON: {e}")
        return 1
    validate(report, schema_path)

    names, source = kernel_stack()
    if names is None:
        skip(f"active stack comparison: the kernel does not say ({source})")
    else:
        expect(report["stack"]["active"] == names,
               f"stack.active {report['stack']['active']} equals {source} {names}")

    compare_audit_status(report)

    log_after, why = read_dmesg()
    if log_after is None:
        skip(f"kernel log comparison: {why}")
    else:
        findings = {f["id"]: f for f in report["findings"]}
        for check_id, messages in LOG_MESSAGES.items():
            finding = findings.get(check_id)
            if finding is None:
                expect(False, f"{check_id}: missing from the report")
                continue
            in_after = any(m in log_after for m in messages)
            in_before = log_before is not None and any(m in log_before for m in messages)
            if finding["status"] == "fail":
                expect(in_after, f"{check_id} fails and dmesg holds one of {messages}")
            elif finding["status"] == "pass":
                expect(not in_before, f"{check_id} passes and dmesg held none of {messages}")
            else:
                print(f"info {check_id}: {finding['status']} ({finding['title']})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
