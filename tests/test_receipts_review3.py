"""Columns and cells that change what a line means are read or refused, never ignored.

Each case is one small table written as a CSV file, as an XLSX workbook and built as a
DataFrame: the three ways in must give the same refusal (same column, value and reason) or
read the same lines. Cases: a 진료비총액/환자부담총액 smaller than the amounts (본인부담금 that
already includes 비급여), 항목 비급여/급여 contradicting where the amount is, NHIS 진료받은 내역
visit counts, 취소/환불 in a column not read, a 감면액, 선택진료료, 환자구분 other than
건강보험, a 진료과 saying 치과/한방, one person written two ways.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest
from three_ways import read_alike, read_three_ways, refused_alike

from silson_tools.errors import ReceiptError
from silson_tools.receipts import ReceiptLines, read_receipts

HEAD = ["이름", "진료일자", "진료구분", "요양기관종류", "병원명"]


def _row(*rest: Any, day: str = "2024-03-05", who: str = "나") -> list[Any]:
    return [who, day, "외래", "의원", "가나의원", *rest]


# --- F4: a total smaller than the amounts: 본인부담금 includes 비급여 ----------------------


@pytest.mark.parametrize("total", ["진료비총액", "환자부담총액", "납부할 금액", "수납액"])
def test_a_total_below_the_amounts_is_refused_without_nhis_paid(tmp_path: Path, total: str
                                                                  ) -> None:  # fmt: skip
    header = [*HEAD, "본인부담금", "비급여", total]
    refused_alike(tmp_path, header, [_row(35000, 20000, 35000)], total, 35000, "20,000")


def test_totals_that_add_up_are_read(tmp_path: Path) -> None:
    header = [*HEAD, "본인부담금", "비급여", "진료비총액", "환자부담총액"]
    for got in read_alike(tmp_path, header, [_row(15000, 20000, 50000, 35000)]):
        assert got["covered_copay"].tolist() == [15000]


# --- F1: 항목 비급여/급여 against the amounts ----------------------------------------------


def test_a_kind_cell_contradicting_the_amount_is_refused(tmp_path: Path) -> None:
    header = [*HEAD, "구분", "본인부담금", "비급여"]
    refused_alike(tmp_path, header, [_row("비급여", 50000, 0)], "구분", "비급여", "비급여 column")
    refused_alike(tmp_path, header, [_row("급여", 0, 50000)], "구분", "급여", "급여 line")


def test_a_kind_cell_agreeing_with_the_amount_is_read(tmp_path: Path) -> None:
    header = [*HEAD, "구분", "본인부담금", "비급여"]
    rows = [_row("비급여", 0, 50000), _row("급여", 50000, 0, day="2024-03-06")]
    for got in read_alike(tmp_path, header, rows):
        assert got["noncovered"].tolist() == [50000, 0]
        assert got["category"].tolist() == ["", ""]


# --- F5: NHIS 진료받은 내역 visit counts ----------------------------------------------------


@pytest.mark.parametrize("count", ["방문(입원)일수", "내원일수", "처방횟수", "방문일수"])
def test_a_visit_count_above_one_is_refused(tmp_path: Path, count: str) -> None:
    header = [*HEAD, count, "본인부담금", "비급여"]
    refused_alike(tmp_path, header, [_row(3, 45000, 0)], count, 3, "one line per visit day")
    read_alike(tmp_path, header, [_row(1, 15000, 0)])


def test_the_nhis_institution_header_is_read() -> None:
    frame = pd.DataFrame([["나", "2024-03-05", "외래", "의원", "가나의원", 1, 15000, 0]],
                         columns=["수진자명", "진료개시일", "진료형태", "요양기관종류",
                                  "병·의원(약국)명", "방문(입원)일수", "본인부담금", "비급여"])
    assert ReceiptLines.from_frame(frame)["institution"].tolist() == ["가나의원"]


# --- F3: cancelled or refunded --------------------------------------------------------------


@pytest.mark.parametrize(("column", "word"), [("승인구분", "취소"), ("비고", "환불"),
                                              ("상태", "승인취소"), ("비고", "반품")])
def test_a_cancelled_line_is_refused(tmp_path: Path, column: str, word: str) -> None:
    header = [*HEAD, column, "본인부담금", "비급여"]
    rows = [_row("승인", 15000, 50000), _row(word, 15000, 50000, day="2024-03-06")]
    refused_alike(tmp_path, header, rows, column, word, "cancelled or refunded")


# --- F8, F11: 감면액, 선택진료료, 100분의100, 비급여액 ----------------------------------------


def test_a_discount_is_refused_unless_zero(tmp_path: Path) -> None:
    header = [*HEAD, "본인부담금", "비급여", "감면액"]
    refused_alike(tmp_path, header, [_row(20000, 200000, 100000)], "감면액", 100000, "감면 후")
    for got in read_alike(tmp_path, header, [_row(20000, 200000, 0)]):
        source = got.attrs["source"]
        assert "감면액" not in source["ignored_columns"]
        assert any("columns used for checks" in n and "감면액" in n for n in source["notes"])


def test_old_form_money_columns_are_read_or_refused(tmp_path: Path) -> None:
    header = [*HEAD, "본인부담금", "선택진료료", "비급여(선택진료료 이외)", "100분의100본인부담금"]
    for got in read_alike(tmp_path, header, [_row(20000, 50000, 100000, 30000)]):
        assert got["full_copay"].tolist() == [30000]
        assert got["noncovered"].tolist() == [150000]  # ④ = 선택진료료 + 선택진료료 이외
        assert "선택진료료" not in got.attrs["source"]["ignored_columns"]
    refused_alike(tmp_path, header, [_row(20000, "오만원", 100000, 30000)], "선택진료료", "오만원",
             "amount")  # fmt: skip
    plain = [*HEAD, "본인부담금", "전액본인부담", "선택진료료", "비급여"]  # ④ may hold it already
    refused_alike(tmp_path, plain, [_row(20000, 30000, 50000, 100000)], "선택진료료", 50000,
             "선택진료료 is part of 비급여")  # fmt: skip
    for got in read_alike(tmp_path, [*HEAD, "본인부담금", "비급여액"], [_row(20000, 7000)]):
        assert got["noncovered"].tolist() == [7000]


# --- F10: 환자구분 ----------------------------------------------------------------------------


@pytest.mark.parametrize("cover", ["자동차보험", "산재", "일반", "비보험"])
def test_a_receipt_without_nhi_is_refused(tmp_path: Path, cover: str) -> None:
    header = [*HEAD, "환자구분", "본인부담금", "비급여"]
    refused_alike(tmp_path, header, [_row(cover, 0, 100000)], "환자구분", cover,
             "건강보험 또는 의료급여")  # fmt: skip
    read_alike(tmp_path, header, [_row("건강보험", 0, 100000)])


# --- F9: 진료과 ---------------------------------------------------------------------------------


def test_a_department_says_the_kind_of_care(tmp_path: Path) -> None:
    header = [*HEAD, "진료과목", "본인부담금", "비급여"]
    rows = [_row("치과", 20000, 150000), _row("한방내과", 10000, 100000, day="2024-03-12"),
            _row("내과", 10000, 0, day="2024-03-13")]
    for got in read_alike(tmp_path, header, rows):
        assert got["category"].tolist() == ["dental", "oriental", ""]
    header = [*HEAD, "진료과목", "항목", "본인부담금", "비급여"]
    refused_alike(tmp_path, header, [_row("치과", "도수치료", 0, 150000)], "항목", "도수치료",
             "says 치과 care")  # fmt: skip


# --- L10: one person, two spellings ---------------------------------------------------------


def test_a_name_with_a_bracket_note_beside_the_bare_name_is_refused(tmp_path: Path) -> None:
    header = [*HEAD, "본인부담금", "비급여"]
    rows = [_row(10000, 0, who="김민수"), _row(10000, 0, who="김민수(본인)", day="2024-03-06")]
    refused_alike(tmp_path, header, rows, "이름", "김민수(본인)", "one person, one name")
    read_alike(tmp_path, header, [_row(10000, 0, who="김민수(본인)"),
                             _row(10000, 0, who="김민수(배우자)", day="2024-03-06")])


def test_a_struck_through_row_is_refused(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([*HEAD, "본인부담금", "비급여"])
    sheet.append(_row(15000, 50000))
    sheet.append(_row(15000, 50000, day="2024-03-06"))
    for cell in sheet[3]:
        cell.font = openpyxl.styles.Font(strike=True)
    path = tmp_path / "s.xlsx"
    book.save(path)
    with pytest.raises(ReceiptError) as err:
        read_receipts(path)
    assert [(p.row, "strikethrough" in p.expected) for p in err.value.problems] == [(3, True)]
    sheet[3][0].font = openpyxl.styles.Font(strike=False)
    for cell in sheet[3]:
        cell.font = openpyxl.styles.Font(strike=False)
    book.save(path)
    assert len(read_receipts(path)) == 2


def test_a_column_of_ids_is_not_taken_for_a_cancel_word(tmp_path: Path) -> None:
    header = [*HEAD, "승인번호", "본인부담금", "비급여"]
    read_alike(tmp_path, header, [_row("A123", 15000, 0), _row("승인", 1000, 0, day="2024-03-06")])


def test_monthly_sheets_are_not_advised_one_at_a_time(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    first = book.active
    first.title = "1월"
    second = book.create_sheet("2월")
    for sheet, day in ((first, "2024-01-05"), (second, "2024-02-05")):
        sheet.append([*HEAD, "본인부담금", "비급여"])
        sheet.append(_row(15000, 50000, day=day))
    path = tmp_path / "m.xlsx"
    book.save(path)
    with pytest.raises(ReceiptError) as err:
        read_receipts(path)
    said = err.value.problems[0].expected
    assert "copy them into one sheet" in said and "restarts them" in said
    assert "read one at a time" not in said
    notes = read_receipts(path, sheet="1월").attrs["source"]["notes"]
    assert any("'2월'" in n and "this sheet's lines only" in n for n in notes)


# --- lower: ₩ as a backslash, float noise, duplicate problems and codes, 영양주사 ------------


def test_a_backslash_before_an_amount_is_the_won_sign(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_bytes(",".join([*HEAD, "본인부담금", "비급여"]).encode("cp949") + b"\r\n"
                     + ",".join(_row('"\\12,000"', "0")).encode("cp949") + b"\r\n")
    assert read_receipts(path)["covered_copay"].tolist() == [12000]
    for got in read_alike(tmp_path, [*HEAD, "본인부담금", "비급여"], [_row("\\12,000", 0)]):
        assert got["covered_copay"].tolist() == [12000]


def test_a_formulas_float_noise_is_the_whole_number(tmp_path: Path) -> None:
    header = [*HEAD, "본인부담금", "비급여"]
    rows = [_row(3600.0000000000005, 31499.999999999996)]
    for got in read_three_ways(tmp_path, header, rows)[1:]:
        assert isinstance(got, ReceiptLines), got
        assert got["covered_copay"].tolist() == [3600]
        assert got["noncovered"].tolist() == [31500]
    refused_alike(tmp_path, header, [_row(9999.9, 0)], "본인부담금", "9999.9", "whole number")


def test_a_problem_shows_the_cell_as_written_and_once(tmp_path: Path) -> None:
    header = [*HEAD, "본인부담금", "비급여"]
    rows = [["나", "2024-03-05", "외래", "약국", "온누리약국", 20000, 0]]
    for got in read_three_ways(tmp_path, header, rows):
        assert isinstance(got, ReceiptError)
        shown = [(p.column, p.value) for p in got.problems]
        assert shown == [(shown[0][0], "약국")] and "요양기관종류" in shown[0][0]


def test_a_nutrient_injection_is_asked(tmp_path: Path) -> None:
    header = [*HEAD, "항목", "본인부담금", "비급여"]
    refused_alike(tmp_path, header, [_row("영양주사", 0, 50000)], "항목", "영양주사", "영양제")


@pytest.mark.parametrize(("answer", "refused"), [("Y", True), ("예", True), ("N", False),
                                                 ("", False), ("정상", False)])
def test_a_cancelled_column_is_read_as_its_answer(tmp_path: Path, answer: str, refused: bool
                                                  ) -> None:  # fmt: skip
    header = [*HEAD, "취소여부", "본인부담금", "비급여"]
    rows = [_row(answer or None, 15000, 0)]
    if refused:
        refused_alike(tmp_path, header, rows, "취소여부", answer, "cancelled or refunded")
    else:
        read_alike(tmp_path, header, rows)


def test_a_problem_found_twice_is_listed_once() -> None:
    from silson_tools.receipts.validate import Problems

    problems = Problems("f.csv", np.array([2, 3]))
    for _ in range(2):
        problems.at([1], "F열 '입원일수'", [0, 5], "inpatient days only on 입원 lines")
    problems.at([0], "F열 '입원일수'", [0, 5], "inpatient days only on 입원 lines")
    assert [(p.row, p.value) for p in problems.error().problems] == [(2, 0), (3, 5)]
