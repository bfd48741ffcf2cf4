# Shared by the bench/*.sh scripts (sourced): a private temporary directory,
# the best of three (BENCH_RUNS) timed runs with peak RSS, and table rows.
#
# bench_setup DOCTOR: checks the binary and sets $tmp (removed on exit).
bench_setup() {
  doctor=$1
  test -x "$doctor" || { echo "no $doctor; build first" >&2; exit 1; }
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/lsmd-bench.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  mkdir -p "$tmp/empty-root"
}

# measure CMD...: "seconds max_rss_kb" of the fastest of BENCH_RUNS runs
# (default 3; warm page cache). Wall time in milliseconds from bash's clock
# (EPOCHREALTIME), the peak RSS from /usr/bin/time. The output of the last run
# is in $tmp/out: a file, because GNU grep stops at the first match when its
# output is /dev/null.
measure() {
  local best="" line start end
  for ((run = 0; run < ${BENCH_RUNS:-3}; run++)); do
    start=${EPOCHREALTIME/,/.}
    /usr/bin/time -f "%M" -o "$tmp/t" "$@" >"$tmp/out" 2>/dev/null || true
    end=${EPOCHREALTIME/,/.}
    line="$(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.3f", b - a}') $(tail -1 "$tmp/t")"
    if [ -z "$best" ] || awk -v a="${line%% *}" -v b="${best%% *}" 'BEGIN{exit !(a<b)}'; then
      best=$line
    fi
  done
  echo "$best"
}

# load_note: the load average, since the ratios mean little on a busy machine.
load_note() { echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"; }

# row LABEL "seconds kb": one line of the table.
row() { printf '%-38s %8s s %8.1f MB\n' "$1" "${2%% *}" "$(awk -v k="${2##* }" 'BEGIN{print k/1024}')"; }

# ratio "seconds kb" "seconds kb": the first time over the second.
ratio() { awk -v a="${1%% *}" -v b="${2%% *}" 'BEGIN{printf "%.3f", a/b}'; }
