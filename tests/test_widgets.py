"""teaching/shrink_zones.py: the slider callback is a pure function, checked over a grid."""

import itertools
import re

import numpy as np
import pytest

from silson_tools.formulas import period_totals
from silson_tools.teaching.shrink_zones import (
    READOUT_KEYS,
    ShrinkZoneApp,
    ShrinkZoneParams,
    nice_ceiling,
    readout_html,
    shrink_zone_readout,
    zone_segments,
)

GRID = list(
    itertools.product(
        [0, 1, 4, 30],  # n
        [0, 5_000, 18_000, 150_000, 500_000],  # C
        [0, 10_000, 30_000],  # D
        [0.0, 0.1, 0.35, 1.0],  # r
        [None, 0, 100_000],  # H
        ["additive", "max"],
    )
)


@pytest.mark.parametrize(("n", "C", "D", "r", "H", "mode"), GRID)
def test_readout_matches_period_totals(n, C, D, r, H, mode):
    out = shrink_zone_readout(n, C, D, r, H, mode, premium=12_000)
    t = period_totals(n, C, D, r, H, mode, premium=12_000)
    assert out["self_pay"] == t.self_pay and out["payout"] == t.payout
    assert out["real_cost"] == 12_000 + t.self_pay
    assert out["per_visit_self_pay"] + out["per_visit_payout"] == C
    assert out["self_pay"] == out["deductible_part"] + out["rate_part"] + out["cap_cut"]
    assert out["cost"] == n * C
    html = readout_html(out)
    for key in READOUT_KEYS:
        match = re.search(rf'data-key="{key}" data-value="([^"]*)"', html)
        assert match is not None and match.group(1) == str(out[key])


def test_readout_flags():
    assert shrink_zone_readout(3, 8_000, 10_000, 0.2)["worthless"] is True
    out = shrink_zone_readout(2, 600_000, 0, 0.2, H=300_000, mode="max")
    assert out["cap_hit"] is True and out["zone"] == "visit_cap"
    assert "회당 한도" in readout_html(out)


def test_app_updates_readout_and_plot_in_place():
    app = ShrinkZoneApp(ShrinkZoneParams(n=4, C=18_000, r=0.1))
    figure, first_png = app.figure.fig, app.image.value
    assert 'data-key="self_pay" data-value="7200"' in app.readout.value
    app.sliders["n"].value = 5
    assert 'data-key="self_pay" data-value="9000"' in app.readout.value
    assert app.image.value != first_png and app.image.value[:3] == b"\xff\xd8\xff"  # JPEG
    app.use_cap.value = True
    app.sliders["H"].value = 10_000
    assert 'data-value="visit_cap"' in app.readout.value
    assert app.figure.fig is figure  # updated, not recreated


def test_zone_segments_tile_the_axis():
    import numpy as np

    x = np.array([0, 10, 20, 30, 40])
    zones = np.array(["deductible", "deductible", "rate", "rate", "visit_cap"])
    assert zone_segments(x, zones) == [
        (0.0, 15.0, "deductible"),
        (15.0, 35.0, "rate"),
        (35.0, 40.0, "visit_cap"),
    ]


@pytest.mark.parametrize(
    ("value", "top"),
    [(0, 1), (1, 1), (1.01, 1.5), (2_900, 3_000), (7_600, 10_000), (120_000, 150_000)],
)
def test_nice_ceiling(value, top):
    assert nice_ceiling(value) == top


def test_h_slider_is_disabled_while_h_is_off():
    app = ShrinkZoneApp(ShrinkZoneParams(n=4, C=18_000, r=0.1, H=None))
    assert app.sliders["H"].disabled
    app.use_cap.value = True
    assert not app.sliders["H"].disabled
    assert app.params().H == app.sliders["H"].value


def test_first_view_shows_three_zones_and_the_axis_follows_c():
    from silson_tools.formulas import split_visit
    from silson_tools.teaching.shrink_zones import c_axis_top

    p = ShrinkZoneParams(n=4, C=30_000, D=10_000, r=0.2, H=50_000)
    top = c_axis_top(p)
    grid = np.linspace(0, top, 401).round().astype(np.int64)
    zones = {z for *_, z in zone_segments(grid, split_visit(grid, p.D, p.r, p.H).zone)}
    assert zones == {"deductible", "rate", "visit_cap"} and top == 100_000
    assert c_axis_top(ShrinkZoneParams(C=400_000)) == 500_000  # capped at the slider's end


