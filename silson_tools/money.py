"""Won amounts: parse "12,000원", "1.5만원", "1,050만 원" into integer won, check and format.

Money in this project is always an integer number of won (원). Parsing is exact: a
만원 amount with a fractional part is converted with :class:`decimal.Decimal`, and a
result that is not a whole number of won is an error, never rounded.

**One limit per kind of amount.** Every module checks amounts here:

- :data:`MAX_LINE_WON` (10억원) for one receipt column on one line (①–⑤). The receipt
  loader, :class:`~silson_tools.receipts.ReceiptLines` and so the engine, ceiling and
  premium modules all refuse a larger line amount with the same message
  (:func:`line_limit_expected`).
- :data:`MAX_WON` (1조원) for any other amount given to a function: a yearly total, a
  premium, a deductible (:func:`as_won`).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Final

import numpy as np

from .errors import InputError

__all__ = [
    "MAN",
    "MAX_LINE_WON",
    "MAX_WON",
    "NEGATIVE_EXPECTED",
    "WHOLE_EXPECTED",
    "as_won",
    "format_won",
    "line_limit_expected",
    "parse_won",
    "won_faults",
]

MAN: Final = 10_000
"""1만원 = 10,000원."""

MAX_LINE_WON: Final = 10**9
"""Largest amount in one receipt column of one line (10억원).

The engine's exact int64 arithmetic multiplies amounts: the 급여/비급여 split of a payout
computes ``2 × p × N`` with ``p ≤ 3 × MAX_LINE_WON`` and ``N ≤ MAX_LINE_WON`` (6 × 10¹⁸),
and rates are applied as ``amount × ppm`` (10⁹ × 10⁶); both stay below 2⁶³ ≈ 9.22 × 10¹⁸."""

MAX_WON: Final = 10**12
"""Largest other amount (a total over lines or years, a premium): ``amount × 10⁶ < 2⁶³``."""

NEGATIVE_EXPECTED: Final = (
    "0 이상의 금액 (an amount >= 0; 음수 금액 negative amounts are not allowed)"
)
WHOLE_EXPECTED: Final = "원 단위 정수 금액 (a whole number of won)"


def line_limit_expected(limit: int = MAX_LINE_WON) -> str:
    """What a receipt amount above ``limit`` was expected to be (one text everywhere)."""
    return f"{limit:,}원 이하의 금액 (an amount of at most {limit:,} won)"


_NUMBER = r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?"
_PATTERN = re.compile(
    rf"""^\s*
    (?P<sign>[-−])?\s*
    (?:
        (?P<man_number>{_NUMBER})\s*만\s*(?P<rest>[0-9]{{1,3}}(?:,[0-9]{{3}})?|[0-9]{{1,4}})?
      | (?P<number>{_NUMBER})
    )
    \s*(?P<won>원)?\s*$""",
    re.VERBOSE,
)
"""Digits are 0-9 only (not any Unicode digit): ², ③ or other scripts' digits are no number."""


def parse_won(text: str | int, *, allow_negative: bool = False) -> int:
    """Parse a won amount into an integer.

    Accepted: ``12000``, ``"12,000"``, ``"12,000원"``, ``"1.5만원"``, ``"808만원"``,
    ``"1,050만 원"``, ``"99만 9,999원"``. ``만`` multiplies by 10,000; a number after it
    (under 10,000) is added in won. Anything else raises :class:`InputError` (a
    ``ValueError``) naming the text. Negative amounts are refused unless ``allow_negative``.
    No upper limit is applied here: the callers check :data:`MAX_LINE_WON` or :data:`MAX_WON`.
    """
    if isinstance(text, bool):
        raise InputError(f"금액이 아닙니다 (not an amount): {text!r}")
    if isinstance(text, int):
        value = text
    else:
        if not isinstance(text, str):
            raise InputError(f"금액이 아닙니다 (not an amount): {text!r}")
        match = _PATTERN.match(text)
        if match is None:
            raise InputError(
                f"금액으로 읽을 수 없습니다 (cannot read as won): {text!r}; "
                "expected e.g. 12000, 12,000원, 1.5만원"
            )
        if match["man_number"] is not None:
            number = Decimal(match["man_number"].replace(",", "")) * MAN
            rest = int(match["rest"].replace(",", "")) if match["rest"] else 0
            if rest >= MAN:
                raise InputError(
                    "만 뒤의 금액은 1만 미만이어야 합니다 "
                    f"(the part after 만 must be under 10,000): {text!r}"
                )
            number += rest
        else:
            number = Decimal(match["number"].replace(",", ""))
        if number != number.to_integral_value():
            raise InputError(f"원 단위가 아닌 금액입니다 (not a whole number of won): {text!r}")
        value = int(number)
        if match["sign"]:
            value = -value
    if value < 0 and not allow_negative:
        raise InputError(f"음수 금액입니다 (negative amount): {text!r}")
    return value


