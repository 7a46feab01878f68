"""Sliders for the notebooks. Callbacks are pure functions of the slider values.

:func:`shrink_zone_readout` is what the shrink-zone sliders show (unit-tested over a grid
of values); :class:`ShrinkZoneApp` wires ipywidgets sliders for ``n, C, D, r, H`` (plus
the mode toggle and premium) to it and to :class:`~silson_tools.plots.ShrinkZoneFigure`,
updating the figure in place. DOM hooks for the browser test: each slider has the CSS
class ``silson-slider-<name>``, the readout ``silson-readout`` (cells carry ``data-key``
and ``data-value``), the plot image ``silson-plot``.
"""

from __future__ import annotations

import html
from typing import Any

from .formulas import period_totals
from .plots import ShrinkZoneFigure, ShrinkZoneParams
from .schema import ZONES

__all__ = ["READOUT_KEYS", "ShrinkZoneApp", "readout_html", "shrink_zone_readout"]

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
) -> dict[str, Any]:
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


def readout_html(values: dict[str, Any]) -> str:
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
        import ipywidgets as w

        p = params or ShrinkZoneParams()
        style = {"description_width": "15em"}
        layout = w.Layout(width="36em")
        common = {"continuous_update": False, "style": style, "layout": layout}
        money = {**common, "readout_format": ",d"}  # 19,000 not 19000
        self.sliders = {
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

    def _on_change(self, _change: dict) -> None:
        self.refresh()

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
