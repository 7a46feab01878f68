"""Several clinics on one day (4/5세대): which 외래/약국 lines are one 통원.

The rule cases (tests/cases/gen4, gen5) check the arithmetic; here: the visit key column
(방문묶음) as a receipt reads it, and the pharmacy rule's fallbacks in the engine.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from silson_tools import assess
from silson_tools.errors import ReceiptError
from silson_tools.receipts import read_receipts

HEADER = "이름,진료일자,진료구분,요양기관종류,병원명,방문묶음,본인부담금,비급여"


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def test_visit_key_column_is_read_as_text(tmp_path: Path) -> None:
    lines = read_receipts(
        write(
            tmp_path / "ok.csv",
            [
                "지훈,2024-03-05,외래,의원,A의원,감기,8000,0",
                "지훈,2024-03-05,외래,종합병원,B병원,감기,30000,0",
                "지훈,2024-03-06,외래,의원,A의원,,8000,0",
            ],
        )
    )
    assert lines["visit"].tolist() == ["감기", "감기", ""]
    got = assess(lines, "gen4", policy_start="2024-01-01")
    assert got["deductible"].tolist()[:2] == [4_211, 15_789]  # one 통원, the 2만원 minimum


def test_visit_key_on_another_day_names_row_column_and_value(tmp_path: Path) -> None:
    path = write(
        tmp_path / "bad.csv",
        [
            "지훈,2024-03-05,외래,의원,A의원,감기,8000,0",
            "지훈,2024-03-06,외래,의원,B의원,감기,8000,0",
            "영숙,2024-03-05,외래,의원,A의원,감기,8000,0",
        ],
    )
    with pytest.raises(ReceiptError) as info:
        read_receipts(path)
    problems = info.value.problems
    assert [(p.row, p.value) for p in problems] == [(3, "감기"), (4, "감기")]
    assert all("방문묶음" in str(p.column) for p in problems)


def frame(rows: list[tuple[str, str, str, int]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            dict(date="2024-03-04", setting=s, tier=t, institution=i, covered_copay=c, noncovered=0)
            for s, t, i, c in rows
        ]
    )


def test_unnamed_pharmacy_joins_the_highest_tier_visit_of_the_day() -> None:
    got = assess(
        frame(
            [
                ("outpatient", "clinic", "A의원", 30_000),
                ("outpatient", "general", "B병원", 30_000),
                ("pharmacy", "pharmacy", "C약국", 10_000),  # names no 외래 institution
            ]
        ),
        "gen4",
        policy_start="2024-01-01",
    )
    # A: max(1만, 6,000) = 10,000; B + 약국: 40,000, max(2만, 8,000) = 20,000 shared 3:1
    assert got["deductible"].tolist() == [10_000, 15_000, 5_000]


def test_lone_pharmacy_line_keeps_its_own_tier() -> None:
    got = assess(
        frame([("pharmacy", "general", "", 30_000), ("pharmacy", "pharmacy", "", 30_000)]),
        "gen4",
        policy_start="2024-01-01",
    )
    # no 외래 that day, no names: the two 약국 lines are one 통원 (as before), the receipt's
    # tier 종합병원 on one of them gives the 2만원 minimum: max(2만, 12,000)
    assert got["deductible"].sum() == 20_000


def test_lines_without_institution_are_one_visit_per_day() -> None:
    got = assess(
        frame([("outpatient", "clinic", "", 8_000), ("pharmacy", "pharmacy", "", 6_000)]),
        "gen4",
        policy_start="2024-01-01",
    )
    assert got["deductible"].sum() == 10_000 and got["payout"].sum() == 4_000


def test_visit_unit_is_product_data() -> None:
    from silson_tools import load_policy
    from silson_tools.errors import RuleDataError

    units = {p.name: p.settings["outpatient"].visit_unit for p in load_policy("gen5").parts
             if "outpatient" in p.settings}  # fmt: skip
    assert units == {"covered": "institution", "noncovered": "day", "severe": "institution"}
    bad = {"value": "week", "confidence": "B", "source": "fss-4g-terms"}
    with pytest.raises(RuleDataError, match="visit_unit"):
        load_policy("gen4", covered__outpatient__visit_unit=bad)
    day = dict(bad, value="day")
    rows = [("outpatient", "clinic", "A의원", 30_000), ("outpatient", "clinic", "B의원", 30_000)]
    per_day = assess(frame(rows), load_policy("gen4", covered__outpatient__visit_unit=day),
                     policy_start="2024-01-01")  # fmt: skip
    kept = per_day["deductible"].sum() + per_day["rate_part"].sum()
    assert kept == 12_000  # one 통원: max(1만, 20% × 60,000); per institution 2 × 1만
