"""Benchmark: ``silson assess`` on synthetic cohorts of 10⁶, 10⁷ (and 10⁸) lines on disk.

For each size a seeded cohort (silson_tools.scale.cohort: per-person policies gen1–gen4 with
monthly contract dates, 5% 중복가입, 1,000,000 lines per parquet file, every person's lines
in many files) is written once under ``--data`` (reused when present), then assessed with
the dask engine on a local cluster of ``--workers`` processes. Prints, per size: seconds,
lines per second, the peak memory (VmHWM) of the driver and of the largest worker, and a
Markdown row for the README. Run from the repository root, niced (the machine is shared):

    nice -n 10 .venv/bin/python benchmarks/bench_scale.py --lines 1e6 1e7
    nice -n 10 .venv/bin/python benchmarks/bench_scale.py --lines 1e8 --data /tmp/silson_scale

``--pandas`` also times the in-memory engine (sizes up to 10⁷) and checks that both give
every line the same payout. ``--policy gen4 --start 2022-01-01`` uses the same cohort without
its policy columns (``cohort-<n>-plain``): everyone under one policy and contract date, the
engine's cost without one call per distinct (policy, contract date).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import shutil
import time
from pathlib import Path

import pandas as pd

from silson_tools.scale import assess_table, write_cohort
from silson_tools.scale.run import text_progress

GiB = 2**30


def _write_some(args: tuple[str, int, int, range, bool]) -> None:
    folder, lines, per_file, only, columns = args
    write_cohort(folder, lines, lines_per_file=per_file, seed=0, only=only, policy_columns=columns)


def ensure_cohort(folder: Path, lines: int, per_file: int, procs: int, columns: bool) -> float:
    """Write the cohort unless a complete one is there; seconds spent writing."""
    files = -(-lines // per_file)
    done = folder / "_COMPLETE"  # "_" : parquet readers skip it
    if done.exists():
        return 0.0
    shutil.rmtree(folder, ignore_errors=True)
    t0 = time.perf_counter()
    shares = [range(k, files, procs) for k in range(procs)]
    with multiprocessing.get_context("spawn").Pool(procs) as pool:
        pool.map(_write_some, [(str(folder), lines, per_file, s, columns) for s in shares])
    done.write_text(f"{lines} lines in {files} files\n")
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", nargs="+", default=["1e6", "1e7"])
    ap.add_argument("--data", type=Path, default=Path("/tmp/silson_scale"))
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--bucket-lines", type=int, default=1_000_000)
    ap.add_argument("--memory-limit", default="2GB")
    ap.add_argument("--per-file", type=int, default=1_000_000)
    ap.add_argument("--policy", default=None, help="one policy for everyone (e.g. gen4)")
    ap.add_argument("--start", default=None, help="with --policy: one contract date")
    ap.add_argument("--pandas", action="store_true", help="also time the in-memory engine")
    ap.add_argument("--json", type=Path, default=None, help="append results to this file")
    args = ap.parse_args()

    rows = []
    for text in args.lines:
        n = int(float(text))
        # with --policy: the same cohort without the policy columns (everyone under it)
        folder = args.data / (f"cohort-{n}-plain" if args.policy else f"cohort-{n}")
        wrote = ensure_cohort(folder, n, args.per_file, args.workers, not args.policy)
        source = folder
        out = args.data / f"assessed-{n}"
        shutil.rmtree(out, ignore_errors=True)
        stats = assess_table(
            source,
            out,
            policy=args.policy,
            start=args.start,
            engine="dask",
            workers=args.workers,
            bucket_lines=args.bucket_lines,
            memory_limit=args.memory_limit,
            progress=text_progress(),
        )
        workers = [v for k, v in stats.peak_rss.items() if k != "driver"]
        row = {
            "lines": n,
            "engine": "dask",
            "workers": args.workers,
            "buckets": stats.buckets,
            "seconds": round(stats.seconds, 1),
            "lines_per_s": round(stats.lines_per_second),
            "peak_worker_gb": round(max(workers) / GiB, 2),
            "peak_driver_gb": round(stats.peak_rss["driver"] / GiB, 2),
            "cohort_write_s": round(wrote, 1),
        }
        rows.append(row)
        print(json.dumps(row), flush=True)
        if args.pandas and n <= 10_000_000:
            pout = args.data / f"assessed-{n}-pandas.parquet"
            shutil.rmtree(pout, ignore_errors=True)
            pout.unlink(missing_ok=True)
            ps = assess_table(source, pout, policy=args.policy, start=args.start)
            a = pd.read_parquet(out, columns=["line_id", "payout"]).set_index("line_id")
            b = pd.read_parquet(pout, columns=["line_id", "payout"]).set_index("line_id")
            differ = int((a["payout"] != b["payout"].reindex(a.index)).sum())
            prow = {
                "lines": n,
                "engine": "pandas",
                "seconds": round(ps.seconds, 1),
                "lines_per_s": round(ps.lines_per_second),
                "peak_driver_gb": round(ps.peak_rss["driver"] / GiB, 2),
                "payouts_differing_from_dask": differ,
            }
            rows.append(prow)
            print(json.dumps(prow), flush=True)
            pout.unlink(missing_ok=True)
        shutil.rmtree(out, ignore_errors=True)
    with open("/proc/loadavg") as fh:
        load = fh.read().split()[0]
    print(f"\nload average at the end: {load}")
    print("| lines | engine | seconds | lines/s | peak per worker | peak driver |")
    print("|---:|---|---:|---:|---:|---:|")
    for r in rows:
        worker = f"{r['peak_worker_gb']:.2f} GB" if "peak_worker_gb" in r else "—"
        print(
            f"| {r['lines']:,} | {r['engine']} | {r['seconds']:,} | {r['lines_per_s']:,} | "
            f"{worker} | {r['peak_driver_gb']:.2f} GB |"
        )
    if args.json:
        with open(args.json, "a") as fh:
            for r in rows:
                fh.write(json.dumps(r) + "\n")


if __name__ == "__main__":
    main()
