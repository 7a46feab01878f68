"""One admission (입원 1건) and one injection act: which lines the terms take as one.

**Admission.** Inpatient lines of one person are one admission when

1. they share a ``visit`` key (방문묶음; validated: one person, one institution), or
2. without a key: same person, same non-blank ``institution``, and the stays touch. Sorted
   by date (then file order), a line joins the admission of the line before it of that
   person and institution when its date ≤ the running end of the earlier lines, the
   cumulative max of their ``date + days + 1`` (``date`` where days = 0): the receipt date
   is the first day billed, one day's slack for a 퇴원 receipt dated the day after the 중간
   one ends. So a line without 입원일수 joins a stay it lies in (or a line of its own
   date), and the lines after it still join that stay.

A line without an institution is an admission of its own unless a key joins it (two
hospitals cannot be told apart). Admissions are numbered by their first line.

Who reads it: 5세대 특약2's 입원 1건당 300만원 (:func:`.visits.visit_part`), 상급병실 「1일
평균금액 = 입원기간 동안의 차액 전체 ÷ 총 입원일수」 (:func:`.treatments.room_part`, with the
총 입원일수 of :func:`stay_days`), and injections taken per act (:func:`act_groups`).

**총 입원일수** of an admission (:func:`stay_days`): the days covered by its lines, all of its
입원 lines whatever their 항목, ``|∪ [date, date + 입원일수)|`` (a line without 입원일수 adds
none). Lines of one receipt (an 일반 line and a 상급병실 line of one date and 입원일수) are one
stay of that many days, a 중간 10일 line and the 퇴원 5일 line after it 15 days.

**Injection act** (treatment ``unit = "visit"``, 4세대 「1회 통원 또는 1회 입원에서 2회 이상
주사 → 1회」): 외래 lines of one 통원 (person, day, ``institution``, a blank name alone;
방문묶음 joins, :func:`.visits.visits`), inpatient lines of one admission; a 약국 line alone.

Computed once per :class:`~.lines.SortedLines` (cached with the visit groupings) and only when
a line names an institution or a key: without either every line is its own admission, and
the callers keep their per-line arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..dates import covered_days
from ..schema import STAY_SLACK_DAYS
from .lines import I64, IN, OUT, SortedLines, group_firsts, run_number
from .shares import largest_remainder
from .visits import Visits, _by_first_line, _names_given, _text_codes, join_keyed, visits

__all__ = [
    "Admissions",
    "act_groups",
    "admission_units",
    "admissions",
    "cap_groups",
    "stay_days",
]

_KEY = ("inpatient", "admission")


@dataclass
class Admissions(Visits):
    """Inpatient lines as admissions (a :class:`~.visits.Visits` of them, numbered by first
    line), with each line's admission number at its sorted position."""

    by_line: np.ndarray | None = None
    """Per sorted line: its admission number (−1 on lines that are not inpatient)."""


def admissions(lines: SortedLines) -> Admissions | None:
    """The admissions of ``lines``; None when each inpatient line is one of its own (no line
    names an institution or a visit key, or no two lines join)."""
    if _KEY in lines.visits:
        found = lines.visits[_KEY]
        return found if isinstance(found, Admissions) else None
    result = None
    idx = np.flatnonzero(lines.inpatient)
    group = _admission_group(lines, idx) if len(idx) > 1 else None
    if group is not None:
        order, first = _by_first_line(group)
        idx = idx[order]
        starts = np.flatnonzero(first)
        if len(starts) < len(idx):
            number = run_number(first)
            bits = np.bitwise_or.reduceat((1 << lines.tier[idx]).astype(np.int8), starts)
            at = idx[starts]
            by_line = np.full(lines.n, -1, np.int32)
            by_line[idx] = number
            result = Admissions(
                lines.inpatient, number, lines.day[at], lines.gid[at], bits, idx, starts, by_line
            )
    lines.visits[_KEY] = result
    return result


def _admission_group(lines: SortedLines, idx: np.ndarray) -> np.ndarray | None:
    """A key per inpatient line ``idx`` (sorted order): equal keys, one admission (see the
    module docstring); None when none is named or keyed (each line alone)."""
    if not _names_given(lines):
        return None
    inst = _text_codes(lines, "institution", idx)
    keys = _text_codes(lines, "visit", idx)
    if not inst.any() and not keys.any():
        return None
    m = len(idx)
    group = np.arange(m, dtype=I64)  # each line alone, then the touching stays joined
    named = np.flatnonzero(inst > 0)
    if len(named) > 1:
        person = lines.person[idx[named]].astype(I64)
        # by person, then institution, each run in date order (idx is by person and date)
        order = np.argsort(person * (int(inst.max()) + 1) + inst[named], kind="stable")
        at = named[order]
        p, i = person[order], inst[at]
        d = lines.day[idx[at]].view(I64)
        n_days = lines.days(idx[at]).astype(I64)
        lo = int(d.min())
        reach = np.where(n_days > 0, d + n_days + STAY_SLACK_DAYS, d) - lo  # ≥ 0
        run_first = np.ones(len(at), dtype=bool)
        run_first[1:] = (p[1:] != p[:-1]) | (i[1:] != i[:-1])
        run = run_number(run_first)
        span = int(reach.max()) + 1
        latest = np.maximum.accumulate(run * span + reach) - run * span  # within each run
        before = np.empty(len(at), I64)
        before[1:] = latest[:-1]
        # joins the stay so far whatever its own days: a break leaves every earlier reach
        # before this date, so the admissions are runs and a joiner takes the run's first line
        joins = (d - lo <= before) & ~run_first
        group[at] = at[np.flatnonzero(~joins)][run_number(~joins)]  # the admission's first line
    if keys.any():
        group = join_keyed(group, keys)
    elif (group == np.arange(m)).all():
        return None
    return group


