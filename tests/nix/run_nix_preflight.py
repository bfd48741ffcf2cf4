#!/usr/bin/env python3
"""The preflight of nixos/module.nix, end to end without nixpkgs:

  - the module's preflight derivation is evaluated against a stub of lib and
    pkgs (eval_preflight.nix) for several option values, and its build
    script runs under `sh -eu` with the doctor as the package: the plan it
    writes (`lsm-doctor nixos plan --from-json`) must be one `check --plan`
    reads, and the exit status and findings must be the expected ones;
  - `lsm-doctor nixos plan --file configuration.nix` runs nix-instantiate
    with a stub <nixpkgs/nixos> on NIX_PATH and gives the same plan, and
    `--flake path:DIR#HOST` runs nix eval on a flake without inputs;
  - every nixos/*.nix parses.

Usage: run_nix_preflight.py LSM_DOCTOR SOURCE_DIR
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

from runner import Runner, have_nix_instantiate

HERE = os.path.dirname(os.path.abspath(__file__))

BPF_FIRST = ["lsm=landlock,yama,bpf,apparmor", "apparmor=1"]
APPARMOR_FIRST = ["lsm=landlock,yama,apparmor,bpf", "apparmor=1"]


def values(params, failure, rules, enable=True, warn_only=False, release="6.18.2"):
    return {
        "boot": {"kernelPackages": {"kernel": {"modDirVersion": release}},
                 "kernelParams": params},
        "security": {"audit": {"enable": enable, "backlogLimit": 8192,
                               "failureMode": failure, "rules": rules}},
        "programs": {"lsm-doctor": {
            "enable": True, "bootCheck": {"enable": True},
            "metrics": {"enable": False, "directory": "/var/lib/x", "interval": "hourly"},
            "preflight": {"enable": True, "failOn": "error", "warnOnly": warn_only,
                          "configLsm": "landlock,lockdown,yama,integrity,apparmor,bpf"}}},
    }


SELINUX_RULE = "-a always,exit -F arch=b64 -S execve -F subj_type=unconfined_t -k exec"
# name -> (option values, preflight exit status, {check id: status}, stderr substring)
SCENARIOS = {
    "bpf-first-panic": (
        values(BPF_FIRST, "panic", [SELINUX_RULE, "-w /etc/shadow -p wa"]), 1,
        {"audit.status.failure-panic": "fail", "lsm.order.bpf-before-secctx": "fail",
         "audit.rules.lsm-field-mismatch": "fail", "audit.rules.syntax": "pass"},
        "set programs.lsm-doctor.preflight.warnOnly = true"),
    "bpf-first-warn-only": (
        values(BPF_FIRST, "printk", [], warn_only=True), 0,
        {"audit.status.failure-panic": "pass", "lsm.order.bpf-before-secctx": "fail"},
        "warnOnly: building anyway"),
    "apparmor-first-locked": (
        values(APPARMOR_FIRST, "panic", ["-D", "-w /etc/shadow -p wa", "-e 2"], enable="lock"),
        0, {"audit.status.failure-panic": "pass", "lsm.order.bpf-before-secctx": "pass",
            "audit.rules.syntax": "pass", "audit.rules.immutable-early": "pass",
            "audit.kernel.disabled": "pass"},
        ""),
    "bad-rule": (
        values(APPARMOR_FIRST, "printk", ["-a always,exit -S opne"]), 1,
        {"audit.rules.syntax": "fail"}, ""),
}


def nix_eval(*args, env=None):
    return subprocess.run(["nix-instantiate", "--eval", "--strict", "--json", *args],
                          capture_output=True, text=True, check=False, env=env)


def findings(binary, plan):
    proc = subprocess.run([binary, "check", "--plan", plan, "--format", "json"],
                          capture_output=True, text=True, check=False)
    report = json.loads(proc.stdout or "{}")
    return {f["id"]: f["status"] for f in report.get("findings", [])}


def run_scenario(r, binary, scratch, name, spec):
    option_values, want_status, want_findings, want_stderr = spec
    work = os.path.join(scratch, name)
    os.makedirs(work)
    package = os.path.join(work, "package")
    os.makedirs(os.path.join(package, "bin"))
    os.symlink(binary, os.path.join(package, "bin", "lsm-doctor"))
    values_path = os.path.join(work, "values.json")
    with open(values_path, "w", encoding="utf-8") as f:
        json.dump(option_values, f)
    proc = nix_eval(os.path.join(HERE, "eval_preflight.nix"),
                    "--argstr", "values", values_path, "--argstr", "package", package)
    if not r.expect(proc.returncode == 0, f"{name}: the preflight evaluates "
                                          f"{proc.stderr.strip()[-300:]}"):
        return
    drv = json.loads(proc.stdout)
    r.expect(drv["env"].get("passAsFile") == ["planJson"], f"{name}: planJson passed as a file")
    plan_json = os.path.join(work, "planJson")
    with open(plan_json, "w", encoding="utf-8") as f:
        f.write(drv["env"]["planJson"])
    build = os.path.join(work, "build")
    os.makedirs(build)
    env = dict(os.environ, planJsonPath=plan_json, out=os.path.join(work, "out"))
    run = subprocess.run(["sh", "-eu", "-c", drv["script"]], cwd=build, env=env,
                         capture_output=True, text=True, check=False)
    r.expect(run.returncode == want_status,
             f"{name}: preflight exits {run.returncode} (expected {want_status}) "
             f"{run.stderr.strip()[-300:]!r}")
    r.expect(os.path.exists(env["out"]) == (want_status == 0),
             f"{name}: $out exists only when the build passes")
    r.expect(want_stderr in run.stderr, f"{name}: says {want_stderr!r}")
    plan = os.path.join(build, "plan.toml")
    if not r.expect(os.path.exists(plan), f"{name}: the preflight wrote plan.toml"):
        return
    got = findings(binary, plan)
    for check, status in want_findings.items():
        r.expect(got.get(check) == status,
                 f"{name}: {check} is {got.get(check)} (expected {status})")
    return plan


def check_file_command(r, binary, scratch):
    """nixos plan --file: nix-instantiate with a stub <nixpkgs/nixos>."""
    stub = os.path.join(scratch, "nixpkgs")
    os.makedirs(os.path.join(stub, "nixos"))
    with open(os.path.join(stub, "nixos", "default.nix"), "w", encoding="utf-8") as f:
        f.write("# <nixpkgs/nixos> of the test: the configuration is its option values.\n"
                "{ configuration }: { config = builtins.fromJSON (builtins.readFile "
                "configuration); }\n")
    config = os.path.join(scratch, "it's a \"configuration\" ${x}.json")
    with open(config, "w", encoding="utf-8") as f:
        json.dump(SCENARIOS["bpf-first-panic"][0], f)
    env = dict(os.environ, NIX_PATH=f"nixpkgs={stub}")
    out = os.path.join(scratch, "from-file.toml")
    proc = subprocess.run([binary, "nixos", "plan", "--file", config, "-o", out],
                          capture_output=True, text=True, check=False, env=env)
    if not r.expect(proc.returncode == 0 and os.path.exists(out),
                    f"nixos plan --file: exit {proc.returncode} {proc.stderr.strip()[-300:]!r}"):
        return
    got = findings(binary, out)
    r.expect(got.get("audit.status.failure-panic") == "fail" and
             got.get("audit.rules.lsm-field-mismatch") == "fail",
             f"nixos plan --file: the plan judges as the preflight's ({got})")
    proc = subprocess.run([binary, "nixos", "plan", "--file", os.path.join(scratch, "none.nix")],
                          capture_output=True, text=True, check=False, env=env)
    r.expect(proc.returncode == 65 and "nix-instantiate exited with status" in proc.stderr,
             f"nixos plan --file of a missing file: exit {proc.returncode} (expected 65)")


def check_flake_command(r, binary, scratch):
    """nixos plan --flake: nix eval of a flake without inputs (no network)."""
    if not shutil.which("nix"):
        print("skip nixos plan --flake: nix is missing")
        return
    flake = os.path.join(scratch, "flake")
    os.makedirs(flake)
    with open(os.path.join(flake, "flake.nix"), "w", encoding="utf-8") as f:
        f.write("{\n  outputs = { self }: {\n    nixosConfigurations.web-1.config =\n"
                "      builtins.fromJSON (builtins.readFile ./values.json);\n  };\n}\n")
    with open(os.path.join(flake, "values.json"), "w", encoding="utf-8") as f:
        json.dump(SCENARIOS["apparmor-first-locked"][0], f)
    out = os.path.join(scratch, "from-flake.toml")
    proc = subprocess.run([binary, "nixos", "plan", "--flake", f"path:{flake}#web-1", "-o", out],
                          capture_output=True, text=True, check=False)
    if not r.expect(proc.returncode == 0 and os.path.exists(out),
                    f"nixos plan --flake: exit {proc.returncode} {proc.stderr.strip()[-300:]!r}"):
        return
    got = findings(binary, out)
    r.expect(got.get("audit.rules.immutable-early") == "pass" and
             got.get("lsm.order.bpf-before-secctx") == "pass",
             f"nixos plan --flake: the plan judges as the preflight's ({got})")
    proc = subprocess.run([binary, "nixos", "plan", "--flake", f"path:{flake}#db"],
                          capture_output=True, text=True, check=False)
    r.expect(proc.returncode == 65 and "nix exited with status" in proc.stderr,
             f"nixos plan --flake of a missing host: exit {proc.returncode} (expected 65)")


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    binary, source = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    if not have_nix_instantiate():
        return 1
    r = Runner()
    for name in sorted(os.listdir(os.path.join(source, "nixos"))):
        if name.endswith(".nix"):
            proc = subprocess.run(["nix-instantiate", "--parse",
                                   os.path.join(source, "nixos", name)],
                                  capture_output=True, text=True, check=False)
            r.expect(proc.returncode == 0, f"nixos/{name} parses {proc.stderr.strip()[-200:]}")
    with tempfile.TemporaryDirectory(prefix="lsmd-preflight-") as scratch:
        for name, spec in SCENARIOS.items():
            run_scenario(r, binary, scratch, name, spec)
        check_file_command(r, binary, scratch)
        check_flake_command(r, binary, scratch)
    return r.exit_status()


if __name__ == "__main__":
    sys.exit(main())
