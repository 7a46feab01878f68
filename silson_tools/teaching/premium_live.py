"""Notebook 05's slider apps as persistent figures (the staircase, the premium paths, the advisor).

Each app makes its widgets and one :class:`~silson_tools.teaching.live_plot.LiveFigure`
once; a slider move recomputes with :mod:`silson_tools.premium` and moves only what
changed (blitting), so one update stays well under 50 ms. The figures show the same
things as :func:`~silson_tools.teaching.premium_app.plot_staircase`,
:func:`~silson_tools.teaching.premium_app.plot_paths` and
:func:`~silson_tools.teaching.premium_app.plot_advice` (which stay for static use).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import ipywidgets as w
import numpy as np
from matplotlib.artist import Artist
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.transforms import offset_copy

from .. import people as pp
from ..chart_style import won_axis
from ..money import format_won
from ..premium import PPM, advise, claim_net, premium_path, relativities_ppm, surcharge_grade
from .live_plot import LiveFigure, app_style, image_widget, live_html, steady_top
from .premium_app import (
    EXAMPLE_PATTERNS,
    _table,
    advice_html,
    grade_readout,
    paths_table_html,
    paths_totals,
)
from .shrink_zones import nice_ceiling

__all__ = ["AdviceApp", "GradeApp", "PathsApp", "grade_readout_html"]

GRADE_COLORS = ["#2ca02c", "#1f77b4", "#ff7f0e", "#d62728", "#7f0000"]
PATTERN_COLORS = ["#1f77b4", "#2ca02c", "#d62728", "#9467bd", "#ff7f0e"]
"""One colour per example pattern, kept whichever patterns are chosen."""

_STYLE = {"description_width": "230px"}
_WIDE = w.Layout(width="560px")


def _slider(value: int, top: int, step: int, label: str, name: str) -> w.IntSlider:
    slider = w.IntSlider(
        value=value,
        min=0,
        max=top,
        step=step,
        description=label,
        readout_format=",d",
        continuous_update=False,
        style=_STYLE,
        layout=_WIDE,
    )
    slider.add_class(f"silson-slider-{name}")
    return slider


def _percent(value: float, low: float, high: float, step: float, label: str, name: str):
    slider = w.FloatSlider(
        value=value,
        min=low,
        max=high,
        step=step,
        readout_format=".0%",
        description=label,
        continuous_update=False,
        style=_STYLE,
        layout=_WIDE,
    )
    slider.add_class(f"silson-slider-{name}")
    return slider


def _app_box(controls: Sequence[w.Widget], readout: w.HTML, image: w.Image) -> w.VBox:
    """Controls and readout side by side (wrapping when narrow), the picture below."""
    top = w.HBox(
        [w.VBox(list(controls)), readout],
        layout=w.Layout(flex_flow="row wrap", grid_gap="0 16px"),
    )
    box = w.VBox([app_style(), top, image])
    box.add_class("silson-app")
    return box


def _readout() -> w.HTML:
    html = w.HTML(layout=w.Layout(width="520px"))
    html.add_class("silson-readout")
    return html


class _App:
    """Shared wiring: observe every control, refresh on change, display the box."""

    controls: dict[str, w.Widget]
    widget: w.VBox

    def _wire(self) -> None:
        for control in self.controls.values():
            control.observe(lambda _change: self.refresh(), names="value")
        self.refresh()

    def values(self) -> dict[str, object]:
        """The controls' current values."""
        return {name: control.value for name, control in self.controls.items()}

    def refresh(self) -> None:  # pragma: no cover - every app defines it
        raise NotImplementedError

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


def grade_readout_html(nonbenefit_paid: int, discount: float | None = None) -> str:
    """The staircase readout as a small table: grade, premium factor, distance to the next step."""
    g = grade_readout(nonbenefit_paid, discount)
    to_next = g["to_next_surcharge"]
    rows = [
        ("지난 1년 받은 비급여 보험금", format_won(g["paid"], unit="won")),
        ("등급 (grade)", f"{g['grade']}등급 ({g['label']})"),
        ("비급여 보험료 배율 (relativity)", f"×{g['relativity_ppm'] / PPM:.2f}"),
        ("할인·할증", f"{g['change_percent']:+.0f}%"),
        (
            "다음 할증 단계까지 (to next surcharge)",
            "없음 (이미 가장 높은 등급)" if to_next is None else format_won(to_next, unit="won"),
        ),
    ]
    return pp.readout(rows).html


