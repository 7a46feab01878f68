"""Notebook 02's slider app: the same care under every generation, redrawn in place.

One persistent figure (:class:`~silson_tools.teaching.live_plot.LiveFigure`): the axes,
ticks, grid and legend are a cached background keyed by (y-axis top, zones shown); a slider
move only sets the bar heights and the title and blits them. The numbers come from
:func:`~silson_tools.teaching.scenarios.scenario_table` (pure, tested), kept per input in a
small cache so going back and forth is instant; after each update the values one step either
side of the cost slider are computed in one background thread, so the next
arrow-key press usually finds its numbers ready.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache

import ipywidgets as w
import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from ..people import man
from ..schema import TIERS, ZONE_COLORS, ZONES
from .live_plot import LiveFigure, app_style, image_widget
from .scenarios import SCENARIOS, SELF_PAY_PARTS, scenario_table

__all__ = ["GenerationsPlot", "cached_table", "scenario_app"]

_TIER_CHOICES = [(TIERS[t], t) for t in ("clinic", "hospital", "general", "tertiary")]


@lru_cache(maxsize=256)
def cached_table(scenario: str, cost: int, share: float, tier: str, sessions: int) -> pd.DataFrame:
    """:func:`scenario_table`, remembered per input (a slider revisits the same values)."""
    return scenario_table(scenario, cost, share, tier, sessions)


_PREFETCH = ThreadPoolExecutor(max_workers=1, thread_name_prefix="silson-prefetch")


def _prefetch(scenario: str, cost: int, share: float, tier: str, sessions: int) -> None:
    """Fill :func:`cached_table` for the neighbours of the current slider values."""
    for c in (cost + 10_000, cost - 10_000):  # the cost slider's arrow keys
        if 10_000 <= c <= 5_000_000:
            cached_table(scenario, c, share, tier, sessions)


def _nice_top(value: float) -> float:
    """Round up to a few steps per power of ten (the y-axis top; a background is reused
    while the bars stay under it)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    steps = (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10)
    return next(m * power for m in steps if m * power >= value)


class GenerationsPlot:
    """Payout beside self-pay stacked by zone, per generation; bars move, axes are cached."""

    def __init__(self, generations: list[str]) -> None:
        self.live = LiveFigure(8.4, 4.8)
        fig = self.live.fig
        fig.subplots_adjust(left=0.08, right=0.98, top=0.91, bottom=0.31)
        self.ax = ax = fig.add_subplot()
        self.x = x = np.arange(len(generations))
        width = 0.38
        zeros = np.zeros(len(x))
        self.payout = ax.bar(x - width / 2, zeros, width, color=ZONE_COLORS["payout"]).patches
        self.parts = {
            zone: ax.bar(x + width / 2, zeros, width, color=ZONE_COLORS[zone]).patches
            for zone in SELF_PAY_PARTS.values()
        }
        ax.set_xticks(x, [g.replace(" ", "\n") for g in generations], fontsize=11)
        ax.set_xlim(-0.6, len(x) - 0.4)
        ax.set_ylabel("금액 (만원)", fontsize=12)
        ax.grid(axis="y", alpha=0.3)
        ax.yaxis.set_major_formatter(lambda v, _: f"{v:,.1f}".removesuffix(".0"))
        ax.tick_params(axis="y", labelsize=11)
        self.title = ax.set_title("", fontsize=14)
        self.live.moving(self.title, *self.payout, *(p for ps in self.parts.values() for p in ps))
        self.legend_zones: tuple[str, ...] | None = None

    def update(self, table: pd.DataFrame, title: str) -> bytes:
        """Set the bars from ``table`` (:func:`scenario_table`); the picture's bytes."""
        man_won = 10_000
        for patch, value in zip(self.payout, table["payout"] / man_won, strict=True):
            patch.set_height(value)
        bottom = np.zeros(len(self.x))
        shown = []
        for column, zone in SELF_PAY_PARTS.items():
            values = table[column].to_numpy() / man_won
            if values.any():
                shown.append(zone)
            for patch, b, v in zip(self.parts[zone], bottom, values, strict=True):
                patch.set_y(b)
                patch.set_height(v)
            bottom += values
        top = _nice_top(1.05 * max(float(table["payout"].max()) / man_won, float(bottom.max())))
        self.ax.set_ylim(0, top)
        self.title.set_text(title)
        zones = tuple(shown)
        if zones != self.legend_zones:
            self._legend(zones)
        return self.live.render((top, zones))

    def _legend(self, zones: tuple[str, ...]) -> None:
        handles = [Patch(color=ZONE_COLORS["payout"], label="보험금 (payout)")]
        handles += [
            Patch(color=ZONE_COLORS[z], label=f"자기부담: {ZONES[z]} ({z.replace('_', ' ')})")
            for z in zones
        ]
        if self.ax.get_legend() is not None:
            self.ax.get_legend().remove()
        self.ax.legend(
            handles=handles, fontsize=11, loc="upper center", bbox_to_anchor=(0.5, -0.17), ncol=2
        )
        self.legend_zones = zones


