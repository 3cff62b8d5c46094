"""What each collector setting costs, measured inside one process with `perfadvise run
--measure-overhead`: recording is switched off and on in alternating windows and the analyzer
compares the steps of each paused window with those of the recorded window before it. Whole
runs on the GPU machine drift by up to 2x between processes; windows a second apart do not.

By default `--measure-overhead` pauses all recording: the activity kinds (kernels, copies,
memsets, syncs, API records), GEMM capture and the sampled kernel-line callbacks. The launch
detail (launch API records, GEMM shapes, kernel lines) is itself sampled by default; the
"detail" rows compare its schedules, with the pooled ratio as the measure: their recorded
windows fall in and out of its windows, so the pairs differ on purpose. With
`--overhead-of gemm-shapes` or `kernel-lines` it pauses that capture alone, everything else
recorded throughout: the row is that capture's own cost. PyTorch's own op ranges (`--torch-ops`)
are emitted by the program and cannot be paused: overhead.py measures those, whole run against
whole run.

Run from the repository root on the GPU machine, with the CLI built on the build machine:
    python3 bench/overhead/in_process.py --cli .carry/cli/perfadvise \
        --launch-loop .carry/bench/launch_loop [--only launch,decode,masked]
Prints one row per setting: the median of the window-pair ratios, their range, the pooled
ratio of medians, the ratio of mean step times, the median step time recorded and paused, for
the launch-only program the cost per launch in microseconds, and for the decode loop the same
window pairs in CPU time per token (its --cpu-marks), which the host's preemption does not move.
A launch-only row takes over a minute on the H100: 12 s of launches are ~2M kernels, whose
profile `perfadvise run` then analyzes and exports. Give the device call room (--only helps).
"""
import argparse
import glob
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile

LAUNCHES_PER_STEP = 500

# (group, label, program arguments after the interpreter or binary, --steps regex, run flags,
#  extra environment). "{launch_loop}" is replaced by the launch-only program's path.
LAUNCH = ["{launch_loop}", "--seconds", "12"]
DECODE = ["tests/gpu/decode_loop.py", "--seconds", "10", "--cpu-marks"]
DECODE_LONG = ["tests/gpu/decode_loop.py", "--seconds", "30", "--cpu-marks"]
ALL = ["--launch-detail", "all"]  # every launch's API record, GEMM shape, kernel line
# The sampled launch detail's steady state from the start (PERFADVISE_LAUNCH_DETAIL_MS =
# "first on, off, on" in ms; the default keeps every launch for the first 10 s).
SAMPLED_1_IN_5 = {"PERFADVISE_LAUNCH_DETAIL_MS": "0,4000,1000"}
SAMPLED_1_IN_10 = {"PERFADVISE_LAUNCH_DETAIL_MS": "0,9000,1000"}
DETAIL_NEVER = {"PERFADVISE_LAUNCH_DETAIL_MS": "0,600000,1"}
SETTINGS = [
    ("launch", "every launch (--launch-detail all: kernels, copies, syncs, runtime + driver API "
     "records)", LAUNCH, "^step#", ALL, {}),
    ("launch", "launch API records off (the sampled default between its windows)", LAUNCH,
     "^step#", [], DETAIL_NEVER),
    ("launch", "runtime API records only", LAUNCH, "^step#", ALL,
     {"PERFADVISE_API_RECORDS": "runtime"}),
    ("launch", "no API records", LAUNCH, "^step#", ALL, {"PERFADVISE_API_RECORDS": "none"}),
    ("launch", "--kernel-lines 16 alone (--overhead-of kernel-lines)", LAUNCH, "^step#",
     ["--kernel-lines", "16", "--overhead-of", "kernel-lines"], {}),
    # PyTorch's cudaGetDevice calls around each op: the collector filters their records out
    # (kNoisyRuntimeCbids); do the filtered calls still cost while the RUNTIME kind is on?
    ("launch", "8 cudaGetDevice per launch, no API records",
     LAUNCH + ["--api-calls-per-launch", "8"], "^step#", ALL, {"PERFADVISE_API_RECORDS": "none"}),
    ("launch", "8 cudaGetDevice per launch, every launch",
     LAUNCH + ["--api-calls-per-launch", "8"], "^step#", ALL, {}),
    ("decode", "every launch (--launch-detail all)", DECODE, "^token$", ALL, {}),
    ("decode", "no API records, --no-gemm-shapes", DECODE, "^token$",
     ALL + ["--no-gemm-shapes"], {"PERFADVISE_API_RECORDS": "none"}),
    ("decode", "GEMM-shape capture alone (--overhead-of gemm-shapes)", DECODE, "^token$",
     ["--overhead-of", "gemm-shapes"], {}),
    ("decode", "--kernel-lines 64 alone (--overhead-of kernel-lines)", DECODE, "^token$",
     ["--kernel-lines", "64", "--overhead-of", "kernel-lines"], {}),
    ("decode", "--kernel-lines 16 alone (--overhead-of kernel-lines)", DECODE, "^token$",
     ["--kernel-lines", "16", "--overhead-of", "kernel-lines"], {}),
    # Launch detail: 30 s runs, so that recorded windows fall both in and out of its windows.
    ("detail", "every launch (--launch-detail all)", DECODE_LONG, "^token$", ALL, {}),
    ("detail", "default, steady state: launch detail 1 s in every 5 s", DECODE_LONG, "^token$",
     [], SAMPLED_1_IN_5),
    ("detail", "launch detail 1 s in every 10 s", DECODE_LONG, "^token$", [], SAMPLED_1_IN_10),
    ("detail", "launch detail never", DECODE_LONG, "^token$", [], DETAIL_NEVER),
    ("detail", "no API records at all (PERFADVISE_API_RECORDS=none: kernels, copies, syncs)",
     DECODE_LONG, "^token$", [], dict(DETAIL_NEVER, PERFADVISE_API_RECORDS="none")),
    ("masked", "default", ["tests/gpu/masked_loss.py", "--steps", "200"], "^step#", [], {}),
]


