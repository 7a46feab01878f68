"""A unit written in the sheet's or the file's name (``2024 병원비(천원)``, ``병원비(천원).csv``)
is not read, so it must agree with the table's own unit or the file is refused: read as won,
15 meant 15,000원 and gen4 paid 0 where 235,000."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from silson_tools.errors import ReceiptError
from silson_tools.receipts import read_receipts

HEAD = "이름,진료일자,진료구분,요양기관종류,본인부담금,공단부담금,비급여\n"
ROW = "나,2024-03-05,외래,의원,15,20,50\n"


def test_a_unit_in_the_file_name_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "병원비(천원).csv"
    path.write_text(HEAD + ROW, encoding="utf-8")
    with pytest.raises(ReceiptError) as err:
        read_receipts(path)
    (problem,) = err.value.problems
    assert problem.column == "파일 이름 (file name)" and problem.value == "(천원)"


def test_the_same_unit_stated_on_the_sheet_is_read(tmp_path: Path) -> None:
    path = tmp_path / "병원비(천원).csv"
    path.write_text("(단위: 천원)\n" + HEAD + ROW, encoding="utf-8")
    assert read_receipts(path)["covered_copay"].tolist() == [15_000]


def test_a_unit_in_the_sheet_name_is_refused(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "2024 병원비(천원)"
    for line in (HEAD + ROW).splitlines():
        ws.append([int(c) if c.isdigit() else c for c in line.split(",")])
    wb.save(tmp_path / "b.xlsx")
    with pytest.raises(ReceiptError) as err:
        read_receipts(tmp_path / "b.xlsx")
    assert [p.column for p in err.value.problems] == ["시트 이름 (sheet name)"]


@pytest.mark.parametrize("name", ["천원약국 영수증.csv", "2024 병원비.csv"])
def test_names_without_a_unit_note_are_read(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(HEAD + ROW, encoding="utf-8")
    assert read_receipts(path)["covered_copay"].tolist() == [15]


@pytest.mark.parametrize(
    "note", ["※ 3월 5일 영수증만 천원 단위", "단위: 천원 (입원 제외)", "2행까지 천원 단위"]
)
def test_a_unit_note_limited_to_some_lines_is_refused(tmp_path: Path, note: str) -> None:
    """Applied to every line, it read the lines typed in won 1,000 times too large."""
    path = tmp_path / "n.csv"
    path.write_text(HEAD + ROW + "나,2024-03-06,외래,의원,8000,20000,0\n\n" + note + "\n",
                    encoding="utf-8")  # fmt: skip
    with pytest.raises(ReceiptError):
        read_receipts(path)


@pytest.mark.parametrize("title", ["2024년 3월 진료비 (단위: 천원)", "※ 천원 단위"])
def test_a_title_with_dates_still_gives_its_unit(tmp_path: Path, title: str) -> None:
    path = tmp_path / "t.csv"
    path.write_text(title + "\n" + HEAD + ROW, encoding="utf-8")
    assert read_receipts(path)["covered_copay"].tolist() == [15_000]


def test_a_memo_sheet_with_won_inside_a_word_is_not_a_unit(tmp_path: Path) -> None:
    """'영수증 원본은 서랍에' (원본: the original) on a memo sheet refused the file as a unit
    note written where it is not read."""
    wb = openpyxl.Workbook()
    ws = wb.active
    for line in (HEAD + ROW).splitlines():
        ws.append([int(c) if c.isdigit() else c for c in line.split(",")])
    wb.create_sheet("메모").append(["영수증 원본은 서랍에, 원장님께 물어볼 것"])
    wb.save(tmp_path / "m.xlsx")
    assert read_receipts(tmp_path / "m.xlsx")["covered_copay"].tolist() == [15]
