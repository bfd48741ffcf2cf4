#!/usr/bin/env python3
"""The machine outputs of lsm-doctor check, on every fixture scenario, read by
the tools that consume them:

  sarif       against the SARIF 2.1.0 JSON schema (tests/schema/
              sarif-2.1.0.schema.json, OASIS sarif-2.1.0-rtm.5) with
              python3-jsonschema; one rule per check id, one result per
              check, evidence files and lines as locations
  junit       against tests/schema/junit.xsd with xmllint, and read back
              by junitparser; one test case per check
  prometheus  `promtool check metrics`; exactly one status per check
  output      -o FILE writes the same bytes atomically and refuses a symlink

Usage: validate_outputs.py LSM_DOCTOR FIXTURES_DIR {sarif|junit|prometheus|output}
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA_DIR = os.path.join(os.path.dirname(HERE), "schema")
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "fixtures"))
from run_fixture import scenario_command  # noqa: E402

SEED = "seed-nixos-6.18-bpf-first"
WAIVERS = "config-waivers"
# Bytes a hostile or broken host can put where outputs quote them: the
# release becomes a Prometheus label and a JUnit property, the command line
# an XML attribute (control characters, invalid UTF-8, U+FFFF included).
HOSTILE_RELEASE = b'6.18.0-"evil"\\x\n{a="b"} 1 </x>&amp;'
HOSTILE_CMDLINE = b'lsm=bpf,apparmor audit=1 x="\x01\x1b[31m\xff\xef\xbf\xbf" ]]></a>\n'


class Runner:
    def __init__(self, binary, fixtures):
        self.binary = binary
        self.fixtures = fixtures
        self.failures = []
        self.check_ids = [line.split()[0] for line in subprocess.run(
            [binary, "explain", "--list"], capture_output=True, text=True,
            check=True).stdout.splitlines()]

    def expect(self, ok, message):
        if not ok:
            print(f"FAIL {message}")
            self.failures.append(message)
        return ok

    def scenarios(self):
        return sorted(d for d in os.listdir(self.fixtures)
                      if os.path.exists(os.path.join(self.fixtures, d, "expected.json"))) + [
                          self.hostile]

    def make_hostile(self, scratch):
        """A scenario directory with hostile bytes; its name is in scenarios()."""
        self.hostile = os.path.join(scratch, "hostile-bytes")
        for path, data in (("proc/sys/kernel/osrelease", HOSTILE_RELEASE),
                           ("proc/cmdline", HOSTILE_CMDLINE),
                           ("sys/kernel/security/lsm", b"capability,bpf,apparmor")):
            full = os.path.join(self.hostile, "root", path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "wb") as f:
                f.write(data)

    def report(self, scenario, fmt, extra=()):
        cmd = scenario_command(self.binary, os.path.join(self.fixtures, scenario))
        cmd[cmd.index("--format") + 1] = fmt
        proc = subprocess.run([*cmd, *extra], capture_output=True, check=False)
        self.expect(proc.returncode in (0, 1, 2),
                    f"{scenario} --format {fmt}: exit {proc.returncode} {proc.stderr[:200]!r}")
        return proc.stdout


def tool(name, package):
    path = shutil.which(name)
    if not path:
        raise SystemExit(f"{name} is missing (Debian: apt-get install {package})")
    return path


def group_sarif(r):
    import jsonschema
    with open(os.path.join(SCHEMA_DIR, "sarif-2.1.0.schema.json"), encoding="utf-8") as f:
        validator = jsonschema.Draft4Validator(json.load(f))
    for scenario in r.scenarios():
        log = json.loads(r.report(scenario, "sarif"))
        errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
        r.expect(not errors, f"{scenario}: SARIF schema: "
                 + "; ".join(f"{list(e.path)}: {e.message[:200]}" for e in errors[:3]))
        run = log["runs"][0]
        rules = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
        r.expect(rules == r.check_ids, f"{scenario}: one rule per check id, in registry order")
        r.expect(all(rule["help"]["text"] for rule in run["tool"]["driver"]["rules"]),
                 f"{scenario}: every rule has help text")
        results = run["results"]
        r.expect(sorted(res["ruleId"] for res in results) == sorted(r.check_ids),
                 f"{scenario}: one result per check")
        for res in results:
            r.expect(rules[res["ruleIndex"]] == res["ruleId"], f"{scenario}: ruleIndex matches")
            r.expect((res["kind"] == "fail") == (res["level"] != "none"),
                     f"{scenario}: {res['ruleId']}: level none unless kind fail")
    # Rule help is what `lsm-doctor explain ID` prints, as text and Markdown.
    rules = json.loads(r.report(SEED, "sarif"))["runs"][0]["tool"]["driver"]["rules"]
    for rule in rules:
        explained = subprocess.run([r.binary, "explain", rule["id"]], capture_output=True,
                                   text=True, check=False).stdout
        r.expect(rule["help"]["text"] == explained,
                 f"rule {rule['id']}: help.text is `lsm-doctor explain {rule['id']}`")
        markdown = rule["help"].get("markdown", "")
        r.expect(markdown.startswith(f"**{rule['id']}**") and "\n### Why it matters\n" in markdown
                 and "\n### Remedies\n" in markdown,
                 f"rule {rule['id']}: help.markdown has the explanation's sections")
        def words(text):
            return " ".join(text.split())
        full = rule["fullDescription"]["text"]
        r.expect(full != rule["shortDescription"]["text"] and
                 words(full) in words(explained.replace("\nWhy it matters\n", " ")),
                 f"rule {rule['id']}: fullDescription is what the check reads and why it matters")
    seed = json.loads(r.report(SEED, "sarif"))["runs"][0]["results"]
    flood = next(res for res in seed if res["ruleId"] == "audit.log.subj-ctx-errors")
    located = [(loc["physicalLocation"]["artifactLocation"]["uri"],
                loc["physicalLocation"].get("region", {}).get("startLine"))
               for loc in flood["locations"]]
    r.expect(any(uri.endswith("dmesg.txt") and line == 12 for uri, line in located),
             f"seed: the flood points at dmesg.txt line 12: {located}")
    r.expect(flood["level"] == "error" and flood["kind"] == "fail", "seed: flood is an error")
    # Waived results carry an external suppression with the waiver's reason.
    waivers = json.loads(r.report(WAIVERS, "sarif"))["runs"][0]["results"]
    suppressed = {res["ruleId"]: res["suppressions"] for res in waivers if "suppressions" in res}
    r.expect(sorted(suppressed) == ["audit.log.backlog-overflow", "audit.status.lost",
                                    "audit.status.no-daemon"]
             and all(s[0]["kind"] == "external" and s[0]["justification"]
                     for s in suppressed.values()),
             f"{WAIVERS}: waived results are suppressed (external, with the reason): {suppressed}")


def group_junit(r):
    xmllint = tool("xmllint", "libxml2-utils")
    from junitparser import JUnitXml
    schema = os.path.join(SCHEMA_DIR, "junit.xsd")
    with tempfile.TemporaryDirectory() as scratch:
        for scenario in r.scenarios():
            path = os.path.join(scratch, f"{os.path.basename(scenario)}.xml")
            with open(path, "wb") as f:
                f.write(r.report(scenario, "junit"))
            proc = subprocess.run([xmllint, "--noout", "--schema", schema, path],
                                  capture_output=True, text=True, check=False)
            r.expect(proc.returncode == 0, f"{scenario}: xmllint --schema: {proc.stderr[:300]}")
            suites = JUnitXml.fromfile(path)
            cases = [case for suite in suites for case in suite]
            r.expect(sorted(c.name for c in cases) == sorted(r.check_ids),
                     f"{scenario}: one test case per check")
            report = json.loads(r.report(scenario, "json"))
            # A waived finding is skipped whatever its status.
            failing = sum(1 for f in report["findings"]
                          if f["status"] == "fail" and "waiver" not in f)
            skipped = sum(1 for f in report["findings"]
                          if f["status"] in ("unknown", "not-applicable") or "waiver" in f)
            r.expect(suites.failures == failing and suites.skipped == skipped,
                     f"{scenario}: junitparser reads {suites.failures} failures and "
                     f"{suites.skipped} skipped, the report has {failing} and {skipped}")


def group_prometheus(r):
    promtool = tool("promtool", "prometheus")
    for scenario in r.scenarios():
        text = r.report(scenario, "prometheus")
        proc = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True,
                              check=False)
        r.expect(proc.returncode == 0 and text.strip(),
                 f"{scenario}: promtool check metrics: {proc.stdout[:300]!r} {proc.stderr[:300]!r}")
        ones = {}
        for line in text.decode().splitlines():
            if line.startswith("lsm_doctor_check_status{"):
                check = line.split('check="', 1)[1].split('"', 1)[0]
                ones[check] = ones.get(check, 0) + int(line.rsplit(" ", 1)[1])
        r.expect(sorted(ones) == sorted(r.check_ids) and set(ones.values()) == {1},
                 f"{scenario}: every check has exactly one status: {ones}")
    seed = r.report(SEED, "prometheus").decode()
    r.expect('lsm_doctor_kernel_log_signature_lines{signature="subj-ctx-error"} 53' in seed,
             "seed: 53 subject context error lines")
    waived = r.report(WAIVERS, "prometheus").decode()
    r.expect('lsm_doctor_check_waived{check="audit.status.lost"} 1' in waived
             and 'lsm_doctor_check_waived{check="audit.status.failure-panic"} 0' in waived,
             f"{WAIVERS}: lsm_doctor_check_waived is 1 for waived checks only")
    hostile = r.report(r.hostile, "prometheus").decode()
    r.expect('kernel="6.18.0-\\"evil\\"\\\\x\\n{a=\\"b\\"} 1 </x>&amp;"' in hostile,
             "hostile: quotes, backslashes and newlines are escaped in label values")


def group_output(r):
    with tempfile.TemporaryDirectory() as scratch:
        target = os.path.join(scratch, "metrics.prom")
        stdout = r.report(SEED, "prometheus")
        r.report(SEED, "prometheus", ["-o", target])
        with open(target, "rb") as f:
            r.expect(f.read() == stdout, "-o FILE holds what stdout would have")
        r.expect(sorted(os.listdir(scratch)) == ["metrics.prom"], "-o leaves no temporary file")
        link = os.path.join(scratch, "link.prom")
        os.symlink(target, link)
        cmd = scenario_command(r.binary, os.path.join(r.fixtures, SEED))
        proc = subprocess.run([*cmd, "-o", link], capture_output=True, text=True, check=False)
        r.expect(proc.returncode == 73 and "link.prom" in proc.stderr,
                 f"-o onto a symlink: exit {proc.returncode} (expected 73), {proc.stderr!r}")


def main():
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    r = Runner(sys.argv[1], sys.argv[2])
    with tempfile.TemporaryDirectory() as scratch:
        r.make_hostile(scratch)
        {"sarif": group_sarif, "junit": group_junit, "prometheus": group_prometheus,
         "output": group_output}[sys.argv[3]](r)
    print(f"{sys.argv[3]}: {len(r.failures)} failed")
    sys.exit(1 if r.failures else 0)


if __name__ == "__main__":
    main()