class GradeApp(_App):
    """Last year's 비급여 paid and the grade-1 discount → the grade staircase and a readout."""

    def __init__(self, nonbenefit_paid: int = 1_200_000, discount: float = 0.05) -> None:
        self.controls = {
            "nonbenefit_paid": _slider(
                nonbenefit_paid, 5_000_000, 10_000, "받은 비급여 보험금 (원)", "nonbenefit_paid"
            ),
            "discount": _percent(discount, 0.0, 0.2, 0.01, "1등급 할인율 (discount)", "discount"),
        }
        self.readout = _readout()
        self.live = LiveFigure(8.4, 3.7)
        self.image = image_widget(self.live)
        self._build()
        self.widget = _app_box(list(self.controls.values()), self.readout, self.image)
        self._wire()

    def _build(self) -> None:
        tab = _table(None)
        self.tab = tab
        fig = self.live.fig
        fig.subplots_adjust(left=0.09, right=0.96, bottom=0.15, top=0.9)
        ax = self.ax = fig.subplots()
        self.top = 5_000_000
        edges = [*tab.lowers.tolist(), self.top]
        rel = relativities_ppm(None, tab) / PPM
        for i in range(1, len(tab.grades)):
            x0, x1 = edges[i], edges[i + 1]
            ax.bar(x0, rel[i], width=x1 - x0, align="edge", color=GRADE_COLORS[i], alpha=0.35)
            ax.text(
                (x0 + x1) / 2,
                rel[i] / 2,
                f"{tab.grades[i]}등급\n×{rel[i]:.2f}",
                ha="center",
                va="center",
                fontsize=11,
            )
        self.bar1 = Rectangle((0, 0), self.top * 0.006, 1, color=GRADE_COLORS[0], alpha=0.6)
        ax.add_patch(self.bar1)
        self.label1 = ax.text(self.top * 0.01, 0, "", fontsize=11, color="#1a6b1a")
        (self.steps,) = ax.step([], [], where="post", color="#333", lw=1.5)
        (self.dot,) = ax.plot([], [], "o", color="black", ms=8)
        self.note = ax.text(
            0.5,
            0.97,
            "",
            transform=ax.transAxes,
            ha="center",
            va="top",
            fontsize=11,
            bbox={"boxstyle": "round", "fc": "white", "ec": "#999"},
        )
        ax.set_xlim(-self.top * 0.01, self.top)
        ax.set_ylim(0, rel.max() * 1.35)
        ax.xaxis.set_major_formatter(won_axis)
        ax.tick_params(labelsize=10)
        ax.set_xlabel("지난 1년(측정 기간) 받은 비급여 보험금", fontsize=11)
        ax.set_ylabel("비급여 보험료 배율", fontsize=11)
        ax.set_title("4세대 비급여 보험료 할인·할증 등급 (계단)", fontsize=12)
        ax.grid(alpha=0.3)
        self.live.moving(self.bar1, self.label1, self.steps, self.dot, self.note)

    def refresh(self) -> None:
        """Move the point, grade 1's bar and the step line; update the readout."""
        v = self.values()
        paid, discount = int(v["nonbenefit_paid"]), float(v["discount"])
        rel = relativities_ppm(discount, self.tab) / PPM
        g = surcharge_grade(paid, discount)
        edges = [*self.tab.lowers.tolist(), self.top]
        self.bar1.set_height(rel[0])
        self.label1.set_position((self.top * 0.012, rel[0] + 0.35))
        self.label1.set_text(f"← 1등급 (0원) ×{rel[0]:.2f}")
        self.steps.set_data(edges, [*rel, rel[-1]])
        self.dot.set_data([min(g.paid, self.top)], [g.rate])
        text = f"{format_won(g.paid)}: {g.grade}등급 (×{g.rate:.2f})"
        if g.to_next_surcharge is not None:
            text += f", 다음 할증까지 {format_won(g.to_next_surcharge)}"
        self.note.set_text(text)
        self.image.value = self.live.render("static")  # the picture's message goes first
        self.readout.value = live_html(grade_readout_html(paid, discount))


