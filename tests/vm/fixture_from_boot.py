"""Turns one VM boot into a fast fixture scenario (tests/fixtures/vm-<name>/):
the guest's files under root/, its kernel log as dmesg.txt and the report
the doctor made inside the guest as expected.json. The fixture test then
checks that the doctor, reading the capture, says what it said on the
running kernel."""
import json
import os
import re
import shutil
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
LSM_TOML = os.path.join(HERE, "..", "..", "checks", "knowledge", "lsm.toml")
# The kernel config options the doctor reads; the rest of the 130 kB
# config is left out of the fixture.
CONFIG_KEEP = re.compile(
    r"^(# )?CONFIG_(LSM|SECURITY\w*|BPF_LSM|BPF_SYSCALL|AUDIT\w*|IMA\w*|EVM\w*|INTEGRITY\w*|"
    r"DEFAULT_SECURITY\w*|IKCONFIG\w*)[= ]")


def _write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def lsm_ids():
    with open(LSM_TOML, "rb") as f:
        data = tomllib.load(f)
    return {entry["name"]: entry["id"] for entry in data.get("lsm", []) if "id" in entry}


def expected_from(boot):
    report = boot.report
    findings = {}
    for f in report["findings"]:
        entry = {"status": f["status"]}
        if f["status"] == "fail":
            entry["severity"] = f["severity"]
        findings[f["id"]] = entry
    predicted = report["stack"].get("predicted")
    return {
        "exit_code": boot.check_rc,
        "active": report["stack"]["active"],
        "predicted": predicted["order"] if predicted else None,
        "proposed_lsm": boot.proposed_lsm(),
        "actions": [a["id"] for a in report["remediation"]["actions"]],
        "findings": findings,
    }


def write(directory, boot, scenario):
    if os.path.exists(directory):
        shutil.rmtree(directory)
    root = os.path.join(directory, "root")
    s = boot.s
    _write(os.path.join(root, "proc", "cmdline"), s["cmdline"].strip() + "\n")
    _write(os.path.join(root, "proc", "sys", "kernel", "osrelease"), s["uname"].strip() + "\n")
    if boot.lsm is not None:
        _write(os.path.join(root, "sys", "kernel", "security", "lsm"), ",".join(boot.lsm))
    else:
        ids = lsm_ids()
        active = boot.report["stack"]["active"] or []
        _write(os.path.join(root, ".lsm-doctor", "syscalls", "lsm_list_modules"),
               "".join(f"{ids[name]}\n" for name in active))
    with open(boot.kernel.config, encoding="utf-8") as f:
        kept = [line for line in f if CONFIG_KEEP.match(line)]
    _write(os.path.join(root, boot.kernel.config_path.lstrip("/")), "".join(kept))
    status = s.get("audit-status", "")
    status_lines = [line for line in status.splitlines() if not line.startswith("rc=")]
    if status_lines and " " in status_lines[0]:
        _write(os.path.join(root, ".lsm-doctor", "audit_status"), "\n".join(status_lines) + "\n")
    _write(os.path.join(directory, "dmesg.txt"), boot.dmesg.strip() + "\n")
    _write(os.path.join(directory, "expected.json"),
           json.dumps(expected_from(boot), indent=2) + "\n")
