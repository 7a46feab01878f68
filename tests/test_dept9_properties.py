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
from silson_tools.errors import ReceiptError
from silson_tools.receipts import as_receipt_lines
from silson_tools.schema import TIERS

DEPARTMENT = st.sampled_from(["", "", "정형외과", "안과"])
HOSPITAL = st.sampled_from([t for t in TIERS if t != "pharmacy"])
PERSON, DAY = st.sampled_from("가가나"), st.sampled_from(["03-05"] * 3 + ["03-06"])


def purpose(r: dict, rows: list[dict]) -> tuple:
    """A 외래 row's treatment purpose at its person–day–institution (the reference's
    ``purpose_of``): its key; keyless, the one key of its 진료과 there; else its 진료과."""
    if r["visit"]:
        return ("key", r["visit"])
    keys = {q["visit"] for q in rows if q["visit"] and q["department"] == r["department"]}
    return ("key", keys.pop()) if len(keys) == 1 else ("department", r["department"])


def place(r: dict) -> tuple:
    return (r["person"], r["date"], r["institution"])


def asked(rows: list[dict]) -> list[int]:
    """Positions of the 약국 rows that name an institution whose 외래 rows that day are two
    통원 (by the reference's purposes), without one of their keys: which visit?"""
    slots: dict[tuple, list[dict]] = {}
    for r in rows:
        if r["setting"] == "outpatient":
            slots.setdefault(place(r), []).append(r)
    out = []
    for i, r in enumerate(rows):
        here = slots.get(place(r), [])
        if r["setting"] != "pharmacy" or not r["institution"] or not here:
            continue
        if len({purpose(q, here) for q in here}) > 1 and r["visit"] not in {
            q["visit"] for q in here if q["visit"]
        }:
            out.append(i)
    return sorted(out + ties(rows, set(out)))


def ties(rows: list[dict], named: set[int] = frozenset()) -> list[int]:
    """Positions of the 약국 rows (not in ``named``) the reference joins to the day's 외래 통원
    of the highest tier when two or more share it (by row order): no key of the person's 외래
    rows, a 병원명 that is no 외래 row's, a person–day of two or more top-tier 통원."""
    rank = list(TIERS)
    outpatient = [r for r in rows if r["setting"] == "outpatient"]
    names = {r["institution"] for r in outpatient if r["institution"]}
    keys = {(r["person"], r["visit"]) for r in outpatient if r["visit"]}
    visits: dict[tuple, dict[tuple, int]] = {}  # person–day → 통원 → its tier
    for r in outpatient:
        here = [q for q in outpatient if place(q) == place(r)]
        visit = (r["institution"], purpose(r, here))
        day = visits.setdefault((r["person"], r["date"]), {})
        day[visit] = max(day.get(visit, -1), rank.index(r["tier"]))
    out = []
    for i, r in enumerate(rows):
        if r["setting"] != "pharmacy" or i in named or (r["person"], r["visit"]) in keys:
            continue
        if r["institution"] in names:
            continue
        tiers = list(visits.get((r["person"], r["date"]), {}).values())
        if tiers and tiers.count(max(tiers)) > 1:
            out.append(i)
    return out


def answered(rows: list[dict], pharmacy: bool = True) -> list[dict]:
    """The rows with what the reader asks answered: a blank 진료과 beside a named one (no key)
    takes the first named there; a 약국 row naming an institution whose 외래 rows that day are
    two 통원, without one of their keys, names its own pharmacy instead (``pharmacy``), and a
    약국 row between top-tier 통원 of a day with no key or prescriber to tie it is left out."""
    first: dict[tuple, str] = {}
    for r in rows:
        if r["setting"] == "outpatient" and r["department"]:
            first.setdefault(place(r), r["department"])
    for r in rows:
        if r["setting"] == "outpatient" and not r["department"] and not r["visit"]:
            r["department"] = first.get(place(r), "")
    if not pharmacy:
        return rows
    for i in asked(rows):
        rows[i]["institution"] = "D약국"
    gone = set(ties(rows))  # whose prescription is not said (a tie): left out of the draw
    return [r for i, r in enumerate(rows) if i not in gone]


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


@st.composite
def crowded(draw) -> list[dict]:
    """A few 외래/약국 rows on two days at one hospital (and a blank or pharmacy name), with
    진료과 and 방문묶음 keys drawn: the places where lines share a person–day–institution; a
    keyless 외래 row beside two keys takes the first (as test_claims' generator does)."""
    rows = []
    for _ in range(draw(st.integers(2, 9))):
        setting = draw(st.sampled_from(["outpatient", "outpatient", "pharmacy"]))
        person, day = draw(PERSON), draw(DAY)
        key = draw(st.sampled_from(["", "", "a", "b"]))
        rows.append({
            "person": person, "date": f"2024-{day}", "setting": setting,
            "tier": "pharmacy" if setting == "pharmacy" else draw(HOSPITAL),
            "institution": draw(st.sampled_from(["큰병원"] * 4 + ["", "온누리약국"])),
            "department": "" if setting == "pharmacy" else draw(DEPARTMENT),
            "visit": f"{person}{day}{key}" if key else "",
            "covered_copay": draw(st.sampled_from([0, 5_000, 20_000])),
            "nhis_paid": 20_000, "noncovered": draw(st.sampled_from([0, 40_000, 250_000])),
        })  # fmt: skip
    keys_at: dict[tuple, list[str]] = {}
    for r in rows:
        if r["setting"] == "outpatient" and r["visit"]:
            keys = keys_at.setdefault(place(r), [])
            keys += [] if r["visit"] in keys else [r["visit"]]
    for r in rows:
        keys = keys_at.get(place(r), [])
        if r["setting"] == "outpatient" and not r["visit"] and len(keys) > 1:
            r["visit"] = keys[0]
    return rows


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=crowded())
def test_the_reader_asks_exactly_where_a_pharmacy_line_could_join_two_visits(rows) -> None:
    """The 약국 rows the reader refuses (its 방문묶음 cell) are those the reference would join to
    one of two 통원 by a guess, no more and no fewer."""
    frame = pd.DataFrame(answered(rows, pharmacy=False))
    want = asked(rows)
    try:
        as_receipt_lines(frame)
        got: list[int] = []
    except ReceiptError as err:
        assert {p.column for p in err.problems} == {"'visit' 열"}, err
        got = sorted(p.row for p in err.problems)
    assert got == want


@pytest.mark.parametrize("name", ["gen4", "gen3"])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=crowded())
def test_engine_equals_reference_on_crowded_days(name: str, rows) -> None:
    frame = pd.DataFrame(answered(rows))
    start = "2024-01-01"
    got = assess(frame, name, policy_start=start)
    want = reference_assess(frame, POLICIES[name], policy_start=start)
    for col in COMPARED:
        g = got[col].astype(object).tolist() if col == "zone" else got[col].tolist()
        assert g == want[col].tolist(), col
