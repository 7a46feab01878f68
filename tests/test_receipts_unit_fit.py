"""A 천원/만원 unit whose numbers look like won is refused, naming the note's cell and the
column; real 천원 amounts (15, 50, 1,500) are read as before.

A note in a summary block above the table (``요약 (단위: 천원)`` over ``본인부담 합계 | 65``,
a blank row, then the table in won) is a weak sign: there the numbers need only look like
won on the whole (median at least 1,000, multiples of 10) to be refused.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from silson_tools.errors import ReceiptError
from silson_tools.receipts import read_receipts
from silson_tools.receipts.cells import won_like

HEADER = ["이름", "진료일자", "진료구분", "요양기관종류", "병원명", "본인부담금", "비급여"]
SUMMARY = [["2024년 의료비 요약 (단위: 천원)"], ["본인부담 합계", 65], ["비급여 합계", 50], []]


def _lines(amounts: list[tuple[int | float, int | float]]) -> list[list[object]]:
    return [["가나", dt.date(2024, 3, 5 + k), "외래", "의원", "A의원", copay, noncovered]
            for k, (copay, noncovered) in enumerate(amounts)]  # fmt: skip


def _write(path: Path, rows: list[list[object]]) -> Path:
    """``rows`` as an XLSX sheet, or as CSV text (dates as 2024-03-05)."""
    if path.suffix == ".xlsx":
        wb = openpyxl.Workbook()
        for row in rows:
            wb.active.append(row)
        wb.save(path)
    else:
        text = "\n".join(",".join("" if v is None else str(v) for v in row) for row in rows)
        path.write_text(text + "\n", "utf-8")
    return path


WON = [(15_000, 50_000), (50_000, 0)]
SUFFIXES = [".xlsx", ".csv"]


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_a_summary_blocks_unit_over_a_table_in_won_is_refused(tmp_path: Path, suffix: str
                                                               ) -> None:  # fmt: skip
    path = _write(tmp_path / f"summary{suffix}", [*SUMMARY, HEADER, *_lines(WON)])
    with pytest.raises(ReceiptError) as info:
        read_receipts(path)
    problems = info.value.problems
    assert [(p.file, p.row, p.column, p.value) for p in problems] == [
        (path.name, 5, "F열 '본인부담금'", 15_000), (path.name, 5, "G열 '비급여'", 50_000)]
    first = problems[0].expected
    assert "A1" in first and "15,000,000원" in first and "delete the unit from A1" in first
    assert "write them in 천원, 15,000원 → 15" in first  # 15000천원 in a header: refused too


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_real_thousands_under_a_summary_blocks_unit_are_read(tmp_path: Path, suffix: str
                                                             ) -> None:  # fmt: skip
    path = _write(tmp_path / f"thousands{suffix}",
                  [*SUMMARY, HEADER, *_lines([(15, 50), (1_500, 0)])])  # fmt: skip
    lines = read_receipts(path)
    assert lines["covered_copay"].tolist() == [15_000, 1_500_000]
    assert lines["noncovered"].tolist() == [50_000, 0]


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_a_far_note_needs_only_won_on_the_whole(tmp_path: Path, suffix: str) -> None:
    """3,500 / 8,700 / 1,200: under a note right above the header they are 천원 (as
    before); under a summary block's note they look like clinic receipts in won."""
    amounts = [(3_500, 1_200), (8_700, 0), (1_200, 0)]
    far = _write(tmp_path / f"far{suffix}", [*SUMMARY, HEADER, *_lines(amounts)])
    with pytest.raises(ReceiptError, match="looks like won") as info:
        read_receipts(far)
    assert [p.value for p in info.value.problems] == [3_500, 1_200]
    assert "heads a block of its own" in info.value.problems[0].expected
    assert "say so in their headers, e.g. 본인부담금(천원)" in info.value.problems[0].expected
    header = [*HEADER[:5], "본인부담금(천원)", "비급여(천원)"]
    moved = _write(tmp_path / f"moved{suffix}", [*SUMMARY, header, *_lines(amounts)])
    assert read_receipts(moved)["noncovered"].tolist() == [1_200_000, 0, 0]  # as it says
    near = _write(tmp_path / f"near{suffix}",
                  [["2024년 진료비 내역 (단위: 천원)"], HEADER, *_lines(amounts)])  # fmt: skip
    assert read_receipts(near)["covered_copay"].tolist() == [3_500_000, 8_700_000, 1_200_000]
    titled = _write(tmp_path / f"titled{suffix}",
                    [["가나 진료비"], ["(단위: 천원)"], [], HEADER, *_lines(amounts)])  # fmt: skip
    assert int(read_receipts(titled)["covered_copay"].sum()) == 13_400_000


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_a_note_right_above_the_table_over_won_is_refused(tmp_path: Path, suffix: str
                                                          ) -> None:  # fmt: skip
    path = _write(tmp_path / f"manwon{suffix}",
                  [["(단위: 만원)"], HEADER, *_lines([(35_000, 12_000)])])  # fmt: skip
    with pytest.raises(ReceiptError, match="350,000,000원") as info:
        read_receipts(path)
    assert [(p.row, p.column) for p in info.value.problems] == [
        (2, "F열 '본인부담금'"), (2, "G열 '비급여'")]
    assert "write them in 만원, 35,000원 → 3.5" in info.value.problems[0].expected


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_a_header_unit_over_won_is_refused(tmp_path: Path, suffix: str) -> None:
    header = [*HEADER[:5], "본인부담금(천원)", "비급여(천원)"]
    path = _write(tmp_path / f"header{suffix}", [header, *_lines(WON)])
    with pytest.raises(ReceiptError, match="take the unit out of the header") as info:
        read_receipts(path)
    assert info.value.problems[0].column == "F열 '본인부담금(천원)'"
    path = _write(tmp_path / f"header{suffix}", [header, *_lines([(15, 50), (12_345, 0)])])
    assert read_receipts(path)["covered_copay"].tolist() == [15_000, 12_345_000]


