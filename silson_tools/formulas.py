"""The articles' formulas: one visit's self-pay and a period's totals, scalar or numpy arrays.

Per-visit self-pay (건당 자기부담) for a visit of cost ``C`` (the amount the patient
paid and claims), minimum deductible ``D`` (최소공제) and self-pay rate ``r``
(자기부담률), by ``mode``:

==========  ===============================  =========================================
mode        self-pay                          source
==========  ===============================  =========================================
additive    ``D + (C − D) × r``; all of C     [1] (건당 = D + (C − D) × r), [2] 혼합형
            when ``C ≤ D``                    (공제금액 + 남은 금액 × 부담 비율)
max         ``max(D, r × C)``                 the standard terms since 2세대 표준형 [3]
fixed       ``D``                             [2] 정액형
rate        ``r × C``                         [2] 비율형
==========  ===============================  =========================================

[1] 「급여 vs 비급여 보장 축소 구간 깔끔 정리」 (topeconomyinfo 블로그, 2025-10),
    https://topeconomyinfo.onedayoneinfo.com/2025/10/clean-guide-to-reduced-coverage-zones-reimbursement-vs-non-reimbursement-in-korean-indemnity-insurance.html
[2] 「보험사 조건에 따른 실비보험 자기부담금 계산법 전략」 (goodnews91 블로그),
    https://goodnews91.com/%eb%b3%b4%ed%97%98%ec%82%ac-%ec%a1%b0%ea%b1%b4%ec%97%90-%eb%94%b0%eb%a5%b8-%ec%8b%a4%eb%b9%84%eb%b3%b4%ed%97%98-%ec%9e%90%ea%b8%b0%eb%b6%80%eb%8b%b4%ea%b8%88-%ea%b3%84%ec%82%b0%eb%b2%95-%ec%a0%84
[3] 금융감독원, 보험업감독업무시행세칙 [별표15] 실손의료보험 표준약관 (2012.12.28 개정;
    표준형 20%·통원 정률 공제 도입), https://www.fss.or.kr; 3세대: 삼성생명 인터넷
    실손의료비보장보험1.0 (기본형) 상품안내 (2018), https://direct.samsunglife.com;
    4세대: 금융감독원, 실손의료보험 표준약관 (2021.7.1 시행) <표1>,
    https://fss.or.kr/fss/bbs/B0000115/view.do?menuNo=200504&nttId=21943

Results are always clamped to ``0 ≤ self_pay ≤ C`` (inputs never are: a bad input is
an error).

**Rounding rule (one rule, everywhere).** The insurer's payout is computed exactly in
integers and *floored* to whole won; the self-pay is the remainder, so
``self_pay + payout == cost`` holds exactly. Rates are held as integer parts per
million (``r = 0.1`` → 100,000 ppm), so no float error reaches a won amount.

**The limit ``H`` is the insurer's payout limit per visit (회당 한도).** Article [1] writes
the cap as ``min(월자부담, H)``; read literally that caps the *patient's* self-pay, which
is an out-of-pocket maximum (the mechanism of 본인부담상한제), not how a silson limit
works. Here ``payout = min(payout, H)`` per visit and everything above ``H`` stays with
the patient (zone ``visit_cap``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, TypeAlias, overload

import numpy as np
import numpy.typing as npt

from .errors import InputError
from .money import as_won

__all__ = [
    "MODES",
    "PPM",
    "IntOrArray",
    "PeriodTotals",
    "VisitSplit",
    "as_won",
    "payout_after_rate",
    "per_visit_self_pay",
    "period_totals",
    "rate_to_ppm",
    "scalar_or_array",
    "split_visit",
]

Mode = Literal["additive", "max", "fixed", "rate"]
MODES: tuple[str, ...] = ("additive", "max", "fixed", "rate")
PPM = 1_000_000
"""Rates are integers in parts per million: exact arithmetic on won amounts."""
IntOrArray: TypeAlias = int | np.ndarray
"""A result in won (or a count): a Python int for scalar inputs, an int64 array otherwise.
Inputs are ``numpy.typing.ArrayLike`` (a number, a sequence, an array or a Series)."""

# --- input checking: amounts through money.as_won (MAX_WON = 1조원 keeps amount × ppm in int64)


def rate_to_ppm(r: npt.ArrayLike, name: str = "r") -> np.ndarray:
    """A rate in [0, 1] → integer parts per million (rounded to the nearest ppm)."""
    if isinstance(r, str):
        raise InputError(f"{name} must be a rate between 0 and 1, got {r!r}")
    arr = np.asarray(r)
    if arr.dtype == bool or arr.dtype.kind not in "iuf":
        raise InputError(f"{name} must be a rate between 0 and 1, got {r!r}")
    if not np.all(np.isfinite(arr)) or np.any(arr < 0) or np.any(arr > 1):
        raise InputError(f"{name} must be a rate between 0 and 1, got {r!r}")
    return np.rint(arr.astype(np.float64) * PPM).astype(np.int64)


def _check_mode(mode: str) -> str:
    if mode not in MODES:
        raise InputError(f"mode must be one of {', '.join(MODES)}; got {mode!r}")
    return mode


def scalar_or_array(arr: np.ndarray) -> IntOrArray:
    """Return a Python int for 0-d results, the int64 array otherwise."""
    return int(arr) if np.ndim(arr) == 0 else arr


def payout_after_rate(cost: np.ndarray, r_ppm: np.ndarray) -> np.ndarray:
    """``floor(cost × (1 − r))`` in exact integer arithmetic (the payout before any minimum)."""
    return (cost * (PPM - r_ppm)) // PPM


# --- one visit -------------------------------------------------------------------------


@dataclass(frozen=True)
class VisitSplit:
    """One visit split between patient and insurer (arrays or ints, won).

    ``self_pay == deductible_part + rate_part + cap_cut`` and ``self_pay + payout == cost``.
    """

    # Fields are Any on purpose: an int (str, bool) for a scalar visit, an array for arrays;
    # a union would make every scalar caller narrow it (the functions return IntOrArray).
    cost: Any
    payout: Any
    self_pay: Any
    deductible_part: Any
    """공제: the part of self-pay the minimum deductible decided."""
    rate_part: Any
    """자기부담률: the part of self-pay the rate decided."""
    cap_cut: Any
    """회당 한도: payout the per-visit limit H took away."""
    zone: Any
    """The zone that decided the amount: deductible, rate or visit_cap."""
    worthless: Any
    """True where C ≤ D: the minimum deductible left nothing to claim (저액 청구 무의미)."""
    cap_hit: Any
    """True where H cut the payout."""


def split_visit(
    C: npt.ArrayLike,
    D: npt.ArrayLike = 0,
    r: npt.ArrayLike = 0.0,
    H: npt.ArrayLike | None = None,
    mode: Mode = "additive",
) -> VisitSplit:
    """Split one visit of cost ``C`` into payout and self-pay, and say which zone decided it.

    payout = floor(C − self_pay(C, D, r, mode)), then ``min(payout, H)``; see the module
    docstring for the four modes and the rounding rule.
    """
    _check_mode(mode)
    cost = as_won("C", C)
    ded = as_won("D", D)
    cap = as_won("H", H, allow_none=True)
    r_ppm = rate_to_ppm(r)
    cost, ded, r_ppm = np.broadcast_arrays(cost, ded, r_ppm)
    zero = np.zeros_like(cost)

    if mode == "additive":
        # self = D + (C − D) r  →  payout = floor((C − D)(1 − r)); all of C when C ≤ D
        above = np.maximum(cost - ded, 0)
        payout0 = payout_after_rate(above, r_ppm)
        ded_part = np.minimum(ded, cost)
        rate_part = cost - payout0 - ded_part
        by_deductible = ded_part >= rate_part
    elif mode == "max":
        # self = max(D, r C)  →  payout = min(C − D, floor(C (1 − r))), at least 0
        by_rate = payout_after_rate(cost, r_ppm)
        payout0 = np.maximum(np.minimum(cost - ded, by_rate), 0)
        self0 = cost - payout0
        by_deductible = (cost - ded) <= by_rate
        ded_part = np.where(by_deductible, self0, zero)
        rate_part = self0 - ded_part
    elif mode == "fixed":
        payout0 = np.maximum(cost - ded, 0)
        ded_part = cost - payout0
        rate_part = zero
        by_deductible = np.ones_like(cost, dtype=bool)
    else:  # rate
        payout0 = payout_after_rate(cost, r_ppm)
        ded_part = zero
        rate_part = cost - payout0
        by_deductible = np.zeros_like(cost, dtype=bool)

    if cap is None:
        payout = payout0
    else:
        payout = np.minimum(payout0, cap)
    cap_cut = payout0 - payout
    zone = np.where(
        cap_cut > 0, "visit_cap", np.where(by_deductible & (ded > 0), "deductible", "rate")
    )
    if mode == "fixed":
        zone = np.where(cap_cut > 0, "visit_cap", "deductible")
    return VisitSplit(
        cost=scalar_or_array(cost),
        payout=scalar_or_array(payout),
        self_pay=scalar_or_array(cost - payout),
        deductible_part=scalar_or_array(ded_part),
        rate_part=scalar_or_array(rate_part),
        cap_cut=scalar_or_array(cap_cut),
        zone=zone.item() if zone.ndim == 0 else zone,
        worthless=bool((cost <= ded) & (cost > 0))
        if cost.ndim == 0
        else (cost <= ded) & (cost > 0),
        cap_hit=bool(cap_cut > 0) if cap_cut.ndim == 0 else cap_cut > 0,
    )


@overload
def per_visit_self_pay(C: int, D: int = 0, r: float = 0.0, mode: Mode = "additive") -> int: ...
@overload
def per_visit_self_pay(
    C: npt.ArrayLike, D: npt.ArrayLike = 0, r: npt.ArrayLike = 0.0, mode: Mode = "additive"
) -> IntOrArray: ...
def per_visit_self_pay(
    C: npt.ArrayLike, D: npt.ArrayLike = 0, r: npt.ArrayLike = 0.0, mode: Mode = "additive"
) -> IntOrArray:
    """건당 자기부담 (self-pay for one visit), integer won; clamped to ``0 ≤ self_pay ≤ C``.

    additive: ``D + (C − D) × r`` (all of C when C ≤ D); max: ``max(D, r × C)``;
    fixed: ``D``; rate: ``r × C``. Payout is floored to whole won, self-pay is the rest.
    """
    return split_visit(C, D, r, None, mode).self_pay


# --- a period of n visits ----------------------------------------------------------------


@dataclass(frozen=True)
class PeriodTotals:
    """Totals for ``n`` visits of cost ``C`` in one period (a month in article [1]), won.

    ``real_cost = premium + self_pay`` is the 월 실비용 (체감 총지출) of article [1], the
    module docstring's 「급여 vs 비급여 보장 축소 구간 깔끔 정리」.
    """

    # Any on purpose, as in VisitSplit: int for scalar inputs, arrays for arrays.
    n: Any
    cost: Any
    payout: Any
    self_pay: Any
    premium: Any
    real_cost: Any
    zone: Any
    worthless: Any
    """최소공제 때문에 저액 청구가 무의미: each visit costs no more than D."""
    cap_hit: Any
    """상한 도달: the per-visit limit H cut the payout."""
    visit: VisitSplit
    """The per-visit split the totals are built from."""

    @property
    def deductible_part(self) -> IntOrArray:
        """공제 몫: n × the per-visit deductible part."""
        return scalar_or_array(np.asarray(self.n) * np.asarray(self.visit.deductible_part))

    @property
    def rate_part(self) -> IntOrArray:
        """자기부담률 몫: n × the per-visit rate part."""
        return scalar_or_array(np.asarray(self.n) * np.asarray(self.visit.rate_part))

    @property
    def cap_cut(self) -> IntOrArray:
        """회당 한도로 깎인 몫: n × the per-visit cap cut."""
        return scalar_or_array(np.asarray(self.n) * np.asarray(self.visit.cap_cut))


def period_totals(
    n: npt.ArrayLike,
    C: npt.ArrayLike,
    D: npt.ArrayLike = 0,
    r: npt.ArrayLike = 0.0,
    H: npt.ArrayLike | None = None,
    mode: Mode = "additive",
    premium: npt.ArrayLike = 0,
) -> PeriodTotals:
    """월 합계 for ``n`` visits of cost ``C``: cost, payout, self-pay and 월 실비용.

    cost = n × C; payout = n × min(payout per visit, H); self_pay = cost − payout;
    real_cost = premium + self_pay. ``H`` is the insurer's payout limit per visit
    (회당 한도), not a cap on the patient's self-pay; ``None`` means no limit.
    """
    visits = as_won("n", n)  # a count: same checks (whole, non-negative)
    prem = as_won("premium", premium)
    visit = split_visit(C, D, r, H, mode)
    cost = visits * np.asarray(visit.cost)
    payout = visits * np.asarray(visit.payout)
    self_pay = cost - payout
    has_visits = visits > 0
    return PeriodTotals(
        n=scalar_or_array(visits),
        cost=scalar_or_array(cost),
        payout=scalar_or_array(payout),
        self_pay=scalar_or_array(self_pay),
        premium=scalar_or_array(prem),
        real_cost=scalar_or_array(prem + self_pay),
        zone=visit.zone,
        worthless=_and(visit.worthless, has_visits),
        cap_hit=_and(visit.cap_hit, has_visits),
        visit=visit,
    )


def _and(a: bool | np.ndarray, b: np.ndarray | bool) -> bool | np.ndarray:
    out = np.logical_and(a, b)
    return bool(out) if out.ndim == 0 else out
