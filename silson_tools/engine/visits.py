"""Steps 3–6 for visit parts (주계약, 급여/비급여 특약): inpatient lines and outpatient visits.

**Inpatient** (입원): each line is one claim: self-pay by the rate (and a tier minimum where
the rule has one), then the yearly self-pay cap (연간 자기부담 한도, :mod:`.limits`), then
the per-admission cap (입원 1건당 한도) on the tiers it names, over the lines of one admission
(:mod:`.admissions`: an interim and a discharge receipt of one stay are one), its cut shared
back by what each line pays.

**Outpatient visits and prescriptions** (통원, 처방조제): a visit is one line, or with
``combine_same_day`` (4/5세대) a group of a person's outpatient and pharmacy lines of one
day, with the highest minimum among its tiers; the outpatient rule's ``visit_unit`` (product
data) says which group: ``institution`` (표준약관: 외래 and its 처방조제 at one institution
are one 통원, same-purpose visits of a day are one; :func:`institution_visits`) or ``day``
(all of the day: 5세대 특약2 「1일당」). Without it, outpatient and pharmacy lines are visits
of two kinds, each with its own rule. Per visit: the deductible and rate on the visit's summed
amounts (:mod:`.deductibles`; 5세대's NHI rate term over all of the visit's ① and ②), the
per-visit cap (통원 회당 한도) → ``visit_cap_cut``, the yearly visit count → ``count_cut``
(with ``count_basis`` ``paid`` only visits that pay something after the cap use up a count).
A visit's steps are then shared back onto its lines by what is left on each
(:func:`.shares.share_steps`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from ..catalog import Part, SettingRule
from ..receipts.crosscheck import institution_key
from .deductibles import nhi_rate_ppm, rate_ppm, split_claim, tier_min, visit_min
from .limits import cap_then_count, selfpay_cap
from .lines import (
    I64,
    OUT,
    PH,
    TIER_CODES,
    LineDetail,
    PerLine,
    SortedLines,
    group_firsts,
    run_number,
    zeros_view,
)
from .shares import add_nonzero, share_steps

__all__ = ["Visits", "pharmacy_alone", "visit_part", "visits"]


@dataclass
class Visits:
    """Outpatient/pharmacy lines grouped into visits (built once per kind and shared)."""

    member: np.ndarray
    """Per line: True when the line belongs to one of these visits."""
    number: np.ndarray
    """Per member line (in ``idx`` order): the number of its visit."""
    day: np.ndarray
    gid: np.ndarray
    tiers: np.ndarray
    """Per visit: date, person–policy-year group, and bit t set when a line of tier t is in it."""
    idx: np.ndarray
    starts: np.ndarray
    """Positions of the member lines, and where each visit starts among them."""


def visits(lines: SortedLines, which: str, unit: str) -> Visits | None:
    """Outpatient (``which`` = outpatient), pharmacy, or ``both`` kinds of lines as visits;
    None when there are none. ``unit``: ``line`` (one visit per line), ``day`` (a person's
    lines of one day) or ``institution`` (:func:`institution_visits`).
    """
    key = (which, unit)
    if key in lines.visits:
        return lines.visits[key]
    if which == "both":
        mask = (lines.setting == OUT) | (lines.setting == PH)
    else:
        mask = lines.setting == (OUT if which == "outpatient" else PH)
    idx = np.flatnonzero(mask)
    found = None
    if len(idx):
        first = np.ones(len(idx), dtype=bool)
        alone = which == "outpatient"  # 외래 on its own (1–3세대): an unnamed line is one 통원
        named = None
        tier = None  # each line's tier for its visit's minimum, where not its own
        if unit == "institution" and alone and _names_given(lines):
            person, d = lines.person[idx], lines.day[idx]
            first[1:] = (person[1:] != person[:-1]) | (d[1:] != d[:-1])
            got = institution_visits(lines, idx, run_number(first), blank_alone=True)
            named = None if got is None else got[0]
            first[:] = True
        if named is not None:
            order, first = _by_first_line(named)
            idx = idx[order]
        elif unit == "line" or (unit == "institution" and alone):
            group = keyed_lines(lines, idx)  # each line, or the lines sharing a visit key
            if group is not None:
                order, first = _by_first_line(group)
                idx = idx[order]
        else:
            person, d = lines.person[idx], lines.day[idx]
            first[1:] = (person[1:] != person[:-1]) | (d[1:] != d[:-1])
            group = None
            if unit == "institution" and _names_given(lines):
                got = institution_visits(lines, idx, run_number(first))
                if got is not None:
                    group, tier = got
            if group is not None:
                if (group[1:] >= group[:-1]).all():  # each visit's lines together already
                    first[1:] = group[1:] != group[:-1]
                else:  # visits numbered by their first line, each visit's lines together
                    order, first = _by_first_line(group)
                    idx = idx[order]
                    tier = None if tier is None else tier[order]
        starts = np.flatnonzero(first)
        number = run_number(first)
        line_tier = lines.tier[idx] if tier is None else tier
        bits = _tier_bits((1 << line_tier).astype(np.int8), starts, number)
        at = idx[starts]
        found = Visits(mask, number, lines.day[at], lines.gid[at], bits, idx, starts)
    lines.visits[key] = found
    return found


def _tier_bits(bit: np.ndarray, starts: np.ndarray, number: np.ndarray) -> np.ndarray:
    """Each visit's tiers, ``np.bitwise_or.reduceat(bit, starts)`` (``number``: each line's
    visit, non-decreasing): the first line's bit, ORed with those of the visit's later lines
    in one ``np.bitwise_or.at``. Most visits are one line, and ``reduceat`` pays for every
    visit."""
    bits = np.take(bit, starts)
    later = np.flatnonzero(number[1:] == number[:-1]) + 1
    if len(later):
        np.bitwise_or.at(bits, number[later], bit[later])
    return bits


def _by_first_line(group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(order, first): the lines' positions with each group's lines together, groups in the
    order of their first line and lines in their own order (``pd.factorize`` numbering then
    a stable sort, without hashing), and True where a group starts in that order.

    One stable sort by key finds each line's group's first line (keys are nearly in order:
    a person–day's, then the next's); a stable sort by that first line gives the order."""
    by_key = np.argsort(group, kind="stable")
    first_of_key = group_firsts(group[by_key])
    starts = np.flatnonzero(first_of_key)
    first_line = np.empty(len(group), np.intp)
    first_line[by_key] = np.repeat(by_key[starts], np.diff(starts, append=len(group)))
    order = np.argsort(first_line, kind="stable")
    return order, group_firsts(first_line[order])


