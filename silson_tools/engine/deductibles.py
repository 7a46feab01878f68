"""Step 3: the deductible (최소공제) and the self-pay rate (자기부담률) of one claim.

A claim is an inpatient line, an outpatient visit or prescription, or one 3대 비급여
treatment, with ``C = a_cov + a_non`` (its 급여 and 비급여 amounts) and a minimum ``D``.

- ``max`` form (the standard terms): self-pay ``max(D, Σ a × r)``, so
  ``payout = max(0, min(C − D, ⌊Σ a (1 − r)⌋))``; 선택형Ⅱ's blend is the per-amount rates
  (급여 10%, 비급여 20%). 5세대 adds the NHI co-pay rate term (건보 본인부담률
  ``nhi = Σ① ÷ (Σ① + Σ②)``): the payout is also at most ``⌊a_cov (1 − nhi)⌋ + a_non``.
  The deductible decided it (``deductible``) when ``C − D ≤`` the rate payout and ``D > 0``;
  otherwise the rate did (``rate_part``).
- ``additive`` form: self-pay ``D + (C − D) × r``: ``payout = ⌊(C − D)⁺ × (1 − r)⌋``,
  ``deductible = min(D, C)``.

The payout is floored to whole won and the self-pay is the remainder. Rates are integer parts
per million (formulas.PPM), so the arithmetic is exact in int64.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..catalog import SettingRule
from ..formulas import PPM
from ..params import Param
from .lines import I64, TIER_CODES, PerLine, empty_rows

__all__ = ["nhi_rate_ppm", "param_on", "rate_ppm", "split_claim", "tier_min", "visit_min"]


def split_claim(
    c_cov: PerLine,
    c_non: PerLine,
    r_cov: PerLine,
    r_non: PerLine,
    minimum: PerLine,
    form: str,
    nhi_ppm: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(payout before caps and limits, deductible part, rate part) of each claim.

    max form: ``payout = max(0, min(C − D, ⌊Σ a (1 − r)⌋, ⌊a_cov (1 − nhi)⌋ + a_non))``; the
    deductible decided it when ``C − D ≤`` the rate payout. additive: ``payout = ⌊(C − D)⁺ ×
    (1 − r)⌋`` with ``deductible = min(D, C)``. Rates are integer ppm.
    """
    total = _total(c_cov, c_non)  # read, never written (it may be one of the amounts)
    # the three arrays returned: rows of one block (fewer fresh-page faults, lines.zero_rows)
    rows = empty_rows(3, len(total)) if np.ndim(total) == 1 and form != "additive" else None
    by_rate = _kept_by_rate(c_cov, r_cov, c_non, r_non, None if rows is None else rows[0])
    if form == "additive":
        rate = r_cov if np.any(c_cov) else r_non
        payout = (np.maximum(total - minimum, 0) * (PPM - rate)) // PPM
        ded = np.minimum(minimum, total)
        return payout, ded, total - payout - ded
    if nhi_ppm is not None:
        np.minimum(by_rate, (c_cov * (PPM - nhi_ppm)) // PPM + c_non, out=by_rate)
    after_min = np.subtract(total, minimum, dtype=I64, out=None if rows is None else rows[1])
    decided = after_min <= by_rate  # the deductible decided it (where D > 0)
    decided &= np.asarray(minimum) > 0
    payout = np.minimum(after_min, by_rate, out=by_rate)  # in place: fewer fresh arrays
    np.maximum(payout, 0, out=payout)
    self_pay = np.subtract(total, payout, out=after_min)
    if rows is None:
        ded = np.where(decided, self_pay, 0)
    else:  # self_pay where decided, else 0, in the block's last row
        ded = np.multiply(self_pay, decided, out=rows[2])
    self_pay -= ded
    return payout, ded, self_pay


def _total(c_cov: PerLine, c_non: PerLine) -> PerLine:
    """``c_cov + c_non``; the array itself when the other side is the scalar 0 (a part that
    takes one side only), so no copy is made (the caller only reads it)."""
    if np.ndim(c_non) == 0 and c_non == 0 and np.ndim(c_cov):
        return c_cov
    if np.ndim(c_cov) == 0 and c_cov == 0 and np.ndim(c_non):
        return c_non
    return c_cov + c_non


def _kept_by_rate(
    c_cov: PerLine, r_cov: PerLine, c_non: PerLine, r_non: PerLine, out: np.ndarray | None = None
) -> np.ndarray:
    """⌊(C_cov (1 − r_cov) + C_non (1 − r_non))⌋ in whole won (rates in ppm), computed in
    place where the amounts are arrays (a part may take only one side: its other is 0);
    into ``out`` (int64, one per claim) when given."""
    kept = np.multiply(c_cov, PPM - r_cov, dtype=I64, out=out)
    if np.ndim(c_non) or c_non:
        kept += np.multiply(c_non, PPM - r_non, dtype=I64)
    kept //= PPM
    return kept


def nhi_rate_ppm(copay: np.ndarray, nhis: np.ndarray) -> np.ndarray:
    """건보 본인부담률 Σ① ÷ (Σ① + Σ②) in ppm, rounded half up (0 when both are 0)."""
    den = copay + nhis
    safe = np.where(den == 0, 1, den)
    return np.where(den == 0, 0, (2 * copay * PPM + safe) // (2 * safe))


def tier_min(rule: SettingRule, tier: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Minimum deductible (최소공제) of one line's tier: :func:`visit_min` of a visit made of
    that tier alone (``min_<tier>`` if given, else ``min``, else 0)."""
    return visit_min(rule, np.left_shift(1, tier.astype(I64)), day)


def visit_min(rule: SettingRule, tiers: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Highest minimum deductible among the tiers of each visit (``tiers``: bit t set when a
    line of tier t is in the visit); ``min_<tier>`` if given, else ``min``, else 0."""
    base = rule.get("min")
    values = []
    for name in TIER_CODES:
        p = rule.get(f"min_{name}") or base
        values.append(0 if p is None else p.on(day))
    if all(np.ndim(v) == 0 for v in values):  # undated: one lookup by the set of tiers
        return _highest_of_tiers(tuple(int(v) for v in values))[tiers]
    out = np.zeros(len(tiers), I64)
    for t, v in enumerate(values):
        out = np.maximum(out, np.where(tiers >> t & 1 == 1, v, 0))
    return out


@lru_cache(maxsize=256)
def _highest_of_tiers(values: tuple[int, ...]) -> np.ndarray:
    """Per set of tiers (bit t: tier t): the highest of ``values[t]`` in it (0 for none);
    made once per set of minimums (read-only)."""
    table = np.array(
        [
            max((v for t, v in enumerate(values) if bits >> t & 1), default=0)
            for bits in range(1 << len(values))
        ],
        dtype=I64,
    )
    table.flags.writeable = False
    return table


def rate_ppm(rule: SettingRule, key: str, day: np.ndarray) -> PerLine:
    """The rate ``key`` of ``rule`` on each day in ppm (0 when the rule has none)."""
    p = rule.get(key)
    return 0 if p is None else p.ppm(day)


def param_on(param: Param | None, day: np.ndarray, default: int) -> PerLine:
    """``param``'s value on each day, or ``default`` when the rule has no such parameter."""
    return default if param is None else param.on(day)
