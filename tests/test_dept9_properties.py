"""Engine = row-by-row reference on drawn receipts that carry 진료과 (and 방문묶음 keys): the
claims generator of test_claims.py, with a 진료과 drawn on the lines, and each line the reader
would refuse (which 통원?) answered as a person would."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reference_engine import reference_assess
from test_claims import COMPARED, POLICIES, receipts

from silson_tools import assess

DEPARTMENT = st.sampled_from(["", "", "정형외과", "안과"])


def purpose(r: dict, rows: list[dict]) -> tuple:
    """A 외래 row's treatment purpose at its person–day–institution (the reference's
    ``purpose_of``): its key; keyless, the one key of its 진료과 there; else its 진료과."""
    if r["visit"]:
        return ("key", r["visit"])
    keys = {q["visit"] for q in rows if q["visit"] and q["department"] == r["department"]}
    return ("key", keys.pop()) if len(keys) == 1 else ("department", r["department"])


def answered(rows: list[dict]) -> list[dict]:
    """The rows with what the reader asks answered: a blank 진료과 beside a named one (no key)
    takes the first named there; a 약국 row naming an institution whose 외래 rows that day are
    two 통원, without one of their keys, names its own pharmacy instead."""
    def place(r: dict) -> tuple:
        return (r["person"], r["date"], r["institution"])

    first: dict[tuple, str] = {}
    for r in rows:
        if r["setting"] == "outpatient" and r["department"]:
            first.setdefault(place(r), r["department"])
    for r in rows:
        if r["setting"] == "outpatient" and not r["department"] and not r["visit"]:
            r["department"] = first.get(place(r), "")
    slots: dict[tuple, list[dict]] = {}
    for r in rows:
        if r["setting"] == "outpatient":
            slots.setdefault(place(r), []).append(r)
    for r in rows:
        here = slots.get(place(r), [])
        if r["setting"] != "pharmacy" or not r["institution"] or not here:
            continue
        if len({purpose(q, here) for q in here}) > 1 and r["visit"] not in {
            q["visit"] for q in here if q["visit"]
        }:
            r["institution"] = "D약국"
    return rows


@pytest.mark.parametrize("name", ["gen4", "gen5", "gen3", "gen1"])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_engine_equals_reference_with_departments(name: str, data) -> None:
    policy = POLICIES[name]
    df, start, hook = data.draw(receipts(policy))
    rows = df.to_dict("records")
    for r in rows:
        r["department"] = data.draw(DEPARTMENT)
    frame = pd.DataFrame(answered(rows))
    got = assess(frame, policy, policy_start=start, ceiling=hook)
    want = reference_assess(frame, policy, policy_start=start, ceiling=hook)
    for col in COMPARED:
        g = got[col].astype(object).tolist() if col == "zone" else got[col].tolist()
        assert g == want[col].tolist(), col
    claim = got["covered_copay"] + got["full_copay"] + got["noncovered"]
    assert (got["payout"] + got["self_pay"] == claim).all()
