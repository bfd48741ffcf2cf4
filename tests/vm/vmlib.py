"""Library of the VM tests: fetches Debian cloud kernels, builds a busybox
initramfs holding lsm-doctor and auditctl, boots it under QEMU (software
emulation) and parses what the guest prints on its serial console.

Nothing here touches the machine's own apt setup: apt runs with a private
sources list, list directory and cache under the cache directory
($LSMD_VM_CACHE, else ~/.cache/lsm-doctor-vm).
"""
import contextlib
import fcntl
import glob
import gzip
import io
import json
import os
import re
import shutil
import stat
import subprocess
import tempfile
import time

SKIP = 77  # ctest SKIP_RETURN_CODE

SOURCES = """\
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian-security bookworm-security main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie-backports main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian sid main
"""
LISTS_MAX_AGE = 24 * 3600
FLAVOUR = "-cloud-amd64"
MARK = "@@LSMD@@"


class Skip(Exception):
    """The test cannot run here (no qemu, no archive); the message says why."""


def require_tools():
    """Raises Skip naming the first missing tool."""
    for tool, package in (("qemu-system-x86_64", "qemu-system-x86"), ("apt-get", "apt"),
                          ("dpkg-deb", "dpkg"), ("ldd", "libc-bin"), ("strip", "binutils")):
        if not shutil.which(tool):
            raise Skip(f"{tool} is not installed (install {package})")


def cache_dir():
    path = os.environ.get("LSMD_VM_CACHE") or os.path.join(
        os.path.expanduser("~"), ".cache", "lsm-doctor-vm")
    os.makedirs(path, exist_ok=True)
    return path


@contextlib.contextmanager
def locked(path):
    """An exclusive lock on `path` (created), for tests running in parallel."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "a", encoding="utf-8") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def run(cmd, **kwargs):
    kwargs.setdefault("capture_output", True)
    kwargs.setdefault("text", True)
    return subprocess.run(cmd, check=False, **kwargs)


def version_key(text):
    """Orders kernel releases such as 6.1.0-50 < 6.18.15+deb13 < 7.3.4+deb13."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


class Apt:
    """apt-get/apt-cache on a private sources list under the cache."""

    def __init__(self, cache):
        self.root = os.path.join(cache, "apt")
        self.lists = os.path.join(self.root, "lists")
        for d in (os.path.join(self.lists, "partial"),
                  os.path.join(self.root, "cache", "archives", "partial"),
                  os.path.join(self.root, "parts")):
            os.makedirs(d, exist_ok=True)
        self.sources = os.path.join(self.root, "sources.list")
        # Rewritten only when it changed, and atomically: a test running in
        # parallel may be reading it.
        current = None
        if os.path.exists(self.sources):
            with open(self.sources, encoding="utf-8") as f:
                current = f.read()
        if current != SOURCES:
            with open(self.sources + ".tmp", "w", encoding="utf-8") as f:
                f.write(SOURCES)
            os.replace(self.sources + ".tmp", self.sources)
        self.status = os.path.join(self.root, "status")
        open(self.status, "a", encoding="utf-8").close()

    def options(self):
        return ["-o", f"Dir::Etc::SourceList={self.sources}",
                "-o", f"Dir::Etc::SourceParts={os.path.join(self.root, 'parts')}",
                "-o", f"Dir::State::Lists={self.lists}",
                "-o", f"Dir::Cache={os.path.join(self.root, 'cache')}",
                "-o", f"Dir::State::status={self.status}",
                "-o", "APT::Architecture=amd64",
                "-o", "Acquire::Languages=none",
                "-o", "APT::Sandbox::User=root"]

    def update(self):
        stamp = os.path.join(self.root, "updated")
        if os.path.exists(stamp) and time.time() - os.path.getmtime(stamp) < LISTS_MAX_AGE:
            return
        proc = run(["apt-get", "-qq", *self.options(), "update"], timeout=600)
        if proc.returncode != 0 or "Failed to fetch" in proc.stderr or "Err:" in proc.stdout:
            if glob.glob(os.path.join(self.lists, "*_Packages*")):
                return  # an older list still names the kernels
            raise Skip("cannot reach the Debian archive: apt-get update failed: "
                       + (proc.stderr.strip().splitlines() or ["?"])[-1])
        open(stamp, "w", encoding="utf-8").close()

    def download(self, packages, dest):
        os.makedirs(dest, exist_ok=True)
        proc = run(["apt-get", "-qq", *self.options(), "download", *packages], cwd=dest,
                   timeout=900)
        if proc.returncode != 0:
            raise Skip(f"apt-get download {' '.join(packages)} failed: "
                       + (proc.stderr.strip().splitlines() or ["?"])[-1])

    def package_names(self, prefix):
        proc = run(["apt-cache", *self.options(), "pkgnames", prefix])
        return proc.stdout.split()


