"""Notebook 02's slider app: the same care under every generation, redrawn in place.

One persistent figure (:class:`~silson_tools.teaching.live_plot.LiveFigure`): the axes,
ticks, grid and legend are a cached background keyed by (y-axis top, zones shown); a slider
move only sets the bar heights and the title and blits them. The numbers come from
:func:`~silson_tools.teaching.scenarios.scenario_table` (pure, tested), kept per input.
When a move finds no numbers, the next :data:`AHEAD` steps in the direction the slider
moved (or every 병원 규모) are computed with it in one batch
(:func:`~silson_tools.teaching.scenarios.scenario_tables`: one engine run per generation
for all of them, about twice the time of one), so the following presses find their numbers
ready and going back and forth is instant; the app computes both ways along 진료비,
비급여 비중 and 병원 규모 when it is made (about 0.2 s), so the first presses are too.
No background thread: nothing competes with the next key press.
"""

from __future__ import annotations

import math
from collections import OrderedDict

import ipywidgets as w
import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from ..people import man
from ..schema import TIERS, ZONE_COLORS, ZONES
from .live_plot import LiveFigure, app_style, image_widget
from .scenarios import SCENARIOS, SELF_PAY_PARTS, scenario_tables

__all__ = ["AHEAD", "GenerationsPlot", "ScenarioApp", "cached_table", "scenario_app"]

_TIER_CHOICES = [(TIERS[t], t) for t in ("clinic", "hospital", "general", "tertiary")]

AHEAD = 12
"""Steps computed ahead, in the direction of a slider move that found no numbers."""

SLIDER_STEPS: dict[str, tuple[float, float, float]] = {
    "cost": (10_000, 10_000, 5_000_000),
    "share": (0.05, 0.0, 1.0),
    "sessions": (1, 1, 60),
}
"""Slider → (step, min, max), as the app's sliders are made."""

_USES_SESSIONS = ("manual_therapy", "inpatient_week")
_Key = tuple[str, int, float, str, int]
_TABLES: OrderedDict[_Key, pd.DataFrame] = OrderedDict()
_KEEP = 4096


def _key(scenario: str, cost: int, share: float, tier: str, sessions: int) -> _Key:
    """One cache entry per distinct calculation (a scenario without sessions ignores them;
    a share is rounded, as the browser's slider steps carry float noise)."""
    if scenario not in _USES_SESSIONS:
        sessions = SCENARIOS[scenario].sessions
    return (scenario, int(cost), round(float(share), 4), tier, int(sessions))


def _along(key: _Key, moved: str | None, direction: int = 1) -> list[_Key]:
    """``key`` and the keys up to :data:`AHEAD` steps further along ``moved`` in
    ``direction`` (+1 right, -1 left; 0 both ways)."""
    scenario, cost, share, tier, sessions = key
    if moved == "tier":
        return [_key(scenario, cost, share, t, sessions) for _, t in _TIER_CHOICES]
    if moved not in SLIDER_STEPS or (moved == "sessions" and scenario not in _USES_SESSIONS):
        return [key]
    step, low, high = SLIDER_STEPS[moved]
    at = {"cost": cost, "share": share, "sessions": sessions}[moved]
    keys = []
    steps = range(-AHEAD, AHEAD + 1) if direction == 0 else range(0, AHEAD + 1)
    for i in steps:
        value = at + i * step * (direction or 1)
        if low <= value <= high + 1e-9:
            values = {"cost": cost, "share": share, "sessions": sessions, moved: value}
            keys.append(_key(scenario, values["cost"], values["share"], tier, values["sessions"]))
    return keys


def cached_table(
    scenario: str,
    cost: int,
    share: float,
    tier: str,
    sessions: int,
    moved: str | None = None,
    direction: int = 1,
) -> pd.DataFrame:
    """:func:`~silson_tools.teaching.scenarios.scenario_table`, remembered per input; on a
    miss the next steps along ``moved`` (a slider name or ``"tier"``) in ``direction`` are
    computed with it."""
    key = _key(scenario, cost, share, tier, sessions)
    found = _TABLES.get(key)
    if found is not None:
        _TABLES.move_to_end(key)
        return found
    _fill([key, *_along(key, moved, direction)])
    return _TABLES[key]


