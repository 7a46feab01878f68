"""소득분위 per calendar year for the report's 본인부담상한제 step.

The NHIS decides a person's 소득분위 (income decile) per year, so a file over several years
may need one decile a year: ``--decile 2023=5,2024=7``. The 상한제 counts per calendar year
(half-years before 2008, inside one year), so the refund of each year's lines is that of
:class:`~silson_tools.ceiling.CeilingSpec` with the year's decile, on those lines alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..ceiling import CeilingSpec
from ..errors import InputError
from ..receipts import as_receipt_lines

__all__ = ["YearDeciles", "checked_deciles", "decile_label", "parse_deciles"]


def parse_deciles(text: str) -> int | dict[int, int]:
    """``"5"`` → 5; ``"2023=5,2024=7"`` → {2023: 5, 2024: 7} (InputError otherwise)."""
    body = text.strip()
    if "=" not in body:
        return checked_deciles(body)  # type: ignore[return-value]
    out: dict[int, int] = {}
    for item in body.split(","):
        year, _, decile = item.partition("=")
        if not year.strip().isdigit() or year.strip() in map(str, out):
            raise InputError(
                f"해=분위 (year=decile) 꼴, 해마다 한 번: {item.strip()!r} in {text!r}"
            )
        out[int(year)] = checked_deciles(decile)  # type: ignore[assignment]
    return out


def checked_deciles(value: Any) -> int | dict[int, int]:
    """A decile 1–10 (int or its text), or a year → decile mapping of such; else InputError."""
    if isinstance(value, Mapping):
        return {int(y): checked_deciles(d) for y, d in value.items()}  # type: ignore[misc]
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or not 1 <= int(text) <= 10:
        raise InputError(f"소득분위는 1–10 사이의 정수 (decile 1–10), got {value!r}")
    return int(text)


def decile_label(decile: int | Mapping[int, int]) -> str:
    """``5분위`` or ``2023년 5분위, 2024년 7분위``."""
    if isinstance(decile, Mapping):
        return ", ".join(f"{y}년 {d}분위" for y, d in sorted(decile.items()))
    return f"{decile}분위"


@dataclass(frozen=True)
class YearDeciles:
    """The engine's ``ceiling=`` hook with one 소득분위 per calendar year (every year of the
    lines must have one: :meth:`missing` names the lines without)."""

    deciles: tuple[tuple[int, int], ...]

    def _years(self, receipts: pd.DataFrame) -> tuple[Any, np.ndarray]:
        lines = as_receipt_lines(receipts)
        return lines, lines["date"].dt.year.to_numpy()

    def missing(self, receipts: pd.DataFrame) -> np.ndarray:
        """Positions of lines whose year has no decile."""
        _, years = self._years(receipts)
        return np.flatnonzero(~np.isin(years, [y for y, _ in self.deciles]))

    def _spec(self) -> CeilingSpec:
        """One spec for all years: a stay across 31 December pools its later part with that
        year's lines, under that year's decile."""
        return CeilingSpec(decile=self.deciles[0][1], year_deciles=dict(self.deciles))

    def line_offsets(self, receipts: pd.DataFrame) -> np.ndarray:
        """상한제 환급분 per line: each year's lines under that year's decile."""
        lines, years = self._years(receipts)
        if len(self.missing(lines)):
            raise InputError(f"no 소득분위 for year(s) {sorted(set(years.tolist()))}")
        return self._spec().line_offsets(lines)

    def totals(self, receipts: pd.DataFrame) -> pd.DataFrame:
        """:meth:`CeilingSpec.totals` with each year under its decile."""
        return self._spec().totals(as_receipt_lines(receipts))

    def crossing(self, receipts: pd.DataFrame) -> pd.DataFrame:
        """Lines whose stay crosses a year end (the report says how their ① was split)."""
        return self._spec().crossing(as_receipt_lines(receipts))
