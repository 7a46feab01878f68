"""The same receipts in another form give the same numbers, and the output never contradicts
the input.

- ``assess_many`` on a frame with the headers people write (본인부담금, 비급여, 이름 …) pays
  what it pays on canonical names (its 비급여-only run once zeroed ① ③ ⑤ by canonical name
  only, so under Korean headers the 급여 side went unpaid).
- ``assess`` adds an optional canonical column the frame had under another header with the
  validated values (``이름`` → ``person``), not its default (everyone "본인", no 입원일수).
- A visit of several lines near the 10억원 line limit is shared exactly (total × weight
  passes 2⁶³ in int64).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reference_engine import reference_assess, reference_assess_many
from test_claims import receipts as receipt_frames

from silson_tools import premium
from silson_tools.catalog import load_policy
from silson_tools.engine import assess, assess_many
from silson_tools.money import MAX_LINE_WON

KOREAN = {
    "person": "이름",
    "date": "진료일",
    "setting": "진료구분",
    "tier": "요양기관종류",
    "covered_copay": "본인부담금",
    "nhis_paid": "공단부담금",
    "full_copay": "전액본인부담",
    "noncovered": "비급여",
    "over_ceiling": "상한액초과금",
    "days": "입원일수",
    "institution": "병원명",
    "visit": "방문묶음",
    "category": "항목",
}
"""Headers the loader knows (silson_tools/data/column_aliases.toml), one per column."""
SETS = [["gen3", "gen4"], ["gen4", "gen5"], ["gen2", "gen3", "gen4"], ["gen1", "gen4"]]


@pytest.mark.parametrize("names", SETS, ids=["+".join(s) for s in SETS])
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_assess_many_pays_the_same_under_korean_headers(names: list[str], data) -> None:
    pols = [load_policy(n) for n in names]
    df, start, _hook = data.draw(receipt_frames(pols[0]))
    korean = df.rename(columns=KOREAN)
    canonical = assess_many(df, pols, start)
    renamed = assess_many(korean, pols, start)
    for col in ("payout", "self_pay", *(f"payout_{p.name}" for p in pols)):
        np.testing.assert_array_equal(renamed[col].to_numpy(), canonical[col].to_numpy(), col)
    want = reference_assess_many(df, pols, start)
    np.testing.assert_array_equal(canonical["payout"].to_numpy(), want["payout"].to_numpy())


def test_the_known_case_under_korean_headers() -> None:
    """One 병원 외래 line, ① 50,000 and ② 100,000, under 3세대 + 4세대: 40,000 either way."""
    canon = pd.DataFrame(
        {
            "date": ["2025-05-01"],
            "setting": ["outpatient"],
            "tier": ["hospital"],
            "covered_copay": [50_000],
            "noncovered": [0],
            "nhis_paid": [100_000],
        }
    )
    korean = canon.rename(columns=KOREAN)
    assert assess_many(canon, ["gen3", "gen4"])["payout"].tolist() == [40_000]
    assert assess_many(korean, ["gen3", "gen4"])["payout"].tolist() == [40_000]


def test_optional_columns_under_other_headers_carry_their_values() -> None:
    df = pd.DataFrame(
        {
            "이름": ["가", "나"],
            "진료일": ["2025-03-04", "2025-03-04"],
            "진료구분": ["외래", "입원"],
            "요양기관종류": ["의원", "종합병원"],
            "본인부담금": [12_000, 500_000],
            "공단부담금": [28_000, 2_000_000],
            "비급여": [10_000, 200_000],
            "입원일수": [0, 3],
            "병원명": ["A의원", "B종합"],
            "산정특례": ["", "예"],
        }
    )
    out = assess(df, "gen4")
    assert out["person"].tolist() == ["가", "나"]
    assert out["days"].tolist() == [0, 3]
    assert out["institution"].tolist() == ["A의원", "B종합"]
    assert out["severe"].tolist() == [False, True]
    assert out["이름"].tolist() == ["가", "나"]  # the input's own columns unchanged
    assert out["산정특례"].tolist() == ["", "예"]
    # the surcharge count reads the output's severe column: 나's 산정특례 line is left out
    paid = out.rename(columns={"payout_noncovered": "nonbenefit_payout"})
    totals = premium.window_totals(paid, "2025-12-31", date_column="진료일")
    assert out.loc[1, "payout_noncovered"] > 0
    assert totals.loc["나", "paid"] == 0
    assert totals.loc["나", "excluded"] == out.loc[1, "payout_noncovered"]
    assert totals.loc["가", "paid"] == out.loc[0, "payout_noncovered"]
    # columns the frame does not have at all still get their defaults
    bare = df.drop(columns=["이름", "입원일수", "병원명", "산정특례"])
    out = assess(bare, "gen4")
    assert out["person"].tolist() == ["본인", "본인"]
    assert out["days"].tolist() == [0, 0]


def test_a_visit_of_lines_near_the_line_limit_is_shared_exactly() -> None:
    """4 lines of ① 10억 + ③ 10억 on one 통원 (4세대): the 20만원 per-visit cap leaves
    200,000 paid; total × weight passes 2⁶³ and must not wrap around."""
    big = MAX_LINE_WON
    row = {
        "date": "2025-03-04",
        "setting": "outpatient",
        "tier": "clinic",
        "institution": "A의원",
        "covered_copay": big,
        "full_copay": big,
        "noncovered": 0,
        "nhis_paid": big,
    }
    df = pd.DataFrame([row] * 4)
    got = assess(df, "gen4")
    want = reference_assess(df, load_policy("gen4"))
    assert got["payout"].sum() == want["payout"].sum() == 200_000
    np.testing.assert_array_equal(got["payout"].to_numpy(), want["payout"].to_numpy())
    assert (got["visit_cap_cut"] >= 0).all()
    assert (got["self_pay"] + got["payout"] == got["claim"]).all()
