#!/usr/bin/env bash
# Copies what the GPU machine needs from a build directory into .carry/ (git-ignored), stripped
# of debug info so it fits the device tool's 64 MiB carry limit. Then, on the GPU machine:
#   BUILD=.carry tests/gpu/run_on_gpu.sh tests
set -eu
BUILD=${1:-build-collector}
rm -rf .carry
mkdir -p .carry/bin .carry/cli .carry/tests/gpu
cp "$BUILD/bin/libperfadvise_collector.so" "$BUILD/bin/libperfadvise_gemm.so" .carry/bin/
cp -r "$BUILD/bin/perfadvise_python" .carry/bin/
cp "$BUILD/cli/perfadvise" .carry/cli/
cp "$BUILD/tests/gpu/gpu_collector_test" "$BUILD/tests/gpu/gpu_gemm_test" \
  "$BUILD/tests/gpu/plain_cuda" .carry/tests/gpu/
for f in .carry/bin/*.so .carry/cli/* .carry/tests/gpu/*; do strip --strip-debug "$f"; done
du -sh .carry
