"""The report's three charts (matplotlib ``Figure`` objects, never pyplot) and their PNG bytes.

This is the only module of the report that imports matplotlib; ``silson_tools.report``
imports it only when a chart is drawn.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ..chart_style import won_axis
from ..fonts import use_korean_font
from ..schema import ZONE_COLORS, ZONES
from .notes import payout_percent
from .summary import TOP_PEOPLE, TOTAL_ROW, ZONE_AMOUNTS, top_people

if TYPE_CHECKING:
    from .summary import Report

__all__ = [
    "figure_png",
    "plot_monthly",
    "plot_policies",
    "plot_zones",
    "report_figures",
    "show_figure",
]

PLAIN: dict[str, Any] = {"parse_math": False, "usetex": False}
"""Text properties for anything that may come from a file: shown as typed ($, %, _, < …)."""
MAX_MONTH_LABELS = 24

PAYOUT_LABEL = "보험금 (payout)"
SELF_PAY_LABEL = "자기부담 (self-pay)"


def _figure(width: float, height: float) -> Figure:
    use_korean_font()
    return Figure(figsize=(width, height), layout="constrained")


def plot_monthly(monthly: pd.DataFrame, title: str = "") -> Figure:
    """Monthly stacked bars: 보험금 (payout) at the bottom, 자기부담 (self-pay) on top."""
    fig = _figure(8.5, 4.0)
    ax = fig.add_subplot()
    x = np.arange(len(monthly))
    payout = monthly["payout"].to_numpy(np.int64)
    self_pay = monthly["self_pay"].to_numpy(np.int64)
    ax.bar(x, payout, color=ZONE_COLORS["payout"], label=PAYOUT_LABEL)
    ax.bar(x, self_pay, bottom=payout, color=ZONE_COLORS["self_pay"], label=SELF_PAY_LABEL)
    step = max(1, -(-len(x) // MAX_MONTH_LABELS))  # at most 24 labels, however long the span
    ax.set_xticks(x[::step], [m[2:].replace("-", ".") for m in monthly.index][::step], **PLAIN)
    ax.yaxis.set_major_formatter(won_axis)
    ax.set_xlabel("진료 월 (month of care)")
    ax.set_ylabel("금액 (won)")
    ax.set_title(title or "월별 보험금과 자기부담 (monthly payout and self-pay)", **PLAIN)
    ax.legend(loc="upper left", frameon=False)
    ax.grid(axis="y", alpha=0.3)
    return fig


def _stacked_zones(ax: Any, names: list[str], table: pd.DataFrame) -> None:
    """Horizontal stacked bars: payout then every zone's take, one bar per row of ``table``,
    each ending in its 보험금 share (``payout_pct``), with room for the longest bar's label."""
    y = np.arange(len(names))[::-1]
    left = np.zeros(len(names), dtype=np.int64)
    for key in ["payout", *ZONE_AMOUNTS]:
        values = table[key].to_numpy(np.int64)
        if not values.any():
            continue
        ax.barh(y, values, left=left, color=ZONE_COLORS[key], height=0.6)
        left = left + values
    ax.set_yticks(y, names, **PLAIN)
    ax.xaxis.set_major_formatter(won_axis)
    ax.grid(axis="x", alpha=0.3)
    labels = [
        ax.annotate(f"보험금 {pct:.1f}%", (end, at), xytext=(4, 0), textcoords="offset points",
                    ha="left", va="center", fontsize=9, in_layout=False, **PLAIN)
        for end, at, pct in zip(left, y, _payout_pct(table), strict=True)
    ]  # fmt: skip
    _make_room(ax, left, labels)
    handles = [Patch(color=ZONE_COLORS["payout"], label=PAYOUT_LABEL)] + [
        Patch(color=ZONE_COLORS[z], label=f"{ZONES[z]} ({z})")
        for z in ZONE_AMOUNTS
        if table[z].to_numpy().any()
    ]
    ax.figure.legend(
        handles=handles, loc="outside lower center", ncols=4, frameon=False, fontsize=9
    )


def _payout_pct(table: pd.DataFrame) -> np.ndarray:
    """보험금 % per row: ``payout_pct`` where the table has it, else 100 × payout / claim
    (claim = payout + Σ zones; 0 where nothing was claimed)."""
    if "payout_pct" in table.columns:
        return table["payout_pct"].to_numpy(float)
    payout = table["payout"].to_numpy(np.int64)
    claim = payout + sum(table[z].to_numpy(np.int64) for z in ZONE_AMOUNTS)
    return payout_percent(payout, claim)


