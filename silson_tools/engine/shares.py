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

from .lines import I64, group_firsts

__all__ = ["largest_remainder", "pooled_noncovered", "share_steps"]


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
    starts = np.flatnonzero(first)
    wsum = np.add.reduceat(weight, starts)
    idx = np.cumsum(first) - 1
    w_of = wsum[idx]
    t_of = total[idx]
    safe = np.where(w_of == 0, 1, w_of)
    num = t_of * weight
    share = num // safe
    rem = num % safe
    left = total - np.add.reduceat(share, starts)
    if not left.any():
        return share
    lines = np.flatnonzero((left > 0)[idx])
    ordr = lines[_unit_then_descending(idx[lines], rem[lines])]
    grp = idx[ordr]
    run = group_firsts(grp)
    pos = np.arange(len(ordr))
    rank = pos - np.maximum.accumulate(np.where(run, pos, 0))
    share[ordr] += rank < left[grp]
    return share


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
    u_left: np.ndarray,
    weight: np.ndarray,
    unit: np.ndarray,
    starts: np.ndarray,
) -> tuple[list[np.ndarray | None], np.ndarray]:
    """Share each visit-level step over the visit's lines, by what is left on each (waterfall).

    Every line has ``weight > 0`` (a line with nothing to claim takes nothing and is left
    out by the caller); ``unit`` numbers the visits 0, 1, … and ``starts`` is where each
    begins. The only line of a visit takes the visit's steps and ``u_left`` (its payout);
    the lines of a shared visit take each step in turn by :func:`largest_remainder` of what
    is left on them. Returns the per-line steps (None for a step that is 0 on every visit)
    and what is left on each line (the payout).
    """
    m = len(weight)
    if len(starts) == m:  # one line per visit
        return [step if step.any() else None for step in steps], u_left
    out = [_on_first_lines(step, unit, starts, m) for step in steps]
    left = u_left[unit]
    sub = _lines_of_shared_visits(starts, m)
    if len(sub):
        sub_unit = unit[sub]
        first = group_firsts(sub_unit)
        units = sub_unit[first]
        local = np.cumsum(first) - 1
        rest = weight[sub]
        for k, step in enumerate(steps):
            line_step = out[k]
            if line_step is None:
                continue
            per_unit = step[units]
            live_unit = per_unit > 0
            share = np.zeros(len(sub), I64)
            if live_unit.any():
                live = np.flatnonzero(live_unit[local])
                share[live] = largest_remainder(per_unit[live_unit], rest[live], sub_unit[live])
                rest -= share
            line_step[sub] = share
        left[sub] = rest
    return out, left


def _on_first_lines(
    step: np.ndarray, unit: np.ndarray, starts: np.ndarray, m: int
) -> np.ndarray | None:
    """A visit-level step on each line of its visit (None where it is 0 on every visit);
    a step that is 0 on most visits is written only on the first lines of the others (the
    lines of shared visits are overwritten by their shares)."""
    live = np.flatnonzero(step)
    if not len(live):
        return None
    if len(live) * 8 >= len(step):
        return step[unit]
    line = np.zeros(m, I64)
    line[starts[live]] = step[live]
    return line


def _lines_of_shared_visits(starts: np.ndarray, m: int) -> np.ndarray:
    """Positions of the lines that belong to a visit of two or more lines (``starts``: where
    each visit begins among ``m`` lines), built from those visits alone."""
    size = np.diff(starts, append=m)
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
