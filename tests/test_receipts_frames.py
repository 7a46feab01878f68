"""A DataFrame and a CSV file with the same cells give the same lines or the same refusal.

The file reader learned checks beyond the cells of one canonical column (요양기관종류
치과의원/한의원 carrying 치과/한방 into a blank 항목, 한방병원 with a blank 항목, a 횟수 column
above 1, a 진료비 총액 column that is not ① + ② + ③ + ④); ``ReceiptLines.from_frame`` (used by
``st.assess(frame, …)`` and ``silson assess``) must make the same ones. Each case is written
as a CSV file and built as a DataFrame (plain text columns, categoricals, and pandas' ``str``),
then assessed under gen4: the payouts agree, or both raise a ReceiptError whose problems name
the same header, value and expectation (a file row is the frame's index label + 2: the
header is row 1).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from silson_tools.engine import assess
from silson_tools.errors import ReceiptError
from silson_tools.receipts import ReceiptLines, read_receipts

START = "2025-01-01"


def table(*rows: dict[str, Any]) -> dict[str, list[Any]]:
    """Rows (Korean header → cell) → columns; a header missing from a row is a blank cell."""
    headers = list(dict.fromkeys(h for row in rows for h in row))
    return {h: [row.get(h) for row in rows] for h in headers}


def line(**cells: Any) -> dict[str, Any]:
    """One 외래 line at a 의원 in 2025 with ① 10,000 and ④ 50,000, changed by ``cells``
    (Python names for the Korean headers: 이름, 항목, 요양기관종류, 횟수, 진료비총액 …)."""
    base: dict[str, Any] = {
        "이름": "지훈",
        "진료일": "2025-03-05",
        "진료구분": "외래",
        "요양기관종류": "의원",
        "항목": "일반",
        "본인부담금": 10_000,
        "공단부담금": 20_000,
        "비급여": 50_000,
    }
    for key, value in cells.items():
        if value is _DROP:
            base.pop(key, None)
        else:
            base[key] = value
    return base


_DROP = object()
"""A cell value that leaves the column out of the line (for tables without 항목)."""

CASES: dict[str, dict[str, list[Any]]] = {
    "dental_blank_category": table(
        line(요양기관종류="치과의원", 항목=None), line(진료일="2025-03-06")
    ),
    "dental_hospital_no_category_column": table(
        line(요양기관종류="치과병원", 항목=_DROP), line(진료일="2025-03-06", 항목=_DROP)
    ),
    "oriental_clinic_blank_category": table(line(요양기관종류="한의원", 항목=None), line()),
    "oriental_clinic_says_general": table(line(요양기관종류="한의원", 항목="일반"), line()),
    "oriental_hospital_blank_category": table(
        line(), line(진료일="2025-03-07", 요양기관종류="한방병원", 항목=None)
    ),
    "oriental_hospital_no_category_column": table(
        line(요양기관종류="한방병원", 항목=_DROP), line(항목=_DROP)
    ),
    "oriental_hospital_says_oriental": table(line(요양기관종류="한방병원", 항목="한방")),
    "university_hospital": table(line(요양기관종류="대학병원")),
    "count_three": table(line(횟수=1), line(진료일="2025-03-08", 횟수=3)),
    "count_one_or_blank": table(line(횟수=1), line(진료일="2025-03-08", 횟수=None)),
    "total_word_in_name": table(line(), line(이름="합계", 본인부담금=20_000)),
    "total_word_in_remarks": table(line(비고="진료"), line(비고="3월 합계", 본인부담금=20_000)),
    "no_total_word_in_remarks": table(line(비고="토요약국 처방"), line(비고=None)),
    "total_cost_disagrees": table(
        line(진료비총액=80_000), line(진료일="2025-03-09", 진료비총액=100_000)
    ),
    "total_cost_agrees": table(line(진료비총액=80_000)),
    "one_amount_column_in_thousands": table(line(본인부담금=_DROP, **{"본인부담금(천원)": 10})),
    "every_amount_column_in_thousands": table(
        line(
            본인부담금=_DROP,
            공단부담금=_DROP,
            비급여=_DROP,
            **{"본인부담금(천원)": 10, "공단부담금(천원)": 20, "비급여(천원)": 50},
        )
    ),
    "days_in_thousands": table(line(진료구분="입원", 요양기관종류="병원", **{"입원일수(천원)": 3})),
}
REFUSED = {
    "oriental_clinic_says_general": "항목",
    "oriental_hospital_blank_category": "항목",
    "oriental_hospital_no_category_column": "요양기관종류",
    "university_hospital": "요양기관종류",
    "count_three": "횟수",
    "total_word_in_name": "이름",
    "total_word_in_remarks": "비고",
    "total_cost_disagrees": "진료비총액",
    "one_amount_column_in_thousands": "공단부담금",
    "days_in_thousands": "입원일수",
}
"""Cases refused, and the header the first problem names."""
FORMS = ("object", "category", "str")
_FILE_REF = re.compile(r"\b[A-Z]+열 '([^']*)'")
"""A column named in a file's message (``H열 '본인부담금(천원)'``); a frame's is
``'본인부담금(천원)' 열``."""


def write(path: Path, columns: dict[str, list[Any]]) -> Path:
    headers = list(columns)
    n = len(next(iter(columns.values())))
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(headers)
        for i in range(n):
            writer.writerow(["" if columns[h][i] is None else columns[h][i] for h in headers])
    return path


def frame(columns: dict[str, list[Any]], form: str) -> pd.DataFrame:
    """The same cells as a DataFrame: text columns as objects, categoricals or ``str``."""
    df = pd.DataFrame(columns)
    for name in df.columns:
        if df[name].map(lambda v: isinstance(v, str)).any():
            if form == "category":
                df[name] = df[name].astype("category")
            elif form == "str":
                df[name] = df[name].astype(pd.StringDtype(na_value=np.nan))
    return df


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def outcome(run: Any) -> tuple[str, Any]:
    try:
        return "paid", run()
    except ReceiptError as err:
        return "refused", err


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_a_frame_and_a_file_with_the_same_cells_agree(tmp_path: Path, case: str, form: str) -> None:
    columns = CASES[case]
    path = write(tmp_path / f"{case}.csv", columns)
    got_file = outcome(lambda: assess(read_receipts(path), "gen4", START))
    got_frame = outcome(lambda: assess(frame(columns, form), "gen4", START))
    assert got_file[0] == got_frame[0], (case, got_file, got_frame)
    if case in REFUSED:
        assert got_file[0] == "refused", got_file
        file_err, frame_err = got_file[1], got_frame[1]
        # a CSV cell is text ("3"), the frame's an int (3); a header problem is on the
        # file's header row (1) and on no row of a frame
        said = [(p.row, _text(p.value), _FILE_REF.sub(r"'\1' 열", p.expected))
                for p in file_err.problems]  # fmt: skip
        frame_said = [(1 if p.row is None else p.row + 2, _text(p.value), p.expected)
                      for p in frame_err.problems]  # fmt: skip
        assert said == frame_said, (said, frame_said)
        header = REFUSED[case]
        assert header in (file_err.problems[0].column or ""), file_err.problems[0]
        assert header in (frame_err.problems[0].column or ""), frame_err.problems[0]
        return
    assert got_file[0] == "paid", got_file[1]
    paid_file, paid_frame = got_file[1], got_frame[1]
    for col in ("payout", "payout_covered", "payout_noncovered", "self_pay", "category"):
        assert paid_file[col].tolist() == paid_frame[col].tolist(), col


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize(
    ("case", "kind"),
    [("dental_blank_category", "dental"), ("dental_hospital_no_category_column", "dental"),
     ("oriental_clinic_blank_category", "oriental")],
)  # fmt: skip
def test_a_dental_or_oriental_clinic_with_no_category_is_that_care(case: str, kind: str,
                                                                   form: str) -> None:  # fmt: skip
    """Under gen4 the 비급여 of 치과/한방 care is not covered: the first line's ④ pays 0,
    while the same line at a 의원 (the second line) is paid."""
    out = assess(frame(CASES[case], form), "gen4", START)
    assert out["category"].tolist()[0] == kind
    assert out["payout_noncovered"].tolist()[0] == 0
    assert out["payout_noncovered"].tolist()[1] > 0


@pytest.mark.parametrize("case", ["count_one_or_blank", "dental_blank_category"])
def test_what_a_frame_was_read_as_is_said_like_a_file(tmp_path: Path, case: str) -> None:
    """The notes on a count column and on a 항목 taken from 요양기관종류 are the file's."""
    from_file = read_receipts(write(tmp_path / "t.csv", CASES[case])).attrs["source"]["notes"]
    wanted = [n for n in from_file if "횟수" in n or "요양기관종류" in n]
    assert len(wanted) == 1, from_file
    notes = ReceiptLines.from_frame(frame(CASES[case], "object")).attrs["source"]["notes"]
    assert wanted[0].split(":")[-1] in " ".join(notes), notes


