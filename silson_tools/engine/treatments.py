"""Steps 3–6 for 3대 비급여 treatment parts and the 상급병실 room part (비급여 only).

**Treatments** (도수치료·체외충격파·증식치료, 비급여 주사, MRI): each line is one treatment
with its own deductible ``max(D, 30% × C)`` (rule ``form``), numbered 1, 2, … in its policy
year (``session_no``). A part with session brackets (``rate_brackets``) takes the self-pay
rate by that number. A per-treatment cap → ``visit_cap_cut``; treatments beyond the yearly
count pay nothing → ``count_cut``; with ``count_basis`` ``paid`` the count numbers only the
treatments that pay something after the cap (``session_no`` and the brackets number all).
``needs_improvement_proof`` marks sessions beyond the first block of ``improvement_block``
(4세대: 10) that are still within the count: paid here on the assumption that the required
objective improvement was documented.

**상급병실 차액** (room upgrade): ``min(⌊C × (1 − r)⌋, daily cap × 입원일수)``, i.e. 50% of
the difference, at most 10만원 per day of the stay; needs 입원일수 ≥ 1 on the line.
"""

from __future__ import annotations

import numpy as np

from ..catalog import Part
from ..errors import ReceiptError
from ..formulas import PPM
from .deductibles import param_on, split_claim
from .limits import cap_then_count, yearly_number
from .lines import I64, LineDetail, PerLine, SortedLines
from .shares import add_nonzero

__all__ = ["room_part", "treatment_part"]


def treatment_part(
    lines: SortedLines,
    part: Part,
    idx: np.ndarray,
    c: np.ndarray,
    detail: LineDetail,
    paid_only: bool = True,
) -> np.ndarray:
    """3대 비급여, on lines ``idx`` with 비급여 amounts ``c``: per-treatment deductible, cap
    and yearly count (``paid_only``: numbered among those that pay something before it) →
    the payout of those lines before the yearly sub-limit."""
    rule = part.treatment
    assert rule is not None, f"part {part.name!r} of kind 'treatment' has no treatment rule"
    d = lines.day[idx]
    session = yearly_number(lines.gid[idx])
    r: PerLine
    if part.brackets:  # (first session, rate) steps
        r = np.zeros(len(idx), I64) + part.brackets[0][1].ppm(d)
        for first, param in part.brackets[1:]:
            r = np.where(session >= first, param.ppm(d), r)
    else:
        r = rule.params["rate"].ppm(d)
    p, dd, rr = split_claim(0, c, 0, r, param_on(rule.get("min"), d, 0), rule.form)
    capped, count_cut, over = cap_then_count(
        p, rule.get("visit_cap"), rule.get("count"), lines.gid[idx], d, paid_only
    )
    block = rule.get("improvement_block")
    if block is not None:
        b = block.on(d)
        detail.needs_improvement_proof[idx] |= (b > 0) & (session > b) & ~over
    detail.session_no[idx] = session
    detail.deductible[idx] += dd
    detail.rate_part[idx] += rr
    if capped is not p:
        add_nonzero(detail.visit_cap_cut, idx, p - capped)
    if not over.any():  # nothing beyond the count: no cut to add
        return capped
    detail.count_cut[idx] += count_cut
    return capped - count_cut


def room_part(
    lines: SortedLines, part: Part, idx: np.ndarray, c: np.ndarray, detail: LineDetail
) -> np.ndarray:
    """상급병실 차액 on lines ``idx`` with amounts ``c``:
    ``min(⌊C × (1 − r)⌋, daily cap × 입원일수)``."""
    days = lines.days(idx)
    no_days = days <= 0
    if no_days.any():
        expected = (
            f"입원일수 of at least 1 for {part.label} ({part.name}): its cap is "
            "10만원 × days (daily_cap × days)"
        )
        k = int(np.argmax(no_days))
        if lines.receipts is not None:
            raise lines.receipts.error(int(lines.order[idx[k]]), "days", expected)
        raise ReceiptError.one(
            "receipts", expected, row=int(lines.order[idx[k]]), column="days", value=int(days[k])
        )
    d = lines.day[idx]
    p = (c * (PPM - part.room["rate"].ppm(d))) // PPM
    capped = np.minimum(p, part.room["daily_cap"].on(d) * days)
    detail.rate_part[idx] += c - p
    add_nonzero(detail.visit_cap_cut, idx, p - capped)
    return capped
