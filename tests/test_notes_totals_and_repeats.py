"""Messy files people make: headers with a note in brackets, a 합계 row typed into the table,
the same receipt typed twice, a 산정특례 V-code. Each is read as meant, refused with its place,
or said in the summary: never a silent wrong number."""

from __future__ import annotations

from pathlib import Path

import pytest

from silson_tools import assess, read_receipts
from silson_tools.errors import ReceiptError
from silson_tools.report.summary import validation_summary


def write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "receipts.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_headers_with_a_note_in_brackets_are_read(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "진료일,진료구분,요양기관종류,본인부담금,전액본인부담(100/100),상한액초과금(환급대상),"
        "비급여,항목(도수 등),중증(산정특례),상병코드(KCD)",
        "2024-03-02,입원,병원,1000000,500000,400000,0,,아니오,J18.9",
    )
    lines = read_receipts(path)
    assert lines["full_copay"].tolist() == [500_000]
    assert lines["over_ceiling"].tolist() == [400_000]
    assert lines.attrs["source"]["ignored_columns"] == []
    out = assess(lines, "gen4", policy_start="2024-01-01")
    # ① 100만 − ⑤ 40만 = 60만 and ③ 50만 under 4세대 급여 입원 20% → 88만
    assert out["payout"].tolist() == [880_000]


def test_a_v_code_in_the_severe_column_is_yes(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "진료일,진료구분,요양기관종류,본인부담금,공단부담금,비급여,산정특례(V코드)",
        "2026-06-02,외래,의원,0,0,100000,V193",
        "2026-06-03,외래,의원,0,0,100000,아니오",
    )
    assert read_receipts(path)["severe"].tolist() == [True, False]


@pytest.mark.parametrize("column", ["이름", "병원명"])
@pytest.mark.parametrize("word", ["합계", "소계", "총계", "Total"])
def test_a_total_row_is_refused_with_its_place(tmp_path: Path, column: str, word: str) -> None:
    other = "병원명" if column == "이름" else "이름"
    path = write(
        tmp_path,
        f"{column},{other},진료일,진료구분,요양기관종류,본인부담금,비급여",
        "가나,A,2024-03-02,외래,의원,10000,30000",
        f"{word},A,2024-03-02,외래,의원,10000,30000",
    )
    with pytest.raises(ReceiptError) as err:
        read_receipts(path)
    (problem,) = err.value.problems
    assert problem.row == 3 and column in problem.column and "합계" in problem.expected


def test_the_same_line_twice_is_said_in_the_summary(tmp_path: Path) -> None:
    line = "가나,2024-03-02,외래,의원,10000,30000"
    path = write(tmp_path, "이름,진료일,진료구분,요양기관종류,본인부담금,비급여", line, line)
    table = validation_summary(read_receipts(path))
    said = dict(zip(table["항목 (item)"], table["내용 (value)"], strict=True))
    assert "rows 3" in said["똑같은 줄 (identical lines)"]
    single = write(tmp_path, "이름,진료일,진료구분,요양기관종류,본인부담금,비급여", line)
    items = set(validation_summary(read_receipts(single))["항목 (item)"])
    assert "똑같은 줄 (identical lines)" not in items
