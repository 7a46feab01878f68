"""Everyday spellings of the side columns are checked like the listed ones, never ignored.

Each case is one small table read from CSV, from XLSX and as a DataFrame (the three must
agree): discount headers (직원할인, 진료비감면액), cover headers (환자유형, 보험자구분) and
their 건강보험 자격 values, department headers (과목, 진료부서명), a per-line 합계/총액 that
shows 본인부담금 includes 비급여, count headers with a unit in brackets (횟수(회)).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from three_ways import read_alike, refused_alike

from silson_tools.errors import ReceiptError
from silson_tools.receipts import read_receipts

HEAD = ["이름", "진료일자", "진료구분", "요양기관종류", "병원명"]


def _row(*rest: Any, day: str = "2024-03-05", setting: str = "외래",
         tier: str = "의원") -> list[Any]:  # fmt: skip
    return ["나", day, setting, tier, "가나의원", *rest]


@pytest.mark.parametrize("column", ["직원할인", "진료비감면액", "본인부담 감면", "감면액(원)"])
def test_everyday_discount_headers_are_checked(tmp_path: Path, column: str) -> None:
    header = [*HEAD, "본인부담금", "비급여", column]
    refused_alike(tmp_path, header, [_row(20000, 200000, 100000)], column, 100000, "감면 후")
    for got in read_alike(tmp_path, header, [_row(20000, 200000, 0)]):
        assert column not in got.attrs["source"]["ignored_columns"]


@pytest.mark.parametrize("column", ["환자유형", "보험자구분"])
def test_everyday_cover_headers_are_checked(tmp_path: Path, column: str) -> None:
    header = [*HEAD, column, "본인부담금", "비급여"]
    refused_alike(tmp_path, header, [_row("자동차보험", 0, 100000)], column, "자동차보험",
             "건강보험 또는 의료급여")  # fmt: skip


@pytest.mark.parametrize("value", ["직장가입자", "직장피부양자", "지역세대원", "피부양자", "본인",
                                   "보험", "국민건강보험공단", "건강보험공단"])
def test_nhi_qualifications_are_read(tmp_path: Path, value: str) -> None:
    for column in ("자격구분", "환자구분"):
        read_alike(tmp_path, [*HEAD, column, "본인부담금", "비급여"], [_row(value, 5000, 10000)])


@pytest.mark.parametrize("column", ["과목", "진료부서명"])
def test_everyday_department_headers_are_read(tmp_path: Path, column: str) -> None:
    header = [*HEAD, "본인부담금", "비급여", column]
    for got in read_alike(tmp_path, header, [_row(20000, 150000, "치과", tier="상급종합병원")]):
        assert got["category"].tolist() == ["dental"]


@pytest.mark.parametrize("column", ["합계", "총액", "결제금액", "총 본인부담금"])
def test_a_line_total_shows_copay_including_noncovered(tmp_path: Path, column: str) -> None:
    header = [*HEAD, "본인부담금", "비급여", column]
    refused_alike(tmp_path, header, [_row(35000, 20000, 35000)], column, 35000, "include 비급여")
    read_alike(tmp_path, header, [_row(15000, 20000, 35000)])


def test_a_line_total_beside_nhis_paid_may_be_the_whole_cost(tmp_path: Path) -> None:
    header = [*HEAD, "본인부담금", "공단부담금", "비급여", "합계"]
    read_alike(tmp_path, header, [_row(15000, 35000, 20000, 70000)])
    read_alike(tmp_path, header, [_row(15000, 35000, 20000, 35000)])


@pytest.mark.parametrize("column", ["횟수(회)", "방문횟수(회)", "치료횟수(회)", "처방횟수(건)"])
def test_a_count_header_with_a_unit_is_checked(tmp_path: Path, column: str) -> None:
    header = [*HEAD, column, "본인부담금", "비급여"]
    refused_alike(tmp_path, header, [_row(3, 45000, 0)], column, 3, "one session per line")
    read_alike(tmp_path, header, [_row(1, 15000, 0)])


@pytest.mark.parametrize("column", ["방문(입원)일수", "입내원일수"])
def test_a_stay_count_on_an_inpatient_line_is_its_days(tmp_path: Path, column: str) -> None:
    header = [*HEAD, column, "본인부담금", "공단부담금", "비급여"]
    rows = [_row(5, 500000, 2000000, 0, setting="입원", tier="종합병원"),
            _row(1, 20000, 30000, 0, day="2024-05-09", tier="종합병원")]
    for got in read_alike(tmp_path, header, rows):
        assert got["days"].tolist() == [5, 0]
        assert "days" not in got.attrs["source"]["defaulted"]
    rows[1][5] = 3  # on a 외래 line it still counts visits
    refused_alike(tmp_path, header, rows, column, 3, "one session per line")


def test_a_stay_count_beside_a_days_column_is_not_read_twice(tmp_path: Path) -> None:
    header = [*HEAD, "방문(입원)일수", "입원일수", "본인부담금", "비급여"]
    for got in read_alike(tmp_path, header, [_row(5, 5, 500000, 0, setting="입원", tier="병원")]):
        assert got["days"].tolist() == [5]


def test_a_discharge_receipt_with_an_earlier_payment_is_read(tmp_path: Path) -> None:
    header = [*HEAD, "입원일수", "본인부담금", "비급여", "이미 납부한 금액", "납부할 금액"]
    stay = {"setting": "입원", "tier": "병원"}
    for got in read_alike(tmp_path, header, [_row(20, 300000, 200000, 400000, 100000, **stay)]):
        assert "이미 납부한 금액" not in got.attrs["source"]["ignored_columns"]
    read_alike(tmp_path, header, [_row(20, 300000, 200000, "", 500000, **stay)])
    refused_alike(tmp_path, header, [_row(20, 500000, 200000, 400000, 100000, **stay)],
             "납부할 금액", 100000, "include 비급여")  # fmt: skip


@pytest.mark.parametrize("value", ["0원", "0", "-", ""])
def test_a_refund_of_nothing_is_not_a_cancellation(tmp_path: Path, value: str) -> None:
    read_alike(tmp_path, [*HEAD, "본인부담금", "비급여", "환불금액"], [_row(15000, 0, value)])


def test_a_refund_amount_is_refused(tmp_path: Path) -> None:
    refused_alike(tmp_path, [*HEAD, "본인부담금", "비급여", "환불금액"],
                  [_row(15000, 0, "5,000원")], "환불금액", "5,000원",
                  "cancelled or refunded")  # fmt: skip


@pytest.mark.parametrize("memo", ["예약 취소 후 재방문", "서류 반환 받음"])
def test_a_memo_mentioning_a_cancel_word_is_read(tmp_path: Path, memo: str) -> None:
    read_alike(tmp_path, [*HEAD, "본인부담금", "비급여", "메모"], [_row(15000, 0, memo)])


@pytest.mark.parametrize("memo", ["취소", "카드취소", "환불 완료", "Cancelled"])
def test_a_memo_that_is_a_cancel_mark_is_refused(tmp_path: Path, memo: str) -> None:
    refused_alike(tmp_path, [*HEAD, "본인부담금", "비급여", "메모"], [_row(15000, 0, memo)], "메모",
             memo, "cancelled or refunded")  # fmt: skip


def test_a_blank_nhis_paid_beside_a_total_is_unknown(tmp_path: Path) -> None:
    header = [*HEAD, "본인부담금", "공단부담금", "비급여", "진료비총액"]
    rows = [_row(15000, 35000, 20000, 70000), _row(15000, None, 20000, 70000, day="2024-03-06")]
    for got in read_alike(tmp_path, header, rows):
        assert got["nhis_paid"].tolist() == [35000, 0]
    rows[1][-1] = 30000  # below ① + ③ + ④ = 35,000: 본인부담금 includes 비급여
    refused_alike(tmp_path, header, rows, "진료비총액", 30000, "at least ① + ③ + ④")


def test_a_summary_sheet_beside_the_receipts_is_not_a_second_table(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    lines = book.active
    lines.title = "영수증"
    for r in [[*HEAD, "본인부담금", "비급여"], _row(15000, 20000),
              _row(10000, 0, day="2024-03-06")]:  # fmt: skip
        lines.append(r)
    summary = book.create_sheet("요약")
    for r in [["이름", "본인부담금", "비급여"], ["나", 25000, 20000]]:
        summary.append(r)
    path = tmp_path / "two.xlsx"
    book.save(path)
    got = read_receipts(path)
    assert len(got) == 2
    assert any("summaries" in n and "요약" in n for n in got.attrs["source"]["notes"])
    second = book.create_sheet("영수증2")  # two sheets of dated lines: still refused
    for r in [[*HEAD, "본인부담금", "비급여"], _row(5000, 0, day="2024-04-01")]:
        second.append(r)
    book.save(path)
    with pytest.raises(ReceiptError, match="one sheet with a receipt table"):
        read_receipts(path)


def test_the_old_form_split_of_noncovered_is_read(tmp_path: Path) -> None:
    header = [*HEAD, "본인부담금", "선택진료료", "선택진료료 이외"]
    for got in read_alike(tmp_path, header, [_row(20000, 50000, 100000, day="2016-03-05")]):
        assert got["noncovered"].tolist() == [150000]
    book = openpyxl.Workbook()  # as printed: 비급여 over 선택진료료 | 선택진료료 이외
    sheet = book.active
    sheet.append([*HEAD, "급여", None, "비급여", None])
    sheet.append([None] * 5 + ["본인부담금", "공단부담금", "선택진료료", "선택진료료 이외"])
    sheet.append(_row(20000, 30000, 50000, 100000, day="2016-03-05"))
    for col in "ABCDE":
        sheet.merge_cells(f"{col}1:{col}2")
    sheet.merge_cells("F1:G1")
    sheet.merge_cells("H1:I1")
    path = tmp_path / "old.xlsx"
    book.save(path)
    got = read_receipts(path)
    assert got["noncovered"].tolist() == [150000]
    assert got["nhis_paid"].tolist() == [30000]


def test_a_discount_of_none_is_zero(tmp_path: Path) -> None:
    read_alike(tmp_path, [*HEAD, "본인부담금", "비급여", "감면액"], [_row(20000, 200000, "없음")])


def test_general_care_in_a_dental_department_is_dental(tmp_path: Path) -> None:
    header = [*HEAD, "진료과", "항목", "본인부담금", "비급여"]
    rows = [_row("치과", "일반", 20000, 150000, tier="상급종합병원")]
    for got in read_alike(tmp_path, header, rows):
        assert got["category"].tolist() == ["dental"]


def test_read_receipts_of_a_frame_says_what_to_use() -> None:
    from silson_tools.errors import InputError

    with pytest.raises(InputError, match=r"ReceiptLines\.from_frame"):
        read_receipts(pd.DataFrame({"a": [1]}))  # type: ignore[arg-type]


def test_a_struck_through_cell_is_named(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([*HEAD, "본인부담금", "비급여", "비고"])
    sheet.append(_row(15000, 50000, ""))
    sheet.append(_row(15000, 50000, "수정함", day="2024-03-06"))
    sheet["H3"].font = openpyxl.styles.Font(strike=True)
    path = tmp_path / "s.xlsx"
    book.save(path)
    with pytest.raises(ReceiptError) as err:
        read_receipts(path)
    [problem] = err.value.problems
    assert (problem.row, problem.column, problem.value) == (3, "H열 '비고'", "수정함")
    assert "strikethrough" in problem.expected


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_rounded_thousands_under_a_summary_note_are_read(tmp_path: Path, suffix: str) -> None:
    """A 천원 note over a summary block: 입원 1,500 / 1,200 are 천원 (a stay of 1,500원 is no
    receipt), and so is 20 on a 외래 line; 15,000 / 50,000 on 외래 lines still refuse."""
    head = [["2024년 병원비 요약 (단위: 천원)"], ["총 본인부담금", 2720], ["총 비급여", 4100], [],
            [*HEAD, "입원일수", "본인부담금", "비급여"]]  # fmt: skip
    body = [_row(10, 1500, 2300, setting="입원", tier="종합병원"),
            _row(5, 1200, 1800, day="2024-05-05", setting="입원", tier="종합병원")]
    for rows, copay in (([*body, _row("", 20, 0, day="2024-07-05")], 2_720_000),
                        (body, 2_700_000)):  # fmt: skip
        path = tmp_path / f"k{suffix}"
        if suffix == ".csv":
            with path.open("w", encoding="utf-8", newline="") as f:
                csv.writer(f).writerows([*head, *rows])
        else:
            book = openpyxl.Workbook()
            for r in [*head, *rows]:
                book.active.append(r)
            book.save(path)
        assert int(read_receipts(path)["covered_copay"].sum()) == copay


def test_the_common_spelling_of_copay_is_read(tmp_path: Path) -> None:
    for got in read_alike(tmp_path, [*HEAD, "본인부담액", "비급여액"], [_row(15000, 20000)]):
        assert got["covered_copay"].tolist() == [15000]


def test_a_wrong_payment_with_an_earlier_one_says_both(tmp_path: Path) -> None:
    header = [*HEAD, "입원일수", "본인부담금", "비급여", "이미 납부한 금액", "납부할 금액"]
    rows = [_row(20, 300000, 200000, 300000, 100000, setting="입원", tier="병원")]
    said = "= 400,000원: ⑩ 납부할 금액 plus ⑨"
    refused_alike(tmp_path, header, rows, "납부할 금액", 100000, said)
