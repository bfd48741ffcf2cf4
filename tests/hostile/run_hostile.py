#!/usr/bin/env python3
"""Feeds lsm-doctor hostile inputs and checks that it stays calm:

- a 100 MB single-line /proc/cmdline stand-in under --root;
- binary junk and NUL bytes in every file it reads under --root;
- invalid UTF-8, NUL and terminal escapes in kernel log lines;
- a FIFO and a directory where a file is expected (it must not hang); a FIFO
  named with --dmesg is an input the user chose and is read, as are real
  pipes: `--dmesg <(cat FILE)`, `--dmesg /dev/stdin` and `--dmesg -`;
- a 10 GB sparse kernel log (--dmesg and .lsm-doctor/dmesg.txt) and audit.log
  stand-in (--audit-log and ROOT/var/log/audit/audit.log);
- a 10 GB sparse journal file whose header points into the hole (a field
  table of 1 GiB, a billion entries), and one whose entry array links to
  itself (--journal-file).

For each: the run ends within its time budget with exit status 0, 1 or 2,
the JSON report is valid UTF-8 and valid JSON, the text output is produced,
the input is named in an unknown fact's reason or a warning, and the facts
that do not depend on it are still read (the run continues). Peak RSS of the
doctor runs (resource.getrusage(RUSAGE_CHILDREN)) stays under a bound.

Usage: run_hostile.py LSM_DOCTOR
"""
import json
import os
import struct
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time

TIME_BUDGET_S = 60       # per run; generous for a loaded machine
SPARSE_BUDGET_S = 45     # reading 10 GB of zeros takes ~60 s; skipping holes takes well under 1 s
PEAK_RSS_LIMIT_KB = 200 * 1024
failures = []


def expect(ok, message):
    print(f"{'ok' if ok else 'FAIL'} {message}")
    if not ok:
        failures.append(message)


def make_root(base, name):
    """A small, sane tree: the baseline every case spoils one input of."""
    root = os.path.join(base, name)
    files = {
        "proc/sys/kernel/osrelease": b"6.18.2\n",
        "proc/cmdline": b"BOOT_IMAGE=/vmlinuz lsm=landlock,bpf,apparmor audit=1\n",
        "sys/kernel/security/lsm": b"capability,landlock,bpf,apparmor",
        ".lsm-doctor/audit_status": b"enabled 1\nfailure 1\npid 0\nrate_limit 0\n"
                                    b"backlog_limit 64\nlost 0\nbacklog 0\n",
        ".lsm-doctor/dmesg.txt": b"[    0.000000] Linux version 6.18.2\n",
        "var/log/audit/audit.log": b"type=DAEMON_START msg=audit(1700000000.000:1): op=start\n",
    }
    for rel, data in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    return root


def replace_with(path, kind, data=b""):
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    elif os.path.lexists(path):
        os.remove(path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dir":
        os.mkdir(path)
    elif kind == "sparse":
        with open(path, "wb") as f:
            f.truncate(10 * 1024 ** 3)
    else:
        with open(path, "wb") as f:
            f.write(data)


def hostile_journal(path, kind):
    """A journal file header over a 10 GB hole ("sparse"), or a small file
    whose only entry array links to itself ("loop")."""
    header = bytearray(272)
    header[0:8] = b"LPKSHHRH"
    struct.pack_into("<I", header, 12, 16)  # compact
    struct.pack_into("<Q", header, 88, 272)
    if kind == "sparse":
        size = 10 * 1024 ** 3
        struct.pack_into("<QQQQ", header, 96, size - 272, 0, 0, 5 * 1024 ** 3)
        struct.pack_into("<Q", header, 128, 1024 ** 3)        # field hash table bytes
        struct.pack_into("<Q", header, 152, 10 ** 9)          # entries
        struct.pack_into("<Q", header, 176, 5 * 1024 ** 3 + 4096)  # the entry array
        body = b""
    else:
        array = 272  # ENTRY_ARRAY: next -> itself, one item -> an entry past the end
        body = bytearray(40)
        body[0] = 6
        struct.pack_into("<QQ", body, 8, 40, array)
        struct.pack_into("<I", body, 24, 4096)
        size = 272 + len(body)
        struct.pack_into("<Q", header, 96, len(body))
        struct.pack_into("<Q", header, 152, 10 ** 9)
        struct.pack_into("<Q", header, 176, array)
    with open(path, "wb") as f:
        f.truncate(size)
        f.write(bytes(header) + bytes(body))


def run(doctor, args, fmt, budget=TIME_BUDGET_S):
    cmd = [doctor, "check", "--format", fmt, "--color", "never"] + args
    start = time.monotonic()
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=budget, check=False)
    except subprocess.TimeoutExpired:
        return None, budget
    return proc, time.monotonic() - start


