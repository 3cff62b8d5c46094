"""Overhead of `perfadvise run` against the plain program, next to torch.profiler's, on the
masked-loss toy (compute-bound) and the batch-1 decode loop (launch-bound).

Whole-process timings on the GPU machine drift by up to 2x between runs, so every round runs
the three variants back to back in a rotating order, and each variant is compared with the
plain run of the same round: the table shows the median ratio over the rounds and its range.
Each run reports its own steady-state time (median over steps/windows after warm-up).

With --long-run S, the decode loop also runs S seconds under perfadvise and the dropped and
zero-timestamp record counts of its profile are reported.

Operator-context modes (issue 7): --variants picks among VARIANTS, --baseline names the one the
ratios are taken against. "collector" is `perfadvise run --no-gemm-shapes` (the collector without
GEMM capture), "perfadvise" the defaults (GEMM capture on), the others add one optional mode:
    python3 bench/overhead/overhead.py --workloads decode_loop --pairs 5 --long-run 0 \
        --variants collector,perfadvise,torch-ops,torch-op-shapes,kernel-lines-64 \
        --baseline collector

Run from the repository root on the GPU machine (tests/gpu/run_on_gpu.sh bench):
    python3 bench/overhead/overhead.py --pairs 5 --long-run 120
"""
import argparse
import glob
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile

WORKLOADS = {
    "masked_loss": (["tests/gpu/masked_loss.py", "--steps", "40", "--warmup", "10"],
                    "median_step_ms"),
    "decode_loop": (["tests/gpu/decode_loop.py", "--tokens", "400", "--window", "50"],
                    "median_ms_per_token"),
}
# variant -> `perfadvise run` flags (None: not under perfadvise).
VARIANTS = {
    "plain": None,
    "perfadvise": [],
    "torch.profiler": None,
    "collector": ["--no-gemm-shapes"],
    "torch-ops": ["--torch-ops"],
    "torch-op-shapes": ["--torch-op-shapes"],
    "kernel-lines-64": ["--kernel-lines", "64"],
    "kernel-lines-16": ["--kernel-lines", "16"],
}
DEFAULT_VARIANTS = ["plain", "perfadvise", "torch.profiler"]


def perfadvise_cli():
    return os.environ.get("PERFADVISE_CLI", "build-collector/cli/perfadvise")


def traced(command, run_dir, launcher, flags=()):
    """`perfadvise run -o run_dir [flags] -- command`, or (launcher "env") the same injection by
    hand: the environment perfadvise run sets, without the launcher process (no flags)."""
    if launcher == "cli":
        return [perfadvise_cli(), "run", "-o", run_dir, *flags, "--"] + command, None
    collector = os.path.abspath(os.environ.get("PERFADVISE_COLLECTOR",
                                               "build-collector/bin/libperfadvise_collector.so"))
    os.makedirs(run_dir, exist_ok=True)
    env = dict(os.environ, CUDA_INJECTION64_PATH=collector, NVTX_INJECTION64_PATH=collector,
               PERFADVISE_OUTPUT_DIR=run_dir)
    return command, env


def run_once(workload, variant, run_dir, launcher="cli", cpus=""):
    script, metric = WORKLOADS[workload]
    command = [sys.executable] + script
    env = None
    if VARIANTS[variant] is not None:
        command, env = traced(command, run_dir, launcher, VARIANTS[variant])
    elif variant == "torch.profiler":
        command = command + ["--torch-profiler"]
    if cpus:  # the same cores for every run: a process that lands elsewhere drifts
        command = ["taskset", "-c", cpus] + command
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])[metric]
    raise RuntimeError(f"{' '.join(command)}: no RESULT line (exit {done.returncode})\n"
                       f"{done.stderr[-2000:]}")


