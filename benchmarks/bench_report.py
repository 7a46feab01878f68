"""How long ``silson check`` and ``silson report`` take on a big export, and their peak memory.

    .venv/bin/python benchmarks/bench_report.py [--lines 1000000] [--people 10000]
        [--seed 12] [--only check|report] [--keep DIR]

Writes a synthetic receipt export (Korean headers, UTF-8, a year of care for ``--people``
people; fixed ``--seed``) into a temporary folder, then runs the installed command in a
fresh process, as a person would, and reports for each run the wall time and the peak
resident memory of that process (``os.wait4``'s ``ru_maxrss``), with its CPU time (the
machine may be shared: wall time then includes waiting for a core):

1. ``silson check FILE`` (read, validate, summarise; output to a pipe), and
2. ``silson report FILE --policy gen4 --start 2024-03-01 --out DIR`` (read, assess under
   the chosen policy and every generation for the comparison, render Markdown, three PNG
   charts and ``assessed_lines.csv``).

Targets: report ≤ 60 s and ≤ 2 GB peak for 1,000,000 lines and 10,000 people, with charts
whose pixel size does not grow with the number of people (printed for each PNG).
"""

from __future__ import annotations

import argparse
import os
import struct
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
TIERS = np.array(["의원", "병원", "종합병원", "상급종합병원"])
CATEGORIES = np.array(["일반"] * 5 + ["도수치료", "체외충격파", "주사", "MRI"])


def write_csv(path: Path, lines: int, people: int, seed: int) -> Path:
    """A synthetic export: 60% outpatient, 35% pharmacy, 5% inpatient lines over 2024."""
    rng = np.random.default_rng(seed)
    kind = rng.choice(3, size=lines, p=[0.6, 0.35, 0.05])  # 외래, 약국, 입원
    setting = np.array(["외래", "약국", "입원"])[kind]
    tier = np.where(kind == 1, "약국", TIERS[rng.integers(0, 4, size=lines)])
    category = np.where(kind == 0, CATEGORIES[rng.integers(0, len(CATEGORIES), size=lines)], "일반")
    days = np.where(kind == 2, rng.integers(1, 15, size=lines).astype(str), "")
    day = np.datetime64("2024-01-01") + rng.integers(0, 366, size=lines)
    person = np.char.add("사람", rng.integers(0, people, size=lines).astype(str))
    copay = rng.integers(100, 30_000, size=lines) * 10
    copay = np.where(kind == 2, copay * 20, copay)
    noncovered = np.where(rng.random(lines) < 0.4, rng.integers(1, 2_000, size=lines) * 100, 0)
    institution = np.char.add("병원", rng.integers(0, 300, size=lines).astype(str))
    zero = np.zeros(lines, dtype=int).astype(str)
    columns = [
        person,
        day.astype(str),
        setting,
        tier,
        institution,
        category,
        days,
        copay.astype(str),
        (copay * 2).astype(str),
        zero,
        noncovered.astype(str),
        zero,
    ]
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADERS + "\n")
        step = 100_000
        for start in range(0, lines, step):
            block = [c[start : start + step] for c in columns]
            out.write("".join(",".join(row) + "\n" for row in zip(*block, strict=True)))
    return path


def timed(command: list[str]) -> tuple[float, float, float, int, str]:
    """Run ``command``; return (wall seconds, CPU seconds, peak RSS in MB, exit status,
    stderr tail). CPU time (user + system) says what the work costs on a shared machine."""
    env = {**os.environ, "MPLBACKEND": "Agg"}
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        tail = err.read().decode("utf-8", "replace")[-2000:]
    cpu = usage.ru_utime + usage.ru_stime
    return seconds, cpu, usage.ru_maxrss / 1024, proc.returncode, tail  # maxrss: KiB (Linux)


def png_size(path: Path) -> tuple[int, int]:
    """Width and height in pixels from the PNG header (IHDR)."""
    width, height = struct.unpack(">II", path.read_bytes()[16:24])
    return width, height


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--only", choices=("check", "report"))
    parser.add_argument("--keep", type=Path, help="write the CSV and report here (kept)")
    args = parser.parse_args(argv)
    silson = Path(sys.executable).with_name("silson")
    command = (
        [str(silson)] if silson.exists() else [sys.executable, "-m", "silson_tools.report.cli"]
    )
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        path = write_csv(folder / "big.csv", args.lines, args.people, args.seed)
        print(
            f"{args.lines:,} lines, {args.people:,} people, seed {args.seed}: "
            f"{path.stat().st_size / 1e6:.1f} MB UTF-8 CSV (written in "
            f"{time.perf_counter() - t0:.1f} s)"
        )
        failed = 0
        if args.only != "report":
            seconds, cpu, peak, code, err = timed([*command, "check", str(path)])
            print(
                f"  silson check   {seconds:6.1f} s (CPU {cpu:5.1f} s)  peak {peak:6.0f} MB"
                f"  exit {code}"
            )
            failed += code != 0
        if args.only != "check":
            out = folder / "report"
            run = [*command, "report", str(path), "--policy", "gen4", "--start", "2024-03-01"]
            seconds, cpu, peak, code, err = timed([*run, "--out", str(out), "--force"])
            print(
                f"  silson report  {seconds:6.1f} s (CPU {cpu:5.1f} s)  peak {peak:6.0f} MB"
                f"  exit {code}"
            )
            failed += code != 0
            if code == 0:
                for png in sorted(out.glob("*.png")):
                    width, height = png_size(png)
                    print(f"    {png.name:16s} {width} × {height} px")
                for name in ("report.md", "assessed_lines.csv", "people.csv"):
                    print(f"    {name:16s} {(out / name).stat().st_size / 1e6:.1f} MB")
                ok = seconds <= 60 and peak <= 2048
                print("  target report <= 60 s and <= 2 GB:", "met" if ok else "NOT met")
            else:
                print(err, file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
