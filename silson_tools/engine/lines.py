"""The engine's working form of receipt lines: numpy columns sorted by person and date.

Every step works on :class:`SortedLines` (people together, each person's lines by date, ties
in file order) and writes what it decides into :class:`LineDetail` (one entry per sorted
line). Lines of one person in one policy year (보험연도) form a group with id ``gid``,
non-decreasing in sorted order, so yearly counts and limits are running sums within runs of
equal ``gid``. Only ``assess`` turns the results back into the input's row order.
"""

from __future__ import annotations

import sys
import weakref
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, TypeAlias

import numpy as np

from ..dates import per_day, policy_year_index
from ..schema import SETTINGS, TIERS

if TYPE_CHECKING:
    from .validated import DeferredLines
    from .visits import Visits

__all__ = [
    "IN",
    "OUT",
    "PH",
    "SETTING_CODES",
    "TIER_CODES",
    "InputColumns",
    "LineDetail",
    "PerLine",
    "SortedLines",
    "empty_rows",
    "gather",
    "group_cumsum",
    "group_firsts",
    "in_order",
    "nonzero_at",
    "owned_row",
    "policy_years",
    "run_number",
    "sort_lines",
    "sort_order",
    "zero_rows",
    "zeros_view",
]

I64 = np.int64
SETTING_CODES: tuple[str, ...] = tuple(SETTINGS)
"""Setting codes: index into schema.SETTINGS (inpatient 0, outpatient 1, pharmacy 2)."""
IN, OUT, PH = 0, 1, 2
TIER_CODES: tuple[str, ...] = tuple(TIERS)
"""Tier codes: index into schema.TIERS."""

PerLine: TypeAlias = np.ndarray | int
"""A value per line, or one value for every line (an undated rule parameter)."""


@dataclass
class InputColumns:
    """Validated receipt columns in the input's row order (see :mod:`.inputs`)."""

    person: np.ndarray
    """Person id (0, 1, … in order of appearance)."""
    day: np.ndarray
    """Date of care, ``datetime64[D]``."""
    setting: np.ndarray
    tier: np.ndarray
    cat: np.ndarray
    """Codes: index into SETTING_CODES, TIER_CODES and ``cat_names``."""
    cat_names: tuple[str, ...]
    cc: np.ndarray
    fc: np.ndarray
    nc: np.ndarray
    """① covered_copay, ③ full_copay, ④ noncovered (int64 won)."""
    nhis: np.ndarray
    """② nhis_paid (all 0 when no part reads it)."""
    over: np.ndarray
    """⑤ over_ceiling."""
    days: np.ndarray
    """입원일수."""
    severe: np.ndarray
    """산정특례 (중증) flag (bool)."""


