"""A 진료과 cell that marks "none" (``-``, ``없음``, ``N/A``) is no department: it does not
split a hospital-day into two 통원, and beside a named 진료과 it is asked about as a blank."""

from __future__ import annotations

from pathlib import Path

import pytest

from silson_tools import assess
from silson_tools.errors import ReceiptError
from silson_tools.receipts import read_receipts
from silson_tools.receipts.departments import department_name

HEAD = "이름,진료일자,진료구분,요양기관종류,병원명,진료과,본인부담금,공단부담금,비급여\n"


def _csv(tmp_path: Path, *departments: str) -> Path:
    path = tmp_path / "d.csv"
    rows = "".join(
        f"나,2024-03-05,외래,종합병원,큰병원,{d},20000,20000,250000\n" for d in departments
    )
    path.write_text(HEAD + rows, encoding="utf-8")
    return path


@pytest.mark.parametrize("mark", ["-", "—", ".", "없음", "해당없음", "N/A", "n/a", "0", " - "])
def test_a_none_mark_is_no_department(mark: str) -> None:
    assert department_name(mark) == ""


@pytest.mark.parametrize("name", ["정형외과", "ENT", "OS", "내과-1", "0과"])
def test_a_name_stays_a_name(name: str) -> None:
    assert department_name(name) == name


@pytest.mark.parametrize("marks", [("-", "-"), ("없음", "-"), ("N/A", "")])
def test_none_marks_at_one_hospital_day_are_one_visit(tmp_path: Path, marks) -> None:
    # one 통원 of ① 40,000 ④ 500,000: 급여 40,000 − max(2만, 8,000) = 20,000,
    # 비급여 500,000 − max(3만, 150,000) = 350,000 → capped at 20만 per visit: 220,000
    got = assess(read_receipts(_csv(tmp_path, *marks)), "gen4", policy_start="2024-01-01")
    assert got["payout"].sum() == 220_000


def test_a_none_mark_beside_a_named_department_is_asked(tmp_path: Path) -> None:
    with pytest.raises(ReceiptError) as err:
        read_receipts(_csv(tmp_path, "정형외과", "-"))
    [problem] = err.value.problems
    assert problem.row == 3 and "진료과" in problem.column


def test_the_read_says_a_none_mark_was_read_as_blank(tmp_path: Path) -> None:
    notes = read_receipts(_csv(tmp_path, "-", "없음")).attrs["source"]["notes"]
    said = [n for n in notes if "진료과 없음(빈칸)" in n]
    assert len(said) == 1 and "'-'" in said[0] and "'없음'" in said[0]
    assert not any("띄어쓰기" in n for n in notes)  # not said to be a spacing join
