"""Steps 1 and 2: what no part pays (보장 제외) and what NHIS refunds (상한제 환급분).

Step 1, **exclusions**: each receipt amount (① covered_copay, ③ full_copay, ④ noncovered)
of a line is routed to the policy part that pays it (``Policy.route`` by category), or to no
part: care before ``policy_start``, an amount no part takes, and the policy's
``[[exclusions]]`` (categories, settings, dates, waiting periods) → ``excluded``.

Step 2, **ceiling offset**: ⑤ ``over_ceiling`` is paid by NHIS, so it is not eligible; a
``ceiling=`` hook may give the per-line refund NHIS pays or will pay. The larger of the two,
at most ①, is left out of the covered co-pay → ``ceiling_offset`` (0 where ① is excluded).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..catalog import Exclusion, Policy
from ..schema import AMOUNT_COLUMNS
from .lines import I64, SETTING_CODES, SortedLines

__all__ = [
    "BEFORE_START",
    "NOT_PAID",
    "ceiling_offset",
    "clause_labels",
    "excluded_amount",
    "exclusion_masks",
    "routes",
]


BEFORE_START = "계약일 전 진료 (care before the contract date)"
NOT_PAID = "이 상품이 보장하지 않는 금액 (no part of this product pays this amount)"


def exclusion_masks(lines: SortedLines, policy: Policy) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Per amount column: True where the policy's exclusions (or the policy start) remove it;
    and per line the clause that removed something (−2: before the contract date, −1: none,
    i ≥ 0: ``policy.exclusions[i]``; the first that applies, in file order)."""
    before = lines.year < 0
    masks = {col: before.copy() for col in AMOUNT_COLUMNS}
    clause = np.where(before, -2, -1).astype(np.int16)
    amounts = {"covered_copay": lines.cc, "full_copay": lines.fc, "noncovered": lines.nc}
    present: np.ndarray | None = None  # categories some line has (counted once, if asked)
    for i, ex in enumerate(policy.exclusions):
        if ex.categories is not None and ex.diagnoses is None and ex.describes_care():
            if present is None:
                present = np.bincount(lines.cat, minlength=len(lines.cat_names)) > 0
            if not any(present[lines.cat_names.index(c)] for c in ex.categories
                       if c in lines.cat_names):  # fmt: skip
                continue  # no line is care of these categories: the clause removes nothing
        hit = _care(lines, ex)
        if ex.severe is not None:
            hit &= lines.severe == ex.severe
        if ex.settings is not None:
            hit &= np.isin(lines.setting, [SETTING_CODES.index(s) for s in ex.settings])
        if ex.start is not None:
            hit &= lines.day >= np.datetime64(ex.start, "D")
        if ex.until is not None:
            hit &= lines.day <= np.datetime64(ex.until, "D")
        if ex.waiting_years is not None:
            # before the k-th anniversary of the start = policy year index below k
            hit &= lines.year < np.asarray(ex.waiting_years.on(lines.day), dtype=I64)
        if not hit.any():  # the clause removes nothing from these lines
            continue
        removes = np.zeros(lines.n, dtype=bool)
        for col in ex.amounts:
            removes |= hit & ~masks[col] & (amounts[col] > 0)
            masks[col] |= hit
        clause[removes & (clause == -1)] = i
    return masks, clause


def _care(lines: SortedLines, ex: Exclusion) -> np.ndarray:
    """Lines that are the care ``ex`` names: its categories, or a diagnosis in its ranges."""
    if not ex.describes_care():
        return np.ones(lines.n, dtype=bool)
    hit = np.zeros(lines.n, dtype=bool)
    if ex.categories is not None:
        codes = [lines.cat_names.index(c) for c in ex.categories if c in lines.cat_names]
        hit |= np.isin(lines.cat, codes)
    if ex.diagnoses is not None:
        hit |= _diagnosis_in(lines, ex.diagnoses)
    return hit


