"""Reading the ``receipts`` DataFrame given to ``assess``: every check of its columns.

:func:`read_lines` is the one way in: it checks the canonical columns (schema.py) and returns
:class:`~.lines.SortedLines`. A bad cell is a :class:`~silson_tools.errors.ReceiptError`
naming the row (1-based position in the frame), the column, the value and what was expected.

Amounts are whole won from 0 to ``money.MAX_LINE_WON`` (10억원, which keeps the engine's
integer arithmetic exact in int64) per column and line (numbers, or text such as
``'1.5만원'``); a required amount may not be empty, an optional one empty is 0.
Settings, tiers and categories are the codes of schema.py or their Korean labels.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..dates import as_day, calendar_year_start
from ..errors import InputError, ReceiptError
from ..money import (
    MAX_LINE_WON,
    NEGATIVE_EXPECTED,
    WHOLE_EXPECTED,
    line_limit_expected,
    parse_won,
)
from ..products import Policy
from ..schema import CATEGORIES, REQUIRED_COLUMNS, SETTINGS, TIERS
from .lines import I64, OUT, PH, SETTING_CODES, TIER_CODES, InputColumns, SortedLines, sort_lines

__all__ = ["SOURCE", "check_nhis_paid", "needs_nhis", "read_lines"]

SOURCE = "receipts (DataFrame)"
"""How errors name the DataFrame given to ``assess`` (its rows are 1-based positions)."""


def read_lines(receipts: pd.DataFrame, policy: Policy, policy_start: object = None) -> SortedLines:
    """Check the receipt columns and return them sorted by person and date.

    ``policy_start``: the contract date (:func:`silson_tools.dates.as_day`); None = 1 January
    of the earliest receipt's year.
    """
    if not isinstance(receipts, pd.DataFrame):
        raise InputError(f"receipts must be a pandas DataFrame, got {type(receipts).__name__}")
    missing = [c for c in REQUIRED_COLUMNS if c not in receipts.columns]
    if missing:
        raise ReceiptError.one(
            SOURCE,
            f"missing required column(s) {', '.join(missing)}; expected "
            f"{', '.join(REQUIRED_COLUMNS)} (see schema.REQUIRED_COLUMNS)",
        )
    cols = _columns(receipts, policy)
    if policy_start is None:
        start = calendar_year_start(cols.day)
    else:
        start = as_day(policy_start, "policy_start")
    lines = sort_lines(cols, start)
    check_nhis_paid(receipts, policy, lines)
    return lines


def _columns(frame: pd.DataFrame, policy: Policy) -> InputColumns:
    """Every canonical column, checked (in this order), in the input's row order."""
    n = len(frame)

    def optional(col: str) -> np.ndarray:
        return _amount(frame, col, False) if col in frame else np.zeros(n, I64)

    cc = _amount(frame, "covered_copay", True)
    nc = _amount(frame, "noncovered", True)
    fc, nhis, over, days = (
        optional(c) for c in ("full_copay", "nhis_paid", "over_ceiling", "days")
    )
    too_much = over > cc
    if too_much.any():
        i = int(np.argmax(too_much))
        raise _row_error(
            i, "over_ceiling", int(over[i]), f"at most covered_copay ({int(cc[i]):,}) on that line"
        )
    setting = _codes(frame["setting"], "setting", SETTING_CODES, None, SETTINGS)
    tier = _codes(frame["tier"], "tier", TIER_CODES, None, TIERS)
    cat_names = tuple(CATEGORIES) + policy.extra_categories
    if "category" in frame:
        cat = _codes(frame["category"], "category", cat_names, 0, CATEGORIES)
    else:
        cat = np.zeros(n, dtype=np.int16)
    if "person" in frame:
        person, _ = pd.factorize(_plain_values(frame["person"]), use_na_sentinel=True)
        if (person < 0).any():
            i = int(np.argmax(person < 0))
            raise _row_error(i, "person", frame["person"].iloc[i], "a name or id (cell is empty)")
    else:
        person = np.zeros(n, dtype=np.intp)
    return InputColumns(
        person=person,
        day=_dates(frame["date"]),
        setting=setting,
        tier=tier,
        cat=cat,
        cat_names=cat_names,
        cc=cc,
        fc=fc,
        nc=nc,
        nhis=nhis if needs_nhis(policy) else np.zeros(n, I64),
        over=over,
        days=days,
    )


def needs_nhis(policy: Policy) -> bool:
    """True when a part reads the NHI co-pay rate from ② nhis_paid (5세대)."""
    return any(rule.nhi_rate for part in policy.parts for rule in part.settings.values())


def check_nhis_paid(receipts: pd.DataFrame, policy: Policy, lines: SortedLines) -> None:
    """5세대 reads the NHI co-pay rate from ② 공단부담금: without the column it cannot."""
    if not needs_nhis(policy) or "nhis_paid" in receipts.columns:
        return
    used = ((lines.setting == OUT) | (lines.setting == PH)) & (lines.cc > 0)
    if used.any():
        i = int(lines.order[int(np.argmax(used))])
        raise ReceiptError.one(
            SOURCE,
            f"policy {policy.name!r} needs column 'nhis_paid' (② 공단부담금) for its "
            "outpatient deductible max(건보 본인부담률, 20%, 최소공제); the receipts have none",
            row=i + 1,
        )


