"""Notebook 04 (본인부담상한제): the ceiling table, the slider app and its pictures.

Pure parts (unit-tested): :func:`limits_table`, :func:`table_status` and :func:`readout`
(what the sliders show). Views: :func:`plot_burden` (burden against the year's covered
co-pay, kinked at the 상한액), :func:`plot_year` (one person's running total over a year),
:func:`readout_html`, :func:`show` (the slider callback) and :func:`slider_app`.
The calculations are :mod:`silson_tools.ceiling`'s public functions.
"""

from __future__ import annotations

import datetime as dt
import html
from functools import cache
from typing import TypedDict

import ipywidgets as w
import numpy as np
import pandas as pd
from IPython.display import HTML, display
from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .. import people as pp
from ..ceiling import (
    GROUPS,
    KINDS,
    CeilingSpec,
    CeilingTable,
    burden,
    cell,
    counted_copay,
    decile_group,
    limit,
    load_table,
    refund,
    refund_month,
    year_totals,
    years,
)
from ..chart_style import won_axis
from ..errors import InputError
from ..fonts import use_korean_font
from ..money import as_won, format_won
from ..receipts.lines import as_receipt_lines
from .live_plot import LiveFigure, app_style, image_widget, live_html
from .shrink_zones import nice_ceiling

__all__ = [
    "BurdenFigure",
    "CeilingApp",
    "limits_table",
    "plot_burden",
    "plot_year",
    "readout",
    "readout_html",
    "show",
    "slider_app",
    "table_status",
]


class Readout(TypedDict):
    """What the readout shows for one set of slider values (amounts in whole won)."""

    group: str
    limit: int
    refund: int
    burden: int
    refund_month: str
    confidence: str
    merged: bool
    prepaid_threshold: int | None
    """The year's highest 상한액 (사전급여 at one institution); None where unknown."""
    prepaid_applies: bool
    """False for 요양병원 stays over 120 days (refund afterwards only)."""


@cache
def _default_table() -> CeilingTable:
    return load_table()


def _table(table: CeilingTable | None) -> CeilingTable:
    return _default_table() if table is None else table


def _windows(tab: CeilingTable) -> list[tuple[int, str, dt.date]]:
    """(year, period label, first day) of every window of the table, latest first."""
    firsts = {start: tab.windows[(start, KINDS[0], GROUPS[0])] for start in tab.starts}
    return [
        (c.year, tab.period_labels.get(c.window, c.window), start)
        for start, c in sorted(firsts.items(), reverse=True)
    ]


def limits_table(table: CeilingTable | None = None) -> pd.DataFrame:
    """The whole 상한액 table, one row per (window, kind), one column per group (won or NA).

    A window is a calendar year from 2008, a half-year before (``period`` says which, with
    the file's Korean label). Extra columns: ``confidence`` (the row's tag) and ``merged``
    (groups whose long-stay cell is merged with normal). Unknown cells are ``<NA>``; merged
    cells show the value used.
    """
    tab = _table(table)
    rows = []
    for year, period, start in _windows(tab):
        for kind in KINDS:
            cells = [tab.windows[(start, kind, g)] for g in GROUPS]
            row: dict[str, int | str | None] = {"year": year, "period": period, "kind": kind}
            row |= {tab.labels[c.group]: c.value for c in cells}
            row["confidence"] = cells[0].confidence
            row["merged"] = ", ".join(c.label for c in cells if c.merged)
            rows.append(row)
    frame = pd.DataFrame(rows)
    for label in tab.labels.values():
        frame[label] = frame[label].astype("Int64")
    return frame


def readout(
    year: int,
    decile: int,
    long_stay: bool,
    copay_total: int,
    excluded: int = 0,
    table: CeilingTable | None = None,
) -> Readout:
    """What the notebook's readout shows for one set of slider values (pure; won as int).

    Keys: ``group, limit, refund, burden, refund_month, confidence, merged, prepaid_threshold``
    (``None`` where the year's highest ceiling is unknown) and ``prepaid_applies`` (False for
    long stays). Unknown cells raise ``ValueError`` like :func:`limit`.
    """
    tab = _table(table)
    c = cell(year, decile, long_stay, tab)
    cap = limit(year, decile, long_stay, tab)
    top = tab.cells[(year, "normal", "d10")].value
    return {
        "group": c.label,
        "limit": cap,
        "refund": int(refund(copay_total, year, decile, long_stay, tab)),
        "burden": int(burden(copay_total, year, decile, long_stay, excluded, tab)),
        "refund_month": str(refund_month(year, tab)),
        "confidence": c.confidence,
        "merged": c.merged,
        "prepaid_threshold": top,
        "prepaid_applies": not long_stay,
    }