def _text_codes(lines: SortedLines, column: str, idx: np.ndarray) -> np.ndarray:
    """A free-text receipt column on sorted lines ``idx`` as codes: 0 = blank, 1, 2 … a text
    (equal texts, equal codes; a 병원명 by :func:`~..receipts.crosscheck.institution_key`, so
    ``가나 의원`` and full-width ``가나의원`` are one). Reads the codes validation made where
    it kept them."""
    rec = lines.receipts
    if rec is None or column not in lines.given:
        return np.zeros(len(idx), I64)
    rows = idx if lines.identity else lines.order[idx]
    coded = rec.text_codes(column)
    if coded is not None:
        code, names = coded
        return _name_table(names, column)[code[rows]]
    text = np.asarray(rec.values(column), dtype=object)[rows]
    codes, names = pd.factorize(text)
    return _name_table(tuple(names), column)[codes]


def _name_table(names: tuple[str, ...] | list[str], column: str) -> np.ndarray:
    """Code of each distinct text: 0 for blank, else 1, 2 … (병원명 by their grouping key,
    :func:`~..receipts.crosscheck.institution_key`, numbered by first appearance), and one
    more 0 at the end: pd.factorize's code −1 (a missing value) reads it. Read-only, made once
    per list of names and column: one ``assess`` reads the 병원명 codes for its 통원, its
    admissions and its 주사 acts, each a key per distinct name (100,000 names: about 0.15 s
    each time)."""
    return _name_table_of(tuple(names), column)


@lru_cache(maxsize=8)
def _name_table_of(names: tuple[str, ...], column: str) -> np.ndarray:
    """:func:`_name_table` (cached by the names and the column)."""
    text = pd.Series(list(names), dtype=object)
    if column == "institution":
        keys = [institution_key(n) if isinstance(n, str) else "" for n in names]
        text = pd.Series(keys, dtype=object)
        codes = pd.factorize(text)[0].astype(I64) + 1
    else:
        codes = np.arange(1, len(names) + 1, dtype=I64)
    blank = (text == "").to_numpy() | text.isna().to_numpy()
    table = np.append(np.where(blank, 0, codes), 0)
    table.flags.writeable = False
    return table


