"""요양병원 장기입원 (병원급 입원 120일 초과 in a calendar year, the higher 상한액): a day of a
stay counts once, however many receipt lines bill it. One receipt split into an 일반 line and
a 상급병실 line of one date and 입원일수, or a 퇴원 receipt that counts the 중간 receipt's last
day again, are the union of their days ``|∪ [date, date + 입원일수)|``, not the sum; touching
periods still add up. Figures by hand from data/ceiling.toml (2024: normal 5분위 1,670,000,
10분위 8,080,000; 요양병원 120일 초과 5분위 2,350,000, 10분위 10,500,000).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stays_apart import no_days_billed_twice

from silson_tools import ceiling
from silson_tools.ceiling import CeilingSpec, CertainRefund
from silson_tools.engine import assess
from silson_tools.receipts import read_receipts
from silson_tools.report.cli import main

HEAD = "이름,진료일자,진료구분,요양기관종류,병원명,항목,입원일수,본인부담금,비급여\n"


def _read(tmp_path: Path, body: str) -> pd.DataFrame:
    path = tmp_path / "stays.csv"
    path.write_text(HEAD + body, encoding="utf-8")
    return read_receipts(path)


# one 70-day receipt of a 요양병원 written as two lines: ① on the 일반 line, the 차액 on the other
SPLIT = (
    "나,2024-03-01,입원,병원,푸른요양병원,,70,9000000,0\n"
    "나,2024-03-01,입원,병원,푸른요양병원,상급병실,70,0,1400000\n"
)


def _stays(receipts: pd.DataFrame, whole: bool = False) -> list[list[object]]:
    out = ceiling.long_stay_years(receipts, whole=whole)
    return out[["person", "year", "days", "long_stay"]].values.tolist()


def test_a_split_receipt_counts_its_days_once(tmp_path: Path) -> None:
    receipts = _read(tmp_path, SPLIT)
    assert _stays(receipts) == [["나", 2024, 70, False]]  # the sum, 140, was a long stay
    # certain refund: 9,000,000 − the top normal 상한액 8,080,000 (long stay: 10,500,000 → 0)
    assert CertainRefund().line_offsets(receipts).tolist() == [920_000, 0]
    # 5분위: 9,000,000 − 1,670,000 (long stay: − 2,350,000 = 6,650,000)
    assert CeilingSpec(decile=5).line_offsets(receipts).tolist() == [7_330_000, 0]


def test_the_report_takes_the_normal_ceiling_for_a_split_receipt(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # as a person runs it: gen4 입원 급여 80% of (9,000,000 − 920,000) = 6,464,000, 상급병실
    # 50% of 1,400,000 = 700,000 (≤ 10만원 × 70일); before: offset 0, payout 7,900,000
    path = tmp_path / "stays.csv"
    path.write_text(HEAD + SPLIT, encoding="utf-8")
    out = tmp_path / "out"
    args = ["report", str(path), "--policy", "gen4", "--start", "2024-01-01", "--out", str(out)]
    assert main(args) == 0, capsys.readouterr().err
    got = pd.read_csv(out / "assessed_lines.csv")
    assert got["ceiling_offset"].tolist() == [920_000, 0]
    assert got["payout"].tolist() == [6_464_000, 700_000]
    assert (got["payout"] + got["self_pay"] == [9_000_000, 1_400_000]).all()


def test_lines_without_a_name_count_a_shared_receipt_once(tmp_path: Path) -> None:
    body = SPLIT.replace("푸른요양병원", "")
    assert _stays(_read(tmp_path, body)) == [["나", 2024, 70, False]]


def test_a_discharge_receipt_repeating_the_last_day_counts_it_once(tmp_path: Path) -> None:
    # 중간 3/1 70일 (3/1–5/9), 퇴원 5/9 51일 (5/9–6/28): 120 days, not 121 → not over 120
    body = (
        "나,2024-03-01,입원,병원,푸른요양병원,,70,4500000,0\n"
        "나,2024-05-09,입원,병원,푸른요양병원,,51,4500000,0\n"
    )
    receipts = _read(tmp_path, body)
    assert _stays(receipts) == [["나", 2024, 120, False]]
    assert CertainRefund().line_offsets(receipts).sum() == 9_000_000 - 8_080_000


@pytest.mark.parametrize(
    ("second", "days", "long_stay"),
    [
        ("나,2024-05-10,입원,병원,푸른요양병원,,60,4500000,0\n", 130, True),  # touching: 70 + 60
        ("나,2024-05-11,입원,병원,푸른요양병원,,60,4500000,0\n", 130, True),  # a day apart
        (
            "나,2024-05-09,입원,병원,하늘요양병원,,52,4500000,0\n",
            122,
            True,
        ),  # transfer: each bills 5/9
        ("나,2024-05-09,입원,병원,푸른 요양병원,,52,4500000,0\n", 121, True),  # one name, spaced
        ("나,2024-05-09,입원,종합병원,푸른요양병원,,60,4500000,0\n", 70, False),  # 종합병원 never
    ],
)
def test_stays_that_add_up_are_still_a_long_stay(
    tmp_path: Path, second: str, days: int, long_stay: bool
) -> None:
    receipts = _read(tmp_path, "나,2024-03-01,입원,병원,푸른요양병원,,70,4500000,0\n" + second)
    assert _stays(receipts) == [["나", 2024, days, long_stay]]
    # 9,000,000 under the long-stay top 10,500,000: nothing certain; else 920,000
    assert CertainRefund().line_offsets(receipts).sum() == (0 if long_stay else 920_000)


def test_a_split_receipt_across_the_year_end_counts_once_in_each_year(tmp_path: Path) -> None:
    # 2023-12-20 for 130 days, two lines: 12 days in 2023, 118 in 2024 (not 24 and 236); the
    # certain refund's whole count takes the stay's 130 days in each year, once
    body = SPLIT.replace("2024-03-01", "2023-12-20").replace(",70,", ",130,")
    receipts = _read(tmp_path, body)
    assert _stays(receipts) == [["나", 2023, 12, False], ["나", 2024, 118, False]]
    assert _stays(receipts, whole=True) == [["나", 2023, 130, True], ["나", 2024, 130, True]]


# --- every drawn set of stays against a day-by-day count ---------------------------------------

DAY0 = dt.date(2023, 11, 1)


@st.composite
def stays(draw: st.DrawFn) -> pd.DataFrame:
    """입원 lines of two people at two named places and unnamed, some keyed, 병원 or 의원,
    some split into an 일반 and a 주사 line; none billing days twice as the reader refuses
    (one person, place and 항목)."""
    rows = []
    for _ in range(draw(st.integers(1, 7))):
        row = {
            "person": draw(st.sampled_from(["가", "나"])),
            "date": DAY0 + dt.timedelta(days=draw(st.integers(0, 120))),
            "setting": "inpatient",
            "tier": draw(st.sampled_from(["hospital", "hospital", "clinic"])),
            "institution": draw(st.sampled_from(["", "", "A병원", "A 병원", "B병원"])),
            "visit": draw(st.sampled_from(["", "", "k1"])),
            "days": draw(st.integers(0, 80)),
            "category": draw(st.sampled_from(["", "", "injection"])),
            "covered_copay": 1000,
            "noncovered": 0,
        }
        rows.append(row)
        if draw(st.booleans()):  # the same receipt's other line
            rows.append(row | {"category": "injection" if not row["category"] else ""})
    if any(r["visit"] for r in rows):  # a key belongs to one person and one institution
        first = next(r for r in rows if r["visit"])
        for r in rows:
            if r["visit"]:
                r.update(person=first["person"], institution=first["institution"])
    return pd.DataFrame(no_days_billed_twice(rows))


def _by_hand(frame: pd.DataFrame, whole: bool) -> dict[tuple[str, int], int]:
    """Per person and year: Σ over places of the number of distinct days their 병원 lines
    cover in the year (``whole``: a line across 31 December covers all of its days in each
    year it reaches), day by day."""
    covered: dict[tuple[str, int, str], set[dt.date]] = {}
    for r in frame.itertuples(index=False):
        name = "".join(r.institution.split())
        place = "n" + name if name else ("k" + r.visit if r.visit else "")
        span = [r.date + dt.timedelta(days=i) for i in range(r.days)]
        years = sorted({d.year for d in span}) or [r.date.year]
        for year in years:
            mine = covered.setdefault((r.person, year, place), set())
            if r.tier == "hospital":
                mine.update(
                    span if whole and len(years) > 1 else [d for d in span if d.year == year]
                )
    out: dict[tuple[str, int], int] = {}
    for (person, year, _), days in covered.items():
        out[(person, year)] = out.get((person, year), 0) + len(days)
    return out


@settings(max_examples=60, deadline=None)
@given(frame=stays(), whole=st.booleans())
def test_days_equal_a_day_by_day_count(frame: pd.DataFrame, whole: bool) -> None:
    got = ceiling.long_stay_years(frame, whole=whole)
    days = {(p, int(y)): int(d) for p, y, d in got[["person", "year", "days"]].values}
    want = _by_hand(frame, whole)
    assert {k: v for k, v in days.items() if v} == {k: v for k, v in want.items() if v}
    limit = ceiling.load_table().long_stay_days
    unknown = {
        (r.person, r.date.year)
        for r in frame.itertuples(index=False)
        if r.tier == "hospital" and r.days == 0
    }
    for p, y, d, long_stay in got[["person", "year", "days", "long_stay"]].values:
        assert bool(long_stay) == (d > limit or (p, int(y)) in unknown)


def test_an_engine_run_takes_the_union_too(tmp_path: Path) -> None:
    # st.assess with the certain refund hook: the same 920,000 as the report
    got = assess(_read(tmp_path, SPLIT), "gen4", policy_start="2024-01-01", ceiling=CertainRefund())
    assert got["ceiling_offset"].tolist() == [920_000, 0]