def _diagnosis_in(lines: SortedLines, ranges: tuple[tuple[str, str], ...]) -> np.ndarray:
    """True on lines whose 상병코드 category (``F32`` of ``F32.9``) is in one of ``ranges``;
    False where the receipts give no code."""
    rec = lines.receipts
    if rec is None or "diagnosis" not in lines.given:
        return np.zeros(lines.n, dtype=bool)
    codes, uniques = pd.factorize(np.asarray(rec.values("diagnosis"), dtype=object))
    inside = [any(lo <= str(u)[:3] <= hi for lo, hi in ranges) for u in uniques]
    hit = np.append(np.array(inside, dtype=bool), False)[codes]  # code −1 (missing): False
    return hit if lines.identity else hit[lines.order]


def routes(lines: SortedLines, policy: Policy) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Per amount column: the index of the part that pays it on each line (−1: none); and
    each line's exclusion clause (see :func:`exclusion_masks`). 산정특례 (severe) lines
    take the parts for them where the policy has such parts (5세대 특약1)."""
    masks, clause = exclusion_masks(lines, policy)
    route = {}
    made: dict[bytes, np.ndarray] = {}  # part per line by route table (columns often share one)
    for col in AMOUNT_COLUMNS:
        table = _route_table(policy, col, lines.cat_names, False)
        key = table.tobytes()
        if key not in made:
            made[key] = np.take(table, lines.cat)
        part = made[key]
        if policy.splits_severe and lines.severe.any():
            part = np.where(
                lines.severe, _route_table(policy, col, lines.cat_names, True)[lines.cat], part
            )
        route[col] = np.where(masks[col], -1, part) if masks[col].any() else part
    return route, clause


def _route_table(policy: Policy, col: str, names: tuple[str, ...], severe: bool) -> np.ndarray:
    """Part index per category code (−1: no part pays ``col`` for it)."""
    return np.array(
        [-1 if (r := policy.route(col, name, severe)) is None else r for name in names],
        dtype=np.int16,
    )


def clause_labels(
    policy: Policy, clause: np.ndarray, excluded: np.ndarray
) -> tuple[np.ndarray, tuple[str, ...]]:
    """``excluded_by`` as (code per line, labels): the exclusion clause's label, the contract
    date, or :data:`NOT_PAID` where an amount is left out by no clause (code 0 = "")."""
    labels = ("", BEFORE_START, NOT_PAID, *(ex.label for ex in policy.exclusions))
    if int(clause.min(initial=-1)) == int(clause.max(initial=-1)) == -1:  # no clause applied
        return np.where(excluded > 0, np.int16(2), np.int16(0)), labels
    code = np.where(clause >= 0, clause + 3, np.where(clause == -2, 1, 0)).astype(np.int16)
    code[(excluded > 0) & (code == 0)] = 2
    code[excluded == 0] = 0
    return code, labels


def excluded_amount(lines: SortedLines, route: dict[str, np.ndarray]) -> np.ndarray:
    """보장 제외: the sum of each line's amounts that no part pays."""
    amounts = {"covered_copay": lines.cc, "full_copay": lines.fc, "noncovered": lines.nc}
    excluded = np.zeros(lines.n, I64)
    for col in AMOUNT_COLUMNS:
        out = route[col] < 0
        if out.any():
            excluded += np.where(out, amounts[col], 0)
    return excluded


def ceiling_offset(
    lines: SortedLines, route: dict[str, np.ndarray], hook: np.ndarray | None
) -> np.ndarray:
    """상한제 환급분: ``min(max(⑤ over_ceiling, hook), ①)`` where ① is paid by a part, else 0."""
    if hook is None:
        if not lines.over.any():
            return np.zeros(lines.n, I64)
        offset = np.minimum(lines.over, lines.cc)
    else:
        offset = np.minimum(np.maximum(lines.over, hook), lines.cc)
    return np.where(route["covered_copay"] >= 0, offset, 0)
