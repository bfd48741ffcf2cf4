#!/usr/bin/env python3
"""Shell completions (completions/): each file loads in its shell and
completes commands, --target values and check ids; every option of
`lsm-doctor [COMMAND] --help` appears in every completion file (no drift);
`cmake --install` puts them where bash-completion, zsh and fish look (and
the manual pages in man1 and man5).

A shell that is not installed is skipped with the reason; exits 77 when no
shell could be tried.

Usage: run_completions.py LSM_DOCTOR SOURCE_DIR BUILD_DIR
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

failures = []
skipped = []


def expect(ok, message):
    print(f"{'ok' if ok else 'FAIL'} {message}")
    if not ok:
        failures.append(message)


def sh(cmd, env, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60, check=False,
                          **kw)


def options_from_help(doctor, env):
    """Long options of the top level and of every command, from --help."""
    opts = set()
    for args in ([], ["check"], ["stack"], ["fix"], ["nixos"], ["nixos", "plan"], ["explain"],
                 ["collect"]):
        out = sh([doctor] + args + ["--help"], env).stdout
        opts |= set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", out))
    return opts


def check_bash(path, env):
    bash = shutil.which("bash")
    if not bash:
        skipped.append("bash: not installed")
        return
    loader = "/usr/share/bash-completion/bash_completion"
    prelude = f"[ -r {loader} ] && . {loader}; . {path}\n"
    def complete(words):
        script = prelude + (
            f"COMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); "
            "COMP_LINE=\"${COMP_WORDS[*]}\"; COMP_POINT=${#COMP_LINE}; "
            "_lsm_doctor lsm-doctor \"${COMP_WORDS[COMP_CWORD]}\" \"${COMP_WORDS[COMP_CWORD-1]}\"; "
            "printf '%s\\n' \"${COMPREPLY[@]}\"")
        return sh([bash, "--norc", "--noprofile", "-c", script], env)
    loaded = sh([bash, "--norc", "--noprofile", "-c", prelude + "complete -p lsm-doctor"], env)
    expect(loaded.returncode == 0 and "_lsm_doctor" in loaded.stdout,
           f"bash: loads and registers _lsm_doctor ({loaded.stderr.strip()[:200]})")
    expect("collect" in complete("lsm-doctor ''").stdout.split(), "bash: completes commands")
    expect("grubby" in complete("lsm-doctor fix --target ''").stdout.split(),
           "bash: completes --target values")
    expect("lsm.order.bpf-before-secctx" in complete("lsm-doctor explain lsm.o").stdout.split(),
           "bash: completes check ids")
    expect("--snapshot" in complete("lsm-doctor check --sn").stdout.split(),
           "bash: completes options")
    expect("plan" in complete("lsm-doctor nixos ''").stdout.split(),
           "bash: completes nixos plan")
    expect({"--from-json", "--flake", "--file"} <=
           set(complete("lsm-doctor nixos plan --f").stdout.split()),
           "bash: completes the options of nixos plan")


def check_zsh(directory, env):
    zsh = shutil.which("zsh")
    if not zsh:
        skipped.append("zsh: not installed (apt-get install zsh)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        script = (f"fpath=({directory} $fpath); autoload -Uz compinit; "
                  f"compinit -u -d {tmp}/zcompdump; "
                  "print -r -- ${_comps[lsm-doctor]}")
        loaded = sh([zsh, "-f", "-c", script], env)
    expect(loaded.returncode == 0 and loaded.stdout.strip() == "_lsm-doctor",
           f"zsh: compinit registers _lsm-doctor for lsm-doctor ({loaded.stdout.strip()!r} "
           f"{loaded.stderr.strip()[:200]})")
    syntax = sh([zsh, "-n", os.path.join(directory, "_lsm-doctor")], env)
    expect(syntax.returncode == 0, f"zsh: the file parses ({syntax.stderr.strip()[:200]})")


def check_fish(path, env):
    fish = shutil.which("fish")
    if not fish:
        skipped.append("fish: not installed (apt-get install fish)")
        return
    def complete(line):
        return sh([fish, "--no-config", "-c", f"source {path}; complete -C '{line}'"], env)
    loaded = complete("lsm-doctor ")
    expect(loaded.returncode == 0 and "collect" in loaded.stdout,
           f"fish: loads and completes commands ({loaded.stderr.strip()[:200]})")
    expect("grubby" in complete("lsm-doctor fix --target ").stdout,
           "fish: completes --target values")
    expect("lsm.order.bpf-before-secctx" in complete("lsm-doctor explain lsm.o").stdout,
           "fish: completes check ids")
    expect("--from-json" in complete("lsm-doctor nixos plan --").stdout,
           "fish: completes the options of nixos plan")


def check_install(build_dir, env):
    cmake = shutil.which("cmake")
    with tempfile.TemporaryDirectory() as dest:
        run = sh([cmake, "--install", build_dir, "--prefix", "/usr"], dict(env, DESTDIR=dest))
        expect(run.returncode == 0, f"cmake --install ({run.stderr.strip()[:200]})")
        for rel in ("usr/share/bash-completion/completions/lsm-doctor",
                    "usr/share/zsh/vendor-completions/_lsm-doctor",
                    "usr/share/fish/vendor_completions.d/lsm-doctor.fish",
                    "usr/share/man/man1/lsm-doctor.1", "usr/share/man/man5/lsm-doctor.toml.5"):
            expect(os.path.isfile(os.path.join(dest, rel)), f"installed: /{rel}")


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 64
    doctor, source, build = (os.path.abspath(a) for a in sys.argv[1:])
    directory = os.path.join(source, "completions")
    # The completions run `lsm-doctor explain --list`: put the built one first.
    env = dict(os.environ, PATH=os.path.dirname(doctor) + os.pathsep + os.environ.get("PATH", ""),
               LC_ALL="C.UTF-8", HOME=tempfile.gettempdir())
    files = {"bash": "lsm-doctor.bash", "zsh": "_lsm-doctor", "fish": "lsm-doctor.fish"}
    for shell, name in files.items():
        text = open(os.path.join(directory, name), encoding="utf-8").read()
        missing = sorted(o for o in options_from_help(doctor, env)
                         if o.lstrip("-") not in text and o != "--help")
        expect(not missing, f"{shell}: every option of --help is completed (missing {missing})")
    check_bash(os.path.join(directory, files["bash"]), env)
    check_zsh(directory, env)
    check_fish(os.path.join(directory, files["fish"]), env)
    check_install(build, env)
    for reason in skipped:
        print(f"skip {reason}")
    if len(skipped) == 3:
        return 77
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
