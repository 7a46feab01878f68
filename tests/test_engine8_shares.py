"""Visits of two lines share each step without grouping (``shares._pair_shares``), and the
waterfall that takes them apart gives what the general waterfall gives.

``_waterfall(..., pairs=False)`` is the general way (every shared visit by
``largest_remainder``); the engine now takes the two-line visits, most shared visits, by a
closed form on their first and second lines.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from silson_tools.catalog import load_policy
from silson_tools.engine import shares
from silson_tools.engine.assess import assess
from silson_tools.engine.lines import I64, zeros_view
from silson_tools.engine.shares import _pair_shares, _waterfall, largest_remainder, share_steps


def _pairs_the_general_way(total: np.ndarray, wa: np.ndarray, wb: np.ndarray):
    weight = np.stack([wa, wb], axis=1).ravel()
    unit = np.repeat(np.arange(len(total)), 2)
    got = largest_remainder(total, weight, unit)
    return got[0::2], got[1::2]


@pytest.mark.parametrize("kind", ["random", "ties", "zero weights", "more than W"])
def test_pair_shares_equal_largest_remainder(kind: str) -> None:
    rng = np.random.default_rng(len(kind))
    n = 5_000
    wa, wb = rng.integers(0, 300_000, n), rng.integers(0, 300_000, n)
    if kind == "ties":  # equal remainders: the first line gets the won
        wb = wa.copy()
    if kind == "zero weights":  # W = 0: nothing by weight, one won each by rank
        wa[: n // 2] = 0
        wb[: n // 2] = 0
    total = (rng.random(n) * (wa + wb)).astype(I64)
    if kind in ("zero weights", "more than W"):
        total += rng.integers(0, 5, n)
    total[rng.random(n) < 0.2] = 0
    want = _pairs_the_general_way(total, wa, wb)
    got = _pair_shares(total, wa.copy(), wb.copy())
    np.testing.assert_array_equal(got[0], want[0])
    np.testing.assert_array_equal(got[1], want[1])


def _visits(draw_sizes: list[int], rng: np.random.Generator, steps_kind: str):
    """Shared visits of the given sizes: (steps, weight, unit, sub) as share_steps passes
    them to _waterfall, every step at most what is left of the visit's claim."""
    sizes = np.array(draw_sizes)
    unit = np.repeat(np.arange(len(sizes)), sizes)
    weight = rng.integers(0, 400_000, len(unit)).astype(I64)
    weight[rng.random(len(unit)) < 0.05] = 0
    left = np.add.reduceat(weight, np.concatenate([[0], np.cumsum(sizes)[:-1]]))
    steps = []
    for k in range(4):
        if steps_kind == "zero views" and k >= 2:
            steps.append(zeros_view(len(sizes)))
            continue
        step = (rng.random(len(sizes)) * left * (0.6 if k == 0 else 0.4)).astype(I64)
        step[rng.random(len(sizes)) < (0.9 if k >= 2 else 0.3)] = 0  # cap, count: rare
        left -= step
        steps.append(step)
    return steps, weight, unit, np.arange(len(unit))


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.sampled_from([2, 2, 2, 2, 3, 4, 7]), min_size=1, max_size=60),
    seed=st.integers(0, 2**32 - 1),
    steps_kind=st.sampled_from(["dense", "zero views"]),
)
def test_waterfall_with_pairs_equals_the_general_one(
    sizes: list[int], seed: int, steps_kind: str
) -> None:
    steps, weight, unit, sub = _visits(sizes, np.random.default_rng(seed), steps_kind)
    want_shares, want_rest = _waterfall(steps, weight, unit, sub, pairs=False)
    got_shares, got_rest = _waterfall(steps, weight, unit, sub)
    np.testing.assert_array_equal(got_rest, want_rest)
    for got, want in zip(got_shares, want_shares, strict=True):
        np.testing.assert_array_equal(got, want)


