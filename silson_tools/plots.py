"""Pictures for the notebooks: the shrink-zone figure, drawn once and updated in place.

Every label is Korean (with the English term in brackets); call
:func:`silson_tools.fonts.use_korean_font` first (the figure does it for you).
A slider update changes the existing artists' data and re-renders to PNG bytes —
no new figure — which keeps one update (compute + redraw) well under 50 ms.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
import PIL.Image
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from .fonts import use_korean_font
from .formulas import period_totals, split_visit
from .schema import ZONE_COLORS, ZONES

__all__ = [
    "ShrinkZoneFigure",
    "ShrinkZoneParams",
    "nice_ceiling",
    "won_axis",
    "zone_segments",
]


def _won_tick(value: float, _pos: int | None = None) -> str:
    """Axis ticks in 만원 (10,000 won) for amounts of 10만 and up, else in 원."""
    if abs(value) >= 100_000:
        return f"{value / 10_000:,.0f}만"
    return f"{value:,.0f}"


won_axis = FuncFormatter(_won_tick)
"""A tick formatter for won axes (12,000 / 30만)."""


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
        self._bands: list = []
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
