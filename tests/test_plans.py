"""US network health plans (silson_tools.us_plans): each rule by hand, an oracle, invariants."""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from silson_tools import us_plans as plans
from silson_tools.us_plans import (
    COST_COLUMNS,
    COUNT_COLUMNS,
    PART_COLUMNS,
    USAGE_COLUMNS,
    annual_cost,
    make_plan,
)

COSTS = {"cost_pcp": 150, "cost_specialist": 300, "cost_emergency": 2500, "cost_hospital_day": 3000}


def use(**kw: object) -> dict[str, object]:
    """A usage pattern: zero counts, in network, the usual costs, overridden by ``kw``."""
    return {c: 0 for c in COUNT_COLUMNS} | {"out_of_network_share": 0.0} | COSTS | kw


def one(plan: plans.Plan | str, **kw: object) -> pd.Series:
    """The single result row for one usage pattern."""
    return annual_cost(plan, use(**kw)).iloc[0]


# A small set of hand-checkable plans (not the presets: their numbers may change).
HMO = make_plan(
    "HMO",
    premium=1000,
    deductible=0,
    coinsurance=0.1,
    oop_max=3000,
    copay={"pcp": 20, "specialist": 50, "emergency": 300},
)
EPO = make_plan(
    "EPO",
    premium=1200,
    deductible=1000,
    coinsurance=0.2,
    oop_max=4000,
    copay={"pcp": 25, "specialist": 50, "emergency": 350},
)
POS = make_plan(
    "POS",
    premium=1300,
    deductible=500,
    coinsurance=0.2,
    oop_max=4000,
    copay={"pcp": 20, "specialist": 40, "emergency": 300},
    oon_deductible=2000,
    oon_coinsurance=0.4,
    oon_oop_max=10000,
)
PPO = make_plan(
    "PPO",
    premium=1500,
    deductible=1000,
    coinsurance=0.2,
    oop_max=5000,
    copay={"pcp": 30, "specialist": 60, "emergency": 350},
    oon_deductible=2000,
    oon_coinsurance=0.4,
    oon_oop_max=10000,
)
ALL = [HMO, EPO, POS, PPO]


def check_identities(res: pd.DataFrame) -> None:
    assert (res[list(PART_COLUMNS)].sum(axis=1) == res["person_pays"]).all()
    assert (res["person_pays"] + res["plan_pays"] == res["spending"]).all()
    assert (res["premium"] + res["person_pays"] == res["total"]).all()
    assert (res["plan_pays"] >= 0).all() and (res["oop_max"] <= 0).all()


# --- copay ------------------------------------------------------------------------------------


def test_copay_per_visit():
    r = one(HMO, pcp_visits=3)  # 3 × $20 of 3 × $150
    assert (r.copay, r.person_pays, r.plan_pays, r.spending) == (60, 60, 390, 450)
    assert r.decided_by == "copay" and r.premium == 1000 and r.total == 1060


def test_copay_never_above_the_cost_of_the_visit():
    r = one(HMO, pcp_visits=2, cost_pcp=15)  # copay $20 > cost $15 → pays $15 each
    assert (r.copay, r.plan_pays) == (30, 0)


def test_copay_is_not_subject_to_the_deductible():
    r = one(EPO, specialist_visits=2)  # deductible $1,000 untouched by copays
    assert (r.copay, r.deductible, r.coinsurance) == (100, 0, 0)


# --- deductible then coinsurance ----------------------------------------------------------------


def test_deductible_then_coinsurance():
    # 2 days × $3,000 = $6,000: deductible $1,000, then 20% of $5,000 = $1,000
    r = one(EPO, hospital_days=2)
    assert (r.deductible, r.coinsurance, r.person_pays, r.plan_pays) == (1000, 1000, 2000, 4000)
    assert r.decided_by in {"deductible", "coinsurance"}


def test_spending_below_the_deductible_is_all_deductible():
    r = one(EPO, hospital_days=1, cost_hospital_day=800)
    assert (r.deductible, r.coinsurance, r.plan_pays, r.decided_by) == (800, 0, 0, "deductible")


def test_coinsurance_rounding_plan_floored_person_remainder():
    odd = make_plan("EPO", premium=0, deductible=0, coinsurance=0.15, oop_max=10**6)
    r = one(odd, hospital_days=1, cost_hospital_day=333)  # plan floor(333 × 0.85) = 283
    assert (r.plan_pays, r.coinsurance) == (283, 50)


