"""Notebook 01 (보장 축소 구간): the shrink-zone figure, its readout and its sliders.

:class:`ShrinkZoneFigure` draws per-visit payout and self-pay against the cost C (zones
shaded) next to the period totals against the visit count n. It is drawn once and updated
in place: a slider update moves the existing artists and re-renders the image bytes (no new
figure), which keeps one update (compute + redraw) well under 50 ms.

:func:`shrink_zone_readout` is what the sliders show (a pure function, unit-tested over a
grid of values); :class:`ShrinkZoneApp` wires ipywidgets sliders for ``n, C, D, r, H``
(plus the mode toggle and premium) to it and to the figure. DOM hooks for the browser
test: each slider has the CSS class ``silson-slider-<name>``, the readout
``silson-readout`` (cells carry ``data-key`` and ``data-value``), the plot image
``silson-plot``.

Every label is Korean (with the English term in brackets); the figure registers the
Korean font itself (:func:`silson_tools.fonts.use_korean_font`).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass

import ipywidgets as w
import numpy as np
from matplotlib.artist import Artist
from matplotlib.patches import Patch

from .. import people as pp
from ..chart_style import won_axis
from ..formulas import period_totals, split_visit
from ..schema import ZONE_COLORS, ZONES
from .live_plot import LiveFigure, app_style, image_widget

__all__ = [
    "READOUT_KEYS",
    "ShrinkZoneApp",
    "ShrinkZoneFigure",
    "ShrinkZoneParams",
    "c_axis_top",
    "nice_ceiling",
    "readout_html",
    "shrink_zone_readout",
    "zone_segments",
]


def zone_segments(x: np.ndarray, zones: np.ndarray) -> list[tuple[float, float, str]]:
    """Contiguous runs of one zone along ``x``: ``[(x_start, x_end, zone), ...]``.

    Each run ends halfway to the next grid point, so runs tile the axis without gaps.
    """
    if len(x) == 0:
        return []
    change = np.flatnonzero(zones[1:] != zones[:-1]) + 1
    starts = np.concatenate(([0], change))
    ends = np.concatenate((change, [len(x)]))
    mids = np.concatenate(([x[0]], (x[1:] + x[:-1]) / 2, [x[-1]]))
    return [
        (float(mids[s]), float(mids[e]), str(zones[s])) for s, e in zip(starts, ends, strict=True)
    ]


@dataclass(frozen=True)
class ShrinkZoneParams:
    """Slider values: n visits, cost C, deductible D, rate r, limit H, mode, premium."""

    n: int = 4
    C: int = 18_000
    D: int = 0
    r: float = 0.1
    H: int | None = None
    mode: str = "additive"
    premium: int = 0


def nice_ceiling(value: float, fine: bool = False) -> float:
    """Smallest of 1, 1.5, 2, 3, 5, 7.5 × 10^k that is ≥ ``value`` (stable axis tops).

    ``fine``: from 1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^k (less empty space on top).
    """
    if value <= 0:
        return 1.0
    exponent = np.floor(np.log10(value))
    steps = (1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10) if fine else (1, 1.5, 2, 3, 5, 7.5, 10)
    for step in steps:
        top = step * 10**exponent
        if top >= value:
            return float(top)
    return float(10 ** (exponent + 1))  # pragma: no cover - the loop always returns


def c_axis_top(p: ShrinkZoneParams, c_max: int = 500_000) -> float:
    """Right end of the C axis: room for 2 × C, 4 × D and where the H cap starts (snapped).

    The cap starts at most at ``D + H / (1 − r)`` (the cost whose payout reaches H);
    the result is :func:`nice_ceiling` of the largest of these (at least 5만원), capped at
    ``c_max``, so the three zones are visible and the axis moves only in round steps.
    """
    wanted = [2.0 * p.C, 4.0 * p.D, 50_000.0]
    if p.H is not None and p.r < 1:
        wanted.append(1.25 * (p.D + p.H / (1 - p.r)))
    return min(nice_ceiling(max(wanted)), float(c_max))


class ShrinkZoneFigure:
    """Two panels: per-visit payout and self-pay against C (zones shaded), period totals against n.

    One persistent figure (:class:`~silson_tools.teaching.live_plot.LiveFigure`): each
    panel's axes and ticks are rendered once per axis top (the legend once) and kept as a
    bitmap; an update moves the lines, bands and dots, draws only those (blitting) and
    encodes JPEG at 1.5 × the CSS size (sharp at 150% zoom). Both tops snap to round
    values (:func:`nice_ceiling`), so the background is rarely re-rendered.
    """

    def __init__(self, c_max: int = 500_000, n_max: int = 30, scale: float = 2.0) -> None:
        self.c_max = c_max
        self.n_grid = np.arange(0, n_max + 1, dtype=np.int64)
        self.live = LiveFigure(12, 3.65, scale=scale)
        self.fig = self.live.fig
        self.fig.subplots_adjust(left=0.07, right=0.985, bottom=0.32, top=0.915, wspace=0.2)
        self.ax_c, self.ax_n = self.fig.subplots(1, 2)
        for ax in (self.ax_c, self.ax_n):
            ax.yaxis.set_major_formatter(won_axis)
            ax.grid(alpha=0.3)
            ax.tick_params(labelsize=10)
        self.ax_c.xaxis.set_major_formatter(won_axis)
        self.ax_c.set_xlabel("1회 진료비 C (원)", fontsize=11)
        self.ax_c.set_ylabel("1회당 금액", fontsize=11)
        self.ax_c.set_title("1회 진료비 C에 따라: 건당 보험금·자기부담과 구간", fontsize=12)
        self.ax_n.set_xlim(0, n_max)
        self.ax_n.set_xlabel("방문 횟수 n (기간 내)", fontsize=11)
        self.ax_n.set_ylabel("기간 합계", fontsize=11)
        self.ax_n.set_title("방문 횟수 n에 따라: 기간 합계", fontsize=12)
        payout_style = {"color": ZONE_COLORS["payout"], "lw": 2.2, "label": "보험금 (payout)"}
        self_style = {"color": "#c0392b", "lw": 2.2, "label": "자기부담 (self-pay)"}
        (self.c_payout,) = self.ax_c.plot([], [], **payout_style)
        (self.c_self,) = self.ax_c.plot([], [], **self_style)
        self.c_mark = self.ax_c.axvline(0, color="black", lw=1, ls="--", label="지금 값 (C, n)")
        (self.c_dots,) = self.ax_c.plot([], [], "o", color="black", ms=6)
        (self.n_payout,) = self.ax_n.plot([], [], **payout_style)
        (self.n_self,) = self.ax_n.plot([], [], **self_style)
        (self.n_real,) = self.ax_n.plot(
            [], [], color="#2c3e50", lw=1.6, ls=":", label="실비용 = 보험료 + 자기부담"
        )
        self.n_mark = self.ax_n.axvline(0, color="black", lw=1, ls="--")
        (self.n_dots,) = self.ax_n.plot([], [], "o", color="black", ms=6)
        zone_proxies = [
            Patch(color=ZONE_COLORS[z], alpha=0.3, label=f"{ZONES[z]} 구간 ({z.replace('_', ' ')})")
            for z in ("deductible", "rate", "visit_cap")
        ]
        handles, _ = self.ax_c.get_legend_handles_labels()
        # One legend below both panels: static, so it stays in the cached background.
        self.fig.legend(
            handles=[*handles, self.n_real, *zone_proxies],
            loc="lower center",
            ncol=4,
            fontsize=11,
            frameon=False,
        )
        self.live.moving(
            self.c_payout,
            self.c_self,
            self.c_mark,
            self.c_dots,
            self.n_payout,
            self.n_self,
            self.n_real,
            self.n_mark,
            self.n_dots,
        )
        self.live.split_columns(self.ax_c, self.ax_n)  # a new axis top redraws one panel
        self._bands: list[Artist] = []
        self._c_top = 0.0
        self._n_top = 0.0

    @property
    def css_width(self) -> int:
        """Width the picture is shown at (CSS pixels)."""
        return self.live.css_width

    def update(self, p: ShrinkZoneParams) -> None:
        """Move every artist to the values for ``p`` (no new figure)."""
        self._c_top = c_axis_top(p, self.c_max)
        c_grid = np.linspace(0, self._c_top, 401).round().astype(np.int64)
        visit = split_visit(c_grid, p.D, p.r, p.H, p.mode)
        self.c_payout.set_data(c_grid, visit.payout)
        self.c_self.set_data(c_grid, visit.self_pay)
        now = period_totals(p.n, p.C, p.D, p.r, p.H, p.mode, p.premium)
        self.c_mark.set_xdata([p.C, p.C])
        self.c_dots.set_data([p.C, p.C], [now.visit.payout, now.visit.self_pay])
        self._bands = self.live.replace_moving(
            self._bands,
            (
                self.ax_c.axvspan(x0, x1, color=ZONE_COLORS[zone], alpha=0.2, lw=0)
                for x0, x1, zone in zone_segments(c_grid, visit.zone)
            ),
        )
        by_n = period_totals(self.n_grid, p.C, p.D, p.r, p.H, p.mode, p.premium)
        self.n_payout.set_data(self.n_grid, by_n.payout)
        self.n_self.set_data(self.n_grid, by_n.self_pay)
        self.n_real.set_data(self.n_grid, by_n.real_cost)
        self.n_mark.set_xdata([p.n, p.n])
        self.n_dots.set_data([p.n, p.n], [now.payout, now.self_pay])
        self._n_top = nice_ceiling(max(int(by_n.cost[-1]), int(by_n.real_cost[-1])) * 1.02)

    def render(self) -> bytes:
        """JPEG bytes of the current state (cached background + the moving artists)."""
        self.ax_c.set_xlim(0, self._c_top)
        self.ax_c.set_ylim(0, self._c_top * 1.02)
        self.ax_n.set_ylim(0, self._n_top)
        return self.live.render((self._c_top, self._n_top))


# --- readout and sliders ----------------------------------------------------------------------

READOUT_KEYS: tuple[str, ...] = (
    "per_visit_self_pay",
    "per_visit_payout",
    "cost",
    "self_pay",
    "payout",
    "real_cost",
    "zone",
)

_LABELS = {
    "per_visit_self_pay": "건당 자기부담 (self-pay per visit)",
    "per_visit_payout": "건당 보험금 (payout per visit)",
    "cost": "기간 진료비 합계 n × C",
    "self_pay": "기간 자기부담 (self-pay)",
    "payout": "기간 보험금 (payout)",
    "real_cost": "기간 실비용 = 보험료 + 자기부담 (real cost)",
    "zone": "결정한 구간 (zone)",
}


def shrink_zone_readout(
    n: int,
    C: int,
    D: int = 0,
    r: float = 0.0,
    H: int | None = None,
    mode: str = "additive",
    premium: int = 0,
) -> dict[str, int | str | bool]:
    """What the readout shows for one set of slider values (won, plus zone and flags).

    Keys: per_visit_self_pay, per_visit_payout, cost, self_pay, payout, real_cost (all
    int won), zone (code), zone_ko, worthless (최소공제로 저액 청구 무의미), cap_hit (상한 도달),
    deductible_part, rate_part, cap_cut (the period's self-pay split by what caused it).
    """
    t = period_totals(n, C, D, r, H, mode, premium)
    return {
        "per_visit_self_pay": int(t.visit.self_pay),
        "per_visit_payout": int(t.visit.payout),
        "cost": int(t.cost),
        "self_pay": int(t.self_pay),
        "payout": int(t.payout),
        "real_cost": int(t.real_cost),
        "zone": str(t.zone),
        "zone_ko": ZONES[str(t.zone)],
        "worthless": bool(t.worthless),
        "cap_hit": bool(t.cap_hit),
        "deductible_part": int(t.deductible_part),
        "rate_part": int(t.rate_part),
        "cap_cut": int(t.cap_cut),
    }


def readout_html(values: Mapping[str, int | str | bool]) -> str:
    """The readout as an HTML table; every number cell carries data-key and data-value."""
    rows = []
    for key in READOUT_KEYS:
        value = values[key]
        shown = (
            f"{values['zone_ko']} ({str(value).replace('_', ' ')})"
            if key == "zone"
            else pp.won(int(value))
        )
        rows.append(
            f'<tr><th style="text-align:left;padding-right:1em">{_LABELS[key]}</th>'
            f'<td style="text-align:right" data-key="{key}" data-value="{html.escape(str(value))}">'
            f"{html.escape(shown)}</td></tr>"
        )
    notes = []
    if values["worthless"]:
        notes.append("⚠ 최소공제 D가 진료비 C 이상: 청구해도 받을 돈이 없습니다.")
    if values["cap_hit"]:
        notes.append(
            f"⚠ 회당 한도 H에 걸림: 기간 {pp.won(int(values['cap_cut']))}이 한도 때문에 "
            "깎였습니다 (cap hit)."
        )
    split = (
        f"자기부담 내역: 공제 몫 {pp.won(int(values['deductible_part']))} + 비율 몫 "
        f"{pp.won(int(values['rate_part']))} + 한도 초과 {pp.won(int(values['cap_cut']))}"
    )
    note_html = "".join(f'<div style="color:#b03a2e">{html.escape(x)}</div>' for x in notes)
    return (
        f'<table class="silson-readout-table">{"".join(rows)}</table>'
        f'<div style="color:#555">{html.escape(split)}</div>{note_html}'
    )


class ShrinkZoneApp:
    """Sliders n, C, D, r, H + mode toggle + premium → readout and the shrink-zone plot.

    The H slider is greyed out (disabled) while "회당 한도 H 적용" is unticked. Controls and
    readout sit side by side above the picture, so all three fit a 1280×720 projector.
    """

    def __init__(self, params: ShrinkZoneParams | None = None, c_max: int = 500_000) -> None:
        p = params or ShrinkZoneParams()
        style = {"description_width": "215px"}
        layout = w.Layout(width="560px")
        common = {"continuous_update": False, "style": style, "layout": layout}
        money = {**common, "readout_format": ",d"}  # 19,000 not 19000
        self.sliders: dict[str, w.IntSlider | w.FloatSlider] = {
            "n": w.IntSlider(
                value=p.n, min=0, max=30, step=1, description="n 방문 횟수 (visits)", **common
            ),
            "C": w.IntSlider(
                value=p.C, min=0, max=c_max, step=1_000, description="C 1회 진료비 (원)", **money
            ),
            "D": w.IntSlider(
                value=p.D,
                min=0,
                max=50_000,
                step=1_000,
                description="D 최소공제 (원)",
                **money,
            ),
            "r": w.FloatSlider(
                value=p.r,
                min=0.0,
                max=1.0,
                step=0.05,
                readout_format=".0%",
                description="r 자기부담률 (rate)",
                **common,
            ),
            "H": w.IntSlider(
                value=p.H if p.H is not None else 200_000,
                min=0,
                max=c_max,
                step=10_000,
                description="H 회당 한도 (원)",
                **money,
            ),
        }
        for name, slider in self.sliders.items():
            slider.add_class(f"silson-slider-{name}")
        self.use_cap = w.Checkbox(
            value=p.H is not None,
            description="회당 한도 H 적용 (끄면 한도 없음)",
            indent=False,
            layout=w.Layout(width="341px", margin="2px 0 2px 219px"),
        )
        self.use_cap.add_class("silson-use-cap")
        self.mode = w.ToggleButtons(
            options=[("더하기형 (additive)", "additive"), ("큰 값형 (max)", "max")],
            tooltips=["D + (C − D) × r", "max(D, r × C)"],
            value=p.mode if p.mode in ("additive", "max") else "additive",
            style={"button_width": "190px"},
            layout=w.Layout(width="400px", margin="2px 0 2px 160px"),
        )
        self.mode.add_class("silson-mode")
        self.premium = w.BoundedIntText(
            value=p.premium,
            min=0,
            max=1_000_000,
            step=1_000,
            description="월 보험료 (원)",
            style=style,
            layout=w.Layout(width="360px"),
        )
        self.readout = w.HTML(layout=w.Layout(width="560px"))
        self.readout.add_class("silson-readout")
        self.figure = ShrinkZoneFigure(c_max=c_max)
        self.image = image_widget(self.figure.live)
        controls = [
            self.sliders["n"],
            self.sliders["C"],
            self.sliders["D"],
            self.sliders["r"],
            self.use_cap,
            self.sliders["H"],
            self.mode,
            self.premium,
        ]
        for control in controls:
            control.observe(self._on_change, names="value")
        top = w.HBox(
            [w.VBox(controls), self.readout],
            layout=w.Layout(flex_flow="row wrap", grid_gap="0 16px"),
        )
        self.widget = w.VBox([app_style(), top, self.image])
        self.widget.add_class("silson-app")
        self.refresh()

    def params(self) -> ShrinkZoneParams:
        """The current slider values."""
        s = self.sliders
        return ShrinkZoneParams(
            n=s["n"].value,
            C=s["C"].value,
            D=s["D"].value,
            r=s["r"].value,
            H=s["H"].value if self.use_cap.value else None,
            mode=self.mode.value,
            premium=self.premium.value,
        )

    def refresh(self) -> None:
        """Recompute the readout and redraw the plot for the current values."""
        p = self.params()
        self.sliders["H"].disabled = not self.use_cap.value
        self.readout.value = readout_html(
            shrink_zone_readout(p.n, p.C, p.D, p.r, p.H, p.mode, p.premium)
        )
        self.figure.update(p)
        self.image.value = self.figure.render()

    def _on_change(self, _change: Mapping[str, object]) -> None:
        self.refresh()

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
