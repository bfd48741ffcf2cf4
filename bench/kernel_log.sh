#!/bin/bash
# Kernel log scan (--dmesg FILE): lsm-doctor against grep -c -F of one
# signature on a generated dmesg file (default 512 MiB; KERNEL_LOG_BYTES=N
# to change). Prints wall time, peak RSS and the ratio.
# Usage: bench/kernel_log.sh [BUILD_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
bench_setup "${1:-$here/../build}/lsm-doctor"
size=${KERNEL_LOG_BYTES:-$((512 << 20))}

python3 "$here/gen_dmesg.py" "$tmp/dmesg.txt" "$size"
cat "$tmp/dmesg.txt" >/dev/null # warm the page cache

printf 'dmesg: %s bytes, %s lines\n' "$(stat -c %s "$tmp/dmesg.txt")" "$(wc -l <"$tmp/dmesg.txt")"
load_note
doctor_t=$(measure "$doctor" check --format json --root "$tmp/empty-root" --dmesg "$tmp/dmesg.txt")
grep_t=$(measure grep -c -F 'audit: error in audit_log_subj_ctx' "$tmp/dmesg.txt")
row "lsm-doctor --dmesg" "$doctor_t"
row "grep -c -F 'audit: error in ...'" "$grep_t"
echo "doctor/grep: $(ratio "$doctor_t" "$grep_t") (goal <= 2)"
