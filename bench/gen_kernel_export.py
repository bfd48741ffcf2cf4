#!/usr/bin/env python3
"""Writes a journal export stream of N kernel messages to stdout: a share of
them audit-failure signatures, the rest ordinary kernel chatter (half of it
with unique serial numbers, as audit records and device messages have).

Usage: gen_kernel_export.py N FRACTION BOOTS
"""
import random
import sys

ORDINARY = [
    "usb 1-{a}: new high-speed USB device number {b} using xhci_hcd",
    "EXT4-fs (nvme0n1p{a}): mounted filesystem with ordered data mode. Quota mode: none.",
    "wlp2s0: associated",
    "IPv6: ADDRCONF(NETDEV_CHANGE): wlp2s0: link becomes ready",
    "audit: type=1400 audit({t}.{ms:03}:{serial}): apparmor=\"DENIED\" operation=\"open\" "
    "profile=\"snap.firefox\" name=\"/proc/{b}/maps\" pid={b} comm=\"firefox\" "
    "requested_mask=\"r\" denied_mask=\"r\" fsuid=1000 ouid=1000",
    "nvme nvme0: {a} I/O queues",
    "kauditd_printk_skb: {a} callbacks suppressed",
    "perf: interrupt took too long ({b} > {c}), lowering kernel.perf_event_max_sample_rate to {serial}",
]
SIGNATURES = [
    ("audit: error in audit_log_subj_ctx", 70),
    ("audit: error in audit_log_obj_ctx", 20),
    ("audit_panic: {a} callbacks suppressed", 10),
]


def main():
    n, fraction, boots = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(42)
    out = sys.stdout
    sig_weights = [w for _, w in SIGNATURES]
    per_boot = n // boots
    realtime = 1766000000000000
    serial = 0
    for b in range(boots):
        boot = f"{0xbe0c4000 + b:032x}"
        release = "6.17.9" if b < boots - 1 else "6.18.2"
        monotonic = 1000000
        for i in range(per_boot if b < boots - 1 else n - per_boot * (boots - 1)):
            realtime += 997
            monotonic += 997
            serial += 1
            if i == 0:
                msg = (f"Linux version {release} (nixbld@localhost) (gcc (GCC) 14.3.0, GNU ld "
                       f"(GNU Binutils) 2.44) #1-NixOS SMP PREEMPT_DYNAMIC")
            elif rng.random() < fraction:
                msg = rng.choices(SIGNATURES, sig_weights)[0][0].format(a=rng.randint(1, 400))
            else:
                msg = rng.choice(ORDINARY).format(a=rng.randint(1, 12), b=rng.randint(2, 9999),
                                                  c=rng.randint(2500, 9999), serial=serial,
                                                  t=realtime // 1000000, ms=realtime // 1000 % 1000)
            out.write(f"__REALTIME_TIMESTAMP={realtime}\n__MONOTONIC_TIMESTAMP={monotonic}\n"
                      f"_BOOT_ID={boot}\n_MACHINE_ID=5f2b8a9d3c1e4f6a8b7c9d0e1f2a3b4c\n"
                      f"_HOSTNAME=bench\n_TRANSPORT=kernel\nSYSLOG_FACILITY=0\n"
                      f"SYSLOG_IDENTIFIER=kernel\nPRIORITY=6\nMESSAGE={msg}\n\n")


if __name__ == "__main__":
    main()
