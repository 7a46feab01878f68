"""The output frame built in one step, and a contract's policy made once, give what the
column-by-column frame and the policy reduced on every call give.

``assess`` used to insert each missing optional column into a shallow copy of the receipts
(``frame[col] = value``), drop the columns the detail replaces, then join the detail;
:func:`_column_by_column` below does exactly that, and the tests compare every column,
dtype, index, column label and attribute, and whether a column can be written to.
"""

from __future__ import annotations

import datetime as dt
import gc
import weakref

import numpy as np
import pandas as pd
import pytest

from silson_tools import product_model
from silson_tools.catalog import load_policy
from silson_tools.engine.assess import _assessed, assess, assess_detail
from silson_tools.engine.output import (
    _constant,
    detail_columns,
    detail_frame,
    with_optional_columns,
)
from silson_tools.receipts import as_receipt_lines
from silson_tools.schema import OPTIONAL_COLUMNS

KOREAN = {
    "person": "이름",
    "date": "진료일",
    "setting": "진료구분",
    "tier": "요양기관종류",
    "covered_copay": "본인부담금",
    "noncovered": "비급여",
    "days": "입원일수",
    "institution": "병원명",
}


def _frame(n: int = 40, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    setting = rng.choice(["outpatient", "pharmacy", "inpatient"], n, p=[0.6, 0.3, 0.1])
    tier = np.where(setting == "pharmacy", "pharmacy", rng.choice(["clinic", "hospital"], n))
    return pd.DataFrame(
        {
            "person": rng.choice(["가", "나", "다"], n),
            "date": np.datetime64("2024-01-01") + rng.integers(0, 60, n).astype("timedelta64[D]"),
            "setting": setting,
            "tier": tier,
            "covered_copay": rng.integers(0, 90_000, n),
            "noncovered": rng.integers(0, 50_000, n) * (rng.random(n) < 0.5),
            "days": np.where(setting == "inpatient", 1, 0),
            "institution": np.where(setting == "inpatient", [f"H{i}" for i in range(n)], ""),
        },
        index=pd.RangeIndex(n)[::-1] + 100,
    )


def _column_by_column(receipts: pd.DataFrame, checked, added: pd.DataFrame) -> pd.DataFrame:
    """The way the output was built before: each missing optional column inserted, then the
    replaced columns dropped and the detail joined."""
    out = receipts.copy(deep=False)
    given = set(checked.given_columns) if checked is not None else set()
    for col, default in OPTIONAL_COLUMNS.items():
        if col not in out.columns:
            if checked is not None and col in given:
                out[col] = checked[col].to_numpy()
            else:
                out[col] = _constant(default, len(out))
    names = list(added.columns)
    return pd.concat([out.drop(columns=[c for c in names if c in out.columns]), added], axis=1)


def _same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(got, want, check_exact=True, check_flags=True)
    pd.testing.assert_index_equal(got.columns, want.columns, exact=True)
    pd.testing.assert_index_equal(got.index, want.index, exact=True)
    assert got.attrs == want.attrs
    for col in got.columns:
        a, b = got[col].array, want[col].array
        assert type(a) is type(b), col
        if isinstance(a, pd.arrays.NumpyExtensionArray):
            assert a.to_numpy().flags.writeable == b.to_numpy().flags.writeable, col


def _cases() -> dict[str, pd.DataFrame]:
    plain = _frame()
    korean = plain.rename(columns=KOREAN)
    with_detail = plain.assign(payout=7, zone="x", memo="m")  # replaced, and kept
    full = plain.assign(
        full_copay=0,
        nhis_paid=0,
        over_ceiling=0,
        category="",
        visit="",
        severe=False,
        diagnosis="",
        due_date="",
    )
    attrs = plain.copy()
    attrs.attrs["source"] = "test"
    return {
        "canonical": plain,
        "korean": korean,
        "detail-named columns": with_detail,
        "every optional column": full,
        "attrs": attrs,
        "one line": plain.iloc[:1],
        "no lines": plain.iloc[:0],
    }


@pytest.mark.parametrize("name", list(_cases()))
def test_output_in_one_step_equals_column_by_column(name: str) -> None:
    receipts = _cases()[name]
    policy = load_policy("gen4")
    lines, result = _assessed(receipts, policy, "2024-01-01", None, False)
    checked = lines.receipts.lines  # the ReceiptLines, as the old way read it
    added = detail_columns(lines, result, receipts.index)
    want = _column_by_column(receipts, checked, added)
    lines, result = _assessed(receipts, policy, "2024-01-01", None, False)
    _same(detail_frame(receipts, lines, result, consume=True), want)
    _same(assess(receipts, policy, "2024-01-01"), want)


@pytest.mark.parametrize("name", ["canonical", "korean", "every optional column", "no lines"])
def test_with_optional_columns_equals_column_by_column(name: str) -> None:
    receipts = _cases()[name]
    checked = as_receipt_lines(receipts)
    empty = pd.DataFrame(index=receipts.index)
    want = _column_by_column(receipts, checked, empty)
    _same(with_optional_columns(receipts, checked), want)
    _same(with_optional_columns(receipts, None), _column_by_column(receipts, None, empty))


def test_a_column_from_another_header_is_a_writeable_copy() -> None:
    """``frame[col] = values`` copied the validated values; the one-step frame must too, or
    a user's ``out.loc[i, 'days'] = …`` would fail on a read-only array."""
    receipts = _cases()["korean"]
    out = assess(receipts, "gen4", "2024-01-01")
    assert "days" in out.columns and "입원일수" in out.columns
    out.loc[out.index[0], "days"] = 99
    assert out["days"].iloc[0] == 99
    assert receipts["입원일수"].iloc[0] != 99  # the input is not changed


def test_records_and_a_mapping_are_assessed_as_their_frame() -> None:
    """A list of records or a mapping of columns (what ``as_receipt_lines`` accepts) is
    assessed as ``pd.DataFrame`` of it; the output used to fail on ``.copy``."""
    frame = _frame(12).reset_index(drop=True)
    want = assess(frame, "gen4")
    _same(assess(frame.to_dict("records"), "gen4"), want)
    _same(assess(frame.to_dict("list"), "gen4"), want)
    pd.testing.assert_frame_equal(
        assess_detail(frame.to_dict("records"), "gen4"), assess_detail(frame, "gen4")
    )


# --- Policy.for_contract, made once per policy and day ----------------------------------


@pytest.mark.parametrize("name", ["gen1", "gen2", "gen3", "gen4", "gen5", "gen3-choice2"])
def test_for_contract_equals_the_policy_reduced_each_time(name: str) -> None:
    policy = load_policy(name)
    for day in ["2009-10-01", "2017-04-01", "2021-07-01", "2024-12-31", "2027-01-01"]:
        want = policy._reduced(day)
        got = policy.for_contract(day)
        assert got == want
        assert got.parameters() == want.parameters()
        assert policy.for_contract(np.datetime64(day)) is got  # made once
        assert policy.for_contract(dt.date.fromisoformat(day)) is got


def test_for_contract_tells_days_and_policies_apart() -> None:
    gen4 = load_policy("gen4")
    early, late = gen4.for_contract("2021-07-01"), gen4.for_contract("2030-01-01")
    assert early is not late
    assert early == gen4._reduced("2021-07-01") and late == gen4._reduced("2030-01-01")
    other = gen4.at_any_date()  # another object, equal parts
    assert other.for_contract("2021-07-01") is not early
    assert other.for_contract("2021-07-01").any_date


def test_for_contract_ignores_an_entry_of_an_object_that_is_gone() -> None:
    """An id may be reused once its object is gone: the weak reference must be checked."""
    gen4 = load_policy("gen4")
    gone = gen4.at_any_date()
    key = (id(gen4), np.datetime64("2022-02-02", "D"))
    stale = gone._reduced("2022-02-02")
    ref = weakref.ref(gone)
    product_model._CONTRACTS[key] = (ref, stale)  # as if an object at gen4's id had gone
    del gone
    gc.collect()
    assert ref() is None
    got = gen4.for_contract("2022-02-02")
    assert got is not stale and not got.any_date
    assert got == gen4._reduced("2022-02-02")


def test_for_contract_keeps_a_bounded_number() -> None:
    gen4 = load_policy("gen4")
    for k in range(product_model._CONTRACTS_KEPT + 10):
        gen4.for_contract(np.datetime64("2022-01-01") + np.timedelta64(k, "D"))
    assert len(product_model._CONTRACTS) == product_model._CONTRACTS_KEPT


def test_for_contract_refuses_what_is_not_a_date_as_before() -> None:
    with pytest.raises((TypeError, ValueError)):
        load_policy("gen4").for_contract("not a date")


# --- one policy year: the year's first day on every line, the zone put back alone -------


@pytest.mark.parametrize("order", ["shuffled", "sorted"])
@pytest.mark.parametrize("start", [None, "2023-07-01"])
def test_policy_year_and_zone_of_one_year_equal_the_lookup(order: str, start: str | None) -> None:
    from silson_tools.dates import policy_year_index, year_starts
    from silson_tools.engine.assess import assess_lines
    from silson_tools.engine.inputs import read_lines
    from silson_tools.engine.output import _policy_year, _Recycled, _zone_and_policy_year

    frame = _frame(400).reset_index(drop=True)
    if order == "shuffled":
        frame = frame.sample(frac=1.0, random_state=5)
    else:
        frame = frame.sort_values(["person", "date"], kind="stable")
    pol = load_policy("gen4")
    lines = read_lines(frame, pol, start)
    result = assess_lines(lines, pol.for_contract(lines.start), None)
    assert lines.identity == (order == "sorted")
    day = frame["date"].to_numpy().astype("datetime64[D]")
    want_year = year_starts(lines.start, policy_year_index(day, lines.start))
    assert len(np.unique(want_year)) == 1  # one policy year
    want_zone = np.empty_like(result.zone)
    want_zone[lines.order] = result.zone
    zone, year = _zone_and_policy_year(lines, result.zone, _Recycled(lines, ()))
    np.testing.assert_array_equal(zone, want_zone)
    np.testing.assert_array_equal(year, want_year)
    assert year.dtype == want_year.dtype and zone.dtype == result.zone.dtype
    np.testing.assert_array_equal(_policy_year(lines, _Recycled(lines, ())), want_year)
