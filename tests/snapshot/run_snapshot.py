#!/usr/bin/env python3
"""Snapshots: collect on this machine, replay offline, and hostile archives.

- `lsm-doctor collect -o FILE.tar` and `-o DIR` succeed, write a manifest,
  and `check --snapshot` of each gives the same findings (id, status,
  severity, title) as `check` on the live host;
- `collect --redact` leaves no host name in the snapshot;
- reading a hostile archive (absolute path, '..', links pointing outside and
  inside, a FIFO, a device, an oversized member, a duplicate) refuses each
  member with a warning naming it, writes nothing outside its private
  temporary directory, and removes that directory afterwards;
- a corrupt or truncated archive is an input error (exit 65) naming the file;
- with a known journal (a fixture's journal.export made into a journal file
  by systemd-journal-remote, given to both `check` and `collect` with
  --journal-file and --boots), the snapshot holds .lsm-doctor/journal.export
  and its replay gives the live run's kernel history (audit.history.onset)
  and unit lines (audit.rules.load-failed); the loaded audit rules are
  captured as `auditctl -l` text when run as root, else the manifest says why.

Usage: run_snapshot.py LSM_DOCTOR
"""
import io
import json
import os
import re
import socket
import subprocess
import sys
import tarfile
import tempfile

failures = []


def expect(ok, message):
    print(f"{'ok' if ok else 'FAIL'} {message}")
    if not ok:
        failures.append(message)


def doctor(binary, args, tmpdir):
    env = dict(os.environ, TMPDIR=tmpdir, LC_ALL="C.UTF-8")
    return subprocess.run([binary] + args, capture_output=True, text=True, errors="replace",
                          env=env, timeout=300, check=False)


def findings(report):
    return {f["id"]: (f["status"], f["severity"], f["title"]) for f in report["findings"]}


def check_replay(binary, work, private):
    live = doctor(binary, ["check", "--format", "json"], private)
    expect(live.returncode in (0, 1, 2), f"live check exits 0, 1 or 2 ({live.returncode})")
    live_findings = findings(json.loads(live.stdout))
    for target in ("snap.tar", "snapdir"):
        out = os.path.join(work, target)
        made = doctor(binary, ["collect", "-o", out], private)
        expect(made.returncode == 0, f"collect -o {target} exits 0 ({made.stderr.strip()[:300]})")
        if made.returncode != 0:
            continue
        if target.endswith(".tar"):
            with tarfile.open(out) as tar:
                names = tar.getnames()
            expect(".lsm-doctor/manifest.toml" in names, f"{target}: a manifest in the archive")
            expect(all(not n.startswith("/") and ".." not in n.split("/") for n in names),
                   f"{target}: only relative member names")
            expect(os.stat(out).st_mode & 0o077 == 0, f"{target}: readable by its owner only")
        else:
            expect(os.path.isfile(os.path.join(out, ".lsm-doctor/manifest.toml")),
                   f"{target}: a manifest in the directory")
        replay = doctor(binary, ["check", "--snapshot", out, "--format", "json"], private)
        expect(replay.returncode == live.returncode,
               f"--snapshot {target}: exit {replay.returncode}, live {live.returncode}")
        report = json.loads(replay.stdout)
        expect(report["input"]["origin"] == "snapshot", f"--snapshot {target}: origin snapshot")
        got = findings(report)
        for fid, want in sorted(live_findings.items()):
            expect(got.get(fid) == want, f"--snapshot {target}: {fid} {got.get(fid)} == live {want}")
        check_snapshot_paths(binary, target, out, report, private)
    again = doctor(binary, ["collect", "-o", os.path.join(work, "snapdir")], private)
    expect(again.returncode != 0 and "snapdir" in again.stderr,
           "collect -o into an existing non-empty directory is refused, naming it")


def strings(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)
    elif isinstance(value, str):
        yield value


