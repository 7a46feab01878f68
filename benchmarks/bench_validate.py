"""How long validating a SMALL receipt frame takes (what every property test pays).

    .venv/bin/python benchmarks/bench_validate.py [--repeat 200] [--against REV]

Frames of 3 and 30 lines are drawn with a fixed seed the way ``tests/test_claims.py``'s
``receipts`` strategy draws them (canonical column names, ``str`` text columns, dates as
``datetime.date`` objects, int64 amounts, visit keys and institutions), plus each of them
written as people write them (Korean headers and values, amounts as ``"12,000원"``) and
one bad frame (a 약국 tier on a 외래 line and an unknown 진료구분: a ReceiptError).

Timed, best of ``--repeat`` (the machine is shared: the fastest run is the one least
disturbed): ``ReceiptLines._check_frame(frame, defer_text=True)`` (what ``assess`` pays
for validation) and ``ReceiptLines.from_frame`` (validation and the frame built).

``--against REV`` also times the package as it was at git revision ``REV`` (exported with
``git archive`` into a temporary folder, run in a child process with that folder first on
``sys.path``), the old and the current code alternating, and prints both side by side.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = ("inpatient", "outpatient", "outpatient", "pharmacy")
HOSPITAL_TIERS = ("clinic", "hospital", "general_hospital", "tertiary")
PERSONS = ("가", "가", "가", "나")
INSTITUTIONS = ("", "", "A의원", "B병원", "C약국")
VISITS = ("", "", "a", "b")
CATS = ("", "", "", "manual_therapy", "shockwave", "prolotherapy", "injection", "mri")
AMOUNTS = (0, 0, 1, 5_000, 8_000, 10_000, 15_000, 20_000, 30_000, 50_000, 100_000, 200_000)
KOREAN = {
    "person": "이름", "date": "진료일자", "institution": "병원명", "visit": "방문묶음",
    "setting": "진료구분", "tier": "요양기관종류", "covered_copay": "본인부담금",
    "full_copay": "전액본인부담", "noncovered": "비급여", "nhis_paid": "공단부담금",
    "over_ceiling": "상한액초과금", "days": "입원일수", "category": "항목",
}  # fmt: skip
KOREAN_VALUES = {
    "inpatient": "입원", "outpatient": "외래", "pharmacy": "약국", "clinic": "의원",
    "hospital": "병원", "general_hospital": "종합병원", "tertiary": "상급종합병원",
    "manual_therapy": "도수치료", "shockwave": "체외충격파", "prolotherapy": "증식치료",
    "injection": "주사", "mri": "MRI",
}  # fmt: skip


def drawn(lines: int, seed: int) -> pd.DataFrame:
    """A frame as the claims property test draws it (one 입원 line per person at most, so
    no stay bills a day twice; pharmacy lines keyless: no visit key asks which 통원)."""
    rng = np.random.default_rng(seed)
    rows = []
    inpatient: set[str] = set()
    for _ in range(lines):
        setting = str(rng.choice(SETTINGS))
        person = str(rng.choice(PERSONS))
        if setting == "inpatient" and person in inpatient:
            setting = "outpatient"
        inpatient |= {person} if setting == "inpatient" else set()
        tier = "pharmacy" if setting == "pharmacy" else str(rng.choice(HOSPITAL_TIERS))
        cc = int(rng.choice(AMOUNTS))
        date = dt.date(2025, 1, 1) + dt.timedelta(days=7 * int(rng.integers(-8, 7)))
        visit = str(rng.choice(VISITS)) if setting != "pharmacy" else ""
        rows.append({
            "person": person, "date": date, "institution": str(rng.choice(INSTITUTIONS)),
            "visit": f"{person}{date}{visit}" if visit else "", "setting": setting,
            "tier": tier, "covered_copay": cc, "full_copay": int(rng.choice((0, 0, 3_000))),
            "noncovered": int(rng.choice(AMOUNTS)), "nhis_paid": cc * 2,
            "over_ceiling": cc // 2 if rng.random() < 0.25 else 0,
            "days": int(rng.integers(1, 13)) if setting == "inpatient" else 0,
            "category": "" if setting != "outpatient" else str(rng.choice(CATS)),
        })  # fmt: skip
    keys = {(r["person"], r["date"], r["institution"]) for r in rows if r["visit"]}
    for r in rows:  # a keyless 외래 line beside keys at its place: give it one (as asked)
        place = (r["person"], r["date"], r["institution"])
        if r["setting"] == "outpatient" and not r["visit"] and place in keys:
            r["visit"] = f"{r['person']}{r['date']}a"
    return pd.DataFrame(rows)


def written(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as people write it: Korean headers and values, amounts as won text."""
    out = {}
    for column, values in frame.items():
        if column == "days":
            out[KOREAN[column]] = [f"{v}일" if v else "" for v in values]
        elif values.dtype.kind == "i":
            out[KOREAN[column]] = [f"{v:,}원" for v in values]
        elif column == "date":
            out[KOREAN[column]] = [d.strftime("%Y.%m.%d") for d in values]
        else:
            out[KOREAN[column]] = [KOREAN_VALUES.get(v, v) for v in values]
    return pd.DataFrame(out)