def command_for(args, program):
    program = [part.replace("{launch_loop}", args.launch_loop) for part in program]
    return program if program[0] == args.launch_loop else [sys.executable] + program


def cpu_time_pairs(run_dir):
    """From the decode loop's --cpu-marks (an NVTX mark `cpu_ns=N` per token: the CPU time its
    thread spent on it), each pause's median against the recorded window's before it. The
    collector's cost is CPU time on that thread; wall time also carries the host's preemption.
    The first token of each window is left out: it may straddle the switch."""
    profiles = glob.glob(os.path.join(run_dir, "*.sqlite"))
    if not profiles:
        return []
    db = sqlite3.connect(profiles[0])
    marks = db.execute(
        "SELECT n.start_ns, s.value FROM nvtx n JOIN strings s ON s.id = n.name_id "
        "WHERE n.kind = 2 AND s.value LIKE 'cpu_ns=%' ORDER BY n.start_ns").fetchall()
    pauses = db.execute(
        "SELECT n.start_ns, n.start_ns + n.duration_ns FROM nvtx n "
        "JOIN strings s ON s.id = n.name_id JOIN strings d ON d.id = n.domain_id "
        "WHERE d.value = 'perfadvise' AND s.value = 'recording paused' ORDER BY 1").fetchall()
    cpu = [(t, int(name.split("=", 1)[1])) for t, name in marks]
    ratios, recorded_from = [], cpu[0][0] if cpu else 0
    for start, end in pauses:
        before = [ns for t, ns in cpu if recorded_from <= t < start][1:]
        during = [ns for t, ns in cpu if start <= t < end][1:]
        if before and during:
            ratios.append(statistics.median(before) / statistics.median(during))
        recorded_from = end
    return ratios


