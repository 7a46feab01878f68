"""Notebook 02's scenarios and slider callback (pure functions) and its comparison table."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from silson_tools import assess, load_policy
from silson_tools.catalog import products
from silson_tools.teaching import scenarios as sc
from silson_tools.teaching.scenarios import SELF_PAY_PARTS


@pytest.mark.parametrize("name", list(sc.SCENARIOS))
def test_every_scenario_under_every_generation(name: str) -> None:
    table = sc.scenario_table(name)
    assert list(table.index) == list(sc.GENERATION_NAMES)
    # self-pay parts add up, payout + self-pay is the claim, all integer won
    parts = table[list(SELF_PAY_PARTS)].sum(axis=1)
    assert (parts == table["self_pay"]).all()
    assert (table["payout"] + table["self_pay"] == table["claim"]).all()
    assert table["payout"].dtype == np.int64


def test_generation_names_are_the_products_short_labels_in_product_order() -> None:
    assert sc.GENERATION_NAMES == {n: load_policy(n).short_label for n in products()}
    assert list(sc.GENERATION_NAMES) == list(products())
    assert sc.GENERATION_NAMES[products()[0]] == "1세대"  # short enough for a bar chart axis


def test_scenario_cost_and_share_reach_the_receipts() -> None:
    lines = sc.build("clinic", cost=40_000, noncovered_share=0.25)
    assert lines[["covered_copay", "noncovered"]].to_numpy().sum() == 40_000
    assert lines["noncovered"].sum() == 10_000
    # 의원 30% co-pay (HIRA 외래 본인부담률, 시행령 별표2): ② = ① × 0.7 / 0.3
    assert lines["nhis_paid"].iloc[0] == round(lines["covered_copay"].iloc[0] * 7 / 3)
    therapy = sc.build("manual_therapy", cost=100_000, sessions=52)
    assert len(therapy) == 52 and therapy["noncovered"].eq(100_000).all()


def test_known_numbers_in_the_scenarios() -> None:
    # a year of weekly 도수치료 at 10만원 (3세대 상품 안내, 4세대 표준약관 3대 비급여 특약):
    # 3세대/4세대 pay 7만 for 50 sessions (350만원 = the sub-limit), nothing for sessions
    # 51–52; 5세대 특약2 excludes it.
    table = sc.scenario_table("manual_therapy", cost=100_000, sessions=52)
    assert table.loc["gen4", "payout"] == 3_500_000
    assert table.loc["gen4", "count_cut"] == 140_000
    assert table.loc["gen4", "flags"] == 40  # sessions 11–50 need a documented improvement
    assert table.loc["gen5", "payout"] == 0 and table.loc["gen5", "excluded"] == 5_200_000
    # 2세대 표준: 20% self-pay, no sub-limit: 52 × 8만
    assert table.loc["gen2", "payout"] == 52 * 80_000
    # a week in hospital: 1인실 차액 25만/day × 7 → 50% capped at 10만 × 7 (표준약관 상급병실)
    table = sc.scenario_table("inpatient_week")
    assert (table["visit_cap_cut"] == 875_000 - 700_000).all()


def test_slider_callback_is_pure_and_monotone_in_cost() -> None:
    low = sc.scenario_table("mri", cost=300_000, noncovered_share=0.8, tier="general")
    again = sc.scenario_table("mri", cost=300_000, noncovered_share=0.8, tier="general")
    pd.testing.assert_frame_equal(low, again)
    high = sc.scenario_table("mri", cost=900_000, noncovered_share=0.8, tier="general")
    assert (high["payout"] >= low["payout"]).all()
    assert (high["claim"] == 900_000).all()


def test_show_scenario_draws_and_returns_none() -> None:
    import matplotlib.pyplot as plt

    assert sc.show_scenario("clinic", 50_000, 0.3, "hospital", 1) is None
    plt.close("all")
    ax = sc.plot_generations(sc.scenario_table("inpatient_week"))
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[0] == "보험금 (payout)"
    assert any("회당 한도" in label for label in labels)
    plt.close("all")


def test_bad_scenario_input() -> None:
    with pytest.raises(ValueError, match="scenario: 'dentist'"):
        sc.build("dentist")
    with pytest.raises(ValueError, match=r"noncovered_share: 1\.5"):
        sc.build("clinic", noncovered_share=1.5)
    with pytest.raises(ValueError, match="tier: 'pharmacy'"):
        sc.build("clinic", tier="pharmacy")
    with pytest.raises(ValueError, match="sessions: 0"):
        sc.build("manual_therapy", sessions=0)


def test_generation_features_come_from_the_rule_files() -> None:
    table = sc.generation_features()
    assert table.loc["통원 최소공제: 종합병원", "3세대 표준"] == "15,000원"  # 3세대 상품 안내
    assert table.loc["통원 최소공제: 종합병원", "4세대"] == "20,000원"  # 4세대 표준약관
    assert table.loc["비급여 통원 최소공제", "5세대"] == "50,000원"  # 5세대 표준약관 특약2
    assert table.loc["외래+약국 같은 날 1회", "4세대"] == "예"
    assert table.loc["도수·체외·증식 연간 한도", "4세대"] == "350만원"  # 만원 as people read it


def test_scenario_lines_match_a_direct_assess() -> None:
    lines = sc.build("mri")
    direct = assess(lines, "gen4", policy_start=sc.START)["payout"].sum()
    assert sc.compare(lines, ["gen4"]).loc["gen4", "payout"] == direct


def test_nhi_copay_rates_come_from_the_rule_file() -> None:
    assert sc.nhi_copay_rate("outpatient", "clinic") == 0.30
    assert sc.nhi_copay_rate("pharmacy", "pharmacy") == 0.30
    assert sc.nhi_copay_rate("inpatient", "general") == 0.20
    with pytest.raises(ValueError, match="tier: 'dentist'"):
        sc.nhi_copay_rate("outpatient", "dentist")


def test_scenario_app_moves_the_bars_it_computes() -> None:
    """The slider app's bars are the table's payout and zone amounts (in 만원), and moving
    the cost slider sends a new picture."""
    from silson_tools.teaching.scenario_app import cached_table, scenario_app

    app = scenario_app("mri")
    cost = app.children[1].children[1]
    image = app.children[2].children[0]
    first = image.value
    cost.value = 800_000
    assert image.value != first
    table = cached_table("mri", 800_000, 0.85, "general", 1)
    plot_bars = [p.get_height() for p in app.children[2].children[0]._silson_plot.payout]
    assert plot_bars == pytest.approx(list(table["payout"] / 10_000))


@pytest.mark.parametrize("name", list(sc.SCENARIOS))
def test_tables_in_one_batch_are_the_tables_one_by_one(name: str) -> None:
    """compare_many assesses every set as its own person: no limit or visit is shared."""
    variants = [
        (30_000, 0.0, "clinic", 1),
        (400_000, 0.5, "tertiary", 7),
        (3_000_000, 1.0, "general", 60),
    ]
    for got, variant in zip(sc.scenario_tables(name, variants), variants, strict=True):
        pd.testing.assert_frame_equal(got, sc.scenario_table(name, *variant))
    assert sc.compare_many([]) == []


def test_a_slider_move_computes_the_next_steps_along_that_slider() -> None:
    from silson_tools.teaching import scenario_app as sa

    app = sa.ScenarioApp("manual_therapy")
    made = [  # computed when the app was made: the first presses either way are ready
        sa._key("manual_therapy", 100_000 + d, 1.0, "clinic", 52) for d in (-90_000, 120_000)
    ]
    made += [sa._key("manual_therapy", 100_000, 0.4, "clinic", 52)]
    made += [sa._key("manual_therapy", 100_000, 1.0, "tertiary", 52)]
    assert all(k in sa._TABLES for k in made)
    app.controls["sessions"].value = 40  # a miss to the left: 40 and the next steps down
    ahead = [sa._key("manual_therapy", 100_000, 1.0, "clinic", n) for n in (28, 35, 39)]
    assert all(k in sa._TABLES for k in ahead)
    assert sa._key("manual_therapy", 100_000, 1.0, "clinic", 41) not in sa._TABLES
    assert sa._key("manual_therapy", 110_000, 1.0, "clinic", 40) not in sa._TABLES
    app.controls["tier"].value = "hospital"  # every 병원 규모 at once
    assert sa._key("manual_therapy", 100_000, 1.0, "tertiary", 40) in sa._TABLES
    pd.testing.assert_frame_equal(
        sa.cached_table("manual_therapy", 100_000, 1.0, "clinic", 33),
        sc.scenario_table("manual_therapy", 100_000, 1.0, "clinic", 33),
    )
