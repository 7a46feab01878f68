"""How long reading and assessing a 100,000-line receipt CSV takes, end to end.

    .venv/bin/python benchmarks/bench_receipts.py [--lines 100000] [--repeat 5]

Writes a synthetic CSV (Korean headers, cp949 or UTF-8, 1,000 people, a year of care; fixed
seed) into a temporary folder, then times

1. ``read_receipts`` (decode, map headers, validate every cell),
2. ``assess`` under ``gen4`` with a policy start date,
3. both together in this process (imports done), and
4. a fresh Python process that imports silson_tools, reads and assesses (what a person
   waits for), once.

Prints the median of ``--repeat`` runs for 1–3. Target (issue 4): read + assess ≤ 2 s.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HEADERS = (
    "이름,진료일자,진료구분,요양기관종류,병원명,항목,입원일수,"
    "본인부담금,공단부담금,전액본인부담,비급여,상한액초과금"
)
TIERS = np.array(["의원급", "병원급", "종합병원", "상급종합병원"])
CATEGORIES = np.array(["", "", "", "", "", "도수치료", "체외충격파", "주사", "MRI"])


def write_csv(path: Path, lines: int, seed: int = 7, encoding: str = "utf-8") -> Path:
    """A synthetic export: outpatient, pharmacy and inpatient lines for 1,000 people."""
    rng = np.random.default_rng(seed)
    kind = rng.choice(3, size=lines, p=[0.6, 0.35, 0.05])  # 외래, 약국, 입원
    setting = np.array(["외래", "약국", "입원"])[kind]
    tier = np.where(kind == 1, "약국", TIERS[rng.integers(0, 4, size=lines)])
    category = np.where(kind == 0, CATEGORIES[rng.integers(0, len(CATEGORIES), size=lines)], "")
    days = np.where(kind == 2, rng.integers(1, 15, size=lines).astype(str), "")
    day = np.datetime64("2024-01-01") + rng.integers(0, 366, size=lines)
    person = np.char.add("p", rng.integers(0, 1000, size=lines).astype(str))
    copay = rng.integers(100, 30_000, size=lines) * 10
    copay = np.where(kind == 2, copay * 20, copay)
    nhis = copay * 2
    noncovered = np.where(rng.random(lines) < 0.4, rng.integers(1, 2_000, size=lines) * 100, 0)
    institution = np.char.add("병원", rng.integers(0, 300, size=lines).astype(str))
    columns = [
        person,
        day.astype(str),
        setting,
        tier,
        institution,
        category,
        days,
        copay.astype(str),
        nhis.astype(str),
        np.zeros(lines, dtype=int).astype(str),
        noncovered.astype(str),
        np.zeros(lines, dtype=int).astype(str),
    ]
    rows = [",".join(cells) for cells in zip(*columns, strict=True)]
    path.write_bytes(("\n".join([HEADERS, *rows]) + "\n").encode(encoding))
    return path


def _median(times: list[float]) -> float:
    return statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--encoding", default="cp949", choices=("utf-8", "cp949"))
    args = parser.parse_args(argv)

    from silson_tools.engine import assess
    from silson_tools.receipts import read_receipts

    with tempfile.TemporaryDirectory() as folder:
        path = write_csv(Path(folder) / "big.csv", args.lines, encoding=args.encoding)
        size = path.stat().st_size
        read_times, assess_times, total_times = [], [], []
        frame = read_receipts(path)  # warm caches (alias table, policy file)
        assess(frame, "gen4", policy_start="2024-03-01")
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            frame = read_receipts(path)
            t1 = time.perf_counter()
            assessed = assess(frame, "gen4", policy_start="2024-03-01")
            t2 = time.perf_counter()
            read_times.append(t1 - t0)
            assess_times.append(t2 - t1)
            total_times.append(t2 - t0)
        assert len(assessed) == args.lines
        assert int((assessed["payout"] + assessed["self_pay"]).sum()) == int(
            (frame["covered_copay"] + frame["full_copay"] + frame["noncovered"]).sum()
        )
        script = (
            "import time; t=time.perf_counter(); from silson_tools import assess, read_receipts;"
            f"assess(read_receipts({str(path)!r}), 'gen4', policy_start='2024-03-01');"
            "print(time.perf_counter()-t)"
        )
        fresh = float(
            subprocess.run(
                [sys.executable, "-c", script], capture_output=True, text=True, check=True
            ).stdout
        )
    print(f"{args.lines:,} lines, {size / 1e6:.1f} MB {args.encoding} CSV; median of {args.repeat}")
    print(f"  read_receipts         {_median(read_times):6.3f} s")
    print(f"  assess (gen4)         {_median(assess_times):6.3f} s")
    print(
        f"  read + assess         {_median(total_times):6.3f} s  "
        f"({args.lines / _median(total_times):,.0f} lines/s)"
    )
    print(f"  fresh process (imports + read + assess)  {fresh:6.3f} s")
    print("  target: read + assess <= 2 s:", "met" if _median(total_times) <= 2 else "NOT met")


if __name__ == "__main__":
    main()
