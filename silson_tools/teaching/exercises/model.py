"""The parts every exercise is made of: :class:`Exercise`, :class:`Answer`, :class:`Verdict`.

Also the shared wording helpers (won, dollars, percent, zone names) and
:func:`visit_steps`, the per-visit arithmetic in words with every number taken from
:func:`silson_tools.formulas.split_visit`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from ...formulas import per_visit_self_pay, split_visit
from ...schema import ZONES
from ..sources import Source

__all__ = [
    "UNIT_EXAMPLE",
    "UNIT_LABEL",
    "Answer",
    "Cite",
    "Exercise",
    "Unit",
    "Verdict",
    "pct",
    "show_value",
    "usd",
    "visit_steps",
    "won",
    "zone_name",
]

Unit = Literal["won", "usd", "grade"]
UNIT_LABEL: dict[str, str] = {"won": "원", "usd": "달러 (USD)", "grade": "등급"}
UNIT_EXAMPLE: dict[str, str] = {
    "won": "예: 7200, 7,200원, 0.72만원",
    "usd": "예: 600, $600, 600달러",
    "grade": "예: 3, 3등급",
}


Cite = tuple[Source, str]
"""A publication and where in it (사례 1, 예시 2, 제5조③ …); ``""`` for the whole text."""


@dataclass(frozen=True)
class Answer:
    """The computed answer and the steps that lead to it (Korean, one step a line)."""

    value: int
    steps: tuple[str, ...]


@dataclass(frozen=True)
class Exercise:
    """One exercise: a situation from an article, a question, and how to solve it."""

    key: str
    title: str
    topic: str
    """A zone code (deductible, rate, visit_cap, …) or ceiling / premium / plan / generation."""
    cites: tuple[Cite, ...]
    """Where the situation comes from: the articles and official texts, by title."""
    situation: str
    question: str
    unit: Unit
    solve: Callable[[], Answer] = field(repr=False)
    tolerance: int = 0
    """Accepted distance from the answer (0 = exact)."""
    mistakes: Callable[[], dict[int, str]] | None = field(default=None, repr=False)
    """Typical wrong answers → a hint that names the mistake."""

    def answer(self) -> Answer:
        """The answer, computed now by silson_tools."""
        return self.solve()

    @property
    def source(self) -> str:
        """The citations as one line: ``「title」 (publisher) where · …``."""
        return " · ".join(src.cite(where) for src, where in self.cites)


@dataclass(frozen=True)
class Verdict:
    """The result of checking a student's answer."""

    status: Literal["correct", "wrong", "invalid", "empty"]
    message: str
    given: int | None = None


# --- wording helpers ---------------------------------------------------------------------


def won(x: int) -> str:
    return f"{int(x):,}원"


def usd(x: int) -> str:
    return f"${int(x):,}"


def pct(r: float) -> str:
    return f"{r:.0%}"


def show_value(unit: Unit, x: int) -> str:
    """An answer in its unit: ``7,200원``, ``$600``, ``3등급``."""
    return {"won": won, "usd": usd, "grade": lambda v: f"{int(v)}등급"}[unit](x)


def zone_name(code: str) -> str:
    return f"{ZONES[code]} ({code})"


def visit_steps(C: int, D: int, r: float, H: int | None, mode: str) -> list[str]:
    """The per-visit arithmetic, every number taken from :func:`split_visit`."""
    v = split_visit(C, D, r, H, mode)
    before_cap = int(v.payout) + int(v.cap_cut)
    self_before_cap = C - before_cap
    if mode == "additive":
        if C <= D:
            line = f"C = {won(C)} ≤ D = {won(D)} 이므로 진료비 전부가 자기부담: {won(C)}"
        else:
            line = (
                f"건당 자기부담 = D + (C − D) × r = {won(D)} + ({won(C)} − {won(D)}) × "
                f"{pct(r)} = {won(self_before_cap)}"
            )
    elif mode == "max":
        by_rate = per_visit_self_pay(C, 0, r, "rate")
        line = (
            f"건당 자기부담 = max(D, r × C) = max({won(D)}, {pct(r)} × {won(C)} = "
            f"{won(by_rate)}) = {won(self_before_cap)}"
        )
        if C <= D:
            line += " (자기부담은 진료비보다 클 수 없으므로 진료비 전부)"
    elif mode == "fixed":
        line = f"정액형: 건당 자기부담 = D = {won(D)} (진료비보다 클 수는 없음)"
    else:
        line = f"비율형: 건당 자기부담 = r × C = {pct(r)} × {won(C)} = {won(self_before_cap)}"
    steps = [
        line,
        f"건당 보험금 = C − 건당 자기부담 = {won(C)} − {won(self_before_cap)} = {won(before_cap)}",
    ]
    if int(v.cap_cut) > 0:
        steps.append(
            f"회당 한도 H = {won(H or 0)}: 보험금 {won(before_cap)}이 한도까지 잘려 "
            f"{won(v.payout)}. 넘는 {won(v.cap_cut)}은 본인 몫 → 건당 자기부담 "
            f"{won(v.self_pay)}"
        )
    steps.append(f"이 금액을 결정한 구간: {zone_name(str(v.zone))}")
    return steps
