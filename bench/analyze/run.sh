#!/bin/sh
# Prints the analyzer scaling table: load + analyze + JSON time and peak RSS per profile size.
# Usage: bench/analyze/run.sh BUILD_DIR [SIZES...]   (default sizes: 100000 1000000 4000000)
set -e
build=${1:?usage: run.sh BUILD_DIR [SIZES...]}
shift
sizes=${*:-100000 1000000 4000000}
dir=${TMPDIR:-/tmp}/perfadvise-analyze-bench
mkdir -p "$dir"
echo "| kernels   | load s | analyze s | json s | total s | peak MB | steps | findings |"
echo "|-----------|--------|-----------|--------|---------|---------|-------|----------|"
for n in $sizes; do
  f="$dir/train_$n.sqlite"
  [ -f "$f" ] || "$build/bench/analyze/analyze_bench_generate" "$f" "$n"
  "$build/bench/analyze/analyze_bench" "$f"
done
