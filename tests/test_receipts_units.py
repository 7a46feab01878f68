"""Units, header notes and row numbers, piece by piece: each way a person writes a unit is
read as that many won, or refused; a line keeps the row it has in the file.

(Whole messy files, each read or refused at its place: ``tests/messy/make_messy.py``.)
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from silson_tools.errors import ReceiptError
from silson_tools.receipts import read_receipts
from silson_tools.receipts.header import default_aliases, map_header
from silson_tools.receipts.units import format_unit, note_unit, unit_like
from silson_tools.report.cli import build_parser
from silson_tools.scale.sources import Part, file_row, read_part

READ = [
    ("원", 1), ("(원)", None), ("천원", 1000), ("千원", 1000), ("천", 1000), ("千", 1000),
    ("만", 10_000), ("萬원", 10_000), ("만원", 10_000), ("십만원", 100_000), ("백만원", 1_000_000),
    ("1000원", 1000), ("1,000원", 1000), ("₩1,000", 1000), ("'000", 1000), ("KRW '000", 1000),
    ("단위: 천원", 1000), ("단위 : 千원", 1000), ("단위=천원", 1000), ("천원 단위", 1000),
    ("천원단위", 1000), ("※ 천원 단위", 1000), ("금액: 천원", 1000), ("금액은 천원 단위임", 1000),
    ("in thousand won", 1000), ("thousands of won", 1000), ("KRW thousand", 1000),
    ("１，０００원", 1000),
]  # fmt: skip
"""Unit expressions and the won per unit they say (None: not exactly a unit)."""
NOT_UNITS_BUT_UNIT_LIKE = ["K", "천원/VAT", "단위: 달러", "달러", "1000", "천원 (부가세 별도)"]
NOT_UNITS = ["2024년 진료비 내역", "비급여 포함", "①+④", "100/100", "환급대상", "A병원", "2024"]


@pytest.mark.parametrize(("text", "won"), READ)
def test_a_unit_note_is_read_as_that_many_won(text: str, won: int | None) -> None:
    assert note_unit(text) == won


@pytest.mark.parametrize("text", NOT_UNITS_BUT_UNIT_LIKE)
def test_a_note_that_looks_like_a_unit_but_is_not_one_is_not_read(text: str) -> None:
    assert note_unit(text) is None
    assert unit_like(text)


@pytest.mark.parametrize("text", NOT_UNITS)
def test_text_that_names_no_unit_is_left_alone(text: str) -> None:
    assert note_unit(text) is None
    assert not unit_like(text)


@pytest.mark.parametrize(
    ("code", "scale", "unit"),
    [
        ('#,##0"천원"', 1, 1000), ('0"만원"', 1, 10_000), ("#,##0,", 1000, None),
        ("#,##0,,", 1_000_000, None), ('#,##0,"천원"', 1000, 1000), ('#,##0"원"', 1, 1),
        ("#,##0\\천\\원", 1, 1000), ('#,##0,;[Red]-#,##0,', 1000, None),
        ("[$₩-412]#,##0", 1, 1), ('_-[$₩-412]* #,##0_-;-[$₩-412]* #,##0_-', 1, 1),
    ],
)  # fmt: skip
def test_number_formats_that_scale_or_name_a_unit(code: str, scale: int, unit: int | None
                                                  ) -> None:  # fmt: skip
    fmt = format_unit(code)
    assert fmt is not None and (fmt.scale, fmt.unit, fmt.problem) == (scale, unit, None)


@pytest.mark.parametrize(
    "code", ["General", "#,##0", "0", "[Red]#,##0", "#,##0_);(#,##0)", "yyyy-mm-dd",
             '_-* #,##0_-;-* #,##0_-;_-* "-"_-;_-@_-', '#,##0"건"'],
)  # fmt: skip
def test_plain_number_formats_change_nothing(code: str) -> None:
    assert format_unit(code) is None


@pytest.mark.parametrize("code", ['#,##0"달러"', "0%"])
def test_a_format_showing_another_unit_is_a_problem(code: str) -> None:
    fmt = format_unit(code)
    assert fmt is not None and fmt.problem is not None


@pytest.mark.parametrize(
    ("header", "canonical", "unit", "refused"),
    [
        ("본인부담금(천원)", "covered_copay", 1000, False),
        ("④비급여(千원)", "noncovered", 1000, False),
        ("본인부담금 천원", "covered_copay", 1000, False),
        ("본인부담금/만원", "covered_copay", 10_000, False),
        ("전액본인부담(100/100)", "full_copay", 1, False),
        ("상한액초과금(환급대상)", "over_ceiling", 1, False),
        ("본인부담금(①)", "covered_copay", 1, False),
        ("입원일수(일)", "days", 1, False),
        ("항목(도수 등)", "category", 1, False),
        ("중증(산정특례)", "severe", 1, False),
        ("본인부담금(K)", "covered_copay", 1, True),
        ("본인부담금(비급여 포함)", "covered_copay", 1, True),
        ("본인부담금(①+④)", "covered_copay", 1, True),
        ("비급여(본인부담금)", "noncovered", 1, True),
        ("비급여(만원)(천원)", "noncovered", 10_000, True),
        ("입원일수(천)", "days", 1000, False),  # refused by the table: not an amount
    ],
)
def test_header_brackets(header: str, canonical: str, unit: int, refused: bool) -> None:
    h = map_header(header, 0, default_aliases())
    assert (h.canonical, h.unit, h.problem is not None) == (canonical, unit, refused)


def test_a_money_unit_on_a_column_that_is_not_an_amount_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "days.csv"
    path.write_text("진료일자,진료구분,요양기관종류,입원일수(천),본인부담금,비급여\n"
                    "2024-03-05,입원,병원,3,5000,0\n", "utf-8")  # fmt: skip
    with pytest.raises(ReceiptError, match="not an amount"):
        read_receipts(path)


def _book(path: Path, rows: list[list[object]], hidden: tuple[int, ...] = ()) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    for r in hidden:
        ws.row_dimensions[r].hidden = True
    wb.save(path)
    return path


HEAD = ["이름", "진료일자", "진료구분", "요양기관종류", "병원명", "본인부담금", "비급여"]


def _lines(n: int) -> list[list[object]]:
    return [["가나", dt.date(2024, 3, 5 + k), "외래", "의원", "A의원", 1000 * (k + 1), 0]
            for k in range(n)]  # fmt: skip


def test_a_filtered_out_row_is_refused_read_or_left_out_as_asked(tmp_path: Path) -> None:
    path = _book(tmp_path / "hidden.xlsx", [HEAD, *_lines(3)], hidden=(3,))
    with pytest.raises(ReceiptError) as info:
        read_receipts(path)
    [problem] = info.value.problems
    assert problem.row == 3 and "not hidden" in problem.expected
    assert int(read_receipts(path, hidden_rows="read")["covered_copay"].sum()) == 6000
    skipped = read_receipts(path, hidden_rows="skip")
    assert skipped.index.tolist() == [2, 4]
    assert "left out" in " ".join(skipped.attrs["source"]["notes"])
    with pytest.raises(Exception, match="hidden_rows must be one of"):
        read_receipts(path, hidden_rows="maybe")


def test_a_day_number_in_a_date_formatted_cell_is_a_date(tmp_path: Path) -> None:
    """The refusal of plain 5, 12 … is only for cells not formatted as dates."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEAD)
    ws.append(["가나", 45356, "외래", "의원", "A의원", 1000, 0])
    ws["B2"].number_format = "yyyy-mm-dd"
    wb.save(tmp_path / "serial.xlsx")
    lines = read_receipts(tmp_path / "serial.xlsx")
    assert str(lines["date"].iloc[0].date()) == "2024-03-05"


