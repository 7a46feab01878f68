"""Duplicate policies (중복가입): 비례보상, each policy pays its share of the loss.

Each policy assesses the lines alone; where the sum of what they would pay exceeds the loss
(``claim − ceiling_offset``, what the patient bore; the largest offset of the policies),
insurer i pays ``loss × payout_i ÷ Σ payout`` in whole won by largest remainders (the shares
add up to the loss; ties go to the first insurer). Otherwise each pays its own amount.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..catalog import Policy, load_policy
from ..dates import DateLike
from ..errors import InputError
from .assess import assess
from .ceiling_hook import Ceiling
from .lines import I64
from .shares import largest_remainder

__all__ = ["assess_many", "proportional_share"]


def proportional_share(payouts: np.ndarray, loss: np.ndarray) -> np.ndarray:
    """비례보상: scale each insurer's payout so their sum never exceeds the loss.

    ``payouts``: shape (k insurers, n lines), what each would pay alone. Where their sum S
    exceeds the loss, insurer i pays ``loss × payout_i / S``, in whole won by largest
    remainders (the shares add up to the loss exactly; ties go to the first insurer);
    otherwise each pays its own amount.
    """
    pay = np.asarray(payouts, dtype=I64)
    loss = np.asarray(loss, dtype=I64)
    if pay.ndim != 2 or loss.ndim != 1 or pay.shape[1] != loss.shape[0]:
        raise InputError(f"payouts must be (insurers, lines) matching loss; got {pay.shape}")
    if (pay < 0).any() or (loss < 0).any():
        raise InputError("payouts and loss must not be negative")
    k, n = pay.shape
    total = np.minimum(pay.sum(axis=0), loss)
    flat = largest_remainder(total, pay.T.ravel(), np.repeat(np.arange(n), k))
    return flat.reshape(n, k).T


def assess_many(
    receipts: pd.DataFrame,
    policies: Iterable[Policy | str | Path],
    policy_start: DateLike | Sequence[DateLike | None] | None = None,
    ceiling: Ceiling = None,
) -> pd.DataFrame:
    """Duplicate policies (중복가입, 비례보상): each pays its proportional share of the loss.

    Each policy assesses the lines alone (``standalone_<name>``); where the sum exceeds the
    loss (``claim − ceiling_offset``, what the patient bore), each pays
    :func:`proportional_share`. Adds ``payout_<name>`` per policy (``<name>_2`` … for a
    repeat), the total ``payout`` and ``self_pay = claim − payout``. ``policy_start`` may be
    one date or a list/tuple of one per policy.
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
    frames = [assess(receipts, p, s, ceiling) for p, s in zip(pols, starts, strict=True)]
    claim = frames[0]["claim"].to_numpy()
    loss = claim - np.max([f["ceiling_offset"].to_numpy() for f in frames], axis=0)
    alone = np.stack([f["payout"].to_numpy() for f in frames])
    shared = proportional_share(alone, loss)
    out = frames[0][[*receipts.columns, "claim"]].copy()
    out["loss"] = loss
    for name, a, s in zip(names, alone, shared, strict=True):
        out[f"standalone_{name}"] = a
        out[f"payout_{name}"] = s
    out["payout"] = shared.sum(axis=0)
    out["self_pay"] = claim - out["payout"].to_numpy()
    return out
