#!/usr/bin/env python3
"""CLI tests of lsm-doctor, in three groups:

  golden   exact text output (--color never) compared with golden/<name>.txt;
           LSMD_UPDATE_GOLDEN=1 rewrites the golden files instead
  usage    usage errors exit 64
  hostile  hostile command lines: lsm= entries that are not module names are
           dropped with a warning, and the generated NixOS snippets parse with
           nix-instantiate --parse and the systemd-boot printf line survives sh

The doctor runs in FIXTURES_DIR with relative paths so outputs are stable.

Usage: run_cli_tests.py LSM_DOCTOR FIXTURES_DIR {golden|usage|hostile}
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

GOLDEN_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden")


def scenario_args(scenario):
    args = ["--root", f"{scenario}/root"]
    if os.path.exists(f"{scenario}/dmesg.txt"):
        args += ["--dmesg", f"{scenario}/dmesg.txt"]
    return args


SEED = "seed-nixos-6.18-bpf-first"
# golden file name, subcommand and its options, scenario, expected exit code
GOLDEN_TABLE = [
    ("check-seed-nixos", ["check"], SEED, 1),
    ("check-seed-reordered", ["check"], "seed-reordered-clean", 0),
    ("check-healthy", ["check"], "healthy-single-lsm", 0),
    ("check-nothing-readable", ["check"], "nothing-readable", 2),
    ("stack-seed-nixos", ["stack"], SEED, 0),
    ("fix-nixos-seed-nixos", ["fix", "--target", "nixos"], SEED, 0),
    ("fix-cmdline-seed-nixos", ["fix", "--target", "cmdline"], SEED, 0),
    ("fix-systemd-boot-seed-nixos", ["fix", "--target", "systemd-boot"], SEED, 0),
    ("fix-grubby-seed-nixos", ["fix", "--target", "grubby"], SEED, 0),
    ("fix-shell-seed-nixos", ["fix", "--target", "shell"], SEED, 0),
    ("check-plan-nixos", ["check", "--plan", "plan-nixos-6.18-bpf-first/plan.toml"], None, 1),
    ("check-plan-audit-panic", ["check", "--plan", "plan-audit-panic-bpf-first/plan.toml"], None,
     1),
    ("check-plan-audit-panic-reordered",
     ["check", "--plan", "plan-audit-panic-reordered/plan.toml"], None, 0),
    ("fix-audit-rules-backlog", ["fix", "--target", "audit-rules"], "backlog-overflow", 0),
    ("nixos-seed-nixos", ["nixos"], SEED, 0),
    ("check-staged-nixos", ["check"], "staged-nixos-reboot-pending", 1),
    ("check-config-waivers",
     ["check", "--fail-on", "warning", "--config", "config-waivers/lsm-doctor.toml"],
     "config-waivers", 0),
    ("check-config-expect-unmet", ["check", "--config", "config-expect-unmet/lsm-doctor.toml"],
     "config-expect-unmet", 1),
]


def golden_cases():
    """name -> (arguments, expected exit code); call in FIXTURES_DIR."""
    return {name: ([*command, "--color", "never", *(scenario_args(scenario) if scenario else [])],
                   code)
            for name, command, scenario, code in GOLDEN_TABLE}


USAGE_CASES = [
    ["check", "--format", "yaml"],
    ["frobnicate"],
    ["explain", "no.such.id"],
    ["fix"],
    ["fix", "--target", "lilo"],
    ["check", "--fail-on", "sometimes"],
    ["check", "--root", "does-not-exist"],
    ["check", "--color", "rainbow"],
    ["check", "--plan", "plan-reordered-clean/plan.toml", "--root", "."],
    ["check", "--plan", "plan-reordered-clean/plan.toml", "--dmesg", "x"],
    ["stack", "--format", "sarif"],
    ["nixos", "plan"],
    ["nixos", "plan", "--from-json", "values.json", "--flake", ".#host"],
    ["nixos", "plan", "--disable-audit", "--from-json", "values.json"],
    ["stack", "--config", "config-waivers/lsm-doctor.toml"],
    ["fix", "--target", "grub", "--no-config"],
    ["check", "--config", "config-waivers/lsm-doctor.toml", "--no-config"],
]


class Runner:
    def __init__(self, binary):
        self.binary = binary
        self.failures = []

    def run(self, args, env=None):
        return subprocess.run([self.binary, *args], capture_output=True, text=True, check=False,
                              env={**os.environ, **(env or {})})

    def expect(self, ok, message):
        print(f"{'ok' if ok else 'FAIL'} {message}")
        if not ok:
            self.failures.append(message)
        return ok


def group_golden(r):
    update = os.environ.get("LSMD_UPDATE_GOLDEN") == "1"
    for name, (args, code) in golden_cases().items():
        proc = r.run(args)
        path = os.path.join(GOLDEN_DIR, f"{name}.txt")
        r.expect(proc.returncode == code,
                 f"{name}: exit {proc.returncode}, expected {code} {proc.stderr.strip()}")
        if update:
            with open(path, "w", encoding="utf-8") as f:
                f.write(proc.stdout)
            print(f"   wrote {path}")
            continue
        if not os.path.exists(path):
            r.expect(False, f"{name}: no golden file {path} (run with LSMD_UPDATE_GOLDEN=1)")
            continue
        with open(path, encoding="utf-8") as f:
            want = f.read()
        if not r.expect(proc.stdout == want, f"{name}: output matches {os.path.relpath(path)}"):
            import difflib
            sys.stdout.writelines(difflib.unified_diff(
                want.splitlines(keepends=True), proc.stdout.splitlines(keepends=True),
                fromfile=f"golden/{name}.txt", tofile="actual"))
            print("   (LSMD_UPDATE_GOLDEN=1 rewrites the golden files)")


def group_usage(r):
    for args in USAGE_CASES:
        proc = r.run(args)
        r.expect(proc.returncode == 64 and proc.stdout.strip() == "",
                 f"lsm-doctor {' '.join(args)}: exit {proc.returncode} (expected 64), "
                 f"stderr: {proc.stderr.strip()[:120]!r}")
        r.expect(proc.stderr.strip() != "", f"lsm-doctor {' '.join(args)}: says why on stderr")
    r.expect(r.run(["explain", "lsm.order.bpf-before-secctx"]).returncode == 0,
             "explain lsm.order.bpf-before-secctx: exit 0")
    # A bad plan is bad input (65), named with its line and column.
    with tempfile.TemporaryDirectory() as scratch:
        for text, where in (("[kernel]\nrelease = 6.18\n", ":2:11: kernel.release"),
                            ("[kernel]\nrelease = \"6.18\"\nlsm_order = []\n", ":3:1: unknown key"),
                            ("[kernel\n", ":1:"),
                            ("[kernel]\n[audit]\nenabled = \"yes\"\n", ":3:11: audit.enabled"),
                            ("[kernel]\n[audit]\nfailure = \"halt\"\n", ":3:11: audit.failure"),
                            ("[kernel]\n[audit]\nrules = \"none.rules\"\n",
                             ":3:9: audit.rules: " + os.path.join(scratch, "none.rules"))):
            path = os.path.join(scratch, "plan.toml")
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            proc = r.run(["check", "--plan", path])
            r.expect(proc.returncode == 65 and proc.stdout == "" and path + where in proc.stderr,
                     f"bad plan {text!r}: exit {proc.returncode} (expected 65), "
                     f"stderr {proc.stderr.strip()!r} names {where!r}")
        # --audit-rules replaces the plan's own rules file.
        proc = r.run(["check", "--plan", "plan-audit-panic-reordered/plan.toml", "--format",
                      "json", "--audit-rules", "plan-audit-panic-bpf-first/audit.rules"])
        syntax = [f for f in json.loads(proc.stdout or "{}").get("findings", [])
                  if f["id"] == "audit.rules.syntax"]
        r.expect(proc.returncode == 1 and syntax and syntax[0]["status"] == "fail"
                 and "plan-audit-panic-bpf-first/audit.rules:4" in syntax[0]["title"],
                 f"check --plan --audit-rules lints the given file: exit {proc.returncode}")
        # nixos plan: JSON in (a file or standard input), a plan out; bad values are bad input.
        values = os.path.join(scratch, "values.json")
        with open(values, "w", encoding="utf-8") as f:
            json.dump({"kernel": {"release": "6.18.2", "cmdline": "lsm=bpf,apparmor",
                                  "config_lsm": None},
                       "audit": {"enabled": True, "failure": "panic", "rules": ["-e 1"]}}, f)
        out = os.path.join(scratch, "nixos-plan.toml")
        proc = r.run(["nixos", "plan", "--from-json", values, "-o", out])
        r.expect(proc.returncode == 0 and os.path.exists(out),
                 f"nixos plan --from-json -o: exit {proc.returncode} {proc.stderr.strip()!r}")
        proc = r.run(["check", "--plan", out, "--format", "json"])
        got = {f["id"]: f["status"] for f in json.loads(proc.stdout or "{}").get("findings", [])}
        r.expect(got.get("audit.status.failure-panic") == "fail",
                 f"nixos plan: the plan it writes is judged ({got.get('audit.status.failure-panic')})")
        with open(values, encoding="utf-8") as f:
            piped = subprocess.run([r.binary, "nixos", "plan", "--from-json", "-"], stdin=f,
                                   capture_output=True, text=True, check=False)
        def body(text):
            return [line for line in text.splitlines() if not line.startswith("#")]
        with open(out, encoding="utf-8") as f:
            r.expect(piped.returncode == 0 and body(piped.stdout) == body(f.read()) and
                     "(standard input)" in piped.stdout,
                     "nixos plan --from-json - reads standard input")
        for text, says in (("{\"kernel\": ", "not JSON"),
                           ("{\"kernel\": {\"release\": \"6.18\", \"lsm_order\": \"x\"}}",
                            "unknown key 'kernel.lsm_order'"),
                           ("{\"kernel\": {}, \"audit\": {\"failure\": \"halt\"}}", "audit.failure")):
            with open(values, "w", encoding="utf-8") as f:
                f.write(text)
            proc = r.run(["nixos", "plan", "--from-json", values])
            r.expect(proc.returncode == 65 and proc.stdout == "" and says in proc.stderr,
                     f"nixos plan --from-json {text!r}: exit {proc.returncode} (expected 65), "
                     f"says {says!r}: {proc.stderr.strip()!r}")
        proc = r.run(["nixos", "plan", "--flake", "github:me/cfg"])
        r.expect(proc.returncode == 65 and "REF#HOST" in proc.stderr,
                 f"nixos plan --flake without #HOST: exit {proc.returncode} (expected 65)")
        proc = r.run(["check", "--plan", os.path.join(scratch, "missing.toml")])
        r.expect(proc.returncode == 65 and "missing.toml" in proc.stderr,
                 f"missing plan: exit {proc.returncode} (expected 65) {proc.stderr.strip()!r}")
    config_usage(r)


def config_usage(r):
    """lsm-doctor.toml: bad files are bad input (65) named with line and
    column, --config must exist, the default is optional, LSMD_TODAY decides
    expiry."""
    base = ["check", "--format", "json", "--fail-on", "warning", *scenario_args("config-waivers")]
    with tempfile.TemporaryDirectory() as scratch:
        path = os.path.join(scratch, "lsm-doctor.toml")
        for text, where in (
                ('[[waiver]]\ncheck = "audit.status.lots"\nreason = "x"\n',
                 ":2:9: waiver.check: no check 'audit.status.lots'"),
                ('[[waiver]]\ncheck = "audit.status.lost"\n', ":1:1: waiver.reason is required"),
                ('[[waiver]]\ncheck = "audit.status.lost"\nreason = "x"\nexpires = "soon"\n',
                 ":4:11: waiver.expires must be a date"),
                ('[[waiver]]\ncheck = "audit.status.lost"\nreason = "x"\nscope = "all"\n',
                 ":4:1: unknown key 'waiver.scope'"),
                ('[expect\n', ":1:")):
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            proc = r.run([*base, "--config", path])
            r.expect(proc.returncode == 65 and proc.stdout == "" and path + where in proc.stderr,
                     f"bad config {text!r}: exit {proc.returncode} (expected 65), "
                     f"stderr {proc.stderr.strip()!r} names {where!r}")
        missing = os.path.join(scratch, "missing.toml")
        proc = r.run([*base, "--config", missing])
        r.expect(proc.returncode == 65 and "missing.toml" in proc.stderr,
                 f"missing --config: exit {proc.returncode} (expected 65) {proc.stderr.strip()!r}")

        # The default file is read when present, and --no-config skips it.
        with open(path, "w", encoding="utf-8") as f:
            f.write('[[waiver]]\ncheck = "audit.status.lost"\nreason = "r"\n'
                    'expires = 2027-01-31\n')
        env = {"LSMD_DEFAULT_CONFIG": path, "LSMD_TODAY": "2027-01-31"}

        def waived(args, env):
            proc = r.run(args, env)
            report = json.loads(proc.stdout)
            ids = sorted(f["id"] for f in report["findings"] if "waiver" in f)
            return ids, report["config"], proc.returncode

        r.expect(waived(base, env)[:2] == (["audit.status.lost"], path),
                 "the default configuration is read when present")
        r.expect(waived([*base, "--no-config"], env)[:2] == ([], None),
                 "--no-config skips the default configuration")
        r.expect(waived(base, {"LSMD_DEFAULT_CONFIG": missing})[:2] == ([], None),
                 "a missing default configuration is no error")
        # The expiry day is the last day a waiver applies.
        ids, _, _ = waived(base, {**env, "LSMD_TODAY": "2027-02-01"})
        r.expect(ids == [], "LSMD_TODAY=2027-02-01: the waiver has expired")
        text = [a for a in base if a not in ("--format", "json")]
        proc = r.run(text, {**env, "LSMD_TODAY": "2027-02-01"})
        r.expect(f"waiver for audit.status.lost ({path}:2) expired on 2027-01-31" in proc.stdout,
                 "the text report names the expired waiver")
        # A host scope under --snapshot: the manifest names the host.
        snap = os.path.join(scratch, "snapshot")
        shutil.copytree("config-waivers/root", snap)
        os.unlink(os.path.join(snap, "etc", "hostname"))
        with open(os.path.join(snap, ".lsm-doctor", "manifest.toml"), "w", encoding="utf-8") as f:
            f.write('tool = "lsm-doctor 0.1.0"\nhost = "web-7"\n')
        with open(path, "w", encoding="utf-8") as f:
            f.write('[[waiver]]\ncheck = "audit.status.lost"\nreason = "r"\nhost = "web-*"\n')
        snap_args = ["check", "--format", "json", "--snapshot", snap, "--config", path]
        r.expect(waived(snap_args, {})[0] == ["audit.status.lost"],
                 "--snapshot: a host-scoped waiver matches the manifest's host")
        with open(path, "w", encoding="utf-8") as f:
            f.write('[[waiver]]\ncheck = "audit.status.lost"\nreason = "r"\nhost = "db-*"\n')
        r.expect(waived(snap_args, {})[0] == [], "--snapshot: another host's waiver does not")
        # Under --root without /etc/hostname the scope cannot be decided: said so.
        proc = r.run(["check", "--format", "json", "--root", snap, "--config", path])
        r.expect("waiver for audit.status.lost (" in proc.stdout and
                 "not applied: the host name is unknown" in proc.stdout,
                 "--root without /etc/hostname: the host-scoped waiver is not applied, and said so")

        proc = r.run(base, {**env, "LSMD_TODAY": "2027-02-30"})
        r.expect(proc.returncode == 65 and "LSMD_TODAY=2027-02-30" in proc.stderr,
                 f"a bad LSMD_TODAY is refused: exit {proc.returncode} {proc.stderr.strip()!r}")


def nix_parses(r, label, text):
    nix = shutil.which("nix-instantiate")
    if not nix:
        r.expect(False, f"{label}: nix-instantiate is missing (Debian: apt-get install nix-bin)")
        return
    with tempfile.NamedTemporaryFile("w", suffix=".nix", delete=False) as f:
        f.write(text)
    try:
        proc = subprocess.run([nix, "--parse", f.name], capture_output=True, text=True,
                              check=False)
    finally:
        os.unlink(f.name)
    r.expect(proc.returncode == 0 and text.strip() != "",
             f"{label}: nix-instantiate --parse accepts it {proc.stderr.strip()[:300]}")


def printf_line_output(r, label, snippet):
    """Runs the printf ... | sudo tee /etc/kernel/cmdline command of a
    systemd-boot snippet with tee replaced by cat; returns what it prints."""
    match = re.search(r"^ *(printf .*?) \| sudo tee /etc/kernel/cmdline$", snippet,
                      re.MULTILINE | re.DOTALL)
    if not r.expect(match is not None, f"{label}: has a printf ... | sudo tee line"):
        return None
    command = match.group(1) + " | cat"
    checked = subprocess.run(["sh", "-n", "-c", command], capture_output=True, text=True,
                             check=False)
    r.expect(checked.returncode == 0, f"{label}: sh -n accepts the command {checked.stderr}")
    with tempfile.TemporaryDirectory() as scratch:
        proc = subprocess.run(["sh", "-c", command], capture_output=True, text=True,
                              check=False, cwd=scratch, env={"PATH": os.environ["PATH"]})
        r.expect(os.listdir(scratch) == [], f"{label}: running it creates no files")
    r.expect(proc.returncode == 0, f"{label}: sh runs it {proc.stderr}")
    return proc.stdout


HOSTILE_GRUB = """GRUB_DEFAULT=0
GRUB_CMDLINE_LINUX_DEFAULT="quiet lsm=bpf,apparmor"
GRUB_CMDLINE_LINUX='console=ttyS0 lsm=landlock,yama,bpf,apparmor x="$(touch pwned)`id`" security=apparmor'