def test_a_number_format_showing_thousands_over_won_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path / "format.xlsx", [HEADER, *_lines(WON)])
    wb = openpyxl.load_workbook(path)
    for row in (2, 3):
        for col in (6, 7):
            wb.active.cell(row, col).number_format = '#,##0"천원"'
    wb.save(path)
    with pytest.raises(ReceiptError, match="plain number format") as info:
        read_receipts(path)
    assert [p.column for p in info.value.problems] == ["F열 '본인부담금'", "G열 '비급여'"]
    for row in (2, 3):
        for col in (6, 7):
            wb.active.cell(row, col).value = 15
    wb.save(path)  # 15천원 shown: read as before
    assert read_receipts(path)["noncovered"].tolist() == [15_000, 15_000]


def test_a_second_sheet_says_which_sheet(tmp_path: Path) -> None:
    path = _write(tmp_path / "sheets.xlsx", [*SUMMARY, HEADER, *_lines(WON)])
    wb = openpyxl.load_workbook(path)
    wb.active.title = "진료비"
    wb.create_sheet("메모")["A1"] = "메모"
    wb.save(path)
    with pytest.raises(ReceiptError) as info:
        read_receipts(path, sheet="진료비")
    assert info.value.problems[0].file == "sheets.xlsx, 시트 '진료비'"


@pytest.mark.parametrize(
    ("numbers", "unit", "far", "example"),
    [([15_000, 50_000], 1000, False, 15_000), ([15, 50, 1_500], 1000, False, None),
     ([15, 50, 1_500], 1000, True, None), ([3_500, 8_700], 1000, False, None),
     ([3_500, 8_700], 1000, True, 3_500), ([3.5, 12], 10_000, False, None),
     ([35_000, 0], 10_000, False, 35_000), ([15_005, 50_000], 1000, False, None),
     ([15_000, 50_000], 1, False, None), ([0, 0], 1000, True, None)],
)  # fmt: skip
def test_won_like(numbers: list[float], unit: int, far: bool, example: int | None) -> None:
    won = np.asarray([round(n * unit) for n in numbers], dtype=np.int64)
    assert won_like(won, unit, far=far) == example


def test_a_frame_column_in_manwon_holding_won_is_refused() -> None:
    import pandas as pd

    from silson_tools.receipts import ReceiptLines

    frame = pd.DataFrame({"진료일자": ["2024-03-05", "2024-03-06"], "진료구분": ["외래"] * 2,
                          "요양기관종류": ["의원"] * 2, "본인부담금(만원)": [35_000, 12_000],
                          "비급여(만원)": [3.5, 0]})  # fmt: skip
    with pytest.raises(ReceiptError, match="350,000,000원") as info:
        ReceiptLines.from_frame(frame)
    assert [(p.column, p.value) for p in info.value.problems] == [
        ("'본인부담금(만원)' 열", 35_000)]
    frame["본인부담금(만원)"] = [3.5, 12]
    assert ReceiptLines.from_frame(frame)["covered_copay"].tolist() == [35_000, 120_000]
