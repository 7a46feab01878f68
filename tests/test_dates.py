"""dates.py: the one strict date argument reading, and policy years (보험연도)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from silson_tools.dates import (
    add_years,
    as_day,
    calendar_year_start,
    per_day,
    policy_year_index,
    year_starts,
)
from silson_tools.errors import InputError

DAY = np.datetime64("2024-03-05", "D")


@pytest.mark.parametrize(
    "value",
    [
        "2024-03-05",
        " 2024-03-05 ",
        dt.date(2024, 3, 5),
        dt.datetime(2024, 3, 5, 23, 59),
        np.datetime64("2024-03-05"),
        np.datetime64("2024-03-05T10:00"),
        pd.Timestamp("2024-03-05 11:00"),
    ],
)
def test_as_day_reads_iso_text_and_date_objects(value: object) -> None:
    got = as_day(value, "policy_start")
    assert got == DAY and got.dtype == np.dtype("datetime64[D]")


@pytest.mark.parametrize(
    "value",
    [
        *("24.03.05", "2024/3/5", "2024.03.05", "20240305", "2024-W10-1", ""),
        *("soon", None, 20240305, 1.5, True, pd.NaT, np.datetime64("NaT", "D"), ["2024-03-05"]),
    ],
)
def test_as_day_refuses_anything_else_naming_argument_and_value(value: object) -> None:
    with pytest.raises(InputError, match=r"^policy_start: .*expected a date such as 2024-03-15"):
        as_day(value, "policy_start")


def test_as_day_names_a_day_that_does_not_exist() -> None:
    with pytest.raises(InputError, match=r"^policy_start: '2024-02-30': no such day"):
        as_day("2024-02-30", "policy_start")


def test_policy_year_index_runs_from_the_contract_date() -> None:
    start = np.datetime64("2023-06-01", "D")
    days = np.array(["2023-05-31", "2023-06-01", "2024-05-31", "2024-06-01"], "datetime64[D]")
    assert policy_year_index(days, start).tolist() == [-1, 0, 0, 1]
    assert year_starts(start, policy_year_index(days, start)).astype(str).tolist() == [
        "NaT",
        "2023-06-01T00:00:00",
        "2023-06-01T00:00:00",
        "2024-06-01T00:00:00",
    ]


def test_leap_day_contract_has_its_anniversary_on_the_last_day_of_february() -> None:
    # 계약해당일이 없는 해에는 그 달의 마지막 날 (2월 말일): the terms' 계약해당일 definition
    start = np.datetime64("2024-02-29", "D")
    assert add_years(start, np.array([0, 1, 4, 76])).astype(str).tolist() == [
        "2024-02-29",
        "2025-02-28",
        "2028-02-29",
        "2100-02-28",  # 2100 is not a leap year
    ]
    assert add_years(start, 1).astype(str) == "2025-02-28"
    days = np.array(
        ["2025-02-27", "2025-02-28", "2025-03-01", "2028-02-28", "2028-02-29", "2100-02-28"],
        "datetime64[D]",
    )
    assert policy_year_index(days, start).tolist() == [0, 1, 1, 3, 4, 76]
    assert year_starts(start, policy_year_index(days, start)).astype("datetime64[D]").astype(
        str
    ).tolist() == [
        "2024-02-29",
        "2025-02-28",
        "2025-02-28",
        "2027-02-28",
        "2028-02-29",
        "2100-02-28",
    ]


@pytest.mark.parametrize(
    "start", ["2023-03-01", "2024-03-01", "2023-02-28", "2024-02-28", "2024-02-29"]
)
def test_policy_years_begin_on_their_anniversaries(start: str) -> None:
    # every day from the start over 30 years: the index steps up exactly on add_years(start, k)
    begin = np.datetime64(start, "D")
    days = begin + np.arange(0, 366 * 30, dtype="int64").astype("timedelta64[D]")
    index = policy_year_index(days, begin)
    steps = days[1:][np.diff(index) != 0]
    assert (np.diff(index) >= 0).all() and set(np.diff(index)) <= {0, 1}
    assert steps.tolist() == add_years(begin, np.arange(1, index.max() + 1)).tolist()


def test_default_start_and_per_day_lookup() -> None:
    days = np.array(["2024-12-31", "2023-07-04", "2024-01-01"], "datetime64[D]")
    assert calendar_year_start(days) == np.datetime64("2023-01-01")
    start = calendar_year_start(days)
    np.testing.assert_array_equal(
        per_day(days, lambda d: policy_year_index(d, start)), policy_year_index(days, start)
    )
    sparse = np.array(["1990-01-01", "2024-01-01"], "datetime64[D]")  # table would be too long
    np.testing.assert_array_equal(per_day(sparse, lambda d: policy_year_index(d, start)), [-1, 1])


def test_ambiguous_dates_are_never_guessed() -> None:
    """'24.03.05' could be 2024-03-05 or 2005-03-24: refused everywhere, never guessed."""
    from silson_tools import assess
    from silson_tools.dates import as_days
    from silson_tools.errors import InputError, ReceiptError

    line = {"date": ["2024-03-05"], "setting": ["외래"], "tier": ["의원"],
            "covered_copay": [10_000], "noncovered": [0]}  # fmt: skip
    with pytest.raises(InputError, match=r"'24\.03\.05'"):
        assess(pd.DataFrame(line), "gen4", policy_start="24.03.05")
    with pytest.raises(ReceiptError, match=r"'24\.03\.05'"):
        assess(pd.DataFrame({**line, "date": ["24.03.05"]}), "gen4")
    assert as_days(["2024-03-05", "2024-03-05", np.datetime64("2024-01-02")], "d").astype(
        str
    ).tolist() == ["2024-03-05", "2024-03-05", "2024-01-02"]
    for bad in ("24.03.05", "2024/3/5", "03/05/2024", None):
        with pytest.raises(InputError, match="row 1"):
            as_days(["2024-03-05", bad], "assessed['date']")
    with pytest.raises(InputError, match="row 'b'"):
        as_days(pd.Series(pd.to_datetime(["2024-03-05", None]), index=["a", "b"]), "d")
