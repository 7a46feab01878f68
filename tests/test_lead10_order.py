"""The 상한제 refund does not follow the row order: the date on which a person's year passes
the limit shares its part over that date's lines by their ① (largest remainder). Before,
the lines listed last took it, and swapping two same-day rows moved the total by 200,000
(ord1/ord2: 6,464,000 and 6,264,000)."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from silson_tools.ceiling import CertainRefund
from silson_tools.engine import assess

COLUMNS = ["person", "date", "setting", "tier", "institution", "days", "covered_copay",
           "nhis_paid", "noncovered"]  # fmt: skip
ORD = [
    ["나", "2024-06-01", "inpatient", "general", "다병원", 10, 4_000_000, 16_000_000, 0],
    ["나", "2024-12-20", "inpatient", "general", "가병원", 10, 5_000_000, 20_000_000, 0],
    ["나", "2024-12-20", "outpatient", "clinic", "나의원", 0, 500_000, 500_000, 0],
]


def _paid(rows: list[list[object]]) -> pd.Series:
    frame = pd.DataFrame(rows, columns=COLUMNS)
    out = assess(frame, "gen4", policy_start="2024-01-01", ceiling=CertainRefund())
    return out.set_index("institution")["payout"]


def test_swapping_two_rows_of_one_date_changes_nothing() -> None:
    one = _paid(ORD)
    two = _paid([ORD[0], ORD[2], ORD[1]])
    assert one.sort_index().tolist() == two.sort_index().tolist()
    # 9,500,000 − 8,080,000 = 1,420,000 above; 12-20 shares it 5,000,000 : 500,000
    # → 1,290,909 / 129,091: 입원 (5,000,000 − 1,290,909) × 80%, 외래 min(20만, …)
    assert int(one.sum()) == 6_367_272


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 9),
            st.sampled_from(["clinic", "general"]),
            st.integers(0, 30).map(lambda k: k * 100_000),
        ),
        min_size=2,
        max_size=14,
    ),
    st.randoms(use_true_random=False),
)
def test_any_order_within_dates_pays_the_same(lines, rnd) -> None:
    rows = [["나", f"2024-{1 + d:02d}-15", "outpatient", tier, f"{tier}{k}", 0, cc, cc, 0]
            for k, (d, tier, cc) in enumerate(lines)]  # fmt: skip
    shuffled = sorted(rows, key=lambda r: (r[1], rnd.random()))
    assert _paid(rows).sort_index().tolist() == _paid(shuffled).sort_index().tolist()
