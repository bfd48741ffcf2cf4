#!/usr/bin/env python3
"""Boots one scenario of tests/vm/scenarios.json on a real Debian kernel
under QEMU and compares lsm-doctor's findings, made inside the guest, with
the truth: the kernel's own log, /sys/kernel/security/lsm and what auditctl
actually did.

Usage:
  run_vm.py LSM_DOCTOR WORK_DIR SCENARIO [--write-fixture DIR] [--from-log]
  run_vm.py LSM_DOCTOR WORK_DIR --prepare        (fetch every kernel)

WORK_DIR (under the build tree) keeps the initramfs images and the serial
log of the last run of each scenario (WORK_DIR/logs/<scenario>.log).
--write-fixture DIR turns the boot into a fixture scenario when it matches the
truth; --from-log reads the scenario's last serial log instead of booting.
Exits 77 (skip) with the reason when qemu or the Debian archive is missing.
"""
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vmlib  # noqa: E402
import fixture_from_boot  # noqa: E402

SCENARIOS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scenarios.json")
SUBJ_ERROR = "audit: error in audit_log_subj_ctx"
LOST_SIGNS = ("backlog limit exceeded", "kauditd hold queue overflow", "audit_lost=")


def load_scenarios():
    with open(SCENARIOS, encoding="utf-8") as f:
        return json.load(f)


def kernel_for(config, name, work):
    """Resolves and fetches the kernel named `name` in scenarios.json."""
    cache = vmlib.cache_dir()
    with vmlib.locked(os.path.join(cache, "lock")):
        apt = vmlib.Apt(cache)
        apt.update()
        release = vmlib.resolve_release(apt, config["kernels"][name])
        return vmlib.fetch_kernel(apt, release)


def initramfs_for(doctor, kernel, work):
    path = os.path.join(work, f"initramfs-{kernel.release}.cpio")
    with vmlib.locked(os.path.join(work, "initramfs.lock")):
        if not os.path.exists(path) or os.path.getmtime(path) < os.path.getmtime(doctor):
            vmlib.build_initramfs(doctor, kernel, path)
    return path


class Boot:
    """One boot's outputs."""

    def __init__(self, kernel, append, sections):
        self.kernel = kernel
        self.append = append
        self.s = sections
        for needed in ("end", "check", "stack", "dmesg"):
            if needed not in sections:
                raise AssertionError(f"the guest printed no '{needed}' section "
                                     f"(sections: {sorted(sections)})")
        self.report = vmlib.load_json(sections["check"], "lsm-doctor check --format json")
        self.stack = vmlib.load_json(sections["stack"], "lsm-doctor stack --format json")
        self.check_rc = int(sections["check-rc"])
        self.stack_rc = int(sections["stack-rc"])
        self.dmesg = sections["dmesg"]
        lsm = sections.get("lsm", "").strip()
        self.lsm = lsm.split(",") if lsm and "No such file" not in lsm else None
        self.auditctl_b = sections.get("auditctl-b", "")
        self.auditctl_b_rc = vmlib.command_rc(self.auditctl_b)
        self.findings = {f["id"]: f for f in self.report["findings"]}

    def status(self, check_id):
        f = self.findings.get(check_id)
        return f["status"] if f else None

    def proposed_lsm(self):
        for action in self.report["remediation"]["actions"]:
            if action.get("lsm_order"):
                return ",".join(action["lsm_order"])
        return None


def boot_once(doctor, work, name, kernel, scenario, append, from_log=False):
    log = os.path.join(work, "logs", f"{name}.log")
    if from_log:
        with open(log, encoding="utf-8", errors="replace") as f:
            print(f"{name}: {kernel.release}: read {log}")
            return Boot(kernel, append, vmlib.parse_console(f.read()))
    initramfs = initramfs_for(doctor, kernel, work)
    os.makedirs(os.path.dirname(log), exist_ok=True)
    extra = f"lsmd.activity={scenario.get('activity', 0)}"
    if scenario.get("pause"):
        extra += f" lsmd.pause={scenario['pause']}"
    if scenario.get("securityfs") is False:
        extra += " lsmd.securityfs=0"
    if scenario.get("rules"):
        extra += " lsmd.rules=1"
    full = f"{append} {extra}".strip()
    started = time.monotonic()
    text = vmlib.boot(kernel, initramfs, full, log, scenario.get("timeout", 120))
    print(f"{name}: {kernel.release} booted in {time.monotonic() - started:.1f} s: {full}")
    print(f"  serial log: {log}")
    return Boot(kernel, append, vmlib.parse_console(text))


def parse_auditctl_status(text):
    """auditctl -s output as {field: int}; empty when it failed."""
    fields = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[1].isdigit() and not line.startswith("rc="):
            fields[parts[0]] = int(parts[1])
    return fields