# --- out-of-pocket maximum -------------------------------------------------------------------


def test_oop_max_caps_deductible_and_coinsurance():
    # 30 days × $3,000 = $90,000: $1,000 + 20% × $89,000 = $18,800 → capped at $4,000
    r = one(EPO, hospital_days=30)
    assert (r.deductible, r.coinsurance, r.oop_max) == (1000, 17800, -14800)
    assert (r.person_pays, r.plan_pays, r.decided_by) == (4000, 86000, "oop_max")
    assert r.oop_max_reached


def test_copays_count_toward_the_oop_max():
    r = one(HMO, specialist_visits=100)  # 100 × $50 = $5,000 > $3,000
    assert (r.copay, r.oop_max, r.person_pays) == (5000, -2000, 3000)


def test_out_of_network_has_its_own_deductible_coinsurance_and_maximum():
    # PPO, 5 out-of-network days: $15,000 → $2,000 + 40% × $13,000 = $7,200
    r = one(PPO, hospital_days=5, out_of_network_share=1.0)
    assert (r.deductible, r.coinsurance, r.person_pays, r.plan_pays) == (2000, 5200, 7200, 7800)
    # 40 days out of network: $120,000 → $2,000 + $47,200 → capped at the OON max $10,000
    r = one(PPO, hospital_days=40, out_of_network_share=1.0)
    assert (r.person_pays, r.oop_max) == (10000, -(2000 + 47200 - 10000))


def test_shrink_zone_article_literal_min_is_an_oop_max():
    """「급여 vs 비급여 보장 축소 구간 깔끔 정리」 min(월자부담, H) read literally: an OOP max H."""
    r, H = 0.2, 50_000
    plan = make_plan("EPO", premium=0, deductible=0, coinsurance=r, oop_max=H)
    for n, C in [(4, 18_000), (10, 30_000), (3, 7)]:
        got = one(plan, hospital_days=n, cost_hospital_day=C).person_pays
        assert got == min(math.ceil(Fraction(n * C) * Fraction(r).limit_denominator()), H)


# --- network -------------------------------------------------------------------------------------


def test_in_network_only_plans_pay_nothing_out_of_network():
    for plan in (HMO, EPO):
        r = one(plan, specialist_visits=4, out_of_network_share=0.5)  # 2 in, 2 out
        expected_copay = 2 * plan.copay["specialist"]
        assert r.not_covered_out_of_network == 2 * 300
        assert r.copay == expected_copay
        assert r.person_pays == expected_copay + 600


def test_uncovered_care_does_not_count_toward_the_maximum():
    r = one(HMO, hospital_days=10, out_of_network_share=1.0)
    assert (r.person_pays, r.plan_pays, r.oop_max) == (30000, 0, 0)
    assert r.decided_by == "not_covered_out_of_network" and not r.oop_max_reached


def test_out_of_network_count_rounds_half_up():
    r = one(HMO, pcp_visits=3, out_of_network_share=0.5)  # 1.5 → 2 out of network
    assert (r.not_covered_out_of_network, r.copay) == (300, 20)
    r = one(HMO, pcp_visits=3, out_of_network_share=0.49)  # 1.47 → 1
    assert (r.not_covered_out_of_network, r.copay) == (150, 40)


# --- emergency exception ----------------------------------------------------------------------


@pytest.mark.parametrize("plan", ALL, ids=lambda p: p.type)
def test_emergencies_are_covered_anywhere_at_the_in_network_share(plan):
    r = one(plan, emergency_visits=2, out_of_network_share=1.0)
    assert r.copay == 2 * plan.copay["emergency"]
    assert (r.not_covered_out_of_network, r.deductible, r.emergency_exception) == (0, 0, 2)
    assert r.plan_pays == 2 * (2500 - plan.copay["emergency"])


def test_emergency_without_copay_goes_through_the_in_network_deductible():
    plan = make_plan(
        "PPO",
        premium=0,
        deductible=1000,
        coinsurance=0.2,
        oop_max=8000,
        oon_deductible=5000,
        oon_coinsurance=0.5,
        oon_oop_max=20000,
    )
    r = one(plan, emergency_visits=1, out_of_network_share=1.0)  # in-network terms apply
    assert (r.deductible, r.coinsurance) == (1000, 300)


