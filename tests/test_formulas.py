"""formulas.py: the articles' formulas, the four modes, the cap H, exactness and bad input.

Worked numbers from the shrink-zone article, 「급여 vs 비급여 보장 축소 구간 깔끔 정리」
(topeconomyinfo 블로그, 2025-10),
https://topeconomyinfo.onedayoneinfo.com/2025/10/clean-guide-to-reduced-coverage-zones-reimbursement-vs-non-reimbursement-in-korean-indemnity-insurance.html
and the self-pay article, 「보험사 조건에 따른 실비보험 자기부담금 계산법 전략」
(goodnews91 블로그),
https://goodnews91.com/%eb%b3%b4%ed%97%98%ec%82%ac-%ec%a1%b0%ea%b1%b4%ec%97%90-%eb%94%b0%eb%a5%b8-%ec%8b%a4%eb%b9%84%eb%b3%b4%ed%97%98-%ec%9e%90%ea%b8%b0%eb%b6%80%eb%8b%b4%ea%b8%88-%ea%b3%84%ec%82%b0%eb%b2%95-%ec%a0%84
(both also in silson_tools.teaching.sources).
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from silson_tools.formulas import MODES, per_visit_self_pay, period_totals, split_visit
from silson_tools.teaching.cases import ARTICLE_CASES

# --- the articles' numbers ------------------------------------------------------------


def test_shrink_zones_article_case1_covered_outpatient():
    # shrink-zone article, 사례 1: n=4, C=18,000, D=0, 급여 r=10% → 건당 1,800원, 월 7,200원
    t = period_totals(4, 18_000, D=0, r=0.10)
    assert (t.visit.self_pay, t.self_pay, t.payout) == (1_800, 7_200, 64_800)


def test_shrink_zones_article_case1_noncovered_doubles():
    # shrink-zone article, 사례 1: 비급여 r=20% → 건당 3,600원, 월 14,400원
    t = period_totals(4, 18_000, D=0, r=0.20)
    assert (t.visit.self_pay, t.self_pay) == (3_600, 14_400)


def test_self_pay_article_rate_type_100k_at_20pct():
    # self-pay article: 병원비 10만 원, 자기부담금 20% → 2만 원
    assert per_visit_self_pay(100_000, r=0.20, mode="rate") == 20_000


def test_self_pay_article_mri_80pct_cover():
    # self-pay article: MRI 40만 원, 80% 보장 → 본인 부담 8만 원, 보험 지급 32만 원
    v = split_visit(400_000, r=0.20, mode="rate")
    assert (v.self_pay, v.payout) == (80_000, 320_000)


def test_self_pay_article_mixed_type():
    # self-pay article 혼합형: 공제 1만 원 + 남은 금액 × 10% → 3만 원이면 1만 + 2천 = 1만2천 원
    assert per_visit_self_pay(30_000, D=10_000, r=0.10, mode="additive") == 12_000


def test_self_pay_article_fixed_type():
    # self-pay article 정액형: 1만 원 공제
    assert per_visit_self_pay(30_000, D=10_000, mode="fixed") == 10_000
    assert per_visit_self_pay(7_000, D=10_000, mode="fixed") == 7_000  # never above C


@pytest.mark.parametrize("case", ARTICLE_CASES, ids=lambda c: f"{c.source} {c.label}")
def test_every_article_case_matches_the_article(case):
    t = period_totals(case.n, case.C, case.D, case.r, case.H, case.mode)
    assert t.self_pay == case.stated_self_pay
    assert t.self_pay + t.payout == t.cost


# --- modes differ, deductible, cap ---------------------------------------------------------


@pytest.mark.parametrize(
    ("C", "additive", "maximum"),
    [
        (30_000, 14_000, 10_000),  # 1만 + 2만×20% vs max(1만, 6천)
        (100_000, 28_000, 20_000),  # 1만 + 9만×20% vs max(1만, 2만)
        (50_000, 18_000, 10_000),  # rate part equals D exactly at C = D / r
    ],
)
def test_additive_and_max_differ(C, additive, maximum):
    assert per_visit_self_pay(C, D=10_000, r=0.2, mode="additive") == additive
    assert per_visit_self_pay(C, D=10_000, r=0.2, mode="max") == maximum


def test_cost_below_deductible_is_all_self_pay_and_worthless():
    for mode in ("additive", "max", "fixed"):
        v = split_visit(8_000, D=10_000, r=0.2, mode=mode)
        assert (v.self_pay, v.payout, v.zone, v.worthless) == (8_000, 0, "deductible", True)


def test_cap_binds_and_keeps_the_rest_with_the_patient():
    # computed payout 48만 (60만 × 80%) is cut at H = 30만
    t = period_totals(2, 600_000, r=0.2, H=300_000, mode="rate")
    assert (t.payout, t.self_pay, t.zone, t.cap_hit) == (600_000, 600_000, "visit_cap", True)
    assert t.cap_cut == 2 * 180_000


def test_cap_exactly_at_payout_does_not_bind_one_won_over_does():
    assert split_visit(375_000, r=0.2, H=300_000, mode="rate").cap_hit is False  # payout 300,000
    v = split_visit(375_002, r=0.2, H=300_000, mode="rate")  # payout floor(300,001.6) = 300,001
    assert (v.cap_hit, v.payout, v.cap_cut) == (True, 300_000, 1)


def test_zone_by_mode():
    assert split_visit(30_000, D=10_000, r=0.2, mode="max").zone == "deductible"
    assert split_visit(100_000, D=10_000, r=0.2, mode="max").zone == "rate"
    assert split_visit(100_000, D=0, r=0.2, mode="additive").zone == "rate"


def test_rounding_floors_the_payout():
    # 12,345 × (1 − 0.15) = 10,493.25 → payout 10,493, self-pay 1,852
    v = split_visit(12_345, r=0.15, mode="rate")
    assert (v.payout, v.self_pay) == (10_493, 1_852)


def test_real_cost_is_premium_plus_self_pay():
    t = period_totals(4, 18_000, r=0.1, premium=25_000)
    assert t.real_cost == 25_000 + 7_200


def test_vectorised_equals_scalar():
    costs = np.array([0, 5_000, 18_000, 123_457, 600_000])
    arr = split_visit(costs, D=10_000, r=0.3, H=200_000, mode="max")
    for i, c in enumerate(costs):
        one = split_visit(int(c), D=10_000, r=0.3, H=200_000, mode="max")
        assert (arr.payout[i], arr.self_pay[i], arr.zone[i]) == (one.payout, one.self_pay, one.zone)
    assert arr.payout.dtype == np.int64


def test_won_text_accepted():
    assert per_visit_self_pay("1.8만원", r=0.1) == 1_800


# --- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "names"),
    [
        ({"C": -1}, "C"),
        ({"C": "abc"}, "C"),
        ({"C": 1.5}, "C"),
        ({"D": -10_000}, "D"),
        ({"r": 1.2}, "r"),
        ({"r": -0.1}, "r"),
        ({"r": "10%"}, "r"),
        ({"H": -1}, "H"),
        ({"mode": "sum"}, "mode"),
    ],
)
def test_bad_input_names_the_parameter_and_value(kwargs, names):
    args = {"C": 10_000, "D": 0, "r": 0.1, "H": None, "mode": "additive"} | kwargs
    with pytest.raises(ValueError) as err:
        split_visit(**args)
    message = str(err.value)
    assert message.startswith(names) or f"{names} " in message or f"{names}:" in message
    assert repr(kwargs[names]) in message


@pytest.mark.parametrize("n", [-1, 2.5, "four"])
def test_bad_n(n):
    with pytest.raises(ValueError, match=r"^n"):
        period_totals(n, 10_000)


def test_negative_premium():
    with pytest.raises(ValueError, match="premium"):
        period_totals(1, 10_000, premium=-5)


# --- properties --------------------------------------------------------------------------

won = st.integers(min_value=0, max_value=5_000_000)
rate = st.floats(min_value=0, max_value=1, allow_nan=False)
cap = st.one_of(st.none(), won)
mode = st.sampled_from(MODES)


@given(n=st.integers(0, 400), C=won, D=won, r=rate, H=cap, mode=mode)
def test_payout_bounded_and_exact(n, C, D, r, H, mode):
    t = period_totals(n, C, D, r, H, mode)
    assert t.payout + t.self_pay == t.cost == n * C
    assert 0 <= t.payout <= t.cost
    if H is not None:
        assert t.payout <= H * n
    v = t.visit
    assert v.deductible_part + v.rate_part + v.cap_cut == v.self_pay
    assert min(v.deductible_part, v.rate_part, v.cap_cut) >= 0


@given(C=won, extra=st.integers(0, 1_000_000), D=won, r=rate, H=cap, mode=mode)
def test_self_pay_and_payout_monotone_in_cost(C, extra, D, r, H, mode):
    low = split_visit(C, D, r, H, mode)
    high = split_visit(C + extra, D, r, H, mode)
    assert high.self_pay >= low.self_pay
    assert high.payout >= low.payout


@given(C=won, D=won, r=rate, mode=mode)
def test_additive_never_below_max(C, D, r, mode):
    assert per_visit_self_pay(C, D, r, "additive") >= per_visit_self_pay(C, D, r, "max")
