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
