"""``[policy] count_basis``: which visits and treatments use up a yearly count.

``paid`` (the shipped products): only a visit or treatment that pays something before the
count cut counts, so a visit wholly under the deductible changes no other payout. Raising a
line's amount is then monotone in the year's total payout unless the raise makes a visit that
paid nothing pay something: that visit takes a count slot, and when the count binds a later
visit (paying up to its per-visit cap) is cut. The property tested is exactly that.
``eligible``: every visit with an amount counts, so raising a line from 0 to 1 won can lower
the year's payout.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from silson_tools import assess, load_policy

ELIGIBLE = {
    "policy__count_basis": {"value": "eligible", "confidence": "C", "source": "fss-4g-terms"}
}
TIGHT = {"noncovered__outpatient__count": 3, "manual__treatment__count": 2}
PAID = load_policy("gen4", **TIGHT)
COUNTED_ALL = load_policy("gen4", **TIGHT, **ELIGIBLE)

AMOUNT = st.sampled_from([0, 1, 9_999, 10_000, 20_000, 29_999, 30_000, 30_001, 60_000, 300_000])


def test_shipped_products_count_paid_visits() -> None:
    for name in ("gen2", "gen3", "gen4", "gen5", "gen3-choice2"):
        basis, why = load_policy(name).count_basis
        assert basis == "paid" and why.startswith("C: "), name
    assert COUNTED_ALL.count_basis[0] == "eligible"


def _frame(amounts: list[tuple[int, int, str]]) -> pd.DataFrame:
    """One line per day (so one line per visit): (covered_copay, noncovered, category)."""
    start = dt.date(2024, 1, 1)
    return pd.DataFrame(
        [
            {
                "date": (start + dt.timedelta(days=i)).isoformat(),
                "setting": "outpatient",
                "tier": "clinic",
                "covered_copay": cov,
                "noncovered": non,
                "category": cat,
            }
            for i, (cov, non, cat) in enumerate(amounts)
        ]
    )


def test_raising_zero_to_one_won_lowers_the_year_only_under_eligible() -> None:
    # three paying 비급여 visits use the count of 3; a 1-won visit before them pays nothing
    before = _frame([(0, 0, "")] + [(0, 50_000, "")] * 3)
    after = _frame([(0, 1, "")] + [(0, 50_000, "")] * 3)
    for policy, drop in ((PAID, 0), (COUNTED_ALL, 20_000)):
        total = [int(assess(df, policy, "2024-01-01")["payout"].sum()) for df in (before, after)]
        assert total == [60_000, 60_000 - drop], policy.count_basis


def test_paid_basis_is_not_monotone_when_a_raise_makes_a_visit_pay() -> None:
    # count 3: 20,000 → 50,000 makes the first visit pay 20,000 and take a slot, so the
    # fourth visit (300,000: 200,000 after the per-visit cap) is cut
    before = _frame([(0, 20_000, "")] + [(0, 300_000, "")] * 3)
    after = _frame([(0, 50_000, "")] + [(0, 300_000, "")] * 3)
    total = [int(assess(df, PAID, "2024-01-01")["payout"].sum()) for df in (before, after)]
    assert total == [600_000, 420_000]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(
        st.tuples(st.just(0), AMOUNT, st.sampled_from(["", "", "manual_therapy"])),
        min_size=1,
        max_size=9,
    ),
    data=st.data(),
)
def test_paid_basis_raising_an_amount_is_monotone(rows, data) -> None:
    """With ``paid``: raise one line's ④ (one line per visit, so the line's pay before the
    count cut is its visit's or treatment's). If it paid something before the count cut
    already, or still pays nothing, the year's total payout does not fall; if it still pays
    nothing, no other line's payout changes."""
    i = data.draw(st.integers(0, len(rows) - 1))
    delta = data.draw(st.sampled_from([1, 1_000, 10_000, 30_000, 250_000]))
    old_df = _frame(rows)
    new_df = old_df.copy()
    new_df.loc[i, "noncovered"] += delta
    old = assess(old_df, PAID, "2024-01-01")
    new = assess(new_df, PAID, "2024-01-01")

    def before_count(res: pd.DataFrame) -> int:  # the line's pay before the count cut
        return int(res.loc[i, ["payout", "count_cut", "annual_cut"]].sum())

    if before_count(new) == 0:
        assert before_count(old) == 0
        others = [k for k in range(len(rows)) if k != i]
        assert old["payout"].iloc[others].tolist() == new["payout"].iloc[others].tolist()
    if before_count(old) > 0 or before_count(new) == 0:
        assert new["payout"].sum() >= old["payout"].sum()
