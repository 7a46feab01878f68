"""Two 진료과 of one hospital on one day are two treatment purposes, two 통원.

The engine (engine/visits.py ``_purposes``), the reader check (receipts/crosscheck.py
``_blank_department``) and the reference (``purpose_of``) split by 진료과 once the 진료과
reaches the receipt lines as a column; until the readers carry it (a schema change outside
these files), the file tests are skipped and the reader check is tested on its own.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from reference_engine import reference_assess

from silson_tools import assess, schema
from silson_tools.catalog import load_policy
from silson_tools.errors import ReceiptError
from silson_tools.receipts import ReceiptLines, as_receipt_lines, read_receipts
from silson_tools.receipts.crosscheck import _blank_department

HEADER = "이름,진료일자,진료구분,요양기관종류,병원명,진료과,방문묶음,본인부담금,공단부담금,비급여"
WIRED = "department" in schema.CANONICAL_COLUMNS
needs_column = pytest.mark.skipif(not WIRED, reason="진료과 is not a receipt-line column yet")


class Problems:
    """Records ``at`` calls as :class:`~silson_tools.receipts.validate.Problems` takes them."""

    def __init__(self) -> None:
        self.hits: list[tuple[list[int], str]] = []

    def at(self, positions: np.ndarray, column: str, values: object, expected: str) -> None:
        if len(positions):
            self.hits.append((list(map(int, positions)), column))


def columns(depts: list[str], keys: list[str], names: list[str]) -> dict[str, np.ndarray]:
    n = len(depts)
    return {
        "person": np.array(["나"] * n, dtype=object),
        "date": np.array(["2024-03-05"] * n, dtype="datetime64[D]"),
        "institution": np.array(names, dtype=object),
        "department": np.array(depts, dtype=object),
        "visit": np.array(keys, dtype=object),
    }


@pytest.mark.parametrize(
    ("depts", "keys", "names", "refused"),
    [
        (["정형외과", ""], ["", ""], ["큰병원", "큰병원"], [1]),  # blank beside a named one
        (["정형외과", ""], ["", "A"], ["큰병원", "큰병원"], []),  # its key says which visit
        (["정형외과", ""], ["", ""], ["큰병원", "가나의원"], []),  # another hospital
        (["정형외과", "안과"], ["", ""], ["큰병원", "큰병원"], []),  # both named: two visits
        (["", ""], ["", ""], ["큰병원", "큰병원"], []),  # none named: one visit
    ],
)
def test_blank_department_beside_a_named_one_is_refused(
    depts: list[str], keys: list[str], names: list[str], refused: list[int]
) -> None:
    problems = Problems()
    out = columns(depts, keys, names)
    refs = {"department": "F열 '진료과'"}
    not_outpatient = np.zeros(len(depts), dtype=bool)
    inst = np.array(names, dtype=object)
    ok = np.ones(len(depts), dtype=bool)
    _blank_department(out, inst, refs, ok, not_outpatient, problems)
    assert problems.hits == ([(refused, refs["department"])] if refused else [])


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


@needs_column
def test_two_departments_at_one_hospital_day_are_two_visits(tmp_path: Path) -> None:
    lines = [
        "나,2024-03-05,외래,종합병원,큰병원,정형외과,,20000,20000,250000",
        "나,2024-03-05,외래,종합병원,큰병원,안과,,20000,20000,250000",
    ]
    got = assess(read_receipts(write(tmp_path / "d.csv", lines)), "gen4", policy_start="2024-01-01")
    assert got["payout"].tolist() == [175_000, 175_000]  # two visits (as one: 220,000 in all)


@needs_column
def test_blank_department_beside_a_named_one_is_refused_in_a_file(tmp_path: Path) -> None:
    lines = [
        "나,2024-03-05,외래,종합병원,큰병원,정형외과,,20000,20000,250000",
        "나,2024-03-05,외래,종합병원,큰병원,,,20000,20000,250000",
    ]
    with pytest.raises(ReceiptError) as info:
        read_receipts(write(tmp_path / "d.csv", lines))
    assert [p.row for p in info.value.problems] == [3]


@pytest.mark.parametrize(
    ("depts", "keys", "expected"),
    [
        (["정형외과", "안과"], ["", ""], [175_000, 175_000]),  # two purposes
        (["정형외과", "정형외과"], ["", ""], [110_000, 110_000]),  # one: 급여 20,000; 비급여 cap
        (["정형외과", "안과"], ["A", "A"], [110_000, 110_000]),  # a key says one visit
        (["정형외과", "정형외과"], ["A", ""], [110_000, 110_000]),  # keyless: its 과's one key
    ],
)
def test_engine_and_reference_split_by_department_when_the_lines_carry_it(
    monkeypatch: pytest.MonkeyPatch, depts: list[str], keys: list[str], expected: list[int]
) -> None:
    frame = {
        "person": ["나", "나"],
        "date": ["2024-03-05", "2024-03-05"],
        "setting": ["outpatient", "outpatient"],
        "tier": ["general", "general"],
        "institution": ["큰병원", "큰병원"],
        "visit": keys,
        "covered_copay": [20_000, 20_000],
        "nhis_paid": [20_000, 20_000],
        "noncovered": [250_000, 250_000],
    }
    if WIRED:
        frame["department"] = depts
    lines = as_receipt_lines(pd.DataFrame(frame))
    if not WIRED:  # the column as the readers would carry it (not yet a canonical column)
        given = ReceiptLines.given_columns.fget
        monkeypatch.setattr(
            ReceiptLines, "given_columns", property(lambda self: (*given(self), "department"))
        )
        lines["department"] = depts
    got = assess(lines, "gen4", policy_start="2024-01-01")["payout"].tolist()
    ref = reference_assess(lines, load_policy("gen4"), "2024-01-01")["payout"].tolist()
    assert got == ref == expected