def plot_burden(
    year: int,
    decile: int,
    long_stay: bool,
    copay_total: int,
    table: CeilingTable | None = None,
) -> Figure:
    """Figure: what the patient finally bears against the year's covered co-pay.

    burden = min(copay, L): a line with a kink at L; the gap to the diagonal is the refund.
    The other decile groups of the same year are drawn faintly where known.
    """
    use_korean_font()
    tab = _table(table)
    cap = limit(year, decile, long_stay, tab)
    total = int(as_won("copay_total", copay_total))
    top = max(2 * cap, int(total * 1.15), 1_000_000)
    x = np.linspace(0, top, 401).astype(np.int64)
    fig = Figure(figsize=(8.5, 4.6))
    fig.subplots_adjust(left=0.1, right=0.95, bottom=0.12, top=0.92)
    ax = fig.subplots()
    for d in (1, 2, 4, 6, 8, 9, 10):
        other = tab.cells[(year, "long_stay" if long_stay else "normal", decile_group(d, tab))]
        if other.value is not None and other.group != decile_group(decile, tab):
            ax.plot(x, np.minimum(x, other.value), color="#bbbbbb", lw=0.8)
            if other.value < top:
                ax.text(top, other.value, f" {other.label}", fontsize=7, color="#888", va="center")
    ax.plot(x, x, color="#555", ls=":", lw=1, label="상한제가 없을 때 (no ceiling)")
    ax.fill_between(
        x, np.minimum(x, cap), x, color="#17becf", alpha=0.25, label="공단 환급분 (refund)"
    )
    ax.plot(x, np.minimum(x, cap), color="#c0392b", lw=2.2, label="최종 본인부담 (final burden)")
    ax.axhline(cap, color="#c0392b", lw=0.8, ls="--")
    ax.annotate(
        f"상한액 L = {cap / 10_000:,.0f}만원",
        (cap, cap),
        xytext=(8, -16),
        textcoords="offset points",
        fontsize=9,
        color="#c0392b",
    )
    paid_back = max(total - cap, 0)
    ax.plot([total], [min(total, cap)], "o", color="black", ms=6)
    ax.vlines(total, min(total, cap), total, color="#17becf", lw=2.5)
    left = total > 0.55 * top
    ax.annotate(
        f"본인부담 {total / 10_000:,.0f}만, 환급 {paid_back / 10_000:,.0f}만",
        (total, min(total, cap)),
        xytext=(-8 if left else 8, 10),
        textcoords="offset points",
        ha="right" if left else "left",
        fontsize=9,
        bbox={"boxstyle": "round", "fc": "white", "ec": "#999", "alpha": 0.9},
    )
    kind = "요양병원 120일 초과" if long_stay else "일반"
    ax.set_title(
        f"{year}년 {tab.labels[decile_group(decile, tab)]} ({kind}): "
        "연간 급여 본인부담금과 최종 부담",
        fontsize=11,
    )
    ax.set_xlabel("연간 급여 일부본인부담금 합계 (covered co-pay, 원)")
    ax.set_ylabel("최종 본인부담 (원)")
    ax.xaxis.set_major_formatter(won_axis)
    ax.yaxis.set_major_formatter(won_axis)
    ax.set_xlim(0, top * 1.08)
    ax.set_ylim(0, top)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=8.5)
    return fig


def readout_html(values: Readout) -> str:
    """The readout (:func:`silson_tools.people.readout`): Korean labels, 227만원 / 1,520,000원."""
    rows = [
        ("소득 구간 (decile group)", values["group"]),
        ("본인부담상한액 (ceiling)", pp.money(values["limit"])),
        ("공단 환급 (refund)", pp.money(values["refund"])),
        ("최종 본인부담 (final burden)", pp.money(values["burden"])),
        ("환급 시기 (paid around)", values["refund_month"]),
        ("근거 신뢰도 (confidence)", values["confidence"]),
    ]
    if values["merged"]:
        rows.append(("요양병원 값", "일반과 같음 (별도 값 없음)"))
    threshold = values["prepaid_threshold"]
    if values["prepaid_applies"] and threshold is not None:
        rows.append(("사전급여 기준 (한 병원)", pp.money(threshold)))
    elif not values["prepaid_applies"]:
        rows.append(("사전급여", "요양병원 120일 초과: 적용 안 됨, 사후환급만"))
    return pp.readout(rows).html


