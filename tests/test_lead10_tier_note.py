"""One 병원명 written as two 요양기관종류 in a year is said in the read notes with the rows of
the kind fewer lines give: the kind sets the deductible (4세대 의원 1만, 종합병원 2만), so a
typo moved that line's deductible with no word (tiermix2.csv: 5,000 + 0)."""

from __future__ import annotations

from pathlib import Path

from silson_tools.receipts import read_receipts

HEAD = "이름,진료일자,진료구분,요양기관종류,병원명,본인부담금,공단부담금,비급여\n"


def _notes(tmp_path: Path, body: str) -> list[str]:
    path = tmp_path / "t.csv"
    path.write_text(HEAD + body, encoding="utf-8")
    return [n for n in read_receipts(path).attrs["source"]["notes"] if "요양기관종류가" in n]


def test_two_kinds_of_one_hospital_are_said(tmp_path: Path) -> None:
    body = ("나,2024-03-05,외래,의원,가병원,15000,20000,0\n"
            "나,2024-03-06,외래,의원,가 병원,15000,20000,0\n"
            "나,2024-03-08,외래,종합병원,가병원,15000,20000,0\n"
            "나,2024-03-08,약국,약국,가병원,5000,2000,0\n")  # fmt: skip
    (said,) = _notes(tmp_path, body)
    assert "'가병원'" in said and "2024년" in said and "의원·종합병원" in said
    assert "(rows 4)" in said


def test_one_kind_per_hospital_and_year_says_nothing(tmp_path: Path) -> None:
    body = ("나,2024-03-05,외래,의원,가병원,15000,20000,0\n"
            "나,2025-03-05,외래,병원,가병원,15000,20000,0\n"  # another year: it may have grown
            "나,2024-03-08,약국,약국,가병원,5000,2000,0\n")  # fmt: skip
    assert _notes(tmp_path, body) == []


def test_lines_of_medical_aid_are_carried_for_the_report(tmp_path: Path) -> None:
    """의료급여 has its own 본인부담상한제, not modelled: the report names these rows."""
    path = tmp_path / "m.csv"
    path.write_text(
        "이름,진료일자,진료구분,요양기관종류,병원명,환자구분,본인부담금,공단부담금,비급여\n"
        "나,2024-03-05,외래,의원,가의원,의료급여2종,15000,20000,0\n"
        "나,2024-03-06,외래,의원,가의원,건강보험,15000,20000,0\n"
        "나,2024-03-07,외래,의원,가의원,1종,15000,20000,0\n",
        encoding="utf-8",
    )
    assert read_receipts(path).attrs["source"]["medical_aid_rows"] == [2, 4]
    plain = tmp_path / "p.csv"
    plain.write_text(HEAD + "나,2024-03-05,외래,의원,가의원,15000,20000,0\n", encoding="utf-8")
    assert "medical_aid_rows" not in read_receipts(plain).attrs["source"]
