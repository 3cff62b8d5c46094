#!/usr/bin/env bash
# Builds sam_bench on its own (only common/ and sam/ are configured, so other models' folders
# cannot break the build) and runs the SAM ladder with reference_models/run_ladder.py.
# On the GPU machine, from the repository root:
#   reference_models/sam/run_sam.sh small reference_models/results
#   reference_models/sam/run_sam.sh full reference_models/results .carry/cli/perfadvise
# With config "build" it only builds.
set -euo pipefail
config=${1:-small}
results=${2:-reference_models/results}
perfadvise=${3:-}
source_dir=build-sam-src  # a fixed copy keeps CMake's cache valid; -p keeps ninja incremental
rm -rf "$source_dir" && mkdir -p "$source_dir"
cp -rp reference_models/CMakeLists.txt reference_models/common reference_models/sam "$source_dir/"
if [ ! -f build-sam/build.ninja ]; then
  prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
  cmake -S "$source_dir" -B build-sam -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
fi
cmake --build build-sam --target sam_bench -j "$(nproc)"
[ "$config" = build ] && exit 0
python3 reference_models/run_ladder.py --models sam --config "$config" --no-build \
  --build-dir build-sam --results "$results" --profiles "/tmp/ladder-profiles-$config" \
  ${perfadvise:+--perfadvise "$perfadvise"}
