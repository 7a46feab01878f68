"""An 이름 or 산정특례 column under a header the reader did not know was ignored and the
column defaulted: two children became one person '본인' (one 통원: gen4 36,000 where each
child's visit pays 0), a 5세대 중증 visit was paid by 특약2. The common spellings are read now;
any other header that looks like one and would change the number is refused at its cell."""

from __future__ import annotations

from pathlib import Path

import pytest
from three_ways import read_alike, refused_alike

BASE = ["진료일자", "진료구분", "요양기관종류", "병원명", "본인부담금", "공단부담금", "비급여"]
DAY = ["2024-03-05", "외래", "의원", "소아과의원", 8000, 20000, 30000]


@pytest.mark.parametrize("header", ["환자이름", "환자 이름", "피보험자", "성함", "수진자 성명",
                                    "진료자", "보험대상자", "patient name"])  # fmt: skip
def test_common_spellings_of_the_name_are_read(tmp_path: Path, header: str) -> None:
    for got in read_alike(tmp_path, [header, *BASE], [["첫째", *DAY], ["둘째", *DAY]]):
        assert got["person"].tolist() == ["첫째", "둘째"]


@pytest.mark.parametrize(
    "header",
    ["환자 메모", "환자상태", "가족력", "청구대상", "대상여부", "진료받은 병원", "대상 질환"],
)
def test_notes_about_the_patient_are_not_names(tmp_path: Path, header: str) -> None:
    rows = [["초진", *DAY], ["재진", *DAY], ["O", *DAY]]
    read_alike(tmp_path, [header, *BASE], rows)


@pytest.mark.parametrize("header", ["보험 받는 사람", "관계", "누구", "member", "환자번호"])
def test_a_name_lookalike_with_two_names_is_refused(tmp_path: Path, header: str) -> None:
    refused_alike(tmp_path, [header, *BASE], [["첫째", *DAY], ["둘째", *DAY]], header, "둘째",
                  "이름 열")  # fmt: skip


def test_one_name_in_a_lookalike_is_read(tmp_path: Path) -> None:
    for got in read_alike(tmp_path, ["관계", *BASE], [["본인", *DAY], ["본인", *DAY]]):
        assert got["person"].tolist() == ["본인", "본인"]  # one person: nothing pooled


@pytest.mark.parametrize("header", ["산정특례대상", "산정특례 적용", "특례여부", "중증질환여부",
                                    "중증구분"])  # fmt: skip
def test_common_spellings_of_severe_are_read(tmp_path: Path, header: str) -> None:
    for got in read_alike(tmp_path, ["이름", header, *BASE], [["나", "예", *DAY]]):
        assert got["severe"].tolist() == [True]


@pytest.mark.parametrize(("header", "cell"), [("암환자", "예"), ("암", "O"), ("중증환자", "Y"),
                                              ("산정특례번호", "V193-1234"), ("희귀질환", "예")])
def test_a_severe_lookalike_marking_a_line_is_refused(tmp_path: Path, header: str,
                                                      cell: str) -> None:  # fmt: skip
    refused_alike(tmp_path, ["이름", header, *BASE], [["나", cell, *DAY]], header, cell,
                  "산정특례 열")  # fmt: skip


@pytest.mark.parametrize(("header", "cell"), [("중증도", "경증"), ("암보험 청구", "O")])
def test_other_marks_are_not_severe(tmp_path: Path, header: str, cell: str) -> None:
    read_alike(tmp_path, ["이름", header, *BASE], [["나", cell, *DAY]])


def test_a_severe_lookalike_saying_no_is_read(tmp_path: Path) -> None:
    read_alike(tmp_path, ["이름", "암환자", *BASE], [["나", "아니오", *DAY], ["나", "", *DAY]])


@pytest.mark.parametrize("header", ["항목*", "항목※", "항목¹", "항목 ▼", "<항목>", "〈항목〉"])
def test_a_footnote_or_dropdown_mark_does_not_hide_a_column(tmp_path: Path, header: str) -> None:
    """항목* was unknown, so 항목 defaulted to general care: a 도수치료 line was paid as such."""
    head = ["이름", *BASE, header]
    for got in read_alike(tmp_path, head, [["나", *DAY[:6], 150_000, "도수치료"]]):
        assert got["category"].tolist() == ["manual_therapy"]


