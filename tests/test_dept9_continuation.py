"""A blank 항목 under a line of the same person and institution on another day may mean "the
same as above" (refused: which?) — but not when the 요양기관종류 says another institution,
nor when the 항목 above is one only an 입원 line carries (상급병실) and this line is 외래."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from three_ways import read_three_ways

from silson_tools.errors import ReceiptError
from silson_tools.receipts import ReceiptLines

HEAD = ["이름", "진료일자", "진료구분", "요양기관종류", "항목", "입원일수", "본인부담금",
        "공단부담금", "비급여"]  # fmt: skip
NAMED = [*HEAD[:4], "병원명", *HEAD[4:]]


def line(setting: str, tier: str, item: str, day: str = "2026-02-20") -> list[Any]:
    days = 3 if setting == "입원" else 0
    return ["홍길동", day, setting, tier, item, days, 10000, 20000, 450000 if item else 0]


def read_csv_and_xlsx(tmp_path: Path, head: list[str], rows: list[list[Any]]) -> list[Any]:
    """The CSV and XLSX readings (the line-above check is the file reader's)."""
    return read_three_ways(tmp_path, head, rows)[:2]


def test_reviewer_file_room_then_clinic_outpatient_is_read(tmp_path: Path) -> None:
    rows = [line("입원", "병원", "상급병실", "2026-02-01"), line("외래", "의원", "")]
    for got in read_csv_and_xlsx(tmp_path, HEAD, rows):
        assert isinstance(got, ReceiptLines), got
        assert got["category"].tolist() == ["room_upgrade", ""]


def test_an_inpatient_only_item_does_not_continue_onto_outpatient(tmp_path: Path) -> None:
    rows = [line("입원", "병원", "상급병실", "2026-02-01"), line("외래", "병원", "")]
    for got in read_csv_and_xlsx(tmp_path, HEAD, rows):
        assert isinstance(got, ReceiptLines), got


def test_another_tier_is_another_institution(tmp_path: Path) -> None:
    rows = [line("외래", "의원", "도수치료", "2026-02-01"), line("외래", "병원", "")]
    for got in read_csv_and_xlsx(tmp_path, HEAD, rows):
        assert isinstance(got, ReceiptLines), got


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (line("외래", "의원", "도수치료", "2026-02-01"), line("외래", "의원", "")),
        (line("외래", "종합", "도수치료", "2026-02-01"), line("외래", "종합병원", "")),
        # 도수치료 goes on 입원 and 외래 lines: continued after discharge, or general care?
        (line("입원", "병원", "도수치료", "2026-02-01"), line("외래", "병원", "")),
        (line("입원", "병원", "상급병실", "2026-02-01"), line("입원", "병원", "")),
    ],
)
def test_the_ambiguous_blank_is_still_refused(tmp_path: Path, first: list[Any],
                                              second: list[Any]) -> None:  # fmt: skip
    for got in read_csv_and_xlsx(tmp_path, HEAD, [first, second]):
        assert isinstance(got, ReceiptError), got
        assert [(p.row, p.column) for p in got.problems] == [(3, "E열 '항목'")]
        assert "the line above" in got.problems[0].expected


def test_a_pharmacy_line_naming_its_prescriber_is_not_a_continuation(tmp_path: Path) -> None:
    rows = [["홍길동", "2026-02-01", "외래", "의원", "가나의원", "도수치료", 0, 10000, 20000,
             80000], ["홍길동", "2026-02-03", "약국", "약국", "가나의원", "", 0, 3000, 6000, 0]]
    for got in read_csv_and_xlsx(tmp_path, NAMED, rows):
        assert isinstance(got, ReceiptLines), got
    rows[1][2:4] = ["외래", "의원"]  # the same clinic two days later, blank 항목: which?
    for got in read_csv_and_xlsx(tmp_path, NAMED, rows):
        assert isinstance(got, ReceiptError), got
