"""Notebook 05's views (silson_tools.teaching.premium_app): readouts, tables, figures.

Grades as announced for 4세대 비급여 할인·할증 (FSC 2024-06-07): 100만 이상 150만 미만 → 3등급.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np

from silson_tools import premium
from silson_tools.teaching import premium_app
from silson_tools.teaching.live_plot import live_html

MAN = 10_000


def test_grade_readout_and_frame() -> None:
    values = premium_app.grade_readout(120 * MAN)
    assert values["grade"] == 3 and values["to_next_surcharge"] == 30 * MAN
    frame = premium_app.grades_frame(discount=0.07)
    assert frame["보험료 배율 (relativity)"].tolist() == [0.93, 1.0, 2.0, 3.0, 4.0]
    assert frame["하한 (이상, won)"].tolist() == [0, 1, 100 * MAN, 150 * MAN, 300 * MAN]


def test_example_patterns_and_paths_table() -> None:
    assert all(len(p) == 5 for p in premium_app.EXAMPLE_PATTERNS.values())
    table = premium_app.paths_table(
        {"없음": (0,) * 5, "매년 300만": (300 * MAN,) * 5}, 10_000, 10_000
    )
    rows = table.set_index("청구 패턴")
    # no increase: 12 months × (10,000 + 9,500) at renewal 1, then 10% 무사고 할인 at
    # renewals 2–5 (two clean years: 19,500 × 0.9 = 17,550); × (10,000 + 40,000) every year
    assert rows.loc["없음", "낸 보험료 합계"] == 12 * (19_500 + 4 * 17_550)
    assert rows.loc["매년 300만", "낸 보험료 합계"] == 60 * 50_000
    assert rows.loc["매년 300만", "그중 할인·할증분"] == 60 * 30_000
    # the 무사고 할인 is shown apart: 10% of 19,500 at renewals 2–5, none with yearly claims
    assert rows.loc["없음", "그중 무사고 할인"] == -12 * 4 * 1_950
    assert rows.loc["매년 300만", "그중 무사고 할인"] == 0


def test_no_claim_discount_in_the_views() -> None:
    fig = premium_app.plot_paths({"없음": (0,) * 3, "매년 20만": (200_000,) * 3}, 10_000, 10_000)
    ax = fig.axes[0]
    (ring,) = [ln for ln in ax.lines if ln.get_label().startswith("○ = 무사고 할인")]
    assert ring.get_xdata().tolist() == [2, 3]  # two clean years from renewal 2
    assert ring.get_ydata().tolist() == [17_550, 17_550]
    advice = premium.advise(1_000, 0, 30_000, clean_years=1, covered_premium=10_000)
    assert "46,200원" in premium_app.advice_html(advice)
    fig = premium_app.plot_advice(1_000, 0, 30_000, clean_years=1, covered_premium=10_000)
    (net,) = [ln for ln in fig.axes[0].lines if ln.get_label().startswith("순이익")]
    assert net.get_ydata()[1] == net.get_xdata()[1] - 18_000 - 46_200
    assert premium_app.show_advice(1_000, 0, 30_000, 0.05, True, 10_000) is None


def test_figures_and_callbacks() -> None:
    stair = premium_app.plot_staircase(120 * MAN)
    assert "3등급" in " ".join(t.get_text() for t in stair.axes[0].texts)
    fig = premium_app.plot_advice(20 * MAN, 90 * MAN, 30_000)
    (net,) = [ln for ln in fig.axes[0].lines if ln.get_label().startswith("순이익")]
    claims = net.get_xdata()
    np.testing.assert_array_equal(net.get_ydata(), premium.claim_net(claims, 90 * MAN, 30_000)[1])
    assert premium_app.show_grade(0) is None
    assert (
        premium_app.show_paths(list(premium_app.EXAMPLE_PATTERNS)[:2], 12_000, 10_000, 0.1) is None
    )
    assert premium_app.show_paths([], 12_000, 10_000, 0.1) is None
    assert premium_app.show_advice(20 * MAN, 90 * MAN, 30_000) is None
    assert "720,000원" in premium_app.advice_html(premium.advise(20 * MAN, 90 * MAN, 30_000))


def test_live_apps_show_what_premium_computes() -> None:
    from silson_tools.teaching.premium_live import AdviceApp, GradeApp, PathsApp

    grade = GradeApp(120 * MAN)
    assert "3등급" in grade.readout.value and "300,000원" in grade.readout.value
    first = grade.image.value
    grade.controls["nonbenefit_paid"].value = 310 * MAN
    assert "5등급" in grade.readout.value and grade.image.value != first
    assert grade.dot.get_ydata()[0] == 4.0

    paths = PathsApp(12_000, 10_000)
    chosen = {n: premium_app.EXAMPLE_PATTERNS[n] for n in paths.controls["patterns"].value}
    want = premium_app.paths_table(chosen, 12_000, 10_000, 0.1, 0.05)
    assert live_html(premium_app.paths_table_html(want)) == paths.readout.value
    name = next(iter(chosen))
    line = paths.lines[name]
    expected = premium.premium_path(12_000, 10_000, chosen[name], 0.1, None, 0.05)["total"]
    assert line.get_ydata().tolist() == expected.tolist()
    paths.controls["patterns"].value = ()
    assert "하나 이상" in paths.readout.value and not line.get_visible()

    advice = AdviceApp(20 * MAN, 90 * MAN, 20_000)
    assert advice.readout.value == live_html(
        premium_app.advice_html(premium.advise(20 * MAN, 90 * MAN, 20_000))
    )
    advice.controls["claim_payout"].value = 50 * MAN
    assert advice.dot.get_ydata()[0] == premium.advise(50 * MAN, 90 * MAN, 20_000).net
