#!/usr/bin/env python3
"""Builds the LibTorch reference models, runs every variant of each ladder plainly for timing and
under `perfadvise run` for findings, and writes reference_models/results/<model>-<gpu>[-small].json
and .md. Runs on the GPU machine (it needs LibTorch and a GPU):

    python3 reference_models/run_ladder.py --models llm,sam,swin --config full \
        --perfadvise .carry/cli/perfadvise

Each binary follows reference_models/common/bench.h: `--list` prints the ladder, `--variant NAME`
prints one RESULT line. A variant's step is one token (decoder) or one batch (encoders, training).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
# How far an estimated saving may be from the measured gain before the table flags it.
AGREEMENT = 0.30


def log(message):
    print(message, file=sys.stderr, flush=True)


def build(build_dir, jobs):
    import torch  # only needed to find LibTorch's CMake files

    prefix = torch.utils.cmake_prefix_path
    subprocess.run(["cmake", "-S", HERE, "-B", build_dir, "-G", "Ninja",
                    "-DCMAKE_BUILD_TYPE=Release", f"-DCMAKE_PREFIX_PATH={prefix}"], check=True)
    subprocess.run(["cmake", "--build", build_dir, "-j", str(jobs)], check=True)


def run_json_lines(cmd, timeout):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=timeout).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def run_variant(binary, variant, args, timeout, wrapper=()):
    cmd = list(wrapper) + [binary, "--variant", variant, "--config", args.config,
                           "--warmup", str(args.warmup), "--iters", str(args.iters)]
    started = time.time()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    elapsed = time.time() - started
    result = None
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            result = json.loads(line[len("RESULT "):])
    if result is None:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
        log(f"  {variant}: no RESULT (exit {proc.returncode}): " + " | ".join(tail))
    else:
        result["wall_s"] = round(elapsed, 1)
        result["exit_code"] = proc.returncode
    return result, proc


def findings_of(perfadvise, binary, variant, args, profile_root):
    """Runs the variant under perfadvise with fewer iterations and returns the analysis JSON."""
    run_dir = os.path.join(profile_root, os.path.basename(binary), variant)
    shutil.rmtree(run_dir, ignore_errors=True)
    wrapper = [perfadvise, "run", "-o", run_dir, "--"]
    result, proc = run_variant(binary, variant, args, args.timeout, wrapper)
    if result is None:
        return None, run_dir
    analyze = subprocess.run([perfadvise, "analyze", run_dir, "--format", "json",
                              "--steps", "^step#"], capture_output=True, text=True,
                             timeout=args.timeout)
    if analyze.returncode not in (0, 1):
        log(f"  {variant}: analyze failed: {analyze.stderr.strip()}")
        return None, run_dir
    return json.loads(analyze.stdout), run_dir


def ms_per_item(result):
    return result["median_ms"] / max(result["items_per_step"], 1e-9)


def saving_per_item(analysis, rule_id, items_per_step):
    """The estimated saving (ms per item) of the motivating rule's findings, or None."""
    if analysis is None or not rule_id:
        return None
    total, fired = 0.0, False
    for finding in analysis.get("findings", []):
        if finding["rule_id"] in rule_id.split("+"):
            total += finding.get("estimated_saving_ms_per_step") or 0.0
            fired = True
    return total / max(items_per_step, 1e-9) if fired else None


def ladder_rows(variants, results, analyses):
    rows = []
    base, prev, ladder = None, None, None
    for info in variants:
        if info.get("ladder", "") != ladder:  # a second ladder in the same binary: new chain
            base, prev, ladder = None, None, info.get("ladder", "")
        result = results.get(info["name"])
        analysis = analyses.get(info["name"])
        row = {"variant": info["name"], "change": info["change"], "ladder": ladder,
               "motivated_by": info["motivated_by"], "result": result,
               "findings": sorted({f["rule_id"] for f in analysis["findings"]}) if analysis else None}
        if result is not None:
            base = base or result
            row["speedup_vs_baseline"] = ms_per_item(base) / ms_per_item(result)
            if prev is not None:
                row["speedup_vs_previous"] = ms_per_item(prev["result"]) / ms_per_item(result)
                row["measured_gain_ms_per_item"] = ms_per_item(prev["result"]) - ms_per_item(result)
                est = saving_per_item(analyses.get(prev["variant"]), info["motivated_by"],
                                      prev["result"]["items_per_step"])
                row["estimated_saving_ms_per_item"] = est
                gain = row["measured_gain_ms_per_item"]
                if est is not None and gain > 0:
                    row["estimate_vs_measured"] = est / gain
            prev = row
        rows.append(row)
    return rows


def fmt(value, spec=".2f", none="—"):
    return none if value is None else format(value, spec)