class PathsApp(_App):
    """Claim patterns, base premiums, yearly increase, discount → premium paths and totals."""

    def __init__(self, covered_premium: int = 12_000, nonbenefit_premium: int = 10_000) -> None:
        names = list(EXAMPLE_PATTERNS)
        picker = w.SelectMultiple(
            options=names,
            value=names[:4],
            description="청구 패턴 (Ctrl+클릭)",
            rows=len(names),
            style=_STYLE,
            layout=_WIDE,
        )
        picker.add_class("silson-slider-patterns")
        self.controls = {
            "patterns": picker,
            "covered_premium": _slider(
                covered_premium, 50_000, 1_000, "월 급여 보험료 (원)", "covered_premium"
            ),
            "nonbenefit_premium": _slider(
                nonbenefit_premium, 50_000, 1_000, "월 비급여 보험료 (원)", "nonbenefit_premium"
            ),
            "increase": _percent(0.1, -0.3, 0.4, 0.05, "연 인상률 (±25% 상한)", "increase"),
            "discount": _percent(0.05, 0.0, 0.2, 0.01, "1등급 할인율 (discount)", "discount"),
        }
        self.readout = _readout()  # the totals table, under the picture
        self.readout.layout.width = "auto"
        self.live = LiveFigure(8.4, 3.9)
        self.image = image_widget(self.live)
        self._build()
        self.widget = w.VBox(
            [app_style(), w.VBox(list(self.controls.values())), self.image, self.readout]
        )
        self.widget.add_class("silson-app")
        self._wire()

    def _build(self) -> None:
        fig = self.live.fig
        fig.subplots_adjust(left=0.09, right=0.7, bottom=0.14, top=0.9)
        ax = self.ax = fig.subplots()
        self.lines: dict[str, Line2D] = {}
        self.rings: dict[str, Line2D] = {}
        for i, name in enumerate(EXAMPLE_PATTERNS):
            color = PATTERN_COLORS[i % len(PATTERN_COLORS)]
            (self.lines[name],) = ax.plot([], [], "o-", lw=2, color=color, label=name)
            (self.rings[name],) = ax.plot([], [], "o", ms=14, mfc="none", mec=color)
        (self.covered,) = ax.plot([], [], ls="--", color="#555", label="급여 부분 (할증 없음)")
        above = offset_copy(ax.transData, fig=fig, y=11, units="points")
        self.grade_marks: dict[tuple[str, int], Line2D] = {}
        for name, line in self.lines.items():  # the grade above each point, as a marker
            for grade in range(1, 6):
                (mark,) = ax.plot(
                    [],
                    [],
                    ls="",
                    marker=f"${grade}$",
                    ms=8,
                    color=line.get_color(),
                    transform=above,
                )
                self.grade_marks[(name, grade)] = mark
        ax.set_xlabel("갱신 차수 (renewal; 점 위 숫자 = 등급)", fontsize=11)
        ax.set_ylabel("월 보험료", fontsize=11)
        ax.yaxis.set_major_formatter(won_axis)
        ax.tick_params(labelsize=10)
        ax.set_title("청구 패턴별 월 보험료: 할증은 비급여 부분에만", fontsize=12)
        ax.grid(alpha=0.3)
        self.live.moving(
            *self.lines.values(), *self.rings.values(), self.covered, *self.grade_marks.values()
        )
        self._legend_for: tuple[str, ...] | None = None
        self._ytop: float | None = None
        self._legend: Artist | None = None

    def _set_legend(self, chosen: tuple[str, ...]) -> None:
        if chosen == self._legend_for:
            return
        if self._legend is not None:
            self._legend.remove()
        handles = [
            Line2D([], [], marker="o", color=self.lines[n].get_color(), lw=2, label=n)
            for n in chosen
        ]
        handles += [
            Line2D([], [], ls="--", color="#555", label="급여 부분 (할증 없음)"),
            Line2D(
                [], [], marker="o", ms=12, mfc="none", mec="#333", ls="", label="무사고 할인 10%"
            ),
        ]
        self._legend = self.live.fig.legend(
            handles=handles,
            loc="center left",
            bbox_to_anchor=(0.71, 0.5),
            fontsize=10,
            frameon=False,
        )
        self._legend_for = chosen

    def refresh(self) -> None:
        """Recompute every chosen pattern's path; move the lines; update the totals table."""
        v = self.values()
        chosen = tuple(v["patterns"])
        args = (int(v["covered_premium"]), int(v["nonbenefit_premium"]))
        increase, discount = float(v["increase"]), float(v["discount"])
        top = 1.0
        paths = {}
        for name in EXAMPLE_PATTERNS:
            visible = name in chosen
            self.lines[name].set_visible(visible)
            self.rings[name].set_visible(visible)
            if visible:
                path = premium_path(*args, EXAMPLE_PATTERNS[name], increase, None, discount)
                paths[name] = path
                self.lines[name].set_data(path["renewal"], path["total"])
                clean = path["no_claim_discount"].to_numpy() > 0
                self.rings[name].set_data(
                    path["renewal"].to_numpy()[clean], path["total"].to_numpy()[clean]
                )
                top = max(top, float(path["total"].max()))
        arrays = {
            name: (path["renewal"].to_numpy(), path["total"].to_numpy(), path["grade"].to_numpy())
            for name, path in paths.items()
        }
        for (name, grade), mark in self.grade_marks.items():
            if name not in arrays:
                mark.set_visible(False)
                continue
            renewal, total, grades = arrays[name]
            at = grades == grade
            mark.set_data(renewal[at], total[at])
            mark.set_visible(bool(at.any()))
        if paths:
            first = next(iter(paths.values()))
            self.covered.set_data(first["renewal"], first["covered"])
        self.covered.set_visible(bool(paths))
        wanted = nice_ceiling(top * 1.12, fine=True)
        if self._ytop is not None and wanted > self._ytop:  # growing: room for the next steps
            wanted = nice_ceiling(top * 1.4, fine=True)
        ytop = steady_top(self._ytop, wanted)
        self._ytop = ytop
        self.ax.set_xlim(0.7, 5.3)
        self.ax.set_xticks(range(1, 6))
        self.ax.set_ylim(0, ytop)
        self._set_legend(chosen)
        self.image.value = self.live.render((ytop, chosen))  # the picture's message goes first
        self.readout.value = (
            live_html(paths_table_html(paths_totals(paths, EXAMPLE_PATTERNS)))
            if chosen
            else "<p>청구 패턴을 하나 이상 고르세요.</p>"
        )


