#!/bin/bash
# Kernel log scan (--dmesg FILE): lsm-doctor against grep -c -F of one
# signature on a generated dmesg file (default 512 MiB; KERNEL_LOG_BYTES=N
# to change). Prints wall time, peak RSS and the ratio.
# Usage: bench/kernel_log.sh [BUILD_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
doctor=$build/lsm-doctor
size=${KERNEL_LOG_BYTES:-$((512 << 20))}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
test -x "$doctor" || { echo "no $doctor; build first" >&2; exit 1; }

mkdir -p "$tmp/empty-root"
python3 "$here/gen_dmesg.py" "$tmp/dmesg.txt" "$size"
cat "$tmp/dmesg.txt" >/dev/null # warm the page cache

# best of 3: "seconds max_rss_kb"; output to a file (grep stops early on /dev/null)
measure() {
  local best="" line
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %M" -o "$tmp/t" "$@" >"$tmp/out" 2>&1 || true
    line=$(tail -1 "$tmp/t")
    if [ -z "$best" ] || awk -v a="${line%% *}" -v b="${best%% *}" 'BEGIN{exit !(a<b)}'; then
      best=$line
    fi
  done
  echo "$best"
}

printf 'dmesg: %s bytes, %s lines\n' "$(stat -c %s "$tmp/dmesg.txt")" "$(wc -l <"$tmp/dmesg.txt")"
doctor_t=$(measure "$doctor" check --format json --root "$tmp/empty-root" --dmesg "$tmp/dmesg.txt")
grep_t=$(measure grep -c -F 'audit: error in audit_log_subj_ctx' "$tmp/dmesg.txt")
row() { printf '%-34s %8s s %8.1f MB\n' "$1" "${2%% *}" "$(awk -v k="${2##* }" 'BEGIN{print k/1024}')"; }
row "lsm-doctor --dmesg" "$doctor_t"
row "grep -c -F 'audit: error in ...'" "$grep_t"
echo "doctor/grep: $(awk -v a="${doctor_t%% *}" -v b="${grep_t%% *}" 'BEGIN{printf "%.2f", a/b}') (goal <= 2)"
