#!/usr/bin/env python3
"""The top kernels per timed step of the ladder's perfadvise profiles, by full kernel name (the
analyzer's categories hide which GEMM carries which epilogue). The steps are the analyzer's own
step windows from the results JSON.

    python3 reference_models/sam/top_kernels.py RESULTS_JSON PROFILE_ROOT VARIANT...
"""
import glob, json, sqlite3, sys
res = json.load(open(sys.argv[1]))
for v in sys.argv[3:]:
    a = res.get("analyses", {}).get(v)
    paths = glob.glob(f"{sys.argv[2]}/sam_bench/{v}/profile*.sqlite")
    if not paths:
        print(f"== {v}: no profile"); continue
    db = sqlite3.connect(paths[0])
    steps = a["steps"]["per_step"] if a else []
    wins = [(s["start_ms"] * 1e6, s["end_ms"] * 1e6) for s in steps]
    tot, cnt = {}, {}
    for name, st, du in db.execute("SELECT name, start_ns, duration_ns FROM kernel_named"):
        if wins and not any(lo <= st < hi for lo, hi in wins):
            continue
        tot[name] = tot.get(name, 0) + du
        cnt[name] = cnt.get(name, 0) + 1
    n = max(len(wins), 1)
    print(f"== {v}: {n} steps, {sum(tot.values()) / n / 1e6:.2f} ms/step of kernels")
    for name, t in sorted(tot.items(), key=lambda x: -x[1])[:14]:
        print(f"  {t / n / 1e6:7.3f} ms {cnt[name] / n:5.1f}x  {name[:110]}")
