"""An 입원 line's date is the first day it bills: a date column headed as the receipt's or
payment's date (영수일 …) is refused on inpatient lines with 입원일수, where a 퇴원 receipt
would carry the discharge day and two stays would join into one admission."""

from __future__ import annotations

from pathlib import Path

import pytest

import silson_tools as st
from silson_tools.errors import ReceiptError

BODY = (
    "나,2026-07-10,입원,병원,가나병원,9,0,8000000\n"
    "나,2026-07-20,입원,병원,가나병원,5,0,8000000\n"
    "나,2026-07-21,외래,의원,다라의원,,15000,0\n"
)


def _write(tmp_path: Path, date_header: str) -> Path:
    path = tmp_path / "d.csv"
    head = f"이름,{date_header},진료구분,요양기관종류,병원명,입원일수,본인부담금,비급여\n"
    path.write_text(head + BODY, encoding="utf-8")
    return path


@pytest.mark.parametrize("header", ["영수일", "영수증일자"])
def test_a_receipt_date_header_is_refused_on_inpatient_lines(tmp_path: Path, header: str) -> None:
    with pytest.raises(ReceiptError) as err:
        st.read_receipts(_write(tmp_path, header))
    problems = err.value.problems
    assert [p.row for p in problems] == [2, 3]  # the 외래 line (row 4) is one day either way
    assert all(header in p.column and "첫날" in p.expected for p in problems)


@pytest.mark.parametrize("header", ["진료일자", "진료개시일"])
def test_a_care_date_header_reads(tmp_path: Path, header: str) -> None:
    assert len(st.read_receipts(_write(tmp_path, header))) == 3


def test_a_receipt_date_without_inpatient_days_reads(tmp_path: Path) -> None:
    path = tmp_path / "o.csv"
    path.write_text(
        "이름,영수일,진료구분,요양기관종류,본인부담금,비급여\n나,2026-07-21,외래,의원,15000,0\n",
        encoding="utf-8",
    )
    assert len(st.read_receipts(path)) == 1
