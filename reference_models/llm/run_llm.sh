#!/usr/bin/env bash
# Builds llm_bench and llm_gemv_bench on their own (only common/ and llm/ are configured, so other
# models' folders cannot break the build) and, given a configuration, runs the LLM ladder with
# reference_models/run_ladder.py. On the GPU machine, from the repository root:
#   reference_models/llm/run_llm.sh build                                   # build only
#   reference_models/llm/run_llm.sh small reference_models/results
#   reference_models/llm/run_llm.sh full reference_models/results .carry/cli/perfadvise
set -euo pipefail
config=${1:-small}
results=${2:-reference_models/results}
perfadvise=${3:-}
source_dir=build-llm-src  # a fixed copy keeps CMake's cache valid; -p keeps ninja incremental
mkdir -p "$source_dir"
cp -rp reference_models/CMakeLists.txt reference_models/common reference_models/llm "$source_dir/"
if [ ! -f build-llm/build.ninja ]; then
  prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
  cmake -S "$source_dir" -B build-llm -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
fi
cmake --build build-llm --target llm_bench llm_gemv_bench -j "$(nproc)"
[ "$config" = build ] && exit 0
python3 reference_models/run_ladder.py --models llm --config "$config" --no-build \
  --build-dir build-llm --results "$results" --profiles "/tmp/ladder-profiles-$config" \
  --timeout 120 ${perfadvise:+--perfadvise "$perfadvise"}
