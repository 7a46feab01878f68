"""ReceiptLines: one validated type, the same checks for a file and a DataFrame, one row
numbering, and what filtering or changing validated lines does."""

from __future__ import annotations

import datetime as dt
import io
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from test_receipts import GOOD_LINES, HEADER, read_checked, receipt_files, write_csv

from silson_tools.errors import InputError, ReceiptError
from silson_tools.money import MAX_LINE_WON, line_limit_expected
from silson_tools.receipts import (
    FRAME_POSITION_SOURCE,
    FRAME_SOURCE,
    ReceiptLines,
    as_receipt_lines,
    read_receipts,
)
from silson_tools.report.cli import main
from silson_tools.schema import CANONICAL_COLUMNS, CATEGORIES, DEFAULT_PERSON, SETTINGS, TIERS

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "samples" / "receipts.csv"
TWO_BILLION = 2_000_000_000  # 20억원: above the one line limit (10억원)


def canonical(**columns: Any) -> pd.DataFrame:
    """A small canonical frame as code builds it (engine tests, notebooks)."""
    base = {
        "date": ["2024-03-04", "2024-03-05", "2024-04-08"],
        "setting": ["outpatient", "pharmacy", "inpatient"],
        "tier": ["clinic", "pharmacy", "general"],
        "covered_copay": [5_000, 3_000, 50_000],
        "noncovered": [100_000, 0, 0],
    }
    base.update(columns)
    return pd.DataFrame(base)


def values_of(lines: pd.DataFrame) -> pd.DataFrame:
    """The validated columns without the row numbers (the index)."""
    return pd.DataFrame(lines).reset_index(drop=True)


# --- a DataFrame and a file with the same content give the same lines ------------------------


def test_file_and_its_cells_as_a_dataframe_give_the_same_lines(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [HEADER, *GOOD_LINES])
    from_file = read_checked(path)
    cells = pd.read_csv(path, dtype=str, keep_default_na=False)  # Korean headers and values
    from_frame = ReceiptLines.from_frame(cells)
    pd.testing.assert_frame_equal(values_of(from_frame), values_of(from_file))
    assert from_frame.rows.tolist() == [0, 1, 2]  # index labels
    assert from_file.rows.tolist() == [2, 3, 4]  # sheet rows
    for column in ("person", "setting", "tier", "category"):
        code, names = from_frame.codes(column)
        assert [names[c] for c in code] == from_frame[column].tolist()


def test_sample_file_and_its_validated_frame_round_trip() -> None:
    lines = read_receipts(SAMPLE)
    again = ReceiptLines.from_frame(lines.copy())  # a plain DataFrame keeping attrs
    pd.testing.assert_frame_equal(pd.DataFrame(again), pd.DataFrame(lines))
    assert again.source == "receipts.csv"  # index named "row" + attrs: the file's rows
    assert again.rows.tolist() == lines.rows.tolist()
    bare = ReceiptLines.from_frame(pd.DataFrame(lines))  # pandas drops attrs here
    assert (bare.source, bare.rows.tolist()) == (FRAME_SOURCE, lines.rows.tolist())


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(receipt_files())
def test_any_spelling_reads_the_same_from_a_file_and_a_frame(tmp_path: Path, generated) -> None:
    text, _, encoding = generated
    path = tmp_path / "spelled.csv"
    path.write_bytes(text.encode(encoding))
    from_file = read_checked(path)
    cells = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(values_of(ReceiptLines.from_frame(cells)), values_of(from_file))


def test_code_built_frame_gets_canonical_columns_and_defaults() -> None:
    lines = ReceiptLines.from_frame(canonical())
    assert list(lines.columns) == list(CANONICAL_COLUMNS)
    assert lines.given_columns == ("date", "setting", "tier", "covered_copay", "noncovered")
    assert lines["person"].tolist() == [DEFAULT_PERSON] * 3
    assert lines["full_copay"].tolist() == [0, 0, 0]
    assert lines["date"].dtype == np.dtype("datetime64[us]")
    assert lines.attrs["source"]["defaulted"] == [
        "person",
        "full_copay",
        "nhis_paid",
        "over_ceiling",
        "days",
        "institution",
        "category",
        "visit",
        "department",
        "severe",
        "diagnosis",
    ]


