"""Property tests: no file, however broken, makes the loader raise anything but ReceiptError.

Files are generated from good ones by hostile edits (characters that look like digits,
quotes, delimiters, invisible characters, cut or flipped bytes, odd XML in a sheet, merged
ranges anywhere) and from random bytes. The loader must either read them, giving whole,
non-negative won amounts and real dates, or refuse them with a located ReceiptError.
"""

from __future__ import annotations

import io
import os
import sys
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from silson_tools.errors import ReceiptError
from silson_tools.money import MAX_LINE_WON
from silson_tools.receipts import read_receipts
from silson_tools.schema import WON_COLUMNS

sys.path.insert(0, str(Path(__file__).parent / "messy"))
import make_messy

pytestmark = pytest.mark.filterwarnings("error")  # a parser's warning may hide a lost value

SETTINGS = settings(
    max_examples=int(os.environ.get("MESSY_EXAMPLES", "120")),  # more: MESSY_EXAMPLES=5000
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
CSV_TEXT = "\n".join([make_messy.HEADER, *make_messy.LINES]) + "\n"
HOSTILE = [
    '"', ",", "\n", "\r", "\t", ";", "\x00", "²", "③", "\u200b", "\ufeff", "₩", "-", ".", "0",
    "9", "만", "원", "１", " ", "\u00a0", "=", "#N/A", "2,700", "12.000", "(단위: 만원)", "e9",
    "99999999999999999999", "-1", "합계", "도수치료", "입원", "약국", "24.03.05", "2024-02-30",
    "(천)", "(K)", "천원 단위", "(비급여 포함)", " 소계", "한의원", "한방병원", "대학병원", "'000",
]  # fmt: skip
SHEET = make_messy.sheet_xml(make_messy.ROWS)
XML_BITS = [
    '<c r="Z9"><v>1</v></c>', "<f>SUM(A1)</f>", ' t="s"', ' t="e"', ' t="d"', ' t="b"', ' s="1"',
    ' s="99"', '<mergeCell ref="A1:K4"/>', '<mergeCells><mergeCell ref="H2:H3"/></mergeCells>',
    '<row r="0">', '<row r="x">', ' r="A0"', ' r="XFD1"', "&lol;", "<![CDATA[1]]>", "<v>1e308</v>",
    "<v>-5</v>", "<v>nan</v>", "<is><t>x</t></is>", "<rPh><t>ka</t></rPh>", "</row>", "<",
    '<dimension ref="A1:B2"/>', "\x00", "가",
]  # fmt: skip


def check(path: Path, **options: Any) -> None:
    """Read ``path``: a ReceiptError is fine; a result must hold sane values."""
    try:
        lines = read_receipts(path, **options)
    except ReceiptError as err:
        assert err.problems, "a ReceiptError lists its problems"
        for problem in err.problems:
            assert problem.file and problem.expected
        return
    assert len(lines) > 0
    for column in WON_COLUMNS:
        values = lines[column].to_numpy()
        assert values.dtype == np.int64
        assert ((values >= 0) & (values <= MAX_LINE_WON)).all()
    assert not pd.isna(lines["date"]).any()


@SETTINGS
@given(
    edits=st.lists(
        st.tuples(st.integers(0, len(CSV_TEXT)), st.sampled_from(HOSTILE), st.integers(0, 3)),
        min_size=1, max_size=6,
    ),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp949", "utf-16"]),
)  # fmt: skip
def test_edited_csv_reads_or_is_refused(tmp_path: Path, edits: list[Any], encoding: str) -> None:
    text = CSV_TEXT
    for at, insert, cut in edits:
        at = min(at, len(text))
        text = text[:at] + insert + text[at + cut :]
    path = tmp_path / "edited.csv"
    path.write_bytes(text.encode(encoding, errors="replace"))
    check(path)


@SETTINGS
@given(data=st.binary(max_size=400), suffix=st.sampled_from([".csv", ".xlsx", ".txt"]))
def test_random_bytes_are_refused_or_read(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"random{suffix}"
    path.write_bytes(data)
    check(path)


def _rezip(base: bytes, part: str, xml: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, xml.encode() if info.filename == part else src.read(info))
    return out.getvalue()


GOOD_XLSX = make_messy.xlsx([("진료비", SHEET)])()


@SETTINGS
@given(
    edits=st.lists(
        st.tuples(st.integers(0, len(SHEET)), st.sampled_from(XML_BITS), st.integers(0, 8)),
        min_size=1, max_size=5,
    ),
)  # fmt: skip
def test_edited_sheet_xml_reads_or_is_refused(tmp_path: Path, edits: list[Any]) -> None:
    xml = SHEET
    for at, insert, cut in edits:
        at = min(at, len(xml))
        xml = xml[:at] + insert + xml[at + cut :]
    path = tmp_path / "edited.xlsx"
    path.write_bytes(_rezip(GOOD_XLSX, "xl/worksheets/sheet1.xml", xml))
    check(path)


@SETTINGS
@given(
    flips=st.lists(st.tuples(st.integers(0, len(GOOD_XLSX) - 1), st.integers(1, 255)),
                   max_size=4),
    cut=st.integers(0, len(GOOD_XLSX)),
)  # fmt: skip
def test_damaged_zip_reads_or_is_refused(tmp_path: Path, flips: list[Any], cut: int) -> None:
    data = bytearray(GOOD_XLSX[: max(cut, 4)])
    for at, mask in flips:
        if at < len(data):
            data[at] ^= mask
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(bytes(data))
    check(path)


CELLS = st.one_of(
    st.none(), st.integers(-10, 10**10), st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(HOSTILE), st.text(max_size=6), st.booleans(),
    st.tuples(st.just("f"), st.just("A1"), st.sampled_from([None, 1, "x"])),
    st.tuples(st.just("e"), st.sampled_from(["#N/A", "#DIV/0!"])),
    st.tuples(st.just("d"), st.integers(-5, 3_000_000)),
)  # fmt: skip


@SETTINGS
@given(
    rows=st.lists(st.lists(CELLS, max_size=12), max_size=6),
    merges=st.lists(
        st.tuples(st.integers(0, 8), st.integers(0, 12), st.integers(0, 3), st.integers(0, 3)),
        max_size=3,
    ),
    hidden=st.booleans(),
)  # fmt: skip
def test_random_grid_with_merges_reads_or_is_refused(
    tmp_path: Path, rows: list[list[Any]], merges: list[Any], hidden: bool
) -> None:
    grid = [make_messy.ROWS[0], *rows]
    ranges = [
        f"{make_messy.col_letter(c)}{r + 1}:{make_messy.col_letter(c + w)}{r + 1 + h}"
        for r, c, h, w in merges
    ]
    sheets = [("진료비", make_messy.sheet_xml(grid, merges=ranges))]
    if hidden:
        sheets.insert(0, ("숨김", make_messy.sheet_xml([["메모"]])))
    path = tmp_path / "grid.xlsx"
    path.write_bytes(make_messy.xlsx(sheets, states={"숨김": "hidden"})())
    check(path)


AMOUNTS = st.integers(0, 5_000_000)


def _spell(won: int, how: int) -> str:
    """One won amount as people type it in a CSV cell (quoted where it has a comma)."""
    if won == 0 and how == 0:
        return ""  # blank = 0
    if won == 0 and how == 1:
        return '" ₩ -   "'
    forms = [str(won), f'"{won:,}"', f'"{won:,}원"', f'"₩{won:,}"', f"{won}원"]
    if won % 1000 == 0:
        forms.append(f"{won / 10_000:g}만원")
    return forms[how % len(forms)]


@SETTINGS
@given(st.lists(st.tuples(AMOUNTS, AMOUNTS, st.integers(0, 9), st.integers(0, 9)),
                min_size=1, max_size=8))  # fmt: skip
def test_typed_amounts_sum_exactly(tmp_path: Path, lines: list[Any]) -> None:
    rows = [
        f"가나,2024-03-{k % 28 + 1:02d},외래,의원,A의원,일반,,{_spell(a, i)},0,0,{_spell(b, j)}"
        for k, (a, b, i, j) in enumerate(lines)
    ]
    path = tmp_path / "typed.csv"
    path.write_text("\n".join([make_messy.HEADER, *rows]) + "\n", "utf-8")
    read = read_receipts(path)
    assert read["covered_copay"].tolist() == [a for a, _, _, _ in lines]
    assert read["noncovered"].tolist() == [b for _, b, _, _ in lines]


def test_pandas_never_drops_fields_of_a_long_first_record() -> None:
    """pandas only warns when the first record is longer than the names it was given (and
    drops the rest): the loader then reads the file with the csv module instead."""
    from silson_tools.receipts.grid import _pandas_columns

    assert _pandas_columns(b"a,b,c,d\n1,2,3\n", ",", 3) is None
    columns = _pandas_columns(b"a,b,c\n1,2\n", ",", 3)
    assert columns is not None
    assert [c.tolist() for c in columns] == [["a", "1"], ["b", "2"], ["c", ""]]
