#!/usr/bin/env bash
# Builds swin_bench on its own (only common/ and swin/ are configured, so other models' folders
# cannot break the build) and runs the Swin ladders with reference_models/run_ladder.py.
# On the GPU machine, from the repository root:
#   reference_models/swin/run_swin.sh small reference_models/results
#   reference_models/swin/run_swin.sh full reference_models/results .carry/cli/perfadvise
#   reference_models/swin/run_swin.sh build                                  # build only
set -euo pipefail
config=${1:-small}
results=${2:-reference_models/results}
perfadvise=${3:-}
source_dir=build-swin-src  # a fixed copy keeps CMake's cache valid; -p keeps ninja incremental
rm -rf "$source_dir" && mkdir -p "$source_dir"
cp -rp reference_models/CMakeLists.txt reference_models/common reference_models/swin "$source_dir/"
prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
cmake -S "$source_dir" -B build-swin -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build build-swin --target swin_bench -j "$(nproc)"
[ "$config" = build ] && exit 0
python3 reference_models/run_ladder.py --models swin --config "$config" --no-build \
  --build-dir build-swin --results "$results" --profiles "/tmp/ladder-profiles-$config" \
  ${perfadvise:+--perfadvise "$perfadvise"}
