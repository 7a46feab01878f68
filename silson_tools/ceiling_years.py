"""Which 본인부담상한제 window (calendar year; half-year before 2008) each day and each won of
① of a receipt line counts in, when an 입원 line's stay crosses 31 December (or 30 June in a
year the 상한액 capped per half-year).

NHIS counts 본인부담금 by the day of care (요양기관 claim by 진료기간), so a stay billed on
one line from 2023-12-20 for 30 days counts partly in 2023 and partly in 2024. A stay's days
are its 진료일자 (the first day it bills) and the days after: ``date, date + 1, …,
date + days − 1`` (12 days in 2023 and 18 in 2024 above). Each line becomes one *piece* per
window its stay reaches (one piece for every line that does not cross).

- **Days** are facts of the calendar: each day counts in the year it falls in, once however
  many lines of one place bill it (:func:`long_stay_years`, the 요양병원 120일 rule, per
  calendar year).
- **① of a crossing line** is not split on the line: how much of it fell on which days is
  not known. Two placements: :func:`split_by_days` (the *estimate* used with a known
  소득분위: in proportion to the days in each window, whole won, the rounding remainder to
  the last window) and :func:`certain_amounts` (the placement giving the *least* refund,
  used for the refund every decile gets, so that it stays a lower bound whatever the split).

Least refund, per person: windows ``w`` with ① ``A_w`` of the lines that do not cross and
상한액 ``L_w``; crossing lines ``i`` with ① ``X_i``, placed as any ``x_iw ≥ 0`` over the
windows ``w`` of the line's span with ``Σ_w x_iw = X_i``::

    refund(x)     = Σ_w max(0, A_w + Σ_i x_iw − L_w)
    room_w        = max(0, L_w − A_w)
    min_x refund  = Σ_w max(0, A_w − L_w) + Σ_i X_i − F

where ``F`` is the most ① the crossing lines can place inside the rooms (each won inside a
room adds 0, each won beyond adds exactly 1 in whichever window). For one stay across one
year end: ``Σ_w max(0, A_w − L_w) + max(0, X − room_1 − room_2)``. A stay's windows are
consecutive, so ``F`` is reached by filling the windows in date order, each with the
unplaced ① of the lines whose span ends soonest first (earliest deadline first: the
exchange argument of interval scheduling; tests compare it with brute force). ① that fits
in no room goes to the line's first window, which then has no room left, like every
window of that line's span.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd

from .ceiling_table import CeilingTable, load_table
from .dates import covered_days
from .errors import InputError
from .receipts.lines import ReceiptLines, as_receipt_lines

__all__ = [
    "TOTAL_COLUMNS",
    "LineColumns",
    "Pieces",
    "StayYears",
    "certain_amounts",
    "code_is",
    "copay_parts",
    "counted_copay",
    "crossing_rows",
    "frame_pieces",
    "group_cumsum",
    "group_firsts",
    "group_sums",
    "line_sums",
    "long_stay_years",
    "name_rank",
    "per_person",
    "person_values",
    "person_years",
    "piece_refunds",
    "pieces",
    "refunds_above",
    "split_by_days",
    "stay_years",
    "uncounted_copay",
    "year_deciles",
    "year_rows",
]

_DAY = np.timedelta64(1, "D")


@dataclass(frozen=True)
class LineColumns:
    """The columns of validated lines the 상한제 reads, as numpy arrays taken once
    (:meth:`of`): codes with their names (``person``, ``setting``, ``tier``, ``category``;
    ``lines.codes``) and ``date``, ``days``, ``covered_copay``, ``institution``, ``visit``."""

    person: tuple[np.ndarray, tuple[str, ...]]
    setting: tuple[np.ndarray, tuple[str, ...]]
    tier: tuple[np.ndarray, tuple[str, ...]]
    category: tuple[np.ndarray, tuple[str, ...]]
    date: np.ndarray
    days: np.ndarray
    covered_copay: np.ndarray
    institution: np.ndarray
    visit: np.ndarray

    @classmethod
    def of(cls, lines: ReceiptLines) -> LineColumns:
        """The columns of ``lines`` (two checks that they are intact)."""
        coded = lines.codes_of("person", "setting", "tier", "category")
        date, days, copay, institution, visit = lines.arrays(
            "date", "days", "covered_copay", "institution", "visit"
        )
        return cls(
            *coded, date, np.asarray(days, dtype=np.int64), np.asarray(copay, dtype=np.int64),
            institution, visit,
        )  # fmt: skip

    def __len__(self) -> int:
        return len(self.date)


class Pieces:
    """Each line's pieces, one per window its stay reaches: ``pos`` (the line's position),
    ``year``, ``second`` (1 when the piece starts in July–December), ``start`` (the piece's
    first day: the line's date, or 1 January / 1 July for later pieces), ``days`` (days of
    the stay in the piece; the line's 입원일수 when it does not cross), ``crossing`` (the
    line crosses). Pieces of one line are consecutive and in date order."""

    def __init__(
        self, pos: Any, year: Any, second: Any, start: Any, days: Any, crossing: Any
    ) -> None:
        self.pos = np.asarray(pos, dtype=np.int64)
        self.year = np.asarray(year, dtype=np.int64)
        self.second = np.asarray(second, dtype=np.int64)
        self.start = np.asarray(start, dtype="datetime64[ns]")
        self.days = np.asarray(days, dtype=np.int64)
        self.crossing = np.asarray(crossing, dtype=bool)

    def __len__(self) -> int:
        return len(self.pos)


SECOND_HALF_MONTH: Final = 7
"""Before 2008 the 상한액 capped each half-year; the second half runs from 1 July (7.1–12.31)."""


def _second_half(month: Any) -> np.ndarray:
    """True for months in the second half-year (from :data:`SECOND_HALF_MONTH`)."""
    return np.asarray(month) >= SECOND_HALF_MONTH


def _year_month(day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(year, month 1–12) of datetime64 days, by numpy's calendar arithmetic."""
    months = np.asarray(day).astype("datetime64[M]").astype(np.int64)
    return months // 12 + 1970, months % 12 + 1


