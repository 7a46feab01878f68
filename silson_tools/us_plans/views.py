"""Pictures and sliders for the US network-plan comparison (notebook 06).

:func:`compare_usage` is the slider callback's computation (pure: the :func:`cost_table` of
one usage pattern); :func:`show_comparison` displays that table and two charts;
:func:`make_sliders` builds the ipywidgets sliders of :data:`SLIDERS`. matplotlib,
ipywidgets and IPython are imported inside the functions that draw, so importing
``silson_tools.us_plans`` stays light.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .calculator import compare, spending_curve
from .plans import RULES, Plan, usage_preset
from .tables import cost_table, cost_table_from, format_table

if TYPE_CHECKING:
    import ipywidgets
    from matplotlib.axes import Axes

__all__ = [
    "PLAN_COLORS",
    "RULE_COLORS",
    "SLIDERS",
    "compare_usage",
    "make_sliders",
    "plot_breakdown",
    "plot_spending_curves",
    "show_comparison",
]

RULE_COLORS: dict[str, str] = {
    "premium": "#5b6770",
    "copay": "#e9b949",
    "deductible": "#e9b949",
    "coinsurance": "#e9b949",
    "not_covered_out_of_network": "#b8b8b8",
    "no_referral": "#8c564b",
}
"""Parts of a year's cost (slate 보험료, mustard 본인부담, grey 네트워크 밖, brown 의뢰서 없음):
hues no plan uses, so a colour never means both a part and a plan."""

PLAN_COLORS: dict[str, str] = {
    "hmo": "#2ca02c",
    "epo": "#9467bd",
    "pos": "#d62728",
    "ppo": "#1f77b4",
}
"""One colour per plan (green HMO, purple EPO, red POS, blue PPO) in every chart."""


SLIDERS: dict[str, tuple[str, float, float, float]] = {
    "pcp_visits": ("주치의 방문", 0, 30, 1),
    "specialist_visits": ("전문의 (의뢰)", 0, 40, 1),
    "specialist_no_referral": ("전문의 (의뢰 없음)", 0, 20, 1),
    "emergency_visits": ("응급실", 0, 10, 1),
    "hospital_days": ("입원 일수", 0, 60, 1),
    "out_of_network_share": ("네트워크 밖 비율", 0.0, 1.0, 0.05),
    "cost_pcp": ("주치의 1회 (달러)", 0, 1000, 10),
    "cost_specialist": ("전문의 1회 (달러)", 0, 2000, 10),
    "cost_emergency": ("응급실 1회 (달러)", 0, 10000, 100),
    "cost_hospital_day": ("입원 1일 (달러)", 0, 10000, 100),
}
"""Slider name → (Korean label, min, max, step)."""


def compare_usage(
    plans: Iterable[Plan | str] | None = None,
    **usage: float,
) -> pd.DataFrame:
    """Slider callback (pure): one usage pattern given as keywords → :func:`cost_table`.

    Slider values arrive as ints or floats; counts and costs must be whole numbers.
    """
    return cost_table(plans, {k: usage[k] for k in usage})


def show_comparison(**usage: float) -> None:
    """Plot callback for ``interact``: show the table and the two charts for ``usage``."""
    import matplotlib.pyplot as plt
    from IPython.display import display

    long = compare(None, usage)  # the same numbers as compare_usage(**usage), computed once
    display(format_table(cost_table_from(long)))
    # fixed margins instead of layout="constrained": half the redraw time (~180 vs ~330 ms)
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 5))
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.24, top=0.93, wspace=0.28)
    plot_breakdown(long, ax=left)
    spend = int(long["spending"].iloc[0])
    top = max(4 * spend, 50_000)
    curves = spending_curve(None, usage, np.linspace(0, top, 121).astype(np.int64))
    plot_spending_curves(curves, ax=right, mark=spend)
    plt.show()


def make_sliders(
    start: str = "medium",
) -> dict[str, ipywidgets.IntSlider | ipywidgets.FloatSlider]:
    """ipywidgets sliders for :data:`SLIDERS`, set to the ``start`` usage preset."""
    import ipywidgets as w

    values = usage_preset(start)
    sliders: dict[str, w.IntSlider | w.FloatSlider] = {}
    style = {"description_width": "120px"}
    layout = w.Layout(width="380px")
    for key, (label, lo, hi, step) in SLIDERS.items():
        cls = w.FloatSlider if isinstance(step, float) else w.IntSlider
        sliders[key] = cls(
            value=values[key],
            min=lo,
            max=hi,
            step=step,
            description=label,
            readout_format=".0%" if cls is w.FloatSlider else ",d",
            style=style,
            layout=layout,
            continuous_update=False,
        )
    return sliders


def plot_breakdown(results: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Stacked bars per plan: premium and the person's parts by rule (after the OOP max)."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    names = results["plan"].str.upper().to_list()
    covered = results[["copay", "deductible", "coinsurance", "oop_max"]].sum(axis=1)
    stacks = {
        "premium": results["premium"],
        "cost_share": covered,
        "not_covered_out_of_network": results["not_covered_out_of_network"],
        "no_referral": results["no_referral"],
    }
    labels = {
        "premium": RULES["premium"],
        "cost_share": "보장 진료 본인부담 (정액+공제+비율, 상한 적용)",
        "not_covered_out_of_network": RULES["not_covered_out_of_network"],
        "no_referral": RULES["no_referral"],
    }
    colors = {**RULE_COLORS, "cost_share": RULE_COLORS["coinsurance"]}
    bottom = np.zeros(len(results))
    for key, vals in stacks.items():
        ax.bar(names, vals, bottom=bottom, color=colors[key], label=labels[key])
        bottom = bottom + vals.to_numpy()
    for x, total in enumerate(results["total"]):
        ax.annotate(f"${total:,}", (x, total), ha="center", va="bottom", fontsize=9)
    ax.set_ylabel("연간 총비용 (USD)")
    ax.set_title("플랜별 연간 총비용 (보험료 + 본인 부담)")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=2)
    ax.set_ylim(0, bottom.max() * 1.1 + 1)
    from ..chart_style import dollar_axis

    ax.yaxis.set_major_formatter(dollar_axis)
    return ax


def plot_spending_curves(
    curves: pd.DataFrame, ax: Axes | None = None, mark: int | None = None
) -> Axes:
    """Total cost (premium + person pays) against medical spending, one line per plan.

    ``mark`` draws a vertical line at the reader's own spending.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    for name, grp in curves.groupby("plan", sort=False):
        ax.plot(
            grp["spending"],
            grp["total"],
            label=str(name).upper(),
            color=PLAN_COLORS.get(str(name)),
            lw=2,
        )
    if mark is not None:
        ax.axvline(mark, color="black", ls=":", lw=1, label="내 의료비 (my spending)")
    ax.set_xlabel("의료비 총액 (medical spending, USD)")
    ax.set_ylabel("연간 총비용 = 보험료 + 본인 부담 (USD)")
    ax.set_title("의료비가 늘면 총비용은 어떻게 변하나")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    from ..chart_style import dollar_axis

    ax.xaxis.set_major_formatter(dollar_axis)
    ax.yaxis.set_major_formatter(dollar_axis)
    return ax