def test_update_redraws_only_what_moves():
    app = ShrinkZoneApp(ShrinkZoneParams(n=4, C=30_000, D=10_000, r=0.2, H=50_000))
    live = app.figure.live
    draws = live.full_draws
    for n in (5, 6, 7, 6, 5):
        app.sliders["n"].value = n
    assert live.full_draws == draws  # same axes: the cached background was reused
    app.sliders["C"].value = 90_000  # the C axis grows to 20만 and the n panel's top too
    assert live.full_draws == draws + 2  # each panel drawn once, nothing else
    app.sliders["n"].value = 4
    app.sliders["C"].value = 30_000  # back: both panels' backgrounds are still kept
    assert live.full_draws == draws + 2


def _two_panels(split: bool):
    from silson_tools.teaching.live_plot import LiveFigure

    live = LiveFigure(8, 3, scale=1.0)
    live.fig.subplots_adjust(bottom=0.3, wspace=0.5)  # room for the legend and tick labels
    left, right = live.fig.subplots(1, 2)
    live.fig.legend(handles=left.plot([0, 1], [0, 1], label="static"), loc="lower center")
    (line,) = right.plot([0, 5], [0, 5], label="moving")
    live.moving(line)
    left.set_title("왼쪽")
    right.set_ylabel("오른쪽 (y)")
    if split:
        live.split_columns(left, right)
    return live, left, right


def test_panel_backgrounds_make_the_same_picture_as_a_whole_draw():
    from silson_tools.teaching.live_plot import LiveFigure

    pictures = []
    for split in (False, True):
        live, _, right = _two_panels(split)
        for top in (10, 1000, 100_000):  # the right panel's tick labels get wider
            right.set_ylim(0, top)
            live.render((1, top) if split else top)
        pictures.append(np.asarray(live.canvas.buffer_rgba()).copy())
    assert pictures[0].shape == pictures[1].shape
    assert (pictures[0] != pictures[1]).any(axis=2).mean() < 1e-4
    live, _, right = _two_panels(True)
    live.render((1, 10))
    draws = live.full_draws
    right.set_ylim(0, 20)
    live.render((1, 20))  # only the right panel is drawn again
    assert live.full_draws == draws + 1
    with pytest.raises(ValueError, match="2 panel keys"):
        live.render(5)
    assert isinstance(live, LiveFigure)


def test_readout_names_zones_without_codes():
    html = readout_html(shrink_zone_readout(2, 600_000, 0, 0.2, H=300_000, mode="max"))
    assert "회당 한도 (visit cap)" in html and ">회당 한도 (visit_cap)<" not in html
    assert "2,400,000원" in readout_html(shrink_zone_readout(4, 600_000, 0, 0.0))


@pytest.mark.parametrize(
    ("values", "labels"),
    [
        ([0, 20_000, 40_000, 60_000, 80_000, 100_000], ["0", "2만", "4만", "6만", "8만", "10만"]),
        ([0, 25_000, 50_000, 75_000, 100_000], ["0", "2.5만", "5만", "7.5만", "10만"]),
        ([0, 2_000, 4_000, 6_000], ["0", "2,000", "4,000", "6,000"]),
        ([0, 5_000_000, 10_000_000], ["0", "500만", "1,000만"]),
    ],
)
def test_won_axis_uses_one_unit_per_axis(values, labels):
    from silson_tools.chart_style import won_axis

    assert won_axis.format_ticks(values) == labels


def test_dollar_axis_uses_one_unit_per_axis():
    from silson_tools.chart_style import dollar_axis

    assert dollar_axis.format_ticks([0, 2_500, 5_000, 7_500]) == [
        "$0",
        "$2,500",
        "$5,000",
        "$7,500",
    ]
    assert dollar_axis.format_ticks([0, 7_500, 12_500]) == ["$0", "$7.5k", "$12.5k"]


def test_readouts_that_change_carry_no_stylesheet():
    """A <style> in a readout that changes at every move would make the browser restyle
    the whole page each time: the app's hidden style widget carries it once."""
    import ipywidgets as w

    from silson_tools.people import CSS
    from silson_tools.teaching.network_app import NetworkApp
    from silson_tools.teaching.practice import PracticeApp

    for app in (PracticeApp(), NetworkApp("medium")):
        next(iter(app.controls.values())).value += 1
        htmls = [c for c in app.widget.children if isinstance(c, w.HTML)]
        assert CSS in htmls[0].value  # app_style(), first in the box
        assert all("<style" not in h.value for h in htmls[1:]) and len(htmls) > 1
