"""The frame ``assess`` returns: the receipts, in their row order, with the detail columns.

Sorted-order results go back to the input's row order with one scatter each; ``claim``,
``eligible``, ``self_pay``, ``payout_covered`` and ``policy_year`` are computed in row order
directly: ``claim = ① + ③ + ④``, ``eligible = claim − excluded − ceiling_offset``,
``self_pay = claim − payout``, ``payout_covered = payout − payout_noncovered``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from ..dates import year_starts
from ..receipts.lines import ReceiptLines
from ..schema import OPTIONAL_COLUMNS
from .lines import I64, LineDetail, SortedLines, empty_rows, nonzero_at, owned_row
from .validated import DeferredLines
from .zones import ZONE_CODES

__all__ = [
    "DETAIL_COLUMNS",
    "SortedResult",
    "detail_columns",
    "detail_frame",
    "optional_columns",
    "with_optional_columns",
]

DETAIL_COLUMNS: tuple[str, ...] = (
    "policy_year",
    "claim",
    "excluded",
    "ceiling_offset",
    "eligible",
    "deductible",
    "rate_part",
    "selfpay_cap_refund",
    "visit_cap_cut",
    "count_cut",
    "annual_cut",
    "payout",
    "payout_covered",
    "payout_noncovered",
    "self_pay",
    "zone",
    "excluded_by",
    "session_no",
    "needs_improvement_proof",
)
"""Columns ``assess`` adds, in order (see :mod:`silson_tools.engine.assess` for their meaning)."""


@dataclass
class SortedResult:
    """What the steps decided, per sorted line."""

    excluded: np.ndarray
    ceiling_offset: np.ndarray
    detail: LineDetail
    payout: np.ndarray
    payout_noncovered: np.ndarray
    zone: np.ndarray
    """Zone number (int8, index into ZONE_CODES)."""
    excluded_by: tuple[np.ndarray, tuple[str, ...]] | None = None
    """보장 제외 clause per line: (code, labels); code 0 = "" (nothing excluded)."""


@lru_cache(maxsize=256)
def _categories(labels: tuple[str, ...]) -> pd.CategoricalDtype:
    """The (unordered) categorical dtype of ``labels``, made once: building it checks the
    labels, a fixed cost of every call on a few lines."""
    return pd.CategoricalDtype(categories=list(labels))


def _clauses(
    back: Callable[[np.ndarray], np.ndarray],
    clauses: tuple[np.ndarray, tuple[str, ...]] | None,
    n: int,
) -> pd.Categorical:
    """The ``excluded_by`` text per line in row order ("" where nothing was excluded), as a
    categorical (a few labels; no string per line is built)."""
    if clauses is None:
        # int8 codes, as pandas keeps them for a few labels (int16 would be converted)
        return pd.Categorical.from_codes(
            np.zeros(n, np.int8), dtype=_categories(("",)), validate=False
        )
    code, labels = clauses
    unique = list(dict.fromkeys(labels))  # two clauses may share a label
    remap = np.array([unique.index(label) for label in labels], dtype=np.int16)
    return pd.Categorical.from_codes(remap[back(code)], dtype=_categories(tuple(unique)))


def _constant(value: object, n: int) -> object:
    """``n`` copies of ``value`` as ``frame[col] = value`` makes them: a text goes to pandas'
    Arrow-backed ``str`` column by one Arrow repeat (pandas itself takes the one value
    ``n`` times, a few times slower); anything else is left for pandas to broadcast."""
    if not isinstance(value, str):
        return value
    dtype = pd.Series([value]).dtype
    if not (isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"):
        return value
    import pyarrow as pa  # pandas' Arrow-backed str dtype means pyarrow is installed

    if value == "":  # every offset 0 and no text bytes: zeroed memory, nothing written
        offsets = pa.py_buffer(np.zeros(n + 1, np.int64))
        repeated = pa.LargeStringArray.from_buffers(n, offsets, pa.py_buffer(b""), null_count=0)
    else:
        repeated = pa.repeat(pa.scalar(value, pa.large_string()), n)
    return pd.arrays.ArrowStringArray(pa.chunked_array([repeated]), dtype=dtype)


def detail_frame(
    receipts: pd.DataFrame, lines: SortedLines, result: SortedResult, consume: bool = False
) -> pd.DataFrame:
    """A copy of ``receipts`` with :data:`DETAIL_COLUMNS` added, replacing any columns of
    those names; the input is never changed and its index is kept. An optional canonical
    column the frame lacks is added: its validated values when the frame had it under
    another header (``이름`` → ``person``), else its default (one person, no ② …).
    ``consume``: see :func:`detail_columns`.

    Built by one ``concat`` of the receipts and one frame of the added columns (the missing
    optional ones, then the detail), not column by column: on a few lines each insert
    costs about 0.15 ms."""
    added = optional_columns(receipts, lines.receipts)
    names, new = _detail_arrays(lines, result, consume)
    added.update((name, new[name]) for name in names)
    return _joined(receipts, pd.DataFrame(added, index=receipts.index, copy=False), names)


def with_optional_columns(
    receipts: pd.DataFrame, checked: ReceiptLines | DeferredLines | None
) -> pd.DataFrame:
    """A shallow copy of ``receipts`` with every optional canonical column it lacks
    (:func:`optional_columns`), after its own columns. A default beside a column that says
    otherwise would be read as the truth by whoever groups the output by ``person``."""
    added = optional_columns(receipts, checked)
    if not added:
        return receipts.copy(deep=False)  # copy-on-write (pandas 3): the input never changes
    return _joined(receipts, pd.DataFrame(added, index=receipts.index, copy=False), ())


def optional_columns(
    receipts: pd.DataFrame, checked: ReceiptLines | DeferredLines | None
) -> dict[str, object]:
    """The optional canonical columns ``receipts`` lacks, in :data:`OPTIONAL_COLUMNS` order:
    the validated values from ``checked`` (the same lines, validated; a copy, as
    ``frame[col] = values`` makes) where the frame had that column under another header
    (``이름`` → ``person``, ``입원일수`` → ``days``), else the default (one person ``본인``,
    no ② …) on every line."""
    given = set(checked.given_columns) if checked is not None else set()
    n = len(receipts)
    out: dict[str, object] = {}
    for col, default in OPTIONAL_COLUMNS.items():
        if col in receipts.columns:
            continue
        if checked is not None and col in given:  # under another header
            values = (
                checked.values(col)
                if isinstance(checked, DeferredLines)
                else checked[col].to_numpy()
            )
            out[col] = np.array(values, copy=True)  # writeable, as frame[col] = values
        elif isinstance(default, str):
            out[col] = _constant(default, n)
        else:
            out[col] = np.full(n, default)  # as frame[col] = default broadcasts it
    return out


def _joined(receipts: pd.DataFrame, added: pd.DataFrame, replaced: Iterable[str]) -> pd.DataFrame:
    """``receipts`` less its columns named in ``replaced``, then the columns of ``added``: one
    ``concat`` (copy-on-write: the receipts' own columns are not copied, and never changed)."""
    names = set(replaced)
    if any(c in names for c in receipts.columns):
        receipts = receipts.drop(columns=[c for c in replaced if c in receipts.columns])
    return pd.concat([receipts, added], axis=1)


def detail_columns(
    lines: SortedLines, result: SortedResult, index: pd.Index, consume: bool = False
) -> pd.DataFrame:
    """:data:`DETAIL_COLUMNS` (and ``nhis_paid_estimate`` when ② was estimated) in the
    receipts' row order, on ``index``: what :func:`detail_frame` adds to the receipts.

    ``consume``: ``result`` is not read again (``assess`` drops it), so once a sorted
    column is back in row order its memory takes the next column (:class:`_Recycled`):
    the returned columns reuse memory the steps already touched instead of fresh pages.
    """
    names, new = _detail_arrays(lines, result, consume)
    return pd.DataFrame({name: new[name] for name in names}, index=index, copy=False)


def _detail_arrays(
    lines: SortedLines, result: SortedResult, consume: bool
) -> tuple[list[str], dict[str, np.ndarray | pd.Categorical]]:
    """The column names :func:`detail_columns` returns, in order, and their values in the
    receipts' row order."""
    d = result.detail
    own = (result.excluded, result.ceiling_offset, result.payout, result.payout_noncovered)
    own += (d.deductible, d.rate_part, d.selfpay_cap_refund, d.visit_cap_cut, d.count_cut)
    own += (d.annual_cut, d.session_no)
    others = (result.zone, d.needs_improvement_proof, lines.nhis_estimate)
    if result.excluded_by is not None:
        others += (result.excluded_by[0],)
    mem = _Recycled(lines, own if consume and not lines.identity else (), others)
    back = mem.back
    new: dict[str, np.ndarray | pd.Categorical] = {
        "excluded": back(result.excluded),
        "ceiling_offset": back(result.ceiling_offset),
        "deductible": back(d.deductible),
        "rate_part": back(d.rate_part),
        "selfpay_cap_refund": back(d.selfpay_cap_refund),
        "visit_cap_cut": back(d.visit_cap_cut),
        "count_cut": back(d.count_cut),
        "annual_cut": back(d.annual_cut),
        "payout": back(result.payout),
        "payout_noncovered": back(result.payout_noncovered),
        "session_no": back(d.session_no),
        "needs_improvement_proof": back(d.needs_improvement_proof),
    }
    payout = new["payout"]
    new["claim"] = claim = lines.claim_input_order(mem.spare())  # ① + ③ + ④
    zone, new["policy_year"] = _zone_and_policy_year(lines, result.zone, mem)
    eligible = mem.spare()  # claim − excluded − ceiling_offset (a column of 0s not read)
    if _all_zero(result.excluded):
        np.copyto(eligible, claim)
    else:
        np.subtract(claim, new["excluded"], out=eligible)
    if not _all_zero(result.ceiling_offset):
        eligible -= new["ceiling_offset"]
    new["eligible"] = eligible
    new["self_pay"] = np.subtract(claim, payout, out=mem.spare())
    new["payout_covered"] = np.subtract(payout, new["payout_noncovered"], out=mem.spare())
    new["zone"] = pd.Categorical.from_codes(  # zone_codes' numbers index ZONE_CODES
        zone, dtype=_categories(ZONE_CODES), validate=False
    )
    new["excluded_by"] = _clauses(back, result.excluded_by, lines.n)
    names = list(DETAIL_COLUMNS)
    if lines.nhis_estimate is not None:  # ② 공단부담금 추정 (assess(..., estimate_nhis=True))
        new["nhis_paid_estimate"] = back(lines.nhis_estimate)
        names.append("nhis_paid_estimate")
    return names, new


FRESH_ROWS = 6
"""Row-order columns the output writes beyond what it recycles (the first dense column put
back, claim, eligible, self_pay, payout_covered, policy_year): one block of them."""


class _Recycled:
    """Sorted-order columns put back in row order (:meth:`SortedLines.input_order`), reusing
    the memory of ``own`` columns (fresh int64 arrays of the engine's, read by nobody else):
    a mostly-zero one is permuted in place (only its nonzero values move; an all-zero one is
    its own answer), and a dense one goes into the memory of one already put back. The
    output's columns reuse pages the steps have touched or never touched, where fresh
    arrays would each cost the kernel about two thousand page faults per million lines.

    An array that appears twice among ``own``, or shares memory with another column passed
    in ``others``, is not reused (rewriting it would change what the other reads)."""

    def __init__(
        self, lines: SortedLines, own: tuple[np.ndarray, ...], others: tuple[np.ndarray, ...] = ()
    ) -> None:
        self.lines = lines
        mine = [a for a in own if _recyclable(a, lines.n)]
        seen = [a for a in own if isinstance(a, np.ndarray)] + [
            a for a in others if isinstance(a, np.ndarray)
        ]
        self.own = {
            id(a)
            for a in mine
            if not any(b is not a and np.may_share_memory(a, b) for b in seen)
            and sum(b is a for b in own) == 1
        }
        self.pool: list[np.ndarray] = []
        self.fresh: list[np.ndarray] = []

    def spare(self) -> np.ndarray:
        """An int64 array of one per line to write into (values undefined): one put back
        already, else a row of one new block of :data:`FRESH_ROWS` (fewer fresh-page faults
        than as many arrays, :func:`~.lines.zero_rows`)."""
        if self.pool:
            return self.pool.pop()
        if not self.fresh:
            self.fresh = empty_rows(FRESH_ROWS, self.lines.n)
        return self.fresh.pop()

    def back(self, arr: np.ndarray) -> np.ndarray:
        """``arr`` in the input's row order (as :meth:`SortedLines.input_order`)."""
        lines = self.lines
        if id(arr) not in self.own:
            return lines.input_order(arr)
        self.own.discard(id(arr))
        nonzero = np.count_nonzero(arr)
        if nonzero * 8 < lines.n:  # mostly 0: move its nonzero values, in place
            if nonzero:
                at = nonzero_at(arr)
                values = arr[at]
                arr[at] = 0
                arr[lines.order[at]] = values
            return arr
        out = self.spare()
        out[lines.order] = arr
        self.pool.append(arr)  # read by nobody now: the next column goes here
        return out


def _all_zero(a: np.ndarray) -> bool:
    """True for a read-only view of one 0 (:func:`~.lines.zeros_view`: a step no line had),
    known without reading a page of the fresh zeros it is put back as."""
    return a.ndim == 1 and a.strides[0] == 0 and not a[:1].any()


def _recyclable(a: np.ndarray, n: int) -> bool:
    """An int64 array of ``n`` values that owns its memory (or is a row of a block the
    engine made, :func:`~.lines.zero_rows`), C-contiguous and writeable."""
    return (
        a.dtype == I64
        and a.shape == (n,)
        and (a.base is None or owned_row(a))
        and a.flags.c_contiguous
        and a.flags.writeable
    )


def _policy_year(lines: SortedLines, mem: _Recycled) -> np.ndarray:
    """``policy_year`` per line in row order (:func:`~silson_tools.dates.year_starts` of the
    line's policy year index), looked up in a table of its few years."""
    if lines.n == 0:
        return year_starts(lines.start, lines.year)
    lo, hi = int(lines.year.min()), int(lines.year.max())
    table = year_starts(lines.start, np.arange(lo, hi + 1, dtype=I64))
    if lo == hi:  # one policy year: its first day on every line, nothing to put back
        out = mem.spare().view(table.dtype)
        out.fill(table[0])
        return out
    year = lines.year_input_order(mem.spare())
    at = np.subtract(year, lo, out=year if year is not lines.year else mem.spare())
    out = np.take(table, at, out=mem.spare().view(table.dtype), mode="clip")  # 0 ≤ at ≤ hi − lo
    mem.pool.append(at)
    return out


def _zone_and_policy_year(
    lines: SortedLines, zone: np.ndarray, mem: _Recycled
) -> tuple[np.ndarray, np.ndarray]:
    """The zone number and ``policy_year`` per line in row order, put back by one scatter of
    ``(year index − first year index) << 8 | zone`` (int32), not one of each; the year is
    then looked up as in :func:`_policy_year`."""
    if lines.n == 0 or lines.identity:
        return mem.back(zone), _policy_year(lines, mem)
    lo, hi = int(lines.year.min()), int(lines.year.max())
    if lo == hi or hi - lo >= 2**23 or int(zone.min()) < 0:  # one year: the zone alone
        return mem.back(zone), _policy_year(lines, mem)
    packed = np.subtract(lines.year, lo, dtype=np.int32)
    packed <<= 8
    packed |= zone
    back = np.empty_like(packed)
    back[lines.order] = packed
    zone_back = back.astype(np.int8)  # the low 8 bits
    back >>= 8
    table = year_starts(lines.start, np.arange(lo, hi + 1, dtype=I64))
    year = np.take(table, back, out=mem.spare().view(table.dtype), mode="clip")
    return zone_back, year