@pytest.mark.parametrize("case", ["oriental_hospital_blank_category", "count_three"])
def test_silson_assess_on_a_csv_refuses_like_the_file_reader(tmp_path: Path, case: str) -> None:
    """``silson assess`` reads a CSV with pandas and checks it as a DataFrame: the same
    refusal as ``read_receipts``, at the same file row."""
    from silson_tools.scale.run import assess_table

    path = write(tmp_path / f"{case}.csv", CASES[case])
    with pytest.raises(ReceiptError) as file_err:
        read_receipts(path)
    with pytest.raises(ReceiptError) as table_err:
        assess_table(path, tmp_path / "out.parquet", policy="gen4", start=START)
    want = [(p.row, p.expected) for p in file_err.value.problems]
    assert [(p.row, p.expected) for p in table_err.value.problems] == want


def test_silson_assess_on_a_csv_reads_a_dental_clinic_as_dental_care(tmp_path: Path) -> None:
    from silson_tools.scale.run import assess_table

    path = write(tmp_path / "dental.csv", CASES["dental_blank_category"])
    assess_table(path, tmp_path / "out.parquet", policy="gen4", start=START)
    out = pd.read_parquet(tmp_path / "out.parquet")
    assert out["category"].tolist() == ["dental", ""]
    assert out["payout_noncovered"].tolist()[0] == 0 < out["payout_noncovered"].tolist()[1]