def check_snapshot_paths(binary, target, out, report, private):
    """Files of the snapshot are named OUT:/path in every output, never by the
    private extraction directory (or, for a directory, as OUT/path)."""
    def leaks(text):
        return "lsm-doctor-snapshot-" in text or out + "/" in text
    bad = [s for s in strings(report) if leaks(s)]
    expect(not bad, f"--snapshot {target}: no JSON string names the tree itself ({bad[:3]})")
    named = [s for s in strings(report) if out + ":/" in s]
    odd = [s for s in strings(report) if re.search(re.escape(out) + r":[^/\s]", s)]
    expect(not odd, f"--snapshot {target}: every path in it reads {out}:/PATH ({odd[:3]})")
    expect(any(s.startswith(out + ":/proc/") for s in named),
           f"--snapshot {target}: its files are named {out}:/PATH ({named[:3]})")
    sources = [e["source"] for f in report["findings"] for e in f["evidence"]]
    expect(all(not s.startswith("/") or s.startswith(out + ":/") or not s.startswith(os.path.dirname(out))
               for s in sources), f"--snapshot {target}: evidence sources {sources[:5]}")
    for fmt in ("text", "sarif"):
        run = doctor(binary, ["check", "--snapshot", out, "--format", fmt, "--verbose"], private)
        expect(not leaks(run.stdout), f"--snapshot {target} --format {fmt}: no path names the tree "
                                      f"itself ({[l for l in run.stdout.splitlines() if leaks(l)][:3]})")
        if fmt == "sarif":
            uris = [loc["physicalLocation"]["artifactLocation"]["uri"]
                    for r in json.loads(run.stdout)["runs"][0]["results"]
                    for loc in r.get("locations", [])]
            expect(all("lsm-doctor-snapshot-" not in u for u in uris),
                   f"--snapshot {target}: SARIF locations name the snapshot ({uris[:3]})")


def check_redact(binary, work, private):
    out = os.path.join(work, "redacted.tar")
    made = doctor(binary, ["collect", "--redact", "-o", out], private)
    expect(made.returncode == 0, f"collect --redact exits 0 ({made.stderr.strip()[:300]})")
    host = socket.gethostname()
    if len(host) < 2:
        print("skip: the host name is too short to look for")
        return
    # Whole words only, as the redaction replaces them ("vm" is no leak in "pvm").
    word = re.compile(rb"(?<![A-Za-z0-9_-])" + re.escape(host.encode()) + rb"(?![A-Za-z0-9_-])")
    leaks = []
    with tarfile.open(out) as tar:
        for member in tar.getmembers():
            if member.isfile() and not member.name.endswith(".gz"):
                data = tar.extractfile(member).read()
                if word.search(data):
                    leaks.append(member.name)
            if member.name == ".lsm-doctor/manifest.toml":
                manifest = tar.extractfile(member).read().decode()
                expect("redacted = true" in manifest, "the manifest says redacted = true")
    expect(not leaks, f"collect --redact: the host name {host!r} appears nowhere ({leaks})")


JOURNAL_REMOTE = "/lib/systemd/systemd-journal-remote"
# Findings that read the journal (kernel history, the units' lines).
JOURNAL_FINDINGS = ("audit.history.onset", "audit.rules.load-failed")
FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures")


def without_sources(value):
    """A JSON value without what names where it was read: keys such as
    "source", and file paths inside strings. The detail of an unknown
    finding (a live host's reason and a tree's differ) is left out too."""
    if isinstance(value, dict):
        unknown = value.get("status") == "unknown"
        return {k: without_sources(v) for k, v in value.items()
                if k not in ("source", "sources", "messages_source", "from")
                and not (unknown and k == "detail")}
    if isinstance(value, list):
        return [without_sources(v) for v in value]
    if isinstance(value, str):
        return re.sub(r"[^\s;,]*/[^\s;,]+", "PATH", value)
    return value