def markdown(model, gpu, config, rows):
    lines = [f"### {model} on {gpu} ({config} configuration)", "",
             "| variant | what changed | throughput | ms/step (p10–p90) | × baseline | × previous "
             "| findings that fired | estimated saving of the motivating finding | measured gain "
             "| rel. error (bound) | peak MiB |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    ladder = ""
    for row in rows:
        if row.get("ladder", "") != ladder:  # name each ladder of a two-ladder binary
            ladder = row["ladder"]
            lines.append(f"| **{ladder} ladder** | | | | | | | | | | |")
        r = row["result"]
        if r is None:
            lines.append(f"| {row['variant']} | {row['change']} | failed | | | | | | | | |")
            continue
        est = row.get("estimated_saving_ms_per_item")
        ratio = row.get("estimate_vs_measured")
        flag = "" if ratio is None or abs(ratio - 1) <= AGREEMENT else " ⚠"
        est_text = "—" if est is None else f"{est:.3f} ms/item ({row['motivated_by']}){flag}"
        gain = row.get("measured_gain_ms_per_item")
        findings = ", ".join(row["findings"]) if row["findings"] else (
            "none" if row["findings"] is not None else "not profiled")
        lines.append(
            f"| {row['variant']} | {row['change']} | {r['throughput']:.1f} {r['unit']} "
            f"| {r['median_ms']:.3f} ({r['p10_ms']:.3f}–{r['p90_ms']:.3f}) "
            f"| {fmt(row.get('speedup_vs_baseline'))} | {fmt(row.get('speedup_vs_previous'))} "
            f"| {findings} | {est_text} | {fmt(gain, '.3f')} "
            f"| {r['rel_error']:.1e} ({r['tolerance']:.0e}){'' if r['correct'] else ' ✗'} "
            f"| {r['peak_mib']:.0f} |")
    lines += ["", "⚠: the estimate differs from the measured gain by more than 30%; "
              "the model's README says why.", ""]
    return "\n".join(lines)


def run_model(model, args):
    binary = os.path.join(args.build_dir, model, f"{model}_bench")
    variants = run_json_lines([binary, "--list"], 60)
    if args.variants:
        wanted = set(args.variants.split(","))
        variants = [v for v in variants if v["name"] in wanted]
    results, analyses = {}, {}
    for info in variants:
        name = info["name"]
        result, proc = run_variant(binary, name, args, args.timeout)
        if result is not None:
            results[name] = result
            log(f"  {model}/{name}: {result['throughput']:.1f} {result['unit']}, "
                f"{result['median_ms']:.3f} ms/step, err {result['rel_error']:.1e}")
        if proc.stderr.strip():
            log("    " + "\n    ".join(proc.stderr.strip().splitlines()[-3:]))
        if args.perfadvise and result is not None:
            analysis, run_dir = findings_of(args.perfadvise, binary, name, args, args.profiles)
            analyses[name] = analysis
            if analysis is not None:
                log(f"    findings: {sorted({f['rule_id'] for f in analysis['findings']})}")
    gpu = next((r["gpu"] for r in results.values()), "unknown-gpu")
    rows = ladder_rows(variants, results, analyses)
    suffix = "" if args.config == "full" else f"-{args.config}"
    stem = os.path.join(args.results, f"{model}-{gpu}{suffix}")
    with open(stem + ".json", "w") as f:
        json.dump({"model": model, "gpu": gpu, "config": args.config, "rows": rows,
                   "analyses": {k: v for k, v in analyses.items() if v is not None}}, f, indent=1)
    table = markdown(model, gpu, args.config, rows)
    with open(stem + ".md", "w") as f:
        f.write(table)
    print(table, flush=True)
    return all(r is not None and r["correct"] for r in results.values()) and len(results) == len(variants)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="llm,sam,swin")
    parser.add_argument("--variants", default="", help="comma-separated subset (default: all)")
    parser.add_argument("--config", choices=["small", "full"], default="small")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--iters", type=int, default=20)
    parser.add_argument("--perfadvise", default="", help="perfadvise CLI; omit to skip findings")
    parser.add_argument("--build-dir", default="build-ref")
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 4)
    parser.add_argument("--results", default=os.path.join(HERE, "results"))
    parser.add_argument("--profiles", default="/tmp/ladder-profiles")
    parser.add_argument("--timeout", type=int, default=300, help="seconds per variant run")
    args = parser.parse_args()
    if not args.no_build:
        build(args.build_dir, args.jobs)
    os.makedirs(args.results, exist_ok=True)
    ok = True
    for model in args.models.split(","):
        log(f"== {model} ({args.config})")
        ok = run_model(model, args) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