# --- referral -----------------------------------------------------------------------------------


def test_referral_required_plans_do_not_pay_for_a_specialist_without_one():
    for plan in (HMO, POS):
        r = one(plan, specialist_no_referral=2)
        assert (r.no_referral, r.plan_pays, r.decided_by) == (600, 0, "no_referral")


def test_plans_without_referral_rule_treat_it_as_a_specialist_visit():
    for plan in (EPO, PPO):
        r = one(plan, specialist_no_referral=2)
        assert (r.no_referral, r.copay) == (0, 2 * plan.copay["specialist"])


def test_network_rule_comes_before_the_referral_rule():
    r = one(HMO, specialist_no_referral=2, out_of_network_share=1.0)
    assert (r.not_covered_out_of_network, r.no_referral) == (600, 0)
    r = one(POS, specialist_no_referral=2, out_of_network_share=1.0)  # POS pays OON, not this
    assert (r.not_covered_out_of_network, r.no_referral) == (0, 600)
    r = one(PPO, specialist_no_referral=2, out_of_network_share=1.0)  # no referral needed
    assert (r.no_referral, r.deductible) == (0, 600)


def test_type_defines_the_network_rules():
    presets = plans.load_plans()
    rules = {p.type: (p.out_of_network_covered, p.referral_required) for p in presets.values()}
    assert rules == {
        "HMO": (False, True),
        "EPO": (False, False),
        "POS": (True, True),
        "PPO": (True, False),
    }


# --- a visit-by-visit oracle -------------------------------------------------------------------


def oracle(plan: plans.Plan, u: dict) -> int:
    """The person's payment, one visit at a time with running deductible and maximum
    (exact fractions; round up once at the end = plan's part floored)."""
    share = Fraction(u["out_of_network_share"]).limit_denominator(10**6)
    visits = []
    for count_col, service in [
        ("pcp_visits", "pcp"),
        ("specialist_visits", "specialist"),
        ("specialist_no_referral", "no_ref"),
        ("emergency_visits", "emergency"),
        ("hospital_days", "hospital_day"),
    ]:
        n = u[count_col]
        out = math.floor(n * share + Fraction(1, 2))
        cost = u["cost_" + ("specialist" if service == "no_ref" else service)]
        visits += [(service, False, cost)] * (n - out) + [(service, True, cost)] * out
    uncovered = 0
    acc = {False: Fraction(0), True: Fraction(0)}  # cost share in / out of network
    ded_left = {False: plan.deductible, True: plan.oon_deductible or 0}
    rate = {
        False: Fraction(plan.coinsurance_ppm, 10**6),
        True: Fraction(plan.oon_coinsurance_ppm, 10**6),
    }
    cap = {False: plan.oop_max, True: plan.oon_oop_max or 0}
    for service, oon, cost in visits:
        if service == "emergency":
            oon = False
        elif oon and not plan.out_of_network_covered:
            uncovered += cost
            continue
        if service == "no_ref":
            if plan.referral_required:
                uncovered += cost
                continue
            service = "specialist"
        if not oon and service in plan.copay:
            pay = Fraction(min(cost, plan.copay[service]))
        else:
            d = min(ded_left[oon], cost)
            ded_left[oon] -= d
            pay = d + (cost - d) * rate[oon]
        acc[oon] = min(acc[oon] + pay, cap[oon])
    return uncovered + math.ceil(acc[False]) + math.ceil(acc[True])


counts = st.integers(0, 40)
usages = st.fixed_dictionaries(
    {
        **{c: counts for c in COUNT_COLUMNS},
        "out_of_network_share": st.sampled_from([0.0, 0.1, 0.25, 0.3, 0.5, 0.75, 1.0]),
        **{c: st.integers(0, 5000) for c in COST_COLUMNS},
    }
)
plan_strategy = st.sampled_from(ALL + list(plans.load_plans().values()))


@settings(max_examples=200, deadline=None)
@given(plan=plan_strategy, u=usages)
def test_vectorized_engine_matches_the_visit_by_visit_oracle(plan, u):
    assert one(plan, **u).person_pays == oracle(plan, u)