def show(year: int, decile: int, long_stay: bool, copay_total: int) -> None:
    """Slider callback: display the readout and the burden plot (an unknown cell says so)."""
    try:
        values = readout(year, decile, long_stay, copay_total)
    except ValueError as err:
        display(HTML(f"<p style='color:#b00'>모름 (unknown, 추측하지 않음): {err}</p>"))
        return None
    display(HTML(readout_html(values)))
    display(plot_burden(year, decile, long_stay, copay_total))
    return None


class BurdenFigure:
    """:func:`plot_burden` as one persistent figure for the sliders (blitting, no new figure).

    Static per (year, long stay, axis top): axes, the no-ceiling diagonal and every decile
    group's faint line; moving: the chosen group's burden line, refund area, 상한액 line,
    the person's point and the two labels. The axis top snaps to round values.
    """

    def __init__(self, table: CeilingTable | None = None) -> None:
        self.tab = _table(table)
        self.live = LiveFigure(8.4, 4.1)
        fig = self.live.fig
        fig.subplots_adjust(left=0.105, right=0.885, bottom=0.14, top=0.9)
        self.ax = ax = fig.subplots()
        ax.xaxis.set_major_formatter(won_axis)
        ax.yaxis.set_major_formatter(won_axis)
        ax.set_xlabel("연간 급여 일부본인부담금 합계 (covered co-pay)", fontsize=11)
        ax.set_ylabel("최종 본인부담", fontsize=11)
        ax.tick_params(labelsize=10)
        ax.grid(alpha=0.3)
        (self.diagonal,) = ax.plot([], [], color="#555", ls=":", lw=1)
        self.others: list[Artist] = []
        self.refund_area = ax.fill_between([0, 1], [0, 0], [0, 0])
        (self.line,) = ax.plot([], [], color="#c0392b", lw=2.4)
        self.cap_line = ax.axhline(0, color="#c0392b", lw=0.8, ls="--")
        (self.dot,) = ax.plot([], [], "o", color="black", ms=7)
        (self.gap,) = ax.plot([], [], color="#17becf", lw=3)
        self.cap_label = ax.text(0, 0, "", fontsize=11, color="#c0392b", va="top")
        self.note = ax.text(
            0, 0, "", fontsize=11, bbox={"boxstyle": "round", "fc": "white", "ec": "#999"}
        )
        self.title = ax.set_title("", fontsize=12)
        ax.legend(
            handles=[
                Line2D([], [], color="#555", ls=":", label="상한제가 없을 때 (no ceiling)"),
                Patch(color="#17becf", alpha=0.3, label="공단 환급분 (refund)"),
                Line2D([], [], color="#c0392b", lw=2.4, label="최종 본인부담 (final burden)"),
                Line2D([], [], color="#bbbbbb", lw=1, label="다른 소득분위의 상한"),
            ],
            loc="upper left",
            fontsize=10,
        )
        self.live.moving(
            self.refund_area,
            self.line,
            self.cap_line,
            self.gap,
            self.dot,
            self.cap_label,
            self.note,
            self.title,
        )
        self._key: tuple[int, bool, float] | None = None

    def _static(self, year: int, long_stay: bool, top: float) -> None:
        """Set the background's artists for one (year, long stay, top)."""
        key = (year, long_stay, top)
        if key == self._key:
            return
        self._key = key
        for artist in self.others:
            artist.remove()
        self.others = []
        x = np.array([0.0, top])
        self.diagonal.set_data(x, x)
        kind = "long_stay" if long_stay else "normal"
        labelled = -top
        for group in GROUPS:
            value = self.tab.cells[(year, kind, group)].value
            if value is None:
                continue
            (line,) = self.ax.plot([0, value, top], [0, value, value], color="#bbbbbb", lw=0.9)
            self.others.append(line)
            if value < top and value - labelled > 0.04 * top:  # labels never overlap
                labelled = value
                label = self.tab.labels[group]
                self.others.append(
                    self.ax.text(top * 1.01, value, label, fontsize=9, color="#888", va="center")
                )
        self.ax.set_xlim(0, top)
        self.ax.set_ylim(0, top)

    def update(self, year: int, decile: int, long_stay: bool, copay_total: int) -> None:
        """Move the chosen group's line, the refund and the point (raises like :func:`limit`)."""
        cap = limit(year, decile, long_stay, self.tab)
        total = int(as_won("copay_total", copay_total))
        top = nice_ceiling(max(2 * cap, total * 1.1, 1_000_000))
        self._static(year, long_stay, top)
        x = np.linspace(0, top, 201)
        burden = np.minimum(x, cap)
        self.line.set_data(x, burden)
        self.refund_area = self.live.replace_moving(
            [self.refund_area],
            [self.ax.fill_between(x, burden, x, color="#17becf", alpha=0.3, lw=0)],
        )[0]
        self.cap_line.set_ydata([cap, cap])
        self.cap_label.set_position((top * 0.62, cap - top * 0.015))
        self.cap_label.set_text(f"상한액 L = {format_won(cap)}")
        kept = min(total, cap)
        self.dot.set_data([total], [kept])
        self.gap.set_data([total, total], [kept, total])
        right = total > 0.55 * top
        self.note.set_position((total + (-1 if right else 1) * top * 0.015, kept + top * 0.05))
        self.note.set_horizontalalignment("right" if right else "left")
        self.note.set_text(f"낸 돈 {format_won(total)}\n환급 {format_won(max(total - cap, 0))}")
        kind = "요양병원 120일 초과" if long_stay else "일반"
        group = self.tab.labels[decile_group(decile, self.tab)]
        self.title.set_text(
            f"{year}년 {decile}분위 ({group}, {kind}): 1년 급여 본인부담금과 최종 부담"
        )

    def render(self) -> bytes:
        """JPEG bytes of the current state."""
        return self.live.render(self._key)


