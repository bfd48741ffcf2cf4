#!/bin/sh
# Configures a warnings-as-errors build in build-test/, builds everything and
# runs the whole test suite (unit, fixtures, CLI golden, live host, docs).
set -eu
cd "$(dirname "$0")/.."
cmake -S . -B build-test -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLSMD_WERROR=ON >/dev/null
cmake --build build-test -j "$(nproc)"
cd build-test
ctest --output-on-failure -j "$(nproc)" "$@"
