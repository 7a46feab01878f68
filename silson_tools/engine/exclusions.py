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

from ..catalog import Policy
from ..schema import AMOUNT_COLUMNS
from .lines import I64, SETTING_CODES, SortedLines

__all__ = ["ceiling_offset", "excluded_amount", "exclusion_masks", "routes"]


def exclusion_masks(lines: SortedLines, policy: Policy) -> dict[str, np.ndarray]:
    """Per amount column: True where the policy's exclusions (or the policy start) remove it."""
    before = lines.year < 0
    masks = {col: before.copy() for col in AMOUNT_COLUMNS}
    for ex in policy.exclusions:
        hit = np.ones(lines.n, dtype=bool)
        if ex.categories is not None:
            codes = [lines.cat_names.index(c) for c in ex.categories if c in lines.cat_names]
            hit &= np.isin(lines.cat, codes)
        if ex.settings is not None:
            hit &= np.isin(lines.setting, [SETTING_CODES.index(s) for s in ex.settings])
        if ex.start is not None:
            hit &= lines.day >= np.datetime64(ex.start, "D")
        if ex.until is not None:
            hit &= lines.day <= np.datetime64(ex.until, "D")
        if ex.waiting_years is not None:
            # before the k-th anniversary of the start = policy year index below k
            hit &= lines.year < np.asarray(ex.waiting_years.on(lines.day), dtype=I64)
        for col in ex.amounts:
            masks[col] |= hit
    return masks


def routes(lines: SortedLines, policy: Policy) -> dict[str, np.ndarray]:
    """Per amount column: the index of the part that pays it on each line (−1: none)."""
    masks = exclusion_masks(lines, policy)
    route = {}
    for col in AMOUNT_COLUMNS:
        table = np.array(
            [-1 if (r := policy.route(col, name)) is None else r for name in lines.cat_names],
            dtype=np.int16,
        )
        route[col] = np.where(masks[col], -1, table[lines.cat])
    return route


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
        offset = np.minimum(lines.over, lines.cc)
    else:
        offset = np.minimum(np.maximum(lines.over, hook), lines.cc)
    return np.where(route["covered_copay"] >= 0, offset, 0)
