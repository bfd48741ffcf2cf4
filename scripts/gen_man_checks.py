#!/usr/bin/env python3
"""Renders the per-check list of the CHECKS section of man/lsm-doctor.1 from
checks/knowledge/checks.toml, the text `lsm-doctor explain` shows too.

Usage: gen_man_checks.py --check|--write CHECKS_TOML MAN_PAGE
--check exits 1 with a diff when the man page differs; --write rewrites it.
"""
import difflib
import sys
import tomllib


def rendered(checks_toml):
    with open(checks_toml, "rb") as f:
        doc = tomllib.load(f)
    lines = []
    for check in sorted(doc.get("check", []), key=lambda c: c["id"]):
        lines.append(f".It Li {check['id']}")
        lines.append(f".Pq {check['severity']}")
        lines.extend(check["man"].rstrip("\n").split("\n"))
    return lines


def split_page(page):
    """Returns (before, list body, after) around the CHECKS section's .Bl/.El."""
    start = page.index(".Sh CHECKS")
    begin = page.index(".Bl -tag -width Ds", start) + 1
    end = page.index(".El", begin)
    return page[:begin], page[begin:end], page[end:]


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("--check", "--write"):
        raise SystemExit(__doc__)
    mode, checks_toml, man_page = sys.argv[1:]
    with open(man_page, encoding="utf-8") as f:
        page = f.read().split("\n")
    before, body, after = split_page(page)
    want = rendered(checks_toml)
    if mode == "--write":
        with open(man_page, "w", encoding="utf-8") as f:
            f.write("\n".join(before + want + after))
        return 0
    if body == want:
        return 0
    sys.stdout.writelines(
        line + "\n" for line in difflib.unified_diff(body, want, man_page, "checks.toml", lineterm=""))
    print("The CHECKS list of the man page differs from checks/knowledge/checks.toml: edit the "
          "[[check]] entry and run scripts/gen_man_checks.py --write "
          "checks/knowledge/checks.toml man/lsm-doctor.1")
    return 1


if __name__ == "__main__":
    sys.exit(main())
