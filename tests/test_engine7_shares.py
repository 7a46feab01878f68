"""Largest remainders without a sort where a unit is short by one won, and nonzero positions
read through a bool mask, give what the general ways give.

``_ranked`` below is the general sharing (every unit with won left over ranked by one
sort); the engine now ranks only units short by two or more, and gives a unit short by one
its won at the largest remainder directly.
"""

from __future__ import annotations

import numpy as np
import pytest

from silson_tools.engine.lines import I64, group_firsts, nonzero_at, run_number, zeros_view
from silson_tools.engine.shares import _by_groups, _unit_then_descending, largest_remainder


def _ranked(total: np.ndarray, weight: np.ndarray, starts: np.ndarray, idx: np.ndarray):
    """The general way: floor shares, then one won each to the lines of largest remainder
    by one sort of every unit with won left over (ties: the earlier line)."""
    wsum = np.add.reduceat(weight, starts)
    safe = np.maximum(wsum, 1)[idx]
    num_o = total[idx].astype(object) * weight.astype(object)
    share = (num_o // safe.astype(object)).astype(I64)
    rem = (num_o % safe.astype(object)).astype(I64)
    left = total - np.add.reduceat(share, starts)
    lines = np.flatnonzero((left > 0)[idx])
    if not len(lines):
        return share
    ordr = lines[_unit_then_descending(idx[lines], rem[lines])]
    grp = idx[ordr]
    run = group_firsts(grp)
    pos = np.arange(len(ordr))
    rank = pos - np.maximum.accumulate(np.where(run, pos, 0))
    share[ordr] += rank < left[grp]
    return share


def _units(rng: np.random.Generator, sizes: np.ndarray, weights: str):
    n = int(sizes.sum())
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.intp)
    idx = np.repeat(np.arange(len(sizes)), sizes)
    if weights == "ties":  # equal weights: equal remainders, ties to the earlier line
        weight = np.full(n, 3, I64)
    elif weights == "zeros":  # some lines, and some whole units, weigh 0
        weight = rng.integers(0, 4, n) * rng.integers(0, 50_000, n)
    elif weights == "huge":  # total × weight past 2⁶³: Python ints
        weight = rng.integers(10**9, 3 * 10**9, n)
    else:
        weight = rng.integers(1, 200_000, n)
    wsum = np.add.reduceat(weight, starts)
    total = (wsum * rng.random(len(sizes))).astype(I64)  # 0 ≤ total ≤ W
    total[rng.random(len(sizes)) < 0.2] = 0
    if weights == "huge":
        total = np.maximum(total, 10**10)  # may exceed W: only the arithmetic is compared
    return total, weight.astype(I64), starts, idx


@pytest.mark.parametrize("weights", ["random", "ties", "zeros", "huge"])
@pytest.mark.parametrize("sizes", ["pairs", "mixed", "one unit"])
def test_shares_equal_the_ranked_way(weights: str, sizes: str) -> None:
    rng = np.random.default_rng(hash((weights, sizes)) % 2**32)
    if sizes == "pairs":
        size = np.full(3_000, 2)
    elif sizes == "mixed":
        size = rng.choice([1, 2, 3, 4, 7], 3_000, p=[0.2, 0.5, 0.2, 0.08, 0.02])
    else:
        size = np.array([9])
    total, weight, starts, idx = _units(rng, size, weights)
    want = _ranked(total, weight, starts, idx)
    got = _by_groups(total, weight, starts, idx)
    np.testing.assert_array_equal(got, want)
    if weights != "huge":
        np.testing.assert_array_equal(np.add.reduceat(got, starts), total)
    short = total - np.add.reduceat(
        (
            total[idx].astype(object)
            * weight.astype(object)
            // np.maximum(np.add.reduceat(weight, starts), 1)[idx].astype(object)
        ).astype(I64),
        starts,
    )
    assert (short == 1).any() or sizes == "one unit"  # the shortcut was taken


def test_largest_remainder_of_two_line_units_by_hand() -> None:
    # 10 won over weights 1, 1: 5 and 5; 7 won over 1, 1: 3.5 each, the earlier line gets 4;
    # 7 won over 1, 2: 2.33 and 4.67, the larger remainder (the second) gets the won
    total = np.array([10, 7, 7], I64)
    weight = np.array([1, 1, 1, 1, 1, 2], I64)
    unit = np.repeat(np.arange(3), 2)
    np.testing.assert_array_equal(
        largest_remainder(total, weight, unit), np.array([5, 5, 4, 3, 2, 5], I64)
    )


@pytest.mark.parametrize(
    "a",
    [
        np.array([0, 3, 0, -2, 0, 0, 7], I64),
        np.zeros(5, I64),
        np.array([True, False, True]),
        zeros_view(6),
        np.arange(-3, 4, dtype=np.int8),
        np.array([0.0, np.nan, -0.0, 2.5]),
        np.zeros(0, I64),
    ],
)
def test_nonzero_at_is_flatnonzero(a: np.ndarray) -> None:
    np.testing.assert_array_equal(nonzero_at(a), np.flatnonzero(a))
    assert nonzero_at(a).dtype == np.flatnonzero(a).dtype


def test_run_number_and_group_firsts_agree() -> None:  # the shortcut relies on both
    unit = np.array([0, 0, 1, 2, 2, 2, 5])
    np.testing.assert_array_equal(run_number(group_firsts(unit)), [0, 0, 1, 2, 2, 2, 3])
