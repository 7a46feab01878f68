"""Benchmark: engine.assess on 1,000,000 receipt lines for 10,000 people under gen4.

Prints seconds, lines per second and the speed-up over the row-by-row reference in
tests/reference_engine.py (timed on a sample, per line). Run from the repository root:

    .venv/bin/python benchmarks/bench_engine.py [--lines 1000000] [--people 10000] [--repeat 5]

Text columns are pandas categoricals (what a loader of a big export would produce); the
same frame with plain text columns is timed too. The machine may be shared: the best of
``--repeat`` runs is reported.

**Fresh pages.** Every call grows the heap to its peak and the allocator gives the memory
back when the call's arrays are freed (glibc trims the top of the heap), so the next call
maps fresh pages again. The kernel maps them 4 KiB at a time (about 2.5 µs each on this
machine) except inside large allocations, where numpy asks for 2 MiB pages; each separate
array's ends still cost a few hundred small ones. The engine therefore makes its longest-lived
arrays as the rows of a few blocks (``engine.lines.zero_rows``): about 9,000–17,000 minor
page faults per call at a million lines (it was about 32,000 with separate arrays; the
number varies with how much freed memory the heap kept from the call before), about 11,000
for the kernel. ``--keep-heap`` asks glibc to keep freed memory mapped
(``mallopt(M_TRIM_THRESHOLD)`` and ``M_MMAP_THRESHOLD``, for this process only): both are then
timed without that cost, which shows how much of the ratio is page mapping rather than
arithmetic. A caller that keeps each result (a notebook's ``out = assess(...)``) sees
something in between: the kept output pins the top of the heap.

**The bare kernel.** :func:`bare_kernel` is the least any correct gen4 engine must compute
on these lines, written as plain numpy with no validation and no detail: codes from the
categoricals, one sort by person and date (the radix passes the engine uses), the
outpatient/pharmacy lines of a person–day as one visit, per visit ``max(D, r × C)`` on the
급여 and the 비급여 side with the per-visit cap, inpatient lines by their rate, the yearly
5천만원 limit per person by running sums, the visit's payout shared back onto its lines and
scattered back to the input's row order. It leaves out what the engine also does (3대
비급여 parts, counts, exclusions, institutions, exact largest-remainder shares, the detail
columns, checking every cell), so its payouts differ from the engine's; it is timed beside
the engine, interleaved in the same run, as the yardstick for the engine's overhead.
"""

from __future__ import annotations

import argparse
import ctypes
import resource
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


def _category_codes(frame: pd.DataFrame, column: str, names: list[str]) -> np.ndarray:
    """A categorical column's codes as positions in ``names`` (−1: another value)."""
    values = frame[column].array
    table = np.array([names.index(c) if c in names else -1 for c in values.categories], np.int8)
    return table[values.codes]


def _radix_order(key: np.ndarray) -> np.ndarray:
    """Stable order of non-negative int64 ``key``: 16-bit least-significant-digit passes."""
    order = np.argsort(key.astype(np.uint16), kind="stable")
    for shift in range(16, max(int(key.max()), 1).bit_length(), 16):
        order = order[np.argsort((key[order] >> shift).astype(np.uint16), kind="stable")]
    return order


