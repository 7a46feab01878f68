"""How long the 본인부담상한제 offsets take on the small frames the property tests feed them,
this checkout's package against another revision's, side by side.

    .venv/bin/python benchmarks/bench_ceiling.py [--against REV] [--repeat 3]
        [--test-repeat 2] [--no-tests]

Each side is a copy of ``silson_tools`` in a temporary folder (``git archive REV`` for the
other revision, the working tree for this one) put first on ``sys.path`` of a fresh Python
process; the two sides alternate, and each figure is the fastest of its repeats (the
machine is shared: the load average before and after is printed).

**Per call** (ms, fastest of 5 × 200 calls in each process, after a warm-up call):

- ``spec lines``: ``CeilingSpec(decile={가: 3, 나: 5, 다: 10}).line_offsets`` on 20 validated
  외래 lines of three people over 2022–2024 (as tests/test_ceiling.py draws them);
- ``certain lines``: ``CertainRefund().line_offsets`` on 5 validated lines of one person, two
  of them 입원 stays across 31 December (as tests/test_review5_ceiling.py draws them);
- ``spec frame``: the first on the plain DataFrame (validation included);
- ``long stays``: ``long_stay_years`` on the second.

**Tests** (s, wall time of a pytest process on one test, imports included, and pytest's own
``passed in``): the three property tests that spent most of their time in the 상한제 code.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTS = (
    "tests/test_report_review3.py::test_every_decile_takes_at_least_the_certain_refund",
    "tests/test_review5_ceiling.py::test_the_certain_refund_never_exceeds_any_split",
    "tests/test_ceiling.py::test_line_offsets_match_the_row_by_row_oracle",
)

CALLS = r"""
import sys, time
sys.path.insert(0, sys.argv[1])
import numpy as np, pandas as pd
import silson_tools
assert silson_tools.__file__.startswith(sys.argv[1]), silson_tools.__file__
from silson_tools import ceiling
from silson_tools.ceiling import CeilingSpec, CertainRefund
from silson_tools.receipts import as_receipt_lines

rng = np.random.default_rng(1)
n = 20
days = pd.to_datetime("2022-01-01") + pd.to_timedelta(rng.integers(0, 3 * 365, n), "D")
outpatient = pd.DataFrame({
    "person": rng.choice(["가", "나", "다"], n), "date": days.astype("datetime64[us]"),
    "covered_copay": rng.integers(0, 300, n) * 10_000, "setting": "outpatient",
    "tier": "clinic", "noncovered": 0,
})
stays = pd.DataFrame({
    "person": "나", "date": pd.to_datetime(
        ["2022-05-02", "2023-03-02", "2023-12-01", "2022-12-10", "2024-02-01"]),
    "setting": ["outpatient", "inpatient", "inpatient", "inpatient", "outpatient"],
    "tier": ["tertiary", "hospital", "general", "hospital", "tertiary"],
    "days": [0, 2, 130, 40, 0], "covered_copay": [3, 2, 9, 5, 1], "noncovered": 0,
    "institution": [f"병원{i}" for i in range(5)],
})
stays["covered_copay"] *= 1_000_000
spec = CeilingSpec(decile={"가": 3, "나": 5, "다": 10})
lines, stay_lines = as_receipt_lines(outpatient), as_receipt_lines(stays)
cases = {
    "spec lines": lambda: spec.line_offsets(lines),
    "certain lines": lambda: CertainRefund().line_offsets(stay_lines),
    "spec frame": lambda: spec.line_offsets(outpatient),
    "long stays": lambda: ceiling.long_stay_years(stay_lines),
}
for name, call in cases.items():
    call()
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(200):
            call()
        best = min(best, (time.perf_counter() - start) / 200)
    print(f"{name}\t{best * 1e3:.3f}")
"""

PYTEST = (
    "import sys; sys.path.insert(0, sys.argv[1]); import pytest; "
    "sys.exit(pytest.main(['-q', '-p', 'no:cacheprovider', sys.argv[2]]))"
)


def _tree(rev: str | None, into: Path) -> Path:
    """A copy of ``silson_tools`` at ``rev`` (None: the working tree) under ``into``."""
    into.mkdir(parents=True)
    if rev is None:
        shutil.copytree(ROOT / "silson_tools", into / "silson_tools")
        return into
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev, "silson_tools"], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _calls(tree: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", CALLS, str(tree)], cwd=ROOT, check=True, capture_output=True,
        text=True,
    ).stdout  # fmt: skip
    return {k: float(v) for k, v in (line.split("\t") for line in out.splitlines())}


def _test(tree: Path, test: str) -> tuple[float, float]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", PYTEST, str(tree), test], cwd=ROOT, capture_output=True, text=True
    )
    wall = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"{test} failed with {tree}:\n{done.stdout[-2000:]}")
    said = re.search(r"passed in ([0-9.]+)s", done.stdout)
    return wall, float(said.group(1)) if said else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--against", default=None, help="the other revision (git)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--test-repeat", type=int, default=2)
    parser.add_argument("--no-tests", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        sides = {"this": _tree(None, Path(tmp) / "this")}
        if args.against:
            sides = {args.against: _tree(args.against, Path(tmp) / "other"), **sides}
        print(f"load before: {_load()}")
        calls: dict[str, dict[str, float]] = {side: {} for side in sides}
        for _ in range(args.repeat):
            for side, tree in sides.items():
                for name, ms in _calls(tree).items():
                    calls[side][name] = min(ms, calls[side].get(name, float("inf")))
        print("per call (ms, fastest)\t" + "\t".join(sides))
        for name in calls["this"]:
            print(f"  {name}\t" + "\t".join(f"{calls[s][name]:.3f}" for s in sides))
        if not args.no_tests:
            walls: dict[tuple[str, str], tuple[float, float]] = {}
            for _ in range(args.test_repeat):
                for test in TESTS:
                    for side, tree in sides.items():
                        got = _test(tree, test)
                        old = walls.get((side, test), (float("inf"), float("inf")))
                        walls[(side, test)] = (min(old[0], got[0]), min(old[1], got[1]))
            print("tests (s, fastest: process wall / pytest's 'passed in')\t" + "\t".join(sides))
            for test in TESTS:
                cells = [f"{walls[(s, test)][0]:.1f} / {walls[(s, test)][1]:.1f}" for s in sides]
                print(f"  {test.split('::')[-1]}\t" + "\t".join(cells))
        print(f"load after: {_load()}")


if __name__ == "__main__":
    main()