def check_journal_replay(binary, work, private):
    if not os.path.exists(JOURNAL_REMOTE):
        print(f"skip: {JOURNAL_REMOTE} is missing; the journal part is not checked")
        return
    for scenario in ("journal-onset-after-upgrade", "nixos-audit-rules-failed"):
        journal = os.path.join(work, f"{scenario}.journal")
        subprocess.run([JOURNAL_REMOTE, f"--output={journal}",
                        os.path.join(FIXTURES, scenario, "journal.export")],
                       capture_output=True, check=True)
        args = ["--journal-file", journal, "--boots", "10"]
        live = doctor(binary, ["check", "--format", "json"] + args, private)
        live_report = json.loads(live.stdout)
        out = os.path.join(work, f"{scenario}.tar")
        made = doctor(binary, ["collect", "-o", out] + args, private)
        expect(made.returncode == 0, f"{scenario}: collect --journal-file exits 0 ({made.stderr[:300]})")
        with tarfile.open(out) as tar:
            names = tar.getnames()
            manifest = tar.extractfile(".lsm-doctor/manifest.toml").read().decode()
        expect(".lsm-doctor/journal.export" in names, f"{scenario}: the snapshot holds journal.export")
        expect("journal.export" in manifest and "boot(s)" in manifest,
               f"{scenario}: the manifest says where the journal came from")
        if os.geteuid() == 0:
            expect(".lsm-doctor/audit_rules_loaded" in names,
                   f"{scenario}: as root the loaded audit rules are captured")
        else:
            expect("loaded audit rules" in manifest and "root" in manifest,
                   f"{scenario}: the manifest says the loaded rules need root")
        replay = doctor(binary, ["check", "--snapshot", out, "--format", "json"], private)
        report = json.loads(replay.stdout)
        # The kernel log of both runs differs on purpose: the live run reads
        # the named journal's last boot, the replay this host's captured
        # dmesg.txt. What comes from the journal must be the same.
        for fid in JOURNAL_FINDINGS:
            want = next((without_sources(f) for f in live_report["findings"] if f["id"] == fid), None)
            got = next((without_sources(f) for f in report["findings"] if f["id"] == fid), None)
            expect(want is not None and got == want,
                   f"{scenario} replay: {fid} equals the live run's"
                   f"{'' if got == want else f' ({json.dumps(got)[:500]} != {json.dumps(want)[:500]})'}")
        for where in ("top", "facts"):
            a = without_sources((live_report if where == "top" else live_report["facts"])["journal"])
            b = without_sources((report if where == "top" else report["facts"])["journal"])
            expect(a.get("known"), f"{scenario}: the live journal is known ({where})")
            for side in (a, b):
                side.pop("current_is_running", None)
            expect(a == b, f"{scenario} replay: the {where} journal equals the live run's"
                           f"{'' if a == b else f' ({json.dumps(a)[:400]} != {json.dumps(b)[:400]})'}")
    return


def add_bytes(tar, name, data, **kw):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    for k, v in kw.items():
        setattr(info, k, v)
    tar.addfile(info, io.BytesIO(data))


def add_special(tar, name, kind, link=""):
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = link
    tar.addfile(info)