def test_a_mark_on_severe_is_read(tmp_path: Path) -> None:
    for got in read_alike(tmp_path, ["이름", "산정특례*", *BASE], [["나", "예", *DAY]]):
        assert got["severe"].tolist() == [True]


ITEM_HEAD = ["이름", "진료일자", "진료구분", "요양기관종류", "병원명", "본인부담금", "비급여"]
ITEM_LINE = ["나", "2024-03-05", "외래", "의원", "가의원", 1000, 150000]


@pytest.mark.parametrize("header", ["진료내용", "치료내용", "내용", "항목명", "비급여명", "처치"])
def test_an_item_lookalike_naming_a_treatment_is_refused(tmp_path: Path, header: str) -> None:
    """도수치료 under 진료내용 was read as general care (5세대 특약2 paid what it excludes)."""
    rows = [[*ITEM_LINE, "감기 진료"], [*ITEM_LINE, "도수치료"]]
    refused_alike(tmp_path, [*ITEM_HEAD, header], rows, header, "도수치료", "항목 열")


def test_free_text_in_an_item_lookalike_is_read(tmp_path: Path) -> None:
    read_alike(tmp_path, [*ITEM_HEAD, "진료내용"], [[*ITEM_LINE, "감기 진료"]])


@pytest.mark.parametrize("header", ["KCD코드", "주진단코드", "병명코드", "주진단"])
def test_diagnosis_spellings_are_read(tmp_path: Path, header: str) -> None:
    for got in read_alike(tmp_path, [*ITEM_HEAD, header], [[*ITEM_LINE, "F32.9"]]):
        assert got["diagnosis"].tolist() == ["F32.9"]


@pytest.mark.parametrize("header", ["진단", "진단명", "질병"])
def test_a_diagnosis_lookalike_with_a_code_is_refused(tmp_path: Path, header: str) -> None:
    refused_alike(tmp_path, [*ITEM_HEAD, header], [[*ITEM_LINE, "F32.9"]], header, "F32.9",
                  "상병코드 열")  # fmt: skip


STAY_HEAD = ["이름", "진료일자", "진료구분", "요양기관종류", "병원명", "본인부담금", "비급여"]
STAY_LINE = ["나", "2026-07-01", "입원", "병원", "가병원", 100000, 5000000]


@pytest.mark.parametrize("header", ["입원기간", "재원기간", "입원일자수"])
def test_days_spellings_are_read(tmp_path: Path, header: str) -> None:
    for got in read_alike(tmp_path, [*STAY_HEAD, header], [[*STAY_LINE, 10]]):
        assert got["days"].tolist() == [10]


@pytest.mark.parametrize("header", ["입원날수", "재원 일"])
def test_a_days_lookalike_is_refused(tmp_path: Path, header: str) -> None:
    refused_alike(tmp_path, [*STAY_HEAD, header], [[*STAY_LINE, 10]], header, 10, "입원일수 열")


@pytest.mark.parametrize("header", ["기간", "일", "복약기간", "진료기간"])
def test_other_periods_are_not_days_of_a_stay(tmp_path: Path, header: str) -> None:
    read_alike(tmp_path, [*STAY_HEAD, header], [[*STAY_LINE, 3]])


@pytest.mark.parametrize(("header", "column"), [("상한초과", "over_ceiling"),
                                                ("사전급여", "over_ceiling"),
                                                ("전액본인", "full_copay")])  # fmt: skip
def test_ceiling_and_full_copay_spellings_are_read(tmp_path: Path, header: str,
                                                   column: str) -> None:  # fmt: skip
    for got in read_alike(tmp_path, [*STAY_HEAD, header], [[*STAY_LINE, 30000]]):
        assert got[column].tolist() == [30000]


def test_an_institution_code_is_not_a_diagnosis(tmp_path: Path) -> None:
    read_alike(tmp_path, [*ITEM_HEAD, "기관코드"], [[*ITEM_LINE, "A12"]])