def bad(frame: pd.DataFrame) -> pd.DataFrame:
    """Two problems: a 약국 tier on a 외래 line, and a 진료구분 nobody knows."""
    out = frame.copy()
    first = int(np.flatnonzero(out["setting"] == "outpatient")[0])
    out.loc[first, "tier"] = "pharmacy"
    out.loc[len(out) - 1, "setting"] = "치과"
    return out


def frames() -> dict[str, pd.DataFrame]:
    three, thirty = drawn(3, seed=3), drawn(30, seed=30)
    return {
        "3 lines": three,
        "30 lines": thirty,
        "3 lines written": written(three),
        "30 lines written": written(thirty),
        "30 lines bad": bad(thirty),
    }


def best(call: Callable[[], object], repeat: int) -> float:
    """Fastest of ``repeat`` calls, in ms."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times) * 1e3


def measure(repeat: int) -> dict[str, dict[str, float]]:
    """{frame name: {"check": ms, "from_frame": ms}} in this process."""
    from silson_tools.errors import ReceiptError
    from silson_tools.receipts.lines import ReceiptLines

    def quiet(call: Callable[[], object]) -> Callable[[], object]:
        def run() -> object:
            try:
                return call()
            except ReceiptError:
                return None

        return run

    out = {}
    for name, frame in frames().items():
        check = quiet(lambda f=frame: ReceiptLines._check_frame(f, None, None, (), True))
        make = quiet(lambda f=frame: ReceiptLines.from_frame(f))
        for _ in range(10):  # warm: imports, caches, the alias table
            check(), make()
        out[name] = {"check": best(check, repeat), "from_frame": best(make, repeat)}
    return out


def _old_tree(rev: str, into: Path) -> Path:
    """``silson_tools`` as it was at ``rev``, unpacked under ``into``."""
    data = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "silson_tools"],
                          check=True, capture_output=True).stdout  # fmt: skip
    with tarfile.open(fileobj=BytesIO(data)) as tar:
        tar.extractall(into, filter="data")
    return into


def _child(path: Path | None, repeat: int) -> dict[str, dict[str, float]]:
    env = dict(os.environ)
    if path is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(path), env.get("PYTHONPATH", "")]).rstrip(":")
    cmd = [sys.executable, __file__, "--child", "--repeat", str(repeat)]
    done = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env)
    return json.loads(done.stdout.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--against", help="a git revision to time side by side")
    parser.add_argument("--rounds", type=int, default=3, help="alternations with --against")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        import silson_tools

        result = measure(args.repeat)
        result["_where"] = {"path": str(Path(silson_tools.__file__).parent)}  # type: ignore[dict-item]
        print(json.dumps(result))
        return
    print(f"load average {os.getloadavg()[0]:.2f}; best of {args.repeat} calls, ms")
    if not args.against:
        for name, t in measure(args.repeat).items():
            print(f"{name:>18}: _check_frame {t['check']:7.3f}   from_frame {t['from_frame']:7.3f}")
        return
    with tempfile.TemporaryDirectory() as tmp:
        old_path = _old_tree(args.against, Path(tmp))
        old: dict[str, dict[str, float]] = {}
        new: dict[str, dict[str, float]] = {}
        for _ in range(args.rounds):
            for side, path in ((old, old_path), (new, None)):
                got = _child(path, args.repeat)
                where = got.pop("_where")["path"]
                if path is not None and not where.startswith(str(path)):
                    raise SystemExit(f"the old tree was not imported: {where}")
                for name, t in got.items():
                    for k, v in t.items():
                        side.setdefault(name, {})[k] = min(v, side.get(name, {}).get(k, v))
    print(f"load average after {os.getloadavg()[0]:.2f}; {args.against} → working tree")
    print(f"{'':>18}  {'_check_frame (old → new)':>28}  {'from_frame (old → new)':>28}")
    for name in new:
        o, n = old[name], new[name]
        print(
            f"{name:>18}: {o['check']:7.3f} → {n['check']:7.3f} ({o['check'] / n['check']:4.1f}×)"
            f"   {o['from_frame']:7.3f} → {n['from_frame']:7.3f}"
            f" ({o['from_frame'] / n['from_frame']:4.1f}×)"
        )


if __name__ == "__main__":
    main()
