"""Headers and cell values people write → canonical names, from ``data/header_aliases.toml``.

The mapping is data: to teach the loader a new header or value, add it to the TOML file
(or pass an extra file of the same shape). Matching ignores case, spaces, ``_ - · . ,`` and
similar punctuation; a unit in brackets or at the end (``(원)``, ``(千원)``, ``('000)``,
``본인부담금_만원``) is read as the column's unit (``units.py``), and any other bracket on an
amount or 입원일수 header must be a harmless note listed under ``[notes]``. A circled
receipt number ①–⑤ names the receipt column of the form 진료비 계산서·영수증
(국민건강보험 요양급여의 기준에 관한 규칙 [별지 제6호서식] <개정 2024.7.18>):
① 본인부담금, ② 공단부담금, ③ 전액본인부담, ④ 비급여, ⑤ 상한액 초과금.
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
from ..schema import CANONICAL_COLUMNS, CATEGORIES, COLUMN_LABELS, SETTINGS, TIERS, WON_COLUMNS
from .units import note_unit, unit_like, unit_name

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
    notes: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Bracket notes that leave a column's meaning as it is (``상한액초과금(환급대상)``), per
    canonical column (normalized)."""
    unclear: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """Values that do not say which canonical value they are (``대학병원``: 상급종합 or 종합?),
    per column: normalized value → the question asked."""
    kinds: Mapping[str, str] = field(default_factory=dict)
    """요양기관종류 values that also say the kind of care (normalized value → ``dental``,
    ``oriental``, or ``ask`` when the 항목 must be written)."""
    count_headers: frozenset[str] = frozenset()
    """Headers of a count column (``횟수``): a line with a count above 1 is refused."""
    total_headers: frozenset[str] = frozenset()
    """Headers of a 진료비 총액 column: each line's ① + ② + ③ + ④ must add up to it."""
    side: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """``[side_columns]``: per kind of column that is not read but checked (``discount``,
    ``patient_total``, ``department`` …), its normalized headers or words (``sides.py``)."""


_SECTIONS: Final = ("columns", "values", "notes", "unclear", "institution_kinds", "count_columns",
                     "total_columns", "side_columns")
_KINDS: Final = ("dental", "oriental", "ask")


def _strings(data: Any, source: str, key: str) -> list[str]:
    if not isinstance(data, list) or not all(isinstance(n, str) for n in data):
        raise RuleDataError(source, key, "must be a list of strings")
    return data


