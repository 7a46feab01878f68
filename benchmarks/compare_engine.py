"""Benchmark two versions of the engine side by side: ``assess`` on the same receipts.

Each measurement is a fresh subprocess that imports ``silson_tools`` from one source tree,
warms up, and times ``assess(frame, gen4)`` on each case (the best of ``--inner`` runs in
that process); the two trees take turns (the first to go alternates every round), so a
noisy, shared machine slows both alike. Prints the median over rounds of the wall and CPU
seconds of each, their ratio (after ÷ before), the user and system parts of the CPU (the
system part is mostly the kernel mapping fresh heap pages: it swings with where the
allocator placed the arrays, so a change is best read on the user part first) and a
digest of the results, which must be equal. Run from the repository root, e.g. against a
worktree of an earlier commit::

    git worktree add /tmp/engine_before <commit>
    .venv/bin/python benchmarks/compare_engine.py --before /tmp/engine_before

The input is made once by ``bench_engine.synthetic`` (1,000,000 lines, 10,000 people).
Cases: ``shuffled`` (categorical text columns, rows in random order), ``sorted`` (by person
and date), ``text`` (plain str columns), ``institutions`` (the shuffled frame with 300
병원명, a third of the 통원·약국 lines blank: 4세대 groups 통원 by institution; a person's
입원 lines each at another of them, so no two synthetic stays overlap at one) and ``lines`` (the
shuffled frame validated once before timing: a ``ReceiptLines``, as ``read_receipts``
returns).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASES = ("shuffled", "sorted", "text", "institutions", "lines")
DEFAULT_CASES = ("shuffled", "sorted", "text")


def make_input(path: Path, lines: int, people: int) -> None:
    """Write the benchmark frames (one per case) to ``path`` (a pickle)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_engine import synthetic

    frame = synthetic(lines, people)
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(1)
    names = np.array([f"병원{k:03d}" for k in range(300)], dtype=object)
    named = np.where(rng.random(lines) < 1 / 3, "", names[rng.integers(0, 300, lines)])
    # a person's 입원 lines each at another of the 300 (the k-th at 병원 person + k): the
    # synthetic stays (random days and 입원일수) would overlap at a shared one, which
    # validation refuses (a stay billed twice)
    stay = frame["setting"].to_numpy() == "inpatient"
    who = frame["person"].cat.codes.to_numpy()[stay]
    kth = pd.Series(who).groupby(who).cumcount().to_numpy()
    named = named.astype(object)
    named[stay] = names[(who + kth) % 300]
    # a 약국 line names its person's first named 외래 institution of the day, when there is
    # one (validation asks which 통원 an unnamed one filled when two of a tier share a day)
    setting = frame["setting"].to_numpy()
    pday = pd.Series(
        frame["person"].cat.codes.to_numpy().astype(np.int64) * 400_000
        + frame["date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    )
    out = (setting == "outpatient") & (named != "")
    first = pd.Series(named[out]).groupby(pday[out].to_numpy()).first()
    ph = np.flatnonzero(setting == "pharmacy")
    prescriber = pday.iloc[ph].map(first).to_numpy()
    has = pd.notna(prescriber)
    named[ph[has]] = prescriber[has]
    frames = {
        "shuffled": frame,
        "sorted": frame.sort_values(["person", "date"], kind="stable").reset_index(drop=True),
        "text": synthetic(lines, people, categorical=False),
        "institutions": frame.assign(institution=named.astype(str)),
    }
    with path.open("wb") as fh:
        pickle.dump(frames, fh, protocol=pickle.HIGHEST_PROTOCOL)


def worker(root: str, data: str, cases: list[str], inner: int) -> None:
    """Time ``assess`` of the tree at ``root`` on each case (best of ``inner`` runs); print
    one JSON line."""
    sys.path.insert(0, root)
    import numpy as np

    import silson_tools as st

    assert Path(st.__file__).resolve().is_relative_to(Path(root).resolve()), st.__file__
    with open(data, "rb") as fh:
        frames = pickle.load(fh)
    policy = st.load_policy("gen4")
    st.assess(frames["shuffled"].head(1000), policy)  # imports, caches
    if "lines" in cases:  # validated once, untimed (a ReceiptLines unpickles as a frame)
        from silson_tools.receipts import as_receipt_lines

        frames["lines"] = as_receipt_lines(frames["shuffled"])
    result: dict[str, dict[str, float | str]] = {}
    for case in cases:
        frame = frames[case]
        wall = cpu = user = system = float("inf")
        for _ in range(inner):
            r0 = resource.getrusage(resource.RUSAGE_SELF)
            c0, t0 = time.process_time(), time.perf_counter()
            out = st.assess(frame, policy)
            wall = min(wall, time.perf_counter() - t0)
            cpu = min(cpu, time.process_time() - c0)
            r1 = resource.getrusage(resource.RUSAGE_SELF)
            user = min(user, r1.ru_utime - r0.ru_utime)
            system = min(system, r1.ru_stime - r0.ru_stime)
        digest = hashlib.sha256()
        for col in ("payout", "self_pay", "deductible", "annual_cut", "payout_noncovered"):
            digest.update(np.ascontiguousarray(out[col].to_numpy()).tobytes())
        digest.update(np.asarray(out["zone"].cat.codes).tobytes())
        result[case] = {
            "wall": wall,
            "cpu": cpu,
            "user": user,
            "system": system,
            "digest": digest.hexdigest()[:12],
        }
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"cases": result, "peak_mib": peak}))


