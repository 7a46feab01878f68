"""A ditto mark (〃, 상동, 위와 같음) in 이름, 병원명 or 진료과 is refused at its cell: read as a
name it made a new person (ditto.csv gen4 105,000 where one person is 143,000), a new hospital
or a new 진료과 (two 통원 where one). A none mark in 이름 ('-') is refused the same way; in 병원명
('-', 없음, 미상) it is refused too: read as a name, every such line was one hospital."""

from __future__ import annotations

from pathlib import Path

import pytest
from three_ways import read_alike, refused_alike

HEAD = ["이름", "진료일자", "진료구분", "요양기관종류", "병원명", "진료과", "본인부담금", "비급여"]


def _line(name: str = "나래", hospital: str = "가의원", dept: str = "정형외과") -> list[object]:
    return [name, "2024-03-05", "외래", "의원", hospital, dept, 15000, 50000]


@pytest.mark.parametrize("mark", ["〃", "상동", "위와 같음", "동일"])
def test_a_ditto_in_the_name_is_refused(tmp_path: Path, mark: str) -> None:
    refused_alike(tmp_path, HEAD, [_line(), _line(mark)], "이름", mark, "값 그대로")


@pytest.mark.parametrize("mark", ["-", "미상"])
def test_a_none_mark_in_the_name_is_refused(tmp_path: Path, mark: str) -> None:
    refused_alike(tmp_path, HEAD, [_line(), _line(mark)], "이름", mark, "사람의 이름을 적으세요")


@pytest.mark.parametrize("mark", ["〃", "상동"])
def test_a_ditto_in_hospital_or_department_is_refused(tmp_path: Path, mark: str) -> None:
    refused_alike(tmp_path, HEAD, [_line(), _line(hospital=mark)], "병원명", mark, "값 그대로")
    refused_alike(tmp_path, HEAD, [_line(), _line(dept=mark)], "진료과", mark, "값 그대로")


@pytest.mark.parametrize("mark", ["-", "없음", "미상"])
def test_a_none_mark_in_the_hospital_is_refused(tmp_path: Path, mark: str) -> None:
    rows = [_line(hospital=mark), _line(hospital=mark)]
    refused_alike(tmp_path, HEAD, rows, "병원명", mark, "병원 이름을 적으세요", n=2)


def test_names_that_hold_such_words_are_read(tmp_path: Path) -> None:
    read_alike(tmp_path, HEAD, [_line(hospital="동일의원"), _line(name="상동희")])


@pytest.mark.parametrize("name", ["(예) 홍길동", "예시", "예) 김", "샘플", "작성예"])
def test_a_templates_example_row_is_refused(tmp_path: Path, name: str) -> None:
    """A downloaded template's example row was paid as a person's receipt (ex.csv)."""
    refused_alike(tmp_path, HEAD, [_line(name), _line()], "이름", name, "실제 영수증 줄")


def test_a_placeholder_hospital_is_refused(tmp_path: Path) -> None:
    rows = [_line(hospital="OO의원"), _line(hospital="가의원")]
    refused_alike(tmp_path, HEAD, rows, "병원명", "OO의원", "실제 영수증 줄")


@pytest.mark.parametrize("name", ["김OO", "예진", "Kim", "오오의원", "홍길동", "예시1"])
def test_names_like_examples_are_read(tmp_path: Path, name: str) -> None:
    read_alike(tmp_path, HEAD, [_line(name)])


@pytest.mark.parametrize("mark", ["?", "unknown"])
def test_one_set_of_none_marks(tmp_path: Path, mark: str) -> None:
    """이름/병원명 refuse and 진료과 reads as blank the same none marks (one list)."""
    refused_alike(tmp_path, HEAD, [_line(), _line(hospital=mark)], "병원명", mark,
                  "병원 이름을 적으세요")  # fmt: skip
    for got in read_alike(tmp_path, HEAD, [_line(dept=mark)]):
        assert got["department"].tolist() == [""]


def test_zero_and_na_are_names(tmp_path: Path) -> None:
    for got in read_alike(tmp_path, HEAD, [_line("0"), _line("Na")]):
        assert got["person"].tolist() == ["0", "Na"]
