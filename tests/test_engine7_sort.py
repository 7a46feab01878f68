"""Sorted lines made with fewer per-line arrays give what the per-line way gives.

- :func:`policy_years`: when the first and the last day fall in one policy year, one
  read-only value stands for every line; otherwise the per-day lookup. Both equal
  ``policy_year_index`` line by line.
- ``gid`` (person–policy-year groups) skips the line-by-line year comparison when there
  is one year; it equals the numbering by person and year.
- An all-zero amount column (⑤ with no ceiling, ② where no step reads it) is one read-only
  0 for every line.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from silson_tools.catalog import load_policy
from silson_tools.dates import policy_year_index
from silson_tools.engine.assess import assess
from silson_tools.engine.inputs import read_lines
from silson_tools.engine.lines import policy_years


def _days(first: str, span: int, n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.sort(np.datetime64(first) + rng.integers(0, span, n).astype("timedelta64[D]"))


@pytest.mark.parametrize(
    ("first", "span", "start"),
    [
        ("2024-01-01", 366, "2024-01-01"),  # one calendar year: one value
        ("2024-03-01", 365, "2024-03-01"),  # one policy year from 1 March
        ("2024-03-01", 366, "2024-03-01"),  # its last day is the next year's first
        ("2023-06-01", 900, "2024-01-01"),  # before the start (−1), then 0, 1
        ("2019-01-01", 3000, "2016-02-29"),  # a 29 February start over many years
        ("2024-05-05", 1, "2020-05-05"),  # one day
    ],
)
def test_policy_years_equal_the_index_of_each_day(first: str, span: int, start: str) -> None:
    day = _days(first, span, 5_000)
    begin = np.datetime64(start, "D")
    want = policy_year_index(day, begin)
    got = policy_years(day, begin)
    np.testing.assert_array_equal(got, want)
    assert got.dtype == want.dtype
    one = want.min() == want.max()
    assert (got.strides[0] == 0) == one  # one read-only value only when one year
    if one:
        assert not got.flags.writeable


def test_policy_years_of_no_lines() -> None:
    day = np.zeros(0, dtype="datetime64[D]")
    got = policy_years(day, np.datetime64("2024-01-01"))
    assert got.shape == (0,)


def _frame(start: str, span: int, n: int = 3_000, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    setting = rng.choice(["outpatient", "pharmacy", "inpatient"], n, p=[0.7, 0.2, 0.1])
    return pd.DataFrame(
        {
            "person": rng.choice([f"p{k}" for k in range(40)], n),
            "date": np.datetime64(start) + rng.integers(0, span, n).astype("timedelta64[D]"),
            "setting": setting,
            "tier": np.where(setting == "pharmacy", "pharmacy", "clinic"),
            "covered_copay": rng.integers(0, 60_000, n),
            "noncovered": rng.integers(0, 90_000, n) * (rng.random(n) < 0.4),
            "days": np.where(setting == "inpatient", 0, 0),
        }
    )


@pytest.mark.parametrize(
    ("first", "span", "start"),
    [("2024-01-01", 366, None), ("2022-05-01", 800, "2022-09-15"), ("2024-01-01", 30, None)],
)
@pytest.mark.parametrize("order", ["shuffled", "sorted"])
def test_groups_are_person_and_policy_year(
    first: str, span: int, start: str | None, order: str
) -> None:
    frame = _frame(first, span)
    if order == "sorted":
        frame = frame.sort_values(["person", "date"], kind="stable").reset_index(drop=True)
    lines = read_lines(frame, load_policy("gen4"), start)
    year = policy_year_index(lines.day, lines.start)
    np.testing.assert_array_equal(lines.year, year)
    change = np.ones(lines.n, dtype=bool)
    change[1:] = (lines.person[1:] != lines.person[:-1]) | (year[1:] != year[:-1])
    np.testing.assert_array_equal(lines.gid, np.cumsum(change) - 1)


def test_all_zero_amounts_are_one_read_only_zero() -> None:
    frame = _frame("2024-01-01", 366)
    lines = read_lines(frame, load_policy("gen4"))  # gen4 reads no ②; no ⑤ given
    for name in ("nhis", "over", "fc"):
        col = getattr(lines, name)
        assert col.shape == (lines.n,) and not col.any()
        assert col.strides[0] == 0 and not col.flags.writeable
    gen5 = read_lines(
        frame.assign(date=frame["date"] + pd.Timedelta(days=3 * 365), nhis_paid=1_000),
        load_policy("gen5"),
    )
    assert gen5.nhis.strides[0] == 8 and (gen5.nhis == 1_000).all()  # read by gen5


@pytest.mark.parametrize("policy", ["gen4", "gen5", "gen2"])
def test_assess_equals_with_a_year_array(policy: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole engine with the one-value year equals it with the per-day year array."""
    import silson_tools.engine.lines as engine_lines
    from silson_tools.dates import per_day

    frame = _frame("2027-01-01", 366).assign(nhis_paid=5_000, over_ceiling=0)
    frame.loc[::7, "over_ceiling"] = 100
    got = assess(frame, policy, "2027-01-01")
    monkeypatch.setattr(
        engine_lines,
        "policy_years",
        lambda day, start: per_day(day, lambda d: policy_year_index(d, start)),
    )
    want = assess(frame, policy, "2027-01-01")
    pd.testing.assert_frame_equal(got, want, check_exact=True)


