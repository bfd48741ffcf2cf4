#!/usr/bin/env python3
"""Writes a synthetic audit.log of about SIZE bytes to PATH for the audit.log
benchmark: SYSCALL events with CWD/PATH/PROCTITLE, user-space records,
AppArmor and SELinux denials, a share of multi-context events (subj=? and
MAC_TASK_CONTEXTS) and of records that lost subj=.

Usage: gen_audit_log.py PATH SIZE_BYTES
"""
import random

import genlib


def events(rng, start):
    t = start
    serial = 1000
    while True:
        t += rng.randint(0, 3)
        serial += 1
        stamp = f"msg=audit({t}.{rng.randint(0, 999):03d}:{serial})"
        pid = rng.randint(300, 99999)
        kind = rng.random()
        if kind < 0.55:
            roll = rng.random()
            subj = " subj=unconfined" if roll < 0.9 else (" subj=?" if roll < 0.95 else "")
            yield (f"type=SYSCALL {stamp}: arch=c000003e syscall=257 success=yes exit=3 "
                   f"a0=ffffff9c a1=7ffd2c1e0f30 a2=80000 a3=0 items=1 ppid=1 pid={pid} "
                   f"auid=1000 uid=1000 gid=100 euid=1000 suid=1000 fsuid=1000 egid=100 "
                   f"sgid=100 fsgid=100 tty=pts0 ses=3 comm=\"cat\" exe=\"/usr/bin/cat\"{subj} "
                   f"key=\"etc-watch\"")
            if subj == " subj=?":
                yield (f"type=MAC_TASK_CONTEXTS {stamp}: subj_apparmor=unconfined "
                       f"subj_selinux=unconfined_u:unconfined_r:unconfined_t:s0")
            yield f"type=CWD {stamp}: cwd=\"/home/user\""
            yield (f"type=PATH {stamp}: item=0 name=\"/etc/passwd\" inode={rng.randint(1, 10**7)} "
                   f"dev=fe:01 mode=0100644 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL "
                   f"cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0")
            yield f"type=PROCTITLE {stamp}: proctitle=636174002F6574632F706173737764"
        elif kind < 0.75:
            yield (f"type=USER_START {stamp}: pid={pid} uid=0 auid=1000 ses=3 subj=unconfined "
                   f"msg='op=PAM:session_open grantors=pam_unix acct=\"user\" exe=\"/usr/bin/sudo\" "
                   f"hostname=? addr=? terminal=/dev/pts/0 res=success'")
        elif kind < 0.85:
            yield (f"type=AVC {stamp}: apparmor=\"DENIED\" operation=\"open\" class=\"file\" "
                   f"profile=\"/usr/sbin/cupsd\" name=\"/etc/shadow\" pid={pid} comm=\"cupsd\" "
                   f"requested_mask=\"r\" denied_mask=\"r\" fsuid=0 ouid=0")
        elif kind < 0.92:
            yield (f"type=AVC {stamp}: avc:  denied  {{ read }} for  pid={pid} comm=\"httpd\" "
                   f"name=\"index.html\" dev=\"dm-0\" ino={rng.randint(1, 10**7)} "
                   f"scontext=system_u:system_r:httpd_t:s0 "
                   f"tcontext=unconfined_u:object_r:user_home_t:s0 tclass=file permissive=0")
        elif kind < 0.96:
            yield (f"type=USER_AVC {stamp}: pid=1 uid=0 auid=4294967295 ses=4294967295 "
                   f"subj=unconfined msg='apparmor=\"DENIED\" operation=\"dbus_method_call\" "
                   f"bus=\"system\" path=\"/org/freedesktop/login1\" interface=\"org.freedesktop.login1.Manager\" "
                   f"member=\"Inhibit\" mask=\"send\" name=\"org.freedesktop.login1\" pid={pid} "
                   f"label=\"snap.firefox\" peer_pid=1 peer_label=\"unconfined\" exe=\"/usr/bin/dbus-daemon\" "
                   f"sauid=0 hostname=? addr=? terminal=?'")
        else:
            yield (f"type=LANDLOCK_ACCESS {stamp}: domain=195ba459b blockers=fs.make_reg "
                   f"path=\"/usr/local\" dev=\"vda2\" ino=365")


def main():
    path, size = genlib.size_args(__doc__)
    genlib.write_repeated(path, size, events(random.Random(42), 1763800000))


if __name__ == "__main__":
    main()