@dataclass
class SortedLines:
    """Receipt lines as numpy columns, sorted by person, date and file order."""

    order: np.ndarray
    """Row position (0-based) in the input of each sorted line."""
    person: np.ndarray
    day: np.ndarray
    setting: np.ndarray
    tier: np.ndarray
    cat: np.ndarray
    cat_names: tuple[str, ...]
    cc: np.ndarray
    fc: np.ndarray
    nc: np.ndarray
    nhis: np.ndarray
    over: np.ndarray
    days_input: np.ndarray
    """입원일수 in the input's row order (only the room part reads it: see :meth:`days`)."""
    severe: np.ndarray
    """산정특례 (중증) flag (bool): routes 5세대 비급여 to 특약1."""
    year: np.ndarray
    """Policy year index (0 = the year starting on ``start``; −1 = before it)."""
    start: np.datetime64
    """The contract date (계약일) policy years run from."""
    gid: np.ndarray
    """Person–policy-year group id, non-decreasing in sorted order."""
    identity: bool
    """True when the input was already in that order (no reordering needed)."""
    amounts_input: tuple[np.ndarray, np.ndarray, np.ndarray]
    """① covered_copay, ③ full_copay, ④ noncovered in the input's row order (the validated
    columns themselves; see :meth:`claim_input_order`)."""
    visits: dict[tuple[str, str], Visits | None] = field(default_factory=dict)
    """Outpatient/pharmacy visit groupings, built once and shared by every visit part."""
    nhis_estimate: np.ndarray | None = None
    """② 공단부담금 estimated per sorted line (0 where the receipt gave it), or None."""
    receipts: DeferredLines | None = None
    """The validated lines these came from: ``receipts.error(order[i], …)`` names the row a
    person sees for sorted line ``i``; ``receipts.lines`` is the ReceiptLines."""
    given: tuple[str, ...] = ()
    """``receipts.given_columns``, read once (the canonical columns the input had)."""

    @property
    def n(self) -> int:
        return len(self.order)

    def year_input_order(self, out: np.ndarray | None = None) -> np.ndarray:
        """Policy year index in the input's row order (``year`` itself when the input was in
        order; else put back into ``out``, an int64 array of one per line, when given)."""
        if self.identity:
            return self.year
        back = np.empty_like(self.year) if out is None or out.dtype != self.year.dtype else out
        back[self.order] = self.year
        return back

    def claim_input_order(self, out: np.ndarray | None = None) -> np.ndarray:
        """covered_copay + full_copay + noncovered in the input's row order (into ``out``, an
        int64 array of one per line, when given)."""
        cc, fc, nc = self.amounts_input
        claim = np.add(cc, fc, out=out, dtype=I64)
        claim += nc
        return claim

    @cached_property
    def group_starts(self) -> np.ndarray:
        """Where each person–policy-year group begins (the lines where ``gid`` changes),
        found once for every part's yearly limit."""
        return np.flatnonzero(group_firsts(self.gid))

    @cached_property
    def inpatient(self) -> np.ndarray:
        """True on inpatient (입원) lines."""
        return self.setting == IN

    @cached_property
    def inpatient_at(self) -> np.ndarray:
        """Positions of the inpatient lines (found once for every visit part)."""
        return np.flatnonzero(self.inpatient)

    def days(self, idx: np.ndarray) -> np.ndarray:
        """입원일수 of the sorted lines ``idx``."""
        return self.days_input[idx if self.identity else self.order[idx]]

    def input_order(self, arr: np.ndarray) -> np.ndarray:
        """A sorted-order column back in the input's row order: one scatter, or only of its
        nonzero values when they are few (most lines have no cap or limit cut)."""
        nonzero = np.count_nonzero(arr)
        if self.identity and nonzero:
            return arr
        if nonzero * 8 < self.n:
            back = np.zeros(self.n, dtype=arr.dtype)
            if nonzero:
                at = nonzero_at(arr)
                back[self.order[at]] = arr[at]
            return back
        back = np.empty_like(arr)
        back[self.order] = arr
        return back


@dataclass
class LineDetail:
    """What the steps decide on each sorted line (summed over the policy's parts)."""

    deductible: np.ndarray
    rate_part: np.ndarray
    selfpay_cap_refund: np.ndarray
    visit_cap_cut: np.ndarray
    count_cut: np.ndarray
    annual_cut: np.ndarray
    session_no: np.ndarray
    needs_improvement_proof: np.ndarray

    @classmethod
    def zeros(cls, n: int, rows: list[np.ndarray] | None = None) -> LineDetail:
        """Every column 0 on ``n`` lines; the int64 ones are ``rows`` (7 zeroed arrays of
        ``n``, e.g. from :func:`zero_rows`) when given, else the rows of one new block."""
        r = zero_rows(7, n) if rows is None else rows
        return cls(
            deductible=r[0],
            rate_part=r[1],
            selfpay_cap_refund=r[2],
            visit_cap_cut=r[3],
            count_cut=r[4],
            annual_cut=r[5],
            session_no=r[6],
            needs_improvement_proof=np.zeros(n, dtype=bool),
        )


_ROW_BLOCKS: weakref.WeakValueDictionary[int, np.ndarray] = weakref.WeakValueDictionary()
"""The blocks :func:`zero_rows` made that are still alive (by id; see :func:`owned_row`)."""


def empty_rows(k: int, n: int) -> list[np.ndarray]:
    """:func:`zero_rows` without the zeros (values undefined, to be written)."""
    block = np.empty((k, n), I64)
    _ROW_BLOCKS[id(block)] = block
    return list(block)


def zero_rows(k: int, n: int) -> list[np.ndarray]:
    """``k`` int64 arrays of ``n`` zeros: the rows of one ``(k, n)`` block, one allocation.

    Fresh memory is mapped by the kernel on first touch: a 2 MiB page at a time inside a
    large allocation (numpy asks for huge pages), but 4 KiB at a time in the 2 MiB stretch
    at each end, which it shares with its neighbours on the heap: about 420 faults for each
    separate 8 MB array, and as many again for reading an untouched one. Rows of one block
    have no ends between them. :func:`owned_row` tells them from other views."""
    block = np.zeros((k, n), I64)
    _ROW_BLOCKS[id(block)] = block
    return list(block)


def owned_row(a: np.ndarray) -> bool:
    """True when ``a`` is a whole row of a block :func:`zero_rows` made (memory the engine
    owns: no caller's column is a view of it)."""
    base = a.base
    return (
        base is not None
        and _ROW_BLOCKS.get(id(base)) is base
        and a.ndim == 1
        and a.shape[0] == base.shape[-1]
    )