def truth_diffs(boot, expect):
    """Differences between the doctor's report and what the guest saw."""
    diffs = []
    # The active stack: securityfs is the kernel's own answer.
    if boot.lsm is not None and boot.report["stack"]["active"] != boot.lsm:
        diffs.append(f"stack.active {boot.report['stack']['active']} but "
                     f"/sys/kernel/security/lsm says {boot.lsm}")
    if boot.stack["stack"]["active"] != boot.report["stack"]["active"]:
        diffs.append("`stack` and `check` disagree on the active stack")
    truth_active = boot.lsm if boot.lsm is not None else expect.get("active")
    if "active" in expect and boot.report["stack"]["active"] != expect["active"]:
        diffs.append(f"stack.active {boot.report['stack']['active']}, "
                     f"expected {expect['active']}")
    predicted = boot.report["stack"].get("predicted")
    if predicted and truth_active and predicted["order"] != truth_active:
        diffs.append(f"predicted order {predicted['order']} but the kernel made {truth_active}")
    # The kernel log: subject-context errors.
    errors = boot.dmesg.count(SUBJ_ERROR)
    want = "fail" if errors else "pass"
    got = boot.status("audit.log.subj-ctx-errors")
    if got != want:
        diffs.append(f"audit.log.subj-ctx-errors is {got}; the kernel log has {errors} "
                     f"'{SUBJ_ERROR}' lines")
    # Lost records.
    lost = [s for s in LOST_SIGNS if s in boot.dmesg]
    got = boot.status("audit.log.backlog-overflow")
    if bool(lost) != (got == "fail"):
        diffs.append(f"audit.log.backlog-overflow is {got}; lost-record lines in the "
                     f"kernel log: {lost or 'none'}")
    # The audit status: the doctor's netlink read against auditctl -s, run
    # just before it (lost records can only have grown since).
    status = (boot.report.get("audit") or {}).get("status")
    truth = parse_auditctl_status(boot.s.get("audit-status", ""))
    if truth and status:
        for key in ("enabled", "failure", "pid", "rate_limit", "backlog_limit"):
            if key in truth and status.get(key) != truth[key]:
                diffs.append(f"audit status {key}={status.get(key)} but auditctl -s says "
                             f"{truth[key]}")
        if "lost" in truth and (status.get("lost") or 0) < truth["lost"]:
            diffs.append(f"audit status lost={status.get('lost')} but auditctl -s already "
                         f"said {truth['lost']}")
    elif truth and not status:
        diffs.append("auditctl -s read the audit status but the doctor did not")
    # audit=0 on the command line.
    audit_off = re.search(r"(^|\s)audit=(0|off)(\s|$)", boot.s.get("cmdline", ""))
    want = "fail" if audit_off else "pass"
    if boot.status("audit.kernel.disabled") != want:
        diffs.append(f"audit.kernel.disabled is {boot.status('audit.kernel.disabled')}, "
                     f"expected {want} for this command line")
    # What auditctl -b did.
    refused = boot.auditctl_b_rc not in (0, None) and "Operation not supported" in boot.auditctl_b
    errors_found = [f["id"] for f in boot.report["findings"]
                    if f["status"] == "fail" and f["severity"] == "error"]
    if refused and "lsm.order.bpf-before-secctx" not in errors_found:
        diffs.append(f"auditctl -b was refused (rc {boot.auditctl_b_rc}, Operation not "
                     f"supported) but lsm.order.bpf-before-secctx is not an error: "
                     f"{boot.status('lsm.order.bpf-before-secctx')}")
    if boot.auditctl_b_rc == 0 and "lsm.order.bpf-before-secctx" in errors_found:
        diffs.append("auditctl -b succeeded but the doctor calls the order an error")
    # The scenario's own expectations.
    if "auditctl_b_rc" in expect and boot.auditctl_b_rc != expect["auditctl_b_rc"]:
        diffs.append(f"auditctl -b exited {boot.auditctl_b_rc}, expected "
                     f"{expect['auditctl_b_rc']}: {boot.auditctl_b!r}")
    if "exit_code" in expect and boot.check_rc != expect["exit_code"]:
        diffs.append(f"lsm-doctor check exited {boot.check_rc}, expected {expect['exit_code']}")
    for text in expect.get("log_contains", []):
        if text not in boot.dmesg:
            diffs.append(f"the kernel log lacks {text!r}")
    for text in expect.get("log_lacks", []):
        if text in boot.dmesg:
            diffs.append(f"the kernel log has {text!r}")
    for check_id, want in expect.get("findings", {}).items():
        want = want if isinstance(want, dict) else {"status": want}
        f = boot.findings.get(check_id)
        if f is None:
            diffs.append(f"{check_id}: missing")
            continue
        for key in ("status", "severity"):
            if key in want and f[key] != want[key]:
                diffs.append(f"{check_id}: {key} {f[key]!r}, expected {want[key]!r} "
                             f"({f['title']})")
        for key, field in (("title_contains", "title"), ("detail_contains", "detail")):
            if key in want and want[key] not in f.get(field, ""):
                diffs.append(f"{check_id}: {field} lacks {want[key]!r}: {f.get(field)!r}")
    if "no_errors" in expect and expect["no_errors"] and errors_found:
        diffs.append(f"error findings: {errors_found}")
    # The loaded rules: the doctor's AUDIT_LIST_RULES read against auditctl -l,
    # line for line.
    if "auditctl-l" in boot.s:
        truth = [l for l in boot.s["auditctl-l"].splitlines() if l.strip()]
        loaded = (boot.report.get("audit_rules") or {}).get("loaded") or {}
        got = [r["text"] for r in loaded.get("rules", [])]
        if vmlib.command_rc(boot.s.get("auditctl-R", "")) != 0:
            diffs.append(f"auditctl -R failed: {boot.s.get('auditctl-R')!r}")
        elif not loaded.get("known"):
            diffs.append(f"the loaded rules are unknown: {loaded.get('reason')}")
        elif got != truth:
            diffs.append("the loaded rules differ from auditctl -l:\n  doctor:   " +
                         "\n            ".join(got) + "\n  auditctl: " +
                         "\n            ".join(truth))
        elif expect.get("loaded_rules") is not None and len(got) != expect["loaded_rules"]:
            diffs.append(f"{len(got)} loaded rules, expected {expect['loaded_rules']}")
    return diffs