def won_faults(values: np.ndarray, limit: int = MAX_LINE_WON) -> list[tuple[np.ndarray, str]]:
    """The checks every amount passes, on a numeric array: ``[(bad mask, expected), …]``.

    Each entry is a boolean mask of the values that fail one check, with what was expected:
    not a whole number (or not finite), negative, above ``limit``. Empty when every value is
    fine. A value fails at most one check (the first in that order).
    """
    arr = np.asarray(values)
    faults: list[tuple[np.ndarray, str]] = []
    if arr.dtype.kind in "iu" and (arr.size == 0 or (arr.min() >= 0 and arr.max() <= limit)):
        return faults  # the common case: two reductions, no masks
    if arr.dtype.kind == "f":
        whole = np.isfinite(arr) & (arr == np.floor(arr))
        if not whole.all():
            faults.append((~whole, WHOLE_EXPECTED))
        ok = whole
    else:
        ok = np.ones(arr.shape, dtype=bool)
    if arr.dtype.kind != "u":
        negative = ok & (arr < 0)
        if negative.any():
            faults.append((negative, NEGATIVE_EXPECTED))
            ok = ok & ~negative
    big = ok & (arr > limit)
    if big.any():
        faults.append((big, line_limit_expected(limit)))
    return faults


def as_won(
    name: str, value: Any, *, allow_none: bool = False, limit: int = MAX_WON
) -> np.ndarray | None:
    """Validate an amount argument (scalar, array or won text) → int64 array.

    The one check for money given to a function: whole, non-negative, at most ``limit``
    (:data:`MAX_WON` unless a caller passes :data:`MAX_LINE_WON` for a line amount).
    :class:`InputError` names the argument and the value.
    """
    if value is None:
        if allow_none:
            return None
        raise InputError(f"{name} is required (None given)")
    if isinstance(value, str):
        try:
            value = parse_won(value)
        except InputError as err:
            raise InputError(f"{name}: {err}") from None
    try:
        arr = np.asarray(value)
    except Exception as err:  # pragma: no cover - defensive
        raise InputError(f"{name} must be a number of won, got {value!r}") from err
    if arr.dtype == bool or arr.dtype.kind not in "iuf":
        raise InputError(f"{name} must be a number of won, got {value!r}")
    for _, expected in won_faults(arr, limit):
        if expected == WHOLE_EXPECTED:
            raise InputError(f"{name} must be a whole number of won, got {value!r}")
        if expected == NEGATIVE_EXPECTED:
            raise InputError(f"{name} must not be negative, got {value!r}")
        raise InputError(f"{name} is larger than {limit:,} won, got {value!r}")
    return arr.astype(np.int64)


def format_won(amount: int, *, unit: str = "auto") -> str:
    """Format integer won: ``12000 → "12,000원"``, ``8080000 → "808만원"``.

    ``unit="auto"`` uses 만원 when the amount is a whole number of 만원 of at least
    10만원, otherwise 원 with thousands separators. ``unit="won"`` or ``"man"`` forces one.
    """
    amount = int(amount)
    sign = "-" if amount < 0 else ""
    absolute = abs(amount)
    if unit not in {"auto", "won", "man"}:
        raise InputError(f"unit must be 'auto', 'won' or 'man', not {unit!r}")
    use_man = unit == "man" or (unit == "auto" and absolute >= 10 * MAN and absolute % MAN == 0)
    if use_man:
        man = Decimal(absolute) / MAN
        text = f"{man:,f}".rstrip("0").rstrip(".") if absolute % MAN else f"{absolute // MAN:,}"
        return f"{sign}{text}만원"
    return f"{sign}{absolute:,}원"
