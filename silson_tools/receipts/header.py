"""Headers and cell values people write → canonical names, from ``data/header_aliases.toml``.

The mapping is data: to teach the loader a new header or value, add it to the TOML file
(or pass an extra file of the same shape). Matching ignores case, spaces, ``_ - · . ,`` and
similar punctuation; a trailing unit in brackets (``(원)``, ``(만원)``, ``[일]``) is read as the
column's unit. A circled receipt number ①–⑤ names the receipt column of the form
진료비 계산서·영수증 (국민건강보험 요양급여의 기준에 관한 규칙 [별지 제6호서식]
<개정 2024.7.18>): ① 본인부담금, ② 공단부담금, ③ 전액본인부담, ④ 비급여, ⑤ 상한액 초과금.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Final

from ..errors import RuleDataError
from ..money import MAN
from ..schema import CANONICAL_COLUMNS, CATEGORIES, COLUMN_LABELS, SETTINGS, TIERS

__all__ = [
    "CHOICE_FIELDS",
    "HEADER_SEARCH_ROWS",
    "UNIT_WORDS",
    "Aliases",
    "Header",
    "default_aliases",
    "find_header",
    "letter",
    "load_aliases",
    "map_header",
    "missing_expected",
    "normalize",
    "strip_invisible",
]

CHOICE_FIELDS: Final[dict[str, Mapping[str, str]]] = {
    "setting": SETTINGS,
    "tier": TIERS,
    "category": CATEGORIES,
}
"""Columns with a fixed set of canonical values (code → Korean label)."""

HEADER_SEARCH_ROWS: Final = 20
"""The header may sit below a few title lines; it is looked for in the first 20 rows."""

_UNIT_SUFFIX = re.compile(
    r"[(\[（]\s*(?:단위\s*[:：]?\s*)?((?:[십백천만]|십만|백만|천만)?\s*원|won|krw|일|days?)"
    r"\s*[)\]）]\s*$"
)
UNIT_WORDS: Final[dict[str, int]] = {
    "원": 1,
    "won": 1,
    "krw": 1,
    "십원": 10,
    "백원": 100,
    "천원": 1000,
    "만원": MAN,
    "십만원": 10 * MAN,
    "백만원": 100 * MAN,
    "천만원": 1000 * MAN,
}
"""Money units a header or a ``단위:`` note may name → won per unit."""
_STRIP = re.compile(r"[\s_\-·ㆍ.,:;/\\'\"`’‘“”()\[\]（）{}]+")
_CIRCLED: Final[dict[str, str]] = {
    "①": "covered_copay",
    "②": "nhis_paid",
    "③": "full_copay",
    "④": "noncovered",
    "⑤": "over_ceiling",
}


_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f]"
)
"""Unicode's invisible format characters (category Cf) and control characters but tab and
line ends (category Cc)."""


def strip_invisible(text: str) -> str:
    """``text`` without invisible characters (zero-width space, joiners, BOM, soft hyphen,
    NUL and other control characters), which Excel and web copies leave in cells."""
    if text.isascii() and text.isprintable():
        return text
    return _INVISIBLE.sub("", text)


def normalize(text: str) -> str:
    """Key for matching headers and values: NFC, lower case, no spaces, punctuation or
    invisible characters."""
    return _STRIP.sub("", strip_invisible(unicodedata.normalize("NFC", str(text))).strip().lower())


@dataclass(frozen=True)
class Aliases:
    """Header and value aliases (normalized text → canonical name), read from TOML."""

    columns: Mapping[str, str]
    values: Mapping[str, Mapping[str, str]]
    examples: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """The aliases as written, per canonical column (for messages)."""
    value_examples: Mapping[str, Mapping[str, Sequence[str]]] = field(default_factory=dict)


def _read_alias_toml(text: str, source: str) -> dict[str, Any]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise RuleDataError(source, "", f"not valid TOML: {err}") from None
    unknown = set(data) - {"meta", "columns", "values"}
    if unknown:
        raise RuleDataError(
            source, "", f"unknown section(s) {sorted(unknown)}; expected columns, values"
        )
    return data


def _merge_aliases(datas: Iterable[tuple[dict[str, Any], str]]) -> Aliases:
    columns: dict[str, str] = {}
    examples: dict[str, list[str]] = {}
    values: dict[str, dict[str, str]] = {name: {} for name in CHOICE_FIELDS}
    value_examples: dict[str, dict[str, list[str]]] = {name: {} for name in CHOICE_FIELDS}
    for data, source in datas:
        for canonical, names in data.get("columns", {}).items():
            if canonical not in CANONICAL_COLUMNS:
                raise RuleDataError(
                    source,
                    "[columns]",
                    f"{canonical!r} is not a canonical column; "
                    f"expected one of {', '.join(CANONICAL_COLUMNS)}",
                )
            if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                raise RuleDataError(source, f"[columns] {canonical}", "must be a list of strings")
            for name in names:
                key = normalize(name)
                if key in columns and columns[key] != canonical:
                    raise RuleDataError(
                        source,
                        f"[columns] {canonical}",
                        f"header alias {name!r} maps to both {columns[key]!r} and {canonical!r}",
                    )
                columns[key] = canonical
                examples.setdefault(canonical, []).append(name)
        for fld, table in data.get("values", {}).items():
            if fld not in CHOICE_FIELDS:
                raise RuleDataError(
                    source,
                    f"[values.{fld}]",
                    "is not a column with fixed values; "
                    f"expected one of {', '.join(CHOICE_FIELDS)}",
                )
            for code, names in table.items():
                if code not in CHOICE_FIELDS[fld]:
                    raise RuleDataError(
                        source,
                        f"[values.{fld}]",
                        f"{code!r} is not a known {fld}; expected one of "
                        + ", ".join(repr(c) for c in CHOICE_FIELDS[fld]),
                    )
                for name in names:
                    key = normalize(name)
                    if key in values[fld] and values[fld][key] != code:
                        raise RuleDataError(
                            source,
                            f"[values.{fld}]",
                            f"{fld} value {name!r} maps to both {values[fld][key]!r} and {code!r}",
                        )
                    values[fld][key] = code
                    value_examples[fld].setdefault(code, []).append(name)
    return Aliases(columns, values, examples, value_examples)


@cache
def _default_alias_data() -> tuple[dict[str, Any], str]:
    text = resources.files("silson_tools").joinpath("data/header_aliases.toml").read_text("utf-8")
    return _read_alias_toml(text, "header_aliases.toml"), "header_aliases.toml"


def load_aliases(extra: str | Path | None = None) -> Aliases:
    """The shipped header/value mapping, extended by ``extra`` (a TOML file of the same shape).

    A broken file is a :class:`~silson_tools.errors.RuleDataError` naming the file and key.
    """
    datas = [_default_alias_data()]
    if extra is not None:
        path = Path(extra)
        datas.append((_read_alias_toml(path.read_text("utf-8"), str(path)), str(path)))
    return _merge_aliases(datas)


@cache
def default_aliases() -> Aliases:
    """The shipped mapping (read once)."""
    return load_aliases()


@dataclass(frozen=True)
class Header:
    """One header cell (or DataFrame column name) and what it maps to."""

    text: str
    index: int
    """0-based column position."""
    canonical: str | None
    unit: int
    """Multiplier for bare numbers below it: 1 (원), 1,000 (천원), 10,000 (만원) …"""
    conflict: str | None = None
    """Set when a circled number and the name point at different receipt columns."""
    unit_text: str | None = None
    """The unit the header names (``"만원"``), None when it names none."""


def letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA (spreadsheet column letters)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters


def map_header(text: Any, index: int, aliases: Aliases) -> Header:
    """A header cell → :class:`Header` (canonical name, unit, or a circled-number conflict)."""
    raw = "" if text is None else strip_invisible(str(text)).strip()
    unit = 1
    unit_text: str | None = None
    base = raw
    match = _UNIT_SUFFIX.search(base)
    if match:
        word = match[1].replace(" ", "").lower()
        if word in UNIT_WORDS:
            unit_text, unit = word, UNIT_WORDS[word]
        base = base[: match.start()].strip()
    for word in ("천원", "만원"):
        if base.endswith(word) and normalize(base[: -len(word)]) in aliases.columns:
            unit_text, unit, base = word, UNIT_WORDS[word], base[: -len(word)]
    key = normalize(base)
    canonical = aliases.columns.get(key)
    if canonical is None and _NOTE.search(base):  # "전액본인부담(100/100)", "중증(산정특례)"
        canonical = _with_notes(base, aliases)
    circled = [c for c in _CIRCLED if c in base]
    if canonical is None and circled:
        rest = normalize("".join(ch for ch in base if ch not in _CIRCLED))
        by_text = aliases.columns.get(rest)
        by_digit = _CIRCLED[circled[0]]
        if len(circled) > 1 or (by_text is not None and by_text != by_digit):
            return Header(raw, index, None, unit, conflict=by_text or by_digit,
                          unit_text=unit_text)  # fmt: skip
        canonical = by_digit
    return Header(raw, index, canonical, unit, unit_text=unit_text)


_NOTE = re.compile(r"[(\[（【]([^)\]）】]*)[)\]）】]")
"""A bracketed note inside a header: ``(환급대상)``, ``[KCD]``, ``（100/100）``."""


def _with_notes(base: str, aliases: Aliases) -> str | None:
    """The column a header with bracketed notes names: the text outside the brackets, else
    the one note that is itself a header (``환자구분(산정특례)`` → severe); None otherwise."""
    outside = aliases.columns.get(normalize(_NOTE.sub("", base)))
    if outside is not None:
        return outside
    inside = {aliases.columns.get(normalize(m[1])) for m in _NOTE.finditer(base)} - {None}
    return inside.pop() if len(inside) == 1 else None


def find_header(rows: list[list[Any]], aliases: Aliases) -> int | None:
    """Index of the first row (within HEADER_SEARCH_ROWS) naming at least two known columns."""
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        known = {
            h.canonical
            for j, cell in enumerate(row)
            if (h := map_header(cell, j, aliases)).canonical is not None
        }
        if len(known) >= 2:
            return i
    return None


def missing_expected(canonical: str, aliases: Aliases) -> str:
    """What a missing required column was expected to be called."""
    names = ", ".join(aliases.examples.get(canonical, [])[:8])
    return (
        f"{COLUMN_LABELS[canonical]} 열이 필요합니다 (a column is required; headers like: {names})"
    )