def run_once(root: Path, data: Path, cases: list[str], inner: int) -> dict:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    cmd = [sys.executable, __file__, "--worker", str(root), "--data", str(data)]
    cmd += ["--inner", str(inner), "--cases", *cases]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"worker for {root} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", type=Path, help="source tree of the earlier version")
    ap.add_argument("--after", type=Path, default=ROOT, help="source tree (default: this one)")
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--people", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=9, help="rounds (each runs both trees)")
    ap.add_argument("--inner", type=int, default=3, help="runs per case in one process (best)")
    ap.add_argument("--cases", nargs="+", default=list(DEFAULT_CASES), choices=CASES)
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--data", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker, args.data, args.cases, args.inner)
        return
    if args.before is None:
        ap.error("--before is required")
    trees = {"before": args.before.resolve(), "after": args.after.resolve()}
    for name, tree in trees.items():
        if not (tree / "silson_tools" / "__init__.py").is_file():
            ap.error(f"--{name} {tree}: no silson_tools package there")

    kinds = ("wall", "cpu", "user", "system")
    times: dict[str, dict[str, dict[str, list[float]]]] = {
        name: {case: {k: [] for k in kinds} for case in args.cases} for name in trees
    }
    digests: dict[str, set[str]] = {name: set() for name in trees}
    peaks: dict[str, list[float]] = {name: [] for name in trees}
    with open("/proc/loadavg") as fh:
        load_start = fh.read().split()[0]
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "frames.pkl"
        make_input(data, args.lines, args.people)
        for r in range(args.repeat):
            order = ["before", "after"] if r % 2 == 0 else ["after", "before"]
            for name in order:
                got = run_once(trees[name], data, args.cases, args.inner)
                peaks[name].append(got["peak_mib"])
                for case, m in got["cases"].items():
                    for k in kinds:
                        times[name][case][k].append(m[k])
                    digests[name].add(f"{case}:{m['digest']}")
            print(f"round {r + 1}/{args.repeat} done", file=sys.stderr)
    with open("/proc/loadavg") as fh:
        load_end = fh.read().split()[0]

    print(
        f"assess, gen4, {args.lines:,} lines / {args.people:,} people; "
        f"median of {args.repeat} interleaved rounds (best of {args.inner} each); "
        f"load {load_start} → {load_end}"
    )
    print(f"  before: {trees['before']}\n  after:  {trees['after']}")
    head = f"{'case':<13}{'before wall':>13}{'after wall':>12}{'ratio':>8}"
    head += f"{'before CPU':>13}{'after CPU':>12}{'ratio':>8}"
    print(head)
    for case in args.cases:
        b, a = times["before"][case], times["after"][case]
        bw, aw = statistics.median(b["wall"]), statistics.median(a["wall"])
        bc, ac = statistics.median(b["cpu"]), statistics.median(a["cpu"])
        print(
            f"{case:<13}{bw:>11.3f} s{aw:>10.3f} s{aw / bw:>8.3f}"
            f"{bc:>11.3f} s{ac:>10.3f} s{ac / bc:>8.3f}"
        )
    print(
        "user and system CPU (medians of each run's best): a run's system time is mostly the "
        "kernel mapping fresh heap pages, which varies with where the allocator put things"
    )
    for case in args.cases:
        b, a = times["before"][case], times["after"][case]
        bu, au = statistics.median(b["user"]), statistics.median(a["user"])
        bs, as_ = statistics.median(b["system"]), statistics.median(a["system"])
        print(
            f"  {case:<11} user {bu:.3f} → {au:.3f} s ({au / bu:.3f}), "
            f"system {bs:.3f} → {as_:.3f} s"
        )
    for case in args.cases:
        b, a = times["before"][case]["wall"], times["after"][case]["wall"]
        print(f"  {case} wall, before: {' '.join(f'{x:.3f}' for x in b)}")
        print(f"  {case} wall, after:  {' '.join(f'{x:.3f}' for x in a)}")
    print(
        f"peak RSS (median MiB): before {statistics.median(peaks['before']):,.0f}, "
        f"after {statistics.median(peaks['after']):,.0f}"
    )
    same = digests["before"] == digests["after"] and len(digests["after"]) == len(args.cases)
    differ = sorted(digests["before"] ^ digests["after"])
    print("results:", "identical" if same else f"DIFFER {differ}")
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
