"""A compared product that refuses a line says that line's own reason and place under the
comparison table (a 5세대 column refused for an impossible 출산예정일 was said to lack ②)."""

from __future__ import annotations

from pathlib import Path

from silson_tools.receipts import read_receipts
from silson_tools.report import build_report
from silson_tools.report.summary import NHIS_MISSING

HEAD = "이름,진료일,진료구분,요양기관종류,병원명,입원일수,본인부담금,공단부담금,비급여,상병코드"


def _report(tmp_path: Path, line: str, head: str = HEAD):
    path = tmp_path / "r.csv"
    path.write_text(f"{head}\n{line}\n", encoding="utf-8")
    return build_report(read_receipts(path), "gen4", "2026-01-01", charts=False)


def test_an_impossible_due_date_is_named_not_a_missing_nhis(tmp_path: Path) -> None:
    # ② is 900,000 on the only line; its 출산예정일 is more than 140 days after the birth
    rep = _report(
        tmp_path,
        "나래,2026-07-20,입원,병원,다라병원,3,300000,900000,0,O80.0,2027-06-01",
        HEAD + ",출산예정일",
    )
    why = rep.comparison.attrs["skipped"]["gen5"]
    assert NHIS_MISSING not in why
    assert "row 2 (K열 '출산예정일')" in why


def test_a_missing_due_date_names_its_rows(tmp_path: Path) -> None:
    rep = _report(tmp_path, "나래,2026-07-20,외래,병원,다라병원,0,30000,70000,0,O26.8")
    why = rep.comparison.attrs["skipped"]["gen5"]
    assert "출산예정일" in why and why.endswith("row 2")


def test_a_missing_nhis_is_still_said_so(tmp_path: Path) -> None:
    rep = _report(tmp_path, "나래,2026-07-20,외래,병원,다라병원,0,30000,0,0,J00")
    assert rep.comparison.attrs["skipped"]["gen5"].endswith(NHIS_MISSING)
