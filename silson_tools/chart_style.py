"""The look shared by every chart (notebooks and ``silson report``): won tick labels.

Imports matplotlib, so only plotting code imports this module; the calculators never do.
Hangul itself is :func:`silson_tools.fonts.use_korean_font`.
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.ticker import Formatter

__all__ = [
    "DollarFormatter",
    "WonFormatter",
    "dollar_axis",
    "dollar_ticks",
    "won_axis",
    "won_tick",
    "won_ticks",
]

MAN = 10_000


def won_tick(value: float, _pos: int | None = None) -> str:
    """One amount in 만 (10,000 won) from 10만 up, else in 원: ``120000 → "12만"``."""
    if abs(value) >= 10 * MAN:
        return f"{value / MAN:,.0f}만"
    return f"{value:,.0f}"


def won_ticks(values: Sequence[float]) -> list[str]:
    """Tick labels of one axis, all in the same unit (never "80,000" beside "10만").

    The unit is 만 when the largest tick is at least 10만 (``0, 2.5만, 5만, 7.5만, 10만``:
    as few decimals as keep every label exact to 0.1만), else 원 with separators.
    """
    if not len(values):
        return []
    if max(abs(v) for v in values) < 10 * MAN:
        return [f"{v:,.0f}" for v in values]
    digits = 0
    while digits < 1 and any(abs(v / MAN - round(v / MAN, digits)) > 1e-9 for v in values):
        digits += 1
    labels = []
    for v in values:
        text = f"{v / MAN:,.{digits}f}"
        labels.append("0" if v == 0 else (text.rstrip("0").rstrip(".") if digits else text) + "만")
    return labels


class WonFormatter(Formatter):
    """Won tick labels with one unit per axis (:func:`won_ticks`); one value: :func:`won_tick`."""

    def __call__(self, x: float, pos: int | None = None) -> str:
        return won_tick(x, pos)

    def format_ticks(self, values: Sequence[float]) -> list[str]:
        return won_ticks(values)


won_axis = WonFormatter()
"""A tick formatter for won axes (0, 2만, 4만 … or 5,000, 10,000 …): stateless, shareable."""


def dollar_ticks(values: Sequence[float]) -> list[str]:
    """US-dollar tick labels of one axis in one unit: ``$500, $1,000`` or ``$2.5k, $5k, $10k``
    (thousands once the largest tick is at least 10,000)."""
    if not len(values):
        return []
    if max(abs(v) for v in values) < 10_000:
        return [f"${v:,.0f}" for v in values]
    labels = []
    for v in values:
        k = f"{v / 1000:,.1f}".rstrip("0").rstrip(".")
        labels.append("$0" if v == 0 else f"${k}k")
    return labels


class DollarFormatter(Formatter):
    """US-dollar tick labels with one unit per axis (:func:`dollar_ticks`)."""

    def __call__(self, x: float, pos: int | None = None) -> str:
        return dollar_ticks([x])[0]

    def format_ticks(self, values: Sequence[float]) -> list[str]:
        return dollar_ticks(values)


dollar_axis = DollarFormatter()
"""A tick formatter for dollar axes ($2,000 … or $2.5k, $5k …): stateless, shareable."""