def test_frame_values_as_people_write_them() -> None:
    frame = pd.DataFrame(
        {
            "이름": ["지훈", None],
            "진료일": [dt.date(2024, 3, 5), "2024.03.06"],
            "진료구분": pd.Categorical(["외래", "약국"]),
            "요양기관종류": ["의원급", "약국"],
            "본인부담금(원)": ["12,000원", "1.5만원"],  # a bare column beside (만원) is refused
            "비급여(만원)": [1, 0.5],
            "공단부담금(원)": pd.array([1, pd.NA], dtype="Int64"),
        }
    )
    lines = ReceiptLines.from_frame(frame)
    assert lines["person"].tolist() == ["지훈", DEFAULT_PERSON]
    assert lines["setting"].tolist() == ["outpatient", "pharmacy"]
    assert lines["covered_copay"].tolist() == [12_000, 15_000]
    assert lines["noncovered"].tolist() == [10_000, 5_000]
    assert lines["nhis_paid"].tolist() == [1, 0]
    assert lines.attrs["source"]["units"] == {"noncovered": "만원"}


def test_every_schema_label_is_accepted_as_a_value() -> None:
    for field, table in (("setting", SETTINGS), ("tier", TIERS), ("category", CATEGORIES)):
        for code, label in table.items():
            row: dict[str, Any] = {"setting": "inpatient", "tier": "general", "days": 1}
            row[field] = label
            if (field, code) in {("setting", "outpatient"), ("setting", "pharmacy")}:
                row["days"] = 0
            if (field, code) == ("tier", "pharmacy"):
                row.update(setting="pharmacy", days=0)
            lines = ReceiptLines.from_frame(canonical().iloc[[2]].assign(**row))
            assert lines[field].tolist() == [code], (field, label)


def test_dates_with_a_time_or_a_zone_keep_their_calendar_day() -> None:
    stamps = pd.to_datetime(["2024-03-04 23:30", "2024-03-05 08:00", "2024-04-08 00:00"])
    naive = ReceiptLines.from_frame(canonical(date=stamps))
    aware = ReceiptLines.from_frame(canonical(date=stamps.tz_localize("Asia/Seoul")))
    days = ["2024-03-04", "2024-03-05", "2024-04-08"]
    assert naive["date"].dt.strftime("%Y-%m-%d").tolist() == days
    assert aware["date"].dt.strftime("%Y-%m-%d").tolist() == days


# --- one limit, one row numbering: a 20억원 line ------------------------------------------------


def _line_limit_problem(err: pytest.ExceptionInfo[ReceiptError]) -> tuple[str, int | None]:
    (problem,) = err.value.problems
    assert problem.expected == line_limit_expected()
    assert line_limit_expected() in str(err.value)
    return problem.file, problem.row


def test_a_20_billion_line_is_refused_the_same_way_everywhere(tmp_path: Path, capsys) -> None:
    assert TWO_BILLION > MAX_LINE_WON
    big = GOOD_LINES[1].replace(",3000,7000,0,0", f",3000,7000,0,{TWO_BILLION}")
    path = write_csv(tmp_path / "big.csv", [HEADER, GOOD_LINES[0], big, GOOD_LINES[2]])
    with pytest.raises(ReceiptError) as by_file:
        read_receipts(path)
    assert _line_limit_problem(by_file) == ("big.csv", 3)

    # the same file's lines, edited in a DataFrame: the same file and row
    good = write_csv(tmp_path / "big.csv", [HEADER, *GOOD_LINES])
    edited = read_receipts(good).copy()  # a plain DataFrame: the person edits it
    edited.loc[3, "noncovered"] = TWO_BILLION
    for check in (ReceiptLines.from_frame, as_receipt_lines):
        with pytest.raises(ReceiptError) as by_frame:
            check(edited)
        assert _line_limit_problem(by_frame) == ("big.csv", 3)

    # a frame built in code: its index label, and the message says so
    with pytest.raises(ReceiptError) as in_code:
        ReceiptLines.from_frame(canonical(noncovered=[0, TWO_BILLION, 0]))
    assert _line_limit_problem(in_code) == (FRAME_SOURCE, 1)
    assert "DataFrame (행 = index label), 1행 (row 1)" in str(in_code.value)

    # the command line, check and report alike
    path = write_csv(tmp_path / "big.csv", [HEADER, GOOD_LINES[0], big, GOOD_LINES[2]])
    for argv in (["check", str(path)], ["report", str(path), "--out", str(tmp_path / "o")]):
        assert main(argv) == 1
        err = capsys.readouterr().err
        assert "big.csv, 3행 (row 3), K열 '비급여'" in err
        assert line_limit_expected() in err
    assert not (tmp_path / "o").exists()


