"""How long reading, validating and assessing receipts take.

    .venv/bin/python benchmarks/bench_receipts.py [--lines 100000] [--repeat 5]
        [--frame-lines 1000000] [--read-lines 1000000] [--only file|frame|read]

**Read** (``--read-lines``, target ≤ 5 s for 1,000,000 lines): ``read_receipts`` alone on
CSVs of that many lines: clean UTF-8, clean cp949, one with a delimiter at the end of every
line (each record one field longer than the header: the field count of every record is
checked), and one typed by hand (quoted ``"12,000원"``/``"₩ 12,000"`` amounts, ``₩ -`` and
blank cells for zero). Wall time (median of ``--repeat``) and the process's CPU time: on a
shared machine the wall time includes waiting for a core.

**File** (``--lines``): writes a synthetic CSV (Korean headers, cp949 or UTF-8, 1,000 people,
a year of care; fixed seed) into a temporary folder, then times

1. ``read_receipts`` (decode, map headers, validate every cell),
2. ``assess`` under ``gen4`` with a policy start date,
3. both together in this process (imports done), and
4. a fresh Python process that imports silson_tools, reads and assesses (what a person
   waits for), once.

Target: read + assess ≤ 2 s for 100,000 lines.

**Frame** (``--frame-lines``): ``ReceiptLines.from_frame`` on DataFrames built in code, as
the engine gets them: already clean (int64 amounts, datetime64 dates, canonical codes) with
the text columns as pandas ``str``, as ``object`` or as ``category``; the same with only the
required columns; cells as people write them (Korean values, won text, as ``pd.read_csv``
with ``dtype=str`` gives); and ``as_receipt_lines`` on lines already validated. Budget:
about 0.1 s per million clean lines.

Prints the median (and the fastest) of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

HEADERS = (
    "이름,진료일자,진료구분,요양기관종류,병원명,항목,입원일수,"
    "본인부담금,공단부담금,전액본인부담,비급여,상한액초과금"
)
TIERS = np.array(["의원급", "병원급", "종합병원", "상급종합병원"])
CATEGORIES = np.array(["일반", "일반", "", "", "", "도수치료", "체외충격파", "주사", "MRI"])
"""General care written 일반 or left blank (a blank under a 도수치료 line of the same person
and institution on another day is refused as ambiguous, so write_csv writes 일반 there)."""


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
    # each stay at a hospital of its own: random stays at shared names overlap, which the
    # reader refuses as days billed twice
    institution = np.where(kind == 2, np.char.add("입원병원", np.arange(lines).astype(str)),
                           institution)  # fmt: skip
    category = _general_where_ambiguous(person, institution, day, category)
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


def _general_where_ambiguous(
    person: np.ndarray, institution: np.ndarray, day: np.ndarray, category: np.ndarray
) -> np.ndarray:
    """Blank 항목 → 일반 where the loader would find it ambiguous (the nearest 항목 above is a
    treatment, same person and institution, another day)."""
    filled = category != ""
    index = np.arange(len(category))
    above = np.maximum.accumulate(np.where(filled, index, -1))
    prior = np.concatenate([[-1], above[:-1]])
    has = prior >= 0
    src = np.where(has, prior, 0)
    ambiguous = (
        ~filled & has & ~np.isin(category[src], ["일반"]) & (person[src] == person)
        & (institution[src] == institution) & (day[src] != day)
    )  # fmt: skip
    return np.where(ambiguous, "일반", category)


def write_typed(path: Path, lines: int, seed: int = 7) -> Path:
    """The synthetic export with amounts as people type them (quoted, ₩, blank, ₩ -)."""
    write_csv(path, lines, seed=seed)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    rng = np.random.default_rng(seed)
    for column in ("본인부담금", "비급여"):
        won = frame[column].astype(np.int64)
        form = rng.integers(0, 4, size=len(frame))
        typed = np.where(form == 0, won.map("{:,}원".format), won.map("₩ {:,}".format))
        typed = np.where(form == 2, won.astype(str), typed)
        typed = np.where((won == 0) & (form == 3), "", typed)
        typed = np.where((won == 0) & (form == 1), " ₩ -   ", typed)
        frame[column] = typed
    frame.to_csv(path, index=False)
    return path


def bench_read(lines: int, repeat: int) -> None:
    """``read_receipts`` alone on 1M-line CSVs (see the module docstring)."""
    from silson_tools.receipts import read_receipts

    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        files = {
            "clean, UTF-8": write_csv(base / "utf8.csv", lines, encoding="utf-8"),
            "clean, cp949": write_csv(base / "cp949.csv", lines, encoding="cp949"),
            "typed by hand (quoted won, ₩ -, blanks)": write_typed(base / "typed.csv", lines),
        }
        trailing = base / "trailing.csv"
        text = files["clean, UTF-8"].read_text("utf-8").splitlines()
        trailing.write_text("\n".join([text[0], *(t + "," for t in text[1:])]) + "\n", "utf-8")
        files["a delimiter at the end of every line"] = trailing
        print(f"read_receipts, {lines:,} lines; median (fastest) of {repeat}, CPU seconds")
        for label, path in files.items():
            read_receipts(path)  # warm caches
            walls, cpus = [], []
            for _ in range(repeat):
                t0, c0 = time.perf_counter(), time.process_time()
                read = read_receipts(path)
                walls.append(time.perf_counter() - t0)
                cpus.append(time.process_time() - c0)
            assert len(read) == lines
            size = path.stat().st_size / 1e6
            print(
                f"  {label:42s} {size:5.0f} MB {_median(walls):6.2f} s ({min(walls):.2f} s), "
                f"CPU {_median(cpus):.2f} s"
            )
        print("  target: <= 5 s for 1,000,000 lines")


def _median(times: list[float]) -> float:
    return statistics.median(times)


def clean_frame(lines: int, seed: int = 7) -> pd.DataFrame:
    """Canonical columns, already clean, text as ``object`` (what code builds)."""
    rng = np.random.default_rng(seed)
    kind = rng.choice(3, size=lines, p=[0.6, 0.35, 0.05])
    tiers = np.array(["clinic", "hospital", "general", "tertiary"], dtype=object)
    categories = np.array(["", "", "", "", "", "manual_therapy", "shockwave", "mri"], object)
    copay = rng.integers(100, 30_000, size=lines) * 10
    noncovered = np.where(rng.random(lines) < 0.4, rng.integers(1, 2_000, size=lines) * 100, 0)
    return pd.DataFrame(
        {
            "person": np.array([f"p{i}" for i in range(1000)], object)[
                rng.integers(0, 1000, size=lines)
            ],
            "date": (np.datetime64("2024-01-01") + rng.integers(0, 366, size=lines)).astype(
                "datetime64[us]"
            ),
            "setting": np.array(["outpatient", "pharmacy", "inpatient"], object)[kind],
            "tier": np.where(kind == 1, "pharmacy", tiers[rng.integers(0, 4, size=lines)]).astype(
                object
            ),
            "covered_copay": np.where(kind == 2, copay * 20, copay),
            "full_copay": np.zeros(lines, dtype=np.int64),
            "noncovered": noncovered,
            "nhis_paid": copay * 2,
            "over_ceiling": np.zeros(lines, dtype=np.int64),
            "days": np.where(kind == 2, rng.integers(1, 15, size=lines), 0),
            "institution": np.array([f"병원{i}" for i in range(300)], object)[
                rng.integers(0, 300, size=lines)
            ],
            "category": np.where(
                kind == 0, categories[rng.integers(0, len(categories), size=lines)], ""
            ).astype(object),
        }
    )


def _time(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    fn()  # warm caches
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return _median(times), min(times)


def bench_frames(lines: int, repeat: int) -> None:
    """``from_frame`` on frames built in code (see the module docstring)."""
    from silson_tools.receipts import ReceiptLines, as_receipt_lines

    text = ["person", "setting", "tier", "institution", "category"]
    objects = clean_frame(lines)
    as_str = objects.astype({c: "str" for c in text})
    as_category = objects.astype({c: "category" for c in text})
    required = as_category[["date", "setting", "tier", "covered_copay", "noncovered"]]
    spoken = pd.DataFrame(
        {
            "진료일자": objects["date"].dt.strftime("%Y.%m.%d"),
            "진료구분": objects["setting"].map(
                {"outpatient": "외래", "pharmacy": "약국", "inpatient": "입원"}
            ),
            "요양기관종류": objects["tier"].map(
                {
                    "clinic": "의원",
                    "hospital": "병원",
                    "general": "종합병원",
                    "tertiary": "상급종합",
                    "pharmacy": "약국",
                }
            ),
            "본인부담금": objects["covered_copay"].map("{:,}원".format),
            "비급여": objects["noncovered"].astype(str),
        }
    )
    validated = ReceiptLines.from_frame(as_str)
    cases: list[tuple[str, Callable[[], object]]] = [
        ("clean, text as str (as read_receipts gives)", lambda: ReceiptLines.from_frame(as_str)),
        ("clean, text as object", lambda: ReceiptLines.from_frame(objects)),
        ("clean, text as category", lambda: ReceiptLines.from_frame(as_category)),
        (
            "clean, only the 5 required columns (category)",
            lambda: ReceiptLines.from_frame(required),
        ),
        ("as people write (Korean values, won text)", lambda: ReceiptLines.from_frame(spoken)),
        ("as_receipt_lines(already validated)", lambda: as_receipt_lines(validated)),
    ]
    print(f"ReceiptLines.from_frame, {lines:,} lines; median (fastest) of {repeat}")
    for label, fn in cases:
        median, fastest = _time(fn, repeat)
        print(f"  {label:48s} {median:7.3f} s ({fastest:.3f} s)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--frame-lines", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--encoding", default="cp949", choices=("utf-8", "cp949"))
    parser.add_argument("--read-lines", type=int, default=1_000_000)
    parser.add_argument("--only", choices=("file", "frame", "read"))
    args = parser.parse_args(argv)
    if args.only in (None, "read"):
        bench_read(args.read_lines, args.repeat)
    if args.only in (None, "frame"):
        bench_frames(args.frame_lines, args.repeat)
    if args.only in (None, "file"):
        bench_file(args)


def bench_file(args: argparse.Namespace) -> None:
    """Read and assess a synthetic CSV (see the module docstring)."""
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
