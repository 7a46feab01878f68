"""Notebook 00's practice slider: one cost C → payout, self-pay and the zone that decided it.

A slider and a readout in one box (class ``silson-app``): a move replaces the readout's
HTML in place. ``interact`` would clear an output area and display into it again, which
flickers and takes an extra message; here one small message carries the new readout.
The numbers are :func:`silson_tools.formulas.split_visit` (max(D, r × C) by default).
"""

from __future__ import annotations

import ipywidgets as w

from .. import people as pp
from ..formulas import split_visit
from ..schema import ZONES
from .live_plot import app_style, live_html

__all__ = ["PracticeApp", "practice_readout"]


def practice_readout(cost: int, D: int = 10_000, r: float = 0.20, mode: str = "max") -> pp.Html:
    """The readout for one cost: 진료비, 보험금, 자기부담 (보험금 + 자기부담 = 진료비), zone."""
    visit = split_visit(cost, D=D, r=r, mode=mode)
    return pp.readout(
        [
            ("진료비 (cost)", pp.won(cost)),
            ("보험금 (payout)", pp.won(int(visit.payout))),
            ("자기부담 (self-pay)", pp.won(int(visit.self_pay))),
            ("결정한 구간 (zone)", ZONES[str(visit.zone)]),
        ]
    )


class PracticeApp:
    """The practice slider (CSS class ``silson-slider-practice``) and its readout
    (``silson-live-readout``), with deductible ``D``, rate ``r`` and ``mode`` fixed."""

    def __init__(
        self, cost: int = 30_000, D: int = 10_000, r: float = 0.20, mode: str = "max"
    ) -> None:
        self.D, self.r, self.mode = D, r, mode
        slider = w.IntSlider(
            value=cost,
            min=0,
            max=100_000,
            step=1_000,
            description="C 진료비 (원)",
            readout_format=",",
            continuous_update=False,
            style={"description_width": "8em"},
            layout={"width": "36em"},
        )
        slider.add_class("silson-slider-practice")
        self.controls = {"practice": slider}
        self.readout = w.HTML()
        self.readout.add_class("silson-live-readout")
        slider.observe(lambda _change: self.refresh(), names="value")
        self.widget = w.VBox([app_style(), slider, self.readout])
        self.widget.add_class("silson-app")
        self.refresh()

    def refresh(self) -> None:
        """Show the readout for the slider's cost."""
        cost = int(self.controls["practice"].value)
        self.readout.value = live_html(practice_readout(cost, self.D, self.r, self.mode).html)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
