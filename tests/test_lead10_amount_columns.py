"""An unread column that holds amounts is refused at its cell, not ignored: a hand-made table
"병원비 | 약값" is a common layout, and ignoring 약값 dropped the medicine from the claim with
exit 0 (gen4 25,000 where the 약국 line would make it 37,000). Money is told by the header's
ending (약제비, 입원비 — 입원 no longer hides the 비), an amount word anywhere (약값, MRI,
도수, 비용), or cells written as money (12,000원); numbers that are not won (번호, 일수,
회차, dates, names) stay ignored."""

from __future__ import annotations

from pathlib import Path

import pytest
from three_ways import read_alike, refused_alike

BASE = ["이름", "진료일자", "진료구분", "요양기관종류", "본인부담금", "비급여"]
LINE = ["나", "2024-03-05", "외래", "의원", 15000, 50000]

REFUSED = [
    "약값", "약", "처방약", "약국비용", "MRI", "CT", "MRI 비용", "초음파", "검사", "주사", "도수",
    "식대", "간병", "비용", "지출", "추가비용", "기타비용", "입원비", "입원료", "입원비(원)",
    "입원금액", "병원금액", "진료료", "의원비", "자부담", "비급여분", "Drug", "pharmacy cost",
]  # fmt: skip


@pytest.mark.parametrize("header", REFUSED)
def test_an_amount_column_is_refused_at_its_cell(tmp_path: Path, header: str) -> None:
    refused_alike(tmp_path, [*BASE, header], [[*LINE, 12000]], header, 12000, "읽을 수 있는 열")


@pytest.mark.parametrize("header", ["약값", "MRI", "입원비"])
def test_zero_or_blank_amounts_are_ignored(tmp_path: Path, header: str) -> None:
    for got in read_alike(tmp_path, [*BASE, header], [[*LINE, 0], [*LINE, ""]]):
        assert header in got.attrs["source"]["ignored_columns"]


@pytest.mark.parametrize(
    ("header", "value"),
    [("처방일수", 3), ("투약일수", 30), ("주사 회차", 2), ("약국명", "온누리약국"),
     ("검사일", "2024-03-06"), ("처방전번호", 20240305001), ("검사결과", "정상"),
     ("치료내용", "물리치료"), ("deductible", 5), ("번호", 12000), ("No", 3)],
)  # fmt: skip
def test_numbers_that_are_not_won_stay_ignored(tmp_path: Path, header: str, value: object) -> None:
    for got in read_alike(tmp_path, [*BASE, header], [[*LINE, value]]):
        assert header in got.attrs["source"]["ignored_columns"]


@pytest.mark.parametrize("cell", ["12,000원", "12,000", "₩12,000", "12000원"])
def test_cells_written_as_money_are_refused_whatever_the_header(tmp_path: Path, cell: str) -> None:
    refused_alike(tmp_path, [*BASE, "기타"], [[*LINE, cell]], "기타", cell, "읽을 수 있는 열")


def test_a_plain_number_under_a_plain_word_stays_ignored(tmp_path: Path) -> None:
    for got in read_alike(tmp_path, [*BASE, "기타"], [[*LINE, 3]]):
        assert "기타" in got.attrs["source"]["ignored_columns"]
