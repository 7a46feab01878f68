"""Duplicate policies (중복가입): the standard terms' 「다수보험의 처리」 (비례보상).

When several 실손 policies cover the same medical costs, the policies together pay at most
**the largest 보상대상의료비 among them less the smallest 피보험자 부담 공제금액 among
them**, each its share in proportion to what it would pay alone (4세대 표준약관 제37조; the
FSS 금융꿀팁 example: 입원 100만원 under two policies with a 10% 자기부담금 → 45만원 each,
90만원 in all, not 180만원). The insured keeps the smallest deductible: duplicate cover never
refunds the whole self-pay.

**The unit that is shared (the "claim" here): one receipt line, and within it one side**
(급여 = ① less the ceiling offset + ③, 비급여 = ④) when the policies split them (below). For
each unit and each policy i, from the policy's own assessment of the lines (:func:`assess`):

- ``E_i`` 보상대상의료비: what policy i considers eligible (``claim − excluded −
  ceiling_offset``);
- ``K_i`` 공제금액: what the insured bears under policy i before the caps and limits
  (``deductible + rate_part``; the yearly self-pay cap refund is already netted out);
- ``P_i`` its standalone payout (after its per-visit caps, counts and yearly limits).

The policies that cover the unit are those with ``E_i > 0``; one that excludes it (a waiting
period, a category it does not pay, a contract not yet started) pays nothing and takes no
share, and its ``K_i`` is not counted. Over the covering policies::

    total = min(Σ P_i, max E_i − min K_i)        (never negative: K_i ≤ E_i)
    share_i = total × P_i ÷ Σ P_i                (whole won, largest remainders, ties to
                                                  the first policy: proportional_share)

A policy that hit a limit (smaller ``P_i``) takes a smaller share; it still counts for
``max E`` and ``min K`` (its 보상대상의료비 and 공제금액 do not depend on its limits). Each
share is at most the policy's standalone payout and the shares add up to the total exactly.
The total is never below the largest standalone payout ``P_j`` (``max E − min K ≥ E_j − K_j ≥
P_j``): a second policy never leaves the insured worse off than the better one alone.

**A visit of several lines** (4세대 same-day 외래 + 처방) is shared line by line: each policy's
visit deductible is already shared onto the visit's lines by the engine, so ``min K`` is taken
per line. The sum over the lines of the smallest deductible can be below the smallest visit
deductible (when the policies' deductibles fall on the lines differently); the insured then
keeps a little less than the claim-level rule gives (approximation, in the insured's favour;
exact for a visit of one line, which every admission is). The division between the insurers
is also per line: 4세대 and 3세대 on 의원 외래 3만 + 약국 1만 of one day pay 3만 together either
way (본인 1만, 4세대's one visit deductible), but 17,833 + 12,167 line by line where a division
by the visit's standalone payouts (30,000 : 22,000) would give 17,308 + 12,692.

**Generations that split 급여/비급여 differently.** When every policy pools 급여 and 비급여 in
one part (1–3세대 주계약), a line is one unit. When any policy splits them (4/5세대 주계약
급여 + 비급여 특약), each line is two units, 급여 and 비급여, shared separately. A policy that
splits them gives exact amounts per side (``E`` and ``K`` from its assessment of the lines
with only that side's amounts; ``P`` its ``payout_covered`` / ``payout_noncovered``). A policy
that pools them gives its exact ``E`` per side and its payout split as :func:`assess` splits
it (``payout_noncovered``: p × N ÷ (C + N), rounded, a half to 급여); its pooled ``K`` is split
so that ``P + K`` (what it pays before its limits) splits by the same rule, i.e. in proportion
to its eligible amounts on the two sides, kept so that ``P + K ≤ E`` on each side. That is an
approximation where its 급여 and 비급여 rates differ or a 3대 비급여 특약 takes part of the
line (then the split follows the amounts, not the rates).

Columns added (per line; the per-side amounts are summed): ``claim``, ``loss`` (``claim −
ceiling_offset``, what the patient bore after NHIS's 상한제 refund), per policy
``eligible_<name>`` (E), ``deductible_<name>`` (K), ``standalone_<name>`` (P) and
``payout_<name>`` (its share), then ``max_eligible`` (Σ over sides of max E),
``min_deductible`` (Σ of min K), ``duplicate_cap = max_eligible − min_deductible``,
``payout = Σ payout_<name>`` (≤ ``duplicate_cap`` and ≤ Σ standalone) and ``self_pay = claim −
payout``. A name repeated gets ``_2``, ``_3`` ….
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..catalog import Policy, load_policy
from ..dates import DateLike
from ..errors import InputError
from ..receipts.lines import ReceiptLines, as_receipt_lines
from .assess import assess
from .ceiling_hook import Ceiling
from .lines import I64
from .shares import largest_remainder, pooled_noncovered

__all__ = ["assess_many", "proportional_share"]

_COVERED = ("covered_copay", "full_copay")


def proportional_share(payouts: np.ndarray, cap: np.ndarray) -> np.ndarray:
    """비례보상: scale each insurer's payout so their sum never exceeds ``cap``.

    ``payouts``: shape (k insurers, n units), what each would pay alone; ``cap``: the most
    they pay together on each unit (the duplicate cap ``max E − min K``, or the loss). Where
    their sum S exceeds the cap, insurer i pays ``cap × payout_i / S``, in whole won by
    largest remainders (the shares add up to the cap exactly; ties go to the first insurer);
    otherwise each pays its own amount.
    """
    pay = np.asarray(payouts, dtype=I64)
    cap = np.asarray(cap, dtype=I64)
    if pay.ndim != 2 or cap.ndim != 1 or pay.shape[1] != cap.shape[0]:
        raise InputError(f"payouts must be (insurers, lines) matching cap; got {pay.shape}")
    if (pay < 0).any() or (cap < 0).any():
        raise InputError("payouts and cap must not be negative")
    k, n = pay.shape
    total = np.minimum(pay.sum(axis=0), cap)
    flat = largest_remainder(total, pay.T.ravel(), np.repeat(np.arange(n), k))
    return flat.reshape(n, k).T


def _pools(policy: Policy) -> bool:
    """True when a part takes 급여 and 비급여 in one deductible (1–3세대 주계약)."""
    return any(set(_COVERED) & set(p.amounts) and "noncovered" in p.amounts for p in policy.parts)


def assess_many(
    receipts: pd.DataFrame,
    policies: Iterable[Policy | str | Path],
    policy_start: DateLike | Sequence[DateLike | None] | None = None,
    ceiling: Ceiling = None,
    estimate_nhis: bool = False,
) -> pd.DataFrame:
    """Duplicate policies (중복가입): what each pays under 「다수보험의 처리」.

    Each policy assesses the lines alone (``standalone_<name>``); together they pay at most
    ``max E − min K`` on each line (and side), each its share in proportion to its standalone
    payout (``payout_<name>``). See the module docstring for the rule, the columns and what
    is approximated. ``policy_start`` may be one date or a list/tuple of one per policy.
    ``estimate_nhis``: as in :func:`assess` (a missing ② estimated, labelled).
    """
    pols = [p if isinstance(p, Policy) else load_policy(p) for p in policies]
    if not pols:
        raise InputError("policies: give at least one policy")
    if isinstance(policy_start, list | tuple):
        starts = list(policy_start)
    else:
        starts = [policy_start] * len(pols)
    if len(starts) != len(pols):
        raise InputError(f"policy_start: expected {len(pols)} dates, got {len(starts)}")
    names: list[str] = []
    for p in pols:
        name = p.name
        k = 2
        while name in names:
            name = f"{p.name}_{k}"
            k += 1
        names.append(name)
    frames = [
        assess(receipts, p, s, ceiling, estimate_nhis) for p, s in zip(pols, starts, strict=True)
    ]
    split = not all(_pools(p) for p in pols)
    non_covered_only = None
    if split:
        # ① ③ ⑤ zeroed on the *validated* lines, whatever headers the caller's frame uses
        # (zeroing by canonical name on a frame with 본인부담금 … headers zeroed nothing and
        # left the 급여 side unpaid)
        lines = (
            receipts
            if isinstance(receipts, ReceiptLines) and receipts.is_intact()
            else as_receipt_lines(receipts)
        )
        non_covered_only = lines.with_zeros([*_COVERED, "over_ceiling"])
    sides = [
        _sides(non_covered_only, p, s, f) for p, s, f in zip(pols, starts, frames, strict=True)
    ]
    n = len(frames[0])
    elig = np.zeros((len(pols), n), I64)
    ded = np.zeros((len(pols), n), I64)
    shared = np.zeros((len(pols), n), I64)
    max_e = np.zeros(n, I64)
    min_k = np.zeros(n, I64)
    for side in range(len(sides[0])):
        e = np.stack([s[side][0] for s in sides])
        kk = np.stack([s[side][1] for s in sides])
        pay = np.stack([s[side][2] for s in sides])
        cover = e > 0
        top = e.max(axis=0)
        low = np.where(cover, kk, np.iinfo(I64).max).min(axis=0)
        low = np.where(cover.any(axis=0), low, 0)
        elig += e
        ded += kk
        max_e += top
        min_k += low
        shared += proportional_share(np.where(cover, pay, 0), np.maximum(top - low, 0))
    claim = frames[0]["claim"].to_numpy()
    out = frames[0][[*receipts.columns, "claim"]].copy()
    out["loss"] = claim - np.max([f["ceiling_offset"].to_numpy() for f in frames], axis=0)
    for i, (name, f) in enumerate(zip(names, frames, strict=True)):
        out[f"eligible_{name}"] = elig[i]
        out[f"deductible_{name}"] = ded[i]
        out[f"standalone_{name}"] = f["payout"].to_numpy()
        out[f"payout_{name}"] = shared[i]
    out["max_eligible"] = max_e
    out["min_deductible"] = min_k
    out["duplicate_cap"] = max_e - min_k
    out["payout"] = shared.sum(axis=0)
    out["self_pay"] = claim - out["payout"].to_numpy()
    return out


Side = tuple[np.ndarray, np.ndarray, np.ndarray]
"""(E 보상대상의료비, K 공제금액, P standalone payout) per line, in row order."""


def _sides(
    non_covered_only: ReceiptLines | None,
    policy: Policy,
    start: DateLike | None,
    alone: pd.DataFrame,
) -> list[Side]:
    """E, K, P of one policy on each line: one side, or 급여 and 비급여 when
    ``non_covered_only`` (the validated lines with ① ③ ⑤ zeroed) is given."""
    e = alone["eligible"].to_numpy()
    k = (alone["deductible"] + alone["rate_part"]).to_numpy()
    p = alone["payout"].to_numpy()
    if non_covered_only is None:
        return [(e, k, p)]
    non = assess(non_covered_only, policy, start)
    e_non = non["eligible"].to_numpy()
    e_cov = e - e_non
    p_non = alone["payout_noncovered"].to_numpy()
    p_cov = p - p_non
    if _pools(policy):  # P + K splits like the payout; K's share is what is left of it
        k_non = pooled_noncovered(p + k, e_cov, e_non) - p_non
    else:
        k_non = (non["deductible"] + non["rate_part"]).to_numpy()
    # within each side's eligible amount (P + K ≤ E; exact for a policy that splits them)
    k_non = np.clip(k_non, np.maximum(k - (e_cov - p_cov), 0), np.minimum(k, e_non - p_non))
    return [(e_cov, k - k_non, p_cov), (e_non, k_non, p_non)]
