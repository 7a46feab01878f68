"""Money units people write on a receipt sheet → won per unit, or the place that cannot be read.

A unit may be said in four places, and each is read the same way or refused:

- a header's bracket or suffix: ``본인부담금(천원)``, ``비급여(千원)``, ``(만)``, ``(1,000원)``,
  ``('000)``, ``(₩1,000)``, ``본인부담금 천원``;
- a title or note above the table: ``(단위: 천원)``, ``※ 천원 단위``, ``금액: 천원``,
  ``2024년 진료비 내역(천원)``, ``(in thousand won)``;
- the merged group cell of a two-row header: ``금액 (단위: 천원)`` over ``본인부담금 | 비급여``;
- an XLSX cell's number format: ``#,##0"천원"`` shows 15 as 15천원 (15 × 1,000 won), and
  ``#,##0,`` shows 15,000 as 15 (the cell already holds won).

A unit expression is read when it is exactly one multiplier (``천`` 千 ``만`` 萬 ``십만`` ``백만``
``억`` ``'000`` ``thousand`` ``million``, or a number ``1,000``/``10,000`` next to 원/₩/KRW)
with an optional currency word (원, won, KRW, ₩); anything else that looks like a unit
(``(K)``, ``천원/VAT``, ``달러``) is refused with its cell. Won per unit = multiplier.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Final

__all__ = [
    "UNIT_NAMES",
    "FormatUnit",
    "format_unit",
    "is_filler",
    "note_unit",
    "unit_like",
    "unit_name",
]

_MULTIPLIERS: Final[dict[str, int]] = {
    "": 1,
    "십": 10,
    "백": 100,
    "천": 1_000,
    "千": 1_000,
    "만": 10_000,
    "萬": 10_000,
    "万": 10_000,
    "십만": 100_000,
    "백만": 1_000_000,
    "천만": 10_000_000,
    "억": 100_000_000,
    "thousand": 1_000,
    "thousands": 1_000,
    "million": 1_000_000,
    "millions": 1_000_000,
    "'000": 1_000,
    "000": 1_000,
    "1000": 1_000,
    "10000": 10_000,
    "1000000": 1_000_000,
}
"""Multiplier words and numbers → won per unit."""
_NEEDS_CURRENCY: Final = frozenset({"", "1000", "10000", "1000000"})
"""Multipliers read only next to 원/₩/KRW: a bare ``(1000)`` may be anything."""
_CURRENCIES: Final = ("krw", "won", "원", "₩", "￦", "圓")
UNIT_NAMES: Final[dict[int, str]] = {
    1: "원",
    10: "십원",
    100: "백원",
    1_000: "천원",
    10_000: "만원",
    100_000: "십만원",
    1_000_000: "백만원",
    10_000_000: "천만원",
    100_000_000: "억원",
}
"""Won per unit → the unit as a summary names it."""

_FULLWIDTH = str.maketrans("０１２３４５６７８９，．：＝（）［］＇", "0123456789,.:=()[]'")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
BULLETS: Final = "◎○●■□◆◇▶▷►☞•▪◦★☆△▲▽▼◈▣※"
"""Bullets people put before a note (``◎단위:천원``): not part of the unit."""
_FILLERS = re.compile(
    r"단위\s*(?:는|은|가|로|=|:)?|금액\s*(?:은|는)?|표시|기준|입니다|이다|"
    r"\b(?:in|of|the|units?|amounts?|unit\s*of)\b|[※*:=·\-–—_.,;/\s" + BULLETS + "]+"
)
_TAIL = re.compile(r"(?:임|이다|입니다)$")
_UNIT_LIKE = re.compile(
    r"단위|[십백천만억千萬万]\s*원|[₩￦$€¥円]|krw|\bwon\b|thousand|million|\bunits?\b|'\s*000|"
    r"^\s*(?:[십백천만억千萬万]+|k|m|mil|000|1,?000|10,?000)\s*$|달러|dollar|usd|eur|엔화|yen|"
    r"\bvat\b|부가세|부가가치세|\d\s*원|(?<![가-힣])원(?:$|[^가-힣]|으로|이다|입니다|임)",
    re.IGNORECASE,
)


def _compact(text: str) -> str:
    """Lower case, NFC, ASCII digits, ``1,000`` as ``1000``."""
    text = unicodedata.normalize("NFC", str(text)).translate(_FULLWIDTH).lower().strip()
    return _THOUSANDS.sub("", text)


def is_filler(text: str) -> bool:
    """Is ``text`` only words around a unit (``단위``, ``금액은``, ``in``, ``※``)?"""
    return not _TAIL.sub("", _FILLERS.sub("", _compact(text)))


def unit_like(text: str) -> bool:
    """Does ``text`` look like it names a money unit (so it must be read or refused)?"""
    return _UNIT_LIKE.search(_compact(text)) is not None


@cache
def note_unit(text: str) -> int | None:
    """A unit note or header bracket → won per unit; None when it is not exactly a unit.

    ``단위: 천원``, ``천원 단위``, ``(in thousand won)``, ``₩1,000``, ``'000``, ``만``, ``원``.
    """
    s = _compact(text)
    s = _FILLERS.sub("", s)
    s = _TAIL.sub("", s)
    if not s:
        return None
    currency = False
    for word in _CURRENCIES:
        if s.startswith(word):
            s, currency = s[len(word) :], True
            break
    if not currency:
        for word in _CURRENCIES:
            if s.endswith(word):
                s, currency = s[: -len(word)], True
                break
    multiplier = _MULTIPLIERS.get(s)
    if multiplier is None or (s in _NEEDS_CURRENCY and not currency):
        return None
    return multiplier


def unit_name(multiplier: int) -> str:
    """15,000 → its Korean unit name (``천원``); other multipliers as ``1,234원``."""
    return UNIT_NAMES.get(multiplier, f"{multiplier:,}원")


# --- number formats ----------------------------------------------------------------------


@dataclass(frozen=True)
class FormatUnit:
    """What an XLSX number format does to an amount: ``shown = value / scale`` followed by
    the literal ``unit`` (won per unit, None when the format names none)."""

    code: str
    scale: int
    """1, or 1,000 per trailing comma (``#,##0,`` shows 15,000 as 15)."""
    unit: int | None
    problem: str | None = None
    """Set when the format shows a unit that cannot be read (``0"달러"``, ``0%``)."""


_QUOTED = re.compile(r'"([^"]*)"|\\(.)|\[[^\]]*\]|_.|\*.')
_SECTION = re.compile(r';(?=(?:[^"]*"[^"]*")*[^"]*$)')


@cache
def format_unit(code: str) -> FormatUnit | None:
    """An XLSX number format → :class:`FormatUnit`, or None when it neither scales nor names a
    unit (``General``, ``#,##0``, ``[$₩-412]#,##0`` …)."""
    if not code or code.lower() == "general":
        return None
    first = _SECTION.split(code)[0]
    literals: list[str] = []

    def keep(match: re.Match[str]) -> str:
        if match[1] is not None:
            literals.append(match[1])
        elif match[2] is not None:
            literals.append(match[2])
        elif match[0].startswith("[$"):  # a currency: [$₩-412] shows ₩
            literals.append(match[0][2:-1].split("-")[0])
        return " "

    skeleton = _QUOTED.sub(keep, first)
    bare = re.sub(r"[0#?,.%Ee+\-\s()/@]", "", skeleton)
    literals.append(bare)  # text written without quotes: 0천원
    text = "".join(literals).strip()
    scale = 1
    trailing = re.search(r"[0#?](,+)[^0#?]*$", skeleton)
    if trailing:
        scale = 1000 ** len(trailing[1])
    if "%" in skeleton:
        return FormatUnit(code, scale, None, "퍼센트가 아닌 금액 서식 (an amount format, not %)")
    unit = None
    if text:
        unit = note_unit(text)
        if unit is None and unit_like(text):
            shows = f"원화 단위 (a unit in won; the number format shows {text!r})"
            return FormatUnit(code, scale, None, shows)
    if scale == 1 and unit is None:
        return None
    return FormatUnit(code, scale, unit)