def test_waterfall_pairs_path_is_taken_and_falls_back() -> None:
    """Most visits pairs: the pair path answers; fewer than half, or a product past int64:
    it declines (None) and the general way answers, equal."""
    rng = np.random.default_rng(3)
    steps, weight, unit, sub = _visits([2] * 50 + [3] * 10, rng, "dense")
    rest = weight.copy()
    first = np.flatnonzero(np.diff(unit, prepend=-1) != 0)
    assert shares._with_pairs(steps, rest, unit, unit[first], first) is not None
    steps, weight, unit, sub = _visits([2] * 10 + [3] * 50, rng, "dense")
    first = np.flatnonzero(np.diff(unit, prepend=-1) != 0)
    assert shares._with_pairs(steps, weight.copy(), unit, unit[first], first) is None
    steps, weight, unit, sub = _visits([2] * 60, rng, "dense")
    first = np.arange(0, 120, 2)
    for base in (10**12, 4 * 10**9):  # step × weight ≈ 10²⁴, and ≈ 2 × 10¹⁹ (just past 2⁶³)
        huge = weight % 1000 * (base // 10**6) + base
        steps[0] = np.add.reduceat(huge, first) // 2
        assert shares._with_pairs(steps, huge.copy(), unit, unit[first], first) is None
        want = _waterfall(steps, huge, unit, sub, pairs=False)
        got = _waterfall(steps, huge, unit, sub)
        for g, w in zip(got[0], want[0], strict=True):
            np.testing.assert_array_equal(g, w)


def test_share_steps_targets_equal_with_and_without_pairs(monkeypatch) -> None:
    rng = np.random.default_rng(11)
    sizes = rng.choice([1, 1, 1, 2, 2, 3], 3_000)
    steps, weight, unit, _ = _visits(list(sizes), rng, "dense")
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.intp)
    idx = np.sort(rng.choice(3 * len(unit), len(unit), replace=False))
    claim = np.zeros(3 * len(unit), I64)
    claim[idx] = np.maximum(weight, 1)
    u_left = np.add.reduceat(claim[idx], starts) - sum(steps)

    def run() -> list[np.ndarray]:
        targets = tuple(np.zeros(len(claim), I64) for _ in range(4))
        payout = np.zeros(len(claim), I64)
        share_steps(steps, targets, u_left, claim, unit, starts, idx, payout)
        return [*targets, payout]

    got = run()
    general = shares._waterfall
    monkeypatch.setattr(shares, "_waterfall", lambda *a, pairs=True: general(*a, pairs=False))
    want = run()
    for g, w in zip(got, want, strict=True):
        np.testing.assert_array_equal(g, w)
    assert (sum(got) == np.where(np.isin(np.arange(len(claim)), idx), claim, 0)).all()


def test_assess_equal_with_and_without_pairs(monkeypatch) -> None:
    """gen4 and gen2 (one pooled deductible) on receipts with many same-day visits."""
    rng = np.random.default_rng(5)
    n = 6_000
    frame = pd.DataFrame(
        {
            "person": rng.integers(0, 400, n).astype(str),  # same-day visits mostly pairs
            "date": np.datetime64("2024-01-01") + rng.integers(0, 60, n).astype("timedelta64[D]"),
            "setting": rng.choice(["outpatient", "pharmacy", "inpatient"], n, p=[0.6, 0.3, 0.1]),
            "tier": rng.choice(["clinic", "hospital", "general"], n),
            "covered_copay": rng.integers(0, 90_000, n),
            "noncovered": np.where(rng.random(n) < 0.5, rng.integers(0, 400_000, n), 0),
        }
    )
    frame["days"] = np.where(frame["setting"] == "inpatient", rng.integers(1, 4, n), 0)
    frame["tier"] = np.where(frame["setting"] == "pharmacy", "pharmacy", frame["tier"])
    taken = []
    pair = shares._pair_shares
    monkeypatch.setattr(shares, "_pair_shares", lambda *a: taken.append(1) or pair(*a))
    got = {name: assess(frame, load_policy(name)) for name in ("gen4", "gen2")}
    assert taken  # the pair path ran
    general = shares._waterfall
    monkeypatch.setattr(shares, "_waterfall", lambda *a, pairs=True: general(*a, pairs=False))
    for name, out in got.items():
        pd.testing.assert_frame_equal(out, assess(frame, load_policy(name)))
