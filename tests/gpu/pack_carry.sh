#!/usr/bin/env bash
# Copies what the GPU machine needs from a build directory into a git-ignored folder (default
# .carry/), stripped of debug info so it fits the device tool's 64 MiB carry limit. Then, on the
# GPU machine:
#   BUILD=.carry tests/gpu/run_on_gpu.sh tests
#   tests/gpu/pack_carry.sh build-collector .carry-me    # another folder (ignore it first)
set -eu
BUILD=${1:-build-collector}
DEST=${2:-.carry}
rm -rf "$DEST"
mkdir -p "$DEST/bin" "$DEST/cli" "$DEST/tests/gpu" "$DEST/bench"
cp "$BUILD/bin/libperfadvise_collector.so" "$BUILD/bin/libperfadvise_gemm.so" "$DEST/bin/"
cp -r "$BUILD/bin/perfadvise_python" "$DEST/bin/"
cp "$BUILD/cli/perfadvise" "$DEST/cli/"
cp "$BUILD/tests/gpu/gpu_collector_test" "$BUILD/tests/gpu/gpu_gemm_test" \
  "$BUILD/tests/gpu/plain_cuda" "$DEST/tests/gpu/"
cp "$BUILD/bench/overhead/launch_loop" "$DEST/bench/"
for f in "$DEST"/bin/*.so "$DEST"/cli/* "$DEST"/tests/gpu/* "$DEST"/bench/*; do
  strip --strip-debug "$f"
done
du -sh "$DEST"
