"""Rows whose place or shape moved a receipt's numbers without a word: receipt lines above
the header (a sort that took the header along), a CSV thousands separator that split an
amount without adding a field, a CSV record shorter than the header, and a sheet that
continues the table without a header. Each is refused at its place; the look-alikes that
are fine (title and unit rows, quoted amounts, a trailing 비고 left out) are still read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from three_ways import read_alike

from silson_tools.errors import ReceiptError
from silson_tools.receipts import read_receipts

HEAD = [
    "이름",
    "진료일자",
    "진료구분",
    "요양기관종류",
    "병원명",
    "본인부담금",
    "공단부담금",
    "비급여",
]
LINE = "나,2024-03-05,외래,의원,가의원,15000,20000,50000"


def _csv(tmp_path: Path, text: str, name: str = "t.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _xlsx(tmp_path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
    path = tmp_path / "t.xlsx"
    book.save(path)
    return path


def _refused(path: Path, **kw: Any) -> list[Any]:
    with pytest.raises(ReceiptError) as err:
        read_receipts(path, **kw)
    return err.value.problems


# --- receipt lines above the header ------------------------------------------------------

SORTED = [
    ["나래", dt.datetime(2024, 3, 5), "외래", "의원", "가의원", 15000, 20000, 50000],
    ["아빠", dt.datetime(2024, 3, 6), "외래", "의원", "나의원", 15000, 20000, 80000],
    ["엄마", dt.datetime(2024, 4, 2), "외래", "종합병원", "큰병원", 30000, 30000, 100000],
    HEAD,
    ["하늘", dt.datetime(2024, 5, 1), "외래", "의원", "다의원", 15000, 20000, 50000],
]


def test_lines_above_the_header_are_refused_at_their_rows_csv(tmp_path: Path) -> None:
    text = "\n".join(",".join(c.strftime("%Y-%m-%d") if isinstance(c, dt.datetime) else str(c)
                               for c in row) for row in SORTED) + "\n"  # fmt: skip
    problems = _refused(_csv(tmp_path, text))
    assert [p.row for p in problems] == [1, 2, 3]
    assert all(p.column == "B열 '진료일자'" and "머리글" in p.expected for p in problems)
    assert problems[0].value == "2024-03-05"
    assert "sorted with the header" in problems[0].expected


def test_lines_above_the_header_are_refused_xlsx(tmp_path: Path) -> None:
    problems = _refused(_xlsx(tmp_path, {"영수증": SORTED}))
    assert [p.row for p in problems] == [1, 2, 3]
    assert problems[2].column == "B열 '진료일자'"


def test_a_line_above_the_header_with_a_date_that_does_not_read(tmp_path: Path) -> None:
    text = "나래,3월 5일,외래,의원,가의원,15000,20000,50000\n" + ",".join(HEAD) + "\n" + LINE + "\n"
    problems = _refused(_csv(tmp_path, text))
    assert [(p.row, p.value) for p in problems] == [(1, "3월 5일")]


def test_title_unit_and_memo_rows_above_the_header_are_still_read(tmp_path: Path) -> None:
    text = ("2024년 가족 병원비\n(단위: 원)\n,2024-01-01\n기간,2024-01-01,~,2024-12-31\n"
            + ",".join(HEAD) + "\n" + LINE + "\n")  # fmt: skip
    lines = read_receipts(_csv(tmp_path, text))
    assert len(lines) == 1
    assert int(lines["noncovered"].iloc[0]) == 50000


# --- a split thousands group that did not add a field --------------------------------------


def test_split_amount_under_a_trailing_note_column_is_refused(tmp_path: Path) -> None:
    text = (",".join([*HEAD, "비고"]) + "\n" + LINE + ",\n"
            "나,2024-03-06,외래,의원,가의원,15,000,20000,50000\n")  # fmt: skip
    problems = _refused(_csv(tmp_path, text))
    assert len(problems) == 1
    p = problems[0]
    assert (p.row, p.column, p.value) == (3, "F열 '본인부담금'", "15,000")
    assert "quote the number or remove the separators" in p.expected


@pytest.mark.parametrize("last", ["진료과", "방문묶음"])
def test_split_amount_under_a_read_last_column_is_refused(tmp_path: Path, last: str) -> None:
    text = ",".join([*HEAD, last]) + "\n나,2024-03-06,외래,의원,가의원,15,000,20000,50000\n"
    problems = _refused(_csv(tmp_path, text))
    assert [(p.row, p.value) for p in problems if "separators" in p.expected] == [(2, "15,000")]


def test_split_tail_under_a_name_column_is_refused(tmp_path: Path) -> None:
    """④ 15,500 unquoted in the last amount column: "500" lands in 진료과 (no 진료과 is a
    number), where it was read as a department and ④ as 15."""
    text = ",".join([*HEAD, "진료과"]) + "\n나,2024-03-05,외래,의원,가의원,15000,20000,15,500\n"
    problems = _refused(_csv(tmp_path, text))
    assert [(p.row, p.column, p.value) for p in problems] == [(2, "H열 '비급여'", "15,500")]


def test_split_amount_with_a_skipped_field_is_refused(tmp_path: Path) -> None:
    head = "이름,진료일자,진료구분,요양기관종류,병원명,본인부담금,비급여,공단부담금"
    problems = _refused(_csv(tmp_path, head + "\n나,2024-03-06,외래,의원,가의원,15,000,50000\n"))
    assert [(p.row, p.column, p.value) for p in problems] == [(2, "F열 '본인부담금'", "15,000")]


def test_split_three_digit_tail_needs_a_stray_number_in_a_blank_note(tmp_path: Path) -> None:
    """15 and 500 side by side under a 천원 unit are two amounts; with a number left in a
    mostly blank 비고 they are a split 15,500."""
    head = ",".join([*HEAD, "비고"]).replace("공단부담금", "공단부담금(천원)")
    head = head.replace("본인부담금", "본인부담금(천원)").replace("비급여", "비급여(천원)")
    fine = (
        head
        + "\n나,2024-03-05,외래,의원,가의원,15,500,50,\n나,2024-03-06,외래,의원,가의원,9,20,5,\n"
    )
    lines = read_receipts(_csv(tmp_path, fine))
    assert lines["covered_copay"].tolist() == [15000, 9000]
    shifted = fine.replace("15,500,50,", "15,500,20,50")
    problems = _refused(_csv(tmp_path, shifted, "s.csv"))
    assert [(p.row, p.value) for p in problems] == [(2, "15,500")]


def test_quoted_amounts_are_read(tmp_path: Path) -> None:
    text = ",".join([*HEAD, "비고"]) + '\n나,2024-03-06,외래,의원,가의원,"15,000","20,000",50000,\n'
    lines = read_receipts(_csv(tmp_path, text))
    assert lines["covered_copay"].tolist() == [15000]
    assert lines["nhis_paid"].tolist() == [20000]


def test_quoted_short_amounts_are_not_a_split(tmp_path: Path) -> None:
    """Quoted fields were not split by the comma between them, and a 입원일수 at the end is
    no 비고: "0","100" (or 0,100) beside a mostly blank 입원일수 is two amounts."""
    head = ",".join([*HEAD, "입원일수"]).replace("진료구분,", "진료구분,").replace("외래", "")
    rows = [
        '"나","2024-03-05","입원","의원","가의원","0","100","50","3"',
        '"나","2024-04-05","외래","의원","가의원","0","100","50",""',
        '"나","2024-05-05","외래","의원","가의원","0","100","50",""',
    ]
    lines = read_receipts(_csv(tmp_path, head + "\n" + "\n".join(rows) + "\n"))
    assert lines["nhis_paid"].tolist() == [100, 100, 100]
    unquoted = head + "\n" + "\n".join(r.replace('"', "") for r in rows) + "\n"
    assert read_receipts(_csv(tmp_path, unquoted, "u.csv"))["nhis_paid"].tolist() == [100] * 3
    split = unquoted.replace("0,100,50,3", "1,500,100,50,3").replace("입원일수", "비고")
    split = split.replace(",입원,", ",외래,")
    assert [p.value for p in _refused(_csv(tmp_path, split, "s.csv"))] == ["1,500"]
    quoted = split.replace("1,500,100,50,3", '"1","500",50,3')
    assert read_receipts(_csv(tmp_path, quoted, "q.csv"))["covered_copay"].tolist() == [1, 0, 0]


# --- a record shorter than the header ------------------------------------------------------


def test_short_record_is_refused_naming_the_field_counts(tmp_path: Path) -> None:
    text = ",".join(HEAD) + "\n" + LINE + "\n나,2024-03-06,외래,의원,가의원,15000,50000\n"
    problems = _refused(_csv(tmp_path, text))
    assert len(problems) == 1
    p = problems[0]
    assert (p.row, p.column) == (3, "H열 '비급여'")
    assert "expected 8, found 7" in p.expected


def test_short_record_is_refused_with_quoted_fields_and_crlf(tmp_path: Path) -> None:
    text = (",".join(HEAD) + "\r\n" + '나,2024-03-05,외래,의원,"가의원, 2층","15,000",20000,50000'
            + '\r\n나,2024-03-06,외래,의원,"가의원\r\n2층","15,000",50000\r\n')  # fmt: skip
    problems = _refused(_csv(tmp_path, text))
    assert [(p.row, p.column) for p in problems] == [(3, "H열 '비급여'")]


def test_short_record_row_number_counts_blank_lines_and_quoted_breaks(tmp_path: Path) -> None:
    """The row named is the record a spreadsheet shows (a quoted line break stays in its
    row, a blank line is a row): header 1, lines 2 and 4, blank 3, the short record 5."""
    text = (",".join([*HEAD, "비고"]) + "\n" + LINE + ',"두 줄\n메모"\n\n' + LINE + ",\n"
            + "나,2024-03-06,외래,의원,가의원,15000,50000\n")  # fmt: skip
    problems = _refused(_csv(tmp_path, text))
    assert [(p.row, p.column) for p in problems] == [(5, "H열 '비급여'")]
    assert "expected 9, found 7" in problems[0].expected


def test_a_trailing_note_left_out_is_read(tmp_path: Path) -> None:
    text = (
        ",".join([*HEAD, "비고"])
        + "\n"
        + LINE
        + ",첫 방문\n"
        + LINE.replace("03-05", "03-07")
        + "\n"
    )
    lines = read_receipts(_csv(tmp_path, text))
    assert len(lines) == 2
    assert lines["noncovered"].tolist() == [50000, 50000]


def test_full_rows_read_alike_three_ways(tmp_path: Path) -> None:
    rows = [["나", "2024-03-05", "외래", "의원", "가의원", 15000, 20000, 50000, ""]]
    for got in read_alike(tmp_path, [*HEAD, "비고"], rows):
        assert got["noncovered"].tolist() == [50000]


def test_a_pandas_index_column_is_read_as_row_numbers(tmp_path: Path) -> None:
    frame = pd.DataFrame([LINE.split(","), LINE.replace("03-05", "03-09").split(",")], columns=HEAD)
    path = tmp_path / "pd.csv"
    frame.to_csv(path, index=True)
    lines = read_receipts(path)
    assert lines["noncovered"].tolist() == [50000, 50000]
    assert any("line numbers 0, 1" in n for n in lines.attrs["source"]["notes"])
    gap = path.read_text(encoding="utf-8").replace("\n1,", "\n3,")
    problems = _refused(_csv(tmp_path, gap, "gap.csv"))
    assert [(p.row, p.column) for p in problems] == [
        (2, "A열 (머리글 없음, no header)"),
        (3, "A열 (머리글 없음, no header)"),
    ]


# --- a sheet that continues the table without a header ---------------------------------------

CONT = {
    "영수증": [
        HEAD,
        ["나래", dt.datetime(2024, 3, 5), "외래", "의원", "가의원", 15000, 20000, 50000],
    ],
    "Sheet2": [
        ["아빠", dt.datetime(2024, 9, 5), "외래", "의원", "나의원", 15000, 20000, 80000],
        ["엄마", dt.datetime(2024, 9, 6), "외래", "종합병원", "큰병원", 30000, 30000, 100000],
    ],
}


def test_a_headerless_continuation_sheet_is_refused(tmp_path: Path) -> None:
    problems = _refused(_xlsx(tmp_path, CONT))
    assert len(problems) == 1
    p = problems[0]
    assert p.file == "t.xlsx, 시트 'Sheet2'"
    assert p.row == 1 and p.column.startswith("B열")
    assert "2 row(s) that look like receipt lines" in p.expected


def test_a_chosen_sheet_notes_the_headerless_one(tmp_path: Path) -> None:
    lines = read_receipts(_xlsx(tmp_path, CONT), sheet="영수증")
    assert len(lines) == 1
    assert any("'Sheet2'" in n and "no header" in n for n in lines.attrs["source"]["notes"])


def test_a_memo_sheet_is_not_a_continuation(tmp_path: Path) -> None:
    sheets = {
        "영수증": CONT["영수증"],
        "메모": [["보험사 전화", "1588-0000"], ["2024-03-05", "청구함"]],
    }
    lines = read_receipts(_xlsx(tmp_path, sheets))
    assert len(lines) == 1


# --- the delimiter, with a title row above the header ------------------------------------------


@pytest.mark.parametrize("sep", ["\t", ";"])
def test_a_title_row_does_not_decide_the_delimiter(tmp_path: Path, sep: str) -> None:
    text = "2024년 병원비, 우리 가족\n" + sep.join(HEAD) + "\n" + LINE.replace(",", sep) + "\n"
    lines = read_receipts(_csv(tmp_path, text))
    assert lines["noncovered"].tolist() == [50000]