class CeilingApp:
    """Year, decile, long stay and the year's covered co-pay → readout and burden picture.

    Widgets are made once; a change recomputes :func:`readout` and moves the picture
    (:class:`BurdenFigure`). An unknown cell shows "모름" in the readout, never a guess.
    """

    def __init__(
        self,
        year: int = 2024,
        decile: int = 3,
        long_stay: bool = False,
        copay_total: int = 4_600_000,
        table: CeilingTable | None = None,
    ) -> None:
        self.table = table
        style = {"description_width": "200px"}
        layout = w.Layout(width="520px")
        self.controls: dict[str, w.Widget] = {
            "year": w.Dropdown(
                options=list(reversed(years())),
                value=year,
                description="연도 (year)",
                style=style,
                layout=w.Layout(width="330px"),
            ),
            "decile": w.IntSlider(
                value=decile,
                min=1,
                max=10,
                description="소득분위 (decile)",
                continuous_update=False,
                style=style,
                layout=layout,
            ),
            "long_stay": w.Checkbox(
                value=long_stay,
                description="요양병원 120일 초과 입원",
                indent=False,
                layout=w.Layout(width="316px", margin="2px 0 2px 204px"),
            ),
            "copay_total": w.IntSlider(
                value=copay_total,
                min=0,
                max=20_000_000,
                step=100_000,
                description="1년 급여 본인부담금 (원)",
                readout_format=",d",
                continuous_update=False,
                style=style,
                layout=layout,
            ),
        }
        for name, control in self.controls.items():
            control.add_class(f"silson-slider-{name}")
            control.observe(self._on_change, names="value")
        self.readout = w.HTML(layout=w.Layout(width="560px"))
        self.readout.add_class("silson-readout")
        self.figure = BurdenFigure(table)
        self.image = image_widget(self.figure.live)
        top = w.HBox(
            [w.VBox(list(self.controls.values())), self.readout],
            layout=w.Layout(flex_flow="row wrap", grid_gap="0 16px"),
        )
        self.widget = w.VBox([app_style(), top, self.image])
        self.widget.add_class("silson-app")
        self.refresh()

    def values(self) -> dict[str, int | bool]:
        """The controls' current values."""
        return {name: control.value for name, control in self.controls.items()}

    def refresh(self) -> None:
        """Recompute the readout and move the picture for the current values."""
        v = self.values()
        try:
            values = readout(
                v["year"], v["decile"], v["long_stay"], v["copay_total"], 0, self.table
            )
            self.figure.update(v["year"], v["decile"], v["long_stay"], v["copay_total"])
        except ValueError as err:
            self.readout.value = (
                f"<p style='color:#b00'>모름 (unknown, 추측하지 않음): {html.escape(str(err))}</p>"
            )
            return
        self.image.value = self.figure.render()  # the picture's message goes first
        self.readout.value = live_html(readout_html(values))

    def _on_change(self, _change: object) -> None:
        self.refresh()

    def _ipython_display_(self) -> None:
        display(self.widget)


