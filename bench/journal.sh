#!/bin/bash
# Journal scan benchmark: a journal of N kernel messages (default 1,000,000,
# 30% audit-failure signatures) made by systemd-journal-remote from a
# generated export stream; the doctor's scan of it against
#   journalctl --file=... -k -g audit_log_subj_ctx -o cat
# in wall time (goal: <= 0.2x) and the doctor's peak RSS (goal: < 64 MB).
# The doctor reads journal files with its own reader; the same scan through
# sd-journal (LSMD_JOURNAL_READER=sd-journal) is shown for comparison.
#
# Usage: bench/journal.sh [BUILD_DIR]   (JOURNAL_ENTRIES=N to change N)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
n=${JOURNAL_ENTRIES:-1000000}
remote=/lib/systemd/systemd-journal-remote
for tool in "$remote" /usr/bin/time journalctl python3; do
  command -v "$tool" >/dev/null || { echo "journal.sh: $tool is missing (scripts/install-deps.sh)" >&2; exit 1; }
done
bench_setup "${1:-$here/../build}/lsm-doctor"
work=$tmp
mkdir -p "$work/journal"

echo "journal.sh: generating $n kernel messages"
python3 "$here/gen_kernel_export.py" "$n" 0.3 1 >"$work/kernel.export"
# journal-remote rotates its output at 128 MiB: the journal may be several files.
"$remote" --output="$work/journal/kernel.journal" "$work/kernel.export" 2>/dev/null
rm -f "$work/kernel.export"
echo "journal.sh: $(ls "$work/journal" | wc -l) journal files, $(du -sh "$work/journal" | cut -f1)"

read -r j_s j_kb < <(measure journalctl --file="$work/journal/*.journal" -k -g audit_log_subj_ctx -o cat)
j_lines=$(wc -l <"$work/out")
read -r d_s d_kb < <(measure "$doctor" check --format json --root "$work/empty-root" --journal-dir "$work/journal")
d_errors=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["journal"]["boots"][-1]["signatures"]["subj-ctx-error"]["matches"])' "$work/out")

read -r s_s s_kb < <(measure env LSMD_JOURNAL_READER=sd-journal "$doctor" check --format json --root "$work/empty-root" --journal-dir "$work/journal")

ratio=$(awk "BEGIN{printf \"%.3f\", $d_s / $j_s}")
printf 'journalctl -k -g audit_log_subj_ctx: %6.2f s  %7d KiB  (%d lines)\n' "$j_s" "$j_kb" "$j_lines"
printf 'lsm-doctor journal scan:            %6.2f s  %7d KiB  (%d subj-ctx errors)\n' "$d_s" "$d_kb" "$d_errors"
printf '  the same through sd-journal:        %6.2f s  %7d KiB\n' "$s_s" "$s_kb"
printf 'ratio %s (goal <= 0.2), peak RSS %d MiB (goal < 64)\n' "$ratio" $((d_kb / 1024))
[ "$j_lines" = "$d_errors" ] || { echo "journal.sh: counts differ" >&2; exit 1; }