def _read_alias_toml(text: str, source: str) -> dict[str, Any]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise RuleDataError(source, "", f"not valid TOML: {err}") from None
    unknown = set(data) - {*_SECTIONS, "meta"}
    if unknown:
        raise RuleDataError(
            source, "", f"unknown section(s) {sorted(unknown)}; expected {', '.join(_SECTIONS)}"
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
    notes: dict[str, set[str]] = {}
    unclear: dict[str, dict[str, str]] = {name: {} for name in CHOICE_FIELDS}
    kinds: dict[str, str] = {}
    counts: set[str] = set()
    totals: set[str] = set()
    side: dict[str, set[str]] = {}
    for data, source in datas:
        for kind, names in data.get("side_columns", {}).items():
            side.setdefault(kind, set()).update(
                normalize(n) for n in _strings(names, source, f"[side_columns] {kind}"))
        for canonical, names in data.get("notes", {}).items():
            if canonical not in CANONICAL_COLUMNS:
                raise RuleDataError(source, "[notes]", f"{canonical!r} is not a canonical column")
            notes.setdefault(canonical, set()).update(
                normalize(n) for n in _strings(names, source, f"[notes] {canonical}")
            )
        for fld, table in data.get("unclear", {}).items():
            if fld not in CHOICE_FIELDS:
                raise RuleDataError(source, f"[unclear.{fld}]", "is not a column with fixed values")
            for question, names in table.items():
                for name in _strings(names, source, f"[unclear.{fld}] {question}"):
                    if normalize(name) in values[fld]:
                        raise RuleDataError(source, f"[unclear.{fld}]",
                                            f"{name!r} is also a known {fld} value")  # fmt: skip
                    unclear[fld][normalize(name)] = question
        for kind, names in data.get("institution_kinds", {}).items():
            if kind not in _KINDS:
                raise RuleDataError(source, "[institution_kinds]",
                                    f"{kind!r}: expected one of {', '.join(_KINDS)}")  # fmt: skip
            for name in _strings(names, source, f"[institution_kinds] {kind}"):
                if normalize(name) not in values["tier"]:
                    raise RuleDataError(source, "[institution_kinds]",
                                        f"{name!r} is not a known tier value")  # fmt: skip
                kinds[normalize(name)] = kind
        for name in _strings(data.get("count_columns", {}).get("headers", []), source,
                             "[count_columns] headers"):  # fmt: skip
            counts.add(normalize(name))
        for name in _strings(data.get("total_columns", {}).get("headers", []), source,
                             "[total_columns] headers"):  # fmt: skip
            totals.add(normalize(name))
    return Aliases(
        columns, values, examples, value_examples,
        {c: frozenset(n) for c, n in notes.items()}, unclear, kinds, frozenset(counts),
        frozenset(totals), {k: frozenset(v) for k, v in side.items()},
    )  # fmt: skip


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
    problem: str | None = None
    """Set when the header cannot be read as it stands (a unit or note that is refused)."""


def letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA (spreadsheet column letters)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters


_MARKS: Final = re.compile(r"[\s*※†‡¹²³⁴⁵⁶⁷⁸⁹⁰▼▽▾▿↓]+$")
_ANGLED: Final = re.compile(r"^[<〈《](.+)[>〉》]$")


def _without_marks(raw: str) -> str:
    """A header without a trailing footnote or dropdown mark (``항목*``, ``항목¹``, ``항목 ▼``)
    or enclosing angle brackets (``<항목>``): the mark says nothing about the column, and
    left on it made the column unknown, so its default (no 항목, 비중증) was used instead."""
    angled = _ANGLED.match(raw)
    if angled:
        raw = angled[1].strip()
    stripped = _MARKS.sub("", raw)
    return stripped if stripped else raw


def map_header(text: Any, index: int, aliases: Aliases) -> Header:
    """A header cell → :class:`Header` (canonical name, unit, a circled-number conflict, or a
    bracket note that is refused).

    A bracket is read as a unit when it is one (``(천원)``, ``(단위: 만원)``, ``('000)``), a
    unit-like bracket that cannot be read (``(K)``, ``(천원/VAT)``) is refused, and on an
    amount or 입원일수 column any other bracket must be a known harmless note
    (``[notes]`` in header_aliases.toml, or the column's own name): ``본인부담금(비급여 포함)``
    may hold something else than ①, so it is refused.
    """
    raw = "" if text is None else strip_invisible(str(text)).strip()
    raw = _without_marks(raw)  # 항목*, 항목 ▼, <항목>: a footnote or dropdown mark
    whole = aliases.columns.get(normalize(raw))
    if whole is not None:
        return Header(raw, index, whole, 1)
    outside = _NOTE.sub(" ", raw).strip()
    found: list[int] = []
    base = outside
    suffix = _SUFFIX_UNIT.search(outside)
    if suffix and suffix.start() > 0 and _name(outside[: suffix.start()], aliases) != (None, None):
        multiplier = note_unit(suffix[0])
        if multiplier is not None:
            found.append(multiplier)
            base = outside[: suffix.start()]
    canonical, conflict = _name(base, aliases)
    problem: str | None = None
    plain: list[str] = []
    for match in _NOTE.finditer(raw):
        content = match[1]
        multiplier = note_unit(content)
        if multiplier is not None:
            found.append(multiplier)
        elif unit_like(content):
            problem = problem or (
                f"읽을 수 있는 금액 단위 (a unit that can be read: (원), (천원), (만원), "
                f"(단위: 천원), ('000), (₩1,000); the bracket {content!r} looks like a unit "
                "but is not exactly one — write (천원) or (원))"
            )
        else:
            plain.append(content)
    if canonical is None and conflict is None:  # "환자구분(산정특례)": the note names the column
        inside = {aliases.columns.get(normalize(n)) for n in plain} - {None}
        if len(inside) == 1:
            canonical = inside.pop()
            plain = [n for n in plain if aliases.columns.get(normalize(n)) != canonical]
    if canonical is None and conflict is None and _DEPARTMENT_WORDS.search(normalize(base)):
        canonical = "department"  # 진료과목코드, 담당진료과명: a 진료과 column not listed
    unit = found[0] if found else 1
    unit_text = unit_name(unit) if found else None
    if canonical is None:
        return Header(raw, index, None, unit, conflict=conflict, unit_text=unit_text)
    if canonical in _GUARDED and problem is None:
        allowed = aliases.notes.get(canonical, frozenset())
        bad = [n for n in plain if normalize(n) not in allowed
               and aliases.columns.get(normalize(n)) != canonical]  # fmt: skip
        if bad and canonical == "days" and any(normalize(n) == "박" for n in bad):
            problem = NIGHTS_EXPECTED
        elif bad:
            problem = (
                f"뜻이 분명한 머리글 (a header whose bracket note leaves the column's meaning as "
                f"it is; the note {bad[0]!r} may mean this column holds something else, such "
                f"as 비급여 included or a sum of columns — if the column holds only its own "
                f"amount, rename the header to {_without_notes(raw, canonical)!r}; if not, "
                "write this column's own amount)"
            )  # fmt: skip
    if len(set(found)) > 1 and problem is None:
        problem = ("머리글 하나에 단위 하나 (one unit per header; this one names "
                   + " and ".join(unit_name(u) for u in found) + ")")  # fmt: skip
    return Header(raw, index, canonical, unit, unit_text=unit_text, problem=problem)


NIGHTS_EXPECTED: Final = (
    "입원일수는 박이 아니라 일 수로 (days, not nights: 입원한 날과 퇴원한 날을 모두 세어 3박이면 "
    "4일 — write the stay's days, nights + 1, and name the column 입원일수)"
)
"""What a 입원일수 in nights (``3박``, a header ``입원일수(박)``) is refused with: one day short."""


_DEPARTMENT_WORDS: Final = re.compile(r"진료과|진료부서|department")
"""Words that make a header not listed under ``[columns] department`` a 진료과 column (its
text splits a day's 통원, so it is read rather than ignored). Not 과목 alone: 비급여과목
names items, not departments."""
_GUARDED: Final = frozenset({*WON_COLUMNS, "days"})
"""Columns whose header notes must be known: a note could change the number read."""
_SUFFIX_UNIT = re.compile(
    r"[\s_/\-·]*(?:단위\s*[:：]?\s*)?(?:[십백천만억千萬万]+\s*원|원|krw|won)\s*$", re.IGNORECASE
)


def _name(base: str, aliases: Aliases) -> tuple[str | None, str | None]:
    """The column ``base`` names → (canonical, None), (None, conflict) when a circled number
    and the name disagree, or (None, None)."""
    canonical = aliases.columns.get(normalize(base))
    if canonical is not None:
        return canonical, None
    circled = [c for c in _CIRCLED if c in base]
    if not circled:
        return None, None
    rest = normalize("".join(ch for ch in base if ch not in _CIRCLED))
    by_text = aliases.columns.get(rest)
    by_digit = _CIRCLED[circled[0]]
    if len(circled) > 1 or (by_text is not None and by_text != by_digit):
        return None, by_text or by_digit
    return by_digit, None


_NOTE = re.compile(r"[(\[（【]([^)\]）】]*)[)\]）】]")
"""A bracketed note inside a header: ``(환급대상)``, ``[KCD]``, ``（100/100）``."""


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


def _without_notes(raw: str, canonical: str) -> str:
    """The header with its bracket notes taken out (``비급여(전액본인)`` → 비급여), for advice."""
    plain = re.sub(r"\s*[(\[（【][^)\]）】]*[)\]）】]\s*", " ", str(raw)).strip()
    return plain or canonical