def bare_kernel(frame: pd.DataFrame) -> np.ndarray:
    """The essential gen4 arithmetic on categorical receipts → payout per line (row order).

    Outpatient and pharmacy lines of a person–day are one visit with minimum D (1만원 의원,
    병원, 약국; 2만원 종합, 상급종합) on 급여 and 3만원 on 비급여: payout ``clip(min(C − D,
    ⌊0.8 C⌋), 0, 20만원)`` and ``clip(min(N − D, ⌊0.7 N⌋), 0, 20만원)``; an inpatient line
    pays ⌊0.8 C⌋ + ⌊0.7 N⌋; each side's yearly 5천만원 per person by a running sum; a
    visit's payout goes to its lines by amount (floor, the rest to its first line).
    """
    person = frame["person"].array.codes.astype(np.int64)
    day = frame["date"].to_numpy().astype("datetime64[D]").view(np.int64)
    inpatient = _category_codes(frame, "setting", ["inpatient"]) == 0
    tiers = ["clinic", "hospital", "general", "tertiary", "pharmacy"]
    minimum = np.array([10_000, 10_000, 20_000, 20_000, 10_000], np.int64)
    line_min = minimum[_category_codes(frame, "tier", tiers)]
    cov = frame["covered_copay"].to_numpy() + frame["full_copay"].to_numpy()
    non = frame["noncovered"].to_numpy()
    lo = int(day.min())
    span = int(day.max()) - lo + 1
    order = _radix_order(person * span + (day - lo))
    person, day, inpatient = person[order], day[order], inpatient[order]
    line_min, cov, non = line_min[order], cov[order], non[order]
    new = np.ones(len(order), bool)  # a visit starts: another person or day, or 입원
    new[1:] = (person[1:] != person[:-1]) | (day[1:] != day[:-1]) | inpatient[1:] | inpatient[:-1]
    starts = np.flatnonzero(new)
    c, n = np.add.reduceat(cov, starts), np.add.reduceat(non, starts)
    d, inp = np.maximum.reduceat(line_min, starts), inpatient[starts]
    pc = np.where(inp, c * 8 // 10, np.clip(np.minimum(c - d, c * 8 // 10), 0, 200_000))
    pn = np.where(inp, n * 7 // 10, np.clip(np.minimum(n - 30_000, n * 7 // 10), 0, 200_000))
    who = person[starts]
    first = np.ones(len(starts), bool)
    first[1:] = who[1:] != who[:-1]

    def yearly(x: np.ndarray, limit: int = 50_000_000) -> np.ndarray:
        cum = np.cumsum(x)
        cum -= (cum - x)[first][np.cumsum(first) - 1]
        return np.minimum(cum, limit) - np.minimum(cum - x, limit)

    paid = yearly(pc) + yearly(pn)
    visit = np.cumsum(new) - 1
    share = paid[visit] * (cov + non) // np.maximum(c + n, 1)[visit]
    share[starts] += paid - np.add.reduceat(share, starts)
    out = np.empty(len(order), np.int64)
    out[order] = share
    return out


def best_of(repeat: int, fn) -> tuple[float, float]:
    """Best wall-clock and best CPU (process) seconds of ``repeat`` runs."""
    wall, cpu = [], []
    for _ in range(repeat):
        c0, t0 = time.process_time(), time.perf_counter()
        fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return min(wall), min(cpu)


def faults_of(fn) -> tuple[int, float]:
    """Minor page faults and system (kernel) seconds of one run of ``fn``: the kernel's share
    of the time, mostly mapping fresh memory for new arrays."""
    before = resource.getrusage(resource.RUSAGE_SELF)
    fn()
    after = resource.getrusage(resource.RUSAGE_SELF)
    return after.ru_minflt - before.ru_minflt, after.ru_stime - before.ru_stime


def keep_heap() -> bool:
    """Ask glibc to keep freed memory mapped (no trimming of the heap's top, arrays up to its
    largest threshold on the heap rather than in their own mappings); False where the C
    library is not glibc."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        m_trim_threshold, m_mmap_threshold = -1, -3  # glibc's malloc.h
        return bool(libc.mallopt(m_trim_threshold, 2**30) and libc.mallopt(m_mmap_threshold, 2**25))
    except (OSError, AttributeError):
        return False


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--people", type=int, default=10_000)
    ap.add_argument("--sample", type=int, default=5_000, help="lines for the reference loop")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument(
        "--keep-heap", action="store_true", help="keep freed memory mapped (glibc): no fresh pages"
    )
    args = ap.parse_args()
    if args.keep_heap and not keep_heap():
        ap.error("--keep-heap: needs glibc's mallopt")

    policy = load_policy("gen4")
    frame = synthetic(args.lines, args.people)
    assess(frame.head(1000), policy)  # warm up imports and caches
    bare_kernel(frame.head(1000))
    seconds = cpu = kernel_seconds = kernel_cpu = float("inf")
    for _ in range(args.repeat):  # interleaved, so a busy moment slows both alike
        wall, used = best_of(1, lambda: assess(frame, policy))
        seconds, cpu = min(seconds, wall), min(cpu, used)
        wall, used = best_of(1, lambda: bare_kernel(frame))
        kernel_seconds, kernel_cpu = min(kernel_seconds, wall), min(kernel_cpu, used)
    faults, kernel = faults_of(lambda: assess(frame, policy))
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
    heap = ", heap kept (--keep-heap)" if args.keep_heap else ""
    print(f"lines:             {args.lines:,} for {args.people:,} people (gen4), load {load}{heap}")
    print(f"engine, shuffled:  {seconds:.3f} s wall, {cpu:.3f} s CPU ({rate:,.0f} lines/s)")
    print(
        f"bare numpy kernel: {kernel_seconds:.3f} s wall, {kernel_cpu:.3f} s CPU "
        "(the essential gen4 arithmetic, shuffled; see bare_kernel)"
    )
    print(f"engine ÷ kernel:   {seconds / kernel_seconds:.2f}x wall, {cpu / kernel_cpu:.2f}x CPU")
    print(f"engine, faults:    {faults:,} minor page faults, {kernel:.3f} s system (one run)")
    print(
        f"engine, sorted:    {seconds_sorted:.3f} s wall, {cpu_sorted:.3f} s CPU (by person, date)"
    )
    print(f"engine, text cols: {seconds_text:.3f} s wall, {cpu_text:.3f} s CPU (str, not category)")
    print(f"reference loop:    {ref_rate:,.0f} lines/s on {len(sample):,} lines")
    print(f"speed-up:          {rate / ref_rate:,.0f}x (wall, shuffled)")


if __name__ == "__main__":
    main()