def profile_stats(run_dir):
    stats = {}
    for path in glob.glob(os.path.join(run_dir, "*.sqlite")):
        db = sqlite3.connect(path)
        meta = dict(db.execute("SELECT key, value FROM meta"))
        stats[os.path.basename(path)] = {
            "kernels": db.execute("SELECT COUNT(*) FROM kernel").fetchone()[0],
            "dropped_records": int(meta.get("stats.dropped_records", -1)),
            "zero_timestamp_records": int(meta.get("stats.zero_timestamp_records", -1)),
            "complete": meta.get("complete") == "1",
        }
        db.close()
    return stats


def measure(pairs, scratch, launcher, workloads, variants, baseline, cpus):
    rows = []
    for workload in workloads:
        times = {variant: [] for variant in variants}
        for round_index in range(pairs):
            shift = round_index % len(variants)
            for variant in variants[shift:] + variants[:shift]:
                run_dir = os.path.join(scratch, f"{workload}-{round_index}-{variant}")
                times[variant].append(run_once(workload, variant, run_dir, launcher, cpus))
            print(f"  {workload} round {round_index + 1}: " + ", ".join(
                f"{v} {times[v][-1]:.2f}" for v in variants), flush=True)
        for variant in variants:
            ratios = [t / p for t, p in zip(times[variant], times[baseline])]
            rows.append((workload, variant, statistics.median(times[variant]),
                         statistics.median(ratios), min(ratios), max(ratios)))
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--long-run", type=float, default=0)
    parser.add_argument("--workloads", default=",".join(WORKLOADS))
    parser.add_argument("--launcher", choices=["cli", "env"], default="cli",
                        help="env: inject the collector through the environment, no launcher")
    parser.add_argument("--variants", default=",".join(DEFAULT_VARIANTS),
                        help="comma-separated, from: " + ", ".join(VARIANTS))
    parser.add_argument("--baseline", default="plain", help="the variant ratios are taken to")
    parser.add_argument("--decode-tokens", type=int, default=400,
                        help="tokens per decode-loop run (windows of an eighth of them)")
    parser.add_argument("--cpus", default="",
                        help="run every variant under `taskset -c CPUS` (e.g. 2-5)")
    args = parser.parse_args()
    WORKLOADS["decode_loop"] = (["tests/gpu/decode_loop.py", "--tokens", str(args.decode_tokens),
                                 "--window", str(max(1, args.decode_tokens // 8))],
                                "median_ms_per_token")
    variants = args.variants.split(",")
    if args.baseline not in variants or any(v not in VARIANTS for v in variants):
        parser.error("--variants must name known variants and include --baseline")
    with tempfile.TemporaryDirectory() as scratch:
        workloads = args.workloads.split(",")
        rows = (measure(args.pairs, scratch, args.launcher, workloads, variants, args.baseline,
                        args.cpus)
                if args.pairs > 0 else [])
        print(f"\nOverhead, {args.pairs} rounds (each variant vs the {args.baseline} run of its "
              "round)")
        print(f"{'workload':<12} {'variant':<15} {'median ms':>10} {'ratio':>7} {'range':>15}")
        for workload, variant, ms, ratio, low, high in rows:
            print(f"{workload:<12} {variant:<15} {ms:>10.3f} {ratio:>7.3f} "
                  f"{f'{low:.3f}-{high:.3f}':>15}")
        if args.long_run > 0:
            run_dir = os.path.join(scratch, "long-run")
            command, env = traced([sys.executable, "tests/gpu/decode_loop.py", "--seconds",
                                   str(args.long_run)], run_dir, args.launcher)
            done = subprocess.run(command, capture_output=True, text=True,
                                  timeout=args.long_run + 180, env=env)
            print(f"\nlong run: decode loop {args.long_run:.0f} s under perfadvise, "
                  f"exit {done.returncode}")
            for line in done.stdout.splitlines():
                if line.startswith("RESULT "):
                    print("  " + line)
            for name, stats in profile_stats(run_dir).items():
                print(f"  {name}: {json.dumps(stats)}")


if __name__ == "__main__":
    main()