def measure(args, scratch, setting):
    group, label, program, steps, flags, env = setting
    run_dir = os.path.join(scratch, f"{group}-{len(os.listdir(scratch))}")
    run = [args.cli, "run", "-o", run_dir, "--measure-overhead", "--overhead-window",
           str(args.window_ms), "--steps", steps, *flags, "--"] + command_for(args, program)
    try:
        done = subprocess.run(run, capture_output=True, text=True, timeout=300,
                              env=dict(os.environ, **env))
        if done.returncode != 0:
            return {"error": f"exit {done.returncode}: {done.stderr.strip()[-300:]}"}
        report = subprocess.run([args.cli, "analyze", run_dir, "--steps", steps, "--format",
                                 "json", "--timings"], capture_output=True, text=True,
                                timeout=300)
        with open(os.path.join(run_dir, "analyze-timings.txt"), "w") as timings:
            timings.write(report.stderr)  # each analysis phase's time, kept with --keep
    except subprocess.TimeoutExpired as timeout:
        return {"error": f"over {timeout.timeout:.0f} s: {' '.join(timeout.cmd[:2])}"}
    finally:
        if args.keep and os.path.isdir(run_dir):
            shutil.copytree(run_dir, os.path.join(args.keep, os.path.basename(run_dir)))
    if report.returncode != 0:
        return {"error": f"analyze exit {report.returncode}: {report.stderr.strip()[-300:]}"}
    overhead = json.loads(report.stdout).get("recording_overhead")
    if not overhead:
        return {"error": "no recording_overhead in the analysis"}
    overhead["cpu_pair_ratios"] = cpu_time_pairs(run_dir)
    return overhead


def row(group, label, o):
    if "error" in o:
        return f"| {group} | {label} | {o['error']} | | | | | | |"
    if o.get("ratio", 0) == 0:
        return f"| {group} | {label} | not measured: {o.get('note', '')} | | | | | | |"
    cpu = o.get("cpu_pair_ratios", [])
    cpu_pairs = (f"{100 * (statistics.median(cpu) - 1):+.1f}% ({100 * (min(cpu) - 1):+.1f}% to "
                 f"{100 * (max(cpu) - 1):+.1f}%, {len(cpu)} pairs)" if cpu else "")
    pairs = o.get("pair_ratio", {})
    recorded = o["recorded_step_ms"]["median"]
    paused = o["paused_step_ms"]["median"]
    per_launch = ""
    if group == "launch":
        per_launch = f"{(recorded - paused) * 1000 / LAUNCHES_PER_STEP:.2f}"
    return (f"| {group} | {label} | {100 * (o['ratio'] - 1):+.1f}% "
            f"({100 * (pairs.get('min', 0) - 1):+.1f}% to {100 * (pairs.get('max', 0) - 1):+.1f}%,"
            f" {o['window_pairs']} pairs) | {100 * (o['pooled_ratio'] - 1):+.1f}% | "
            f"{100 * (o['recorded_step_ms']['mean'] / o['paused_step_ms']['mean'] - 1):+.1f}% | "
            f"{recorded:.3f} / {paused:.3f} | {o['recorded_steps']} / {o['paused_steps']} | "
            f"{per_launch} | {cpu_pairs} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cli", default="build/cli/perfadvise")
    parser.add_argument("--launch-loop", default="build/bench/overhead/launch_loop")
    parser.add_argument("--only", default="launch,decode,detail,masked")
    parser.add_argument("--match", default="",
                        help="only the settings whose label contains this text")
    parser.add_argument("--window-ms", type=int, default=1000)
    parser.add_argument("--keep", default="", help="copy every run directory here")
    args = parser.parse_args()
    groups = args.only.split(",")
    # The mean ratio counts every recorded step: with sampled launch detail, only some of them
    # carry its cost, which a median over steps would not see.
    print("| workload | setting | overhead per step, median of window pairs (range) | pooled |"
          " mean ratio | step ms recorded / paused (median) | steps recorded / paused |"
          " us per launch | CPU time per token, median of window pairs (range) |")
    print("|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as scratch:
        for setting in SETTINGS:
            if setting[0] in groups and args.match in setting[1]:
                print(row(setting[0], setting[1], measure(args, scratch, setting)), flush=True)


if __name__ == "__main__":
    main()
