"""The engine's shortcuts give what the general path gives.

Each shortcut (a validated ReceiptLines read without a second validation, a person–day taken
as the visit when no line names an institution or a visit key, the row order restored from
the few nonzero values of a sparse column, Arrow text factorized by Arrow, output columns
in recycled memory, a one-sided claim without its zeros, a count that no person-year can
reach, a waterfall step over all shared visits, a zone maximum without zero columns) is
compared with the path it replaces, on data where both apply.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from stays_apart import kept_positions

from silson_tools import assess, assess_many
from silson_tools.catalog import load_policy
from silson_tools.engine import DETAIL_COLUMNS
from silson_tools.engine.assess import assess_detail, assess_lines
from silson_tools.engine.deductibles import split_claim
from silson_tools.engine.inputs import read_lines
from silson_tools.engine.limits import cap_then_count, yearly_number
from silson_tools.engine.lines import LineDetail, sort_order
from silson_tools.engine.output import _constant, detail_columns
from silson_tools.engine.shares import _waterfall, largest_remainder
from silson_tools.engine.visits import _by_first_line
from silson_tools.engine.zones import ZONE_CODES, zone_codes
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
    """No 병원명 anywhere: every 외래 and 입원 line naming one and the same institution groups
    alike (the 입원 lines that one name would make bill the same days twice left out:
    refused). 약국 lines stay unnamed: a 약국 line's 병원명 names its prescriber, whose tier
    it then takes, which a blank name does not say."""
    one_name = frame.assign(
        institution=np.where(frame["setting"].to_numpy() == "pharmacy", "", "A의원")
    )
    keep = kept_positions(one_name.to_dict("records"))
    unnamed = frame.drop(columns=["institution"]).iloc[keep].reset_index(drop=True)
    one_name = one_name.iloc[keep].reset_index(drop=True)
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


# --- fewer fresh arrays: each shortcut against the path it replaces --------------------------


def _sorted_and_result(frame: pd.DataFrame, policy: str) -> tuple:
    pol = load_policy(policy)
    lines = read_lines(frame, pol)
    return lines, assess_lines(lines, pol.for_contract(lines.start), None)


@pytest.mark.parametrize("order", ["shuffled", "sorted"])
def test_output_columns_in_recycled_memory_equal_fresh_ones(
    frame: pd.DataFrame, order: str
) -> None:
    """detail_columns(consume=True) puts each column back into the memory of one already put
    back; the columns equal those of the fresh path (consume=False), and the memory really
    is the sorted results' (so the test can see a wrong reuse)."""
    rows = frame.sample(frac=1.0, random_state=11)
    rows["over_ceiling"] = np.where(np.arange(len(rows)) % 9 == 0, rows["covered_copay"] // 3, 0)
    if order == "sorted":
        rows = rows.sort_values(["person", "date"], kind="stable")
    lines, result = _sorted_and_result(rows, "gen4")
    want = detail_columns(lines, result, rows.index)
    lines, result = _sorted_and_result(rows, "gen4")
    own = {"payout": result.payout, "deductible": result.detail.deductible}
    own["rate_part"] = result.detail.rate_part
    got = detail_columns(lines, result, rows.index, consume=True)
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    shared = {
        (c, name)
        for c in got.columns[:-5]
        for name, a in own.items()
        if np.shares_memory(got[c].to_numpy(), a)
    }
    if order == "sorted":  # read in order: the sorted columns are the output's, none reused
        assert shared == {(name, name) for name in own}
    else:  # each column went into the memory of one put back before it
        assert shared and all(c != name for c, name in shared)
    assert (got["ceiling_offset"] > 0).any() and (got["visit_cap_cut"] > 0).any()


def test_blank_text_column_is_what_pandas_makes_of_a_blank() -> None:
    for n in (0, 1, 7):
        made = pd.DataFrame({"x": np.zeros(n)})
        made["x"] = ""
        got = _constant("", n)
        assert type(got) is type(made["x"].array) and got.dtype == made["x"].dtype
        pd.testing.assert_series_equal(pd.Series(got, name="x"), made["x"], check_exact=True)


@pytest.mark.parametrize("form", ["max", "additive"])
def test_split_claim_of_one_side_equals_it_with_zeros_on_the_other(form: str) -> None:
    rng = np.random.default_rng(2)
    c = rng.integers(0, 300_000, 2_000)
    minimum = rng.choice([0, 10_000, 30_000], 2_000)
    nhi = rng.integers(1, 1_000_000, 2_000)
    zeros = np.zeros(2_000, np.int64)
    for kw in ({}, {"nhi_ppm": nhi}) if form == "max" else ({},):
        want = split_claim(c, zeros, 200_000, 300_000, minimum, form, **kw)
        for got in (split_claim(c, 0, 200_000, 300_000, minimum, form, **kw),):
            assert all((g == w).all() for g, w in zip(got, want, strict=True))
        want = split_claim(zeros, c, 200_000, 300_000, minimum, form, **kw)
        got = split_claim(0, c, 200_000, 300_000, minimum, form, **kw)
        assert all((g == w).all() for g, w in zip(got, want, strict=True))
        assert (got[0] + got[1] + got[2] == c).all() and got[1].any()


class _Count:
    """A yearly count in force on every day (the ``Param.on`` that cap_then_count reads)."""

    def __init__(self, value: int) -> None:
        self.value = value

    def on(self, day: np.ndarray) -> int:
        return self.value


@pytest.mark.parametrize("count", [1, 5, 40])
def test_count_is_skipped_only_when_no_group_can_reach_it(count: int) -> None:
    """The yearly count numbers rows only when some person-year holds more rows than the
    count; the result equals numbering every row (the path it replaces)."""
    rng = np.random.default_rng(count)
    gid = np.sort(rng.integers(0, 400, 3_000))
    day = np.datetime64("2024-01-01") + np.zeros(3_000, "m8[D]")
    payout = rng.integers(0, 3, 3_000) * 10_000
    capped, cut, over = cap_then_count(payout, None, _Count(count), gid, day, True)
    k = np.flatnonzero(payout > 0)
    k = k[np.lexsort((k, -payout[k], gid[k]))]  # one day: the larger payout numbered first
    want = np.zeros(3_000, dtype=bool)
    want[k] = yearly_number(gid[k]) > count
    assert (over == want).all() and (cut == np.where(want, payout, 0)).all()
    assert (capped == payout).all() and want.any() == (count < 40)


@pytest.mark.parametrize("live_share", [0.05, 0.5, 0.95])
def test_waterfall_over_all_visits_equals_it_over_the_live_ones(live_share: float) -> None:
    """A step shared over every shared visit (those without it share 0) equals the step
    shared over the visits that have it alone (the path it replaces)."""
    rng = np.random.default_rng(int(live_share * 100))
    size = rng.integers(2, 5, 500)
    unit = np.repeat(np.arange(500), size)
    sub = np.arange(len(unit))
    weight = rng.integers(0, 50_000, len(unit))
    left = np.add.reduceat(weight, np.flatnonzero(np.r_[True, unit[1:] != unit[:-1]]))
    steps = []
    for _ in range(3):
        part = (left * rng.random(500) * 0.4).astype(np.int64)
        part[rng.random(500) > live_share] = 0
        left = left - part
        steps.append(part)
    shares, rest = _waterfall(steps, weight, unit, sub)
    want_rest = weight.copy()
    for step, share in zip(steps, shares, strict=True):
        live_unit = step > 0
        want = np.zeros(len(sub), np.int64)
        live = np.flatnonzero(live_unit[unit])
        want[live] = largest_remainder(step[live_unit], want_rest[live], unit[live])
        want_rest -= want
        assert (share == want).all()
    assert (rest == want_rest).all() and (rest >= 0).all()


def test_zone_maximum_without_zero_columns_equals_the_full_maximum() -> None:
    rng = np.random.default_rng(4)
    n = 5_000
    detail = LineDetail.zeros(n)
    detail.deductible[:] = rng.integers(0, 4, n) * 1000
    detail.rate_part[:] = rng.integers(0, 4, n) * 1000
    detail.visit_cap_cut[::50] = 1
    for excluded, offset in [
        (np.zeros(n, np.int64), np.zeros(n, np.int64)),
        (rng.integers(0, 4, n) * 1000, rng.integers(0, 4, n) * 1000),
    ]:
        top = np.maximum(
            np.maximum(np.maximum(excluded, detail.deductible), detail.rate_part), offset
        )
        code = {name: i for i, name in enumerate(ZONE_CODES)}
        want = np.full(n, code["ceiling_offset"], np.int8)
        want[detail.rate_part == top] = code["rate"]
        want[detail.deductible == top] = code["deductible"]
        if excluded.any():
            want[excluded == top] = code["excluded"]
        want[top == 0] = code["rate"]
        want[detail.visit_cap_cut > 0] = code["visit_cap"]
        assert (zone_codes(excluded, offset, detail) == want).all()


@pytest.mark.parametrize("spread", [3, 50, 100_000])
def test_visits_by_first_line_equal_factorize_then_stable_sort(spread: int) -> None:
    """Each visit's lines together, visits in the order of their first line: one stable sort
    by key and one by first line give pd.factorize's numbering and its stable sort."""
    rng = np.random.default_rng(spread)
    day = np.sort(rng.integers(0, 2_000, 20_000))
    group = day * 1_000 + rng.integers(0, spread, 20_000) % 1_000
    order, first = _by_first_line(group)
    number = pd.factorize(group)[0]
    want = np.argsort(number, kind="stable")
    assert (order == want).all()
    assert (first == np.r_[True, number[want][1:] != number[want][:-1]]).all()
    assert not (group[1:] >= group[:-1]).all()  # the case that needs the reordering
