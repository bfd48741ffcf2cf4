#!/bin/bash
# Runs every benchmark in bench/ (each bench/*.sh generates its own inputs
# and prints its numbers). Usage: bench/run.sh [LSM_DOCTOR]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
status=0
for bench in "$here"/*.sh; do
  [ "$(basename "$bench")" = run.sh ] && continue
  echo "== $(basename "$bench")"
  "$bench" "$@" || status=1
done
exit $status
