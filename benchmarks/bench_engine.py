"""Benchmark: engine.assess on 1,000,000 receipt lines for 10,000 people under gen4.

Prints seconds, lines per second and the speed-up over the row-by-row reference in
tests/reference_engine.py (timed on a sample, per line). Run from the repository root:

    .venv/bin/python benchmarks/bench_engine.py [--lines 1000000] [--people 10000]

Text columns are pandas categoricals (what a loader of a big export would produce); the
same frame with plain text columns is timed too. The machine may be shared: the best of
``--repeat`` runs is reported.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from reference_engine import reference_assess  # noqa: E402

from silson_tools.catalog import load_policy  # noqa: E402
from silson_tools.engine import assess  # noqa: E402


def synthetic(lines: int, people: int, seed: int = 0, categorical: bool = True) -> pd.DataFrame:
    """A year of receipts: 70% outpatient, 20% pharmacy (often the same day), 10% inpatient."""
    rng = np.random.default_rng(seed)
    person = rng.integers(0, people, lines)
    day = np.datetime64("2024-01-01") + rng.integers(0, 366, lines).astype("timedelta64[D]")
    setting = rng.choice(["outpatient", "pharmacy", "inpatient"], lines, p=[0.7, 0.2, 0.1])
    tier = rng.choice(
        ["clinic", "hospital", "general", "tertiary"], lines, p=[0.6, 0.2, 0.12, 0.08]
    )
    tier = np.where(setting == "pharmacy", "pharmacy", tier)
    category = rng.choice(
        ["", "manual_therapy", "shockwave", "injection", "mri", "room_upgrade"],
        lines,
        p=[0.8, 0.08, 0.02, 0.05, 0.03, 0.02],
    )
    category = np.where((category == "room_upgrade") & (setting != "inpatient"), "", category)
    inpatient = setting == "inpatient"
    covered = rng.gamma(1.5, 15_000, lines).astype(np.int64)
    covered = np.where(inpatient, covered * 20, covered)
    noncovered = np.where(rng.random(lines) < 0.5, rng.gamma(1.2, 60_000, lines), 0).astype(
        np.int64
    )
    days = np.where(inpatient, rng.integers(1, 15, lines), 0)
    frame = pd.DataFrame(
        {
            "person": person.astype(str),
            "date": day,
            "setting": setting,
            "tier": tier,
            "covered_copay": covered,
            "full_copay": np.where(rng.random(lines) < 0.1, 3_000, 0),
            "noncovered": noncovered,
            "nhis_paid": covered * 2,
            "days": days,
            "category": category,
        }
    )
    if categorical:
        for col in ("person", "setting", "tier", "category"):
            frame[col] = frame[col].astype("category")
    return frame


def best_of(repeat: int, fn) -> tuple[float, float]:
    """Best wall-clock and best CPU (process) seconds of ``repeat`` runs."""
    wall, cpu = [], []
    for _ in range(repeat):
        c0, t0 = time.process_time(), time.perf_counter()
        fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return min(wall), min(cpu)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--people", type=int, default=10_000)
    ap.add_argument("--sample", type=int, default=5_000, help="lines for the reference loop")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    policy = load_policy("gen4")
    frame = synthetic(args.lines, args.people)
    assess(frame.head(1000), policy)  # warm up imports and caches
    seconds, cpu = best_of(args.repeat, lambda: assess(frame, policy))
    ordered = frame.sort_values(["person", "date"], kind="stable").reset_index(drop=True)
    seconds_sorted, cpu_sorted = best_of(args.repeat, lambda: assess(ordered, policy))
    text = synthetic(args.lines, args.people, categorical=False)
    seconds_text, cpu_text = best_of(1, lambda: assess(text, policy))

    # the reference on a sample of whole people (so counters see their full year)
    sample_people = max(1, args.people * args.sample // args.lines)
    sample = frame[frame["person"].astype(int) < sample_people].reset_index(drop=True)
    t0 = time.perf_counter()
    reference_assess(sample, policy)
    ref_seconds = time.perf_counter() - t0
    ref_rate = len(sample) / ref_seconds
    check = assess(sample, policy)
    assert (check["payout"] == reference_assess(sample, policy)["payout"]).all()

    rate = args.lines / seconds
    with open("/proc/loadavg") as fh:
        load = fh.read().split()[0]
    print(f"lines:             {args.lines:,} for {args.people:,} people (gen4), load {load}")
    print(f"engine, shuffled:  {seconds:.3f} s wall, {cpu:.3f} s CPU ({rate:,.0f} lines/s)")
    print(
        f"engine, sorted:    {seconds_sorted:.3f} s wall, {cpu_sorted:.3f} s CPU (by person, date)"
    )
    print(f"engine, text cols: {seconds_text:.3f} s wall, {cpu_text:.3f} s CPU (str, not category)")
    print(f"reference loop:    {ref_rate:,.0f} lines/s on {len(sample):,} lines")
    print(f"speed-up:          {rate / ref_rate:,.0f}x (wall, shuffled)")


if __name__ == "__main__":
    main()
