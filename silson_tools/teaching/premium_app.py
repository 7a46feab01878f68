"""Notebook 05 (4세대 할인·할증): grade table, example claim patterns, apps and pictures.

Pure parts (unit-tested): :func:`grades_frame`, :func:`grade_readout`, :func:`paths_table`
and :data:`EXAMPLE_PATTERNS`. Views: :func:`plot_staircase`, :func:`plot_paths`,
:func:`plot_advice`, :func:`advice_html`, the slider callbacks ``show_*`` and the apps
``grade_app``, ``paths_app``, ``advice_app``. The calculations are
:mod:`silson_tools.premium`'s public functions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import TypedDict

import ipywidgets as w
import numpy as np
import pandas as pd
from IPython.display import HTML, display
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .. import people as pp
from ..chart_style import won_axis
from ..fonts import use_korean_font
from ..premium import (
    PPM,
    Advice,
    GradeTable,
    advise,
    claim_net,
    load_grades,
    premium_path,
    relativities_ppm,
    surcharge_grade,
)

__all__ = [
    "EXAMPLE_PATTERNS",
    "GradeReadout",
    "advice_app",
    "advice_html",
    "grade_app",
    "grade_readout",
    "grades_frame",
    "paths_app",
    "paths_table",
    "paths_table_html",
    "paths_totals",
    "plot_advice",
    "plot_paths",
    "plot_staircase",
    "show_advice",
    "show_grade",
    "show_paths",
]


@cache
def _default_table() -> GradeTable:
    return load_grades()


def _table(table: GradeTable | None) -> GradeTable:
    return _default_table() if table is None else table


EXAMPLE_PATTERNS: dict[str, tuple[int, ...]] = {
    "청구 없음 (no claims)": (0, 0, 0, 0, 0),
    "감기·소액 (연 20만)": (200_000,) * 5,
    "도수치료 매년 (연 250만)": (2_500_000,) * 5,
    "한 해 큰 비급여 (2년차 400만)": (0, 4_000_000, 0, 0, 0),
    "100만 바로 아래 (연 95만)": (950_000,) * 5,
}
"""Illustrative claim patterns: 비급여 paid in the window before each of five renewals (won).