@settings(max_examples=30, deadline=None)
@given(plan=plan_strategy, rows=st.lists(usages, min_size=1, max_size=20))
def test_many_patterns_at_once_equal_one_at_a_time(plan, rows):
    frame = pd.DataFrame(rows)
    res = annual_cost(plan, frame)
    check_identities(res)
    for i, row in enumerate(rows):
        single = annual_cost(plan, row).iloc[0]
        assert res.iloc[i].to_dict() == single.to_dict()


def test_a_row_of_the_presets_is_one_usage_pattern():
    row = plans.usage_presets().loc["high"]
    assert annual_cost(PPO, row).iloc[0].to_dict() == annual_cost(PPO, "high").iloc[0].to_dict()
    assert list(annual_cost(PPO, row).index) == ["high"]


def test_arrays_in_give_one_row_each():
    u = use(pcp_visits=np.array([0, 1, 2, 3]), hospital_days=np.array([0, 0, 1, 10]))
    res = annual_cost(EPO, u)
    assert len(res) == 4 and res["person_pays"].dtype == np.int64
    assert res["person_pays"].to_list() == [0, 25, 50 + 1000 + 400, 4000]


# --- invariants -----------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(plan=plan_strategy, u=usages)
def test_person_never_pays_more_than_the_maximum_plus_uncovered_care(plan, u):
    r = one(plan, **u)
    uncovered = r.not_covered_out_of_network + r.no_referral
    assert r.person_pays <= plan.max_covered_cost_share + uncovered
    assert 0 <= r.person_pays <= r.spending


@settings(max_examples=200, deadline=None)
@given(
    plan=plan_strategy,
    u=usages,
    extra=st.fixed_dictionaries({c: st.integers(0, 3000) for c in (*COUNT_COLUMNS, *COST_COLUMNS)}),
)
def test_total_is_monotone_in_spending(plan, u, extra):
    more = dict(u)
    for c in COST_COLUMNS:
        more[c] = u[c] + extra[c]
    for c in COUNT_COLUMNS:
        more[c] = u[c] + extra[c] % 7
    a, b = one(plan, **u), one(plan, **more)
    assert b.spending >= a.spending
    assert b.total >= a.total
    assert b.person_pays >= a.person_pays


def test_spending_curve_is_monotone_and_tracks_the_level():
    levels = np.arange(0, 200_001, 5_000)
    curves = plans.spending_curve(None, "high", levels)
    assert set(curves["plan"]) == {"hmo", "epo", "pos", "ppo"}
    for _, grp in curves.groupby("plan"):
        assert (np.diff(grp["total"].to_numpy()) >= 0).all()
        gap = grp["level"].to_numpy() - grp["spending"].to_numpy()
        assert ((gap >= 0) & (gap < 50)).all()  # floored per service: < number of services
    # at the preset's own spending the curve gives the preset's own result
    base = int(annual_cost("hmo", "high")["spending"].iloc[0])
    at = plans.spending_curve(["hmo"], "high", [base]).iloc[0]
    assert at["total"] == annual_cost("hmo", "high")["total"].iloc[0]


def test_spending_curve_needs_spending_to_scale():
    with pytest.raises(ValueError, match="no medical spending"):
        plans.spending_curve(None, use(), [0, 1000])


# --- presets, tables and slider callbacks ---------------------------------------------------------


def test_presets_are_labelled_illustrative_and_in_whole_dollars():
    meta = plans.plan_meta()
    assert meta["currency"] == "USD" and meta["illustrative"] is True
    for p in plans.load_plans().values():
        assert "illustrative" in p.label
        assert all(isinstance(v, int) for v in (p.premium, p.deductible, p.oop_max))


def test_usage_presets_grow_from_low_to_worst():
    u = plans.usage_presets()
    assert list(u.index) == ["low", "medium", "high", "worst"]
    for c in (*COUNT_COLUMNS, "out_of_network_share"):
        assert u[c].is_monotonic_increasing, c
    totals = annual_cost("ppo", u)["spending"]
    assert totals.is_monotonic_increasing


def test_preset_table_names_the_cheapest_plan():
    table = plans.preset_table()
    long = plans.compare(None, plans.usage_presets())
    for usage, row in table.iterrows():
        sub = long[long["usage"] == usage]
        assert row["cheapest"] == sub.loc[sub["total"].idxmin(), "plan"]
        assert row[row["cheapest"]] == sub["total"].min()
        assert sub.loc[sub["plan"] == row["cheapest"], "rank"].item() == 1