def _row_error(i: int, column: str, value: object, expected: str) -> ReceiptError:
    """Row ``i`` (0-based position) of ``column`` holds ``value``; ``expected`` says what fits."""
    return ReceiptError.one(SOURCE, expected, row=i + 1, column=column, value=value)


def _amount(frame: pd.DataFrame, col: str, required: bool) -> np.ndarray:
    """A won column → int64; the error names the first bad row, the column and the value."""
    s = frame[col]
    kind = s.dtype.kind
    if kind in "iu" and isinstance(s.dtype, np.dtype):  # numpy ints cannot be missing
        arr = s.to_numpy(dtype=I64)
    elif kind in "fiu":
        arr = _float_amount(s, col, required)
    elif kind == "b":
        raise _row_error(0, col, s.iloc[0], "an amount in won, not true/false")
    else:
        arr = _object_amount(s, col, required)
    neg = arr < 0
    if neg.any():
        i = int(np.argmax(neg))
        raise _row_error(i, col, s.iloc[i], NEGATIVE_EXPECTED)
    big = arr > MAX_LINE_WON
    if big.any():
        i = int(np.argmax(big))
        raise _row_error(i, col, s.iloc[i], line_limit_expected())
    return arr


def _float_amount(s: pd.Series, col: str, required: bool) -> np.ndarray:
    """Float (or nullable int) amounts: whole, not empty when ``required`` (else 0)."""
    vals = s.to_numpy(dtype=np.float64, na_value=np.nan)
    bad_nan = np.isnan(vals)
    if bad_nan.any():
        if required:
            i = int(np.argmax(bad_nan))
            raise _row_error(i, col, s.iloc[i], "an amount in won (the cell is empty)")
        vals = np.where(bad_nan, 0.0, vals)
    frac = vals != np.floor(vals)
    if frac.any():
        i = int(np.argmax(frac))
        raise _row_error(i, col, s.iloc[i], WHOLE_EXPECTED)
    big = np.abs(vals) > MAX_LINE_WON
    if big.any():
        i = int(np.argmax(big))
        raise _row_error(i, col, s.iloc[i], line_limit_expected())
    return vals.astype(I64)


def _object_amount(s: pd.Series, col: str, required: bool) -> np.ndarray:
    """Amounts of mixed type, one cell at a time: numbers, or text read by parse_won."""
    out = np.empty(len(s), dtype=I64)
    for i, v in enumerate(s.tolist()):
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
            if required:
                raise _row_error(i, col, v, "an amount in won (the cell is empty)")
            out[i] = 0
            continue
        if isinstance(v, float | np.floating):
            if not np.isfinite(v) or v != int(v):
                raise _row_error(i, col, v, WHOLE_EXPECTED)
            v = int(v)
        elif isinstance(v, np.integer):
            v = int(v)
        try:
            out[i] = parse_won(v if isinstance(v, int | str) else str(v), allow_negative=True)
        except (ValueError, OverflowError):
            raise _row_error(i, col, v, "an amount in won such as 12000 or 1.5만원") from None
    return out


def _plain_values(s: pd.Series) -> np.ndarray | pd.Series:
    """Text columns as a numpy object array (factorizes faster than a str-dtype Series)."""
    if s.dtype == object or isinstance(s.dtype, pd.StringDtype):
        return s.to_numpy(dtype=object)
    return s


def _codes(
    s: pd.Series,
    col: str,
    allowed: Sequence[str],
    fill: int | None,
    labels: dict[str, str] | None = None,
) -> np.ndarray:
    """Text column → index into ``allowed`` (Korean ``labels`` accepted too); an empty cell
    is ``fill`` (an error when None); unknown values name the first row."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        raw = s.cat.codes.to_numpy()
        uniques = list(s.cat.categories)
    else:
        raw, uniq = pd.factorize(_plain_values(s), use_na_sentinel=True)
        uniques = list(uniq)
    table = np.empty(len(uniques) + 1, dtype=np.int16)
    lookup = {name: i for i, name in enumerate(allowed)}
    for code, label in (labels or {}).items():
        if code in lookup:
            lookup.setdefault(label, lookup[code])
    expected = "one of " + ", ".join(repr(a) for a in allowed)
    for j, u in enumerate(uniques):
        key = u.strip() if isinstance(u, str) else u
        if key not in lookup:
            i = int(np.argmax(raw == j))
            raise _row_error(i, col, s.iloc[i], expected)
        table[j] = lookup[key]
    if (raw < 0).any():
        if fill is None:
            i = int(np.argmax(raw < 0))
            raise _row_error(i, col, s.iloc[i], expected)
        table[-1] = fill
    return table[raw]


def _dates(s: pd.Series) -> np.ndarray:
    """The date column → ``datetime64[D]``; the error names the first unreadable cell."""
    if s.dtype.kind == "M":
        vals = s.to_numpy()
    else:
        vals = pd.to_datetime(s, errors="coerce", format="mixed").to_numpy()
    vals = vals.astype("datetime64[D]")
    bad = np.isnat(vals)
    if bad.any():
        i = int(np.argmax(bad))
        raise _row_error(i, "date", s.iloc[i], "a date such as 2024-03-15")
    return vals