"""


def shell_script_checks(r, label, script):
    """The fix --target shell script: sh -n and shellcheck accept it, a dry
    run changes nothing, --apply edits only the plan's keys in a copied
    /etc/default/grub (with stub grub tools) and keeps a backup."""
    with tempfile.TemporaryDirectory() as scratch:
        path = os.path.join(scratch, "fix.sh")
        with open(path, "w", encoding="utf-8") as f:
            f.write(script)
        checked = subprocess.run(["sh", "-n", path], capture_output=True, text=True, check=False)
        r.expect(checked.returncode == 0, f"{label}: sh -n accepts it {checked.stderr}")
        if shutil.which("shellcheck"):
            checked = subprocess.run(["shellcheck", "-s", "sh", path], capture_output=True,
                                     text=True, check=False)
            r.expect(checked.returncode == 0, f"{label}: shellcheck is clean {checked.stdout}")
        root = os.path.join(scratch, "root")
        os.makedirs(os.path.join(root, "etc", "default"))
        grub = os.path.join(root, "etc", "default", "grub")
        with open(grub, "w", encoding="utf-8") as f:
            f.write(HOSTILE_GRUB)
        stubs = os.path.join(scratch, "bin")
        os.makedirs(stubs)
        for tool in ("update-grub", "grub2-mkconfig", "kernel-install"):
            with open(os.path.join(stubs, tool), "w", encoding="utf-8") as f:
                f.write(f"#!/bin/sh\necho {tool} \"$@\" >>{scratch}/ran\n")
            os.chmod(os.path.join(stubs, tool), 0o755)
        env = {"PATH": stubs + ":/usr/bin:/bin", "LSM_DOCTOR_ROOT": root}
        dry = subprocess.run(["sh", path], capture_output=True, text=True, check=False,
                             cwd=scratch, env=env)
        r.expect(dry.returncode == 0 and "dry run" in dry.stdout,
                 f"{label}: dry run succeeds {dry.stderr}")
        with open(grub, encoding="utf-8") as f:
            r.expect(f.read() == HOSTILE_GRUB, f"{label}: dry run leaves the file alone")
        r.expect(sorted(os.listdir(scratch)) == ["bin", "fix.sh", "root"],
                 f"{label}: dry run creates and runs nothing")
        applied = subprocess.run(["sh", path, "--apply"], capture_output=True, text=True,
                                 check=False, cwd=scratch, env=env)
        r.expect(applied.returncode == 0, f"{label}: --apply succeeds {applied.stderr}")
        r.expect(not os.path.exists(os.path.join(scratch, "pwned")),
                 f"{label}: no value from the file was executed")
        r.expect(os.path.exists(grub + ".lsm-doctor.bak"), f"{label}: keeps a backup")
        ran = os.path.join(scratch, "ran")
        r.expect(os.path.exists(ran) and open(ran, encoding="utf-8").read() == "update-grub\n",
                 f"{label}: --apply regenerates grub.cfg with update-grub")
        shown = subprocess.run(
            ["sh", "-c", '. "$1"; printf "%s|%s" "$GRUB_CMDLINE_LINUX" "$GRUB_CMDLINE_LINUX_DEFAULT"',
             "sh", grub], capture_output=True, text=True, check=False, cwd=scratch, env=env)
        r.expect(not os.path.exists(os.path.join(scratch, "pwned")),
                 f"{label}: the written file keeps the values literal")
        return shown.stdout


def group_hostile(r):
    scenario = "hostile-cmdline"
    args = scenario_args(scenario)
    report = json.loads(r.run(["check", "--format", "json", *args]).stdout)
    bad = ["$(touch${IFS}/tmp/lsmd-pwned)", 'x";rm -rf /;"y']
    for name in bad:
        r.expect(any(f"lsm= entry '{name}' is not a module name" in w for w in report["warnings"]),
                 f"lsm= entry {name!r} is rejected as not a module name")
    for target in ("nixos", "grub", "systemd-boot"):
        out = r.run(["fix", "--target", target, *args]).stdout
        r.expect("lsmd-pwned" not in out and "rm -rf" not in out,
                 f"fix --target {target}: no rejected lsm= entry in the output")
        r.expect("lsm=landlock,yama,apparmor,bpf" in out,
                 f"fix --target {target}: proposes lsm=landlock,yama,apparmor,bpf")

    # Every other parameter survives the edit unchanged, quotes and all.
    current, proposed = (report["remediation"]["current_cmdline"],
                         report["remediation"]["proposed_cmdline"])
    old_lsm = "lsm=" + report["stack"]["requested"]["lsm"]
    r.expect(proposed == current.replace(old_lsm, "lsm=landlock,yama,apparmor,bpf", 1),
             f"proposed command line keeps every other parameter: {proposed!r}")

    nix_parses(r, "fix --target nixos (hostile-cmdline)",
               r.run(["fix", "--target", "nixos", *args]).stdout)
    snippet = r.run(["fix", "--target", "systemd-boot", *args]).stdout
    printed = printf_line_output(r, "fix --target systemd-boot (hostile-cmdline)", snippet)
    if printed is not None:
        want = proposed.replace("BOOT_IMAGE=/vmlinuz-linux ", "", 1) + "\n"
        r.expect(printed == want,
                 f"systemd-boot printf prints the proposed command line verbatim: {printed!r}")

    script = r.run(["fix", "--target", "shell", *args]).stdout
    got = shell_script_checks(r, "fix --target shell (hostile-cmdline)", script)
    want = 'console=ttyS0 x="$(touch pwned)`id`" security=apparmor lsm=landlock,yama,apparmor,bpf|quiet'
    r.expect(got == want, f"fix --target shell: only the plan's lsm= changes: {got!r}")

    # Every NixOS snippet the fixtures produce parses.
    for name in sorted(os.listdir(".")):
        if os.path.isdir(os.path.join(name, "root")):
            out = r.run(["fix", "--target", "nixos", *scenario_args(name)]).stdout
            if out:
                nix_parses(r, f"fix --target nixos ({name})", out)


def main():
    if len(sys.argv) != 4 or sys.argv[3] not in ("golden", "usage", "hostile"):
        raise SystemExit(__doc__)
    binary, fixtures, group = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3]
    os.chdir(fixtures)
    # The machine's own /etc/lsm-doctor.toml must not change any output.
    os.environ["LSMD_DEFAULT_CONFIG"] = os.path.join(fixtures, "no-such-lsm-doctor.toml")
    # Outputs that name today's date stay the same on every day.
    os.environ["LSMD_TODAY"] = "2026-11-23"
    r = Runner(binary)
    {"golden": group_golden, "usage": group_usage, "hostile": group_hostile}[group](r)
    if r.failures:
        print(f"{len(r.failures)} failed")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
