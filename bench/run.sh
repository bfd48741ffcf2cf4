#!/bin/bash
# Runs every benchmark of this directory (bench/*.sh) in turn.
# Usage: bench/run.sh [BUILD_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
status=0
for script in "$here"/*.sh; do
  case "$(basename "$script")" in run.sh | lib.sh) continue ;; esac
  echo "== $(basename "$script" .sh)"
  "$script" "$@" || status=1
done
exit $status