def _fill(keys: list[_Key]) -> None:
    """Compute the tables for the ``keys`` (one scenario) not kept yet, in one batch."""
    missing = list(dict.fromkeys(k for k in keys if k not in _TABLES))
    if not missing:
        return
    batch = scenario_tables(missing[0][0], [k[1:] for k in missing])
    for k, table in zip(missing, batch, strict=True):
        _TABLES[k] = table
    while len(_TABLES) > _KEEP:
        _TABLES.popitem(last=False)


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


class ScenarioApp:
    """Notebook 02's controls (left) and picture (right) in one row, to fit a 1280×720
    projector screen (on a narrow screen the picture moves below the controls).

    ``controls``: the widgets by name (``scenario``, ``cost``, ``share``, ``tier``,
    ``sessions``); each has the CSS class ``silson-slider-<name>`` (browser tests);
    ``widget``: the box shown in the notebook.
    """

    def __init__(self, scenario: str = "mri") -> None:
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
            options=_TIER_CHOICES, value=sc.tier, description="병원 규모", style=style,
            layout=layout,
        )  # fmt: skip
        sessions = w.IntSlider(
            value=sc.sessions, min=1, max=60, description="회차·일수",
            continuous_update=False, style=style, layout=layout,
        )  # fmt: skip
        self.controls: dict[str, w.Widget] = {
            "scenario": pick, "cost": cost, "share": share, "tier": tier, "sessions": sessions,
        }  # fmt: skip
        for name, control in self.controls.items():
            control.add_class(f"silson-slider-{name}")
        table0 = cached_table(scenario, sc.cost, sc.noncovered_share, sc.tier, sc.sessions)
        self.plot = GenerationsPlot([str(g) for g in table0["generation"]])
        self.image = image = image_widget(self.plot.live)
        image.layout.width = "100%"
        image._silson_plot = self.plot  # for tests: the bars behind the picture
        self._busy = False
        pick.observe(self._defaults, names="value")
        for control in (cost, share, tier, sessions):
            control.observe(self.draw, names="value")
        self.draw()
        now = _key(*self.values())  # the first presses find their numbers ready
        _fill([k for moved in ("cost", "share", "tier") for k in _along(now, moved, 0)])
        controls = w.VBox(
            [pick, cost, share, tier, sessions], layout={"width": "27em", "flex": "0 0 auto"}
        )
        picture = w.Box([image], layout={"flex": "1 1 30em", "min_width": "0"})
        row = {"align_items": "flex-start", "width": "100%", "flex_flow": "row wrap"}
        self.widget = w.HBox([app_style(), controls, picture], layout=row)
        self.widget.add_class("silson-app")
        self.widget.add_class("silson-scenario-app")

    def values(self) -> tuple[str, int, float, str, int]:
        """(scenario, cost, share, tier, sessions) as the controls show them."""
        c = self.controls
        return (
            c["scenario"].value, c["cost"].value, c["share"].value, c["tier"].value,
            c["sessions"].value,
        )  # fmt: skip

    def draw(self, change: dict | None = None) -> None:
        """Look up (or compute) the table for the controls' values and move the bars."""
        if self._busy:
            return
        values = self.values()
        moved, direction = None, 1
        if change is not None:
            moved = next((k for k, c in self.controls.items() if c is change["owner"]), None)
            if moved in SLIDER_STEPS and change["new"] < change["old"]:
                direction = -1
        table = cached_table(*values, moved=moved, direction=direction)
        title = f"{SCENARIOS[values[0]].label}: 진료비 {man(int(table['claim'].iloc[0]))}"
        self.image.value = self.plot.update(table, title)

    def _defaults(self, change: dict) -> None:
        s = SCENARIOS[change["new"]]
        c = self.controls
        self._busy = True
        c["cost"].value, c["share"].value, c["tier"].value, c["sessions"].value = (
            s.cost, s.noncovered_share, s.tier, s.sessions
        )  # fmt: skip
        self._busy = False
        self.draw()

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


def scenario_app(scenario: str = "mri") -> w.HBox:
    """:class:`ScenarioApp`'s box (controls beside the picture)."""
    return ScenarioApp(scenario).widget
