"""The engine's shortcuts give what the general path gives.

Each shortcut (a validated ReceiptLines read without a second validation, a person–day taken
as the visit when no line names an institution or a visit key, the row order restored from
the few nonzero values of a sparse column, Arrow text factorized by Arrow) is compared with
the path it replaces, on data where both apply.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from silson_tools import assess, assess_many
from silson_tools.engine import DETAIL_COLUMNS
from silson_tools.engine.assess import assess_detail
from silson_tools.engine.lines import sort_order
from silson_tools.errors import InputError
from silson_tools.receipts import as_receipt_lines
from silson_tools.scale import cohort


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    """A few hundred people over years: 외래, 약국 and 입원 lines, institutions named."""
    return cohort(6_000, people=60, seed=7).drop(columns=["policy", "policy_start"])


def test_assess_many_on_receipt_lines_equals_it_on_the_frame(frame: pd.DataFrame) -> None:
    """assess_many on validated lines zeroes ① ③ ⑤ in place of validating a copy again."""
    lines = as_receipt_lines(frame).select(np.arange(0, len(frame), 2))
    plain = pd.DataFrame(lines).reset_index(drop=True)
    policies, starts = ["gen3", "gen5"], ["2019-04-01", "2021-09-01"]
    got = assess_many(lines, policies, starts, estimate_nhis=True)
    want = assess_many(plain, policies, starts, estimate_nhis=True)
    for col in ("payout", "self_pay", "standalone_gen5", "payout_gen3", "deductible_gen5"):
        assert (got[col].to_numpy() == want[col].to_numpy()).all(), col
    assert got["payout"].sum() > 0


def test_with_zeros_keeps_lines_validated_and_refuses_what_it_cannot_keep(
    frame: pd.DataFrame,
) -> None:
    lines = as_receipt_lines(frame)
    zeroed = lines.with_zeros(["covered_copay", "full_copay", "over_ceiling"])
    assert zeroed.is_intact() and as_receipt_lines(zeroed) is zeroed
    assert (zeroed["covered_copay"] == 0).all()
    assert (zeroed["noncovered"] == lines["noncovered"]).all()
    assert (lines["covered_copay"] > 0).any()  # the original is not changed
    with pytest.raises(InputError, match="won columns"):
        lines.with_zeros(["days"])
    over = frame.assign(over_ceiling=frame["covered_copay"] // 2)
    with pytest.raises(InputError, match="over_ceiling"):
        as_receipt_lines(over).with_zeros(["covered_copay"])


def test_unnamed_visits_equal_the_person_day_grouped_by_institution(frame: pd.DataFrame) -> None:
    """No 병원명 anywhere: every line naming one and the same institution groups alike."""
    unnamed = frame.drop(columns=["institution"])
    one_name = frame.assign(institution="A의원")
    for policy in ("gen4", "gen5"):
        a = assess(unnamed, policy, estimate_nhis=True)
        b = assess(one_name, policy, estimate_nhis=True)
        for col in ("payout", "deductible", "rate_part", "count_cut", "zone"):
            assert (a[col].to_numpy() == b[col].to_numpy()).all(), (policy, col)


def test_shuffled_rows_give_each_line_what_sorted_rows_give(frame: pd.DataFrame) -> None:
    """Sparse and dense detail columns go back to row order alike: shuffled rows, and the
    same rows sorted by person and date (ties kept in the shuffled order, as the engine
    keeps them), which the engine reads without reordering."""
    shuffled = frame.sample(frac=1.0, random_state=3)
    ordered = shuffled.sort_values(["person", "date"], kind="stable")
    a = assess(ordered, "gen4").sort_index()
    b = assess(shuffled, "gen4").sort_index()
    for col in ("payout", "visit_cap_cut", "count_cut", "annual_cut", "session_no", "zone"):
        assert (a[col].to_numpy() == b[col].to_numpy()).all(), col
    assert (a["visit_cap_cut"] > 0).any() and (a["session_no"] > 0).any()


def test_arrow_text_columns_read_as_object_text(frame: pd.DataFrame) -> None:
    text = ["person", "setting", "tier", "institution", "category"]
    arrow = frame.assign(**{c: frame[c].astype("str") for c in text})
    objects = frame.assign(**{c: frame[c].astype(object) for c in text})
    a, b = as_receipt_lines(arrow), as_receipt_lines(objects)
    for c in text:
        assert a[c].tolist() == b[c].tolist(), c
    for c in ("person", "setting", "tier", "category"):
        assert (a.codes(c)[0] == b.codes(c)[0]).all() and a.codes(c)[1] == b.codes(c)[1], c


@pytest.mark.parametrize(("people", "days"), [(3, 40), (5_000, 400), (200_000, 30_000)])
def test_radix_sort_order_is_the_stable_order_by_person_and_date(people: int, days: int) -> None:
    """One, two and three 16-bit passes (keys of about 7, 21 and 33 bits) give lexsort's order."""
    rng = np.random.default_rng(people)
    person = rng.integers(0, people, 50_000).astype(np.intp)
    day = np.datetime64("1990-01-01", "D") + rng.integers(0, days, 50_000).astype("m8[D]")
    order, p, d = sort_order(person, day)
    want = np.lexsort((np.arange(len(day)), day, person))
    assert (order == want).all()
    assert (p == person[want]).all() and (d == day[want]).all()


def test_assess_detail_is_the_columns_assess_adds(frame: pd.DataFrame) -> None:
    """scale/ reads only the added columns: they equal assess's, index and dtypes too."""
    shuffled = frame.sample(frac=1.0, random_state=5)
    shuffled["nhis_paid"] = np.where(np.arange(len(frame)) % 7 == 0, 0, shuffled["nhis_paid"])
    full = assess(shuffled, "gen5", "2021-09-01", estimate_nhis=True)
    detail = assess_detail(shuffled, "gen5", "2021-09-01", estimate_nhis=True)
    assert list(detail.columns) == [*DETAIL_COLUMNS, "nhis_paid_estimate"]
    pd.testing.assert_frame_equal(detail, full[list(detail.columns)], check_exact=True)


def test_selecting_a_run_of_lines_equals_selecting_them_one_by_one(frame: pd.DataFrame) -> None:
    """A run of positions is selected as a view (scale/ runs each group so): same lines,
    rows and codes as a gather, still validated, and apart from later writes to the parent."""
    lines = as_receipt_lines(frame)
    run = lines.select(np.arange(100, 400))
    mask = np.zeros(len(lines), dtype=bool)
    mask[100:400] = True
    gathered = lines.select(np.flatnonzero(mask)[::-1]).select(np.arange(299, -1, -1))
    pd.testing.assert_frame_equal(pd.DataFrame(run), pd.DataFrame(gathered), check_exact=True)
    pd.testing.assert_frame_equal(pd.DataFrame(run), pd.DataFrame(lines).iloc[100:400])
    assert (run.rows == gathered.rows).all() and run.is_intact()
    assert (run.codes("person")[0] == gathered.codes("person")[0]).all()
    before = run["covered_copay"].to_numpy().copy()
    lines.loc[lines.index[150], "covered_copay"] = 1
    assert (run["covered_copay"].to_numpy() == before).all() and run.is_intact()
