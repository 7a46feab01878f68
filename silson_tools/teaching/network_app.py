"""Notebook 06's slider app: one year of care under each plan, as a persistent picture.

:class:`NetworkApp` makes the sliders of ``us_plans.SLIDERS``, one summary line, one
two-panel figure (left: stacked yearly cost per plan; right: total cost against medical
spending) and the comparison table, once. A slider move recomputes with
:func:`silson_tools.us_plans.compare_with_curve` (compare + spending curve) and moves only the
bars, labels and curves (blitting, :class:`~.live_plot.LiveFigure`),
so one update stays near 50 ms instead of the 0.4–1 s of a new figure per move.

Colours: each plan keeps its colour everywhere (``us_plans.PLAN_COLORS``: curves, the
bar labels); the parts of a bar use other hues (``us_plans.RULE_COLORS``), so blue never
means both 보험료 and PPO.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import ipywidgets as w
import numpy as np
import pandas as pd
from matplotlib.patches import Patch, Rectangle

from ..chart_style import dollar_axis
from ..us_plans.calculator import COST_OF, compare_with_curve
from ..us_plans.plans import RULES, resolve_plans, usage_preset
from ..us_plans.tables import cost_table_from, people_cost_table, usd
from ..us_plans.views import PLAN_COLORS, RULE_COLORS, SLIDERS
from .live_plot import LiveFigure, app_style, image_widget, live_html, steady_top
from .shrink_zones import nice_ceiling

__all__ = ["NetworkApp", "summary_html"]

STACKS = ("premium", "cost_share", "not_covered_out_of_network", "no_referral")
STACK_LABELS = {
    "premium": "보험료 (premium)",
    "cost_share": "보장 진료 본인부담 (정액+공제+비율, 상한 적용)",
    "not_covered_out_of_network": "네트워크 밖 비보장",
    "no_referral": "의뢰서 없는 전문의 비보장",
}
STACK_COLORS = {
    "premium": RULE_COLORS["premium"],
    "cost_share": RULE_COLORS["coinsurance"],
    "not_covered_out_of_network": RULE_COLORS["not_covered_out_of_network"],
    "no_referral": RULE_COLORS["no_referral"],
}
LEVELS = 61
"""Points on each spending curve."""


def summary_html(long: pd.DataFrame) -> str:
    """One line: the cheapest plan for this usage and by how much (plain text, no ``$``)."""
    ordered = long.sort_values("total")
    best, second = ordered.iloc[0], ordered.iloc[1]
    gap = int(second["total"]) - int(best["total"])
    rule = RULES[str(best["decided_by"])].split(" (")[0]
    return (
        "<div style='font-size:1.1em'>가장 싼 플랜: <b>"
        f"{str(best['plan']).upper()}</b> (연 {usd(int(best['total']))}), 다음 "
        f"{str(second['plan']).upper()}보다 {usd(gap)} 쌈. 의료비 {usd(int(best['spending']))}, "
        f"본인 부담을 정한 규칙: {rule}.</div>"
    )


@dataclass(frozen=True)
class _Numbers:
    """One slider position: bar parts (stack × plan), totals, curve points (plan × level),
    the summary line and the table (HTML)."""

    parts: np.ndarray
    totals: np.ndarray
    xs: np.ndarray
    ys: np.ndarray
    summary: str
    table: str


class NetworkApp:
    """The 06 sliders → summary line, two-panel picture and the comparison table."""

    def __init__(self, start: str = "medium") -> None:
        self.plans = resolve_plans(None)
        values = usage_preset(start)
        self.controls: dict[str, w.IntSlider | w.FloatSlider] = {}
        for key, (label, lo, hi, step) in SLIDERS.items():
            is_rate = isinstance(step, float)
            cls = w.FloatSlider if is_rate else w.IntSlider
            slider = cls(
                value=values[key],
                min=lo,
                max=hi,
                step=step,
                description=label,
                readout_format=".0%" if is_rate else ",d",
                style={"description_width": "170px"},
                layout=w.Layout(width="470px"),
                continuous_update=False,
            )
            slider.add_class(f"silson-slider-{key}")
            slider.observe(lambda _change: self.refresh(), names="value")
            self.controls[key] = slider
        self.summary = w.HTML()
        self.summary.add_class("silson-readout")
        self.table = w.HTML()
        self.live = LiveFigure(12.4, 4.0)
        self.image = image_widget(self.live)
        self._build()
        sliders = list(self.controls.values())
        half = (len(sliders) + 1) // 2
        columns = w.HBox(
            [w.VBox(sliders[:half]), w.VBox(sliders[half:])],
            layout=w.Layout(flex_flow="row wrap", grid_gap="0 24px"),
        )
        self.widget = w.VBox([app_style(), columns, self.summary, self.image, self.table])
        self.widget.add_class("silson-app")
        self.refresh()

    def _build(self) -> None:
        fig = self.live.fig
        fig.subplots_adjust(left=0.07, right=0.97, bottom=0.25, top=0.91, wspace=0.22)
        self.ax_bar, self.ax_curve = fig.subplots(1, 2)
        names = [p.name for p in self.plans]
        ax = self.ax_bar
        ax.set_xlim(-0.6, len(names) - 0.4)
        ax.set_xticks(range(len(names)), [n.upper() for n in names], fontsize=12)
        for tick, name in zip(ax.get_xticklabels(), names, strict=True):
            tick.set_color(PLAN_COLORS.get(name, "#333"))
        ax.yaxis.set_major_formatter(dollar_axis)
        ax.tick_params(axis="y", labelsize=10)
        ax.set_ylabel("연간 총비용 (USD)", fontsize=11)
        ax.set_title("플랜별 연간 총비용 = 보험료 + 본인 부담", fontsize=12)
        ax.grid(axis="y", alpha=0.3)
        self.bars: dict[tuple[str, str], Rectangle] = {}
        for i, name in enumerate(names):
            for stack in STACKS:
                bar = Rectangle((i - 0.35, 0), 0.7, 0, color=STACK_COLORS[stack])
                ax.add_patch(bar)
                self.bars[(name, stack)] = bar
        self.totals = [
            ax.text(i, 0, "", ha="center", va="bottom", fontsize=11) for i in range(len(names))
        ]
        fig.legend(
            handles=[Patch(color=STACK_COLORS[s], label=STACK_LABELS[s]) for s in STACKS],
            loc="lower left",
            bbox_to_anchor=(0.02, 0.0),
            ncol=2,
            fontsize=10,
            frameon=False,
        )
        ax = self.ax_curve
        self.curves = {}
        for name in names:
            (self.curves[name],) = ax.plot(
                [], [], lw=2.2, color=PLAN_COLORS.get(name), label=name.upper()
            )
        self.mark = ax.axvline(0, color="black", ls=":", lw=1.2, label="내 의료비")
        ax.legend(loc="lower right", fontsize=10, ncol=3)
        ax.xaxis.set_major_formatter(dollar_axis)
        ax.yaxis.set_major_formatter(dollar_axis)
        ax.tick_params(labelsize=10)
        ax.set_xlabel("의료비 총액 (medical spending, USD)", fontsize=11)
        ax.set_title("의료비가 늘면 총비용은? (방문 구성은 그대로)", fontsize=12)
        ax.grid(alpha=0.3)
        self.live.moving(*self.bars.values(), *self.totals, *self.curves.values(), self.mark)
        self.live.split_columns(self.ax_bar, self.ax_curve)  # a new axis redraws one panel
        self._tops: tuple[float | None, float | None, float | None] = (None, None, None)
        self._numbers: OrderedDict[tuple[object, int], _Numbers] = OrderedDict()

    def usage(self) -> dict[str, float]:
        """The sliders' values as one usage pattern."""
        return {k: s.value for k, s in self.controls.items()}

    def numbers(self, usage: tuple[tuple[str, float], ...], x_top: int) -> _Numbers:
        """What one slider position shows (bars, curves, summary, table), computed once per
        (usage, curve axis top) and kept: moving a slider back and forth reuses it."""
        found = self._numbers.get((usage, x_top))
        if found is not None:
            self._numbers.move_to_end((usage, x_top))
            return found
        long, curves = compare_with_curve(self.plans, dict(usage), x_top, LEVELS)
        order = [p.name for p in self.plans]
        by_plan = long.set_index("plan").loc[order]
        cost_share = by_plan[["copay", "deductible", "coinsurance", "oop_max"]].sum(axis=1)
        parts = np.stack(
            [
                by_plan["premium"].to_numpy(),
                cost_share.to_numpy(),
                by_plan["not_covered_out_of_network"].to_numpy(),
                by_plan["no_referral"].to_numpy(),
            ]
        ).astype(np.int64)
        totals = by_plan["total"].to_numpy().astype(np.int64)
        if curves is None:
            xs = np.tile([0, x_top], (len(order), 1))
            ys = np.repeat(totals[:, None], 2, axis=1)
        else:  # one block of LEVELS rows per plan, in plan order
            xs = curves["spending"].to_numpy().reshape(len(order), -1)
            ys = curves["total"].to_numpy().reshape(len(order), -1)
        found = _Numbers(
            parts,
            totals,
            xs,
            ys,
            summary_html(long),
            live_html(people_cost_table(cost_table_from(long)).html),
        )
        self._numbers[(usage, x_top)] = found
        if len(self._numbers) > 512:
            self._numbers.popitem(last=False)
        return found

    def refresh(self) -> None:
        """Recompute the year under every plan; move the bars and curves; update the table."""
        usage = self.usage()
        row = {k: int(v) if float(v).is_integer() else v for k, v in usage.items()}
        spend = sum(int(row[k]) * int(row[c]) for k, c in COST_OF.items())
        x_top = steady_top(self._tops[1], nice_ceiling(max(4 * spend, 50_000)))
        got = self.numbers(tuple(usage.items()), int(x_top))
        for i, p in enumerate(self.plans):
            bottom = 0
            for stack, height in zip(STACKS, got.parts[:, i].tolist(), strict=True):
                bar = self.bars[(p.name, stack)]
                bar.set_y(bottom)
                bar.set_height(height)
                bottom += height
            self.totals[i].set_position((i, bottom))
            self.totals[i].set_text(usd(int(got.totals[i])).replace("달러", ""))
            self.curves[p.name].set_data(got.xs[i], got.ys[i])
        most = float(got.totals.max())
        bar_top = steady_top(self._tops[0], nice_ceiling(most * 1.12))
        self.ax_bar.set_ylim(0, bar_top)
        curve_top = steady_top(self._tops[2], nice_ceiling(max(float(got.ys.max()), most) * 1.05))
        self._tops = (bar_top, x_top, curve_top)
        self.mark.set_xdata([spend, spend])
        self.ax_curve.set_xlim(0, x_top)
        self.ax_curve.set_ylim(0, curve_top)
        # the picture first: its message leaves before the table's (what the eye waits for)
        self.image.value = self.live.render((bar_top, (x_top, curve_top)))
        self.summary.value = got.summary
        self.table.value = got.table

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
