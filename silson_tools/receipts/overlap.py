"""입원 lines that bill the same days twice: two lines of one stay whose periods overlap.

An 입원 line bills the days ``[date, date + 입원일수)`` (its 진료일자 is the first day billed,
입원일수 the number of days: 7/1–7/14 is 14일). One person is in one hospital bed at a time, and
실손 pays the 의료비 of a stay once, so two lines of one person at one institution whose
periods overlap bill the same days twice, unless they are parts of one receipt. The usual
cause is a cumulative 퇴원 receipt (진료기간 from the 입원일, its ⑨ 이미 납부한 금액 = the 중간
receipt's total) entered beside the 중간 receipt it includes; the engine would join the two
into one admission and add their amounts and days (admissions.py).

**Rule.** Two 입원 lines are refused, each naming the other, when all of these hold:

1. same person, and the same institution as the engine groups them (병원명 by
   :func:`~.crosscheck.institution_key`: NFKC, no spaces); a line without 병원명 is an
   admission of its own to the engine, so it is compared only with lines of its 방문묶음 key
   (when it has one) and otherwise not at all;
2. the same 항목 (category code; 일반 and a blank 항목 are one): lines of other 항목 inside a
   stay bill other things for those days (a 상급병실 line for 2 of 10 days, a 도수치료 or
   주사 line during the stay);
3. both have 입원일수 ≥ 1 (a line without 입원일수 is a bill inside a stay or of one day);
4. not the same 진료일자 *and* the same 입원일수 (one receipt split into lines: 급여 and 비급여,
   or 일반 and 상급병실 as the README tells users — those have the same period);
5. the periods share at least two days: ``min(end₁, end₂) − max(date₁, date₂) ≥ 2`` with
   ``end = date + 입원일수``. One shared day is allowed: a 퇴원 receipt that counts the 중간
   receipt's last day again, or a readmission on the day of discharge (the engine's own
   one-day slack when it joins stays).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd

from ..schema import STAY_SLACK_DAYS
from .groups import SMALL, codes_by_value

if TYPE_CHECKING:
    from .validate import Problems

__all__ = ["SHARED_DAYS_ALLOWED", "overlapping_stays"]

SHARED_DAYS_ALLOWED: Final = STAY_SLACK_DAYS
"""Days two 입원 lines of one stay may share (the discharge/readmission day)."""

I64: Final = np.int64


def _group_codes(
    codes: Mapping[str, tuple[np.ndarray, tuple[str, ...]]], at: np.ndarray
) -> np.ndarray:
    """Per line ``at``: its institution group (> 0), or 0 when the engine takes it alone.
    A named line groups by :func:`~.crosscheck.institution_key`; an unnamed one by its
    방문묶음 key (numbered after the names)."""
    from .crosscheck import institution_key

    group = np.zeros(len(at), I64)
    if "institution" in codes:
        code, names = codes["institution"]
        keys = [institution_key(n) if isinstance(n, str) else "" for n in names]
        if len(keys) < SMALL:  # every key is a str: a dict, no pandas set-up
            key_code, key_list = codes_by_value([*keys, ""])
            blank = np.array([k == "" for k in key_list], dtype=bool)
        else:
            key_code, key_names = pd.factorize(pd.Series([*keys, ""], dtype=object))
            blank = np.asarray(key_names == "", dtype=bool)
        number = np.where(blank[key_code], 0, key_code + 1).astype(I64)
        group = number[np.asarray(code)[at]]  # code −1 (missing): the last entry, blank
    if "visit" in codes:
        code, names = codes["visit"]
        blank_key = np.array([not (isinstance(n, str) and n.strip()) for n in names] + [True])
        vcode = np.asarray(code)[at]
        keyed = (group == 0) & ~blank_key[vcode]
        offset = int(group.max(initial=0)) + 1
        group = np.where(keyed, offset + vcode, group)
    return group


def overlapping_stays(
    out: Mapping[str, Any],
    codes: Mapping[str, tuple[np.ndarray, tuple[str, ...]]],
    refs: Mapping[str, str],
    ok: np.ndarray,
    inpatient: np.ndarray,
    problems: Problems,
) -> None:
    """Refuse the pairs of 입원 lines that bill the same days twice (the module's rule), on
    lines whose cells each parsed (``ok``). Each line of a pair gets a problem at its
    입원일수 cell naming the other line's row, date and days."""
    if "days" not in refs or not ("institution" in codes or "visit" in codes):
        return
    days = np.asarray(out["days"])
    at = np.flatnonzero((days > 0) & inpatient & ok)
    if len(at) < 2:
        return
    group = _group_codes(codes, at)
    named = group > 0
    at, group = at[named], group[named]
    if len(at) < 2:
        return
    person = np.asarray(codes["person"][0])[at].astype(I64)
    category = np.asarray(codes["category"][0])[at].astype(I64)
    start = np.asarray(out["date"])[at].astype("datetime64[D]").astype(I64)
    n_days = days[at].astype(I64)
    end = start + n_days
    # one int64 key: (person, institution, 항목) as a run number, then date, then days;
    # a stable sort keeps file order among equal keys
    combo = (person * (int(group.max()) + 1) + group) * (int(category.max()) + 1) + category
    run_of = pd.factorize(combo)[0].astype(I64)
    lo_day, n_max = int(start.min()), int(n_days.max()) + 1
    within = (start - lo_day) * n_max + n_days
    order = np.argsort(run_of * (int(within.max()) + 1) + within, kind="stable")
    p, g, c = person[order], group[order], category[order]
    s, e = start[order], end[order]
    first = np.ones(len(order), dtype=bool)  # the first line of each person–institution–항목
    first[1:] = (p[1:] != p[:-1]) | (g[1:] != g[:-1]) | (c[1:] != c[:-1])
    twin = np.zeros(len(order), dtype=bool)  # same date and days as the line before: one receipt
    twin[1:] = ~first[1:] & (s[1:] == s[:-1]) & (e[1:] == e[:-1])
    # the latest end among the earlier lines of the run (a twin's is its receipt's own end)
    run = np.cumsum(first) - 1
    lo = int(e.min())
    span = int(e.max()) - lo + 1
    latest = np.maximum.accumulate(run * span + (e - lo)) - run * span + lo
    before = np.full(len(order), np.iinfo(I64).min, I64)
    before[1:] = latest[:-1]
    shared = np.minimum(before, e) - s
    suspect = np.flatnonzero(~first & ~twin & (shared > SHARED_DAYS_ALLOWED))
    if not len(suspect):
        return
    ref = refs["days"]
    run_start = np.flatnonzero(first)
    for k in suspect.tolist():
        # the earlier line of the run ending last (not a twin of this one)
        earlier = np.arange(int(run_start[run[k]]), k)
        earlier = earlier[~((s[earlier] == s[k]) & (e[earlier] == e[k]))]
        if not len(earlier):
            continue
        m = int(earlier[np.argmax(e[earlier])])
        both = int(min(e[m], e[k]) - s[k])
        if both <= SHARED_DAYS_ALLOWED:
            continue
        i, j = int(at[order[k]]), int(at[order[m]])
        problems.at(
            [i],
            ref,
            out["days"],
            _expected(problems, j, s[m], n_days[order[m]], s[k], n_days[order[k]], both),
        )
        problems.at(
            [j],
            ref,
            out["days"],
            _expected(problems, i, s[k], n_days[order[k]], s[m], n_days[order[m]], both),
        )


def _day(number: int) -> str:
    return str(np.datetime64(int(number), "D"))


def _expected(problems: Problems, other: int, other_start: int, other_days: int,
              start: int, n_days: int, shared: int) -> str:  # fmt: skip
    """What a line of an overlapping pair is told: both periods, the days they share, and
    what to do."""
    row = int(problems.rows[other])
    own = f"{_day(start)}–{_day(start + n_days - 1)} ({n_days}일)"
    theirs = f"{_day(other_start)}–{_day(other_start + other_days - 1)} ({other_days}일)"
    return (
        f"한 사람·한 병원의 입원 기간은 겹치지 않습니다: 이 줄의 {own}과 {row}행의 {theirs}이 "
        f"{shared}일 겹쳐 그 날들의 진료비가 두 번 계산됩니다. 퇴원 영수증이 중간 영수증의 기간을 "
        "포함하면(같은 입원일부터, 이미 납부한 금액 = 중간 영수증 금액) 중간 영수증 줄을 지우세요; "
        "한 영수증을 여러 줄로 나눴으면 줄마다 같은 진료일자·입원일수를 적고, 다른 입원이면 "
        "날짜·입원일수를 고치세요 (one person's stays at one institution do not overlap: this "
        f"line's stay and row {row}'s share {shared} days, billed twice. If the discharge "
        "receipt covers the interim one — same first day, its 이미 납부한 금액 = the interim "
        "receipt — delete the interim line; lines split from one receipt carry the same date "
        "and 입원일수; otherwise fix the date or 입원일수)"
    )