def check_hostile(binary, work, private):
    outside = os.path.join(work, "outside")
    os.mkdir(outside)
    evil_abs = os.path.join(outside, "abs-written")
    archive = os.path.join(work, "hostile.tar")
    with tarfile.open(archive, "w", format=tarfile.USTAR_FORMAT) as tar:
        add_bytes(tar, "proc/sys/kernel/osrelease", b"6.18.2\n")
        add_bytes(tar, "proc/cmdline", b"lsm=landlock,bpf,apparmor\n")
        add_bytes(tar, "sys/kernel/security/lsm", b"capability,landlock,bpf,apparmor")
        add_bytes(tar, evil_abs, b"absolute\n")
        add_bytes(tar, "../../../../../../.." + os.path.join(outside, "dotdot-written"), b"x\n")
        add_bytes(tar, "etc/../../escape", b"x\n")
        add_special(tar, "etc/passwd-link", tarfile.SYMTYPE, "/etc/passwd")
        add_special(tar, "etc/up-link", tarfile.SYMTYPE, "../../../../etc/shadow")
        add_special(tar, "etc/inside-link", tarfile.SYMTYPE, "os-release")
        add_special(tar, "etc/hard-link", tarfile.LNKTYPE, "proc/cmdline")
        add_special(tar, "dev/fifo", tarfile.FIFOTYPE)
        add_special(tar, "dev/null", tarfile.CHRTYPE)
        add_bytes(tar, "proc/cmdline", b"lsm=bpf\n")  # a duplicate must not replace the first
    # An oversized member (300 MiB) as a sparse region, then a good member after it.
    with open(archive, "r+b") as f:
        f.seek(0, 2)
        end = f.tell() - 2 * 512
        while True:  # tarfile pads to a record; find the end-of-archive zero blocks
            f.seek(end - 512)
            if f.read(512) != b"\0" * 512:
                break
            end -= 512
        big = tarfile.TarInfo("var/log/huge.log")
        big.size = 300 << 20
        f.seek(end)
        f.write(big.tobuf(format=tarfile.USTAR_FORMAT))
        f.seek(end + 512 + big.size)
        tail = tarfile.TarInfo(".lsm-doctor/audit_status")
        text = b"enabled 1\nfailure 1\npid 0\nrate_limit 0\nbacklog_limit 64\nlost 0\nbacklog 0\n"
        tail.size = len(text)
        f.write(tail.tobuf(format=tarfile.USTAR_FORMAT) + text + b"\0" * (512 - len(text)))
        f.write(b"\0" * 1024)
    before = set(os.listdir(private))
    run = doctor(binary, ["check", "--snapshot", archive, "--format", "json"], private)
    expect(run.returncode in (0, 1, 2), f"hostile archive: exit 0, 1 or 2 ({run.returncode}: {run.stderr[:300]})")
    report = json.loads(run.stdout)
    warnings = "\n".join(report["warnings"])
    for member, why in ((evil_abs, "absolute path"), ("../../", "'..'"),
                        ("etc/../../escape", "'..'"),
                        ("etc/passwd-link", "points outside"), ("etc/up-link", "points outside"),
                        ("etc/inside-link", "symbolic link"), ("etc/hard-link", "hard link"),
                        ("dev/fifo", "FIFO"), ("dev/null", "device"),
                        ("var/log/huge.log", "limit"), ("proc/cmdline", "second member")):
        line = next((w for w in report["warnings"] if f"member '{member}" in w and "refused" in w), "")
        expect(why in line, f"hostile archive: '{member}' refused ({why}): {line!r}")
    expect(not os.listdir(outside), f"nothing written outside the snapshot ({os.listdir(outside)})")
    expect(set(os.listdir(private)) == before, "the private extraction directory is removed")
    facts = report["facts"]
    expect(facts["kernel_release"]["known"] and facts["audit_status"]["known"],
           "the good members before and after the refused ones are read")
    expect(report["stack"]["requested"]["lsm"] == "landlock,bpf,apparmor",
           f"the first proc/cmdline is kept: {report['stack']['requested']}")
    expect("manifest.toml" in warnings, "a missing manifest is reported")

    corrupt = os.path.join(work, "corrupt.tar")
    with open(archive, "rb") as f, open(corrupt, "wb") as g:
        data = bytearray(f.read(4096))
        data[148:156] = b"0000000\0"  # a wrong checksum on the first header
        g.write(data)
    run = doctor(binary, ["check", "--snapshot", corrupt], private)
    expect(run.returncode == 65 and "corrupt.tar" in run.stderr,
           f"a corrupt archive: exit 65 naming it ({run.returncode}: {run.stderr.strip()[:200]})")
    truncated = os.path.join(work, "truncated.tar")
    with open(archive, "rb") as f, open(truncated, "wb") as g:
        g.write(f.read(1000))
    run = doctor(binary, ["check", "--snapshot", truncated], private)
    expect(run.returncode == 65 and "truncated" in run.stderr,
           f"a truncated archive: exit 65, says truncated ({run.returncode}: {run.stderr.strip()[:200]})")
    expect(set(os.listdir(private)) == before, "no extraction directory is left after errors")


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 64
    binary = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory(prefix="lsmd-snapshot-") as work:
        private = os.path.join(work, "tmp")
        os.mkdir(private)
        check_replay(binary, work, private)
        check_redact(binary, work, private)
        check_journal_replay(binary, work, private)
        check_hostile(binary, work, private)
    print(f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
