"""receipts.groups.Groups answers as pandas ``groupby(sort=False).transform`` does."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from silson_tools.receipts.groups import Groups

_rows = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "가", ""]),  # key 1
        st.integers(0, 3),  # key 2 (a day number)
        st.sampled_from(["x", "y", ""]),  # a value
        st.booleans(),  # a mask
        st.one_of(st.none(), st.integers(19_700, 19_710)),  # a day (None = NaT)
    ),
    max_size=30,
)


@settings(max_examples=200, deadline=None)
@given(rows=_rows)
def test_groups_answer_as_pandas_groupby(rows) -> None:
    frame = pd.DataFrame(rows, columns=["k1", "k2", "value", "mask", "day"])
    if frame.empty:
        return
    frame["k2"] = frame["k2"].astype(str)
    days = np.array(
        [np.datetime64("NaT", "D") if r[4] is None else np.datetime64(r[4], "D") for r in rows],
        dtype="datetime64[D]",
    )
    frame["day"] = days
    for keys in (["k1"], ["k1", "k2"]):
        g = Groups(*(frame[k].to_numpy() for k in keys))
        by = frame.groupby(keys, sort=False)
        first = by["value"].transform("first").to_numpy()
        assert (g.differs_from_first(frame["value"].to_numpy()) == (frame["value"] != first)).all()
        assert (g.any(frame["mask"].to_numpy()) == by["mask"].transform("any").to_numpy()).all()
        assert (g.all(frame["mask"].to_numpy()) == by["mask"].transform("all").to_numpy()).all()
        several = by["value"].transform("nunique").to_numpy() > 1
        assert (g.several(frame["value"].to_numpy()) == several).all()
        counted = frame["value"].to_numpy() != ""
        nunique = frame.assign(v=frame["value"].where(counted)).groupby(keys, sort=False)["v"]
        assert (g.distinct(frame["value"], counted) == nunique.transform("nunique")).all()
        out_days = frame["day"].where(frame["mask"])
        lo, hi = g.day_range(days, frame["mask"].to_numpy())
        want_lo = out_days.groupby([frame[k] for k in keys], sort=False).transform("min")
        want_hi = out_days.groupby([frame[k] for k in keys], sort=False).transform("max")
        np.testing.assert_array_equal(lo, want_lo.to_numpy().astype("datetime64[D]"))
        np.testing.assert_array_equal(hi, want_hi.to_numpy().astype("datetime64[D]"))


def test_groups_are_numbered_in_order_of_first_appearance() -> None:
    g = Groups(["b", "a", "b", "c", "a"], [1, 1, 1, 1, 2])
    assert g.codes.tolist() == [0, 1, 0, 2, 3] and g.first.tolist() == [0, 1, 3, 4]
    with pytest.raises(ValueError, match="at least one key"):
        Groups()
