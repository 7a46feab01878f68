"""A visit's tiers OR-ed by its first line and ``np.bitwise_or.at`` over its later lines,
and the inpatient lines found once, give what ``reduceat`` and a pass per part give."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from silson_tools.catalog import load_policy
from silson_tools.engine import visits
from silson_tools.engine.assess import assess
from silson_tools.engine.inputs import read_lines
from silson_tools.engine.lines import run_number


@settings(max_examples=80, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 6), min_size=1, max_size=80),
    seed=st.integers(0, 2**32 - 1),
)
def test_tier_bits_equal_reduceat(sizes: list[int], seed: int) -> None:
    rng = np.random.default_rng(seed)
    first = np.zeros(sum(sizes), dtype=bool)
    first[np.concatenate([[0], np.cumsum(sizes)[:-1]])] = True
    starts = np.flatnonzero(first)
    bit = (1 << rng.integers(0, 5, len(first))).astype(np.int8)
    want = np.bitwise_or.reduceat(bit, starts)
    got = visits._tier_bits(bit, starts, run_number(first))
    np.testing.assert_array_equal(got, want)
    assert got.dtype == want.dtype


def _receipts(n: int = 4_000) -> pd.DataFrame:
    rng = np.random.default_rng(8)
    setting = rng.choice(["outpatient", "pharmacy", "inpatient"], n, p=[0.6, 0.25, 0.15])
    frame = pd.DataFrame(
        {
            "person": rng.integers(0, 300, n).astype(str),
            "date": np.datetime64("2024-01-01") + rng.integers(0, 90, n).astype("timedelta64[D]"),
            "setting": setting,
            "tier": np.where(
                setting == "pharmacy",
                "pharmacy",
                rng.choice(["clinic", "hospital", "general", "tertiary"], n),
            ),
            "covered_copay": rng.integers(0, 3, n) * rng.integers(0, 200_000, n),
            "noncovered": np.where(rng.random(n) < 0.5, rng.integers(0, 300_000, n), 0),
        }
    )
    frame["days"] = np.where(setting == "inpatient", rng.integers(1, 3, n), 0)
    return frame


def test_inpatient_at_is_the_inpatient_lines() -> None:
    lines = read_lines(_receipts(), load_policy("gen4"))
    np.testing.assert_array_equal(lines.inpatient_at, np.flatnonzero(lines.inpatient))
    assert lines.inpatient_at is lines.inpatient_at  # found once


def test_assess_equal_with_reduceat_tiers(monkeypatch) -> None:
    """gen4 (one 통원 per day: several tiers in a visit) and gen1 (외래 and 약국 apart)."""
    frame = _receipts()
    got = {name: assess(frame, load_policy(name)) for name in ("gen4", "gen1")}
    monkeypatch.setattr(
        visits, "_tier_bits", lambda bit, starts, number: np.bitwise_or.reduceat(bit, starts)
    )
    for name, out in got.items():
        pd.testing.assert_frame_equal(out, assess(frame, load_policy(name)))
        parts = ["payout", "deductible", "rate_part", "visit_cap_cut", "count_cut", "annual_cut"]
        assert (out[parts].sum(axis=1) == out["eligible"]).all()  # inpatient lines too
        if name == "gen4":  # 1세대 inpatient keeps no rate part
            assert (out.loc[out["setting"] == "inpatient", "rate_part"] > 0).any()


def test_name_table_made_once_per_names_and_column() -> None:
    """The 병원명/방문묶음 code table is cached by the names and the column: equal to making
    it, read-only, the same object on a second call, and a list of the names hits it too."""
    names = (
        "가나의원",
        "가나 의원",
        "",
        "다라병원",
        float("nan"),
        "ＡＢ의원",
        "AB의원",
        "가나의원x",
    )
    for column in ("institution", "visit", "department"):
        want = visits._name_table_of.__wrapped__(names, column)
        got = visits._name_table(names, column)
        np.testing.assert_array_equal(got, want)
        assert not got.flags.writeable
        assert visits._name_table(list(names), column) is got
    inst, key = visits._name_table(names, "institution"), visits._name_table(names, "visit")
    assert inst[0] == inst[1] and key[0] != key[1]  # 병원명 by their key, 방문묶음 as written


def test_assess_equal_with_a_cold_name_cache() -> None:
    frame = _receipts()
    rng = np.random.default_rng(2)
    inpatient = frame["setting"] == "inpatient"
    frame["institution"] = np.where(
        inpatient,
        [f"입원{k}" for k in range(len(frame))],  # no two stays at one institution
        rng.choice(["가나의원", "가나 의원", "다라병원", ""], len(frame)),
    )
    policy = load_policy("gen4")
    visits._name_table_of.cache_clear()
    cold = assess(frame, policy)
    pd.testing.assert_frame_equal(assess(frame, policy), cold)
    assert visits._name_table_of.cache_info().hits > 0  # the second read the cached table