def _key(day: np.ndarray, halves: np.ndarray) -> np.ndarray:
    """Window key of days: year × 2, + 1 for the second half (from :data:`SECOND_HALF_MONTH`)
    in a year capped per half-year."""
    year, month = _year_month(day)
    return year * 2 + (np.isin(year, halves) & _second_half(month))


def pieces(dates: Any, days: np.ndarray, stay: np.ndarray, half_years: Any = ()) -> Pieces:
    """Split the lines whose stay (``stay``: 입원 lines; days ``date … date + days − 1``)
    crosses 1 January — or 1 July in ``half_years`` (years capped per half-year) — into one
    piece per window; every other line is one piece of its own date. ``dates``: a Series or
    an array of datetime64."""
    if isinstance(dates, pd.Series):
        dates = dates.to_numpy(dtype="datetime64[ns]")
    day = np.asarray(dates, dtype="datetime64[ns]").astype("datetime64[D]")
    n = np.asarray(days, dtype=np.int64)
    halves = np.asarray(tuple(half_years), dtype=np.int64)
    long = np.asarray(stay, dtype=bool) & (n > 1)
    cross = np.zeros(len(day), dtype=bool)
    if long.any():
        at = np.flatnonzero(long)
        cross[at] = _key(day[at], halves) != _key(day[at] + (n[at] - 1) * _DAY, halves)
    year, month = _year_month(day)
    if not cross.any():
        return Pieces(np.arange(len(day)), year, _second_half(month), day, n, cross)
    rows: list[tuple[int, np.datetime64, int]] = []
    for i in np.flatnonzero(cross):
        first, left = day[i], int(n[i])
        while left > 0:
            year_of = first.astype("datetime64[Y]")
            month_of = first.astype("datetime64[M]") - year_of.astype("datetime64[M]")
            if int(str(year_of)) in halves.tolist() and int(month_of) < SECOND_HALF_MONTH - 1:
                end = np.datetime64(f"{year_of}-{SECOND_HALF_MONTH:02d}-01")  # the second half
            else:
                # explicit unit: numpy 2.5 deprecates adding a bare int to a datetime64
                end = (year_of + np.timedelta64(1, "Y")).astype("datetime64[D]")
            take = min(left, int((end - first) // _DAY))
            rows.append((int(i), first, take))
            first, left = end, left - take
    extra = np.array([r[1] for r in rows], dtype="datetime64[D]")
    extra_year, extra_month = _year_month(extra)
    keep = np.flatnonzero(~cross)
    pos = np.concatenate([keep, [r[0] for r in rows]])
    order = np.argsort(pos, kind="stable")
    return Pieces(
        pos[order],
        np.concatenate([year[keep], extra_year])[order],
        np.concatenate([_second_half(month[keep]), _second_half(extra_month)])[order],
        np.concatenate([day[keep], extra])[order],
        np.concatenate([n[keep], [r[2] for r in rows]])[order],
        cross[pos[order]],
    )


def group_cumsum(values: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Running Σ ``values`` within each group (int64), in the arrays' order: as pandas'
    ``groupby(group).cumsum()``."""
    values = np.asarray(values, dtype=np.int64)
    order = np.argsort(group, kind="stable")
    run = np.cumsum(values[order])
    sorted_group = np.asarray(group)[order]
    new = np.ones(len(run), dtype=bool)
    new[1:] = sorted_group[1:] != sorted_group[:-1]
    base = (run - values[order])[new]  # the running Σ before each group's first value
    out = np.empty(len(run), dtype=np.int64)
    out[order] = run - base[np.cumsum(new) - 1]
    return out


def split_by_days(copay: np.ndarray, parts: Pieces) -> np.ndarray:
    """The estimate: each piece's share of its line's ① (won), ``floor(X × D_k / D) −
    floor(X × D_{k−1} / D)`` with ``D_k`` the line's days up to and including piece ``k``:
    in proportion to the days, whole won, the shares summing to ``X`` exactly."""
    amount = np.asarray(copay, dtype=np.int64)[parts.pos]
    if not parts.crossing.any():
        return amount
    total = np.bincount(parts.pos, weights=parts.days).astype(np.int64)[parts.pos]
    upto = group_cumsum(parts.days, parts.pos)
    share = amount * upto // np.maximum(total, 1) - amount * (upto - parts.days) // np.maximum(
        total, 1
    )
    return np.where(parts.crossing, share, amount)


def certain_amounts(
    copay: np.ndarray, parts: Pieces, person: np.ndarray, window: np.ndarray, limit: np.ndarray
) -> np.ndarray:
    """The placement of each crossing line's ① giving the least refund (see the module
    docstring), per piece (won); a line that does not cross keeps its ① on its one piece.
    ``person`` (integer codes), ``window`` (ordered codes) and ``limit`` (상한액) are per
    piece."""
    amount = np.asarray(copay, dtype=np.int64)[parts.pos].copy()
    if not parts.crossing.any():
        return amount
    amount[parts.crossing] = 0
    mine = np.isin(person, np.unique(person[parts.crossing]))  # only people with a crossing
    pairs, inverse = np.unique(  # (person, window) of the people with a crossing
        np.column_stack([person[mine], window[mine]]).astype(np.int64), axis=0,
        return_inverse=True,
    )  # fmt: skip
    inverse = inverse.reshape(-1)
    fixed = group_sums(amount[mine], inverse, len(pairs))  # Σ ① placed
    top = np.full(len(pairs), np.iinfo(np.int64).min, dtype=np.int64)  # the largest 상한액
    np.maximum.at(top, inverse, np.asarray(limit, dtype=np.int64)[mine])
    room = dict(zip(map(tuple, pairs.tolist()), np.maximum(top - fixed, 0).tolist(), strict=True))
    crossing = np.flatnonzero(parts.crossing)
    lines = pd.unique(parts.pos[crossing])
    left = {int(i): int(copay[i]) for i in lines}
    spans: dict[int, list[int]] = {}  # line → its pieces (indices), in date order
    for k in crossing:
        spans.setdefault(int(parts.pos[k]), []).append(int(k))
    by_person: dict[Any, list[int]] = {}
    for i in left:
        by_person.setdefault(person[spans[i][0]], []).append(i)
    for who, mine in by_person.items():
        for w in sorted({int(window[k]) for i in mine for k in spans[i]}):
            here = [(int(window[spans[i][-1]]), i) for i in mine if left[i] > 0]
            for _, i in sorted(here):
                at = [k for k in spans[i] if window[k] == w]
                if not at or room.get((who, w), 0) <= 0:
                    continue
                put = min(left[i], room[(who, w)])
                amount[at[0]] += put
                left[i] -= put
                room[(who, w)] -= put
    for i, rest in left.items():  # beyond every room of its span: the line's first window
        amount[spans[i][0]] += rest
    return amount


def long_stay_years(
    receipts: pd.DataFrame, table: CeilingTable | None = None, whole: bool = False
) -> pd.DataFrame:
    """Per person and calendar year: ``days`` (the days of 병원-tier 입원 lines, each day
    once per place), ``unknown`` (such a line with 0 days) and ``long_stay`` = days >
    ``long_stay_days`` (120) or unknown.

    Only 병원 (``hospital``) stays can be 요양병원 stays (상급종합·종합병원·의원 never are).
    A line's days are ``[date, date + 입원일수)``; the days of one person at one place are
    their union ``|∪ [date, date + 입원일수)|`` (as the 상급병실 cap's 총 입원일수), not
    Σ 입원일수: one receipt split into an 일반 and a 상급병실 line of one date and 입원일수
    is 입원일수 days, a 중간 receipt and a 퇴원 receipt counting its last day again one day
    less than their sum. A place is the 병원명 (spaces and full-width ignored), else the
    방문묶음 key, else one for all of the person's lines without either; two places sharing
    a day (a transfer) each count it, as each bills it. Each day counts in the calendar year
    it falls in (a stay from 2023-12-20 for 30 days: 12 days in 2023, 18 in 2024).
    ``whole`` (the certain refund's count): a crossing stay's days ``[date, date + 입원일수)``
    count wholly in each year it reaches, the most it can have there, whatever day its
    진료일자 names. Unknown days take the long-stay 상한액, the higher one, so the refund
    taken out is never more than the rules give.
    """
    columns = LineColumns.of(as_receipt_lines(receipts))
    stays = stay_years(columns, load_table() if table is None else table, whole)
    return pd.DataFrame(
        {
            "person": np.asarray(stays.names, dtype=object)[stays.person],
            "year": stays.year,
            "days": stays.days,
            "unknown": stays.unknown,
            "long_stay": stays.long_stay,
        }
    )


@dataclass(frozen=True)
class StayYears:
    """:func:`long_stay_years` as arrays, one entry per (person, year) in person (by name),
    year order: ``person`` (codes into ``names``, as ``lines.codes("person")``), ``year``,
    ``days``, ``unknown``, ``long_stay``; ``rank`` (per person code, its place by name) and
    ``key`` (per entry, rank × 2**20 + year, ascending) serve :meth:`at`."""

    names: tuple[str, ...]
    rank: np.ndarray
    key: np.ndarray
    person: np.ndarray
    year: np.ndarray
    days: np.ndarray
    unknown: np.ndarray
    long_stay: np.ndarray

    def at(self, person: np.ndarray, year: np.ndarray) -> np.ndarray:
        """Entry index of each (person code, year); each pair must have an entry."""
        wanted = _person_year(self.rank[person], year)
        found = np.searchsorted(self.key, wanted)
        if len(wanted) and not np.array_equal(
            self.key[np.minimum(found, len(self.key) - 1)], wanted
        ):
            raise ValueError("a (person, year) without a long-stay entry")  # a bug, not input
        return found


_YEARS: Final = 1 << 20
"""Room for a year in a (person, year) key: ``rank × _YEARS + year``."""


def _person_year(rank: np.ndarray, year: np.ndarray) -> np.ndarray:
    return np.asarray(rank, dtype=np.int64) * _YEARS + np.asarray(year, dtype=np.int64)


def name_rank(names: tuple[str, ...]) -> np.ndarray:
    """Per person code, its place among ``names`` sorted (pandas' ``groupby(sort=True)`` order)."""
    rank = np.empty(len(names), dtype=np.int64)
    rank[sorted(range(len(names)), key=names.__getitem__)] = np.arange(len(names))
    return rank


def stay_years(lines: LineColumns, tab: CeilingTable, whole: bool = False) -> StayYears:
    """:func:`long_stay_years` of validated lines, as :class:`StayYears` (numpy, no pandas
    groupby: a crossing stay's pieces, then per (person, year, place) the union of days)."""
    (code, names), (setting, settings), (tier, tiers) = lines.person, lines.setting, lines.tier
    date, days, institution, visit = lines.date, lines.days, lines.institution, lines.visit
    inpatient = code_is(setting, settings, "inpatient")
    stay = inpatient & code_is(tier, tiers, "hospital")
    parts = pieces(date, days, inpatient)  # every year a stay reaches has an entry
    pos = parts.pos
    rank = name_rank(names)
    key, group = np.unique(_person_year(rank[code[pos]], parts.year), return_inverse=True)
    unknown = np.zeros(len(key), dtype=bool)
    unknown[group[(stay & (days == 0))[pos]]] = True
    whole_piece = whole & parts.crossing
    line_day = date.astype("datetime64[ns]").astype("datetime64[D]")
    begin = np.where(whole_piece, line_day[pos], parts.start.astype("datetime64[D]")).astype(
        np.int64
    )
    length = np.where(whole_piece, days[pos], parts.days)
    counted = np.flatnonzero(stay[pos] & (length > 0))
    place = _places(institution[pos[counted]], visit[pos[counted]])
    width = int(place.max(initial=0)) + 1
    sub, inverse = np.unique(group[counted] * width + place, return_inverse=True)
    covered = covered_days(  # per (person, year, place), summed per (person, year)
        inverse, begin[counted], begin[counted] + length[counted], len(sub)
    )
    total = np.zeros(len(key), dtype=np.int64)
    np.add.at(total, sub // width, covered)
    order = np.argsort(rank, kind="stable")
    return StayYears(
        names, rank, key, order[key // _YEARS], key % _YEARS, total, unknown,
        (total > tab.long_stay_days) | unknown,
    )  # fmt: skip


def code_is(codes: np.ndarray, names: tuple[str, ...], name: str) -> np.ndarray:
    """``names[codes] == name`` per line."""
    return codes == names.index(name) if name in names else np.zeros(len(codes), dtype=bool)


def _places(name: np.ndarray, key: np.ndarray) -> np.ndarray:
    """A code per line for the place whose days are counted once, from its 병원명 ``name``
    and 방문묶음 ``key`` (object arrays): the 병원명 (as lines are grouped by it,
    :func:`~silson_tools.receipts.crosscheck.institution_key`), else the 방문묶음 key, else
    one for all of a person's lines without either."""
    from .receipts.crosscheck import institution_key

    name, key = np.asarray(name, dtype=object), np.asarray(key, dtype=object)
    keys = {t: "n" + institution_key(t) for t in pd.unique(name) if t}
    place = np.array([keys.get(t, "") for t in name], dtype=object)
    keyed = (place == "") & (key != "")
    place[keyed] = "k" + key[keyed].astype(str)
    return pd.factorize(place)[0]


TOTAL_COLUMNS = (
    "person",
    "year",
    "counted",
    "uncounted",
    "days",
    "long_stay",
    "decile",
    "limit",
    "refund",
)
"""Columns of :meth:`CeilingSpec.totals` and :meth:`CertainRefund.totals`."""


def counted_copay(receipts: pd.DataFrame, table: CeilingTable | None = None) -> np.ndarray:
    """The amount of each line that counts towards the ceiling (won): ``covered_copay``
    (급여 일부본인부담 본인부담금, receipt column ①), 0 on lines whose 항목 the 상한제 leaves out.

    Not counted: ``noncovered`` (비급여), ``full_copay`` (전액본인부담), and ① of the 항목 in
    ``[rules.uncounted_categories]`` (상급병실: 2·3인실 입원료) and
    ``[rules.partly_uncounted_categories]`` (한방: 추나요법, 치과: 노인 임플란트) of
    data/ceiling.toml; 선별급여 must not be in ``covered_copay`` (the columns cannot tell it).
    """
    columns = LineColumns.of(as_receipt_lines(receipts))
    return copay_parts(columns, load_table() if table is None else table)[0]


def uncounted_copay(receipts: pd.DataFrame, table: CeilingTable | None = None) -> np.ndarray:
    """① the 상한제 total leaves out, per line (won): ``covered_copay − counted_copay``."""
    columns = LineColumns.of(as_receipt_lines(receipts))
    return copay_parts(columns, load_table() if table is None else table)[1]


def copay_parts(lines: LineColumns, tab: CeilingTable) -> tuple[np.ndarray, np.ndarray]:
    """(:func:`counted_copay`, :func:`uncounted_copay`) of validated lines, in one pass."""
    codes, names = lines.category
    copay = lines.covered_copay
    left = np.array([n in (*tab.uncounted, *tab.partly_uncounted) for n in names], dtype=bool)
    left_out = left[codes] if len(names) else np.zeros(len(lines), dtype=bool)
    counted = np.where(left_out, 0, copay)
    return counted, copay - counted


def frame_pieces(frame: pd.DataFrame | Mapping[str, Any]) -> Pieces:
    """The :class:`~silson_tools.ceiling_years.Pieces` of a piece frame (or its columns)."""
    date = np.asarray(frame["date"], dtype="datetime64[ns]")
    return Pieces(
        frame["pos"], frame["year"], _second_half(_year_month(date)[1]), date,
        frame["days"], frame["crossing"],
    )  # fmt: skip


def person_years(
    who: np.ndarray, names: tuple[str, ...], year: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(person code, year) groups in person (by name), year order, as pandas'
    ``groupby(["person", "year"], sort=True)``: (person code per group, year per group,
    group per item); ``who`` are codes into ``names``."""
    rank = name_rank(names)
    key, group = np.unique(_person_year(rank[who], year), return_inverse=True)
    return np.argsort(rank, kind="stable")[key // _YEARS], key % _YEARS, group


def group_firsts(group: np.ndarray, count: int) -> np.ndarray:
    """Per group 0 … count − 1 (each with a member), the index of its first member."""
    first = np.full(count, len(group), dtype=np.int64)
    np.minimum.at(first, group, np.arange(len(group)))
    return first


def group_sums(values: np.ndarray, group: np.ndarray, count: int) -> np.ndarray:
    """Per group 0 … count − 1: Σ ``values`` (int64)."""
    out = np.zeros(count, dtype=np.int64)
    np.add.at(out, group, np.asarray(values, dtype=np.int64))
    return out


def piece_refunds(frame: pd.DataFrame) -> np.ndarray:
    """Per piece, in the frame's order: its part of the copay above the window's L, the
    window's dates in order (:func:`refunds_above`: the date that passes L shares its part
    over its pieces by copay)."""
    who = pd.factorize(frame["person"])[0]
    return refunds_above(
        who, *(frame[c].to_numpy() for c in ("window", "date", "pos", "copay", "limit"))
    )


def refunds_above(
    person: np.ndarray, window: np.ndarray, date: np.ndarray, pos: np.ndarray,
    copay: np.ndarray, limit: np.ndarray,
) -> np.ndarray:  # fmt: skip
    """:func:`piece_refunds` of per-piece arrays (``person``: any codes that tell people
    apart): the pieces sorted by person, window and date, the running Σ restarting with each
    person's window. The date on which Σ passes L gives ``max(0, cum − L) − max(0, cum − T −
    L)`` (``cum`` at the date's end, ``T`` its Σ) and shares it over that date's pieces in
    proportion to their copay (largest remainder), not by row order: the same receipts in
    another order give the same refund on each line."""
    from .engine.shares import largest_remainder

    day = np.asarray(date)
    day = day.astype("datetime64[ns]").view(np.int64) if day.dtype.kind == "M" else day
    order = np.lexsort((np.arange(len(day)), pos, day, window, person))
    copay = np.asarray(copay, dtype=np.int64)[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = (person[order][1:] != person[order][:-1]) | (
        window[order][1:] != window[order][:-1]
    )
    run = np.cumsum(copay)
    cum = run - (run - copay)[first][np.cumsum(first) - 1]
    lim = np.asarray(limit, dtype=np.int64)[order]
    out = np.empty(len(order), dtype=np.int64)
    if not len(order):
        return out
    on_date = first.copy()
    on_date[1:] |= day[order][1:] != day[order][:-1]  # each person–window–date
    starts = np.flatnonzero(on_date)
    ends = np.append(starts[1:], len(order)) - 1
    total = np.add.reduceat(copay, starts)
    refund = np.maximum(cum[ends] - lim[starts], 0) - np.maximum(
        cum[ends] - total - lim[starts], 0
    )
    out[order] = largest_remainder(refund, copay, np.cumsum(on_date) - 1)
    return out


def line_sums(frame: pd.DataFrame | Mapping[str, Any], values: np.ndarray, n: int) -> np.ndarray:
    """Per line (int64, row order): Σ ``values`` of its pieces."""
    out = np.zeros(n, dtype=np.int64)
    np.add.at(out, np.asarray(frame["pos"]), values)
    return out


def year_rows(
    frame: pd.DataFrame, lines: ReceiptLines, table: CeilingTable | None, whole: bool = False
) -> pd.DataFrame:
    """:data:`TOTAL_COLUMNS` per person and year of a piece frame with ``refund``: sums,
    the first ``long_stay`` and ``decile``, the largest ``limit``, and the year's ``days``
    (:func:`long_stay_years`), in person, year order."""
    code, names = pd.factorize(frame["person"].to_numpy(dtype=object))
    person, year, group = person_years(code, tuple(names), frame["year"].to_numpy())
    n = len(year)
    at = group_firsts(group, n)
    top = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(top, group, frame["limit"].to_numpy(dtype=np.int64))
    columns = LineColumns.of(lines)
    stays = stay_years(columns, load_table() if table is None else table, whole)
    line_code = {name: i for i, name in enumerate(columns.person[1])}
    of_line = np.array([line_code[name] for name in names], dtype=np.int64)
    return pd.DataFrame(
        {
            "person": np.asarray(names, dtype=object)[person],
            "year": year,
            "counted": group_sums(frame["copay"].to_numpy(), group, n),
            "uncounted": group_sums(frame["uncounted"].to_numpy(), group, n),
            "days": stays.days[stays.at(of_line[person], year)],
            "long_stay": frame["long_stay"].to_numpy()[at],
            "decile": frame["decile"].to_numpy()[at],
            "limit": top,
            "refund": group_sums(frame["refund"].to_numpy(), group, n),
        }
    )


def crossing_rows(frame: pd.DataFrame, lines: ReceiptLines) -> pd.DataFrame:
    """The pieces of lines whose stay crosses a window end: ``row`` (spreadsheet row),
    ``person, date`` (the line's), ``line_days``, ``year``, ``days`` and ``copay`` (① placed)."""
    part = frame[frame["crossing"]].groupby(["pos", "year"], sort=True)
    out = part.agg(person=("person", "first"), days=("days", "sum"), copay=("copay", "sum"))
    out = out.reset_index()
    pos = out["pos"].to_numpy()
    out.insert(0, "row", lines.rows[pos] if len(pos) else np.zeros(0, dtype=np.int64))
    out["date"] = lines["date"].to_numpy()[pos]
    out["line_days"] = lines["days"].to_numpy()[pos]
    return out[["row", "person", "date", "line_days", "year", "days", "copay"]]


def per_person(name: str, value: Any, persons: pd.Series, check: Any) -> np.ndarray:
    """A scalar or a person → value mapping, as one value per line (InputError if missing)."""
    if isinstance(value, Mapping):
        return persons.map(_person_lookup(name, value, set(persons), check)).to_numpy()
    return np.full(len(persons), check(value))


def _person_lookup(name: str, value: Mapping[Any, Any], persons: set[str], check: Any) -> dict:
    """``{str(person): check(value)}`` of a mapping that names every one of ``persons``."""
    missing = sorted(persons - {str(k) for k in value})
    if missing:
        raise InputError(
            f"{name}: no value for person(s) {missing}; mapping has {sorted(map(str, value))}"
        )
    return {str(k): check(v) for k, v in value.items()}


def person_values(
    name: str, value: Any, codes: np.ndarray, names: tuple[str, ...], check: Any
) -> np.ndarray:
    """:func:`per_person` of persons given as codes into ``names`` (``lines.codes("person")``):
    one look-up per person present, spread back by code."""
    if not isinstance(value, Mapping):
        return np.full(len(codes), check(value))
    present = np.unique(codes).tolist()
    lookup = _person_lookup(name, value, {names[c] for c in present}, check)
    spread = np.zeros(len(names), dtype=object)
    spread[present] = [lookup[names[c]] for c in present]
    return np.array(spread[codes].tolist())


def year_deciles(given_by_year: Mapping[int, Any], frame: pd.DataFrame, check: Any) -> np.ndarray:
    """Each piece's 소득분위 from ``given_by_year`` (year → decile or person → decile) of the
    piece's year (``frame``: ``pos, person, year``); the later part of a stay in a year
    without one (for that person) takes its first year's (InputError when a line's own year
    has none). ``check`` turns a given value into the decile or raises."""
    persons = frame["person"]
    later = frame["pos"].duplicated().to_numpy()
    out = np.zeros(len(frame), dtype=np.int64)
    for first in (True, False):
        for year in np.unique(frame["year"].to_numpy()):
            where = (frame["year"] == year).to_numpy() & (later != first)
            given = given_by_year.get(int(year))
            if not where.any() or (not first and given is None):
                continue
            if given is None:
                raise InputError(f"no 소득분위 for {year}; given for {sorted(given_by_year)}")
            if not first and isinstance(given, Mapping):
                where &= persons.isin([str(k) for k in given]).to_numpy()
            out[where] = per_person("decile", given, persons[where], check)
    unset = np.flatnonzero(out == 0)  # later parts without their own year's decile
    out[unset] = (
        pd.Series(out).groupby(frame["pos"].to_numpy()).transform("first").to_numpy()[unset]
    )
    return out
