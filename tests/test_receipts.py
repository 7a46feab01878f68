"""read_receipts: formats, encodings, header/value aliases, and one message per malformed file.

Receipt columns ①–⑤ follow the form 진료비 계산서·영수증, 국민건강보험 요양급여의 기준에 관한
규칙 [별지 제6호서식] <개정 2024.7.18> (https://www.law.go.kr). Every
read goes through ``read_checked``, which asserts the file's SHA-256 is unchanged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from silson_tools.receipts import (
    ReceiptError,
    ReceiptProblem,
    load_aliases,
    normalize,
    read_receipts,
)
from silson_tools.schema import CANONICAL_COLUMNS, CATEGORIES, INTEGER_COLUMNS, SETTINGS, TIERS

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"

HEADER = (
    "이름,진료일자,진료구분,요양기관종류,병원명,항목,입원일수,"  # who, when, where, what
    "본인부담금,공단부담금,전액본인부담,비급여"  # receipt columns ① ② ③ ④
)
GOOD_LINES = [
    "지훈,2024-03-05,외래,의원급,A의원,도수치료,,5000,11660,0,100000",
    "지훈,2024-03-05,약국,약국,B약국,,,3000,7000,0,0",
    "영숙,2024-04-08,입원,상급종합병원,C병원,상급병실,7,0,0,0,1750000",
]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_checked(path: Path, **options: Any) -> pd.DataFrame:
    """read_receipts, asserting the input file's bytes are the same before and after."""
    before = sha256(path)
    mtime = path.stat().st_mtime_ns
    try:
        return read_receipts(path, **options)
    finally:
        assert sha256(path) == before, f"{path} changed while being read"
        assert path.stat().st_mtime_ns == mtime


