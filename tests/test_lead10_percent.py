"""보험금 비율 % (payout_pct) to one decimal never says "all" while something was cut, nor
"nothing" while something was paid: a bar labelled 100.0% that lost 3,000원 of 10,000,000원
would tell a person the claim was paid in full."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from silson_tools.report.notes import payout_percent


def test_edges() -> None:
    assert payout_percent(9_997_000, 10_000_000) == 99.9  # rounds to 100.0
    assert payout_percent(3_000, 10_000_000) == 0.1  # rounds to 0.0
    assert payout_percent(10_000_000, 10_000_000) == 100.0
    assert payout_percent(0, 10_000_000) == 0.0
    assert payout_percent(0, 0) == 0.0
    assert payout_percent(6_225, 10_000) == 62.2  # numpy rounds half to even, as before
    assert payout_percent([1, 2], [3, 0]).tolist() == [33.3, 0.0]


@given(st.integers(0, 10**12), st.integers(0, 10**12))
def test_one_decimal_of_the_share(paid: int, extra: int) -> None:
    claim = paid + extra
    pct = float(payout_percent(paid, claim))
    if claim == 0:
        assert pct == 0.0
        return
    exact = 100 * paid / claim
    assert abs(pct - exact) <= 0.05 + 1e-9 or pct in (0.1, 99.9)
    assert (pct == 100.0) == (paid == claim)
    assert (pct == 0.0) == (paid == 0)
    assert pct == float(np.round(exact, 1)) or (0 < paid < claim and pct in (0.1, 99.9))
