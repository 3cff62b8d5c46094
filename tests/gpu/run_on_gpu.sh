#!/usr/bin/env bash
# Runs the collector's GPU work on the GPU machine, from the repository root, with the build
# directory carried from the build machine (cmake -B build-collector ... && ninja).
#   tests/gpu/run_on_gpu.sh tests     environment, GPU tests, sample profiles into $OUT
#   tests/gpu/run_on_gpu.sh bench     overhead benchmark (bench/overhead/overhead.py)
#   tests/gpu/run_on_gpu.sh torchrun  two ranks under torchrun (needs two GPUs)
#   tests/gpu/run_on_gpu.sh context   operator context (issue 7): the GEMM/op/line GPU test, its
#                                     samples (Swin's with GEMM shapes too), and whole-run A/B
#                                     of PyTorch's op ranges against the collector without them
#   tests/gpu/run_on_gpu.sh overhead  each collector setting's cost inside one run
#                                     (bench/overhead/in_process.py, --measure-overhead)
set -u
MODE=${1:-tests}
BUILD=${BUILD:-build-collector}
OUT=${OUT:-/tmp/perfadvise-gpu-out}
mkdir -p "$OUT"
ROOT=$PWD
export PERFADVISE_CLI=$ROOT/$BUILD/cli/perfadvise
export PERFADVISE_GPU_BIN=$ROOT/$BUILD/tests/gpu
export PERFADVISE_GPU_SRC=$ROOT/tests/gpu
export PYTHONUNBUFFERED=1
COLLECTOR=$ROOT/$BUILD/bin/libperfadvise_collector.so

environment() {
  echo "== environment"
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
  python3 -c 'import sys, torch; print("python", sys.version.split()[0], "torch", torch.__version__, "cuda", torch.version.cuda)'
  echo "== ldd collector"; ldd "$COLLECTOR"
  echo "== exported symbols"; nm -D --defined-only "$COLLECTOR" | grep -v ' [AU] '
  echo "== perfadvise"; ldd "$PERFADVISE_CLI" | grep -E 'sqlite|not found' || echo "(no shared sqlite)"
}

sample() {  # sample NAME -- command...: records one profile and copies it to $OUT/NAME.sqlite
  local name=$1; shift; shift
  local dir=/tmp/perfadvise-samples/$name
  rm -rf "$dir"
  # shellcheck disable=SC2086  # SAMPLE_FLAGS: extra `perfadvise run` flags, word-split
  "$PERFADVISE_CLI" run -o "$dir" ${SAMPLE_FLAGS:-} -- "$@" > "$OUT/$name.stdout" 2>&1
  echo "sample $name: exit $?  $(tail -n 3 "$OUT/$name.stdout" | tr '\n' ' ')"
  cp "$dir"/*.sqlite "$OUT/$name.sqlite" 2>/dev/null
  ls -l "$OUT/$name.sqlite" 2>/dev/null
  rm -f "$OUT/$name.stdout"
}

case "$MODE" in
  tests)
    environment 2>&1 | tee "$OUT/environment.log"
    echo "== GPU tests"
    timeout 420 "$ROOT/$BUILD/tests/gpu/gpu_collector_test" --success --reporter compact \
      2>&1 | tail -n 60 | tee "$OUT/gpu_test.log"
    echo "== samples"
    sample plain_cuda -- "$PERFADVISE_GPU_BIN/plain_cuda"
    sample masked_loss_baseline -- python3 tests/gpu/masked_loss.py --variant baseline --steps 8
    sample masked_loss_fixed -- python3 tests/gpu/masked_loss.py --variant fixed --steps 8
    sample decode_loop -- python3 tests/gpu/decode_loop.py --tokens 40 --window 10
    ;;
  bench)
    environment > "$OUT/environment.log" 2>&1
    python3 bench/overhead/overhead.py --pairs "${PAIRS:-5}" --long-run "${LONG_RUN:-120}" \
      2>&1 | tee "$OUT/overhead.log"
    ;;
  context)
    environment > "$OUT/environment.log" 2>&1
    echo "== GPU test (GEMM shapes, ops, kernel lines)"
    timeout 300 "$ROOT/$BUILD/tests/gpu/gpu_gemm_test" --success --reporter compact 2>&1 \
      | tail -n 40 | tee "$OUT/gpu_gemm_test.log"
    echo "== samples"
    export SAMPLE_FLAGS="--torch-op-shapes --kernel-lines 16"
    sample gemm_shapes -- python3 tests/gpu/gemm_shapes.py --steps 5
    sample decode_loop_ops -- python3 tests/gpu/decode_loop.py --tokens 12 --window 4 --warmup-windows 1
    unset SAMPLE_FLAGS
    echo "== Swin samples with GEMM shapes"
    reference_models/swin/run_swin.sh build > "$OUT/swin_build.log" 2>&1 || tail -n 20 "$OUT/swin_build.log"
    for variant in infer_fp32 infer_bf16; do
      sample "swin_$variant" -- build-swin/swin/swin_bench --variant "$variant" --config full \
        --warmup 5 --iters 20
    done
    echo "== whole-run A/B: PyTorch op ranges (the collector's own modes: overhead)"
    python3 bench/overhead/overhead.py --workloads decode_loop --pairs "${PAIRS:-5}" --long-run 0 \
      --decode-tokens "${TOKENS:-150}" --baseline collector --cpus "${CPUS:-2-5}" \
      --variants collector,perfadvise,torch-ops,torch-op-shapes \
      2>&1 | tee "$OUT/overhead_context.log"
    ;;
  overhead)
    environment > "$OUT/environment.log" 2>&1
    python3 bench/overhead/in_process.py --cli "$PERFADVISE_CLI" \
      --launch-loop "$ROOT/$BUILD/bench/launch_loop" --only "${ONLY:-launch,decode,detail,masked}" \
      --match "${MATCH:-}" --window-ms "${WINDOW_MS:-1000}" \
      2>&1 | tee "$OUT/overhead_in_process.log"
    ;;
  torchrun)
    dir=/tmp/perfadvise-torchrun
    rm -rf "$dir"
    "$PERFADVISE_CLI" run -o "$dir" -- torchrun --nproc-per-node 2 tests/gpu/ddp_tiny.py 2>&1 | tail -n 20
    echo "exit ${PIPESTATUS[0]}"; ls -l "$dir"
    ;;
esac
