#!/bin/bash
# audit.log scan: lsm-doctor against ausearch, a libauparse program and
# grep -c -F on a generated log (default 1 GiB; AUDIT_LOG_BYTES=N to change).
# Prints wall time (the best of three runs, BENCH_RUNS=N to change), peak RSS
# and the ratios. Usage: bench/audit_log.sh [BUILD_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
bench_setup "${1:-$here/../build}/lsm-doctor"
size=${AUDIT_LOG_BYTES:-$((1 << 30))}
command -v ausearch >/dev/null || { echo "ausearch missing (apt install auditd)" >&2; exit 1; }

python3 "$here/gen_audit_log.py" "$tmp/audit.log" "$size"
cc -O2 -o "$tmp/auparse_count" "$here/auparse_count.c" $(pkg-config --cflags --libs auparse)
cat "$tmp/audit.log" >/dev/null # warm the page cache: every tool reads from memory

printf 'audit.log: %s bytes, %s lines\n' "$(stat -c %s "$tmp/audit.log")" "$(wc -l <"$tmp/audit.log")"
load_note
doctor_t=$(measure "$doctor" check --format json --root "$tmp/empty-root" --audit-log "$tmp/audit.log")
grep_t=$(measure grep -c -F 'subj=?' "$tmp/audit.log")
ausearch_t=$(measure ausearch -if "$tmp/audit.log" -m AVC,USER_AVC,APPARMOR_DENIED,MAC_STATUS --raw)
auparse_t=$(measure "$tmp/auparse_count" "$tmp/audit.log")

row "lsm-doctor --audit-log" "$doctor_t"
row "grep -c -F 'subj=?'" "$grep_t"
row "ausearch -if -m AVC,..." "$ausearch_t"
row "libauparse (auparse_count.c)" "$auparse_t"
echo "doctor/ausearch: $(ratio "$doctor_t" "$ausearch_t") (goal <= 0.1)"
echo "doctor/grep:     $(ratio "$doctor_t" "$grep_t") (goal <= 2)"
echo "doctor/auparse:  $(ratio "$doctor_t" "$auparse_t")"