def _names_given(lines: SortedLines) -> bool:
    """True when the receipts had an ``institution``, a ``visit`` or a ``department`` column
    (else every line's is blank, and :func:`institution_visits` has nothing to group by)."""
    return lines.receipts is not None and bool(
        {"institution", "visit", "department"} & set(lines.given)
    )


def institution_visits(
    lines: SortedLines, idx: np.ndarray, pday: np.ndarray, blank_alone: bool = False
) -> tuple[np.ndarray, np.ndarray | None] | None:
    """(the visit key of each outpatient/pharmacy line ``idx``, the tier each line brings to
    its visit's minimum or None for the lines' own) in sorted order (``pday``: the
    person–day number of each) when a 통원 is one institution's 외래 and its 처방조제:

    1. 외래 lines: one visit per person, day, ``institution`` (blank = one more institution,
       so a day without names is one visit, as before institutions counted) and treatment
       purpose (:func:`_purposes`: two 방문묶음 keys, or two 진료과, are two purposes —
       「하루에 같은 치료를 목적으로」 2회 이상 is one 통원, another purpose another).
       With ``blank_alone`` (외래 on its own, 1–3세대) a line without a name is a visit of
       its own instead: two unnamed lines of a day may be two institutions, and those
       products never joined them.
    2. A 약국 line joins the 외래 visit of its person and day whose ``institution`` it names
       (the prescribing institution; the first listed where it has two that day). Naming an
       institution with 외래 lines only on other days (a prescription filled later: the
       terms join 「같은 날」's 외래 and 처방조제), it is a visit of its own whose minimum is
       that institution's tier (the highest its 외래 lines give) when its own tier is 약국:
       「종합병원 … 외래 및 그에 따른 약국」. Else the day's 외래 visit of the highest tier
       (상급종합 > 종합 > 병원 > 의원; ties: the one listed first), which is the only one when
       there is one; with no 외래 that day, 약국 lines are visits per ``institution`` name.
    3. Lines sharing a ``visit`` key (validated: one person; one day, or a 외래 day and its
       약국 lines of later days) are one visit. The key is read only here: on 입원 lines,
       under ``visit_unit = "day"`` and in products without ``combine_same_day`` (1–3세대)
       it changes nothing but the 외래 split of 1.

    A 약국 line's own ``tier`` counts in its visit's minimum: a lone 약국 line whose receipt
    gives the prescriber's tier (종합병원, say) takes that tier's minimum, as before.

    Lines of equal key are one visit; keys never decrease from one person–day to the next.
    (:func:`visits` numbers the visits by their first line, so they run by person and date.)
    None when no line names an institution, a visit key or a 진료과: then each person–day is one
    visit (its 외래 lines are one, and its 약국 lines join them, or are one visit on a day
    without).
    """
    if not _names_given(lines):
        return None  # neither column given: no line names one (as the codes below say)
    inst = _text_codes(lines, "institution", idx)
    keys = _text_codes(lines, "visit", idx)
    if not inst.any() and not keys.any() and not _text_codes(lines, "department", idx).any():
        return None
    ph = lines.setting[idx] == PH
    m = int(inst.max()) + 1
    group = (pday * 2 + ph) * m + inst  # 외래 visits (even), 약국-only visits (odd)
    if blank_alone:  # each unnamed line a visit of its own, numbered past every other key
        unnamed = np.flatnonzero(inst == 0)
        group[unnamed] = int(group.max()) + 1 + np.arange(len(unnamed), dtype=I64)
    slot = group  # a 외래 line's person–day–institution (its own where unnamed and alone)
    purpose = _purposes(lines, idx, slot, keys, ~ph)
    if purpose is not None:
        group = _split(group, purpose)
    out = np.flatnonzero(~ph)
    tier = None
    if ph.any() and len(out):
        own = lines.tier[idx]
        og, best, best_day = _best_outpatient_visits(group[out], own[out], pday[out])
        best_of_day = np.full(int(pday[-1]) + 1, -1, I64)  # each person–day's best 외래 visit
        best_of_day[best_day] = best
        if purpose is None:  # a 외래 slot is its visit
            slots, slot_visit = og, og
        else:  # each slot's first 외래 line's visit
            by = np.argsort(slot[out], kind="stable")
            first = group_firsts(slot[out][by])
            slots, slot_visit = slot[out][by][first], group[out][by][first]
        named = np.flatnonzero(ph & (inst > 0))
        join = np.where(ph, best_of_day[pday], -1)
        if len(named):
            want = (pday[named] * 2) * m + inst[named]  # the 외래 slot it names
            at = np.minimum(np.searchsorted(slots, want), len(slots) - 1)
            hit = slots[at] == want
            join[named[hit]] = slot_visit[at[hit]]
            later = named[~hit]
            if len(later):  # a prescriber seen on another day: its own visit, its tier
                inst_tier = np.full(m, -1, I64)
                np.maximum.at(inst_tier, inst[out], own[out].astype(I64))
                known = later[inst_tier[inst[later]] >= 0]
                join[known] = -1
                moved = known[own[known] == TIER_CODES.index("pharmacy")]
                if len(moved):
                    tier = own.copy()
                    tier[moved] = inst_tier[inst[moved]]
        tied = ph & (keys > 0) & np.isin(keys, keys[~ph & (keys > 0)])
        if tied.any():  # a 약국 line whose 방문묶음 is on 외래 lines: joined by that key alone
            join[tied] = -1  # (by its name as well, it would tie two 통원 into one), at its
            if tier is not None:  # own tier: the key's 통원 is its prescriber, not the name's
                tier[tied] = own[tied]
            group = group.copy()
            group[tied] = int(group.max()) + 1 + np.arange(int(tied.sum()), dtype=I64)
        group = np.where(join >= 0, join, group)
    return join_keyed(group, keys), tier