def test_a_1904_workbook_refuses_plain_numbers_as_dates(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    ws = wb.active
    ws.append(HEAD)
    ws.append(["가나", 43894, "외래", "의원", "A의원", 1000, 0])
    wb.save(tmp_path / "mac.xlsx")
    with pytest.raises(ReceiptError, match="counts days from 1904"):
        read_receipts(tmp_path / "mac.xlsx")


def test_assess_names_the_file_row_of_a_line_below_blank_lines(tmp_path: Path) -> None:
    """pandas skips blank lines; the row named must be the one the file shows (5)."""
    path = tmp_path / "blanks.csv"
    path.write_text("이름,진료일자,진료구분,요양기관종류,병원명,본인부담금,비급여\n"
                    "가나,2024-03-05,외래,의원,A의원,15000,50000\n\n\n"
                    "가나,2024-03-06,외래,의원,A의원,abc,0\n", "utf-8")  # fmt: skip
    part = Part(0, str(path), 0, 4)
    frame = read_part(part)
    assert len(frame) == 2
    assert [file_row([part], line)[1] for line in frame.index] == [2, 5]


def test_sheet_help_says_which_sheet_is_read() -> None:
    parser = build_parser()
    report = next(a for a in parser._subparsers._group_actions[0].choices["report"]._actions
                  if "--sheet" in a.option_strings)  # fmt: skip
    assert "first sheet" not in (report.help or "")
    assert "receipt header" in (report.help or "")


@pytest.mark.parametrize(
    ("title", "units", "unreadable"),
    [
        ("2024년 진료비 내역 (단위:천원)", [1000], False),
        ("진료비 영수증 모음 (2024년, 단위 원)", [1], False),
        ("진료비 - 단위: 만원", [10_000], False),
        ("Amounts in KRW thousands", [1000], False),
        ("2024년 3월 진료비", [], False),
        ("가나 의원 영수증 (A병원)", [], False),
        ("※ 모든 금액은 천원 단위", [1000], False),
        ("금액 단위: 천원 / 기간: 2024년", [1000], False),
        ("(단위: 천원, 일)", [1000], False),
        ("단위 : 원, 천원", [], True),
        ("단위: 千円", [], True),
        ("진료비 (단위: 천원/부가세 별도)", [], True),
        ("진료비 (단위: 천원, K)", [], True),
        ("단위", [], True),
        ("단위(천원)", [1000], False),
        ("◎단위:천원", [1000], False),
        ("※ 10원 미만 절사", [], False),
        ("※ 1,000원 미만 절사", [], False),
        ("총 진료비 합계: 105000원", [], False),
        ("Receipts of Kim Ji-won", [], False),
        ("진료비 내역 (VAT 없음)", [], False),
        ("(1,000원)", [1000], False),
        ("VAT 별도 (천원)", [1000], True),
    ],
)
def test_title_cells(title: str, units: list[int], unreadable: bool) -> None:
    """A title's unit is read only when nothing else in it qualifies the unit."""
    from silson_tools.receipts.unitnotes import cell_units

    found, bad = cell_units(title)
    assert (found, bool(bad)) == (units, unreadable)


def test_a_file_of_tiny_amounts_with_no_unit_says_so(tmp_path: Path) -> None:
    path = tmp_path / "small.csv"
    path.write_text("진료일자,진료구분,요양기관종류,본인부담금,비급여(선택)\n"
                    "2024-03-05,외래,의원,15,50\n", "utf-8")  # fmt: skip
    notes = " ".join(read_receipts(path).attrs["source"]["notes"])
    assert "every amount is under 1,000 won" in notes
    path.write_text("진료일자,진료구분,요양기관종류,본인부담금,비급여\n"
                    "2024-03-05,외래,의원,1500,50\n", "utf-8")  # fmt: skip
    assert "under 1,000 won" not in " ".join(read_receipts(path).attrs["source"]["notes"])


@pytest.mark.parametrize(
    ("name", "total"),
    [("가나 합계", True), ("가나 소 계", True), ("Sub-total", True), ("가나 총액", True),
     ("가나 요약", True), ("합계금액", True), ("종합병원", False), ("세계로의원", False),
     ("계명대병원", False), ("총명한의원", False), ("가나", False), ("합계(3월)", True),
     ("** 합계 **", True), ("3월합계", True), ("합 계", True), ("토요약국", False),
     ("필요약국", False), ("소계동의원", False), ("종합 계양의원", False), ("김 소 연", False)],
)  # fmt: skip
def test_total_labels(name: str, total: bool) -> None:
    from silson_tools.receipts.crosscheck import is_total

    assert is_total(name) is total


def _sheet_of(path: Path, rows: list[list[object]]) -> tuple[openpyxl.Workbook, Path]:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "진료비"
    for row in rows:
        ws.append(row)
    return wb, path


AMOUNTS = ["진료일자", "진료구분", "요양기관종류", "본인부담금", "비급여"]
LINE = [dt.date(2024, 3, 5), "외래", "의원", 5, 20]


def test_a_percent_format_on_an_amount_is_refused(tmp_path: Path) -> None:
    wb, path = _sheet_of(tmp_path / "pct.xlsx", [AMOUNTS, LINE])
    wb.active["E2"].number_format = "0%"  # a built-in format: Excel shows 2000%
    wb.save(path)
    with pytest.raises(ReceiptError, match="not %") as info:
        read_receipts(path)
    assert info.value.problems[0].row == 2 and "E열" in str(info.value.problems[0].column)


def test_a_unit_in_a_cell_comment_is_refused(tmp_path: Path) -> None:
    wb, path = _sheet_of(tmp_path / "comment.xlsx", [AMOUNTS, LINE])
    wb.active["D1"].comment = openpyxl.comments.Comment("단위: 천원", "가나")
    wb.save(path)
    with pytest.raises(ReceiptError, match="a unit in a comment") as info:
        read_receipts(path)
    assert "D1" in str(info.value.problems[0].column)
    wb.active["D1"].value, wb.active["E1"].value = "본인부담금(천원)", "비급여(천원)"
    wb.save(path)  # the comment says what the headers say: read
    assert int(read_receipts(path)["noncovered"].sum()) == 20_000


def test_a_unit_on_a_cover_sheet_is_refused_unless_the_table_says_it_too(tmp_path: Path
                                                                       ) -> None:  # fmt: skip
    wb, path = _sheet_of(tmp_path / "cover.xlsx", [AMOUNTS, LINE])
    cover = wb.create_sheet("표지", 0)
    cover["A1"] = "2024 의료비 (금액 단위: 천원)"
    wb.save(path)
    with pytest.raises(ReceiptError, match="on another sheet") as info:
        read_receipts(path)
    assert "표지" in str(info.value.problems[0].column)
    wb["진료비"].insert_rows(1)
    wb["진료비"]["A1"] = "(단위: 천원)"
    wb.save(path)
    assert int(read_receipts(path)["noncovered"].sum()) == 20_000


def test_a_unit_row_under_a_merged_header_is_the_header_unit(tmp_path: Path) -> None:
    wb, path = _sheet_of(tmp_path / "unitrow.xlsx",
                         [AMOUNTS, [None, None, None, "(천원)", "(천원)"], LINE])  # fmt: skip
    for cells in ("A1:A2", "B1:B2", "C1:C2"):
        wb.active.merge_cells(cells)
    wb.save(path)
    lines = read_receipts(path)
    assert (int(lines["covered_copay"].sum()), int(lines["noncovered"].sum())) == (5000, 20_000)


def test_a_unit_over_numbers_that_look_like_won_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "man.csv"
    path.write_text("진료일자,진료구분,요양기관종류,본인부담금(만원),비급여(만원)\n"
                    "2024-03-05,외래,의원,35000,12000\n", "utf-8")  # fmt: skip
    with pytest.raises(ReceiptError, match="every number in it looks like won") as info:
        read_receipts(path)
    assert [(p.row, p.value) for p in info.value.problems] == [(1, 35000), (1, 12000)]
    path.write_text("진료일자,진료구분,요양기관종류,본인부담금(만원),비급여(만원)\n"
                    "2024-03-05,외래,의원,3.5,12\n", "utf-8")  # fmt: skip
    assert int(read_receipts(path)["covered_copay"].sum()) == 35_000


@pytest.mark.parametrize("fmt", ['d"일"', "yyyy-mm-dd", "m/d"])
def test_a_day_number_in_a_date_formatted_cell_is_refused(tmp_path: Path, fmt: str) -> None:
    """5 typed in a cell formatted as a date is 1900-01-05 to Excel: refused at its cell."""
    wb, path = _sheet_of(tmp_path / "days.xlsx", [["일자", *AMOUNTS[1:]], [5, *LINE[1:]],
                                                  [dt.date(2024, 3, 6), *LINE[1:]]])  # fmt: skip
    wb.active["A2"].number_format = fmt
    wb.save(path)
    with pytest.raises(ReceiptError, match="day of the month alone") as info:
        read_receipts(path)
    problem = info.value.problems[0]
    assert (problem.row, problem.column) == (2, "A열 '일자'")
    assert len(info.value.problems) == 1


@pytest.mark.parametrize(
    ("value", "count"),
    [(1, 1), (1.0, 1), ("1", 1), ("1.0", 1), ("1회", 1), ("1번", 1), ("１", 1), ("-", 0),
     ("0회", 0), ("2회", 2), ("1.5", None), ("한번", None), (True, None), (-1, None)],
)  # fmt: skip
def test_count_cells(value: object, count: int | None) -> None:
    """A 횟수 cell as people write it: a count, or None when it is not one."""
    from silson_tools.receipts.kinds import parse_count

    assert parse_count(value)[0] == count
