"""The engine's arguments: what assess and assess_many accept, and the error for the rest."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import silson_tools as st
from silson_tools.ceiling import CeilingSpec
from silson_tools.engine import CeilingHook, assess, assess_many, proportional_share
from silson_tools.errors import InputError, ReceiptError


def receipts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "date": ["2024-03-04", "2024-05-10"],
            "setting": ["outpatient", "inpatient"],
            "tier": ["clinic", "general"],
            "covered_copay": [50_000, 1_000_000],
            "noncovered": [0, 200_000],
            "days": [0, 3],
        }
    )


def test_public_names_are_the_engine() -> None:
    assert st.assess is assess and st.assess_many is assess_many
    assert st.engine.assess is assess and st.dates.as_day is not None


def test_policy_start_as_text_date_or_timestamp_gives_the_same_result() -> None:
    want = assess(receipts(), "gen4", policy_start="2024-04-01")
    for start in (dt.date(2024, 4, 1), pd.Timestamp("2024-04-01"), np.datetime64("2024-04-01")):
        got = assess(receipts(), "gen4", policy_start=start)
        pd.testing.assert_frame_equal(got, want)
    assert want["excluded"].tolist() == [50_000, 0]  # the first visit is before the start


def test_ambiguous_policy_start_is_refused() -> None:
    with pytest.raises(InputError, match=r"policy_start: '24\.03\.05': expected a date"):
        assess(receipts(), "gen4", policy_start="24.03.05")


def test_ceiling_hook_is_a_protocol_ceiling_spec_satisfies() -> None:
    spec = CeilingSpec(decile=1)
    assert isinstance(spec, CeilingHook)
    offsets = spec.line_offsets(receipts())
    by_hook = assess(receipts(), "gen4", ceiling=spec)
    by_amounts = assess(receipts(), "gen4", ceiling=offsets)
    by_series = assess(receipts(), "gen4", ceiling=pd.Series(offsets))
    by_list = assess(receipts(), "gen4", ceiling=offsets.tolist())
    for other in (by_amounts, by_series, by_list):
        pd.testing.assert_frame_equal(other, by_hook)


@pytest.mark.parametrize("ceiling", ["60000", 60_000, 1.5, {"a": 1}, object()])
def test_anything_else_as_ceiling_is_an_input_error(ceiling: object) -> None:
    with pytest.raises(InputError, match=r"^ceiling: .*expected None, one refund in won"):
        assess(receipts(), "gen4", ceiling=ceiling)


@pytest.mark.parametrize(
    ("ceiling", "message"),
    [
        ([1.5, 0], r"ceiling: expected whole, finite won amounts"),
        ([np.inf, 0], r"ceiling: expected whole, finite won amounts"),
        (["a", "b"], r"ceiling: expected whole, finite won amounts"),
        ([[1, 2]], r"ceiling: expected one amount per receipt line \(2\)"),
    ],
)
def test_bad_ceiling_amounts(ceiling: object, message: str) -> None:
    with pytest.raises(InputError, match=message):
        assess(receipts(), "gen4", ceiling=ceiling)


def test_a_hook_giving_the_wrong_length_is_named() -> None:
    class Short:
        def line_offsets(self, receipts: pd.DataFrame) -> np.ndarray:
            return np.zeros(1, dtype=np.int64)

    with pytest.raises(InputError, match=r"Short\.line_offsets\(\): expected one amount"):
        assess(receipts(), "gen4", ceiling=Short())


def test_receipts_must_be_a_frame_with_the_required_columns() -> None:
    with pytest.raises(InputError, match="receipts: expected receipt lines"):
        assess("receipts.csv", "gen4")  # type: ignore[arg-type]
    # records go through the same validation as a DataFrame or a file
    with pytest.raises(ReceiptError, match=r"진료구분 \(setting: 입원/외래/약국\) 열이 필요합니다"):
        assess([{"date": "2024-03-04"}], "gen4")  # type: ignore[arg-type]
    with pytest.raises(ReceiptError, match=r"\(tier\) 열이 필요합니다"):
        assess(receipts().drop(columns=["tier"]), "gen4")


def test_assess_many_and_proportional_share_arguments() -> None:
    with pytest.raises(InputError, match="policies: give at least one policy"):
        assess_many(receipts(), [])
    with pytest.raises(InputError, match="policy_start: expected 2 dates, got 3"):
        assess_many(receipts(), ["gen3", "gen4"], policy_start=("2024-01-01",) * 3)
    with pytest.raises(InputError, match=r"payouts must be \(insurers, lines\) matching cap"):
        proportional_share(np.zeros((2, 3)), np.zeros(2))
    with pytest.raises(InputError, match="must not be negative"):
        proportional_share(np.array([[-1]]), np.array([0]))


def test_the_input_frame_is_never_changed() -> None:
    df = receipts()
    before = df.copy()
    assess(df, "gen3", policy_start="2024-01-01", ceiling=[0, 100_000])
    pd.testing.assert_frame_equal(df, before)