def _purposes(
    lines: SortedLines, idx: np.ndarray, slot: np.ndarray, keys: np.ndarray, out: np.ndarray
) -> np.ndarray | None:
    """Per line: 0, or the treatment purpose that splits a 외래 line's person–day–institution
    (``slot``) into 통원: its 방문묶음 key where it has one (the person's own statement); a
    keyless line takes the one key its slot and 진료과 use, if just one, else its 진료과
    (blank: one more). None when no 외래 line has a key or a 진료과 (nothing splits).
    (A keyless line beside two keys, or a blank 진료과 beside a named one, is refused when
    the receipts are read: which visit it was is the person's to say.)"""
    dept = _text_codes(lines, "department", idx)
    o = np.flatnonzero(out)
    k, d = keys[o], dept[o]
    if not (k.any() or d.any()):
        return None
    keyed = k > 0
    eff = k
    if keyed.any() and not keyed.all():  # keyless lines: the one key of their slot and 진료과
        sd = _split(slot[o], d)  # a code per (slot, 진료과)
        pair = np.unique(np.stack([sd[keyed], k[keyed]]), axis=1)  # distinct (code, key)
        one = np.bincount(pair[0], minlength=int(sd.max()) + 1) == 1
        only = np.zeros(len(one), I64)
        lone = one[pair[0]]
        only[pair[0][lone]] = pair[1][lone]
        eff = np.where(keyed, k, only[sd])
    purpose = np.zeros(len(idx), I64)
    purpose[o] = np.where(eff > 0, eff, int(keys.max()) + 1 + d)
    return purpose


