"""The 상한제 refund does not follow the row order: the date on which a person's year passes
the limit shares its part over that date's lines by their ① (largest remainder). Before,
the lines listed last took it, and swapping two same-day rows moved the total by 200,000
(ord1/ord2: 6,464,000 and 6,264,000)."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from reference_engine import reference_assess

from silson_tools.catalog import load_policy
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


def test_which_same_day_act_is_the_50th_does_not_follow_the_row_order() -> None:
    """4세대 도수·체외충격파·증식치료 share 50 a year: 49 도수 (20,000 each) then a day with a
    도수 (④ 50,000 → 20,000) and a 체외충격파 (④ 300,000 → 210,000), the 50th and 51st. The
    one that pays more is counted first, in either row order (before: 1,000,000 or 1,190,000)."""
    days = pd.date_range("2024-01-02", periods=49, freq="D").strftime("%Y-%m-%d")
    base = [["나", d, "outpatient", "clinic", "바른의원", 0, 0, 0, 50_000, "manual_therapy"]
            for d in days]  # fmt: skip
    last = [
        ["나", "2024-04-01", "outpatient", "clinic", "바른의원", 0, 0, 0, 50_000,
         "manual_therapy"],
        ["나", "2024-04-01", "outpatient", "clinic", "바른의원", 0, 0, 0, 300_000, "shockwave"],
    ]  # fmt: skip
    columns = [*COLUMNS, "category"]
    paid = []
    for rows in ([*base, *last], [*base, last[1], last[0]]):
        frame = pd.DataFrame(rows, columns=columns)
        out = assess(frame, "gen4", policy_start="2024-01-01")
        ref = reference_assess(frame, load_policy("gen4"), "2024-01-01")
        assert out["payout"].tolist() == ref["payout"].tolist()
        paid.append(int(out["payout"].sum()))
    assert paid == [49 * 20_000 + 210_000] * 2