def test_exactly_the_limit_passes_and_one_won_more_does_not() -> None:
    ok = ReceiptLines.from_frame(canonical(noncovered=[MAX_LINE_WON, 0, 0]))
    assert ok["noncovered"].max() == MAX_LINE_WON
    for value in (MAX_LINE_WON + 1, float(MAX_LINE_WON + 1), f"{MAX_LINE_WON + 1:,}원"):
        with pytest.raises(ReceiptError, match="an amount of at most 1,000,000,000 won"):
            ReceiptLines.from_frame(canonical(noncovered=pd.Series([0, value, 0], dtype=object)))


@pytest.mark.parametrize(
    ("column", "values", "expected"),
    [
        ("noncovered", [0, -5, 0], "negative amounts are not allowed"),
        ("covered_copay", [1.0, 1.5, 0.0], "a whole number of won"),
        ("covered_copay", [1.0, np.nan, 0.0], "a value is required"),
        ("covered_copay", pd.Series([0, True, 0], dtype=object), "금액 (amount in won"),
        ("tier", ["clinic", "big", "general"], "요양기관종류 (tier) 값 중 하나"),
        ("date", ["2024-03-04", "someday", "2024-04-08"], "날짜 (date"),
        ("date", pd.to_datetime(["2024-03-04", None, "2024-04-08"]), "a value is required"),
        ("days", [0, 0, 2.5], "whole number of days"),
    ],
)
def test_bad_frame_values_name_the_index_label(column: str, values: Any, expected: str) -> None:
    frame = canonical(**{column: values}).set_axis([10, 11, 12])
    with pytest.raises(ReceiptError) as err:
        ReceiptLines.from_frame(frame)
    problem = err.value.problems[0]
    assert problem.row == (12 if column == "days" else 11)
    assert problem.column == f"'{column}' 열"
    assert expected in problem.expected
    assert isinstance(err.value, ValueError)


def test_cross_checks_apply_to_frames_too() -> None:
    with pytest.raises(ReceiptError, match="tier 약국 goes with pharmacy lines"):
        ReceiptLines.from_frame(canonical(tier=["pharmacy", "pharmacy", "general"]))
    with pytest.raises(ReceiptError, match=r"needs 입원일수 > 0"):
        ReceiptLines.from_frame(canonical(category=["", "", "room_upgrade"]))
    with pytest.raises(ReceiptError, match="at most ①"):
        ReceiptLines.from_frame(canonical(over_ceiling=[0, 3_001, 0]))


def test_missing_and_doubled_columns_are_named() -> None:
    with pytest.raises(ReceiptError) as err:
        ReceiptLines.from_frame(canonical().drop(columns=["tier", "noncovered"]))
    assert [p.row for p in err.value.problems] == [None, None]
    assert "요양기관종류 (tier) 열이 필요합니다" in str(err.value)
    with pytest.raises(ReceiptError, match="only one column for this; 'noncovered' 열"):
        ReceiptLines.from_frame(canonical().assign(**{"비급여": 0}))


def test_a_frame_without_an_integer_index_is_numbered_by_position() -> None:
    frame = canonical(noncovered=[0, -1, 0]).set_axis(["a", "b", "c"])
    with pytest.raises(ReceiptError) as err:
        ReceiptLines.from_frame(frame)
    assert (err.value.problems[0].file, err.value.problems[0].row) == (FRAME_POSITION_SOURCE, 1)


def test_extra_categories_from_a_rule_file() -> None:
    frame = canonical(category=["acupuncture", "", ""])
    with pytest.raises(ReceiptError, match="항목 \\(category\\) 값 중 하나"):
        ReceiptLines.from_frame(frame)
    lines = as_receipt_lines(frame, extra_categories=["acupuncture"])
    assert lines["category"].tolist() == ["acupuncture", "", ""]
    assert lines.codes("category")[1][-1] == "acupuncture"
    assert as_receipt_lines(lines, extra_categories=["acupuncture"]) is lines
    with pytest.raises(ReceiptError):  # a policy without it: checked again, refused
        as_receipt_lines(lines)


