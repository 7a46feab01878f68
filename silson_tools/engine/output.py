"""The frame ``assess`` returns: the receipts, in their row order, with the detail columns.

Sorted-order results go back to the input's row order with one scatter each; ``claim``,
``eligible``, ``self_pay``, ``payout_covered`` and ``policy_year`` are computed in row order
directly: ``claim = ① + ③ + ④``, ``eligible = claim − excluded − ceiling_offset``,
``self_pay = claim − payout``, ``payout_covered = payout − payout_noncovered``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from ..dates import year_starts
from ..receipts.lines import ReceiptLines
from ..schema import OPTIONAL_COLUMNS
from .lines import LineDetail, SortedLines
from .zones import ZONE_CODES

__all__ = [
    "DETAIL_COLUMNS",
    "SortedResult",
    "detail_columns",
    "detail_frame",
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
        return pd.Categorical.from_codes(np.zeros(n, np.int16), dtype=_categories(("",)))
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

    repeated = pa.repeat(pa.scalar(value, pa.large_string()), n)
    return pd.arrays.ArrowStringArray(pa.chunked_array([repeated]), dtype=dtype)


def detail_frame(receipts: pd.DataFrame, lines: SortedLines, result: SortedResult) -> pd.DataFrame:
    """A copy of ``receipts`` with :data:`DETAIL_COLUMNS` added, replacing any columns of
    those names; the input is never changed and its index is kept. An optional canonical
    column the frame lacks is added: its validated values when the frame had it under
    another header (``이름`` → ``person``), else its default (one person, no ② …)."""
    out = with_optional_columns(receipts, lines.receipts)
    added = detail_columns(lines, result, out.index)
    names = list(added.columns)
    return pd.concat(
        [out.drop(columns=[c for c in names if c in out.columns]), added], axis=1
    )


def with_optional_columns(receipts: pd.DataFrame, checked: ReceiptLines | None) -> pd.DataFrame:
    """A shallow copy of ``receipts`` with every optional canonical column it lacks: the
    validated values from ``checked`` (the same lines, validated) where the frame had that
    column under another header (``이름`` → ``person``, ``입원일수`` → ``days``), else the
    default (one person ``본인``, no ② …). A default beside a column that says otherwise
    would be read as the truth by whoever groups the output by ``person``."""
    out = receipts.copy(deep=False)  # copy-on-write (pandas 3): the input is never changed
    given = set(checked.given_columns) if checked is not None else set()
    for col, default in OPTIONAL_COLUMNS.items():
        if col not in out.columns:
            if checked is not None and col in given:  # under another header
                out[col] = checked[col].to_numpy()
            else:
                out[col] = _constant(default, len(out))
    return out


def detail_columns(lines: SortedLines, result: SortedResult, index: pd.Index) -> pd.DataFrame:
    """:data:`DETAIL_COLUMNS` (and ``nhis_paid_estimate`` when ② was estimated) in the
    receipts' row order, on ``index``: what :func:`detail_frame` adds to the receipts."""
    back = lines.input_order
    d = result.detail
    claim = lines.claim_input_order
    payout = back(result.payout)
    new: dict[str, np.ndarray | pd.Categorical] = {
        "excluded": back(result.excluded),
        "ceiling_offset": back(result.ceiling_offset),
        "deductible": back(d.deductible),
        "rate_part": back(d.rate_part),
        "selfpay_cap_refund": back(d.selfpay_cap_refund),
        "visit_cap_cut": back(d.visit_cap_cut),
        "count_cut": back(d.count_cut),
        "annual_cut": back(d.annual_cut),
        "payout": payout,
        "payout_noncovered": back(result.payout_noncovered),
        "session_no": back(d.session_no),
        "needs_improvement_proof": back(d.needs_improvement_proof),
    }
    new["claim"] = claim
    new["policy_year"] = year_starts(lines.start, lines.year_input)
    new["eligible"] = claim - new["excluded"] - new["ceiling_offset"]
    new["self_pay"] = claim - payout
    new["payout_covered"] = payout - new["payout_noncovered"]
    new["zone"] = pd.Categorical.from_codes(back(result.zone), dtype=_categories(ZONE_CODES))
    new["excluded_by"] = _clauses(back, result.excluded_by, lines.n)
    names = list(DETAIL_COLUMNS)
    if lines.nhis_estimate is not None:  # ② 공단부담금 추정 (assess(..., estimate_nhis=True))
        new["nhis_paid_estimate"] = back(lines.nhis_estimate)
        names.append("nhis_paid_estimate")
    return pd.DataFrame({name: new[name] for name in names}, index=index, copy=False)
