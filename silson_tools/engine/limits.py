"""Steps 4, 6 and 7: what runs over a policy year (보험연도) per person.

Step 4, **yearly inpatient self-pay cap** (연간 자기부담 200만원): self-pay retained above
the cap in a policy year is paid back (``selfpay_cap_refund``), taken out of the rate part
first, then out of the deductible.

Step 6, **yearly counts** (180 visits; 100 비급여 visits; 50 sessions): the visit or
treatment numbered beyond the count in its policy year pays nothing (``count_cut``). A visit
or treatment with an eligible amount counts.

Step 7, **yearly amount limits and sub-limits** (5천만원; 350만/250만/300만원) on the
running total of a part's payouts (``annual_cut``): what of each payout ``x`` fits under the
limit L is ``min(cum, L) − min(cum − x, L)``, ``cum`` being the running total. 1–3세대 limit
only 입원 payouts (``limit_settings``); 4세대 counts 입원 and 통원 together.
"""

from __future__ import annotations

import numpy as np

from ..catalog import Part
from ..params import Param
from .lines import (
    I64,
    SETTING_CODES,
    LineDetail,
    PerLine,
    SortedLines,
    group_cumsum,
    group_firsts,
    zeros_view,
)

__all__ = [
    "annual_limit",
    "beyond_count",
    "cap_then_count",
    "running_cap",
    "selfpay_cap",
    "yearly_number",
]


def running_cap(
    x: np.ndarray, gid: np.ndarray, limit: PerLine, starts: np.ndarray | None = None
) -> np.ndarray:
    """What of each ``x`` (≥ 0) fits under a running ``limit`` per group of equal, non-decreasing
    ``gid``: min(cum, L) − min(cum − x, L). Only groups whose total exceeds their smallest
    limit can lose anything, so only their lines are computed; ``x`` itself is returned when
    nothing is cut. ``starts``: where each group begins, when the caller has them (else
    found from ``gid``)."""
    if len(x) == 0:
        return x
    if starts is None:
        starts = np.flatnonzero(group_firsts(gid))
    dated = isinstance(limit, np.ndarray) and limit.ndim > 0
    over = np.add.reduceat(x, starts) > (np.minimum.reduceat(limit, starts) if dated else limit)
    if not over.any():
        return x
    lines = np.flatnonzero(np.repeat(over, np.diff(starts, append=len(x))))
    sub = x[lines]
    lim = limit[lines] if isinstance(limit, np.ndarray) and dated else limit
    cum = group_cumsum(sub, gid[lines])
    kept = x.copy()
    kept[lines] = np.minimum(cum, lim) - np.minimum(cum - sub, lim)
    return kept


def selfpay_cap(
    payout: np.ndarray, ded: np.ndarray, rate: np.ndarray, gid: np.ndarray, cap: PerLine
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """연간 자기부담 한도: (payout, deductible, rate part, paid back) after the cap.

    The retained self-pay ``ded + rate`` above ``cap`` in a policy year (``gid``) is paid
    back: taken from the rate part first, then from the deductible. ``paid back`` is None
    (and the inputs are returned) when nothing is.
    """
    retained = ded + rate
    kept = running_cap(retained, gid, cap)
    if kept is retained:
        return payout, ded, rate, None
    back = retained - kept
    from_rate = np.minimum(back, rate)
    return payout + back, ded - (back - from_rate), rate - from_rate, back


def yearly_number(gid: np.ndarray) -> np.ndarray:
    """1, 2, … : the number of each visit or treatment in its person–policy-year ``gid``."""
    return group_cumsum(np.ones(len(gid), I64), gid)


def _day_number(gid: np.ndarray, day: np.ndarray, pay: np.ndarray) -> np.ndarray:
    """:func:`yearly_number` of rows sorted by ``gid`` and ``day``, a day's rows numbered the
    larger ``pay`` first (ties in row order)."""
    d = day.view(I64) if day.dtype.kind == "M" else day
    order = np.lexsort((np.arange(len(gid)), -pay, d, gid))
    number = np.empty(len(gid), I64)
    number[order] = yearly_number(gid[order])
    return number


def beyond_count(number: np.ndarray, count: Param, day: np.ndarray) -> np.ndarray:
    """True where ``number`` is beyond the yearly ``count`` in force on ``day``."""
    return number > count.on(day)


def _may_pass(gid: np.ndarray, count: Param, day: np.ndarray) -> bool:
    """False when no row can be numbered beyond the count: a row's number is at most the
    rows of its ``gid``, so with no ``gid`` holding more rows than the smallest count in
    force, :func:`beyond_count` is False on every row."""
    if len(gid) == 0:
        return False
    most = int(np.diff(np.flatnonzero(group_firsts(gid)), append=len(gid)).max())
    return most > int(np.min(count.on(day)))


def cap_then_count(
    payout: np.ndarray,
    cap: Param | None,
    count: Param | None,
    gid: np.ndarray,
    day: np.ndarray,
    paid_only: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-visit cap (회당 한도), then the yearly count (횟수 한도), on one row per visit or
    treatment in sorted order → ``(capped, count_cut, over)``.

    ``capped = min(payout, cap)``; rows are numbered per person–policy-year ``gid`` (only the
    rows with ``capped > 0`` when ``paid_only``: count_basis ``"paid"``), day by day and within
    a day the larger ``capped`` first (not by row order: which of a day's two acts is the
    50th does not follow the file's order; the one that pays more is counted first), and a
    row numbered beyond the count in force on its ``day`` (``over``) loses all of it:
    ``count_cut = capped``.
    """
    capped = payout if cap is None else np.minimum(payout, cap.on(day))
    over = np.zeros(len(payout), dtype=bool)
    if count is not None:
        k = np.flatnonzero(capped > 0) if paid_only else np.arange(len(payout))
        g = gid[k]
        if _may_pass(g, count, day[k]):
            over[k] = beyond_count(_day_number(g, day[k], capped[k]), count, day[k])
    if not over.any():  # no row beyond the count (the common case): no cut to select
        return capped, zeros_view(len(payout)), over
    return capped, np.where(over, capped, 0), over


def annual_limit(
    lines: SortedLines,
    part: Part,
    payout: np.ndarray,
    detail: LineDetail,
    idx: np.ndarray | None = None,
) -> np.ndarray:
    """``payout`` of ``part`` (on lines ``idx``, or on every line) after its yearly limit.

    The running total per person and policy year meets ``part.annual_limit`` (the value in
    force on each line's date); the cut is added to ``detail.annual_cut``. With
    ``part.limit_settings`` only those settings' payouts count toward, and are cut by, the
    limit (every-line form only: treatment and room parts have one setting).
    """
    limit = part.annual_limit
    if limit is None:
        return payout
    if idx is not None:
        kept = running_cap(payout, lines.gid[idx], limit.on(lines.day[idx]))
        if kept is not payout:
            detail.annual_cut[idx] += payout - kept
        return kept
    if part.limit_settings is None:
        kept = running_cap(payout, lines.gid, limit.on(lines.day), lines.group_starts)
        if kept is payout:
            return payout
    else:
        counted = np.isin(lines.setting, [SETTING_CODES.index(x) for x in part.limit_settings])
        sub = payout[counted]
        cut = running_cap(sub, lines.gid[counted], limit.on(lines.day[counted]))
        if cut is sub:
            return payout
        kept = payout.copy()
        kept[counted] = cut
    detail.annual_cut += payout - kept
    return kept