Inputs for the notebook, not rules: chosen to show each grade at least once."""


def grades_frame(discount: float | None = None, table: GradeTable | None = None) -> pd.DataFrame:
    """The grade table for display: 등급, band (won), relativity and its confidence."""
    tab = _table(table)
    rel = relativities_ppm(discount, tab)
    rows = []
    for i, grade in enumerate(tab.grades):
        upper = int(tab.lowers[i + 1]) if i + 1 < len(tab.grades) else None
        rows.append(
            {
                "등급 (grade)": grade,
                "구분": tab.labels[i],
                "하한 (이상, won)": int(tab.lowers[i]),
                "상한 (미만, won)": upper,
                "보험료 배율 (relativity)": rel[i] / PPM,
                "할인·할증 (%)": (int(rel[i]) - PPM) * 100 / PPM,
                "신뢰도": tab.confidence[i],
            }
        )
    frame = pd.DataFrame(rows)
    frame["상한 (미만, won)"] = frame["상한 (미만, won)"].astype("Int64")
    return frame


class GradeReadout(TypedDict):
    """What the staircase slider shows (won; ``None`` at the top grade)."""

    paid: int
    grade: int
    label: str
    relativity_ppm: int
    change_percent: float
    to_next: int | None
    to_next_surcharge: int | None


def grade_readout(nonbenefit_paid: int, discount: float | None = None) -> GradeReadout:
    """Readout for the staircase slider (pure): grade, relativity, distances (won or None)."""
    g = surcharge_grade(nonbenefit_paid, discount)
    return {
        "paid": g.paid,
        "grade": g.grade,
        "label": g.label,
        "relativity_ppm": g.relativity_ppm,
        "change_percent": g.change_percent,
        "to_next": g.to_next,
        "to_next_surcharge": g.to_next_surcharge,
    }


def _figure(width: float = 8.5, height: float = 4.4) -> tuple[Figure, Axes]:
    use_korean_font()
    fig = Figure(figsize=(width, height))
    fig.subplots_adjust(left=0.1, right=0.97, bottom=0.12, top=0.92)
    return fig, fig.subplots()


def plot_staircase(
    nonbenefit_paid: int, discount: float | None = None, top: int = 5_000_000
) -> Figure:
    """Figure: the grade staircase (relativity against 비급여 paid) and where ``paid`` sits."""
    tab = _table(None)
    rel = relativities_ppm(discount, tab) / PPM
    g = surcharge_grade(nonbenefit_paid, discount)
    top = max(top, int(g.paid * 1.1))
    fig, ax = _figure()
    edges = [*tab.lowers.tolist(), top]
    colors = ["#2ca02c", "#1f77b4", "#ff7f0e", "#d62728", "#7f0000"]
    for i in range(len(tab.grades)):
        x0, x1 = edges[i], edges[i + 1]
        width = max(x1 - x0, top * 0.004)  # grade 1 is one point (0원): draw it visibly
        ax.bar(x0, rel[i], width=width, align="edge", color=colors[i % 5], alpha=0.35)
        ax.text(
            x0 + width / 2 if i else top * 0.01,
            rel[i] + 0.06,
            f"{tab.grades[i]}등급\n×{rel[i]:.2f}",
            ha="center" if i else "left",
            fontsize=8.5,
        )
    ax.step(edges, [*rel, rel[-1]], where="post", color="#333", lw=1.5)
    ax.plot([g.paid], [g.rate], "o", color="black", ms=7)
    text = f"받은 비급여 보험금 {g.paid / 10_000:,.0f}만원: {g.grade}등급 (×{g.rate:.2f})"
    if g.to_next_surcharge is not None:
        text += f"\n다음 할증 단계까지 {g.to_next_surcharge / 10_000:,.1f}만원 남음"
    ax.annotate(
        text,
        (g.paid, g.rate),
        xytext=(0.98, 0.97),
        textcoords="axes fraction",
        ha="right",
        va="top",
        fontsize=9,
        bbox={"boxstyle": "round", "fc": "white", "ec": "#999"},
        arrowprops={"arrowstyle": "->", "color": "#666"},
    )
    ax.set_xlim(-top * 0.01, top)
    ax.set_ylim(0, rel.max() * 1.3)
    ax.xaxis.set_major_formatter(won_axis)
    ax.set_xlabel("지난 1년(측정 기간) 받은 비급여 보험금 (won)")
    ax.set_ylabel("비급여 보험료 배율 (relativity)")
    ax.set_title("4세대 비급여 보험료 할인·할증 등급 (계단)", fontsize=11)
    ax.grid(alpha=0.3)
    return fig


def plot_paths(
    patterns: Mapping[str, Sequence[int]],
    covered_premium: int,
    nonbenefit_premium: int,
    increase: float = 0.0,
    discount: float | None = None,
) -> Figure:
    """Figure: monthly premium at renewals 1..n for each claim pattern (급여 part dashed).

    Renewals with the 무사고 할인 (two clean years) are ringed: a hollow circle around the dot.
    """
    fig, ax = _figure(9, 4.6)
    covered_line = None
    ringed = False
    for name, paid in patterns.items():
        path = premium_path(covered_premium, nonbenefit_premium, paid, increase, None, discount)
        (line,) = ax.plot(path["renewal"], path["total"], "o-", lw=2, label=name)
        clean = path[path["no_claim_discount"] > 0]
        if len(clean):
            ax.plot(
                clean["renewal"],
                clean["total"],
                "o",
                ms=13,
                mfc="none",
                mec=line.get_color(),
                label=None if ringed else "○ = 무사고 할인 10% (2년 비급여 무청구)",
            )
            ringed = True
        for _, row in path.iterrows():
            ax.annotate(
                f"{row['grade']}",
                (row["renewal"], row["total"]),
                xytext=(0, 6),
                textcoords="offset points",
                ha="center",
                fontsize=7.5,
                color=line.get_color(),
            )
        covered_line = path
    if covered_line is not None:
        ax.plot(
            covered_line["renewal"],
            covered_line["covered"],
            ls="--",
            color="#555",
            label="급여 부분 (never surcharged)",
        )
    ax.set_xticks(range(1, 1 + max(len(p) for p in patterns.values())))
    ax.set_xlabel("갱신 차수 (renewal; 점 위 숫자 = 등급, 큰 원 = 무사고 할인)")
    ax.set_ylabel("월 보험료 (won)")
    ax.yaxis.set_major_formatter(won_axis)
    ax.set_ylim(bottom=0)
    ax.set_title("청구 패턴별 보험료 경로: 할증은 비급여 부분에만", fontsize=11)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    return fig


def paths_table(
    patterns: Mapping[str, Sequence[int]],
    covered_premium: int,
    nonbenefit_premium: int,
    increase: float = 0.0,
    discount: float | None = None,
) -> pd.DataFrame:
    """Per pattern: premiums paid over the renewals (12 × monthly, won) and 비급여 received.

    ``그중 할인·할증분`` is the grade's part (negative = grade-1 discount); ``그중 무사고 할인``
    the 10% no-claim discount (negative); renewal 1 of a pattern has one known clean year.
    """
    paths = {
        name: premium_path(covered_premium, nonbenefit_premium, paid, increase, None, discount)
        for name, paid in patterns.items()
    }
    return paths_totals(paths, patterns)


def paths_totals(
    paths: Mapping[str, pd.DataFrame], patterns: Mapping[str, Sequence[int]]
) -> pd.DataFrame:
    """:func:`paths_table` from already computed :func:`premium_path` frames (same names)."""
    rows = [
        {
            "청구 패턴": name,
            "낸 보험료 합계": int(12 * path["total"].sum()),
            "그중 할인·할증분": int(12 * path["surcharge"].sum()),
            "그중 무사고 할인": -int(12 * path["no_claim_discount"].sum()),
            "받은 비급여 보험금 합계": int(sum(patterns[name])),
        }
        for name, path in paths.items()
    ]
    return pd.DataFrame(rows)


def plot_advice(
    claim_payout: int,
    paid_so_far: int,
    nonbenefit_premium: int,
    discount: float | None = None,
    top: int = 1_000_000,
    clean_years: int | None = None,
    covered_premium: int = 0,
) -> Figure:
    """Figure: net value of claiming (payout − extra premium) against the claim's payout.

    ``clean_years`` / ``covered_premium``: count the lost 무사고 할인 (:func:`premium.claim_net`).
    """
    kw = {"clean_years": clean_years, "covered_premium": covered_premium}
    advice = advise(claim_payout, paid_so_far, nonbenefit_premium, 12, discount, **kw)
    top = max(top, int(claim_payout * 1.25), int(advice.threshold * 1.5))
    claims = np.linspace(0, top, 1201).astype(np.int64)
    extra, net = claim_net(claims, paid_so_far, nonbenefit_premium, 12, discount, **kw)
    fig, ax = _figure()
    ax.plot(claims, claims, color="#1f77b4", lw=1, ls=":", label="보험금 (payout now)")
    ax.plot(claims, extra, color="#d62728", lw=1.2, label="내년 추가 보험료 (extra premium)")
    ax.plot(claims, net, color="black", lw=2, label="순이익 = 보험금 − 추가 보험료 (net)")
    for lo, hi in advice.losing_ranges:
        ax.axvspan(lo, hi, color="#d62728", alpha=0.15, lw=0)
    ax.axhline(0, color="#333", lw=0.8)
    ax.plot([advice.claim_payout], [advice.net], "o", color="black", ms=7)
    verdict = "청구하는 것이 이득" if advice.worth_claiming else "청구하면 손해"
    ax.annotate(
        f"청구 {advice.claim_payout / 10_000:,.0f}만원: 순이익 {advice.net / 10_000:,.1f}만원"
        f"\n({advice.grade_before}등급에서 {advice.grade_after}등급으로, {verdict})",
        (advice.claim_payout, advice.net),
        xytext=(0.02, 0.97),
        textcoords="axes fraction",
        va="top",
        fontsize=9,
        bbox={"boxstyle": "round", "fc": "white", "ec": "#999"},
        arrowprops={"arrowstyle": "->", "color": "#666"},
    )
    ax.xaxis.set_major_formatter(won_axis)
    ax.yaxis.set_major_formatter(won_axis)
    ax.set_xlabel("이번 비급여 청구로 받을 보험금 (claim payout, won)")
    ax.set_ylabel("원 (won)")
    ax.set_title("청구할까 말까? 빨간 구간 = 청구하면 손해", fontsize=11)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    return fig


def advice_html(advice: Advice) -> str:
    """The advisor's verdict as a readout (:func:`silson_tools.people.readout`)."""
    ranges = ", ".join(f"{pp.won(lo)} ~ {pp.won(hi - 1)}" for lo, hi in advice.losing_ranges)
    rows = [
        ("이미 받은 비급여 보험금 (측정 기간)", pp.won(advice.paid_so_far)),
        ("이번 청구 보험금 (payout)", pp.won(advice.claim_payout)),
        ("등급 (grade)", f"{advice.grade_before}등급 → {advice.grade_after}등급"),
        ("내년 추가 보험료 (12개월)", pp.won(advice.extra_premium)),
        ("그중 잃는 무사고 할인 (10%)", pp.won(advice.lost_no_claim)),
        ("순이익 (net)", pp.won(advice.net)),
        ("판단", "청구 (claim)" if advice.worth_claiming else "청구하지 않는 편이 나음"),
        ("손해 보는 청구 금액", ranges or "없음"),
        ("이 금액 이상이면 항상 청구가 이득", pp.won(advice.threshold)),
    ]
    return pp.readout(rows).html


