"""The ``ceiling=`` argument of ``assess``: what NHIS refunds per line under 본인부담상한제.

Silson does not pay what NHIS refunds or will refund under the 상한제, so the engine needs
the refund per receipt line (상한제 환급분). It takes either the amounts themselves (one
whole won amount per line, in the receipts' row order) or an object that computes them from
the receipts: anything with ``line_offsets(receipts) -> int64 array`` (:class:`CeilingHook`),
such as :class:`silson_tools.ceiling.CeilingSpec`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeAlias, runtime_checkable

import numpy as np
import pandas as pd

from ..errors import InputError
from .lines import I64
from .validated import DeferredLines

__all__ = ["Ceiling", "CeilingHook", "ceiling_offsets"]


@runtime_checkable
class CeilingHook(Protocol):
    """Computes the 상한제 refund (환급분) of each receipt line, e.g. ceiling.CeilingSpec."""

    def line_offsets(self, receipts: pd.DataFrame) -> np.ndarray:
        """Refund per line in won (int64), in the receipts' row order."""
        ...


Ceiling: TypeAlias = CeilingHook | np.ndarray | pd.Series | Sequence[int] | None
"""What ``assess(..., ceiling=)`` accepts: no refund, the refund per line, or a hook."""


def ceiling_offsets(ceiling: Ceiling, receipts: pd.DataFrame | DeferredLines) -> np.ndarray | None:
    """The refund per line (int64, row order) from a ``ceiling=`` argument; None for None.

    :class:`InputError` unless there is one whole, finite amount of at least 0 won per line.
    """
    if ceiling is None:
        return None
    if isinstance(ceiling, CeilingHook):
        if isinstance(receipts, DeferredLines):  # the hook is given the ReceiptLines
            receipts = receipts.lines
        values: object = ceiling.line_offsets(receipts)
        name = f"{type(ceiling).__name__}.line_offsets()"
    elif isinstance(ceiling, np.ndarray | pd.Series) or (
        isinstance(ceiling, Sequence) and not isinstance(ceiling, str | bytes)
    ):
        values, name = ceiling, "ceiling"
    else:
        raise InputError(
            f"ceiling: {type(ceiling).__name__} {ceiling!r:.60}: expected None, one refund in "
            "won per receipt line (list, array or Series) or an object with "
            "line_offsets(receipts) such as ceiling.CeilingSpec"
        )
    arr = np.asarray(values)
    if arr.ndim != 1 or len(arr) != len(receipts):
        raise InputError(
            f"{name}: expected one amount per receipt line ({len(receipts)}), got shape {arr.shape}"
        )
    whole = arr.dtype.kind in "iu" or (
        arr.dtype.kind == "f" and bool(np.all(np.isfinite(arr) & (arr == np.floor(arr))))
    )
    if not whole:
        raise InputError(f"{name}: expected whole, finite won amounts, got dtype {arr.dtype}")
    if (arr < 0).any():
        i = int(np.argmax(arr < 0))
        raise InputError(
            f"{name}: row {i + 1}: {arr[i].item()!r}: expected a refund of at least 0 won"
        )
    return arr.astype(I64)
