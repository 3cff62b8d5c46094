#!/usr/bin/env bash
# The whole SAM measurement in one GPU-machine call (README.md, "Results on the H100"): build,
# the full ladder with findings, --batch 1/32 runs, the top kernels of the last rungs' profiles,
# the small ladder, then, while time is left, the FP8 switches and ViT-H. From the repository
# root, with .carry carried:  bash reference_models/sam/measure_all.sh   (writes under $OUT)
set -u
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
B=build-sam/sam/sam_bench
T0=$(date +%s)
el() { echo $(( $(date +%s) - T0 )); }
left() { [ "$(el)" -lt "$1" ]; }
one() {  # one() LOGNAME [ENV=..] ARGS: one run, prints its RESULT compactly
  local name=$1; shift
  env "$@" > "$OUT/x_$name.log" 2>&1
  python3 - "$OUT/x_$name.log" "$name" <<'PY'
import json, sys
txt = open(sys.argv[1]).read().splitlines()
r = [json.loads(l[7:]) for l in txt if l.startswith("RESULT ")]
if not r: print(sys.argv[2], "FAILED", " | ".join(txt[-3:])[:300]); sys.exit()
r = r[0]; e = r["extra"]
print(f"{sys.argv[2]}: {r['throughput']:.1f} img/s {r['median_ms']:.3f} ({r['p10_ms']:.3f}-{r['p90_ms']:.3f}) err {r['rel_error']:.2e} "
      f"unmod {e.get('rel_error_vs_unmodified_fp32', float('nan')):.2e} peak {r['peak_mib']:.0f} cfg {r['config']} b{r['batch']}")
PY
}
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
echo "[$(el)s] build"
reference_models/sam/run_sam.sh build > "$OUT/build.log" 2>&1 || { tail -40 "$OUT/build.log"; exit 1; }
echo "[$(el)s] quick small checks"
one s_fold "$B" --variant fold_copies --config small
one s_fp8mlp "$B" --variant fp8_mlp --config small
grep -h "sam: attention" "$OUT"/x_s_fold.log | cut -c1-300
echo "[$(el)s] full ladder"
reference_models/sam/run_sam.sh full "$OUT" .carry/cli/perfadvise > "$OUT/full.log" 2>&1
grep -E "^  sam/|findings:|no RESULT|error" "$OUT/full.log" | cut -c1-200
grep -h "sam: attention" "$OUT/full.log" | grep direct | cut -c1-300
echo "[$(el)s] extras"
one b1_fold "$B" --variant fold_copies --config full --batch 1
one b32_fold "$B" --variant fold_copies --config full --batch 32
python3 reference_models/sam/top_kernels.py "$OUT/sam-NVIDIA-H100-80GB-HBM3.json" /tmp/ladder-profiles-full relpos_fold fold_copies fp8_mlp > "$OUT/top_kernels.txt" 2>&1
cut -c1-150 "$OUT/top_kernels.txt"
left 215 && { echo "[$(el)s] small ladder"; reference_models/sam/run_sam.sh small "$OUT" > "$OUT/small.log" 2>&1; grep -E "^  sam/|no RESULT" "$OUT/small.log" | cut -c1-160; }
left 235 && one h8_fold SAM_MODEL=vit_h "$B" --variant fold_copies --config full
left 240 && one b1_fp8mlp "$B" --variant fp8_mlp --config full --batch 1
left 245 && one b32_fp8mlp "$B" --variant fp8_mlp --config full --batch 32
left 250 && one fast_fp8 SAM_FP8_FAST_ACCUM=1 "$B" --variant fp8 --config full
left 255 && one fast_fp8mlp SAM_FP8_FAST_ACCUM=1 "$B" --variant fp8_mlp --config full
left 258 && one b1_fp8 "$B" --variant fp8 --config full --batch 1
left 260 && one b32_fp8 "$B" --variant fp8 --config full --batch 32
left 262 && one h1_fold SAM_MODEL=vit_h "$B" --variant fold_copies --config full --batch 1
left 262 && one h8_fp8mlp SAM_MODEL=vit_h "$B" --variant fp8_mlp --config full
left 265 && one b1_sparse "$B" --variant sparse24 --config full --batch 1
left 266 && one h8_relpos SAM_MODEL=vit_h "$B" --variant relpos_fold --config full
echo "[$(el)s] done"
