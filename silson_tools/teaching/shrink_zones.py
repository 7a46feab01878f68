"""Notebook 01 (보장 축소 구간): the shrink-zone figure, its readout and its sliders.

:class:`ShrinkZoneFigure` draws per-visit payout and self-pay against the cost C (zones
shaded) next to the period totals against the visit count n. It is drawn once and updated
in place: a slider update moves the existing artists and re-renders PNG bytes (no new
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
import io
from collections.abc import Mapping
from dataclasses import dataclass

import ipywidgets as w
import numpy as np
import PIL.Image
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ..chart_style import won_axis
from ..fonts import use_korean_font
from ..formulas import period_totals, split_visit
from ..schema import ZONE_COLORS, ZONES

__all__ = [
    "READOUT_KEYS",
    "ShrinkZoneApp",
    "ShrinkZoneFigure",
    "ShrinkZoneParams",
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


def nice_ceiling(value: float) -> float:
    """Smallest of 1, 1.5, 2, 3, 5, 7.5 × 10^k that is ≥ ``value`` (stable axis tops)."""
    if value <= 0:
        return 1.0
    exponent = np.floor(np.log10(value))
    for step in (1, 1.5, 2, 3, 5, 7.5, 10):
        top = step * 10**exponent
        if top >= value:
            return float(top)
    return float(10 ** (exponent + 1))  # pragma: no cover - the loop always returns


class ShrinkZoneFigure:
    """Two panels: per-visit payout and self-pay against C (zones shaded), period totals against n.

    Static parts (axes, ticks, legends) are rendered once per y-range and kept as a
    bitmap; an update restores that bitmap and draws only the moving artists (blitting),
    then encodes PNG bytes. The y-range of the n panel snaps to a few round values
    (:func:`nice_ceiling`), so the background is rarely re-rendered.
    """

    def __init__(self, c_max: int = 500_000, n_max: int = 30, dpi: int = 80) -> None:
        use_korean_font()
        self.c_grid = np.linspace(0, c_max, 501).round().astype(np.int64)
        self.n_grid = np.arange(0, n_max + 1, dtype=np.int64)
        self.dpi = dpi
        self.fig = Figure(figsize=(11, 4.8), dpi=dpi)
        self.canvas = FigureCanvasAgg(self.fig)
        self.fig.subplots_adjust(left=0.08, right=0.98, bottom=0.23, top=0.92, wspace=0.22)
        self.ax_c, self.ax_n = self.fig.subplots(1, 2)
        for ax in (self.ax_c, self.ax_n):
            ax.yaxis.set_major_formatter(won_axis)
            ax.grid(alpha=0.3)
        self.ax_c.xaxis.set_major_formatter(won_axis)
        self.ax_c.set_xlim(0, c_max)
        self.ax_c.set_ylim(0, c_max * 1.02)
        self.ax_c.set_xlabel("1회 진료비 C (원)")
        self.ax_c.set_ylabel("1회당 금액 (원)")
        self.ax_c.set_title("1회 진료비 C에 따라: 건당 보험금과 자기부담, 축소 구간", fontsize=10)
        self.ax_n.set_xlim(0, n_max)
        self.ax_n.set_xlabel("방문 횟수 n (기간 내)")
        self.ax_n.set_ylabel("기간 합계 (원)")
        self.ax_n.set_title("방문 횟수 n에 따라: 기간 합계", fontsize=10)
        payout_style = {"color": ZONE_COLORS["payout"], "lw": 2, "label": "보험금 (payout)"}
        self_style = {"color": "#c0392b", "lw": 2, "label": "자기부담 (self-pay)"}
        (self.c_payout,) = self.ax_c.plot([], [], **payout_style)
        (self.c_self,) = self.ax_c.plot([], [], **self_style)
        self.c_mark = self.ax_c.axvline(0, color="black", lw=1, ls="--", label="현재 값 (C, n)")
        (self.c_dots,) = self.ax_c.plot([], [], "o", color="black", ms=5)
        (self.n_payout,) = self.ax_n.plot([], [], **payout_style)
        (self.n_self,) = self.ax_n.plot([], [], **self_style)
        (self.n_real,) = self.ax_n.plot(
            [], [], color="#2c3e50", lw=1.5, ls=":", label="실비용 = 보험료 + 자기부담"
        )
        self.n_mark = self.ax_n.axvline(0, color="black", lw=1, ls="--", label="현재 n")
        (self.n_dots,) = self.ax_n.plot([], [], "o", color="black", ms=5)
        zone_proxies = [
            Patch(color=ZONE_COLORS[z], alpha=0.25, label=f"{ZONES[z]} 구간 ({z})")
            for z in ("deductible", "rate", "visit_cap")
        ]
        handles, _ = self.ax_c.get_legend_handles_labels()
        # One legend below both panels: static, so it stays in the cached background.
        real_handle = self.n_real
        self.fig.legend(
            handles=[*handles, real_handle, *zone_proxies],
            loc="lower center",
            ncol=4,
            fontsize=8.5,
            frameon=False,
        )
        self._moving = [
            self.c_payout,
            self.c_self,
            self.c_mark,
            self.c_dots,
            self.n_payout,
            self.n_self,
            self.n_real,
            self.n_mark,
            self.n_dots,
        ]
        for artist in self._moving:
            artist.set_animated(True)
        self._bands: list[Artist] = []
        self._backgrounds: dict[float, object] = {}
        self._n_top = 0.0

    def update(self, p: ShrinkZoneParams) -> None:
        """Move every artist to the values for ``p`` (no new figure)."""
        visit = split_visit(self.c_grid, p.D, p.r, p.H, p.mode)
        self.c_payout.set_data(self.c_grid, visit.payout)
        self.c_self.set_data(self.c_grid, visit.self_pay)
        now = period_totals(p.n, p.C, p.D, p.r, p.H, p.mode, p.premium)
        self.c_mark.set_xdata([p.C, p.C])
        self.c_dots.set_data([p.C, p.C], [now.visit.payout, now.visit.self_pay])
        for band in self._bands:
            band.remove()
        self._bands = []
        for x0, x1, zone in zone_segments(self.c_grid, visit.zone):
            band = self.ax_c.axvspan(x0, x1, color=ZONE_COLORS[zone], alpha=0.18, lw=0)
            band.set_animated(True)
            self._bands.append(band)
        by_n = period_totals(self.n_grid, p.C, p.D, p.r, p.H, p.mode, p.premium)
        self.n_payout.set_data(self.n_grid, by_n.payout)
        self.n_self.set_data(self.n_grid, by_n.self_pay)
        self.n_real.set_data(self.n_grid, by_n.real_cost)
        self.n_mark.set_xdata([p.n, p.n])
        self.n_dots.set_data([p.n, p.n], [now.payout, now.self_pay])
        self._n_top = nice_ceiling(max(int(by_n.cost[-1]), int(by_n.real_cost[-1])) * 1.02)

    def _background(self) -> object:
        """The static bitmap for the current n-panel y-range (rendered once per range)."""
        if self._n_top not in self._backgrounds:
            self.ax_n.set_ylim(0, self._n_top)
            self.canvas.draw()
            self._backgrounds[self._n_top] = self.canvas.copy_from_bbox(self.fig.bbox)
        return self._backgrounds[self._n_top]

    def png(self) -> bytes:
        """Render the current state to PNG bytes: restore the background, draw what moved."""
        background = self._background()
        self.ax_n.set_ylim(0, self._n_top)
        self.canvas.restore_region(background)
        for artist in self._bands + self._moving:
            self.fig.draw_artist(artist)
        width, height = self.canvas.get_width_height()
        image = PIL.Image.frombuffer(
            "RGBA", (width, height), self.canvas.buffer_rgba(), "raw", "RGBA", 0, 1
        )
        buf = io.BytesIO()
        image.save(buf, format="png", compress_level=1)
        return buf.getvalue()


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
        shown = f"{values['zone_ko']} ({value})" if key == "zone" else f"{value:,}원"
        rows.append(
            f'<tr><th style="text-align:left;padding-right:1em">{_LABELS[key]}</th>'
            f'<td style="text-align:right" data-key="{key}" data-value="{html.escape(str(value))}">'
            f"{html.escape(shown)}</td></tr>"
        )
    notes = []
    if values["worthless"]:
        notes.append("⚠ 최소공제 D가 진료비 C 이상: 청구해도 받을 돈이 없습니다 (claim worthless).")
    if values["cap_hit"]:
        notes.append(
            f"⚠ 회당 한도 H에 걸림: 기간 {values['cap_cut']:,}원이 한도 때문에 "
            "깎였습니다 (cap hit)."
        )
    split = (
        f"자기부담 내역: 공제 몫 {values['deductible_part']:,}원 + 비율 몫 "
        f"{values['rate_part']:,}원 + 한도 초과 {values['cap_cut']:,}원"
    )
    note_html = "".join(f'<div style="color:#b03a2e">{html.escape(x)}</div>' for x in notes)
    return (
        f'<table class="silson-readout-table">{"".join(rows)}</table>'
        f'<div style="color:#555">{html.escape(split)}</div>{note_html}'
    )


class ShrinkZoneApp:
    """Sliders n, C, D, r, H + mode toggle + premium → readout and the shrink-zone plot."""

    def __init__(self, params: ShrinkZoneParams | None = None, c_max: int = 500_000) -> None:
        p = params or ShrinkZoneParams()
        style = {"description_width": "15em"}
        layout = w.Layout(width="36em")
        common = {"continuous_update": False, "style": style, "layout": layout}
        money = {**common, "readout_format": ",d"}  # 19,000 not 19000
        self.sliders: dict[str, w.IntSlider | w.FloatSlider] = {
            "n": w.IntSlider(
                value=p.n, min=0, max=30, step=1, description="n 방문 횟수 (visits)", **common
            ),
            "C": w.IntSlider(
                value=p.C, min=0, max=c_max, step=1_000, description="C 1회 진료비 (cost)", **money
            ),
            "D": w.IntSlider(
                value=p.D,
                min=0,
                max=50_000,
                step=1_000,
                description="D 최소공제 (deductible)",
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
                description="H 회당 한도 (limit)",
                **money,
            ),
        }
        for name, slider in self.sliders.items():
            slider.add_class(f"silson-slider-{name}")
        self.use_cap = w.Checkbox(
            value=p.H is not None, description="회당 한도 H 적용", indent=False
        )
        self.mode = w.ToggleButtons(
            options=[("더하기형 D + (C−D)×r", "additive"), ("큰 값형 max(D, r×C)", "max")],
            value=p.mode if p.mode in ("additive", "max") else "additive",
            description="방식 (mode)",
            style={"button_width": "13em"},
        )
        self.premium = w.BoundedIntText(
            value=p.premium,
            min=0,
            max=1_000_000,
            step=1_000,
            description="월 보험료 (premium)",
            style=style,
        )
        self.readout = w.HTML()
        self.readout.add_class("silson-readout")
        self.image = w.Image(format="png")
        self.image.add_class("silson-plot")
        self.figure = ShrinkZoneFigure(c_max=c_max)
        controls = [*self.sliders.values(), self.use_cap, self.mode, self.premium]
        for control in controls:
            control.observe(self._on_change, names="value")
        self.widget = w.VBox([w.HBox([w.VBox(controls), self.readout]), self.image])
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
        self.readout.value = readout_html(
            shrink_zone_readout(p.n, p.C, p.D, p.r, p.H, p.mode, p.premium)
        )
        self.figure.update(p)
        self.image.value = self.figure.png()

    def _on_change(self, _change: Mapping[str, object]) -> None:
        self.refresh()

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