def slider_app(
    year: int = 2024, decile: int = 3, long_stay: bool = False, copay_total: int = 4_600_000
) -> w.VBox:
    """The slider app's widget (:class:`CeilingApp`): controls, readout and picture."""
    return CeilingApp(year, decile, long_stay, copay_total).widget


def table_status(table: CeilingTable | None = None) -> pd.DataFrame:
    """One row per (window, kind), earliest first: confidence, unknown groups, merged groups
    and notes (``period``: the window's Korean label, a calendar year from 2008)."""
    tab = _table(table)
    rows = []
    for year, period, start in reversed(_windows(tab)):
        for kind in KINDS:
            cells = [tab.windows[(start, kind, g)] for g in GROUPS]
            rows.append(
                {
                    "year": year,
                    "period": period,
                    "kind": kind,
                    "confidence": "".join(sorted({c.confidence for c in cells})),
                    "known": sum(c.status == "known" for c in cells),
                    "unknown": ", ".join(c.label for c in cells if c.status == "unknown"),
                    "merged": ", ".join(c.label for c in cells if c.merged),
                    "note": " / ".join(f"{c.label}: {c.note}" for c in cells if c.note),
                }
            )
    return pd.DataFrame(rows)


def _running_totals(receipts: pd.DataFrame, spec: CeilingSpec) -> pd.DataFrame:
    """Per line, in date order within each person: person, year, date, counted co-pay, 상한액.

    Built from the calculator's public functions: :func:`counted_copay` and the ``limit``
    that :func:`year_totals` reports for each person and year.
    """
    checked = as_receipt_lines(receipts)  # validated once; the calls below reuse it
    limits = year_totals(checked, spec)[["person", "year", "limit"]]
    dates = checked["date"]
    lines = pd.DataFrame(
        {
            "pos": np.arange(len(checked)),
            "person": checked["person"].to_numpy(dtype=object),
            "year": dates.dt.year.to_numpy(),
            "date": dates.to_numpy(),
            "copay": counted_copay(checked),
        }
    )
    lines = lines.merge(limits, on=["person", "year"], how="left")
    return lines.sort_values(["person", "year", "date", "pos"], kind="stable")


def plot_year(receipts: pd.DataFrame, spec: CeilingSpec, person: str | None = None) -> Figure:
    """Figure: one person's running Σ covered co-pay over a calendar year against the 상한액.

    Uses the first year of that person's receipts; the part above the line is refunded.
    """
    use_korean_font()
    frame = _running_totals(receipts, spec)
    who = person if person is not None else str(frame.sort_values("pos")["person"].iloc[0])
    mine = frame[frame["person"] == who]
    if mine.empty:
        raise InputError(f"person {who!r} has no receipts; have {sorted(set(frame['person']))}")
    year = int(mine["year"].min())
    mine = mine[mine["year"] == year]
    cum = mine["copay"].cumsum().to_numpy()
    cap = int(mine["limit"].iloc[0])
    fig = Figure(figsize=(8.5, 4.2))
    fig.subplots_adjust(left=0.1, right=0.97, bottom=0.2, top=0.92)
    ax = fig.subplots()
    dates = mine["date"].to_numpy()
    ax.step(dates, cum, where="post", color="#1f77b4", lw=2, label="누적 급여 본인부담금")
    ax.step(
        dates,
        np.minimum(cum, cap),
        where="post",
        color="#c0392b",
        lw=2,
        label="최종 본인부담 (상한 적용)",
    )
    ax.axhline(cap, color="#c0392b", ls="--", lw=1)
    ax.fill_between(
        dates,
        np.minimum(cum, cap),
        cum,
        step="post",
        color="#17becf",
        alpha=0.3,
        label="공단 환급분 (ceiling_offset)",
    )
    ax.text(dates[0], cap, f" 상한액 {cap / 10_000:,.0f}만원", va="bottom", color="#c0392b")
    ax.yaxis.set_major_formatter(won_axis)
    ax.set_ylabel("원 (won)")
    ax.set_title(f"{who}의 {year}년: 급여 본인부담금 누적과 상한액", fontsize=11)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=8.5)
    fig.autofmt_xdate()
    return fig