def summarize(boot):
    print(f"  /sys/kernel/security/lsm: {','.join(boot.lsm) if boot.lsm else '(not mounted)'}")
    print(f"  auditctl -b 8192: rc={boot.auditctl_b_rc} "
          f"{boot.auditctl_b.splitlines()[0] if boot.auditctl_b.strip() else ''}")
    print(f"  '{SUBJ_ERROR}' lines: {boot.dmesg.count(SUBJ_ERROR)}")
    print(f"  lsm-doctor check: exit {boot.check_rc}")
    for f in boot.report["findings"]:
        if f["status"] in ("fail", "unknown"):
            print(f"    {f['status']:<8} {f['severity']:<8} {f['id']}: {f['title']}")


def run_scenario(doctor, work, name, fixture_dir=None, from_log=False):
    config = load_scenarios()
    scenario = config["scenarios"][name]
    kernel = kernel_for(config, scenario["kernel"], work)
    boot = boot_once(doctor, work, name, kernel, scenario, scenario["append"], from_log)
    summarize(boot)
    diffs = truth_diffs(boot, scenario.get("expect", {}))
    if "remediate" in scenario and not diffs:
        proposed = boot.proposed_lsm()
        if not proposed:
            diffs.append("the doctor proposed no lsm= order")
        else:
            fixed = re.sub(r"(^|\s)lsm=\S*", "", scenario["append"]).strip()
            fixed = re.sub(r"(^|\s)security=\S*", "", fixed).strip()
            fixed = f"{fixed} lsm={proposed}".strip()
            after = boot_once(doctor, work, name + ".remedied", kernel, scenario, fixed,
                              from_log)
            summarize(after)
            diffs += [f"after the fix: {d}"
                      for d in truth_diffs(after, scenario["remediate"])]
    if fixture_dir and not diffs:
        fixture_from_boot.write(fixture_dir, boot, scenario)
        print(f"  fixture written: {fixture_dir}")
    if diffs:
        print(f"FAIL {name}")
        for d in diffs:
            print(f"  - {d}")
        return 1
    print(f"ok {name}")
    return 0


def main(argv):
    if len(argv) < 4:
        raise SystemExit(__doc__)
    doctor, work = os.path.abspath(argv[1]), os.path.abspath(argv[2])
    os.makedirs(work, exist_ok=True)
    try:
        vmlib.require_tools()
        if argv[3] == "--prepare":
            config = load_scenarios()
            for name in sorted({s["kernel"] for s in config["scenarios"].values()}):
                kernel = kernel_for(config, name, work)
                initramfs_for(doctor, kernel, work)
                print(f"kernel {name}: {kernel.release}")
            return 0
        rest = argv[4:]
        from_log = "--from-log" in rest
        rest = [a for a in rest if a != "--from-log"]
        fixture = None
        if len(rest) == 2 and rest[0] == "--write-fixture":
            fixture = rest[1]
        elif rest:
            raise SystemExit(__doc__)
        return run_scenario(doctor, work, argv[3], fixture, from_log)
    except vmlib.Skip as e:
        print(f"SKIP: {e}")
        return vmlib.SKIP


if __name__ == "__main__":
    sys.exit(main(sys.argv))