class AdviceApp(_App):
    """The claim, what was already paid, the premiums → claim-or-not: readout and picture."""

    def __init__(
        self,
        claim_payout: int = 200_000,
        paid_so_far: int = 900_000,
        nonbenefit_premium: int = 20_000,
    ) -> None:
        clean = w.Checkbox(
            value=False,
            description="작년 비급여 0원 (무사고 할인)",
            indent=False,
            layout=w.Layout(width="326px", margin="2px 0 2px 234px"),
        )
        clean.add_class("silson-slider-clean_last_year")
        self.controls = {
            "claim_payout": _slider(
                claim_payout, 3_000_000, 10_000, "이번 청구 보험금 (원)", "claim_payout"
            ),
            "paid_so_far": _slider(
                paid_so_far, 4_000_000, 10_000, "이미 받은 비급여 보험금 (원)", "paid_so_far"
            ),
            "nonbenefit_premium": _slider(
                nonbenefit_premium,
                50_000,
                1_000,
                "내년 월 비급여 보험료 (원)",
                "nonbenefit_premium",
            ),
            "discount": _percent(0.05, 0.0, 0.2, 0.01, "1등급 할인율 (discount)", "discount"),
            "clean_last_year": clean,
            "covered_premium": _slider(
                12_000, 50_000, 1_000, "내년 월 급여 보험료 (원)", "covered_premium"
            ),
        }
        self.readout = _readout()
        self.live = LiveFigure(8.4, 3.8)
        self.image = image_widget(self.live)
        self._build()
        self.widget = _app_box(list(self.controls.values()), self.readout, self.image)
        self._wire()

    def _build(self) -> None:
        fig = self.live.fig
        fig.subplots_adjust(left=0.1, right=0.98, bottom=0.14, top=0.9)
        ax = self.ax = fig.subplots()
        (self.diagonal,) = ax.plot([], [], color="#1f77b4", lw=1, ls=":")
        ax.axhline(0, color="#333", lw=0.8)
        (self.extra,) = ax.plot([], [], color="#d62728", lw=1.4)
        (self.net,) = ax.plot([], [], color="black", lw=2.2)
        (self.dot,) = ax.plot([], [], "o", color="black", ms=8)
        self.spans: list[Artist] = []
        self.note = ax.text(
            0.02,
            0.97,
            "",
            transform=ax.transAxes,
            va="top",
            fontsize=11,
            bbox={"boxstyle": "round", "fc": "white", "ec": "#999"},
        )
        ax.legend(
            handles=[
                Line2D([], [], color="#1f77b4", ls=":", label="보험금 (payout now)"),
                Line2D([], [], color="#d62728", lw=1.4, label="내년 추가 보험료 (extra premium)"),
                Line2D([], [], color="black", lw=2.2, label="순이익 = 보험금 − 추가 보험료"),
                Patch(color="#d62728", alpha=0.15, label="청구하면 손해인 금액"),
            ],
            loc="lower right",
            fontsize=10,
        )
        ax.xaxis.set_major_formatter(won_axis)
        ax.yaxis.set_major_formatter(won_axis)
        ax.tick_params(labelsize=10)
        ax.set_xlabel("이번 비급여 청구로 받을 보험금 (claim payout)", fontsize=11)
        ax.set_title("청구할까 말까? 빨간 구간 = 청구하면 손해", fontsize=12)
        ax.grid(alpha=0.3)
        self.live.moving(self.extra, self.net, self.dot, self.note)

    def refresh(self) -> None:
        """Recompute the advice and the net-value curves; move them. The 급여 premium only
        counts when the 무사고 할인 is at stake (last year clean, nothing paid yet this year),
        so its slider is greyed out otherwise."""
        v = self.values()
        at_stake = bool(v["clean_last_year"]) and int(v["paid_so_far"]) == 0
        self.controls["covered_premium"].disabled = not at_stake
        kw: Mapping[str, int] = {
            "clean_years": int(bool(v["clean_last_year"])),
            "covered_premium": int(v["covered_premium"]),
        }
        claim, paid, premium = (
            int(v["claim_payout"]),
            int(v["paid_so_far"]),
            int(v["nonbenefit_premium"]),
        )
        discount = float(v["discount"])
        advice = advise(claim, paid, premium, 12, discount, **kw)
        xtop = nice_ceiling(max(1_000_000, claim * 1.25, advice.threshold * 1.5))
        claims = np.linspace(0, xtop, 801).astype(np.int64)
        extra, net = claim_net(claims, paid, premium, 12, discount, **kw)
        ylow = float(min(0, int(np.min(net))))
        ylow = -nice_ceiling(-ylow * 1.15) if ylow < 0 else -0.05 * xtop
        self.diagonal.set_data([0, xtop], [0, xtop])
        self.extra.set_data(claims, extra)
        self.net.set_data(claims, net)
        self.dot.set_data([claim], [advice.net])
        self.spans = self.live.replace_moving(
            self.spans,
            (
                self.ax.axvspan(lo, hi, color="#d62728", alpha=0.15, lw=0)
                for lo, hi in advice.losing_ranges
            ),
            under=True,
        )
        verdict = "청구하는 것이 이득" if advice.worth_claiming else "청구하면 손해"
        self.note.set_text(
            f"청구 {format_won(advice.claim_payout)}: 순이익 {format_won(advice.net)}\n"
            f"({advice.grade_before}등급 → {advice.grade_after}등급, {verdict}; "
            f"1등급 할인 {discount:.0%})"
        )
        self.ax.set_xlim(0, xtop)
        self.ax.set_ylim(ylow, xtop)
        self.image.value = self.live.render((xtop, ylow))  # the picture's message goes first
        self.readout.value = live_html(advice_html(advice))