def test_slider_callback_is_the_cost_table_of_that_usage():
    values = {k: w.value for k, w in plans.make_sliders("high").items()}
    assert values == plans.usage_preset("high")
    table = plans.compare_usage(**values)
    expected = plans.compare(None, "high").set_index("plan")
    assert list(table.columns) == ["hmo", "epo", "pos", "ppo"]
    assert table.loc["연간 총비용 = 보험료 + 본인 부담 (total)"].to_dict() == (
        expected["total"].to_dict()
    )
    ranks = table.loc["순위 (rank, 1 = 가장 쌈)"]
    assert ranks.idxmin() == expected["total"].idxmin()


def test_slider_floats_that_are_whole_are_accepted():
    values = plans.usage_preset("medium") | {"cost_pcp": 150.0, "pcp_visits": 4.0}
    assert plans.compare_usage(**values).equals(plans.compare_usage(**plans.usage_preset("medium")))


def test_show_comparison_shows_the_slider_table_and_returns_none(monkeypatch):
    import IPython.display
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown = []
    monkeypatch.setattr(IPython.display, "display", shown.append)
    monkeypatch.setattr(plt, "show", lambda: None)
    values = plans.usage_preset("worst")
    assert plans.show_comparison(**values) is None
    table = plans.compare_usage(**values)
    assert len(shown) == 1 and shown[0].equals(plans.format_table(table))
    total = "연간 총비용 = 보험료 + 본인 부담 (total)"
    assert shown[0].loc[total, "hmo"] == f"{table.loc[total, 'hmo']:,}달러"
    assert shown[0].loc["본인부담 상한 (out-of-pocket maximum)", "ppo"].startswith("-")
    axes = plt.gcf().axes
    assert len(axes) == 2 and len(axes[1].get_lines()) == 5  # four plans + my spending
    plt.close("all")


def test_stop_paying_table_is_computed_from_the_rules():
    table = plans.stop_paying_table()
    oon = table.loc["네트워크 밖 전문의 1회 (specialist, out of network)"]
    assert oon["hmo"].startswith("플랜 0달러 / 본인 300달러") and "네트워크 밖" in oon["hmo"]
    no_ref = table.loc["전문의 1회, 의뢰서 없음 (specialist, no referral)"]
    assert "의뢰서" in no_ref["hmo"] and "의뢰서" in no_ref["pos"]
    assert no_ref["ppo"].startswith("플랜 240달러")
    er = table.loc["네트워크 밖 응급실 1회 (emergency, out of network)"]
    assert all(not v.startswith("플랜 0달러 ") for v in er)


def test_project_terms_use_known_zone_codes():
    from silson_tools.schema import ZONES

    terms = plans.project_terms()
    for zones in terms["zone"]:
        for z in filter(None, (s.strip() for s in zones.split(","))):
            assert z in ZONES
    assert terms.loc["oop_max", "zone"] == "ceiling_offset"
    assert terms.loc["not_covered_out_of_network", "zone"] == "excluded"


def test_custom_plan_file(tmp_path: Path):
    f = tmp_path / "mine.toml"
    f.write_text(
        '[plans.mine]\ntype = "hmo"\npremium = 100\ndeductible = 0\ncoinsurance = 0.1\n'
        "oop_max = 900\ncopay = { pcp = 5 }\n",
        encoding="utf-8",
    )
    mine = plans.load_plans(f)["mine"]
    assert (mine.type, mine.copay["pcp"], one(mine, pcp_visits=2).person_pays) == ("HMO", 5, 10)
    f.write_text(f.read_text() + "deductable = 5\n", encoding="utf-8")
    with pytest.raises(ValueError, match="deductable"):
        plans.load_plans(f)


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"pcp_visits": -1}, "pcp_visits must not be negative"),
        ({"hospital_days": 1.5}, "hospital_days must be whole"),
        ({"cost_specialist": -300}, "cost_specialist must not be negative"),
        ({"cost_pcp": "abc"}, "cost_pcp must be whole"),
        ({"out_of_network_share": 1.2}, "out_of_network_share must be a share between 0 and 1"),
        ({"out_of_network_share": -0.1}, "out_of_network_share must be a share between 0 and 1"),
        ({"visits": 3}, "unknown columns"),
    ],
)
def test_bad_usage_is_a_clear_error(change, message):
    with pytest.raises(ValueError, match=message):
        annual_cost("hmo", use(**change))