def scenario_app(scenario: str = "mri") -> w.HBox:
    """Controls (left) and picture (right) in one row, to fit a 1280×720 projector screen
    (on a narrow screen the picture moves below the controls)."""
    sc = SCENARIOS[scenario]
    style = {"description_width": "7.5em"}
    layout = {"width": "100%"}
    pick = w.Dropdown(
        options=[(s.label, s.name) for s in SCENARIOS.values()],
        value=scenario, description="시나리오", style=style, layout=layout,
    )  # fmt: skip
    cost = w.IntSlider(
        value=sc.cost, min=10_000, max=5_000_000, step=10_000, description="진료비 (원)",
        readout_format=",", continuous_update=False, style=style, layout=layout,
    )  # fmt: skip
    share = w.FloatSlider(
        value=sc.noncovered_share, min=0.0, max=1.0, step=0.05, description="비급여 비중",
        readout_format=".0%", continuous_update=False, style=style, layout=layout,
    )  # fmt: skip
    tier = w.Dropdown(
        options=_TIER_CHOICES, value=sc.tier, description="병원 규모", style=style, layout=layout
    )
    sessions = w.IntSlider(
        value=sc.sessions, min=1, max=60, description="회차·일수",
        continuous_update=False, style=style, layout=layout,
    )  # fmt: skip
    cost.add_class("silson-slider-cost")
    table0 = cached_table(scenario, sc.cost, sc.noncovered_share, sc.tier, sc.sessions)
    plot = GenerationsPlot([str(g) for g in table0["generation"]])
    image = image_widget(plot.live)
    image.layout.width = "100%"
    image._silson_plot = plot  # for tests: the bars behind the picture
    busy = {"defaults": False}

    def draw(_: object = None) -> None:
        if busy["defaults"]:
            return
        values = (pick.value, cost.value, share.value, tier.value, sessions.value)
        table = cached_table(*values)
        title = f"{SCENARIOS[pick.value].label}: 진료비 {man(int(table['claim'].iloc[0]))}"
        image.value = plot.update(table, title)
        _PREFETCH.submit(_prefetch, *values)

    def defaults(change: dict) -> None:
        s = SCENARIOS[change["new"]]
        busy["defaults"] = True
        cost.value, share.value, tier.value, sessions.value = (
            s.cost, s.noncovered_share, s.tier, s.sessions
        )  # fmt: skip
        busy["defaults"] = False
        draw()

    pick.observe(defaults, names="value")
    for control in (cost, share, tier, sessions):
        control.observe(draw, names="value")
    draw()
    controls = w.VBox(
        [pick, cost, share, tier, sessions], layout={"width": "27em", "flex": "0 0 auto"}
    )
    picture = w.Box([image], layout={"flex": "1 1 30em", "min_width": "0"})
    row = {"align_items": "flex-start", "width": "100%", "flex_flow": "row wrap"}
    box = w.HBox([app_style(), controls, picture], layout=row)
    box.add_class("silson-app")
    box.add_class("silson-scenario-app")
    return box