def _split(group: np.ndarray, purpose: np.ndarray) -> np.ndarray:
    """Dense numbers 0, 1, … of the (``group``, ``purpose``) pairs, in the order of the pairs
    (so in the order of ``group``)."""
    order = np.lexsort((purpose, group))
    g, p = group[order], purpose[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = (g[1:] != g[:-1]) | (p[1:] != p[:-1])
    out = np.empty(len(order), I64)
    out[order] = run_number(first)
    return out


def keyed_lines(lines: SortedLines, idx: np.ndarray) -> np.ndarray | None:
    """The visit of each line ``idx`` under ``visit_unit = "line"`` (1–3세대 처방조제: 처방전
    1건당): each line alone, but lines sharing a ``visit`` key (validated: one person–day)
    are one. None when no line has a key."""
    if lines.receipts is None or "visit" not in lines.given:
        return None
    keys = _text_codes(lines, "visit", idx)
    if not keys.any():
        return None
    return join_keyed(np.arange(len(idx), dtype=I64), keys)


def join_keyed(group: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """``group`` with the groups whose lines share a key (code > 0) joined under the smallest.

    Connected components of the groups and keys of the keyed lines, without a Python loop:
    each group node takes the smallest label among its keys' groups, then follows its label's
    label (pointer jumping), until nothing changes (a few rounds: a key joins one person–day
    or one stay). Lines of groups no key touches keep their group."""
    k = np.flatnonzero(keys)
    if not len(k):
        return group
    nodes, node_of = np.unique(group[k], return_inverse=True)  # the groups keys touch
    key_codes, key_of = np.unique(keys[k], return_inverse=True)
    label = np.arange(len(nodes))  # a node's smallest known node of its component
    while True:
        key_min = np.full(len(key_codes), len(nodes))
        np.minimum.at(key_min, key_of, label[node_of])
        new = label.copy()
        np.minimum.at(new, node_of, key_min[key_of])
        new = new[new]
        if (new == label).all():
            break
        label = new
    if (label == np.arange(len(nodes))).all():
        return group
    at = np.minimum(np.searchsorted(nodes, group), len(nodes) - 1)
    touched = nodes[at] == group
    out = group.copy()
    out[touched] = nodes[label[at[touched]]]
    return out


def _best_outpatient_visits(
    group: np.ndarray, tier: np.ndarray, pday: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(the distinct 외래 visit keys, sorted; each person–day's best of them; its
    person–day): the visit of the highest tier, ties to the one whose first line comes first
    (``group``: the key of each 외래 line in line order, keys ordered by person–day;
    ``pday``: each line's person–day)."""
    order = np.argsort(group, kind="stable")
    ordered = group[order]
    starts = np.flatnonzero(group_firsts(ordered))
    og = ordered[starts]
    top = np.maximum.reduceat(tier[order], starts).astype(I64)
    score = top * len(group) + (len(group) - 1 - order[starts])  # higher tier, then earlier
    days = pday[order[starts]]
    day_first = group_firsts(days)
    high = np.maximum.reduceat(score, np.flatnonzero(day_first))
    best = score == high[run_number(day_first)]
    return og, og[best], days[best]


def visit_part(
    lines: SortedLines,
    part: Part,
    a_cov: np.ndarray | None,
    a_non: np.ndarray | None,
    combine: bool,
    detail: LineDetail,
    paid_only: bool = True,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """Deductible, rate, self-pay cap, caps and counts of a visit part → payout per line
    before the yearly limit. ``a_cov``/``a_non``: the part's 급여/비급여 amount on each line
    (None: the part takes none). ``paid_only``: only visits that pay something before the
    count cut use up the yearly count (``count_basis = "paid"``), else every visit with an
    amount. ``out``: an int64 array of one per line to hold the payout (zeroed here; one
    part's, reused by the next, touches no fresh memory), else a new one."""
    if out is None:
        payout = np.zeros(lines.n, I64)
    else:
        payout = out
        payout.fill(0)
    if a_cov is None or a_non is None:
        claim = a_non if a_cov is None else a_cov
        if claim is None:
            return payout
    else:
        claim = a_cov + a_non
    _inpatient(lines, part.settings["inpatient"], a_cov, a_non, claim, payout, detail)
    out_rule = part.settings["outpatient"]
    ph_rule = part.settings.get("pharmacy")
    if combine or ph_rule is None:
        kinds = [("both", out_rule)]
    else:
        kinds = [("outpatient", out_rule), ("pharmacy", ph_rule)]
    for which, rule in kinds:
        v = visits(lines, which, rule.visit_unit)
        if v is not None:
            _visits_of_kind(lines, v, rule, a_cov, a_non, claim, payout, detail, paid_only)
    return payout


def _on_lines(a: np.ndarray | None, idx: np.ndarray, starts: np.ndarray | None = None) -> PerLine:
    """``a`` on lines ``idx`` (summed per visit when ``starts`` is given); 0 when ``a`` is None
    (the part takes no such amount)."""
    if a is None:
        return 0
    return a[idx] if starts is None else np.add.reduceat(a[idx], starts)


def _inpatient(
    lines: SortedLines,
    rule: SettingRule,
    a_cov: np.ndarray | None,
    a_non: np.ndarray | None,
    claim: np.ndarray,
    payout: np.ndarray,
    detail: LineDetail,
) -> None:
    """Inpatient lines with something to claim, one claim each → ``payout`` and ``detail``."""
    idx = lines.inpatient_at
    idx = np.compress(claim[idx] > 0, idx)  # those with something to claim
    if not len(idx):
        return
    d = lines.day[idx]
    tier = lines.tier[idx]
    p, dd, rr = split_claim(
        _on_lines(a_cov, idx),
        _on_lines(a_non, idx),
        rate_ppm(rule, "rate_covered", d),
        rate_ppm(rule, "rate_noncovered", d),
        tier_min(rule, tier, d),
        rule.form,
    )
    cap = rule.get("selfpay_cap")  # 연간 자기부담 한도, on the tiers it names (all if none)
    if cap is not None and rule.selfpay_cap_tiers:
        on = np.flatnonzero(np.isin(tier, [TIER_CODES.index(t) for t in rule.selfpay_cap_tiers]))
        got = selfpay_cap(p[on], dd[on], rr[on], lines.gid[idx[on]], cap.on(d[on]))
        if got[3] is not None:
            p, dd, rr = p.copy(), dd.copy(), rr.copy()
            p[on], dd[on], rr[on] = got[:3]
            add_nonzero(detail.selfpay_cap_refund, idx[on], got[3])
    elif cap is not None:
        p, dd, rr, back = selfpay_cap(p, dd, rr, lines.gid[idx], cap.on(d))
        if back is not None:
            add_nonzero(detail.selfpay_cap_refund, idx, back)
    admission = rule.get("admission_cap")  # 입원 건당 한도, on the tiers it names (all if none)
    if admission is not None:
        if rule.admission_cap_tiers:
            applies = np.isin(tier, [TIER_CODES.index(t) for t in rule.admission_cap_tiers])
        else:
            applies = np.ones(len(idx), dtype=bool)
        p = _admission_cap(lines, idx, p, applies, admission.on(d), detail)
    payout[idx] = p
    np.add.at(detail.deductible, idx, dd)  # distinct lines: as ``[idx] +=``, faster
    np.add.at(detail.rate_part, idx, rr)


def _admission_cap(
    lines: SortedLines,
    idx: np.ndarray,
    p: np.ndarray,
    applies: np.ndarray,
    cap: PerLine,
    detail: LineDetail,
) -> np.ndarray:
    """입원 1건당 한도 on the lines ``idx`` where ``applies``: the payouts of one admission
    (:mod:`.admissions`) are capped together, the cut shared over its lines by what each
    pays (largest remainders) → ``visit_cap_cut``; each line alone when none join."""
    from .admissions import admission_units, cap_groups  # admissions reads visits

    on = np.flatnonzero(applies)
    unit = admission_units(lines, idx[on]) if len(on) > 1 else None
    if unit is None:
        capped = np.where(applies, np.minimum(p, cap), p)
        add_nonzero(detail.visit_cap_cut, idx, p - capped)
        return capped
    cut = cap_groups(p[on], unit, cap if np.ndim(cap) == 0 else cap[on])
    add_nonzero(detail.visit_cap_cut, idx[on], cut)
    p = p.copy()
    p[on] -= cut
    return p


@dataclass
class _Claims:
    """The visits of one kind with something to claim in a part, and their lines."""

    idx: np.ndarray
    """The lines (sorted positions) with something to claim."""
    starts: np.ndarray
    """Where each visit starts among ``idx``."""
    local: np.ndarray
    """Each line's visit, numbered 0, 1, … among these visits."""
    units: np.ndarray
    """Each visit's number among all visits of the kind (an index into Visits' columns)."""
    day: np.ndarray
    cov: PerLine
    non: PerLine
    """Per visit: date, Σ 급여 and Σ 비급여 the part takes."""


def _claims(
    v: Visits, claim: np.ndarray, a_cov: np.ndarray | None, a_non: np.ndarray | None
) -> _Claims | None:
    """Group the member lines with ``claim > 0`` into their visits; None when there are none."""
    keep = (claim > 0)[v.idx]  # a gather of flags, not of amounts
    if keep.all():  # every line claims something (a 급여 part, say): the visits as built
        idx, starts, units = v.idx, v.starts, np.arange(len(v.starts))
        first = None
    else:
        # each visit's lines together (see visits); compress: a half-True mask selects ~4x
        # faster than v.idx[keep] (same elements, same order)
        idx = np.compress(keep, v.idx)
        if not len(idx):
            return None
        unit = np.compress(keep, v.number)
        first = group_firsts(unit)
        starts = np.flatnonzero(first)
        units = unit[starts]
    if len(starts) == len(idx):  # one line per visit
        cov, non, local = _on_lines(a_cov, idx), _on_lines(a_non, idx), starts
    else:
        cov, non = _on_lines(a_cov, idx, starts), _on_lines(a_non, idx, starts)
        local = v.number if first is None else run_number(first)
    return _Claims(idx, starts, local, units, v.day[units], cov, non)


def _visits_of_kind(
    lines: SortedLines,
    v: Visits,
    rule: SettingRule,
    a_cov: np.ndarray | None,
    a_non: np.ndarray | None,
    claim: np.ndarray,
    payout: np.ndarray,
    detail: LineDetail,
    paid_only: bool,
) -> None:
    """One kind of visits under ``rule``: deductible, cap, count, shared back → ``payout``."""
    c = _claims(v, claim, a_cov, a_non)
    if c is None:
        return
    idx, starts, local, units, day = c.idx, c.starts, c.local, c.units, c.day
    nhi = None
    if rule.nhi_rate:  # 건보 본인부담률 over every line of the visit
        nhi = nhi_rate_ppm(
            np.add.reduceat(lines.cc[v.idx], v.starts)[units],
            np.add.reduceat(lines.nhis[v.idx], v.starts)[units],
        )
    p, dd, rr = split_claim(
        c.cov,
        c.non,
        rate_ppm(rule, "rate_covered", day),
        rate_ppm(rule, "rate_noncovered", day),
        visit_min(rule, v.tiers[units], day),
        rule.form,
        nhi,
    )
    # the visits' summed amounts are read by no one now: their memory goes back before the
    # cap, the count and the sharing allocate theirs (a lower peak: fewer fresh pages)
    del c, nhi
    capped, count_cut, over = cap_then_count(  # 통원 회당 한도, then the yearly count
        p, rule.get("visit_cap"), rule.get("count"), v.gid[units], day, paid_only
    )
    del day
    targets = (detail.deductible, detail.rate_part, detail.visit_cap_cut, detail.count_cut)
    # the cap's cut, into p (not read again); a view of zeros when there is no cap
    cap_cut = np.subtract(p, capped, out=p) if capped is not p else zeros_view(len(p))
    share_steps(
        [dd, rr, cap_cut, count_cut],
        targets,
        capped - count_cut if over.any() else capped,  # read only
        claim,
        local,
        starts,
        idx,
        payout,
    )


def pharmacy_alone(lines: pd.DataFrame) -> np.ndarray:
    """Positions of 약국 lines (요양기관종류 약국) that the ``institution`` rule under
    ``combine_same_day`` (4·5세대) leaves alone at the 약국 tier's minimum (the 의원급 one):
    no 외래 of that person on that day to join, a 병원명 that names no institution with
    외래 lines (whose tier it would take, :func:`institution_visits`), and no 방문묶음 shared
    with a 외래 line. The prescriber may have been a 종합병원 (2만원): the report says so.
    ``lines``: receipt lines (person, date, setting, tier, institution, visit)."""
    setting = lines["setting"].to_numpy()
    ph = (setting == "pharmacy") & (lines["tier"].to_numpy() == "pharmacy")
    if not ph.any():
        return np.zeros(0, dtype=np.intp)
    out = setting == "outpatient"
    person = lines["person"].astype(str).to_numpy()
    day = np.asarray(lines["date"]).astype("datetime64[D]").astype(str)
    pday = pd.Series(person).str.cat(pd.Series(day), sep="\0").to_numpy()
    inst = np.full(len(ph), "", dtype=object)
    if "institution" in lines:  # 병원명 as lines are grouped by it, once per distinct name
        code, names = pd.factorize(lines["institution"].to_numpy(dtype=object))
        keyed = [institution_key(n) if isinstance(n, str) else "" for n in names]
        inst = np.array([*keyed, ""], dtype=object)[code]
    key = lines["visit"].to_numpy() if "visit" in lines else np.full(len(ph), "")
    alone = ph & ~np.isin(pday, pday[out])
    alone &= ~np.isin(inst, inst[out & (inst != "")])
    alone &= ~((key != "") & np.isin(key, key[out & (key != "")]))
    return np.flatnonzero(alone)