def test_missing_costs_and_unknown_presets():
    with pytest.raises(ValueError, match="missing cost columns"):
        annual_cost("hmo", {"pcp_visits": 1})
    with pytest.raises(ValueError, match="usage preset must be one of"):
        annual_cost("hmo", "extreme")
    with pytest.raises(ValueError, match="plan must be a Plan or one of the presets"):
        annual_cost("hdhp", "low")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"type": "HDHP"}, "plan type must be one of HMO, EPO, POS, PPO; got 'HDHP'"),
        ({"coinsurance": 1.5}, "coinsurance must be a rate between 0 and 1"),
        ({"premium": -5}, "premium must be between 0"),
        ({"deductible": 10.5}, "deductible must be a whole number of US dollars"),
        ({"copay": {"dentist": 10}}, "unknown service 'dentist'"),
        ({"type": "HMO", "oon_deductible": 100}, "pays nothing out of network"),
        ({"type": "PPO"}, "needs"),
    ],
)
def test_bad_plan_is_a_clear_error(kwargs, message):
    base = {"type": "EPO", "premium": 1, "deductible": 0, "coinsurance": 0.2, "oop_max": 100}
    with pytest.raises(ValueError, match=message):
        make_plan(**(base | kwargs))


def test_usage_columns_are_all_known_to_the_sliders():
    assert set(plans.SLIDERS) == set(USAGE_COLUMNS)


def test_cheapest_ranges_agree_with_the_curve_points():
    curves = plans.spending_curve(None, "worst", np.arange(0, 150_001, 2_500))
    ranges = plans.cheapest_ranges(curves)
    assert ranges["from_spending"].is_monotonic_increasing
    assert (ranges["plan"] != ranges["plan"].shift()).all()  # runs are merged
    for row in ranges.itertuples():
        inside = curves[
            (curves["spending"] >= row.from_spending) & (curves["spending"] <= row.to_spending)
        ]
        best = inside.groupby("level")["total"].min()
        mine = inside[inside["plan"] == row.plan].set_index("level")["total"]
        assert (mine == best).all()
    assert len(set(ranges["plan"])) >= 2  # the worst case is where the ranking changes


def test_plan_table_shows_the_network_rules():
    table = plans.plan_table()
    assert table.loc["전문의 의뢰서 필요 (referral)"].to_dict() == {
        "hmo": "필요",
        "epo": "불필요",
        "pos": "필요",
        "ppo": "불필요",
    }
    assert table.loc["네트워크 밖 (out of network)", "hmo"].startswith("보장 안 함")
    assert table.loc["연 보험료 (premium)", "hmo"] == f"{plans.load_plans()['hmo'].premium:,}달러"


@pytest.mark.parametrize("usage", ["low", "medium", "high", "worst"])
def test_compare_with_curve_is_compare_plus_spending_curve(usage):
    values = {k: v for k, v in plans.usage_preset(usage).items() if k in plans.SLIDERS}
    long, curves = plans.compare_with_curve(None, values, 100_000, 41)
    ref = plans.compare(None, values)
    cols = [c for c in ref.columns if c != "usage"]
    assert long[cols].equals(ref[cols])
    levels = np.linspace(0, 100_000, 41).astype(np.int64)
    assert curves.equals(plans.spending_curve(None, values, levels))


def test_network_app_shows_the_year_of_every_plan():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    from silson_tools.teaching.network_app import NetworkApp

    app = NetworkApp("medium")
    long = plans.compare(None, {k: s.value for k, s in app.controls.items()})
    best = long.loc[long["total"].idxmin()]
    assert f"<b>{best['plan'].upper()}</b>" in app.summary.value and "$" not in app.summary.value
    assert "$" not in app.table.value and "달러" in app.table.value
    first = app.image.value
    app.controls["hospital_days"].value = 10
    long = plans.compare(None, {k: s.value for k, s in app.controls.items()})
    hmo = long.set_index("plan").loc["hmo"]
    assert app.totals[0].get_text() == f"{hmo['total']:,}" and app.image.value != first
    top = app.bars[("hmo", "no_referral")]
    assert top.get_y() + top.get_height() == hmo["total"]