def _make_room(ax: Any, ends: np.ndarray, labels: list[Any], pad: float = 8.0) -> None:
    """Set the x range 0..X so every bar end and the label after it lie inside the axes,
    ``pad`` pixels from the right edge: in pixels a label ends at a + e/X × W + r (a, W: the
    axes' left and width; r: the label's reach past its bar end), so X = max(e × W /
    (W − r − pad)), at least 5% past the longest bar. The layout is run once (without
    rendering) to measure W and r; the labels are kept out of the layout, so W depends only
    on the tick labels (``pad`` absorbs the last x tick label's overhang)."""
    top = max(int(ends.max(initial=0)), 1)
    ax.set_xlim(0, top)
    ax.figure.draw_without_rendering()
    box = ax.get_window_extent()
    reach = [label.get_window_extent().x1 - (box.x0 + e / top * box.width)
             for e, label in zip(ends, labels, strict=True)]  # fmt: skip
    room = [max(box.width - r - pad, box.width / 4) for r in reach]  # a label wider than 3/4: cut
    need = max((e * box.width / w for e, w in zip(ends, room, strict=True)), default=top)
    ax.set_xlim(0, max(need * 1.01, top * 1.05))


def plot_zones(summary: pd.DataFrame, title: str = "") -> Figure:
    """Per person: the claim split into 보험금 and what each zone took (왜 이만큼 받았지?).

    At most :data:`~.summary.TOP_PEOPLE` bars by name (largest claims) and one bar for the
    others (:func:`~.summary.top_people`), drawn as their average per person so it is on
    the same scale as the named bars; the picture's size does not grow with the file.
    """
    shown = top_people(summary)
    rows = shown.drop(index=TOTAL_ROW, errors="ignore") if len(shown) > 2 else shown
    people = len(summary) - int(TOTAL_ROW in summary.index)
    if people > TOP_PEOPLE:  # the last row sums the people not named
        others = people - TOP_PEOPLE
        money = [c for c in rows.columns if c != "payout_pct"]
        rows = rows.copy()
        rows.loc[rows.index[-1], money] = rows.loc[rows.index[-1], money] // others
        label = f"그 외 {others:,}명의 1인 평균 (others, average)"
        rows = rows.rename(index={rows.index[-1]: label})
    fig = _figure(8.5, 1.6 + 0.7 * len(rows))
    ax = fig.add_subplot()
    _stacked_zones(ax, [str(p) for p in rows.index], rows)
    ax.set_xlabel("금액 (won): 보험금 + 줄어든 몫 = 청구액 (payout + zones = claim)")
    ax.set_title(title or "어디서 줄었나 (where coverage shrank)", **PLAIN)
    return fig


def plot_policies(comparison: pd.DataFrame, current: str | None = None) -> Figure:
    """The same receipts under every generation, side by side: payout and each zone's take."""
    fig = _figure(8.5, 1.8 + 0.55 * len(comparison))
    ax = fig.add_subplot()
    names = [
        ("▶ " if name == current else "") + str(label)
        for name, label in zip(comparison.index, comparison["label"], strict=True)
    ]
    ax.set_title("같은 영수증, 다른 세대 (the same receipts under each generation)")
    if comparison.empty:  # every compared product was left out (the report says why)
        ax.set_axis_off()
        ax.text(0.5, 0.5, "계산한 상품이 없습니다: 보고서의 이유를 보세요 (no product to compare)",
                ha="center", va="center", transform=ax.transAxes)  # fmt: skip
        return fig
    _stacked_zones(ax, names, comparison)
    left_out = comparison.attrs.get("skipped_labels") or {}
    ax.set_xlabel(
        "금액 (won)"
        + (f"\n계산하지 않음 (left out, why: the report): {', '.join(left_out.values())}"
           if left_out else ""),
        **PLAIN,
    )  # fmt: skip
    return fig


def report_figures(report: Report) -> dict[str, Figure]:
    """The three charts of a report: ``monthly``, ``zones`` and ``generations``."""
    return {
        "monthly": plot_monthly(report.monthly),
        "zones": plot_zones(report.summary),
        "generations": plot_policies(report.comparison, current=report.policy.name),
    }


def figure_png(fig: Figure, dpi: int = 110) -> bytes:
    """PNG bytes of a figure (no pyplot, no display)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def show_figure(fig: Figure) -> None:
    """Display a chart in a notebook as a PNG (the figures are not pyplot's). Returns None."""
    from IPython.display import Image, display

    display(Image(data=figure_png(fig), format="png"))