def write_csv(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def write_xlsx(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def problems_of(path: Path, **options: Any) -> tuple[list[ReceiptProblem], str]:
    with pytest.raises(ReceiptError) as info:
        read_checked(path, **options)
    assert isinstance(info.value, ValueError)
    return info.value.problems, str(info.value)


# --- malformed files: each case names the row, column and value it must report ----------


@dataclass
class Case:
    name: str
    make: Any  # (tmp_path) -> Path
    row: int | None
    column: str | None  # a fragment of the column reference, e.g. "H열 '본인부담금'"
    value: Any
    expected: str  # a fragment of what was expected
    options: dict[str, Any] = field(default_factory=dict)
    count: int = 1


def _csv(*lines: str, encoding: str = "utf-8", name: str = "receipts.csv") -> Any:
    return lambda tmp: write_csv(tmp / name, list(lines), encoding)


def _raw(data: bytes, name: str = "receipts.csv") -> Any:
    def make(tmp: Path) -> Path:
        path = tmp / name
        path.write_bytes(data)
        return path

    return make


def _xlsx(sheets: dict[str, list[list[Any]]]) -> Any:
    return lambda tmp: write_xlsx(tmp / "receipts.xlsx", sheets)


ROWS = [r.split(",") for r in [HEADER, *GOOD_LINES]]

CASES = [
    Case(
        "missing_column",
        _csv("진료일자,진료구분,요양기관종류,본인부담금", "2024-03-05,외래,의원,5000"),
        1,
        None,
        None,
        "④ 비급여 (noncovered) 열이 필요합니다",
    ),
    Case(
        "unknown_tier",
        _csv(HEADER, GOOD_LINES[0], "지훈,2024-03-06,외래,동물병원,D,,,5000,0,0,0"),
        3,
        "D열 '요양기관종류'",
        "동물병원",
        "요양기관종류 (tier) 값 중 하나",
    ),
    Case(
        "abc_in_amount",
        _csv(HEADER, "지훈,2024-03-05,외래,의원급,A의원,,,abc,0,0,0"),
        2,
        "H열 '본인부담금'",
        "abc",
        "금액 (amount in won",
    ),
    Case(
        "negative_amount",
        _csv(
            HEADER, GOOD_LINES[0], GOOD_LINES[1], "지훈,2024-03-07,외래,의원급,A,,,5000,0,0,-20000"
        ),
        4,
        "K열 '비급여'",
        "-20000",
        "negative amounts are not allowed",
    ),
    Case(
        "impossible_date",
        _csv(HEADER, "지훈,2024-02-30,외래,의원급,A,,,5000,0,0,0"),
        2,
        "B열 '진료일자'",
        "2024-02-30",
        "does not exist",
    ),
    Case(
        "text_date",
        _csv(HEADER, GOOD_LINES[0], "지훈,지난주 화요일,외래,의원급,A,,,5000,0,0,0"),
        3,
        "B열 '진료일자'",
        "지난주 화요일",
        "날짜 (date, e.g. 2024-03-05",
    ),
    Case("empty_file", _raw(b""), None, None, None, "the file is empty"),
    Case("blank_lines_only", _raw(b"\r\n  \r\n\r\n"), None, None, None, "the file is empty"),
    Case("header_only", _csv(HEADER), 1, None, None, "no receipt lines below the header"),
    Case(
        "duplicate_header",
        _csv(HEADER + ",본인부담금", GOOD_LINES[0] + ",5000"),
        1,
        "L열 '본인부담금'",
        None,
        "only one column for this; H열 '본인부담금' already is",
    ),
    Case(
        "same_column_twice_by_alias",
        _csv("진료일,진료구분,요양기관종류,본인부담금,①,비급여", "2024-03-05,외래,의원,1,1,0"),
        1,
        "E열 '①'",
        None,
        "only one column for this; D열 '본인부담금' already is",
    ),
    Case(
        "wrong_encoding_named",
        _csv(
            "date,setting,tier,covered_copay,noncovered",
            "2024-03-05,outpatient,clinic,0,0",
            "2024-03-06,외래,의원,5000,0",
            encoding="cp949",
        ),
        3,
        None,
        b"\xbf\xdc\xb7\xa1",
        "this file looks like cp949",
        options={"encoding": "utf-8"},
    ),
    Case(
        "undecodable_bytes",
        _raw(
            "진료일,진료구분,요양기관종류,본인부담금,비급여\n".encode()
            + b"2024-03-05,\x80\x80,x,1,1\n"
        ),
        2,
        None,
        b"\x80\x80,x",
        "text in UTF-8 or cp949/EUC-KR",
    ),
    Case(
        "xlsx_two_data_sheets",
        _xlsx({"2024": ROWS, "2023": ROWS}),
        None,
        None,
        None,
        "sheets '2024', '2023' each have one",
    ),
    Case(
        "cell_right_of_the_header",
        _xlsx({"진료비": [ROWS[0], [*ROWS[1], "메모"]]}),
        2,
        "L열 (머리글 없음, no header)",
        "메모",
        "a value under a header",
    ),
    Case(
        "xlsx_unknown_sheet",
        _xlsx({"진료비": ROWS}),
        None,
        None,
        "2024",
        "a sheet in this file: '진료비'",
        options={"sheet": "2024"},
    ),
    Case(
        "mixed_won_and_man_units",
        _csv(
            "진료일,진료구분,요양기관종류,본인부담금(만원),비급여(만원)",
            "2024-03-05,외래,의원,0.5,10",
            '2024-03-06,외래,의원,"12,000원",0',
        ),
        3,
        "D열 '본인부담금(만원)'",
        "12,000원",
        "do not mix units",
    ),
    Case(
        "bare_decimal_in_won_column",
        _csv(HEADER, "지훈,2024-03-05,외래,의원급,A,,,5000,0,0,1.5"),
        2,
        "K열 '비급여'",
        "1.5",
        "write 1.5만원",
    ),
    Case(
        "inpatient_days_on_outpatient_line",
        _csv(HEADER, GOOD_LINES[0], "영숙,2024-04-08,외래,종합병원,C,,3,50000,0,0,0"),
        3,
        "G열 '입원일수'",
        3,
        "inpatient days only on 입원 lines",
    ),
    Case(
        "private_room_without_days",
        _csv(HEADER, "영숙,2024-04-08,입원,종합병원,C,상급병실,,0,0,0,700000"),
        2,
        "F열 '항목'",
        "상급병실",  # the cell as written, not the code
        "needs 입원일수 > 0",
    ),
    Case(
        "required_value_blank",
        _csv(HEADER, GOOD_LINES[0], "지훈,,외래,의원급,A,,,5000,0,0,0"),
        3,
        "B열 '진료일자'",
        None,
        "a value is required",
    ),
    Case(
        "unknown_setting",
        _csv(HEADER, "지훈,2024-03-05,응급,의원급,A,,,5000,0,0,0"),
        2,
        "C열 '진료구분'",
        "응급",
        "진료구분 (setting: 입원/외래/약국) 값 중 하나",
    ),
    Case(
        "unknown_category",
        _csv(HEADER, "지훈,2024-03-05,외래,의원급,A,침술,,5000,0,0,0"),
        2,
        "F열 '항목'",
        "침술",
        "항목 (category) 값 중 하나",
    ),
    Case(
        "unquoted_thousands_separator",
        _csv(HEADER, "지훈,2024-03-05,외래,의원급,A,,,12,000,0,0,0"),
        2,
        "H열 '본인부담금'",
        "12,000",
        "the unquoted amount 12,000 was split into 2 fields",
    ),
    Case(
        "total_row_at_the_bottom",
        _csv(HEADER, GOOD_LINES[0], "합계,,,,,,,5000,11660,0,100000"),
        3,
        "A열 '이름'",
        "합계",
        "합계·소계 줄",
        count=1,  # one problem saying it is a total row (its amounts equal row 2's)
    ),
    Case(
        "total_word_in_date_column",
        _csv(
            "진료일,진료구분,요양기관종류,본인부담금,비급여",
            "2024-03-05,외래,의원,5000,0",
            "합계,외래,의원,5000,0",
        ),
        3,
        "A열 '진료일'",
        "합계",
        "delete total rows",
    ),
    Case(
        "old_xls_file",
        _raw(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, name="receipts.xls"),
        None,
        None,
        None,
        "save as .xlsx",
    ),
    Case(
        "circled_number_contradicts_name",
        _csv("진료일,진료구분,요양기관종류,②본인부담금,비급여", "2024-03-05,외래,의원,5000,0"),
        1,
        "D열 '②본인부담금'",
        None,
        "the circled number and the name in this header mean different receipt columns",
        count=2,  # and then ① is missing
    ),
    Case(
        "pharmacy_tier_on_outpatient_line",
        _csv(HEADER, "지훈,2024-03-05,외래,약국,B약국,,,3000,7000,0,0"),
        2,
        "D열 '요양기관종류'",
        "약국",  # the cell as written, not the code
        "tier 약국 goes with pharmacy lines",
    ),
    Case(
        "over_ceiling_above_copay",
        _csv(
            "진료일,진료구분,요양기관종류,본인부담금,비급여,상한액초과금",
            "2024-03-05,입원,상급종합,100000,0,200000",
        ),
        2,
        "F열 '상한액초과금'",
        200000,
        "at most ①",
    ),
    Case(
        "xlsx_fractional_won",
        _xlsx({"진료비": [ROWS[0], [*ROWS[1][:7], 5000.5, *ROWS[1][8:]]]}),
        2,
        "H열 '본인부담금'",
        5000.5,
        "a whole number of won",
    ),
    Case(
        "no_header_row",
        _csv("가,나,다", "1,2,3"),
        None,
        None,
        ["가", "나", "다"],
        "no header row found",
    ),
    Case(
        "unknown_person",
        _csv(HEADER, *GOOD_LINES),
        None,
        "이름 (person)",
        "철수",
        "a person in this file: '영숙', '지훈'",
        options={"person": "철수"},
    ),
    Case(
        "unknown_encoding_name",
        _csv(HEADER, *GOOD_LINES),
        None,
        None,
        "klingon",
        "a known encoding",
        options={"encoding": "klingon"},
    ),
    Case(
        "sheet_option_on_csv",
        _csv(HEADER, *GOOD_LINES),
        None,
        None,
        "진료비",
        "sheet= applies to XLSX files only",
        options={"sheet": "진료비"},
    ),
    Case(
        "amount_too_large",  # 20억원: above money.MAX_LINE_WON (10억원), the one line limit
        _csv(HEADER, "지훈,2024-03-05,외래,의원급,A,,,5000,0,0,2000000000"),
        2,
        "K열 '비급여'",
        "2000000000",
        "an amount of at most 1,000,000,000 won",
    ),
    Case(
        "days_not_a_number",
        _csv(HEADER, "영숙,2024-04-08,입원,종합병원,C,,삼일,50000,0,0,0"),
        2,
        "G열 '입원일수'",
        "삼일",
        "whole number of days",
    ),
]


CASES.append(
    Case(
        "setting_values_under_a_category_header",
        _csv(
            "진료일,구분,진료구분,요양기관종류,본인부담금,비급여",
            "2024-03-05,외래,외래,의원,5000,0",
        ),
        2,
        "B열 '구분'",
        "외래",
        "this looks like a setting value: check the header",
    )
)
CASES.append(
    Case(
        "xlsx_blank_and_ragged_rows",
        _xlsx({"진료비": [ROWS[0], [None] * 11, [*ROWS[1], None, "메모?"]]}),
        3,
        "M열 (머리글 없음, no header)",
        "메모?",
        "a value under a header",
    )
)


CASES.append(
    Case(
        "encoding_option_on_xlsx",
        _xlsx({"진료비": ROWS}),
        None,
        None,
        "cp949",
        "encoding= applies to CSV files only",
        options={"encoding": "cp949"},
    )
)


CASES.append(
    Case(
        "value_under_an_empty_header_cell",
        _csv(
            "진료일,진료구분,,요양기관종류,본인부담금,비급여",
            "2024-03-05,외래,,의원,5000,0",
            "2024-03-06,외래,감기,의원,5000,0",
        ),
        3,
        "C열 (머리글 없음, no header)",
        "감기",
        "give this column a header, or clear the value",
    )
)


def test_there_are_at_least_twenty_malformed_cases() -> None:
    assert len(CASES) >= 20


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_malformed_file_gets_a_message_naming_row_column_value(case: Case, tmp_path: Path) -> None:
    path = case.make(tmp_path)
    problems, message = problems_of(path, **case.options)
    assert len(problems) == case.count, message
    problem = problems[0]
    assert problem.file == path.name
    assert problem.row == case.row, message
    if case.column is None:
        assert problem.column is None, message
    else:
        assert case.column in problem.column, message
        assert case.column in message
    assert problem.value == case.value, message
    assert case.expected in problem.expected, message
    assert case.expected in message
    assert path.name in message
    if case.row is not None:
        assert f"{case.row}행 (row {case.row})" in message or f"{case.row}행 (rows" in message


def test_every_problem_in_the_file_is_reported_together(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "many.csv",
        [
            HEADER,
            "지훈,2024-13-01,외래,의원급,A,,,5000,0,0,0",  # row 2: month 13
            "지훈,2024-03-05,외래,의원급,A,,,abc,0,0,0",  # row 3: abc
            GOOD_LINES[0],  # row 4: fine
            "지훈,2024-03-06,외래,상급,A,도수,,5000,0,0,-1",  # row 5: negative
            "지훈,2024-03-07,외래,우주병원,B,,,5000,0,0,0",  # row 6: tier
        ],
    )
    problems, message = problems_of(path)
    assert [(p.row, p.value) for p in problems] == [
        (2, "2024-13-01"),
        (3, "abc"),
        (5, "-1"),
        (6, "우주병원"),
    ]
    for row in (2, 3, 5, 6):
        assert f"{row}행 (row {row})" in message
    assert "문제 4건 (4 problems)" in message


def test_the_same_problem_on_many_rows_is_grouped_but_each_row_is_kept(tmp_path: Path) -> None:
    lines = [HEADER] + [f"지훈,2024-03-{d:02d},외래,우주병원,A,,,5000,0,0,0" for d in range(1, 21)]
    path = write_csv(tmp_path / "same.csv", lines)
    problems, message = problems_of(path)
    assert [p.row for p in problems] == list(range(2, 22))
    assert "2, 3, 4, 5, 6, 7, 8, 9 외 12행 (+12 more)" in message
    assert "(rows; 20건)" in message


def test_header_below_title_rows_keeps_spreadsheet_row_numbers(tmp_path: Path) -> None:
    lines = ["2024년 우리 가족 진료비", "", HEADER, GOOD_LINES[0], "", GOOD_LINES[1]]
    path = write_csv(tmp_path / "titled.csv", lines)
    frame = read_checked(path)
    assert frame.index.tolist() == [4, 6]
    assert frame.index.name == "row"
    source = frame.attrs["source"]
    assert source["header_row"] == 3
    assert source["blank_rows"] == [5]
    bad = write_csv(
        tmp_path / "titled_bad.csv", [*lines, "지훈,2024-03-09,외래,의원급,A,,,x,0,0,0"]
    )
    problems, _ = problems_of(bad)
    assert [p.row for p in problems] == [7]


# --- what a good file turns into ----------------------------------------------------------


def test_good_file_has_canonical_columns_and_dtypes(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "good.csv", [HEADER, *GOOD_LINES])
    frame = read_checked(path)
    assert list(frame.columns) == list(CANONICAL_COLUMNS)
    for column in INTEGER_COLUMNS:
        assert frame[column].dtype == np.int64, column
    assert pd.api.types.is_datetime64_dtype(frame["date"])
    for column in ("person", "setting", "tier", "institution", "category"):
        assert pd.api.types.is_string_dtype(frame[column]), column
    assert frame["setting"].tolist() == ["outpatient", "pharmacy", "inpatient"]
    assert frame["tier"].tolist() == ["clinic", "pharmacy", "tertiary"]
    assert frame["category"].tolist() == ["manual_therapy", "", "room_upgrade"]
    assert frame["days"].tolist() == [0, 0, 7]
    assert frame["noncovered"].tolist() == [100_000, 0, 1_750_000]
    assert frame["over_ceiling"].tolist() == [0, 0, 0]  # column absent → default 0
    assert frame.attrs["source"]["defaulted"] == [
        "over_ceiling", "visit", "department", "severe", "diagnosis"
    ]


@pytest.mark.parametrize(
    ("text", "won"),
    [
        ("12000", 12_000),
        ('"12,000"', 12_000),
        ('"12,000원"', 12_000),
        ("1.5만원", 15_000),
        ("808만원", 8_080_000),
        ('"1,050만 원"', 10_500_000),
        ('"₩12,000"', 12_000),
        (" - ", 0),  # Excel's accounting format writes zero as "-"
        ("0", 0),
    ],
)
def test_amount_spellings(text: str, won: int, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "amounts.csv",
        ["진료일,진료구분,요양기관종류,본인부담금,비급여", f"2024-03-05,외래,의원,1000,{text}"],
    )
    assert read_checked(path)["noncovered"].tolist() == [won]


def test_header_in_man_won_scales_bare_numbers(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "man.csv",
        [
            "진료일,진료구분,요양기관종류,본인부담금 (만원),비급여[만원]",
            "2024-03-05,외래,의원,0.45,1.5만원",
        ],
    )
    frame = read_checked(path)
    assert frame["covered_copay"].tolist() == [4_500]
    assert frame["noncovered"].tolist() == [15_000]
    assert frame.attrs["source"]["units"] == {"covered_copay": "만원", "noncovered": "만원"}


@pytest.mark.parametrize(
    "text",
    [
        "2024-03-05",
        "2024.03.05",
        "2024. 3. 5.",
        "2024/3/5",
        "20240305",
        "2024년 3월 5일",
        "45356",
        "2024-03-05 00:00:00",
    ],
)
def test_date_spellings(text: str, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "dates.csv",
        ["진료일,진료구분,요양기관종류,본인부담금,비급여", f"{text},외래,의원,1000,0"],
    )
    assert read_checked(path)["date"].tolist() == [pd.Timestamp("2024-03-05")]


def test_xlsx_dates_numbers_and_serials(tmp_path: Path) -> None:
    rows = [
        ["진료일", "진료구분", "요양기관종류", "본인부담금", "비급여", "입원일수"],
        [dt.datetime(2024, 3, 5), "입원", "병원", 12000, 0.0, 3],
        [45357, "외래", "의원", "12,000원", 30000, None],  # a date typed as a number
        [20240307, "외래", "의원", 1000.0, "1.5만원", 0],
        ["2024.03.08", "약국", "약국", 900, 0, None],
    ]
    path = write_xlsx(tmp_path / "cells.xlsx", {"Sheet1": rows})
    frame = read_checked(path)
    assert frame["date"].dt.day.tolist() == [5, 6, 7, 8]
    assert frame["covered_copay"].tolist() == [12_000, 12_000, 1_000, 900]
    assert frame["noncovered"].tolist() == [0, 30_000, 15_000, 0]
    assert frame["days"].tolist() == [3, 0, 0, 0]


def test_xlsx_named_sheet_and_index(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "two.xlsx", {"메모": [["메모"]], "진료비": ROWS})
    by_name = read_checked(path, sheet="진료비")
    by_index = read_checked(path, sheet=1)
    pd.testing.assert_frame_equal(by_name, by_index)
    assert len(by_name) == 3
    assert by_name.attrs["source"]["sheet"] == "진료비"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp949"])
@pytest.mark.parametrize("named", [False, True])
def test_encodings_detected_or_named(encoding: str, named: bool, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "enc.csv", [HEADER, *GOOD_LINES], encoding=encoding)
    frame = read_checked(path, encoding=encoding if named else None)
    assert frame["person"].tolist() == ["지훈", "지훈", "영숙"]
    assert frame["institution"].tolist() == ["A의원", "B약국", "C병원"]


def test_euc_kr_name_reads_cp949_extensions(tmp_path: Path) -> None:
    # '똠' is in cp949 but not in strict EUC-KR; Excel's "EUC-KR" files are really cp949.
    path = write_csv(
        tmp_path / "euckr.csv", [HEADER, GOOD_LINES[0].replace("A의원", "똠의원")], encoding="cp949"
    )
    assert read_checked(path, encoding="euc-kr")["institution"].tolist() == ["똠의원"]


def test_utf16_tab_separated_from_excel_unicode_text(tmp_path: Path) -> None:
    text = "\n".join(line.replace(",", "\t") for line in [HEADER, *GOOD_LINES]) + "\n"
    path = tmp_path / "unicode.txt"
    path.write_bytes(text.encode("utf-16"))
    assert len(read_checked(path)) == 3


def test_english_headers_and_values(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "english.csv",
        [
            "Person,Date,Setting,Tier,Covered Copay,NHIS paid,Full copay,Non-covered,Days,Category",
            "kim,2024-03-05,outpatient,general,5000,5000,0,550000,,MRI",
            "kim,2024-04-08,inpatient,tertiary,0,0,0,700000,7,room_upgrade",
        ],
    )
    frame = read_checked(path)
    assert frame["category"].tolist() == ["mri", "room_upgrade"]
    assert frame["tier"].tolist() == ["general", "tertiary"]


def test_unknown_columns_are_listed_not_silently_dropped(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "extra.csv",
        [
            "진료일,진료구분,요양기관종류,본인부담금,비급여,메모,환자부담총액",
            "2024-03-05,외래,의원,1000,0,감기,1000",
        ],
    )
    source = read_checked(path).attrs["source"]
    assert source["ignored_columns"] == ["메모"]  # 환자부담총액 is checked: ① − ⑤ + ③ + ④
    assert any("checks" in n and "환자부담총액" in n for n in source["notes"])


def test_person_filter_validates_the_whole_file_first(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", [HEADER, *GOOD_LINES])
    frame = read_checked(path, person="영숙")
    assert frame.index.tolist() == [4]
    bad = write_csv(
        tmp_path / "pb.csv", [HEADER, *GOOD_LINES, "지훈,2024-03-09,외래,x,A,,,1,0,0,0"]
    )
    problems, _ = problems_of(bad, person="영숙")  # 지훈's bad line still reported
    assert [p.row for p in problems] == [5]


def test_missing_file_is_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no such receipt file"):
        read_receipts(tmp_path / "nope.csv")


# --- the shipped samples ------------------------------------------------------------------


def test_three_sample_formats_load_to_equal_frames() -> None:
    frames = [
        read_checked(SAMPLES / n) for n in ("receipts.csv", "receipts_cp949.csv", "receipts.xlsx")
    ]
    pd.testing.assert_frame_equal(frames[0], frames[1])
    pd.testing.assert_frame_equal(frames[0], frames[2])
    assert [f.attrs["source"]["encoding"] for f in frames] == ["utf-8", "cp949", None]
    assert sorted(frames[0]["person"].unique()) == ["서연", "영숙", "지훈"]


def test_samples_hold_what_the_personas_promise() -> None:
    frame = read_checked(SAMPLES / "receipts.csv")
    by = frame.groupby("person")
    worker = by.get_group("지훈")
    assert (worker["category"] == "manual_therapy").sum() >= 40  # weekly 도수치료
    assert (worker["category"] == "mri").sum() == 1
    parent = by.get_group("영숙")
    assert (parent["setting"] == "inpatient").sum() == 3  # two stays + the private room line
    room = parent[parent["category"] == "room_upgrade"]
    assert len(room) == 1 and room["days"].iloc[0] > 0
    # Above the 2024 본인부담상한액 of decile 8 (428만원; 국민건강보험공단 본인부담상한제,
    # https://www.nhis.or.kr/nhis/minwon/wbhapa01000m01.do?mode=view&articleNo=10946900).
    assert parent["covered_copay"].sum() > 4_280_000
    child = by.get_group("서연")
    assert (child["setting"] == "pharmacy").sum() >= 30
    assert frame["date"].dt.year.unique().tolist() == [2024]


def test_samples_are_regenerated_byte_identical(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_samples", SAMPLES / "make_samples.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules["make_samples"] = module
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    for path in module.write_all(tmp_path):
        assert path.read_bytes() == (SAMPLES / path.name).read_bytes(), path.name


# --- the alias data -------------------------------------------------------------------------


def test_alias_file_covers_every_column_and_value() -> None:
    aliases = load_aliases()
    assert set(aliases.columns.values()) == set(CANONICAL_COLUMNS)
    assert set(aliases.values["setting"].values()) == set(SETTINGS)
    assert set(aliases.values["tier"].values()) == set(TIERS)
    assert set(aliases.values["category"].values()) == set(CATEGORIES)
    # Header variants people's files use (the receipt form's names and numbers ①–⑤, common
    # short forms) all resolve.
    wanted = {
        "진료일": "date",
        "진료일자": "date",
        "날짜": "date",
        "요양기관종류": "tier",
        "병원종류": "tier",
        "본인부담금": "covered_copay",
        "①": "covered_copay",
        "공단부담금": "nhis_paid",
        "②": "nhis_paid",
        "전액본인부담": "full_copay",
        "③": "full_copay",
        "비급여": "noncovered",
        "④": "noncovered",
        "상한액초과금": "over_ceiling",
        "⑤": "over_ceiling",
        "항목": "category",
        "구분": "category",
        "입원일수": "days",
        "병원명": "institution",
    }
    for header, canonical in wanted.items():
        assert aliases.columns[normalize(header)] == canonical, header


def test_extra_alias_file_extends_the_mapping(tmp_path: Path) -> None:
    extra = tmp_path / "mine.toml"
    extra.write_text('[columns]\ndate = ["언제"]\n[values.tier]\nclinic = ["동네의원"]\n', "utf-8")
    path = write_csv(
        tmp_path / "mine.csv",
        ["언제,진료구분,요양기관종류,본인부담금,비급여", "2024-03-05,외래,동네의원,1000,0"],
    )
    with pytest.raises(ReceiptError):
        read_checked(path)
    assert read_checked(path, aliases=extra)["tier"].tolist() == ["clinic"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[columns]\ntier = ["진료일"]\n', "maps to both 'date' and 'tier'"),
        ('[columns]\nwhen = ["언제"]\n', "'when' is not a canonical column"),
        ('[values.tier]\nclinik = ["x"]\n', "'clinik' is not a known tier"),
        ('[colums]\ndate = ["x"]\n', "unknown section"),
    ],
)
def test_bad_alias_file_is_an_error_naming_the_key(text: str, message: str, tmp_path: Path) -> None:
    extra = tmp_path / "bad.toml"
    extra.write_text(text, "utf-8")
    with pytest.raises(ValueError, match=message):
        load_aliases(extra)


# --- property: whatever spelling a person uses, the same lines come back -------------------

SPELL_HEADER = {
    "person": ["이름", "성명", "person"],
    "date": ["진료일", "진료일자", "날짜", "date"],
    "setting": ["진료구분", "입원/외래", "setting"],
    "tier": ["요양기관종류", "병원종류", "tier"],
    "covered_copay": ["본인부담금", "①", "① 본인부담금", "covered_copay"],
    "nhis_paid": ["공단부담금", "②"],
    "full_copay": ["전액본인부담", "③"],
    "noncovered": ["비급여", "④", "비급여(원)"],
    "days": ["입원일수", "days"],
    "category": ["항목", "구분", "category"],
}
SPELL_SETTING = {
    "inpatient": ["입원", "inpatient"],
    "outpatient": ["외래", "통원"],
    "pharmacy": ["처방", "약국", "처방조제"],
}
SPELL_TIER = {
    "clinic": ["의원", "의원급"],
    "hospital": ["병원", "병원급"],
    "general": ["종합병원"],
    "tertiary": ["상급종합병원", "상급종합"],
}
SPELL_CATEGORY = {
    "": ["일반", "없음"],  # blank = 일반 only where no line above says otherwise: tested apart
    "manual_therapy": ["도수치료"],
    "mri": ["MRI", "mri"],
    "injection": ["주사"],
    "shockwave": ["체외충격파"],
    "prolotherapy": ["증식치료"],
}


def _spell_amount(draw: Any, won: int) -> str:
    options = [str(won), f"{won:,}", f"{won:,}원"]
    if won % 10_000 == 0 and won:
        options.append(f"{won // 10_000}만원")
    if won % 1_000 == 0 and won:
        options.append(f"{won / 10_000:g}만원")
    return draw(st.sampled_from(options))


def _spell_date(draw: Any, day: dt.date) -> str:
    return draw(
        st.sampled_from(
            [
                day.isoformat(),
                day.strftime("%Y.%m.%d"),
                f"{day.year}/{day.month}/{day.day}",
                day.strftime("%Y%m%d"),
            ]
        )
    )


@st.composite
def receipt_files(draw: Any) -> tuple[str, list[dict[str, Any]], str]:
    n = draw(st.integers(1, 12))
    lines = []
    for _ in range(n):
        setting = draw(st.sampled_from(list(SPELL_SETTING)))
        tier = draw(st.sampled_from(list(SPELL_TIER)))
        lines.append(
            {
                "person": draw(st.sampled_from(["지훈", "영숙", "서연"])),
                "date": dt.date(2024, 1, 1) + dt.timedelta(days=draw(st.integers(0, 365))),
                "setting": setting,
                "tier": tier,
                "covered_copay": draw(st.integers(0, 3_000_000)),
                "nhis_paid": draw(st.integers(0, 9_000_000)),
                "full_copay": draw(st.sampled_from([0, 1_000, 38_500])),
                "noncovered": draw(st.integers(0, 2_000)) * 1_000,
                "days": draw(st.integers(1, 30)) if setting == "inpatient" else 0,
                "category": draw(st.sampled_from(list(SPELL_CATEGORY))),
            }
        )
    order = draw(st.permutations(list(SPELL_HEADER)))
    headers = [draw(st.sampled_from(SPELL_HEADER[c])) for c in order]
    rows = [",".join(f'"{h}"' for h in headers)]
    for line in lines:
        cells = []
        for column in order:
            value = line[column]
            if column == "date":
                text = _spell_date(draw, value)
            elif column == "setting":
                text = draw(st.sampled_from(SPELL_SETTING[value]))
            elif column == "tier":
                text = draw(st.sampled_from(SPELL_TIER[value]))
            elif column == "category":
                text = draw(st.sampled_from(SPELL_CATEGORY[value]))
            elif column == "days":
                text = str(value) if value else draw(st.sampled_from(["", "0"]))
            elif column == "person":
                text = value
            else:
                text = _spell_amount(draw, value)
            cells.append(f'"{text}"')
        rows.append(",".join(cells))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp949"]))
    return "\n".join(rows) + "\n", lines, encoding


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(receipt_files())
def test_any_spelling_reads_back_the_same_lines(tmp_path: Path, generated: Any) -> None:
    text, lines, encoding = generated
    path = tmp_path / "spelled.csv"
    path.write_bytes(text.encode(encoding))
    frame = read_checked(path)
    expected = pd.DataFrame(lines)
    for column in expected.columns:
        got = frame[column].tolist()
        want = expected[column].tolist()
        if column == "date":
            got = [d.date() for d in got]
        assert got == want, column
    assert frame.index.tolist() == list(range(2, len(lines) + 2))
    assert (frame["full_copay"] >= 0).all()


def test_excel_style_cp949_csv_with_crlf_formatted_amounts_and_dash_zero(tmp_path: Path) -> None:
    # What Korean Excel writes for "CSV (쉼표로 분리)" from a sheet with #,##0 and accounting
    # formats: cp949, CRLF, quoted thousands, " - " for zero, a trailing empty line.
    text = (
        "진료일자,진료구분,요양기관종류,병원명,본인부담금,비급여\r\n"
        '2024-03-05,외래,의원급,"하나의원, 본점","12,300"," - "\r\n'
        '2024-03-05,약국,약국,하나약국,"3,100", - \r\n'
        "\r\n"
    )
    path = tmp_path / "excel.csv"
    path.write_bytes(text.encode("cp949"))
    frame = read_checked(path)
    assert frame["covered_copay"].tolist() == [12_300, 3_100]
    assert frame["noncovered"].tolist() == [0, 0]
    assert frame["institution"].tolist() == ["하나의원, 본점", "하나약국"]
    assert frame.attrs["source"]["blank_rows"] == [4]
    assert frame.attrs["source"]["encoding"] == "cp949"


def test_infertility_lines_read_and_fall_in_the_gen4_waiting_period(tmp_path: Path) -> None:
    # 4세대 표준약관 (보험업감독업무시행세칙 별표15, 2021.7.1 시행): 불임 관련 급여 has a
    # 2-year wait; 항목 "난임" maps to `infertility`.
    # https://fss.or.kr/fss/bbs/B0000115/view.do?menuNo=200504&nttId=21943
    from silson_tools.engine import assess

    path = write_csv(
        tmp_path / "r.csv",
        [
            "진료일자,진료구분,요양기관종류,항목,본인부담금,비급여",
            "2024-03-05,외래,의원,난임,50000,0",
            "2025-06-01,외래,의원,불임,60000,0",
        ],
    )
    df = read_checked(path)
    assert list(df["category"]) == ["infertility", "infertility"]
    out = assess(df, "gen4", policy_start="2023-06-01")
    assert list(out["zone"]) == ["excluded", "rate"]
    assert list(out["payout"]) == [0, 48_000]  # 6만 − max(1만, 20% × 6만)
