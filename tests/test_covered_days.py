"""dates.covered_days, the one union-of-days count (총 입원일수, the 요양병원 120일, a split
room receipt): equal to counting the days one by one."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from silson_tools.dates import covered_days

_intervals = st.lists(
    st.tuples(st.integers(0, 3), st.integers(-5, 40), st.integers(0, 15)), max_size=25
)


@settings(max_examples=300, deadline=None)
@given(rows=_intervals)
def test_covered_days_counts_each_day_once_per_group(rows) -> None:
    group = np.array([g for g, _, _ in rows], dtype=np.int64)
    begin = np.array([b for _, b, _ in rows], dtype=np.int64) + 19_000
    end = begin + np.array([n for _, _, n in rows], dtype=np.int64)
    got = covered_days(group, begin, end, 4)
    want = [len({d for g, b, n in rows if g == k for d in range(b, b + n)}) for k in range(4)]
    assert got.tolist() == want


def test_no_interval_and_the_default_number_of_groups() -> None:
    assert covered_days(np.array([]), np.array([]), np.array([]), 2).tolist() == [0, 0]
    one = np.array([1, 1])
    assert covered_days(one, np.array([10, 12]), np.array([20, 15])).tolist() == [0, 10]
