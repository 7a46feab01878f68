"""Arrays the engine makes as the rows of one block (fewer fresh-page faults) behave as the
separate arrays they replace: zeroed, independent, recognised as the engine's own memory
only when they are, and put back in row order in their own memory like owned arrays."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from silson_tools.catalog import load_policy
from silson_tools.engine.assess import assess, assess_lines
from silson_tools.engine.inputs import read_lines
from silson_tools.engine.lines import I64, LineDetail, empty_rows, owned_row, zero_rows
from silson_tools.engine.output import _recyclable, detail_columns
from silson_tools.scale import cohort


def test_zero_rows_are_independent_zeroed_rows_of_one_block() -> None:
    rows = zero_rows(3, 5)
    assert [r.shape for r in rows] == [(5,)] * 3
    assert all(r.dtype == I64 and not r.any() for r in rows)
    assert rows[0].base is rows[1].base is rows[2].base  # one allocation
    rows[1][:] = 7  # writing one row leaves the others 0
    assert not rows[0].any() and not rows[2].any()
    assert all(owned_row(r) for r in rows)


def test_owned_row_refuses_what_the_engine_did_not_make() -> None:
    n = 6
    foreign = np.zeros((2, n), I64)  # a caller's 2-D block (pandas keeps columns so)
    row = zero_rows(2, n)[0]
    assert not owned_row(foreign[0])
    assert not owned_row(np.zeros(n, I64))  # owns itself: no base (``_recyclable`` asks that)
    assert not owned_row(row[1:])  # part of a row
    assert not owned_row(row.base)  # the block itself
    assert _recyclable(row, n)
    assert not _recyclable(foreign[0], n)
    assert _recyclable(np.zeros(n, I64), n)


def test_line_detail_takes_the_rows_it_is_given() -> None:
    rows = zero_rows(7, 4)
    detail = LineDetail.zeros(4, rows)
    assert detail.deductible is rows[0] and detail.session_no is rows[6]
    fresh = LineDetail.zeros(4)
    assert owned_row(fresh.count_cut) and fresh.count_cut.base is fresh.deductible.base


@pytest.fixture(scope="module")
def shuffled() -> pd.DataFrame:
    frame = cohort(4_000, people=40, seed=3).drop(columns=["policy", "policy_start"])
    return frame.sample(frac=1.0, random_state=5)


def test_rows_are_put_back_in_their_own_memory_and_equal_the_fresh_path(
    shuffled: pd.DataFrame,
) -> None:
    """consume=True reuses the block's rows for the returned columns (the dense ones go
    into a row already put back); the frame equals the one built without reuse."""
    pol = load_policy("gen4")
    lines = read_lines(shuffled, pol)
    want = detail_columns(
        lines, assess_lines(lines, pol.for_contract(lines.start), None), shuffled.index
    )
    lines = read_lines(shuffled, pol)
    result = assess_lines(lines, pol.for_contract(lines.start), None)
    block = result.payout.base
    assert owned_row(result.payout) and result.detail.deductible.base is block
    got = detail_columns(lines, result, shuffled.index, consume=True)
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    reused = [
        c for c in got.columns if got[c].dtype == I64 and np.shares_memory(got[c].to_numpy(), block)
    ]
    assert len(reused) >= 4, reused
    # a dense column goes into the memory of one put back before it (not a fresh row)
    assert {"rate_part", "payout", "payout_noncovered", "claim"} & set(reused), reused


def test_assess_never_writes_into_the_callers_columns(shuffled: pd.DataFrame) -> None:
    """The input is never changed, and no returned column is a view of it (a row of the
    caller's own 2-D block must not be taken for the engine's)."""
    before = shuffled.copy(deep=True)
    out = assess(shuffled, "gen4")
    pd.testing.assert_frame_equal(shuffled, before, check_exact=True)
    for c in ("payout", "deductible", "rate_part", "self_pay", "eligible"):
        for src in shuffled.columns:
            if shuffled[src].dtype == I64:
                assert not np.shares_memory(out[c].to_numpy(), shuffled[src].to_numpy())


def test_nothing_excluded_and_no_offset_are_read_only_zero_views(
    shuffled: pd.DataFrame,
) -> None:
    """No line excluded and no ⑤ (the bench frame): one read-only 0 each, no array to map;
    the output still has writeable columns of 0s and eligible = claim."""
    from silson_tools.engine.exclusions import ceiling_offset, excluded_amount, routes
    from silson_tools.engine.output import _all_zero

    pol = load_policy("gen4")
    frame = shuffled.assign(over_ceiling=0)
    lines = read_lines(frame, pol)
    pol = pol.for_contract(lines.start)
    route, _ = routes(lines, pol)
    kept = {col: np.where(r < 0, 0, r) for col, r in route.items()}  # every amount paid
    ex = excluded_amount(lines, kept)
    off = ceiling_offset(lines, kept, None)
    assert _all_zero(ex) and _all_zero(off) and not ex.flags.writeable
    assert not _all_zero(np.zeros(3, I64))  # a real array: read as any other
    assert not _all_zero(np.broadcast_to(np.ones(1, I64), (3,)))
    out = assess(frame, "gen4")
    for c in ("excluded", "ceiling_offset"):
        assert out[c].to_numpy().strides == (8,)  # a column of its own, not the view
    paid = out["excluded"] == 0
    assert (
        out.loc[paid, "eligible"] == out.loc[paid, "claim"] - out.loc[paid, "ceiling_offset"]
    ).all()


def test_sorted_columns_are_rows_of_one_block_equal_to_plain_gathers(
    shuffled: pd.DataFrame,
) -> None:
    pol = load_policy("gen4")
    lines = read_lines(shuffled, pol)
    assert not lines.identity
    checked = read_lines(shuffled.reset_index(drop=True), pol)
    order = np.lexsort((np.arange(len(shuffled)), lines.day, lines.person))
    assert (order == np.arange(len(order))).all()  # sorted by person, day, file order
    for name in ("cc", "fc", "nc"):
        got = getattr(lines, name)
        if got.strides[0]:
            assert owned_row(got), name
        np.testing.assert_array_equal(got, getattr(checked, name))
    assert owned_row(lines.gid) and owned_row(lines.order)
    assert lines.gid.base is lines.order.base
    assert (np.diff(lines.gid) >= 0).all() and lines.gid[0] == 0
    rows = empty_rows(2, 3)
    assert owned_row(rows[1]) and rows[0].base is rows[1].base
