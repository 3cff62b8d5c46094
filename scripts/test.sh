#!/usr/bin/env bash
# Sets up a fresh machine and runs every test: `scripts/test.sh`. CI runs exactly this.
# Tests that need a GPU (label gpu) report themselves as skipped where there is none.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --tests
jobs=$(nproc)
cmake -S . -B build-test -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPERFADVISE_WERROR=ON >/dev/null
cmake --build build-test -j"$jobs"
ctest --test-dir build-test --output-on-failure -j"$jobs"