def resolve_release(apt, spec):
    """The kernel release (e.g. 6.18.15+deb13-cloud-amd64) a scenario's
    kernel spec names: {"release": R}, {"suite": S} (the cloud meta package
    of suite S) or {"newest": true} (the highest cloud kernel offered)."""
    if "release" in spec:
        return spec["release"]
    if spec.get("newest"):
        names = [n for n in apt.package_names("linux-image-")
                 if re.fullmatch(r"linux-image-\d[^ ]*" + re.escape(FLAVOUR), n)]
        if not names:
            raise Skip("no cloud kernel in the package lists")
        return max((n[len("linux-image-"):] for n in names), key=version_key)
    if "suite" in spec:
        with tempfile.TemporaryDirectory() as tmp:
            apt.download([f"linux-image{FLAVOUR}/{spec['suite']}"], tmp)
            deb = glob.glob(os.path.join(tmp, "*.deb"))[0]
            depends = run(["dpkg-deb", "-f", deb, "Depends"]).stdout
        m = re.search(r"linux-image-(\S+" + re.escape(FLAVOUR) + ")", depends)
        if not m:
            raise Skip(f"linux-image{FLAVOUR}/{spec['suite']} names no kernel: {depends}")
        return m.group(1)
    raise ValueError(f"bad kernel spec {spec}")


class Kernel:
    def __init__(self, release, directory):
        self.release = release
        self.dir = directory
        self.vmlinuz = os.path.join(directory, "vmlinuz")
        with open(os.path.join(directory, "config-path"), encoding="utf-8") as f:
            self.config_path = f.read().strip()  # where the package installs it
        self.config = os.path.join(directory, "config")


def fetch_kernel(apt, release):
    """Downloads and unpacks a cloud kernel into the cache (once)."""
    directory = os.path.join(cache_dir(), "kernels", release)
    if os.path.exists(os.path.join(directory, "ok")):
        return Kernel(release, directory)
    with tempfile.TemporaryDirectory(dir=cache_dir()) as tmp:
        debs = os.path.join(tmp, "debs")
        apt.download([f"linux-image-{release}"], debs)
        image = glob.glob(os.path.join(debs, "*.deb"))[0]
        listing = run(["dpkg-deb", "-c", image]).stdout
        if "vmlinuz" not in listing:
            # 6.19 and newer: the image package depends on linux-binary-*
            # (vmlinuz) and linux-base-* (config).
            apt.download([f"linux-binary-{release}", f"linux-base-{release}"], debs)
        tree = os.path.join(tmp, "tree")
        for deb in glob.glob(os.path.join(debs, "*.deb")):
            proc = run(["dpkg", "-x", deb, tree])
            if proc.returncode != 0:
                raise RuntimeError(f"dpkg -x {deb}: {proc.stderr}")
        found = {}
        for name, candidates in (("vmlinuz", [f"boot/vmlinuz-{release}",
                                              f"usr/lib/modules/{release}/vmlinuz"]),
                                 ("config", [f"boot/config-{release}",
                                             f"usr/lib/modules/{release}/config"])):
            for c in candidates:
                if os.path.exists(os.path.join(tree, c)):
                    found[name] = c
                    break
            else:
                raise RuntimeError(f"{release}: no {name} in {candidates}")
        os.makedirs(directory, exist_ok=True)
        shutil.copy(os.path.join(tree, found["vmlinuz"]), os.path.join(directory, "vmlinuz"))
        shutil.copy(os.path.join(tree, found["config"]), os.path.join(directory, "config"))
        with open(os.path.join(directory, "config-path"), "w", encoding="utf-8") as f:
            f.write("/" + found["config"] + "\n")
    open(os.path.join(directory, "ok"), "w", encoding="utf-8").close()
    return Kernel(release, directory)


