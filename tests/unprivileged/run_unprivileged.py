#!/usr/bin/env python3
"""Runs lsm-doctor on this machine as root and as an unprivileged user
(nobody, through setpriv or runuser) and checks the unprivileged report:

- every fact that root could read but the user could not is unknown with a
  reason that says to run as root (never a silent default);
- no finding passes or fails without root unless it has the same status with
  root (an unreadable input never turns into a false pass or fail);
- the exit code is 2 when nothing failed but something needed was unknown,
  and the text output says "run as root" for what it could not read;
- with kernel.dmesg_restrict=1 the kernel log is unknown, and the audit
  status (AUDIT_GET needs CAP_AUDIT_CONTROL) is always unknown.

Exits 77 (skipped) with the reason when not run as root or when neither
setpriv nor runuser exists.

Usage: run_unprivileged.py LSM_DOCTOR
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

SKIP = 77
NOBODY = 65534
failures = []


def expect(ok, message):
    print(f"{'ok' if ok else 'FAIL'} {message}")
    if not ok:
        failures.append(message)


def unprivileged_prefix():
    setpriv = shutil.which("setpriv")
    if setpriv:
        return [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    runuser = shutil.which("runuser")
    if runuser:
        return [runuser, "-u", "nobody", "--"]
    return None


def run(cmd):
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL": "C.UTF-8", "HOME": "/"}
    return subprocess.run(cmd, capture_output=True, text=True, errors="replace", env=env,
                          cwd="/", timeout=120, check=False)


def mentions_root(reason):
    return reason is not None and "as root" in reason


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 64
    if os.geteuid() != 0:
        print("skip: not root, so the unprivileged run cannot be compared with a root run "
              "(run ctest as root)")
        return SKIP
    prefix = unprivileged_prefix()
    if prefix is None:
        print("skip: neither setpriv (util-linux) nor runuser is installed")
        return SKIP

    with tempfile.TemporaryDirectory() as tmp:
        # The build tree may not be reachable for nobody: run a copy.
        os.chmod(tmp, 0o755)
        doctor = os.path.join(tmp, "lsm-doctor")
        shutil.copy(sys.argv[1], doctor)
        os.chmod(doctor, 0o755)

        as_root = run([doctor, "check", "--format", "json"])
        expect(as_root.returncode in (0, 1, 2), f"root run exits 0, 1 or 2 (got {as_root.returncode})")
        root_report = json.loads(as_root.stdout)

        user = run(prefix + [doctor, "check", "--format", "json"])
        expect(user.returncode in (0, 1, 2),
               f"unprivileged run exits 0, 1 or 2 (got {user.returncode}; stderr: {user.stderr.strip()[:300]})")
        try:
            user_report = json.loads(user.stdout)
        except json.JSONDecodeError as e:
            expect(False, f"unprivileged JSON report parses ({e})")
            return 1
        user_text = run(prefix + [doctor, "check", "--color", "never"])

    root_facts = root_report["facts"]
    user_facts = user_report["facts"]
    lost = []
    for name, fact in sorted(user_facts.items()):
        if fact.get("known"):
            continue
        reason = fact.get("reason")
        if root_facts.get(name, {}).get("known"):
            lost.append(name)
            expect(mentions_root(reason),
                   f"fact {name} (known as root) is unknown and says to run as root: {reason!r}")
        else:
            print(f"info: fact {name} is unknown as root too: {reason!r}")

    expect("audit_status" in lost or not root_facts.get("audit_status", {}).get("known"),
           "the audit status (AUDIT_GET needs CAP_AUDIT_CONTROL) is unknown without root")
    try:
        with open("/proc/sys/kernel/dmesg_restrict", encoding="ascii") as f:
            restricted = f.read().strip() == "1"
    except OSError:
        restricted = None
    if restricted and root_facts.get("kernel_log", {}).get("known"):
        expect("kernel_log" in lost, "kernel.dmesg_restrict=1: the kernel log is unknown without root")
    elif restricted is None:
        print("info: /proc/sys/kernel/dmesg_restrict unreadable; kernel log not judged")
    else:
        print(f"info: kernel.dmesg_restrict={'1' if restricted else '0'}; "
              f"kernel log known without root: {user_facts.get('kernel_log', {}).get('known')}")

    root_status = {f["id"]: f["status"] for f in root_report["findings"]}
    for finding in user_report["findings"]:
        status, fid = finding["status"], finding["id"]
        if status in ("pass", "fail"):
            expect(root_status.get(fid) == status,
                   f"{fid}: {status} without root, {root_status.get(fid)} with root")
        elif status == "unknown" and root_status.get(fid) != "unknown":
            expect(mentions_root(finding.get("detail")),
                   f"{fid}: unknown without root says to run as root: {finding.get('detail')!r}")

    severities = ("error",)  # the default --fail-on error
    failed = [f for f in user_report["findings"]
              if f["status"] == "fail" and f["severity"] in severities]
    unknown = [f for f in user_report["findings"]
               if f["status"] == "unknown" and f["severity"] in severities]
    if not failed and unknown:
        expect(user.returncode == 2, f"nothing failed, {len(unknown)} unknown: exit 2 (got {user.returncode})")
    elif failed:
        expect(user.returncode == 1, f"{len(failed)} failed: exit 1 (got {user.returncode})")
    if lost:
        expect("run as root" in user_text.stdout,
               "the text output says 'run as root' for what it could not read")
    expect("internal error" not in user.stderr, "no internal error without root")
    print(f"{len(lost)} facts need root here: {', '.join(lost) or '-'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