# --- filtering and changing validated lines ----------------------------------------------------


@pytest.fixture
def sample() -> ReceiptLines:
    return read_receipts(SAMPLE)


def test_an_intact_receipt_lines_passes_unchanged(sample: ReceiptLines) -> None:
    assert as_receipt_lines(sample) is sample
    assert sample.is_intact()


def test_pandas_filters_give_plain_frames_checked_again_with_the_same_rows(
    sample: ReceiptLines,
) -> None:
    mask = (sample["person"] == "영숙").to_numpy()
    for filtered in (sample[mask], sample.loc[mask], sample.iloc[np.flatnonzero(mask)]):
        assert type(filtered) is pd.DataFrame
        again = as_receipt_lines(filtered)
        assert again.rows.tolist() == sample.rows[mask].tolist()
        assert again.source == "receipts.csv"
    for derived in (sample.copy(), sample.head(3), sample.sort_values("date")):
        assert type(derived) is pd.DataFrame
    assert type(pickle.loads(pickle.dumps(sample))) is pd.DataFrame


def test_select_keeps_the_lines_validated_with_their_rows(sample: ReceiptLines) -> None:
    mask = (sample["person"] == "서연").to_numpy()
    chosen = sample.select(mask)
    assert type(chosen) is ReceiptLines and chosen.is_intact()
    assert chosen.rows.tolist() == chosen.index.tolist() == sample.rows[mask].tolist()
    assert as_receipt_lines(chosen) is chosen
    code, names = chosen.codes("person")
    assert {names[c] for c in code} == {"서연"}
    assert chosen.select([0, 2]).rows.tolist() == chosen.rows[[0, 2]].tolist()


def test_changing_lines_in_place_is_seen_and_checked_again(sample: ReceiptLines) -> None:
    sample["note"] = "mine"  # a new column leaves the validated ones alone
    assert sample.is_intact()
    assert as_receipt_lines(sample) is sample
    row = int(sample.index[5])
    sample.loc[row, "noncovered"] = TWO_BILLION
    assert not sample.is_intact()
    with pytest.raises(InputError, match="changed after they were validated"):
        _ = sample.rows
    with pytest.raises(ReceiptError) as err:
        as_receipt_lines(sample)
    assert (err.value.problems[0].file, err.value.problems[0].row) == ("receipts.csv", row)


def test_a_changed_source_frame_does_not_reach_the_validated_lines() -> None:
    frame = canonical(setting=pd.array(["outpatient", "pharmacy", "inpatient"], dtype="str"))
    lines = ReceiptLines.from_frame(frame)
    frame.loc[0, "setting"] = "inpatient"
    frame.loc[0, "covered_copay"] = -1
    assert lines["setting"].tolist() == ["outpatient", "pharmacy", "inpatient"]
    assert lines["covered_copay"].tolist() == [5_000, 3_000, 50_000]
    assert lines.is_intact()


def test_later_modules_name_the_same_row(sample: ReceiptLines) -> None:
    order = np.argsort(sample["date"].to_numpy(), kind="stable")[::-1]  # e.g. the engine's sort
    position = int(order[0])
    assert sample.row_of(position) == sample.index[position]
    error = sample.error([position], "days", "입원일수 > 0 (at least one day)")
    (problem,) = error.problems
    assert (problem.file, problem.row) == ("receipts.csv", int(sample.index[position]))
    assert problem.column == "G열 '입원일수'"
    assert problem.value == int(sample["days"].iloc[position]) or problem.value is None
    assert isinstance(error, ReceiptError)
    coded = ReceiptLines.from_frame(canonical())
    assert coded.column_ref("days") == "입원일수 (days)"  # no such column: its label
    assert coded.error(np.array([False, True, False]), None, "x").problems[0].row == 1


def test_as_receipt_lines_refuses_what_is_not_a_table() -> None:
    with pytest.raises(InputError, match="receipts must be a DataFrame"):
        as_receipt_lines(42)
    records = canonical().to_dict("records")
    assert len(as_receipt_lines(records)) == 3


def test_importing_receipts_and_report_loads_no_matplotlib() -> None:
    code = (
        "import sys, silson_tools.receipts, silson_tools.report;print('matplotlib' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
