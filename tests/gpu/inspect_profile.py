"""Prints what a perfadvise profile holds (counts, stats, devices, API mix, sync call sites) with
nothing but Python's sqlite3: for looking at profiles on machines without the perfadvise CLI.
    python3 tests/gpu/inspect_profile.py RUN_DIR_OR_PROFILE [--sites N]"""
import argparse
import collections
import glob
import os
import sqlite3


def show(path, max_sites):
    db = sqlite3.connect(path)
    strings = dict(db.execute("SELECT id, value FROM strings"))
    meta = dict(db.execute("SELECT key, value FROM meta"))
    print(f"== {path} ({os.path.getsize(path)} bytes)")
    for key in ("complete", "pid", "rank", "cupti_version", "driver_version", "command",
                "stats.dropped_records", "stats.zero_timestamp_records",
                "stats.buffers_completed", "stats.records_written", "collector.libcupti"):
        print(f"  {key}: {meta.get(key)}")
    for table in ("kernel", "memcpy", "memset", "sync", "api_call", "nvtx", "overhead",
                  "call_site", "frame", "device"):
        print(f"  rows {table}: {db.execute(f'SELECT COUNT(*) FROM {table}').fetchone()[0]}")
    for row in db.execute("SELECT * FROM device"):
        print(f"  device: {row}")
    columns = [c[1] for c in db.execute("PRAGMA table_info(api_call)")]
    name_col = "name_id" if "name_id" in columns else columns[7]
    domain_col = "domain" if "domain" in columns else columns[4]
    api = collections.Counter()
    for domain, name, count in db.execute(
            f"SELECT {domain_col}, {name_col}, COUNT(*) FROM api_call GROUP BY 1, 2"):
        api[(domain, strings.get(name, name))] = count
    print("  top API calls (domain 1 runtime, 2 driver):")
    for (domain, name), count in api.most_common(12):
        print(f"    {count:8d}  {domain} {name}")
    print(f"  sync types: {db.execute('SELECT sync_type, COUNT(*) FROM sync GROUP BY 1').fetchall()}")
    print(f"  memcpy kind/src/dst: "
          f"{db.execute('SELECT copy_kind, src_kind, dst_kind, COUNT(*) FROM memcpy GROUP BY 1,2,3').fetchall()}")
    frames = {i: (strings.get(f, f), strings.get(fn, fn), line)
              for i, f, fn, line in db.execute("SELECT id, file_id, function_id, line FROM frame")}
    sites = collections.Counter()
    site_columns = [c[1] for c in db.execute("PRAGMA table_info(call_site)")]
    for row in db.execute("SELECT * FROM call_site"):
        r = dict(zip(site_columns, row))
        user = frames.get(r.get("user_frame_id") or r.get("user_frame"))
        op = strings.get(r.get("op_id") or r.get("op"), "")
        where = f"{os.path.basename(user[0])}:{user[2]} {user[1]}" if user else f"op={op}"
        sites[(r.get("thread_id"), where)] += 1
    print(f"  call sites by (thread, user line or op):")
    for (thread, where), count in sites.most_common(max_sites):
        print(f"    {count:6d}  tid {thread}  {where}")
    db.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--sites", type=int, default=20)
    args = parser.parse_args()
    paths = sorted(glob.glob(os.path.join(args.path, "*.sqlite"))) if os.path.isdir(
        args.path) else [args.path]
    for path in paths:
        show(path, args.sites)


if __name__ == "__main__":
    main()
