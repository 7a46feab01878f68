"""Without a 소득분위 the report still takes out the 상한제 refund every decile gets (the
highest 상한액), and a product is refused for a contract date outside its sale window."""

from __future__ import annotations

import pandas as pd
import pytest

import silson_tools as st
from silson_tools.ceiling import CeilingSpec, CertainRefund
from silson_tools.errors import InputError
from silson_tools.report import summary as rp
from silson_tools.teaching import scenarios as sc


def _two_hospitals(days: tuple[int, int] = (20, 15)) -> pd.DataFrame:
    """① 7,000,000 + 5,000,000 in 2024 at two hospitals, no ⑤ (each under 808만원)."""
    return pd.DataFrame(
        [
            dict(date="2024-03-10", setting="inpatient", tier="tertiary", institution="A대병원",
                 days=days[0], covered_copay=7_000_000, noncovered=0),
            dict(date="2024-08-10", setting="inpatient", tier="general", institution="B병원",
                 days=days[1], covered_copay=5_000_000, noncovered=0),
        ]
    )  # fmt: skip


def test_certain_refund_is_the_tenth_decile_refund_summed_over_institutions() -> None:
    r = _two_hospitals()
    got = CertainRefund().line_offsets(r)
    # 2024 10분위 808만원: 12,000,000 − 8,080,000 = 3,920,000, on the line that passes it
    assert got.tolist() == [0, 3_920_000]
    assert got.tolist() == CeilingSpec(decile=10).line_offsets(r).tolist()
    for decile in range(1, 11):  # a lower bound of every decile's refund
        assert CeilingSpec(decile=decile).line_offsets(r).sum() >= got.sum()
    paid = st.assess(r, "gen4", policy_start="2023-01-01", ceiling=CertainRefund())
    assert int(paid["payout"].sum()) == 6_464_000  # was 10,000,000 with nothing taken out
    assert int(paid["ceiling_offset"].sum()) == 3_920_000


def test_a_possible_long_stay_takes_the_higher_long_stay_ceiling() -> None:
    """Only a 병원-tier stay (a 요양병원 is one) can be a long stay."""
    unknown_days = _two_hospitals((15, 0)).assign(tier=["tertiary", "hospital"])
    assert CertainRefund().long_stay(unknown_days) == {"본인": True}  # days unknown at a 병원
    # 2024 요양병원 10분위 1,050만원: 12,000,000 − 10,500,000
    assert CertainRefund().line_offsets(unknown_days).tolist() == [0, 1_500_000]
    long = _two_hospitals((100, 121)).assign(tier=["tertiary", "hospital"])
    assert CertainRefund().long_stay(long) == {"본인": True}
    short = _two_hospitals((100, 20)).assign(tier=["hospital", "hospital"])  # 120 days in all
    assert CertainRefund().long_stay(short) == {"본인": False}


@pytest.mark.parametrize("days", [(0, 0), (0, 15), (100, 121)])
def test_a_tertiary_or_general_stay_is_never_a_long_stay(days: tuple[int, int]) -> None:
    """상급종합·종합병원 stays, days unknown or many, keep the normal 10분위 상한액: the
    certain refund stays 3,920,000 and the payout 6,464,000 (not above what decile 10 gets)."""
    r = _two_hospitals(days)
    assert CertainRefund().long_stay(r) == {"본인": False}
    assert CertainRefund().line_offsets(r).tolist() == [0, 3_920_000]
    paid = st.assess(r, "gen4", policy_start="2023-01-01", ceiling=CertainRefund())
    assert int(paid["payout"].sum()) == 6_464_000


def test_lines_before_the_ceiling_existed_take_nothing() -> None:
    old = pd.DataFrame(
        [dict(date="2003-05-01", setting="inpatient", tier="general", days=10,
              covered_copay=9_000_000, noncovered=0)]
    )  # fmt: skip
    assert CertainRefund().line_offsets(old).tolist() == [0]
    assert CertainRefund().unknown_years(old) == []


def test_report_without_decile_says_at_least_and_the_sum() -> None:
    report = rp.build_report(_two_hospitals(), "gen4", "2023-01-01", charts=False)
    assert int(report.assessed["payout"].sum()) == 6_464_000
    text = " ".join(report.why)
    assert "적어도 3,920,000원" in text
    assert "12,000,000원 − 그해 최고 상한액 8,080,000원" in text
    exact = rp.build_report(_two_hospitals(), "gen4", "2023-01-01", decile=1, charts=False)
    assert int(exact.assessed["payout"].sum()) == 696_000  # decile 1: 87만원
    assert "적어도" not in " ".join(exact.why)
    assert exact.certain_refund is None


def test_a_product_outside_its_sale_window_is_refused_with_the_one_that_fits() -> None:
    with pytest.raises(InputError) as err:
        rp.build_report(_two_hospitals(), "gen2", "2011-03-01", charts=False)
    text = str(err.value)
    assert "gen2" in text and "2013-01-01 – 2017-03-31" in text and "2011-03-01" in text
    assert "gen2-choice1 (2009-10-01 – 2017-03-31)" in text
    with pytest.raises(InputError, match="2026-05-06 – …"):
        st.load_policy("gen5").check_sold_on("2019-01-01")
    st.load_policy("gen2-choice1").check_sold_on("2011-03-01")  # sold then: no error
    st.load_policy("gen1").check_sold_on("2001-01-01")  # open start


def test_an_assumed_start_outside_the_window_is_said_in_the_report() -> None:
    report = rp.build_report(_two_hospitals(), "gen3", charts=False)
    assert report.start_note.startswith("계약일을 주지 않아 2024-01-01")
    assert "2017-04-01 – 2021-06-30" in report.why[0]
    inside = rp.build_report(_two_hospitals(), "gen4", charts=False)
    assert inside.start_note == ""


def test_scenarios_apply_every_generation_on_one_date_on_purpose() -> None:
    table = sc.scenario_table("clinic")
    assert len(table) == len(sc.GENERATION_NAMES)  # gen1 … gen5 on 2026-01-01, none refused
    assert st.load_policy("gen1").at_any_date().any_date
    st.load_policy("gen1").at_any_date().check_sold_on("2026-01-01")


def test_report_takes_an_admission_and_a_visits_injections_as_one() -> None:
    """One admission on an interim and a discharge line (5세대 특약2 300만원 per admission),
    one visit's injections on two lines: the engine groups them, so the report pays as the
    terms say and no longer asks the person to merge lines."""
    stay = [
        dict(date="2026-07-01", setting="inpatient", tier="hospital", institution="B병원",
             days=14, covered_copay=500_000, nhis_paid=2_000_000, noncovered=5_000_000),
        dict(date="2026-07-15", setting="inpatient", tier="hospital", institution="B병원",
             days=10, covered_copay=400_000, nhis_paid=1_600_000, noncovered=5_000_000),
    ]  # fmt: skip
    report = rp.build_report(pd.DataFrame(stay), "gen5", "2026-06-01", charts=False)
    assert report.assessed["payout"].tolist() == [1_900_000, 1_820_000]
    assert not any("합쳐" in s for s in report.why), report.why
    shots = [
        dict(date="2024-03-05", setting="outpatient", tier="clinic", institution="A의원",
             covered_copay=0, noncovered=50_000, category="injection"),
    ] * 2  # fmt: skip
    report = rp.build_report(pd.DataFrame(shots), "gen4", "2023-01-01", charts=False)
    # one act: 100,000 − max(3만원, 30%) = 70,000, shared 35,000 each
    assert report.assessed["payout"].tolist() == [35_000, 35_000]
    assert not any("합쳐" in s for s in report.why), report.why
