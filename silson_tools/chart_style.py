"""The look shared by every chart (notebooks and ``silson report``): won tick labels.

Imports matplotlib, so only plotting code imports this module; the calculators never do.
Hangul itself is :func:`silson_tools.fonts.use_korean_font`.
"""

from __future__ import annotations

from matplotlib.ticker import FuncFormatter

__all__ = ["won_axis", "won_tick"]


def won_tick(value: float, _pos: int | None = None) -> str:
    """Axis ticks in 만원 (10,000 won) for amounts of 10만 and up, else in 원."""
    if abs(value) >= 100_000:
        return f"{value / 10_000:,.0f}만"
    return f"{value:,.0f}"


won_axis = FuncFormatter(won_tick)
"""A tick formatter for won axes (12,000 / 30만)."""