def auditctl_binary():
    """auditctl from the host, else from Debian's auditd package unpacked into
    the cache (installing auditd would start a daemon)."""
    for path in ("/sbin/auditctl", "/usr/sbin/auditctl"):
        if os.path.exists(path):
            return path
    directory = os.path.join(cache_dir(), "auditd")
    path = os.path.join(directory, "tree", "sbin", "auditctl")
    if os.path.exists(path):
        return path
    debs = os.path.join(directory, "debs")
    os.makedirs(debs, exist_ok=True)
    proc = run(["apt-get", "-qq", "-o", "APT::Sandbox::User=root", "download", "auditd"],
               cwd=debs, timeout=600)
    if proc.returncode != 0:
        raise Skip("cannot fetch auditd for auditctl: " + proc.stderr.strip())
    deb = glob.glob(os.path.join(debs, "auditd_*.deb"))[0]
    run(["dpkg", "-x", deb, os.path.join(directory, "tree")])
    for candidate in (path, os.path.join(directory, "tree", "usr", "sbin", "auditctl")):
        if os.path.exists(candidate):
            return candidate
    raise Skip("the auditd package has no auditctl")


def shared_libraries(binary):
    """The shared libraries (and loader) ldd lists for `binary`."""
    proc = run(["ldd", binary])
    libs = []
    for line in proc.stdout.splitlines():
        m = re.search(r"(?:=>\s*)?(/\S+)\s+\(0x", line)
        if m:
            libs.append(m.group(1))
    return libs


class Cpio:
    """A newc ("070701") cpio archive, as the kernel unpacks an initramfs."""

    def __init__(self):
        self.out = io.BytesIO()
        self.ino = 1
        self.dirs = set()

    def _entry(self, name, mode, data=b""):
        name_bytes = name.encode() + b"\0"
        fields = [self.ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(name_bytes), 0]
        self.ino += 1
        self.out.write(b"070701" + b"".join(b"%08X" % f for f in fields))
        self.out.write(name_bytes)
        self.out.write(b"\0" * (-(110 + len(name_bytes)) % 4))
        self.out.write(data)
        self.out.write(b"\0" * (-len(data) % 4))

    def directory(self, name):
        name = name.strip("/")
        if not name or name in self.dirs:
            return
        self.directory(os.path.dirname(name))
        self.dirs.add(name)
        self._entry(name, stat.S_IFDIR | 0o755)

    def file(self, name, data, mode=0o755):
        name = name.strip("/")
        self.directory(os.path.dirname(name))
        self._entry(name, stat.S_IFREG | mode, data)

    def copy(self, name, source):
        """Copies `source` (following symlinks) to `name`."""
        with open(source, "rb") as f:
            self.file(name, f.read(), stat.S_IMODE(os.stat(source).st_mode))

    def symlink(self, name, target):
        name = name.strip("/")
        self.directory(os.path.dirname(name))
        self._entry(name, stat.S_IFLNK | 0o777, target.encode())

    def finish(self):
        self._entry("TRAILER!!!", 0)
        data = self.out.getvalue()
        return data + b"\0" * (-len(data) % 512)


INIT = r"""#!/bin/busybox sh
/bin/busybox mkdir -p /proc /sys /dev /tmp /run /usr/bin /usr/sbin
/bin/busybox --install -s /bin
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
opt() {
  for w in $(cat /proc/cmdline); do
    case "$w" in "$1="*) echo "${w#*=}"; return ;; esac
  done
  echo "$2"
}
[ "$(opt lsmd.securityfs 1)" = 1 ] && mount -t securityfs securityfs /sys/kernel/security
section() { echo; echo "@@LSMD@@ $1"; }
section begin
section uname; uname -r
section cmdline; cat /proc/cmdline
section lsm; cat /sys/kernel/security/lsm 2>&1; echo
# Make the kernel audit something: a syscall rule and matching syscalls.
n=$(opt lsmd.activity 0)
section activity
if [ "$n" -gt 0 ]; then
  auditctl -a always,exit -F arch=b64 -S openat -k lsmd 2>&1; echo "rc=$?"
  # Two bursts; a pause between them lets the printk rate limit report
  # what it suppressed ("kauditd_printk_skb: N callbacks suppressed").
  for burst in 1 2; do
    i=0
    while [ "$i" -lt "$((n / 2))" ]; do cat /proc/version >/dev/null; i=$((i + 1)); done
    [ "$burst" = 1 ] && sleep "$(opt lsmd.pause 0)"
  done
  auditctl -D 2>&1; echo "rc=$?"
fi
section auditctl-s; auditctl -s 2>&1; echo "rc=$?"
section auditctl-b; auditctl -b 8192 2>&1; echo "rc=$?"
section audit-status; auditctl -s 2>&1; echo "rc=$?"
section dmesg; dmesg
# Rules the kernel keeps loaded while the doctor runs, as auditctl lists them.
if [ "$(opt lsmd.rules 0)" = 1 ]; then
  mkdir -p /tmp/watched
  cat >/tmp/lsmd.rules <<'RULES'
-a always,exit -F arch=b64 -S openat,open -F auid>=1000 -F auid!=-1 -F key=lsmd-a
-w /init -p wa -k init
-w /tmp/watched/ -p rwxa
-a always,exit -F arch=b32 -S all -F exit=-EACCES -k access
-a never,exclude -F msgtype=CWD
-a always,exit -F dir=/tmp/watched -F perm=w -F key=dirrule
-a always,exit -F arch=b64 -S unlink -F path=/init -F key=init-unlink
-a always,user -F uid=1000
-a always,exit -F arch=b64 -S mount -F success=0 -F a0=5
RULES
  section auditctl-R; auditctl -R /tmp/lsmd.rules 2>&1; echo "rc=$?"
  section auditctl-l; auditctl -l 2>&1
fi
lsm-doctor check --format json >/tmp/check.json 2>/tmp/check.err
rc=$?
section check; cat /tmp/check.json
section check-stderr; cat /tmp/check.err
section check-rc; echo "$rc"
lsm-doctor stack --format json >/tmp/stack.json 2>&1
rc=$?
section stack; cat /tmp/stack.json
section stack-rc; echo "$rc"
section end
poweroff -f
"""


