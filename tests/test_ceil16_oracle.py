"""The 상한제 pieces, long stays and refunds in numpy, each against the pandas code it
replaced (kept below as the oracle, as it was): equal results, dtypes, order and index on
drawn receipts — stays across 31 December and 30 June (the half-year windows before 2008),
several people, 병원 stays with and without days, places named, keyed or neither, items
the 상한제 leaves out — and the same errors."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as hs
from stays_apart import no_days_billed_twice

from silson_tools import ceiling, ceiling_years
from silson_tools.ceiling import CeilingSpec, CertainRefund
from silson_tools.ceiling_years import Pieces, pieces
from silson_tools.dates import covered_days
from silson_tools.errors import InputError
from silson_tools.receipts import as_receipt_lines
from silson_tools.receipts.crosscheck import institution_key

_DAY = np.timedelta64(1, "D")
TAB = ceiling.load_table()

# --- the oracle: the pandas code as it was -------------------------------------------------


def _old_key(day: np.ndarray, halves: np.ndarray) -> np.ndarray:
    stamp = pd.DatetimeIndex(day)
    year = stamp.year.to_numpy(np.int64)
    return year * 2 + (np.isin(year, halves) & (stamp.month >= 7))


def old_pieces(
    dates: pd.Series, days: np.ndarray, stay: np.ndarray, half_years: Any = ()
) -> Pieces:
    day = dates.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    n = np.asarray(days, dtype=np.int64)
    halves = np.asarray(tuple(half_years), dtype=np.int64)
    long = np.asarray(stay, dtype=bool) & (n > 1)
    cross = np.zeros(len(day), dtype=bool)
    if long.any():
        at = np.flatnonzero(long)
        cross[at] = _old_key(day[at], halves) != _old_key(day[at] + (n[at] - 1) * _DAY, halves)
    if not cross.any():
        return Pieces(
            np.arange(len(day)), dates.dt.year.to_numpy(), np.asarray(dates.dt.month) >= 7,
            day, n, cross,
        )  # fmt: skip
    rows: list[tuple[int, np.datetime64, int]] = []
    for i in np.flatnonzero(cross):
        first, left = day[i], int(n[i])
        while left > 0:
            year = first.astype("datetime64[Y]")
            month = first.astype("datetime64[M]") - year.astype("datetime64[M]")
            if int(str(year)) in halves.tolist() and int(month) < 6:
                end = np.datetime64(f"{year}-07-01")
            else:
                end = (year + np.timedelta64(1, "Y")).astype("datetime64[D]")
            take = min(left, int((end - first) // _DAY))
            rows.append((int(i), first, take))
            first, left = end, left - take
    extra = pd.DatetimeIndex([r[1] for r in rows])
    keep = np.flatnonzero(~cross)
    pos = np.concatenate([keep, [r[0] for r in rows]])
    order = np.argsort(pos, kind="stable")
    return Pieces(
        pos[order],
        np.concatenate([dates.dt.year.to_numpy()[keep], extra.year.to_numpy()])[order],
        np.concatenate([np.asarray(dates.dt.month)[keep] >= 7, extra.month >= 7])[order],
        np.concatenate([day[keep], extra.to_numpy(dtype="datetime64[ns]")])[order],
        np.concatenate([n[keep], [r[2] for r in rows]])[order],
        cross[pos[order]],
    )


def old_split_by_days(copay: np.ndarray, parts: Pieces) -> np.ndarray:
    amount = np.asarray(copay, dtype=np.int64)[parts.pos]
    if not parts.crossing.any():
        return amount
    total = np.bincount(parts.pos, weights=parts.days).astype(np.int64)[parts.pos]
    upto = pd.Series(parts.days).groupby(parts.pos).cumsum().to_numpy(np.int64)
    share = amount * upto // np.maximum(total, 1) - amount * (upto - parts.days) // np.maximum(
        total, 1
    )
    return np.where(parts.crossing, share, amount)


def old_certain_amounts(copay, parts, person, window, limit) -> np.ndarray:
    amount = np.asarray(copay, dtype=np.int64)[parts.pos].copy()
    if not parts.crossing.any():
        return amount
    amount[parts.crossing] = 0
    mine = np.isin(person, np.unique(person[parts.crossing]))
    frame = pd.DataFrame(
        {"person": person, "window": window, "amount": amount, "limit": limit}
    ).loc[mine]
    fixed = frame.groupby(["person", "window"])["amount"].sum()
    top = frame.groupby(["person", "window"])["limit"].max()
    room = (top - fixed).clip(lower=0).to_dict()
    crossing = np.flatnonzero(parts.crossing)
    lines = pd.unique(parts.pos[crossing])
    left = {int(i): int(copay[i]) for i in lines}
    spans: dict[int, list[int]] = {}
    for k in crossing:
        spans.setdefault(int(parts.pos[k]), []).append(int(k))
    by_person: dict[Any, list[int]] = {}
    for i in left:
        by_person.setdefault(person[spans[i][0]], []).append(i)
    for who, mine_ in by_person.items():
        for w in sorted({int(window[k]) for i in mine_ for k in spans[i]}):
            here = [(int(window[spans[i][-1]]), i) for i in mine_ if left[i] > 0]
            for _, i in sorted(here):
                at = [k for k in spans[i] if window[k] == w]
                if not at or room.get((who, w), 0) <= 0:
                    continue
                put = min(left[i], room[(who, w)])
                amount[at[0]] += put
                left[i] -= put
                room[(who, w)] -= put
    for i, rest in left.items():
        amount[spans[i][0]] += rest
    return amount


def _old_places(lines, at: np.ndarray) -> np.ndarray:
    name = lines["institution"].iloc[at].astype(object).to_numpy()
    key = lines["visit"].iloc[at].astype(object).to_numpy()
    keys = {t: "n" + institution_key(t) for t in pd.unique(name) if t}
    place = np.array([keys.get(t, "") for t in name], dtype=object)
    keyed = (place == "") & (key != "")
    place[keyed] = "k" + key[keyed].astype(str)
    return pd.factorize(place)[0]


def _old_covered_days(person, year, place, begin, end) -> pd.Series:
    group, firsts = pd.MultiIndex.from_arrays([person, year, place]).factorize()
    covered = covered_days(group, begin, end, len(firsts))
    return pd.Series(covered, index=firsts.droplevel(2)).groupby(level=[0, 1], sort=True).sum()


def old_long_stay_years(receipts, table=None, whole: bool = False) -> pd.DataFrame:
    tab = TAB if table is None else table
    lines = as_receipt_lines(receipts)
    inpatient = (lines["setting"] == "inpatient").to_numpy()
    stay = inpatient & (lines["tier"] == "hospital").to_numpy()
    days = lines["days"].to_numpy().astype(np.int64)
    parts = old_pieces(lines["date"], days, inpatient)
    pos = parts.pos
    person = lines["person"].to_numpy()[pos]
    frame = pd.DataFrame(
        {"person": person, "year": parts.year, "unknown": (stay & (days == 0))[pos]}
    )
    out = frame.groupby(["person", "year"], sort=True).agg(unknown=("unknown", "any"))
    whole_piece = whole & parts.crossing
    line_day = lines["date"].to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    begin = np.where(whole_piece, line_day[pos], parts.start.astype("datetime64[D]")).astype(
        np.int64
    )
    length = np.where(whole_piece, days[pos], parts.days)
    counted = np.flatnonzero(stay[pos] & (length > 0))
    code, names = lines.codes("person")
    covered = _old_covered_days(
        code[pos[counted]], parts.year[counted], _old_places(lines, pos[counted]),
        begin[counted], begin[counted] + length[counted],
    )  # fmt: skip
    index = pd.MultiIndex.from_arrays(
        [np.asarray(names, dtype=object)[covered.index.get_level_values(0)],
         covered.index.get_level_values(1)],
        names=["person", "year"],
    )  # fmt: skip
    out["days"] = covered.set_axis(index).reindex(out.index, fill_value=0).astype(np.int64)
    out["long_stay"] = (out["days"] > tab.long_stay_days) | out["unknown"]
    return out[["days", "unknown", "long_stay"]].reset_index()


def old_counted_copay(receipts, table=None) -> np.ndarray:
    lines = as_receipt_lines(receipts)
    tab = TAB if table is None else table
    copay = lines["covered_copay"].to_numpy(dtype=np.int64)
    codes, names = lines.codes("category")
    left = np.array([n in (*tab.uncounted, *tab.partly_uncounted) for n in names], dtype=bool)
    left_out = left[codes] if len(names) else np.zeros(len(lines), dtype=bool)
    return np.where(left_out, 0, copay)


def old_piece_refunds(frame: pd.DataFrame) -> np.ndarray:
    """The window's dates in order; the date's part above L shared over its pieces by copay
    (⌊part × c ÷ C⌋, the won left to the largest remainders, ties to the earlier piece)."""
    ordered = frame.sort_values(["person", "window", "date", "pos"], kind="stable")
    out = np.zeros(len(frame), dtype=np.int64)
    at = frame.index.get_indexer(ordered.index)
    cum = 0
    key = None
    rows = list(zip(ordered["person"], ordered["window"], ordered["date"], ordered["copay"],
                    ordered["limit"], at, strict=True))  # fmt: skip
    for (who, window, _day), group in itertools.groupby(rows, key=lambda r: r[:3]):
        group = list(group)
        if (who, window) != key:
            key, cum = (who, window), 0
        total = sum(int(r[3]) for r in group)
        lim = int(group[0][4])
        part = max(cum + total - lim, 0) - max(cum - lim, 0)
        cum += total
        shares = [part * int(r[3]) // total if total else 0 for r in group]
        rests = [part * int(r[3]) % total if total else 0 for r in group]
        for k in sorted(range(len(group)), key=lambda k: -rests[k])[: part - sum(shares)]:
            shares[k] += 1
        for r, share in zip(group, shares, strict=True):
            out[r[5]] = share
    return out


def old_per_person(name: str, value: Any, persons: pd.Series, check: Any) -> np.ndarray:
    if isinstance(value, Mapping):
        missing = sorted(set(persons) - {str(k) for k in value})
        if missing:
            raise InputError(
                f"{name}: no value for person(s) {missing}; mapping has {sorted(map(str, value))}"
            )
        lookup = {str(k): check(v) for k, v in value.items()}
        return persons.map(lookup).to_numpy()
    return np.full(len(persons), check(value))


def _old_deciles(spec: CeilingSpec, frame: pd.DataFrame) -> np.ndarray:
    check, persons = ceiling._checked_decile(TAB), frame["person"]
    if spec.year_deciles is None:
        return old_per_person("decile", spec.decile, persons, check)
    later = frame["pos"].duplicated().to_numpy()
    out = np.zeros(len(frame), dtype=np.int64)
    for first in (True, False):
        for year in np.unique(frame["year"].to_numpy()):
            where = (frame["year"] == year).to_numpy() & (later != first)
            given = spec.year_deciles.get(int(year))
            if not where.any() or (not first and given is None):
                continue
            if given is None:
                raise InputError(f"no 소득분위 for {year}; given for {sorted(spec.year_deciles)}")
            if not first and isinstance(given, Mapping):
                where &= persons.isin([str(k) for k in given]).to_numpy()
            out[where] = old_per_person("decile", given, persons[where], check)
    unset = np.flatnonzero(out == 0)
    out[unset] = (
        pd.Series(out).groupby(frame["pos"].to_numpy()).transform("first").to_numpy()[unset]
    )
    return out


def old_frame(spec: CeilingSpec, receipts, certain: bool = False) -> pd.DataFrame:
    """The piece frame as ``ceiling._pieces`` made it."""
    tab = TAB
    lines = as_receipt_lines(receipts)
    inpatient = (lines["setting"] == "inpatient").to_numpy()
    parts = old_pieces(lines["date"], lines["days"].to_numpy(), inpatient, tab.period_years)
    frame = pd.DataFrame(
        {
            "pos": parts.pos, "person": lines["person"].to_numpy()[parts.pos],
            "year": parts.year, "date": parts.start, "days": parts.days,
            "crossing": parts.crossing,
        }
    )  # fmt: skip
    frame["decile"] = _old_deciles(spec, frame).astype(np.int64)
    if spec.long_stay is None:
        stays = old_long_stay_years(lines, tab, certain).set_index(["person", "year"])
        keys = pd.MultiIndex.from_arrays([frame["person"], frame["year"]])
        frame["long_stay"] = stays["long_stay"].reindex(keys).to_numpy(dtype=bool)
    else:
        frame["long_stay"] = old_per_person(
            "long_stay", spec.long_stay, frame["person"], ceiling._check_long_stay
        )
    frame["long_stay"] = frame["long_stay"].astype(bool)
    code = (
        frame["year"].to_numpy(np.int64) * 1000
        + frame["decile"].to_numpy() * 10
        + frame["long_stay"].to_numpy(np.int64) * 2
        + parts.second
        + 4 * (certain | (frame["pos"].duplicated().to_numpy()))
    )
    distinct, inverse = np.unique(code, return_inverse=True)
    looked = [ceiling._window_limit(int(c), tab) for c in distinct]
    frame["limit"] = np.array([lim for lim, _ in looked], dtype=np.int64)[inverse]
    frame["window"] = np.array([w for _, w in looked], dtype=np.int64)[inverse]
    counted = old_counted_copay(lines, tab)
    if certain:
        who = pd.factorize(frame["person"])[0]
        amounts = old_certain_amounts(
            counted, parts, who, frame["window"].to_numpy(), frame["limit"].to_numpy()
        )
    else:
        amounts = old_split_by_days(counted, parts)
    frame["copay"] = amounts
    uncounted = lines["covered_copay"].to_numpy(dtype=np.int64) - counted
    frame["uncounted"] = old_split_by_days(uncounted, parts)
    return frame


def old_line_offsets(spec: CeilingSpec, receipts, certain: bool = False) -> np.ndarray:
    frame = old_frame(spec, receipts, certain)
    out = np.zeros(len(receipts), dtype=np.int64)
    np.add.at(out, frame["pos"].to_numpy(), old_piece_refunds(frame))
    return out


def old_year_totals(receipts, spec: CeilingSpec) -> pd.DataFrame:
    """``ceiling.year_totals`` as it was (pandas groupby, merge)."""
    tab = TAB
    lines = as_receipt_lines(receipts)
    frame = old_frame(spec, lines)
    for year in np.unique(frame["year"].to_numpy()):
        ceiling._check_year(int(year), tab)  # 2004–2007: not calendar-year amounts, refused
    parts = Pieces(
        frame["pos"], frame["year"], frame["date"].dt.month >= 7, frame["date"],
        frame["days"], frame["crossing"],
    )  # fmt: skip
    excluded = (lines["full_copay"] + lines["noncovered"]).to_numpy(dtype=np.int64)
    frame["excluded"] = old_split_by_days(excluded, parts) + frame["uncounted"].to_numpy()
    first = ~pd.Series(parts.pos).duplicated().to_numpy()
    frame["over_ceiling"] = np.where(
        first, lines["over_ceiling"].to_numpy(dtype=np.int64)[parts.pos], 0
    )
    codes, names = pd.factorize(lines["institution"].to_numpy(dtype=object))  # as the engine:
    frame["institution"] = np.array([institution_key(str(n)) for n in names] + [""])[codes][
        parts.pos
    ]
    keys = ["person", "year"]
    out = (
        frame.groupby(keys, sort=True)
        .agg(
            decile=("decile", "first"),
            long_stay=("long_stay", "first"),
            counted=("copay", "sum"),
            excluded=("excluded", "sum"),
            limit=("limit", "first"),
            over_ceiling_on_receipts=("over_ceiling", "sum"),
        )
        .reset_index()
    )
    named = frame[frame["institution"] != ""]
    per_inst = named.groupby([*keys, "institution"], sort=True).agg(
        total=("copay", "sum"), long_stay=("long_stay", "first")
    )
    if len(per_inst):
        per_inst = per_inst.reset_index()
        per_inst["prepaid"] = [
            ceiling.prepaid(int(t), int(y), bool(s), tab)
            for t, y, s in zip(
                per_inst["total"], per_inst["year"], per_inst["long_stay"], strict=True
            )
        ]
        pre = per_inst.groupby(keys)["prepaid"].sum()
        out = out.merge(pre.rename("prepaid").reset_index(), on=keys, how="left")
        out["prepaid"] = out["prepaid"].fillna(0).astype(np.int64)
    else:
        out["prepaid"] = np.int64(0)
    out["refund"] = np.maximum(out["counted"] - out["limit"], 0).astype(np.int64)
    out["post_refund"] = out["refund"] - out["prepaid"]
    out["refund_month"] = [ceiling.refund_month(int(y), tab) for y in out["year"]]
    out["burden"] = np.minimum(out["counted"], out["limit"]) + out["excluded"]
    columns = [
        "person",
        "year",
        "decile",
        "long_stay",
        "counted",
        "excluded",
        "limit",
        "refund",
        "prepaid",
        "post_refund",
        "refund_month",
        "burden",
        "over_ceiling_on_receipts",
    ]
    return out[columns]


def old_year_rows(frame: pd.DataFrame, lines, table, whole: bool = False) -> pd.DataFrame:
    """``ceiling_years.year_rows`` as it was (groupby, then a merge with the long stays)."""
    out = (
        frame.groupby(["person", "year"], sort=True)
        .agg(
            counted=("copay", "sum"),
            uncounted=("uncounted", "sum"),
            long_stay=("long_stay", "first"),
            decile=("decile", "first"),
            limit=("limit", "max"),
            refund=("refund", "sum"),
        )
        .reset_index()
    )
    stays = old_long_stay_years(lines, table, whole)[["person", "year", "days"]]
    out = out.merge(stays, on=["person", "year"], how="left")
    return out[list(ceiling.TOTAL_COLUMNS)]


def old_totals(spec: CeilingSpec, receipts, certain: bool) -> pd.DataFrame:
    """``CeilingSpec.totals`` (``certain``: ``CertainRefund.totals(every=True)``) as they were."""
    lines = as_receipt_lines(receipts)
    if not len(lines):
        return pd.DataFrame(columns=list(ceiling.TOTAL_COLUMNS))
    frame = old_frame(spec, lines, certain)
    frame["refund"] = old_piece_refunds(frame)
    if certain:
        held = frame["year"].isin([*TAB.years, *TAB.period_years])
        first = min(c.start for c in TAB.windows.values())
        frame = frame[held & (frame["date"] >= pd.Timestamp(first))]
        if not len(frame):
            return pd.DataFrame(columns=list(ceiling.TOTAL_COLUMNS))
    return old_year_rows(frame, lines, None, whole=certain)


# --- drawn receipts ----------------------------------------------------------------------------

PEOPLE = ("가", "나", "다")


@hs.composite
def receipts(
    draw: hs.DrawFn, max_lines: int = 9, first: int = 2003, last: int = 2027
) -> pd.DataFrame:
    """Lines of up to three people from 2003 (before the 상한제) to 2027 (after the table),
    many near 30 June and 31 December; 입원 lines of 0–500 days at 병원 and other tiers,
    named, keyed or neither; some 항목 the 상한제 leaves out. No two 입원 lines bill the
    same days (as the reader refuses)."""
    rows = []
    for _ in range(draw(hs.integers(0, max_lines))):
        year = draw(
            hs.integers(first, last)
            | hs.sampled_from([y for y in (2004, 2005, 2007, 2026, 2027) if first <= y <= last])
        )
        date = draw(
            hs.dates(dt.date(year, 1, 1), dt.date(year, 12, 31))
            | hs.sampled_from([dt.date(year, 6, 20), dt.date(year, 6, 30), dt.date(year, 12, 31),
                               dt.date(year, 12, 10), dt.date(year, 7, 1), dt.date(year, 1, 1)])
        )  # fmt: skip
        inpatient = draw(hs.booleans())
        days = draw(hs.sampled_from([0, 1, 2, 12, 40, 121, 130, 200, 400]) | hs.integers(0, 500))
        days = days if inpatient else 0
        categories = ["", "", "injection", "oriental", "dental"]
        rows.append(
            {
                "person": draw(hs.sampled_from(PEOPLE)),
                "date": date,
                "setting": "inpatient" if inpatient else "outpatient",
                "tier": draw(hs.sampled_from(["hospital", "hospital", "general", "clinic"])),
                "institution": draw(hs.sampled_from(["", "", "A병원", "A 병원", "B병원"])),
                "visit": draw(hs.sampled_from(["", "", "k1"])) if inpatient else "",
                "days": days,
                "category": draw(hs.sampled_from(categories + (["room_upgrade"] if days else []))),
                "covered_copay": draw(hs.integers(0, 40)) * 250_000 + draw(hs.integers(0, 9)),
                "noncovered": 0,
            }
        )
    if any(r["visit"] for r in rows):  # a key belongs to one person and one institution
        first = next(r for r in rows if r["visit"])
        for r in rows:
            if r["visit"]:
                r.update(person=first["person"], institution=first["institution"])
    columns = ["person", "date", "setting", "tier", "institution", "visit", "days",
               "category", "covered_copay", "noncovered"]  # fmt: skip
    return pd.DataFrame(no_days_billed_twice(rows), columns=columns)


def _outcome(make: Any) -> tuple[str, Any]:
    """("ok", result) or ("error", (type, message)): the new and old code must agree on both."""
    try:
        return "ok", make()
    except InputError as error:
        return "error", (type(error), str(error))


def _same_frame(new: pd.DataFrame, old: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(new, old, check_exact=True, check_index_type=True)
    assert list(new.dtypes) == list(old.dtypes) and list(new.columns) == list(old.columns)


def _same_pieces(new: Pieces, old: Pieces) -> None:
    for name in ("pos", "year", "second", "start", "days", "crossing"):
        a, b = getattr(new, name), getattr(old, name)
        assert a.dtype == b.dtype, name
        np.testing.assert_array_equal(a, b, err_msg=name)


_specs = hs.one_of(
    hs.builds(
        CeilingSpec,
        decile=hs.integers(1, 10),
        long_stay=hs.sampled_from([None, None, True, False]),
    ),
    hs.builds(
        CeilingSpec,
        decile=hs.fixed_dictionaries({p: hs.integers(1, 10) for p in PEOPLE})
        | hs.dictionaries(hs.sampled_from(PEOPLE), hs.integers(1, 10), min_size=2),
        long_stay=hs.none()
        | hs.fixed_dictionaries({p: hs.booleans() for p in PEOPLE})
        | hs.dictionaries(hs.sampled_from(PEOPLE), hs.booleans(), min_size=2),
    ),
    hs.builds(
        CeilingSpec,
        decile=hs.just(5),
        year_deciles=hs.dictionaries(
            hs.integers(2003, 2027),
            hs.integers(1, 10) | hs.fixed_dictionaries({p: hs.integers(1, 10) for p in PEOPLE}),
            min_size=20,
        ),
    ),
)
"""Specs of one decile, per person (some people missing: an error, the same), per year."""

_loose = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
"""Each example runs the old pandas code too (tens of ms): few examples, each checking much."""


@_loose
@given(
    frame=receipts(), halves=hs.sampled_from([(), TAB.period_years, (2023,)]), whole=hs.booleans()
)
def test_pieces_long_stays_and_counted_match(
    frame: pd.DataFrame, halves: tuple[int, ...], whole: bool
) -> None:
    lines = as_receipt_lines(frame)
    stay = (lines["setting"] == "inpatient").to_numpy()
    days = lines["days"].to_numpy()
    old = old_pieces(lines["date"], days, stay, halves)
    _same_pieces(pieces(lines["date"], days, stay, halves), old)  # a Series, as before
    (date,) = lines.arrays("date")
    _same_pieces(pieces(date, days, stay, halves), old)  # or the array
    _same_frame(
        ceiling.long_stay_years(frame, whole=whole), old_long_stay_years(frame, whole=whole)
    )
    counted = old_counted_copay(lines)
    for got, want in (
        (ceiling.counted_copay(frame), counted),
        (ceiling.uncounted_copay(lines), lines["covered_copay"].to_numpy() - counted),
    ):
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)


INTO_2027 = pd.DataFrame(
    {"person": ["가", "가", "나"], "date": [dt.date(2026, 12, 20), dt.date(2026, 3, 1),
     dt.date(2005, 6, 1)], "setting": "inpatient", "tier": ["hospital", "general", "hospital"],
     "days": [40, 3, 150], "covered_copay": [9_000_000, 5_000_000, 4_000_000], "noncovered": 0}
)  # fmt: skip
"""A stay from 2026 into 2027 (a year the table does not hold: its later part takes no
refund, no error) and one across 30 June 2005 (two half-year windows)."""


@_loose
@given(frame=receipts(), spec=_specs, certain=hs.booleans(), seed=hs.integers(0, 2**32 - 1))
@example(frame=INTO_2027, spec=CeilingSpec(decile=3), certain=False, seed=0)
@example(frame=INTO_2027, spec=CeilingSpec(decile={"가": 2, "나": 9}), certain=False, seed=0)
@example(frame=INTO_2027, spec=CeilingSpec(decile=4), certain=True, seed=0)
def test_piece_frames_refunds_and_offsets_match(
    frame: pd.DataFrame, spec: CeilingSpec, certain: bool, seed: int
) -> None:
    lines = as_receipt_lines(frame)
    if certain:
        spec = CertainRefund().spec()
    new = _outcome(lambda: ceiling._pieces(spec, lines, certain))
    old = _outcome(lambda: old_frame(spec, lines, certain))
    assert new[0] == old[0], (new, old)
    if new[0] == "error":
        assert new == old
        return
    _same_frame(new[1], old[1])
    _same_frame(new[1], ceiling._pieces(spec, frame, certain))  # a plain frame, validated
    shuffled = old[1].sample(frac=1, random_state=seed).reset_index(drop=True)
    for one in (old[1], shuffled):  # piece_refunds in any row order
        got = ceiling_years.piece_refunds(one)
        assert got.dtype == np.int64
        np.testing.assert_array_equal(got, old_piece_refunds(one))
    hook = CertainRefund() if certain else spec
    totals = (
        hook.totals(lines, every=True) if isinstance(hook, CertainRefund) else hook.totals(lines)
    )
    _same_frame(totals, old_totals(spec, lines, certain))
    got = hook.line_offsets(lines)
    want = old_line_offsets(spec, lines, certain)
    assert got.dtype == want.dtype == np.int64
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(hook.line_offsets(frame), want)


@settings(max_examples=200, deadline=None)
@given(pairs=hs.lists(hs.tuples(hs.integers(0, 4), hs.integers(-(10**12), 10**12)), max_size=30))
def test_group_cumsum_is_pandas_cumsum(pairs: list[tuple[int, int]]) -> None:
    group = np.array([g for g, _ in pairs], dtype=np.int64)
    values = np.array([v for _, v in pairs], dtype=np.int64)
    want = pd.Series(values).groupby(group).cumsum().to_numpy(np.int64)
    np.testing.assert_array_equal(ceiling_years.group_cumsum(values, group), want)


@pytest.mark.parametrize(
    ("day", "year", "month"),
    [("1969-12-31", 1969, 12), ("1970-01-01", 1970, 1), ("2004-06-30", 2004, 6),
     ("2004-07-01", 2004, 7), ("1900-03-01", 1900, 3), ("2200-12-31", 2200, 12)],
)  # fmt: skip
def test_year_and_month_from_numpy_days(day: str, year: int, month: int) -> None:
    got = ceiling_years._year_month(np.array([day], dtype="datetime64[ns]"))
    assert (got[0].tolist(), got[1].tolist()) == ([year], [month])


def test_a_person_without_a_value_is_refused_alike() -> None:
    frame = pd.DataFrame(
        {"person": ["가", "나"], "date": ["2024-01-02", "2024-02-03"], "setting": "outpatient",
         "tier": "clinic", "covered_copay": [9_000_000, 1], "noncovered": 0}
    )  # fmt: skip
    for spec in (
        CeilingSpec(decile={"가": 3}),
        CeilingSpec(decile=3, long_stay={"나": True}),
        CeilingSpec(decile={"가": 3, "나": 11}),
        CeilingSpec(decile=3, long_stay={"가": 1, "나": True}),
    ):
        new = _outcome(lambda spec=spec: spec.line_offsets(frame))
        old = _outcome(lambda spec=spec: old_line_offsets(spec, frame))
        assert new[0] == "error" and new == old, (new, old)


def test_empty_receipts_answer_alike() -> None:
    empty = pd.DataFrame(
        {"person": pd.Series([], dtype=object), "date": pd.Series([], dtype="datetime64[us]"),
         "setting": pd.Series([], dtype=object), "tier": pd.Series([], dtype=object),
         "covered_copay": pd.Series([], dtype="int64"), "noncovered": pd.Series([], dtype="int64")}
    )  # fmt: skip
    _same_frame(ceiling.long_stay_years(empty), old_long_stay_years(empty))
    for certain in (False, True):
        _same_frame(
            ceiling._pieces(CeilingSpec(decile=3), empty, certain),
            old_frame(CeilingSpec(decile=3), empty, certain),
        )
    assert CertainRefund().line_offsets(empty).tolist() == []
    empty["over_ceiling"] = empty["full_copay"] = pd.Series([], dtype="int64")
    _same_frame(
        ceiling.year_totals(empty, CeilingSpec(decile=3)),
        old_year_totals(empty, CeilingSpec(decile=3)),
    )


@_loose
@given(
    frame=hs.one_of(receipts(first=2008, last=2026), receipts(first=2018, last=2026), receipts()),
    spec=_specs,
)
def test_year_totals_match(frame: pd.DataFrame, spec: CeilingSpec) -> None:
    frame["full_copay"] = frame["covered_copay"] % 7 * 1000  # ⑤ and 전액본인부담 too
    frame["over_ceiling"] = frame["covered_copay"] // 3  # ⑤ ≤ ①
    new = _outcome(lambda: ceiling.year_totals(frame, spec))
    old = _outcome(lambda: old_year_totals(frame, spec))
    assert new[0] == old[0], (new, old)
    if new[0] == "error":
        assert new == old
    else:
        _same_frame(new[1], old[1])
