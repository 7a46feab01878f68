"""Sharing whole won among lines: largest remainders, visit steps, the 급여/비급여 split.

**Largest remainders.** ``total`` is shared among lines in proportion to a weight: each line
gets ``⌊total × w ÷ W⌋``, then the won left over go one each to the lines with the largest
remainders (ties: the earlier line). The shares add up to ``total`` exactly.

**Visit steps.** Where a combined visit's amounts are split back onto its lines, each step's
amount (deductible, rate part, visit cap cut, count cut) is shared in proportion to what is
left on each line after the steps before it; what is left at the end is the line's payout.

**급여/비급여 split.** A part that pools both in one deductible (1–3세대 주계약) pays line
payout p for 급여 C and 비급여 N; its 비급여 share is p × N ÷ (C + N) rounded to the nearest
won, a half going to 급여: ``⌊(2 p N + C + N − 1) ÷ (2 (C + N))⌋``.
"""

from __future__ import annotations

import numpy as np

from .lines import I64, empty_rows, gather, group_firsts, nonzero_at, run_number, zero_rows

__all__ = ["add_nonzero", "largest_remainder", "pooled_noncovered", "share_steps"]


_EXACT_PRODUCT = 2.0**62
"""Below this bound (with margin for float rounding) ``total × weight`` fits int64."""


def largest_remainder(total: np.ndarray, weight: np.ndarray, unit: np.ndarray) -> np.ndarray:
    """Share ``total[u]`` among lines of unit u in proportion to ``weight`` (exact ints).

    floor(total × w / W) each, then one more won to the lines with the largest remainders
    (ties: earlier line first). Lines of a unit are contiguous; 0 ≤ share ≤ weight when
    total ≤ W.
    """
    n = len(weight)
    if n == 0 or not total.any():
        return np.zeros(n, I64)
    first = group_firsts(unit)
    return _by_groups(total, weight, np.flatnonzero(first), run_number(first))


