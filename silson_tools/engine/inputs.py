"""The engine's way in: receipts validated once at the edge, then coded as numpy columns.

:func:`read_lines` takes whatever ``assess`` was given (a :class:`ReceiptLines` from
``read_receipts``, or a plain DataFrame, which goes through exactly the same checks in
:func:`~silson_tools.receipts.as_receipt_lines`) and returns
:class:`~.lines.SortedLines`. Every problem with a line is a
:class:`~silson_tools.errors.ReceiptError` naming the same row a person sees as
``silson check`` does (the sheet row for a file, the index label for a DataFrame); the
engine itself only adds the problems that depend on the product (a category the product
does not know, ② missing under 5세대, a room part without 입원일수).
"""

from __future__ import annotations

import numpy as np

from ..catalog import Policy
from ..dates import as_day, calendar_year_start
from ..errors import InputError
from ..receipts.lines import ReceiptLines, as_receipt_lines
from ..schema import CATEGORIES
from .lines import I64, OUT, PH, InputColumns, SortedLines, sort_lines

__all__ = ["check_nhis_paid", "needs_nhis", "read_lines"]


def read_lines(receipts: object, policy: Policy, policy_start: object = None) -> SortedLines:
    """Validate ``receipts`` (once), code them and return them sorted by person and date.

    ``policy_start``: the contract date (:func:`silson_tools.dates.as_day`); None = 1 January
    of the earliest receipt's year.
    """
    if isinstance(receipts, str | bytes) or not hasattr(receipts, "__len__"):
        raise InputError(
            "receipts: expected receipt lines (read_receipts(...) or a pandas DataFrame), "
            f"got {type(receipts).__name__}"
        )
    lines = as_receipt_lines(receipts, extra_categories=policy.extra_categories)
    cols = _columns(lines, policy)
    if policy_start is None:
        start = calendar_year_start(cols.day)
    else:
        start = as_day(policy_start, "policy_start")
    out = sort_lines(cols, start)
    out.receipts = lines
    check_nhis_paid(lines, policy, out)
    return out


def _columns(lines: ReceiptLines, policy: Policy) -> InputColumns:
    """The validated columns as the engine's codes, in the input's row order."""
    person, _ = lines.codes("person")
    setting, _ = lines.codes("setting")
    tier, _ = lines.codes("tier")
    cat_names = tuple(CATEGORIES) + policy.extra_categories
    code, names = lines.codes("category")
    if names != cat_names[: len(names)]:  # validated with other extra categories: recode
        unknown = [n for n in names if n not in cat_names]
        bad = np.isin(code, [names.index(n) for n in unknown])
        if bad.any():
            raise lines.error(
                bad,
                "category",
                f"a category that policy {policy.name!r} knows: "
                + ", ".join(repr(c) for c in cat_names),
            )
        table = np.array([cat_names.index(n) for n in names], dtype=np.int16)
        code = table[code] if len(table) else code
    n = len(lines)

    def amount(column: str) -> np.ndarray:
        return lines[column].to_numpy(dtype=I64)

    return InputColumns(
        person=np.asarray(person, dtype=np.intp),
        day=lines["date"].to_numpy().astype("datetime64[D]"),
        setting=np.asarray(setting, dtype=np.int16),
        tier=np.asarray(tier, dtype=np.int16),
        cat=np.asarray(code, dtype=np.int16),
        cat_names=cat_names,
        cc=amount("covered_copay"),
        fc=amount("full_copay"),
        nc=amount("noncovered"),
        nhis=amount("nhis_paid") if needs_nhis(policy) else np.zeros(n, I64),
        over=amount("over_ceiling"),
        days=amount("days"),
        severe=lines["severe"].to_numpy(dtype=bool),
    )


def needs_nhis(policy: Policy) -> bool:
    """True when a part reads the NHI co-pay rate from ② nhis_paid (5세대)."""
    return any(rule.nhi_rate for part in policy.parts for rule in part.settings.values())


def check_nhis_paid(receipts: ReceiptLines, policy: Policy, lines: SortedLines) -> None:
    """5세대 reads the NHI co-pay rate from ② 공단부담금: without the column it cannot."""
    if not needs_nhis(policy) or "nhis_paid" in receipts.given_columns:
        return
    used = ((lines.setting == OUT) | (lines.setting == PH)) & (lines.cc > 0)
    if used.any():
        first = int(lines.order[int(np.argmax(used))])
        raise receipts.error(
            first,
            "nhis_paid",
            f"policy {policy.name!r} needs column 'nhis_paid' (② 공단부담금) for its "
            "outpatient deductible max(건보 본인부담률, 20%, 최소공제); the receipts have none",
            values=[None],
        )