def admission_units(lines: SortedLines, sub: np.ndarray) -> np.ndarray | None:
    """The admission number of each inpatient line ``sub`` (sorted positions); None when
    each line is its own admission."""
    adm = admissions(lines)
    if adm is None or adm.by_line is None:
        return None
    return adm.by_line[sub].astype(I64)


def stay_days(lines: SortedLines) -> np.ndarray | None:
    """총 입원일수 per admission number: ``|∪ [date, date + 입원일수)|`` over all its 입원
    lines (days covered, not Σ 입원일수: overlapping lines count their days once; a line
    without 입원일수 adds none). None when each inpatient line is one of its own."""
    adm = admissions(lines)
    if adm is None:
        return None
    number = adm.number.astype(I64)
    start = lines.day[adm.idx].view(I64)
    end = start + np.maximum(lines.days(adm.idx).astype(I64), 0)
    return covered_days(number, start, end, int(number.max()) + 1)


def cap_groups(p: np.ndarray, unit: np.ndarray, limit: np.ndarray | int) -> np.ndarray:
    """The cut of each line when the lines of one ``unit`` may pay at most a limit together:
    ``max(0, Σp − L)`` per unit, shared over its lines by ``p`` (largest remainders, ties to
    the earlier line). ``limit`` per line: L is the unit's first line's. Lines are in sorted
    order; ``unit`` any ids."""
    order = np.argsort(unit, kind="stable")
    u = unit[order]
    starts = np.flatnonzero(group_firsts(u))
    po = p[order]
    total = np.add.reduceat(po, starts)
    lim = np.broadcast_to(limit, p.shape)[order]
    cap = lim[starts]
    over = np.maximum(total - cap, 0)
    cut = np.zeros(len(p), I64)
    if over.any():
        cut[order] = largest_remainder(over, po, u)
    return cut


def _day_firsts(lines: SortedLines, at: np.ndarray) -> np.ndarray:
    """True where a new person–day starts among sorted lines ``at`` (ascending)."""
    first = np.ones(len(at), dtype=bool)
    p, d = lines.person[at], lines.day[at]
    first[1:] = (p[1:] != p[:-1]) | (d[1:] != d[:-1])
    return first


def _shared_days(lines: SortedLines, at: np.ndarray) -> np.ndarray:
    """Positions in ``at`` (sorted lines, ascending) of the lines whose person–day holds
    another of them."""
    first = _day_firsts(lines, at)
    size = np.diff(np.append(np.flatnonzero(first), len(at)))
    return np.flatnonzero(np.repeat(size > 1, size))


def act_groups(lines: SortedLines, idx: np.ndarray) -> np.ndarray | None:
    """The act of each line ``idx`` (sorted positions) when injections are taken per visit:
    외래 lines by 통원 (:func:`.visits.visits` of 외래 by institution: person, day and
    institution, a blank name alone, 방문묶음 joining, 진료과 splitting), inpatient lines by
    admission, a 약국 line alone. None when every line is an act of its own."""
    m = len(idx)
    setting = lines.setting[idx]
    group = np.arange(m, dtype=I64)
    alone = True
    out = np.flatnonzero(setting == OUT)
    if len(out) > 1 and _names_given(lines):  # else each 외래 line is a 통원 of its own
        shared = _shared_days(lines, idx[out])
        if not len(shared):
            pass  # no two on one person–day: each its own 통원
        elif "visit" in lines.given or "department" in lines.given:
            # a key may join through other lines, a 진료과 split one: the 통원 as built
            v = visits(lines, "outpatient", "institution")
            if v is not None and len(v.starts) < len(v.idx):
                number = np.full(lines.n, -1, I64)
                number[v.idx] = v.number
                group[out] = m + number[idx[out]]
                alone = False
        else:  # person–day and 병원명 of the lines that share a day; a blank name alone
            at = out[shared]
            inst = _text_codes(lines, "institution", idx[at])
            pday = run_number(_day_firsts(lines, idx[at]))
            named = inst > 0
            if named.any():
                key = pday * (int(inst.max()) + 1) + inst
                group[at[named]] = m + key[named]
                alone = False
    inp = np.flatnonzero(setting == IN)
    if len(inp) > 1:
        adm = admission_units(lines, idx[inp])
        if adm is not None:
            group[inp] = -1 - adm  # apart from the 통원 numbers (≥ m) and the lines (< m)
            alone = False
    return None if alone else group  # 약국 lines: each its own number