def sort_order(
    person: np.ndarray,
    day: np.ndarray,
    spare: list[np.ndarray] | None = None,
    out: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """Positions sorted by person, then date, then file order, with the sorted person and day.

    Stable least-significant-digit passes (numpy's stable argsort of ``uint16`` is a radix
    sort, a few times faster than a comparison sort): when the days span and the persons
    each fit in 16 bits, one pass by the day then one by the person (each read contiguous);
    otherwise passes of 16 bits over the key ``person × span + day − first day``. Ties keep
    file order. Input already in that order comes back as ``arange`` (see :func:`in_order`).
    Falls back to ``lexsort`` (and None for the sorted columns) when the key does not fit
    in 63 bits. ``spare``: where int64 arrays of one per line that the sort is done with are
    put, for the caller to write into (their values are undefined). ``out``: an int64 array
    of one per line for the key (the order is written over it where it can be).
    """
    n = len(day)
    if n == 0:
        return np.zeros(0, dtype=np.intp), person[:0], day[:0]
    d = day.view(I64)
    lo = int(d.min())
    span = int(d.max()) - lo + 1
    people = int(person.max()) + 1
    top = people * span
    if top >= 2**63:
        return np.lexsort((np.arange(n), day, person)), None, None
    key = np.multiply(person, span, out=out, dtype=I64)  # person × span + (day − lo)
    key += d
    key -= lo
    if (key[1:] >= key[:-1]).all():
        return np.arange(n), person, day  # already in order (a date-sorted export)
    if span <= 2**16 and people <= 2**16 and int(person.min()) >= 0 and I64 == np.intp:
        # day − lo, exact in 16 bits: (d mod 2¹⁶ − lo mod 2¹⁶) mod 2¹⁶, as 0 ≤ d − lo < 2¹⁶
        offset = d.astype(np.uint16)
        offset -= np.uint16(lo % 2**16)
        by_day = np.argsort(offset, kind="stable")
        by_person = np.argsort(gather(person.astype(np.uint16), by_day), kind="stable")
        order = gather(by_day, by_person, out=key.view(np.intp))  # the key is done with
        # sorted columns without gathering 8-byte values: each person's count of lines in
        # turn, and the day offsets (2 bytes each) plus the first day
        people_sorted = np.repeat(
            np.arange(people, dtype=person.dtype), np.bincount(person, minlength=people)
        )
        days_sorted = np.add(gather(offset, order), lo, out=by_day.view(I64), dtype=I64)
        if spare is not None:
            spare.append(by_person.view(I64))
        return order, people_sorted, days_sorted.view(day.dtype)
    words = key.view(np.uint16)  # the key's 16-bit digits, read in place (no shifted copy)
    digits = [words[k::4] if sys.byteorder == "little" else words[3 - k :: 4] for k in range(4)]
    order = np.argsort(digits[0], kind="stable")  # by the low 16 bits
    for k in range(1, (max(top - 1, 1).bit_length() + 15) // 16):
        order = gather(order, np.argsort(gather(digits[k], order), kind="stable"))  # next 16
    return order, gather(person, order), gather(day, order)


def gather(a: np.ndarray, order: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """``a[order]`` for positions ``0 ≤ order < len(a)``: ``np.take`` without its bounds
    check (``mode="clip"`` clips nothing here), faster than indexing (about 5 against 9 ms
    for a million int64 in shuffled order); into ``out`` when given."""
    return np.take(a, order, out=out, mode="clip")


def in_order(order: np.ndarray) -> bool:
    """True when ``order`` is ``0, 1, …, n − 1`` (the lines were already sorted)."""
    n = len(order)
    return bool(n == 0 or (order[0] == 0 and order[-1] == n - 1 and (np.diff(order) == 1).all()))


def sort_lines(cols: InputColumns, start: np.datetime64) -> SortedLines:
    """Sort validated columns by person, date and file order; number the person–policy-year
    groups (policy years from ``start``)."""
    n = len(cols.day)
    spare: list[np.ndarray] = []  # int64 arrays the sort is done with
    # the key then order, gid, ① ③ ④: rows of one block (fewer fresh-page faults, zero_rows)
    rows = empty_rows(5, n)
    order, person, day = sort_order(cols.person, cols.day, spare, out=rows.pop())
    gid_row = rows.pop()
    identity = in_order(order)

    def take(a: np.ndarray) -> np.ndarray:
        if identity:
            return a
        if not a.any():  # all 0 (no ⑤, no ② read, …): one read-only 0 for every line
            return zeros_view(n) if a.dtype == I64 else np.zeros(n, dtype=a.dtype)
        if rows and a.dtype == I64:
            return gather(a, order, out=rows.pop())
        if spare and a.dtype == I64:
            return gather(a, order, out=spare.pop())
        return gather(a, order)

    if person is None or day is None:
        person, day = take(cols.person), take(cols.day)
    year = policy_years(day, start)  # sorted order
    setting, tier, cat, severe = _take_codes(cols, order, identity)
    change = np.ones(n, dtype=bool)
    if n:
        np.not_equal(person[1:], person[:-1], out=change[1:])
        if year.strides[0]:  # more than one policy year
            change[1:] |= year[1:] != year[:-1]
    return SortedLines(
        order=order,
        person=person,
        day=day,
        setting=setting,
        tier=tier,
        cat=cat,
        cat_names=cols.cat_names,
        cc=take(cols.cc),
        fc=take(cols.fc),
        nc=take(cols.nc),
        nhis=take(cols.nhis),
        over=take(cols.over),
        days_input=cols.days,
        severe=severe,
        year=year,
        start=start,
        gid=_minus_one(np.cumsum(change, out=gid_row)),
        identity=identity,
        amounts_input=(cols.cc, cols.fc, cols.nc),
    )


def policy_years(day: np.ndarray, start: np.datetime64) -> np.ndarray:
    """:func:`~silson_tools.dates.policy_year_index` of each day (from ``start``). The index
    never decreases with the day, so when the first and the last day fall in one policy
    year every line has that year: one read-only value for every line (stride 0), no array
    of them to compute or to compare line by line (a year of receipts from its 1 January)."""
    if len(day):
        ends = policy_year_index(np.array([day.min(), day.max()], dtype=day.dtype), start)
        if ends[0] == ends[1]:
            return np.broadcast_to(ends[:1].astype(I64), (len(day),))
    return per_day(day, lambda d: policy_year_index(d, start))


def _minus_one(a: np.ndarray) -> np.ndarray:
    """``a − 1``, in place (``a`` is a fresh array)."""
    a -= 1
    return a


def _take_codes(
    cols: InputColumns, order: np.ndarray, identity: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Setting, tier, category and 산정특례 flag in sorted order. Packed into one int16
    (``cat << 6 | tier << 3 | setting << 1 | severe``) they take one gather, not four."""
    if identity:
        return cols.setting, cols.tier, cols.cat, cols.severe
    codes = (cols.setting, cols.tier, cols.cat)
    small = len(cols.day) == 0 or (
        all(int(c.min()) >= 0 for c in codes)
        and int(cols.setting.max()) < 4
        and int(cols.tier.max()) < 8
        and int(cols.cat.max()) < 512
    )
    if not small:
        setting, tier, cat = (gather(c, order) for c in (cols.setting, cols.tier, cols.cat))
        return setting, tier, cat, gather(cols.severe, order)
    packed = cols.cat << 6
    packed |= cols.tier << 3
    packed |= cols.setting << 1
    packed |= cols.severe
    packed = gather(packed, order)
    setting = (packed >> 1) & 3
    tier = (packed >> 3) & 7
    return setting, tier, packed >> 6, (packed & 1).astype(bool)


def nonzero_at(a: np.ndarray) -> np.ndarray:
    """``np.flatnonzero(a)``, read through a bool mask: numpy finds the True values of a
    bool array several times faster than the nonzero values of an int64 one (a million
    values, few nonzero: about 0.3 against 1.9 ms)."""
    return np.flatnonzero(a if a.dtype == bool else a != 0)


def zeros_view(n: int) -> np.ndarray:
    """``n`` int64 zeros to read (a step no row has): a read-only view of one 0, no memory."""
    return np.broadcast_to(np.zeros(1, I64), (n,))


def run_number(first: np.ndarray) -> np.ndarray:
    """0, 1, … : the number of the run each line is in (``first``: True where a run starts;
    the first line starts one), made in one array (``cumsum − 1`` in place)."""
    number = np.cumsum(first)
    number -= 1
    return number


def group_firsts(gid: np.ndarray) -> np.ndarray:
    """True on the first line of each run of equal ``gid``."""
    first = np.ones(len(gid), dtype=bool)
    first[1:] = gid[1:] != gid[:-1]
    return first


def group_cumsum(x: np.ndarray, gid: np.ndarray) -> np.ndarray:
    """Running sum of ``x`` within runs of equal, non-decreasing ``gid``."""
    if len(x) == 0:
        return x.astype(I64)
    cs = np.cumsum(x, dtype=I64)
    first = group_firsts(gid)
    base = np.compress(first, cs - x)
    return cs - base[run_number(first)]