@pytest.mark.parametrize("dated", [False, True])
def test_running_cap_with_the_groups_given_equals_finding_them(dated: bool) -> None:
    from silson_tools.engine.limits import running_cap
    from silson_tools.engine.lines import group_firsts

    rng = np.random.default_rng(4)
    gid = np.sort(rng.integers(0, 300, 20_000))
    x = rng.integers(0, 40_000, len(gid))
    limit = rng.integers(300_000, 2_000_000, len(gid)) if dated else 1_000_000
    starts = np.flatnonzero(group_firsts(gid))
    want = running_cap(x, gid, limit)
    assert (want < x).any()  # some groups pass the limit
    np.testing.assert_array_equal(running_cap(x, gid, limit, starts), want)
    small = np.minimum(x, 10)  # no group passes: x itself, either way
    assert running_cap(small, gid, limit, starts) is small


def test_group_starts_are_where_gid_changes() -> None:
    frame = _frame("2022-05-01", 800)
    for rows in (frame, frame.sort_values(["person", "date"], kind="stable")):
        lines = read_lines(rows.reset_index(drop=True), load_policy("gen4"), "2022-09-15")
        np.testing.assert_array_equal(
            lines.group_starts, np.flatnonzero(np.diff(lines.gid, prepend=-1) != 0)
        )


def test_yearly_limit_cut_equal_with_the_groups_found_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A yearly limit that cuts (5천만원 passed by a few people) cuts the same with the
    groups found once for every part as with each part finding them."""
    import silson_tools.engine.limits as engine_limits

    frame = _frame("2024-01-01", 366, n=2_000)
    frame["setting"] = "inpatient"
    frame["tier"] = "hospital"
    frame["days"] = 1
    frame["date"] = np.datetime64("2024-01-01") + (np.arange(len(frame)) % 366).astype(
        "timedelta64[D]"
    )
    frame["person"] = np.where(np.arange(len(frame)) % 2 == 0, "a", frame["person"])
    frame["covered_copay"] = 900_000
    got = assess(frame, "gen4")
    assert (got["annual_cut"] > 0).any()
    original = engine_limits.running_cap
    monkeypatch.setattr(
        engine_limits, "running_cap", lambda x, gid, limit, starts=None: original(x, gid, limit)
    )
    pd.testing.assert_frame_equal(assess(frame, "gen4"), got, check_exact=True)