def paths_table_html(totals: pd.DataFrame) -> str:
    """:func:`paths_table` (or :func:`paths_totals`) for people: 12,000원, no index."""
    money = [c for c in totals.columns if c != "청구 패턴"]
    return pp.table(totals, money_columns=money, caption="5번 갱신 동안의 합계").html


def show_grade(nonbenefit_paid: int, discount: float = 0.05) -> None:
    """Slider callback: the staircase with the current amount (returns None)."""
    display(plot_staircase(nonbenefit_paid, discount))


def show_paths(
    patterns: Sequence[str],
    covered_premium: int,
    nonbenefit_premium: int,
    increase: float,
    discount: float = 0.05,
) -> None:
    """Slider callback: premium paths and totals for the chosen example patterns."""
    chosen = {name: EXAMPLE_PATTERNS[name] for name in patterns}
    if not chosen:
        return None
    display(plot_paths(chosen, covered_premium, nonbenefit_premium, increase, discount))
    display(paths_table(chosen, covered_premium, nonbenefit_premium, increase, discount))
    return None


def show_advice(
    claim_payout: int,
    paid_so_far: int,
    nonbenefit_premium: int,
    discount: float = 0.05,
    clean_last_year: bool = False,
    covered_premium: int = 0,
) -> None:
    """Slider callback: the advisor's table and plot.

    ``clean_last_year``: no 비급여 paid last year, so a first claim this year also gives up
    next renewal's 무사고 할인 on ``covered_premium`` + the 비급여 premium.
    """
    kw = {"clean_years": int(clean_last_year), "covered_premium": covered_premium}
    advice = advise(claim_payout, paid_so_far, nonbenefit_premium, 12, discount, **kw)
    display(HTML(advice_html(advice)))
    display(plot_advice(claim_payout, paid_so_far, nonbenefit_premium, discount, **kw))


def grade_app(nonbenefit_paid: int = 1_200_000) -> w.VBox:
    """The staircase app's widget (:class:`~.premium_live.GradeApp`)."""
    from .premium_live import GradeApp

    return GradeApp(nonbenefit_paid).widget


def paths_app(covered_premium: int = 12_000, nonbenefit_premium: int = 10_000) -> w.VBox:
    """The premium-paths app's widget (:class:`~.premium_live.PathsApp`)."""
    from .premium_live import PathsApp

    return PathsApp(covered_premium, nonbenefit_premium).widget


def advice_app(
    claim_payout: int = 200_000, paid_so_far: int = 900_000, nonbenefit_premium: int = 20_000
) -> w.VBox:
    """The claim-or-not app's widget (:class:`~.premium_live.AdviceApp`)."""
    from .premium_live import AdviceApp

    return AdviceApp(claim_payout, paid_so_far, nonbenefit_premium).widget