def build_initramfs(doctor, kernel, out):
    """Writes the initramfs for `kernel` to `out`: busybox, auditctl,
    lsm-doctor with their libraries, the kernel's config where its package
    installs it, and /init."""
    busybox = shutil.which("busybox") or "/bin/busybox"
    probe = run(["ldd", busybox]) if os.path.exists(busybox) else None
    if probe is None or "not a dynamic executable" not in probe.stdout + probe.stderr:
        raise Skip("no static busybox (install busybox-static)")
    auditctl = auditctl_binary()
    cpio = Cpio()
    for d in ("bin", "sbin", "usr/bin", "usr/sbin", "proc", "sys", "dev", "tmp", "run", "etc",
              "boot"):
        cpio.directory(d)
    cpio.copy("bin/busybox", busybox)
    cpio.copy("sbin/auditctl", auditctl)
    with tempfile.TemporaryDirectory() as tmp:
        stripped = os.path.join(tmp, "lsm-doctor")  # debug info only slows the boot
        if run(["strip", "--strip-debug", "-o", stripped, doctor]).returncode != 0:
            stripped = doctor
        cpio.copy("usr/bin/lsm-doctor", stripped)
    libs = set(shared_libraries(doctor)) | set(shared_libraries(auditctl))
    for lib in sorted(libs):
        cpio.copy(lib, lib)
    cpio.file("init", INIT.encode())
    cpio.copy(kernel.config_path, kernel.config)
    data = cpio.finish()
    tmp = out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, out)


def boot(kernel, initramfs, append, log_path, timeout):
    """Boots `kernel` with `initramfs` under QEMU (TCG) and returns the
    serial console text; raises TimeoutError with the partial log."""
    qemu = shutil.which("qemu-system-x86_64")
    cmd = [qemu, "-accel", "tcg", "-m", "512", "-smp", "1", "-nodefaults", "-no-reboot",
           "-display", "none", "-serial", f"file:{log_path}", "-kernel", kernel.vmlinuz,
           "-initrd", initramfs, "-append",
           f"console=ttyS0 loglevel=1 panic=-1 {append}"]
    try:
        subprocess.run(cmd, check=False, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        raise TimeoutError(f"no power-off within {timeout} s: {' '.join(cmd)}") from e
    with open(log_path, encoding="utf-8", errors="replace") as f:
        return f.read()


def parse_console(text):
    """The sections the guest printed: {name: text}."""
    sections = {}
    name = None
    lines = []
    for line in text.replace("\r", "").split("\n"):
        if line.startswith(MARK + " "):
            if name:
                sections[name] = "\n".join(lines).strip("\n")
            name = line[len(MARK) + 1:].strip()
            lines = []
        elif name:
            lines.append(line)
    if name:
        sections[name] = "\n".join(lines).strip("\n")
    return sections


def command_rc(section_text):
    m = re.search(r"^rc=(\d+)\s*$", section_text or "", re.M)
    return int(m.group(1)) if m else None


def load_json(text, what):
    try:
        return json.loads(text)
    except (json.JSONDecodeError, TypeError) as e:
        raise AssertionError(f"{what} is not JSON ({e}): {text!r:.400}") from e