def _by_groups(
    total: np.ndarray, weight: np.ndarray, starts: np.ndarray, idx: np.ndarray
) -> np.ndarray:
    """:func:`largest_remainder` with the units given as ``starts`` (where each begins) and
    ``idx`` (each line's unit, numbered 0, 1, …). A unit whose total is 0 gets 0 on each
    line (⌊0 × w ÷ W⌋ with no remainder), so it may be left in."""
    wsum = np.add.reduceat(weight, starts)
    safe = np.maximum(wsum, 1)[idx]  # W of each line's unit (1 where W = 0: total is 0)
    t_of = total[idx]
    if float(t_of.max()) * float(weight.max()) < _EXACT_PRODUCT:
        num = t_of * weight
        share, rem = np.divmod(num, safe)
    else:  # total × w could pass 2⁶³ (a visit of several lines near 10억원): Python ints
        num_o = t_of.astype(object) * weight.astype(object)
        share = (num_o // safe.astype(object)).astype(I64)  # ≤ total
        rem = (num_o % safe.astype(object)).astype(I64)  # < W
    left = total - np.add.reduceat(share, starts)
    if not left.any():
        return share
    short = left[idx]  # the won each line's unit has left to give
    one = np.flatnonzero(short == 1)
    if len(one):
        _one_to_the_largest(share, rem, idx, one)
    lines = np.flatnonzero(short > 1)
    if not len(lines):
        return share
    ordr = lines[_unit_then_descending(idx[lines], rem[lines])]
    grp = idx[ordr]
    run = group_firsts(grp)
    pos = np.arange(len(ordr))
    rank = pos - np.maximum.accumulate(np.where(run, pos, 0))
    share[ordr] += rank < left[grp]
    return share


def _one_to_the_largest(
    share: np.ndarray, rem: np.ndarray, unit: np.ndarray, lines: np.ndarray
) -> None:
    """``share += 1`` on the line of the largest remainder ``rem`` of each unit (ties: the
    earlier line) among ``lines`` (every line, in order, of units with one won left): what
    the ranking by :func:`_unit_then_descending` gives a unit short by one, without a sort
    (most shared visits are two lines, short by 0 or 1 won)."""
    u, r = unit[lines], rem[lines]
    first = group_firsts(u)
    starts = np.flatnonzero(first)
    top = np.maximum.reduceat(r, starts)
    best = np.flatnonzero(r == np.repeat(top, np.diff(starts, append=len(r))))
    share[lines[np.compress(group_firsts(u[best]), best)]] += 1


def _unit_then_descending(unit: np.ndarray, value: np.ndarray) -> np.ndarray:
    """Stable order by ``unit`` (≥ 0), then ``value`` (≥ 0) descending; ties keep line order.

    One stable argsort of ``unit × span + (span − 1 − value)`` (nearly sorted, so fast);
    ``lexsort`` when that key would not fit in int64.
    """
    span = int(value.max()) + 1
    if (int(unit.max()) + 1) * span < 2**62:
        return np.argsort(unit * span + (span - 1 - value), kind="stable")
    return np.lexsort((-value, unit))


def share_steps(
    steps: list[np.ndarray],
    targets: tuple[np.ndarray, ...],
    u_left: np.ndarray,
    claim: np.ndarray,
    unit: np.ndarray,
    starts: np.ndarray,
    idx: np.ndarray,
    payout: np.ndarray,
) -> None:
    """Share each visit-level step over the visit's lines, by what is left on each (waterfall),
    and add each line's share into ``targets[k]`` at its sorted position ``idx``; what is
    left on each line (its payout) goes to ``payout[idx]``.

    ``claim``: what each sorted line claims, the weight (every line ``idx`` claims something:
    a line with nothing to claim takes nothing and is left out by the caller); ``unit``
    numbers the visits of lines ``idx`` 0, 1, … and ``starts`` is where each begins. The
    only line of a visit takes the visit's steps and ``u_left`` (its payout);
    the lines of a shared visit take each step in turn by :func:`largest_remainder` of what
    is left on them.

    Speed: the adds go straight into the targets (``np.add.at``, no per-step line array);
    a step that is 0 on most visits touches only their lines; visits of two lines (most
    shared visits) are shared by a closed form on their two lines (:func:`_pair_shares`).
    """
    m = len(idx)
    if len(starts) == m:  # one line per visit
        for target, step in zip(targets, steps, strict=True):
            add_nonzero(target, idx, step)
        payout[idx] = u_left
        return
    size = np.empty(len(starts), I64)  # lines per visit
    np.subtract(starts[1:], starts[:-1], out=size[:-1])
    size[-1] = m - starts[-1]
    sub = _lines_of_shared_visits(starts, size)
    idx_sub = idx[sub]  # the sorted positions of the shared visits' lines
    shares, rest = _waterfall(steps, claim[idx_sub], unit, sub)
    line: np.ndarray | None = None  # one scratch line array, reused step after step
    for target, step, share in zip(targets, steps, shares, strict=True):
        nonzero = np.count_nonzero(step)
        if not nonzero:
            continue
        if nonzero * 8 < len(step):  # few visits: add at their lines alone
            live = nonzero_at(step)
            live = np.compress(size[live] == 1, live)
            np.add.at(target, idx[starts[live]], step[live])
            if len(sub):
                add_nonzero(target, idx_sub, share)
            continue
        line = gather(step, unit, out=line)
        line[sub] = share
        np.add.at(target, idx, line)
    line = gather(u_left, unit, out=line)
    line[sub] = rest
    payout[idx] = line


def add_nonzero(target: np.ndarray, idx: np.ndarray, values: np.ndarray) -> None:
    """``target[idx] += values`` (distinct ``idx``), touching only the nonzero values when
    they are few (a mostly-zero detail column then keeps its untouched, zeroed pages)."""
    nonzero = np.count_nonzero(values)
    if nonzero * 8 < len(values):
        if nonzero:
            live = nonzero_at(values)
            np.add.at(target, idx[live], values[live])
    else:
        np.add.at(target, idx, values)


def _waterfall(
    steps: list[np.ndarray],
    weight: np.ndarray,
    unit: np.ndarray,
    sub: np.ndarray,
    pairs: bool = True,
) -> tuple[list[np.ndarray], np.ndarray]:
    """On the lines ``sub`` of shared visits (``weight``: what each claims): each step's
    share per line, in turn by :func:`largest_remainder` of what is left on them, and what
    is left at the end. ``pairs``: visits of two lines (most shared visits) take each step
    by :func:`_pair_shares`, the others as before (False: every visit as before)."""
    rest = weight.copy()
    shares = []
    if not len(sub):
        return [rest[:0]] * len(steps), rest
    sub_unit = unit[sub]
    first = group_firsts(sub_unit)
    units = np.compress(first, sub_unit)
    starts = np.flatnonzero(first)
    if pairs:
        got = _with_pairs(steps, rest, sub_unit, units, starts)
        if got is not None:
            return got, rest
    local = run_number(first)
    for step in steps:
        per_unit = step[units]
        live_unit = per_unit > 0
        live_units = np.count_nonzero(live_unit)
        if not live_units:
            shares.append(np.zeros(len(sub), I64))
            continue
        if live_units * 2 >= len(units):  # most visits: all of them (0 shares 0), no gathers
            share = _by_groups(per_unit, rest, starts, local)
        else:
            share = np.zeros(len(sub), I64)
            live = np.flatnonzero(live_unit[local])
            share[live] = largest_remainder(
                np.compress(live_unit, per_unit), rest[live], sub_unit[live]
            )
        rest -= share
        shares.append(share)
    return shares, rest


def _with_pairs(
    steps: list[np.ndarray],
    rest: np.ndarray,
    sub_unit: np.ndarray,
    units: np.ndarray,
    starts: np.ndarray,
) -> list[np.ndarray] | None:
    """:func:`_waterfall`'s shares with the two-line visits taken apart (:func:`_pair_shares`
    on their first and second lines, no grouping) and the other visits by the general
    waterfall; ``rest`` is updated in place. None (``rest`` untouched) when fewer than half
    the visits are pairs, or a product could pass int64 (the general way takes Python ints)."""
    size = np.diff(starts, append=len(sub_unit))
    two = size == 2
    if np.count_nonzero(two) * 2 < len(starts):
        return None
    a = np.compress(two, starts)
    b = a + 1
    of_pairs = np.compress(two, units)
    # each step's total per pair, the shares and _pair_shares' work: rows of three blocks,
    # not some twenty arrays (fewer fresh-page faults, see lines.zero_rows)
    per_pair = zero_rows(len(steps), len(a))
    for row, step in zip(per_pair, steps, strict=True):
        if step.strides[0] == 0 and not step[:1].any():  # a view of one 0: no gather
            continue
        if step.dtype == I64:
            gather(step, of_pairs, out=row)
        else:
            row[:] = step[of_pairs]
    if float(max(int(t.max()) for t in per_pair)) * float(rest.max()) >= _EXACT_PRODUCT:
        return None
    other = np.flatnonzero(~two[run_number(group_firsts(sub_unit))])  # lines of the others
    if len(other):
        o_shares, o_rest = _waterfall(
            steps, rest[other], sub_unit, other, pairs=False
        )  # sub_unit numbers their visits; ``unit`` of the lines is sub_unit[other]
    wa, wb = rest[a], rest[b]
    shares = zero_rows(len(per_pair), len(rest))
    work = empty_rows(5, len(a))
    for k, (total, share) in enumerate(zip(per_pair, shares, strict=True)):
        if total.any():
            sa, sb = _pair_shares(total, wa, wb, work)
            share[a], share[b] = sa, sb
            wa -= sa
            wb -= sb
        if len(other):
            share[other] = o_shares[k]
    rest[a], rest[b] = wa, wb
    if len(other):
        rest[other] = o_rest
    return shares


def _pair_shares(
    total: np.ndarray, wa: np.ndarray, wb: np.ndarray, work: list[np.ndarray] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`largest_remainder` of ``total`` over visits of two lines weighing ``wa`` and
    ``wb``: ``⌊T × w ÷ W⌋`` each (W = wa + wb, 1 where 0), then the won left over one each
    to the larger remainder first (ties: the first line), at most one per line.

    ``work``: five int64 arrays as long as ``total`` to compute in (the shares returned are
    two of them, valid until the next call with the same ``work``), else new ones."""
    w = empty_rows(5, len(total)) if work is None else work
    safe = np.add(wa, wb, out=w[0])
    np.maximum(safe, 1, out=safe)
    sa, ra = np.divmod(np.multiply(total, wa, out=w[1]), safe, out=(w[1], w[2]))
    sb, rb = np.divmod(np.multiply(total, wb, out=w[3]), safe, out=(w[3], w[4]))
    left = np.subtract(total, sa, out=w[0])  # W is read no more
    left -= sb
    two = left >= 2
    one = left == 1
    sa += two | (one & (ra >= rb))
    sb += two | (one & (rb > ra))
    return sa, sb


def _lines_of_shared_visits(starts: np.ndarray, size: np.ndarray) -> np.ndarray:
    """Positions of the lines that belong to a visit of two or more lines (``starts``: where
    each visit begins, ``size``: its number of lines), built from those visits alone."""
    shared = np.flatnonzero(size > 1)
    size = size[shared]
    offset = np.repeat(starts[shared] - (np.cumsum(size) - size), size)
    return offset + np.arange(len(offset))


def pooled_noncovered(p: np.ndarray, cov: np.ndarray, non: np.ndarray) -> np.ndarray:
    """비급여 share of payouts ``p`` of a part pooling 급여 ``cov`` and 비급여 ``non``:
    ⌊(2 p N + W − 1) ÷ 2W⌋ with W = C + N (p × N ÷ W rounded, a half to 급여; 0 when W = 0).

    Exact in int64: p ≤ W ≤ 3 × money.MAX_LINE_WON and N ≤ MAX_LINE_WON, so 2 p N < 2⁶³.
    """
    w = cov + non
    safe = np.maximum(w, 1)
    return np.where(w > 0, (2 * p * non + safe - 1) // (2 * safe), 0)
