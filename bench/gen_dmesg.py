#!/usr/bin/env python3
"""Writes a synthetic kernel log (dmesg format, "[seconds] message") of about
SIZE bytes to PATH for the kernel log benchmark: 30% audit context errors
and their suppression notes, the rest ordinary kernel messages.

Usage: gen_dmesg.py PATH SIZE_BYTES
"""
import random

import genlib

OTHER = [
    "usb 1-1: new high-speed USB device number 3 using xhci_hcd",
    "EXT4-fs (nvme0n1p2): mounted filesystem 7e6d5c4b-3a29-4180-9f8e-7d6c5b4a3928 r/w with ordered data mode. Quota mode: none.",
    "wlp2s0: associated",
    "IPv6: ADDRCONF(NETDEV_CHANGE): wlp2s0: link becomes ready",
    "systemd[1]: Started Journal Service.",
    "nvme nvme0: 8/0/0 default/read/poll queues",
    "input: AT Translated Set 2 keyboard as /devices/platform/i8042/serio0/input/input3",
    "audit: type=1400 audit(1766481330.040:140): apparmor=\"DENIED\" operation=\"open\" class=\"file\" profile=\"ping\" name=\"/proc/1698/status\" pid=1698 comm=\"ping\" requested_mask=\"r\" denied_mask=\"r\" fsuid=1000 ouid=1000",
    "audit: type=1300 audit(1766481312.215:132): arch=c000003e syscall=59 success=yes exit=0 items=2 ppid=1602 pid=1605 auid=1000 uid=0 comm=\"nixos-rebuild\" key=\"exec\"",
    "perf: interrupt took too long (2502 > 2500), lowering kernel.perf_event_max_sample_rate to 79750",
]


def messages(rng):
    t = 0.0
    while True:
        t += rng.random() / 100
        roll = rng.random()
        if roll < 0.27:
            msg = "audit: error in audit_log_subj_ctx"
        elif roll < 0.30:
            msg = f"audit_panic: {rng.randint(1, 400)} callbacks suppressed"
        else:
            msg = rng.choice(OTHER)
        yield f"[{t:12.6f}] {msg}"


def main():
    path, size = genlib.size_args(__doc__)
    genlib.write_repeated(path, size, messages(random.Random(7)))


if __name__ == "__main__":
    main()