def check_case(doctor, name, args, named, still_known=("kernel_release",), known=None,
               budget=TIME_BUDGET_S):
    """Runs one case in JSON and text; `named` must appear in a reason or warning."""
    proc, seconds = run(doctor, args, "json", budget)
    if proc is None:
        expect(False, f"{name}: finishes within {budget} s (it hung or crawled)")
        return
    expect(proc.returncode in (0, 1, 2),
           f"{name}: exit 0, 1 or 2 (got {proc.returncode}; {proc.stderr[-300:]!r}) in {seconds:.2f} s")
    try:
        report = json.loads(proc.stdout.decode("utf-8", errors="strict"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        expect(False, f"{name}: the JSON report is valid UTF-8 JSON ({e})")
        return
    facts = report.get("facts", {})
    messages = [f.get("reason") or "" for f in facts.values()] + report.get("warnings", [])
    messages += [e.get("excerpt", "") for f in report.get("findings", [])
                 for e in f.get("evidence", [])]
    expect(any(named in m for m in messages), f"{name}: a message names {named}")
    for fact in still_known:
        expect(facts.get(fact, {}).get("known") is True, f"{name}: the run continues ({fact} still known)")
    if known is not None:
        for fact, state in known.items():
            expect(facts.get(fact, {}).get("known") is state,
                   f"{name}: {fact} is {'known' if state else 'unknown'}: {facts.get(fact)}")
    text, _ = run(doctor, args, "text", budget)
    expect(text is not None and text.returncode == proc.returncode and b"Findings" in text.stdout,
           f"{name}: the text output is produced with the same exit status")
    if text is not None:
        expect(b"\x1b" not in text.stdout, f"{name}: no raw escape bytes from the input reach the terminal")


PIPED_LOG = (b"[    0.000000] Linux version 6.18.2 (nixbld@localhost)\n"
             b"[    3.120511] audit: error in audit_log_subj_ctx\n" * 7 +
             b"[    9.000000] audit: audit_lost=12 audit_rate_limit=0 audit_backlog_limit=64\n")


def check_pipes(doctor, base):
    """--dmesg from real pipes: `<(...)` (a /dev/fd path), /dev/stdin and -."""
    root = make_root(base, "dmesg-pipes")
    source = os.path.join(base, "piped-dmesg.txt")
    with open(source, "wb") as f:
        f.write(PIPED_LOG)
    cases = {
        "--dmesg <(cat FILE)": ["bash", "-c", 'exec "$0" check --format json --root "$1" '
                                "--dmesg <(cat \"$2\")", doctor, root, source],
        "--dmesg /dev/stdin": [doctor, "check", "--format", "json", "--root", root,
                               "--dmesg", "/dev/stdin"],
        "--dmesg -": [doctor, "check", "--format", "json", "--root", root, "--dmesg", "-"],
    }
    for name, cmd in cases.items():
        with subprocess.Popen(["cat", source], stdout=subprocess.PIPE) as writer:
            proc = subprocess.run(cmd, stdin=writer.stdout, capture_output=True, timeout=60,
                                  check=False)
        report = json.loads(proc.stdout)
        log = report["facts"]["kernel_log"]
        errors = next((f for f in report["findings"] if f["id"] == "audit.log.subj-ctx-errors"), {})
        expect(log.get("known") is True, f"{name}: the piped kernel log is read ({log})")
        expect(errors.get("status") == "fail" and errors.get("title", "").startswith("7 "),
               f"{name}: its 7 subject context errors are counted ({errors.get('title')})")
    # Standard input that is not a pipe but a file works too; a terminal is refused.
    with open(source, "rb") as stdin:
        proc = subprocess.run([doctor, "check", "--format", "json", "--root", root, "--dmesg", "-"],
                              stdin=stdin, capture_output=True, timeout=60, check=False)
    titles = [f["title"] for f in json.loads(proc.stdout)["findings"]
              if f["id"] == "audit.log.subj-ctx-errors"]
    expect(titles and titles[0].startswith("7 "),
           f"--dmesg - < FILE: standard input redirected from a file is read ({titles})")


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 64
    doctor = os.path.abspath(sys.argv[1])
    rng = random.Random(6)
    junk = bytes(rng.getrandbits(8) for _ in range(256 * 1024))
    with tempfile.TemporaryDirectory(prefix="lsmd-hostile-") as base:
        # 1. A 100 MB single-line /proc/cmdline.
        root = make_root(base, "cmdline-100mb")
        cmdline = os.path.join(root, "proc/cmdline")
        with open(cmdline, "wb") as f:  # in chunks: a forked child counts our RSS too
            f.write(b"lsm=")
            for _ in range(100):
                f.write(b"a" * (1024 * 1024))
            f.write(b"\n")
        check_case(doctor, "100 MB /proc/cmdline", ["--root", root], cmdline,
                   known={"cmdline": False, "active_lsms": True})

        # 2. Binary junk and 3. NUL bytes in every file read under --root.
        for rel in ("proc/cmdline", "sys/kernel/security/lsm", "proc/sys/kernel/osrelease",
                    ".lsm-doctor/audit_status", ".lsm-doctor/dmesg.txt", "var/log/audit/audit.log"):
            for label, data in (("binary junk", junk),
                                ("NUL bytes", b"lsm=bpf\x00apparmor\x00\x00audit=1\x00\n" * 3)):
                root = make_root(base, f"{label}-{rel}".replace("/", "_").replace(" ", "-"))
                path = os.path.join(root, rel)
                replace_with(path, "file", data)
                still = () if rel == "proc/sys/kernel/osrelease" else ("kernel_release",)
                proc, _ = run(doctor, ["--root", root], "json")
                ok = proc is not None and proc.returncode in (0, 1, 2)
                expect(ok, f"{label} in /{rel}: exit 0, 1 or 2")
                if ok:
                    try:
                        report = json.loads(proc.stdout.decode("utf-8", errors="strict"))
                        expect(all(report["facts"].get(f, {}).get("known") for f in still),
                               f"{label} in /{rel}: the run continues")
                    except (UnicodeDecodeError, json.JSONDecodeError) as e:
                        expect(False, f"{label} in /{rel}: the JSON report is valid ({e})")

        # 4. Invalid UTF-8, NULs and escapes in kernel log lines that match.
        root = make_root(base, "bad-utf8-log")
        log = os.path.join(base, "bad-utf8.log")
        with open(log, "wb") as f:
            f.write(b"[    1.000000] audit: error in audit_log_subj_ctx \xff\xfe\xc3( \xed\xa0\x80\n")
            f.write(b"[    2.000000] audit: error in audit_log_subj_ctx \x00\x00\x1b[31mred\x1b]0;t\x07\n")
            f.write(junk[:4096] + b"\n")
            f.write(b"[    3.000000] audit: error in audit_log_subj_ctx \xf0\x28\x8c\x28\xc0\xaf\n")
        check_case(doctor, "invalid UTF-8 in kernel log lines", ["--root", root, "--dmesg", log],
                   "audit: error in audit_log_subj_ctx", known={"kernel_log": True})

        # 5. A FIFO and 6. a directory where a file is expected.
        for kind in ("fifo", "dir"):
            for rel, fact in (("proc/cmdline", "cmdline"),
                              ("sys/kernel/security/lsm", "active_lsms"),
                              (".lsm-doctor/audit_status", "audit_status"),
                              (".lsm-doctor/dmesg.txt", "kernel_log")):
                root = make_root(base, f"{kind}-{rel.replace('/', '_')}")
                path = os.path.join(root, rel)
                replace_with(path, kind)
                check_case(doctor, f"a {kind} as /{rel}", ["--root", root], path,
                           known={fact: False})
            root = make_root(base, f"{kind}-dmesg-option")
            path = os.path.join(base, f"dmesg-{kind}")
            replace_with(path, kind)
            if kind == "dir":
                check_case(doctor, f"a {kind} as --dmesg", ["--root", root, "--dmesg", path], path,
                           known={"kernel_log": False})
        # A named FIFO given as --dmesg is an input the user chose: it is read
        # (no writer: an empty log at once, not a hang).
        root = make_root(base, "fifo-dmesg-no-writer")
        path = os.path.join(base, "dmesg-fifo-no-writer")
        replace_with(path, "fifo")
        proc, seconds = run(doctor, ["--root", root, "--dmesg", path], "json", 20)
        log = json.loads(proc.stdout)["facts"]["kernel_log"] if proc else {}
        expect(proc is not None and log.get("known") is True and log.get("source") == path,
               f"a FIFO without a writer as --dmesg: an empty kernel log in {seconds:.2f} s ({log})")
        check_pipes(doctor, base)

        # 7. 10 GB sparse kernel logs and audit.log stand-ins.
        root = make_root(base, "sparse")
        sparse = os.path.join(base, "sparse-10g.log")
        replace_with(sparse, "sparse")
        check_case(doctor, "a 10 GB sparse --dmesg", ["--root", root, "--dmesg", sparse], sparse,
                   known={"kernel_log": True}, budget=SPARSE_BUDGET_S)
        replace_with(os.path.join(root, ".lsm-doctor/dmesg.txt"), "sparse")
        replace_with(os.path.join(root, "var/log/audit/audit.log"), "sparse")
        check_case(doctor, "a 10 GB sparse .lsm-doctor/dmesg.txt and audit.log",
                   ["--root", root, "--audit-log", sparse],
                   os.path.join(root, ".lsm-doctor/dmesg.txt"), known={"kernel_log": True},
                   budget=SPARSE_BUDGET_S)

        # 8. Journal files whose headers lie.
        for kind in ("sparse", "loop"):
            path = os.path.join(base, f"hostile-{kind}.journal")
            hostile_journal(path, kind)
            check_case(doctor, f"a {kind} journal file", ["--root", root, "--journal-file", path],
                       path, budget=SPARSE_BUDGET_S)
            os.remove(path)

    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    expect(peak_kb < PEAK_RSS_LIMIT_KB,
           f"peak RSS of the doctor runs {peak_kb // 1024} MiB < {PEAK_RSS_LIMIT_KB // 1024} MiB")
    print(f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
