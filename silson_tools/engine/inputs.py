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
from ..params import nhi_copay
from ..receipts.lines import ReceiptLines
from ..schema import CATEGORIES
from .lines import I64, OUT, PH, TIER_CODES, InputColumns, SortedLines, sort_lines, zeros_view
from .validated import DeferredLines, validated_lines

__all__ = [
    "NHIS_ESTIMATE_COLUMN",
    "check_nhis_paid",
    "estimate_nhis_paid",
    "needs_nhis",
    "read_lines",
]


def read_lines(
    receipts: object, policy: Policy, policy_start: object = None, estimate_nhis: bool = False
) -> SortedLines:
    """Validate ``receipts`` (once), code them and return them sorted by person and date.

    ``policy_start``: the contract date (:func:`silson_tools.dates.as_day`); None = 1 January
    of the earliest receipt's year. ``estimate_nhis``: see :func:`check_nhis_paid`.
    """
    if isinstance(receipts, str | bytes) or not hasattr(receipts, "__len__"):
        raise InputError(
            "receipts: expected receipt lines (read_receipts(...) or a pandas DataFrame), "
            f"got {type(receipts).__name__}"
        )
    lines = validated_lines(receipts, policy.extra_categories)  # as_receipt_lines' checks
    cols = _columns(lines, policy)
    if policy_start is None:
        start = calendar_year_start(cols.day)
    else:
        start = as_day(policy_start, "policy_start")
    out = sort_lines(cols, start)
    out.receipts = lines
    out.given = lines.given_columns
    check_nhis_paid(lines, policy, out, estimate_nhis)
    return out


def _columns(lines: DeferredLines, policy: Policy) -> InputColumns:
    """The validated columns as the engine's codes, in the input's row order."""
    coded = lines.codes_of("person", "setting", "tier", "category")
    (person, _), (setting, _), (tier, _), (code, names) = coded
    cat_names = tuple(CATEGORIES) + policy.extra_categories
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
    names = ("covered_copay", "full_copay", "noncovered", "nhis_paid", "over_ceiling", "days")
    date, severe, *amounts = lines.arrays("date", "severe", *names)
    cc, fc, nc, nhis, over, days = (np.asarray(a, dtype=I64) for a in amounts)
    return InputColumns(
        person=np.asarray(person, dtype=np.intp),
        day=date.astype("datetime64[D]"),
        setting=np.asarray(setting, dtype=np.int16),
        tier=np.asarray(tier, dtype=np.int16),
        cat=np.asarray(code, dtype=np.int16),
        cat_names=cat_names,
        cc=cc,
        fc=fc,
        nc=nc,
        nhis=nhis if needs_nhis(policy) else zeros_view(n),  # read by no step
        over=over,
        days=days,
        severe=np.asarray(severe, dtype=bool),
    )


def needs_nhis(policy: Policy) -> bool:
    """True when a part reads the NHI co-pay rate from ② nhis_paid (5세대)."""
    return any(rule.nhi_rate for part in policy.parts for rule in part.settings.values())


_SHOWN = 200
"""At most this many rows are listed when ② is missing on many lines."""
NHIS_ESTIMATE_COLUMN = "nhis_paid_estimate"
"""The column ``assess(..., estimate_nhis=True)`` adds: ② 공단부담금 추정 (an estimate), in won."""


def check_nhis_paid(
    receipts: ReceiptLines | DeferredLines,
    policy: Policy,
    lines: SortedLines,
    estimate: bool = False,
) -> None:
    """5세대 reads the NHI co-pay rate Σ① ÷ (Σ① + Σ②) from ② 공단부담금 on 통원·약국 lines.

    A line with ① > 0 and no ② (no column, a blank or a 0 cell) would make that rate 100%:
    it is an error naming every such row, unless ``estimate`` asks for ② estimated from the
    NHI co-pay rate r of the line's setting and tier on its date (``data/nhi/copay.toml``):
    ② ≈ round(① × (1 − r) ÷ r). Estimated lines are marked in ``lines.nhis_estimate``
    (``assess`` adds the column :data:`NHIS_ESTIMATE_COLUMN`).
    """
    if not needs_nhis(policy):
        return
    missing = ((lines.setting == OUT) | (lines.setting == PH)) & (lines.cc > 0) & (lines.nhis <= 0)
    if not missing.any():
        return
    if not estimate:
        given = "nhis_paid" in receipts.given_columns
        rows = np.sort(lines.order[missing])
        shown = rows[:_SHOWN]
        more = (
            f" ({len(rows):,} lines in all; the first {_SHOWN} are listed)"
            if len(rows) > _SHOWN
            else ""
        )
        raise receipts.error(
            shown,
            "nhis_paid",
            f"② 공단부담금 (policy {policy.name!r} reads the NHI co-pay rate ① ÷ (① + ②) for its "
            "outpatient deductible max(건보 본인부담률, 20%, 최소공제); "
            + ("this line has ① but ② is blank or 0" if given else "the receipts have no ② column")
            + ". Copy ② from the receipt, or ask for an estimate (silson report --estimate-nhis, "
            f"assess(..., estimate_nhis=True)){more}",
            **({} if given else {"values": [None] * len(shown)}),
        )
    idx = np.flatnonzero(missing)
    est = estimate_nhis_paid(lines.cc[idx], lines.setting[idx], lines.tier[idx], lines.day[idx])
    lines.nhis = lines.nhis.copy()
    lines.nhis[idx] = est
    lines.nhis_estimate = np.zeros(lines.n, I64)
    lines.nhis_estimate[idx] = est


def estimate_nhis_paid(
    cc: np.ndarray, setting: np.ndarray, tier: np.ndarray, day: np.ndarray
) -> np.ndarray:
    """② 공단부담금 추정: round(① × (1 − r) ÷ r), r the NHI 외래 (or 약국) co-pay rate of the
    tier on the date of care, computed in parts per million (exact integers, half up)."""
    rates = nhi_copay()
    out = np.zeros(len(cc), I64)
    for code, name in enumerate(TIER_CODES):
        on = (tier == code) & ((setting == OUT) | (setting == PH))
        if not on.any():
            continue
        key = "outpatient.pharmacy" if name == "pharmacy" else f"outpatient.{name}"
        r = np.rint(np.asarray(rates[key].on(day[on]), dtype=float) * 1_000_000).astype(I64)
        out[on] = (2 * cc[on] * (1_000_000 - r) + r) // (2 * r)
    return out
