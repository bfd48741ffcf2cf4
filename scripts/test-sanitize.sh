#!/bin/sh
# The whole test suite (except the VM boots, which run the doctor inside a
# guest) on an ASan+UBSan build made with clang, then every libFuzzer target
# for a short fixed budget (LSMD_FUZZ_SECONDS each, default 20) starting from
# its corpus in tests/fuzz/corpus/. Needs clang and libclang-rt-14-dev
# (scripts/install-deps.sh).
set -eu
cd "$(dirname "$0")/.."
# Warnings are judged by the gcc -Werror build of scripts/test.sh.
CC=clang CXX=clang++ cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DLSMD_FUZZ=ON >/dev/null
cmake --build build-sanitize -j "$(nproc)"
cd build-sanitize
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --output-on-failure -j "$(nproc)" -LE vm "$@"
for target in tests/fuzz/fuzz-*; do
  case "$target" in *fuzz-replay-*) continue ;; esac
  name=${target##*/fuzz-}
  mkdir -p "fuzz-work/$name"
  echo "fuzz: $name for ${LSMD_FUZZ_SECONDS:-20} s"
  if ! "$target" -max_total_time="${LSMD_FUZZ_SECONDS:-20}" -max_len=65536 -print_final_stats=1 \
    "fuzz-work/$name" "../tests/fuzz/corpus/$name" >"fuzz-work/$name.log" 2>&1; then
    tail -n 40 "fuzz-work/$name.log" >&2
    echo "fuzz: $name failed; the input is in build-sanitize/crash-* (add it to the corpus once fixed)" >&2
    exit 1
  fi
  grep -E "^stat::number_of_executed_units" "fuzz-work/$name.log" || true
done
