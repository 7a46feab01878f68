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

**상급병실 차액** (room upgrade): per admission ``min(Σ⌊C × (1 − r)⌋, daily cap × 총 입원일수)``,
i.e. 50% of the difference, at most 10만원 a day on average over the whole stay (「1일 평균금액
= 입원기간 동안의 차액 전체 ÷ 총 입원일수」). 총 입원일수 is the days covered by all the
admission's 입원 lines, ``|∪ [date, date + 입원일수)|`` (:func:`.admissions.stay_days`), not
only the 상급병실 lines' days; a room line not joined to other lines: its own 입원일수. The cut
is shared over the room lines by what each pays. Needs 입원일수 ≥ 1 on the room line.
"""

from __future__ import annotations

import numpy as np

from ..catalog import Part, SettingRule
from ..errors import ReceiptError
from ..formulas import PPM
from .admissions import act_groups, admission_units, cap_groups, stay_days
from .deductibles import param_on, split_claim
from .limits import cap_then_count, yearly_number
from .lines import I64, LineDetail, PerLine, SortedLines, run_number
from .shares import add_nonzero, share_steps
from .visits import _by_first_line

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
    if rule.visit_unit == "visit" and len(idx) > 1:
        group = act_groups(lines, idx)
        if group is not None:
            return _acts(lines, part, rule, idx, c, group, detail, paid_only)
    d = lines.day[idx]
    session = yearly_number(lines.gid[idx])
    r = _rate(part, rule, session, d)
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


def _rate(part: Part, rule: SettingRule, session: np.ndarray, d: np.ndarray) -> PerLine:
    """The self-pay rate (ppm) of each treatment: by its session number when the part has
    brackets, else the rule's ``rate``."""
    if not part.brackets:  # (first session, rate) steps
        return rule.params["rate"].ppm(d)
    r = np.zeros(len(d), I64) + part.brackets[0][1].ppm(d)
    for first, param in part.brackets[1:]:
        r = np.where(session >= first, param.ppm(d), r)
    return r


def _acts(
    lines: SortedLines,
    part: Part,
    rule: SettingRule,
    idx: np.ndarray,
    c: np.ndarray,
    group: np.ndarray,
    detail: LineDetail,
    paid_only: bool,
) -> np.ndarray:
    """:func:`treatment_part` with the lines of one act (``group``: equal ids, one act) taken
    together: per act one deductible ``max(D, r × ΣC)``, one cap and one count, numbered
    in the order of the acts' first lines; its steps shared back over its lines by what is
    left on each (largest remainders) → the payout of each line ``idx``."""
    order, first = _by_first_line(group)
    at = idx[order]
    starts = np.flatnonzero(first)
    local = run_number(first)
    head = at[starts]
    d, gid = lines.day[head], lines.gid[head]
    session = yearly_number(gid)
    cl = c[order]
    p, dd, rr = split_claim(
        0,
        np.add.reduceat(cl, starts),
        0,
        _rate(part, rule, session, d),
        param_on(rule.get("min"), d, 0),
        rule.form,
    )
    capped, count_cut, over = cap_then_count(
        p, rule.get("visit_cap"), rule.get("count"), gid, d, paid_only
    )
    block = rule.get("improvement_block")
    if block is not None:
        b = block.on(d)
        detail.needs_improvement_proof[at] |= ((b > 0) & (session > b) & ~over)[local]
    detail.session_no[at] = session[local]
    m = len(idx)
    got = [np.zeros(m, I64) for _ in range(4)]
    pay = np.zeros(m, I64)
    cap_cut = p - capped
    at_local = np.arange(m)
    share_steps(
        [dd, rr, cap_cut, count_cut],
        tuple(got),
        capped - count_cut,
        cl,
        local,
        starts,
        at_local,
        pay,
    )
    for target, share in zip(
        (detail.deductible, detail.rate_part, detail.visit_cap_cut, detail.count_cut),
        got,
        strict=True,
    ):
        add_nonzero(target, at, share)
    back = np.empty(m, I64)
    back[order] = pay
    return back


def room_part(
    lines: SortedLines, part: Part, idx: np.ndarray, c: np.ndarray, detail: LineDetail
) -> np.ndarray:
    """상급병실 차액 on lines ``idx`` with amounts ``c``: per admission
    ``min(Σ⌊C × (1 − r)⌋, daily cap × 총 입원일수)`` (the cap in force on its first room
    line's date; 총 입원일수 from :func:`.admissions.stay_days`); a line of its own admission:
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
    daily = part.room["daily_cap"].on(d)
    unit = admission_units(lines, idx)
    if unit is None:  # each line its own stay
        cut = p - np.minimum(p, daily * days)
    else:  # min(Σ 50% × 차액, 10만원 × 총 입원일수) per admission
        total_days = stay_days(lines)
        assert total_days is not None  # admissions exist when unit does
        cut = cap_groups(p, unit, daily * total_days[unit])
    detail.rate_part[idx] += c - p
    add_nonzero(detail.visit_cap_cut, idx, cut)
    return p - cut
