#!/usr/bin/env python3
"""Validates lsm-doctor's JSON report against schema/report.schema.json: the
output of every fixture scenario, and of the live host. Fails (does not
skip) when python3-jsonschema is missing: the schema is a contract.

Usage: validate_reports.py LSM_DOCTOR SCHEMA FIXTURES_DIR
"""
import copy
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
import run_fixture  # noqa: E402

try:
    import jsonschema
except ImportError:
    print("FAIL: the python3 module jsonschema is missing (Debian: apt-get install "
          "python3-jsonschema); the report schema cannot be checked")
    sys.exit(1)


def validator_for(schema_path):
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def errors_of(validator, report):
    return [f"{'/'.join(str(p) for p in e.absolute_path) or '(top)'}: {e.message}"
            for e in sorted(validator.iter_errors(report), key=lambda e: list(e.absolute_path))]


def reports(binary, fixtures):
    for scenario in sorted(os.listdir(fixtures)):
        path = os.path.join(fixtures, scenario)
        if os.path.isdir(os.path.join(path, "root")) or os.path.exists(
                os.path.join(path, "plan.toml")):
            _, report, _ = run_fixture.run_scenario(binary, path)
            yield scenario, report
    proc = subprocess.run([binary, "check", "--format", "json"], capture_output=True, text=True,
                          check=False)
    if proc.returncode >= 64:
        raise SystemExit(f"FAIL live host: exit {proc.returncode}: {proc.stderr}")
    yield "live host", json.loads(proc.stdout)


def main():
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    binary, schema_path, fixtures = sys.argv[1:]
    validator = validator_for(schema_path)
    failed = 0
    sample = None
    for name, report in reports(binary, fixtures):
        errors = errors_of(validator, report)
        print(f"{'FAIL' if errors else 'ok'} {name}")
        for e in errors:
            print(f"  - {e}")
        failed += bool(errors)
        if report["findings"] and sample is None:
            sample = report
    # The validator must reject a report that breaks the contract.
    broken = copy.deepcopy(sample)
    broken["findings"][0]["status"] = "broken"
    broken["schema_version"] = 2
    if len(errors_of(validator, broken)) < 2:
        print("FAIL the schema accepts a report with a bad status and schema_version 2")
        failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
