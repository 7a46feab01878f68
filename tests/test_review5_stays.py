"""입원 lines that bill the same days twice, and a stay written as two dates.

- Two 입원 lines of one person, one 병원명 and one 항목 whose periods [date, date + 입원일수)
  share two days or more are refused at their 입원일수 cells, each naming the other's row
  (a cumulative 퇴원 receipt beside the 중간 receipt it includes; 6/1 10일 + 6/5 10일);
  one receipt split into lines (same date, same 입원일수), other 항목 inside a stay, lines
  without 입원일수 and a one-day touch are read as before (receipts/overlap.py).
- A stay's end date (진료종료일, 퇴원일) is refused on 입원 lines without an 입원일수 column,
  naming the 입원일수 to write; with one it checks it (receipts/staydates.py).
Every case is read from CSV, XLSX and a DataFrame (three_ways.py).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs
from stays_apart import billed_twice, no_days_billed_twice
from three_ways import read_alike, read_three_ways, refused_alike

import silson_tools as st
from silson_tools.errors import ReceiptError
from silson_tools.receipts import ReceiptLines
from silson_tools.report.cli import main

HEAD = ["이름", "진료일자", "진료구분", "요양기관종류", "병원명", "항목", "입원일수", "본인부담금",
        "비급여"]  # fmt: skip
OVERLAP = "겹치지 않습니다"


def _stay(date: str, days: Any, covered: int = 1_000_000, non: int = 500_000,
          name: str = "큰병원", category: str = "", who: str = "나",
          setting: str = "입원") -> list[Any]:  # fmt: skip
    return [who, date, setting, "종합병원", name, category, days, covered, non]


def _overlaps(got: ReceiptError) -> list[Any]:
    return [p for p in got.problems if OVERLAP in p.expected]


# --- 입원 periods that overlap ----------------------------------------------------------


def test_a_cumulative_discharge_receipt_beside_its_interim_receipt_is_refused(
    tmp_path: Path,
) -> None:
    # the 퇴원 receipt (3/1, 20일, 이미 납부한 금액 = the 중간 receipt's 1,500,000) includes the
    # 중간 receipt (3/1, 10일): summed, the first ten days would be paid twice
    head = [*HEAD, "이미 납부한 금액", "납부할 금액"]
    rows = [
        [*_stay("2024-03-01", 10, 1_000_000, 500_000), 0, 1_500_000],
        [*_stay("2024-03-01", 20, 2_500_000, 1_200_000), 1_500_000, 2_200_000],
    ]
    refused_alike(tmp_path, head, rows, "입원일수", 10, OVERLAP, n=2)
    for got in read_three_ways(tmp_path, head, rows):
        first, second = _overlaps(got)
        assert f"{second.row}행" in first.expected and f"{first.row}행" in second.expected
        assert "10일 겹쳐" in first.expected and "중간 영수증 줄을 지우세요" in first.expected
        assert "delete the interim line" in first.expected
        assert "2024-03-01–2024-03-20 (20일)" in first.expected


def test_two_stays_at_one_hospital_that_overlap_are_refused(tmp_path: Path) -> None:
    rows = [_stay("2024-06-01", 10, name="작은병원"), _stay("2024-06-05", 10, name="작은병원")]
    refused_alike(tmp_path, HEAD, rows, "입원일수", 10, "6일 겹쳐", n=2)


def test_cumulative_room_lines_are_refused(tmp_path: Path) -> None:
    rows = [_stay("2024-03-01", 10, 0, 1_000_000, category="상급병실"),
            _stay("2024-03-01", 20, 0, 2_000_000, category="상급병실")]  # fmt: skip
    refused_alike(tmp_path, HEAD, rows, "입원일수", 10, OVERLAP, n=2)


@pytest.mark.parametrize("other", ["큰 병원", "큰병원 ", "큰병원"])
def test_one_hospital_written_two_ways_is_one_hospital(tmp_path: Path, other: str) -> None:
    rows = [_stay("2024-03-01", 10), _stay("2024-03-03", 10, name=other)]
    refused_alike(tmp_path, HEAD, rows, "입원일수", 10, "8일 겹쳐", n=2)


def test_unnamed_lines_of_one_visit_key_are_one_stay(tmp_path: Path) -> None:
    head = ["이름", "진료일자", "진료구분", "요양기관종류", "방문묶음", "입원일수", "본인부담금",
            "비급여"]  # fmt: skip
    rows = [["나", "2024-03-01", "입원", "병원", "k", 10, 100_000, 0],
            ["나", "2024-03-01", "입원", "병원", "k", 20, 200_000, 0]]  # fmt: skip
    refused_alike(tmp_path, head, rows, "입원일수", 10, OVERLAP, n=2)


def test_only_the_overlapping_pair_is_named(tmp_path: Path) -> None:
    rows = [
        _stay("2024-03-01", 10),
        _stay("2024-03-11", 10),  # the next 중간 receipt: no day shared
        _stay("2024-03-11", 15),  # the 퇴원 receipt from 3/11 includes the one above
        _stay("2024-05-01", 5),
    ]
    for got in read_three_ways(tmp_path, HEAD, rows):
        assert isinstance(got, ReceiptError)
        assert sorted(str(p.value) for p in _overlaps(got)) == ["10", "15"]
        assert len(got.problems) == 2


@pytest.mark.parametrize(
    "rows",
    [
        # one receipt split into lines: 일반 + 상급병실, same date and days (as the README says)
        [_stay("2024-03-01", 10), _stay("2024-03-01", 10, 0, 300_000, category="상급병실")],
        # 급여 and 비급여 of one receipt on two 일반 lines: same date and days
        [_stay("2024-03-01", 10, 1_000_000, 0), _stay("2024-03-01", 10, 0, 500_000)],
        # a 상급병실 line for 2 of the 10 days, a 도수치료 line with days inside the stay
        [
            _stay("2024-03-01", 10),
            _stay("2024-03-03", 2, 0, 200_000, category="상급병실"),
            _stay("2024-03-04", 3, 0, 100_000, category="도수치료"),
        ],
        # bills without 입원일수 inside a stay
        [
            _stay("2024-03-01", 10),
            _stay("2024-03-05", "", 0, 100_000),
            _stay("2024-03-05", 0, 0, 50_000),
        ],
        # 중간 then 퇴원: the next day, or counting the 중간 receipt's last day again (one
        # shared day), and a readmission on the day of discharge
        [_stay("2024-03-01", 10), _stay("2024-03-11", 5)],
        [_stay("2024-03-01", 10), _stay("2024-03-10", 5)],
        [_stay("2024-03-01", 10), _stay("2024-03-10", 5), _stay("2024-03-14", 3)],
        # other hospitals, other people, 외래 on a day of the stay
        [_stay("2024-03-01", 10), _stay("2024-03-03", 10, name="다른병원")],
        [_stay("2024-03-01", 10), _stay("2024-03-03", 10, who="너")],
        [_stay("2024-03-01", 10), _stay("2024-03-03", "", 20_000, 0, setting="외래")],
        # without 병원명 each line is a stay of its own to the engine (the report asks for names
        # where that matters)
        [_stay("2024-03-01", 10, name=""), _stay("2024-03-03", 10, name="")],
    ],
)
def test_legitimate_lines_inside_or_beside_a_stay_read(tmp_path: Path, rows: list) -> None:
    read_alike(tmp_path, HEAD, rows)


def test_the_engine_refuses_a_frame_with_the_days_billed_twice() -> None:
    columns = {"date": ["2024-06-01", "2024-06-05"], "setting": "inpatient", "tier": "hospital",
               "institution": "작은병원", "days": 10, "covered_copay": 1_000_000,
               "noncovered": 500_000}  # fmt: skip
    frame = pd.DataFrame(columns)
    with pytest.raises(ReceiptError) as err:
        st.assess(frame, "gen4", policy_start="2024-01-01")
    assert len(_overlaps(err.value)) == 2
    ok = frame.assign(date=["2024-06-01", "2024-06-11"])
    assert int(st.assess(ok, "gen4", policy_start="2024-01-01")["payout"].sum()) > 0


def test_check_and_report_refuse_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "mid.csv"
    path.write_text(
        "이름,진료일자,진료구분,요양기관종류,병원명,입원일수,본인부담금,비급여\n"
        "나,2024-03-01,입원,종합병원,큰병원,10,1000000,500000\n"
        "나,2024-03-01,입원,종합병원,큰병원,20,2500000,1200000\n",
        encoding="utf-8",
    )
    assert main(["check", str(path)]) == 1
    said = capsys.readouterr()
    assert "2행 (row 2), F열 '입원일수'" in said.err + said.out
    out = tmp_path / "out"
    assert main(["report", str(path), "--policy", "gen4", "--start", "2024-01-01",
                 "--out", str(out)]) == 1  # fmt: skip
    assert not out.exists()


@hs.composite
def stay_rows(draw: Any) -> list[dict[str, Any]]:
    """입원 lines (now and then a 외래 one) of two people at few places over two weeks."""
    rows = []
    for _ in range(draw(hs.integers(1, 8))):
        category = draw(hs.sampled_from(["", "", "room_upgrade", "injection"]))
        days = draw(hs.integers(1 if category == "room_upgrade" else 0, 10))
        rows.append(
            {
                "person": draw(hs.sampled_from(["가", "가", "나"])),
                "date": dt.date(2024, 3, 1) + dt.timedelta(days=draw(hs.integers(0, 15))),
                "setting": "inpatient"
                if category == "room_upgrade" or draw(hs.integers(0, 5))
                else "outpatient",
                "tier": "hospital",
                "institution": draw(hs.sampled_from(["", "B병원", "B 병원", "Ｂ병원", "C의원"])),
                "visit": draw(hs.sampled_from(["", "", "k"])),
                "category": category,
                "covered_copay": 10_000,
                "noncovered": 10_000,
            }
        )
        rows[-1]["days"] = days if rows[-1]["setting"] == "inpatient" else 0
    return rows


@settings(max_examples=200, deadline=None)
@given(rows=stay_rows())
def test_refused_exactly_when_two_lines_bill_the_same_days(rows: list[dict[str, Any]]) -> None:
    twice = {(i, j) for i in range(len(rows)) for j in range(len(rows))
             if i != j and billed_twice(rows[i], rows[j])}  # fmt: skip
    try:
        ReceiptLines.from_frame(pd.DataFrame(rows))
        said = []
    except ReceiptError as err:
        said = _overlaps(err)
    assert bool(said) == bool(twice)
    for p in said:  # each line named with a line it bills days twice with
        other = int(re.search(r"(\d+)행의", p.expected)[1])
        assert (p.row, other) in twice
    kept = pd.DataFrame(no_days_billed_twice(rows))
    try:  # none left (a 방문묶음 over several days or places may still be refused)
        ReceiptLines.from_frame(kept)
    except ReceiptError as err:
        assert not _overlaps(err)


# --- a stay written as two dates ---------------------------------------------------------


TWO = ["이름", "진료시작일", "진료종료일", "진료구분", "요양기관종류", "병원명", "본인부담금",
       "공단부담금", "비급여"]  # fmt: skip
IO2 = [
    ["나", "2026-07-01", "2026-07-14", "입원", "병원", "작은병원", 1_000_000, 4_000_000, 8_000_000],
    ["나", "2026-07-15", "2026-07-24", "입원", "병원", "작은병원", 500_000, 2_000_000, 8_000_000],
]


@pytest.mark.parametrize(("start", "end"), [("진료시작일", "진료종료일"), ("입원일", "퇴원일"),
                                            ("시작일", "종료일")])  # fmt: skip
def test_a_stay_as_two_dates_without_days_is_refused_with_the_days_to_write(
    tmp_path: Path, start: str, end: str
) -> None:
    head = ["이름", start, end, *TWO[3:]]
    refused_alike(tmp_path, head, IO2, end, "2026-07-14", "입원일수 열", n=2)
    for got in read_three_ways(tmp_path, head, IO2):
        first, second = got.problems
        assert "14일이라고" in first.expected and "10일이라고" in second.expected
        assert "7/1–7/14 → 14일" in first.expected


@pytest.mark.parametrize("days", [(14, 10), (13, 9)])
def test_with_days_the_end_date_checks_them(tmp_path: Path, days: tuple[int, int]) -> None:
    head = [*TWO, "입원일수"]
    rows = [[*r, d] for r, d in zip(IO2, days, strict=True)]
    got = read_alike(tmp_path, head, rows)
    assert all("진료종료일" not in str(g.attrs["source"]["ignored_columns"]) for g in got)
    frame = pd.DataFrame(rows, columns=head)
    # one admission at one 병원: one 300만원 for 비급여, 급여 80% of 1,500,000
    paid = st.assess(frame, "gen5", policy_start="2026-06-01")["payout"].sum()
    assert int(paid) == 4_200_000


def test_days_that_disagree_with_the_end_date_are_refused(tmp_path: Path) -> None:
    head = [*TWO, "입원일수"]
    rows = [[*IO2[0], 14], [*IO2[1], 3]]
    refused_alike(tmp_path, head, rows, "진료종료일", "2026-07-24", "10일인데 입원일수는 3일")


def test_end_dates_on_outpatient_lines_and_before_the_start(tmp_path: Path) -> None:
    rows = [
        ["나", "2026-07-01", "2026-07-01", "외래", "의원", "가나의원", 10_000, 20_000, 0],
        ["나", "2026-07-02", "", "외래", "의원", "가나의원", 10_000, 20_000, 0],
    ]
    read_alike(tmp_path, TWO, rows)
    refused_alike(tmp_path, TWO, [*rows, ["나", "2026-07-03", "2026-07-05", "외래", "의원",
                                          "가나의원", 10_000, 20_000, 0]],
                  "진료종료일", "2026-07-05", "one day's care")  # fmt: skip
    refused_alike(tmp_path, TWO, [["나", "2026-07-10", "2026-07-01", *IO2[0][3:]]],
                  "진료종료일", "2026-07-01", "이후의 날짜")  # fmt: skip


def test_a_room_line_for_part_of_the_period_reads(tmp_path: Path) -> None:
    head = ["이름", "진료시작일", "진료종료일", "진료구분", "요양기관종류", "병원명", "항목",
            "입원일수", "본인부담금", "비급여"]  # fmt: skip
    stay = ["나", "2026-07-01", "2026-07-14", "입원", "병원", "작은병원"]
    rows = [[*stay, "", 14, 0, 8_000_000], [*stay, "상급병실", 3, 0, 300_000]]
    read_alike(tmp_path, head, rows)
