"""Won amounts: parse "12,000원", "1.5만원", "1,050만 원" into integer won, and format back.

Money in this project is always an integer number of won (원). Parsing is exact: a
만원 amount with a fractional part is converted with :class:`decimal.Decimal`, and a
result that is not a whole number of won is an error, never rounded.
"""

from __future__ import annotations

import re
from decimal import Decimal

__all__ = ["MAN", "format_won", "parse_won"]

MAN = 10_000
"""1만원 = 10,000원."""

_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_PATTERN = re.compile(
    rf"""^\s*
    (?P<sign>[-−])?\s*
    (?:
        (?P<man_number>{_NUMBER})\s*만\s*(?P<rest>\d{{1,3}}(?:,\d{{3}})?|\d{{1,4}})?
      | (?P<number>{_NUMBER})
    )
    \s*(?P<won>원)?\s*$""",
    re.VERBOSE,
)


def parse_won(text: str | int, *, allow_negative: bool = False) -> int:
    """Parse a won amount into an integer.

    Accepted: ``12000``, ``"12,000"``, ``"12,000원"``, ``"1.5만원"``, ``"808만원"``,
    ``"1,050만 원"``, ``"99만 9,999원"``. ``만`` multiplies by 10,000; a number after it
    (under 10,000) is added in won. Anything else raises ``ValueError``
    naming the text. Negative amounts are refused unless ``allow_negative``.
    """
    if isinstance(text, bool):
        raise ValueError(f"금액이 아닙니다 (not an amount): {text!r}")
    if isinstance(text, int):
        value = text
    else:
        if not isinstance(text, str):
            raise ValueError(f"금액이 아닙니다 (not an amount): {text!r}")
        match = _PATTERN.match(text)
        if match is None:
            raise ValueError(
                f"금액으로 읽을 수 없습니다 (cannot read as won): {text!r}; "
                "expected e.g. 12000, 12,000원, 1.5만원"
            )
        if match["man_number"] is not None:
            number = Decimal(match["man_number"].replace(",", "")) * MAN
            rest = int(match["rest"].replace(",", "")) if match["rest"] else 0
            if rest >= MAN:
                raise ValueError(
                    "만 뒤의 금액은 1만 미만이어야 합니다 "
                    f"(the part after 만 must be under 10,000): {text!r}"
                )
            number += rest
        else:
            number = Decimal(match["number"].replace(",", ""))
        if number != number.to_integral_value():
            raise ValueError(f"원 단위가 아닌 금액입니다 (not a whole number of won): {text!r}")
        value = int(number)
        if match["sign"]:
            value = -value
    if value < 0 and not allow_negative:
        raise ValueError(f"음수 금액입니다 (negative amount): {text!r}")
    return value


def format_won(amount: int, *, unit: str = "auto") -> str:
    """Format integer won: ``12000 → "12,000원"``, ``8080000 → "808만원"``.

    ``unit="auto"`` uses 만원 when the amount is a whole number of 만원 of at least
    10만원, otherwise 원 with thousands separators. ``unit="won"`` or ``"man"`` forces one.
    """
    amount = int(amount)
    sign = "-" if amount < 0 else ""
    absolute = abs(amount)
    if unit not in {"auto", "won", "man"}:
        raise ValueError(f"unit must be 'auto', 'won' or 'man', not {unit!r}")
    use_man = unit == "man" or (unit == "auto" and absolute >= 10 * MAN and absolute % MAN == 0)
    if use_man:
        man = Decimal(absolute) / MAN
        text = f"{man:,f}".rstrip("0").rstrip(".") if absolute % MAN else f"{absolute // MAN:,}"
        return f"{sign}{text}만원"
    return f"{sign}{absolute:,}원"
