"""Read a person's receipt export (진료비 영수증 내역) into validated canonical columns.

``read_receipts(path)`` accepts what people actually have: a CSV typed in Excel and saved
as UTF-8, UTF-8 with BOM or cp949/EUC-KR (detected, or named with ``encoding=``), or an
XLSX workbook (first sheet, or ``sheet=``). Korean or English headers are mapped onto the
canonical columns of ``silson_tools.schema`` through ``data/header_aliases.toml`` (the
mapping is data: add a header or a value there). Amounts go through
:func:`silson_tools.money.parse_won` (``12,000``, ``12,000원``, ``1.5만원``); dates may
be ``2024-03-05``, ``2024.03.05``, ``2024/3/5``, ``20240305``, ``2024년 3월 5일`` or Excel
dates (date cells or day serial numbers).

Every problem in the file is collected and raised together as one :class:`ReceiptError`
(a ``ValueError``) whose ``.problems`` list names, for each one, the file, the row number
as the spreadsheet shows it (the header is row 1 when it is the first line), the column
letter and the header the person wrote, the value, and what was expected. Blank lines are
skipped and listed in the result's ``attrs["source"]``; unknown columns are ignored and
listed there too. Nothing is dropped silently. The file is only ever opened for reading.

The result has one row per receipt line, indexed by its spreadsheet row number (index
name ``row``), with the columns of ``schema.CANONICAL_COLUMNS``: int64 won amounts and
days, datetime64 dates and string text columns.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import ReceiptError, ReceiptProblem, show_value
from .money import MAN, parse_won
from .schema import (
    CANONICAL_COLUMNS,
    CATEGORIES,
    INTEGER_COLUMNS,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    SETTINGS,
    TIERS,
)

__all__ = [
    "COLUMN_LABELS",
    "Aliases",
    "ReceiptError",
    "ReceiptProblem",
    "load_aliases",
    "read_receipts",
]

COLUMN_LABELS: dict[str, str] = {
    "person": "이름 (person)",
    "date": "진료일 (date)",
    "setting": "진료구분 (setting: 입원/외래/약국)",
    "tier": "요양기관종류 (tier)",
    "covered_copay": "① 본인부담금 (covered_copay)",
    "nhis_paid": "② 공단부담금 (nhis_paid)",
    "full_copay": "③ 전액본인부담 (full_copay)",
    "noncovered": "④ 비급여 (noncovered)",
    "over_ceiling": "⑤ 상한액초과금 (over_ceiling)",
    "days": "입원일수 (days)",
    "institution": "병원명 (institution)",
    "category": "항목 (category)",
}
"""Korean display name (with the canonical name) of each canonical column."""

AMOUNT_FIELDS = ("covered_copay", "full_copay", "noncovered", "nhis_paid", "over_ceiling")
CHOICE_FIELDS = {"setting": SETTINGS, "tier": TIERS, "category": CATEGORIES}
TEXT_FIELDS = ("person", "institution")
HEADER_SEARCH_ROWS = 20
"""The header may sit below a few title lines; it is looked for in the first 20 rows."""
MAX_WON = 10**12
"""Largest amount accepted on one line (1조원)."""

_AMOUNT_EXPECTED = "금액 (amount in won, e.g. 12000, 12,000원, 1.5만원)"
_DATE_EXPECTED = "날짜 (date, e.g. 2024-03-05, 2024.03.05, 2024/3/5, 20240305)"
_DAYS_EXPECTED = "0 이상의 정수 일수 (whole number of days >= 0, e.g. 3 or 3일)"
_TOTAL_WORDS = {"합계", "계", "총계", "소계", "누계", "total", "sum", "subtotal"}
_CIRCLED = {"①": "covered_copay", "②": "nhis_paid", "③": "full_copay", "④": "noncovered"}
_CIRCLED["⑤"] = "over_ceiling"


# --- problems: ReceiptProblem / ReceiptError live in errors.py -----------------------------

_show = show_value


# --- the header/value mapping (data) ----------------------------------------------------

_UNIT_SUFFIX = re.compile(
    r"[(\[（]\s*(?:단위\s*[:：]?\s*)?(만\s*원|천\s*원|원|won|krw|일|days?)\s*[)\]）]\s*$"
)
_STRIP = re.compile(r"[\s_\-·ㆍ.,:;/\\'\"`’‘“”()\[\]（）{}]+")


def normalize(text: str) -> str:
    """Key for matching headers and values: NFC, lower case, no spaces or punctuation."""
    return _STRIP.sub("", unicodedata.normalize("NFC", str(text)).strip().lower())


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
        raise ValueError(f"{source}: not valid TOML: {err}") from None
    unknown = set(data) - {"meta", "columns", "values"}
    if unknown:
        raise ValueError(
            f"{source}: unknown section(s) {sorted(unknown)}; expected columns, values"
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
                raise ValueError(
                    f"{source}: [columns] {canonical!r} is not a canonical column; "
                    f"expected one of {', '.join(CANONICAL_COLUMNS)}"
                )
            if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                raise ValueError(f"{source}: [columns] {canonical} must be a list of strings")
            for name in names:
                key = normalize(name)
                if key in columns and columns[key] != canonical:
                    raise ValueError(
                        f"{source}: header alias {name!r} maps to both "
                        f"{columns[key]!r} and {canonical!r}"
                    )
                columns[key] = canonical
                examples.setdefault(canonical, []).append(name)
        for fld, table in data.get("values", {}).items():
            if fld not in CHOICE_FIELDS:
                raise ValueError(
                    f"{source}: [values.{fld}] is not a column with fixed values; "
                    f"expected one of {', '.join(CHOICE_FIELDS)}"
                )
            for code, names in table.items():
                if code not in CHOICE_FIELDS[fld]:
                    raise ValueError(
                        f"{source}: [values.{fld}] {code!r} is not a known {fld}; "
                        f"expected one of {', '.join(repr(c) for c in CHOICE_FIELDS[fld])}"
                    )
                for name in names:
                    key = normalize(name)
                    if key in values[fld] and values[fld][key] != code:
                        raise ValueError(
                            f"{source}: {fld} value {name!r} maps to both "
                            f"{values[fld][key]!r} and {code!r}"
                        )
                    values[fld][key] = code
                    value_examples[fld].setdefault(code, []).append(name)
    return Aliases(columns, values, examples, value_examples)


@cache
def _default_alias_data() -> tuple[dict[str, Any], str]:
    text = resources.files("silson_tools").joinpath("data/header_aliases.toml").read_text("utf-8")
    return _read_alias_toml(text, "header_aliases.toml"), "header_aliases.toml"


def load_aliases(extra: str | Path | None = None) -> Aliases:
    """The shipped header/value mapping, extended by ``extra`` (a TOML file of the same shape)."""
    datas = [_default_alias_data()]
    if extra is not None:
        path = Path(extra)
        datas.append((_read_alias_toml(path.read_text("utf-8"), str(path)), str(path)))
    return _merge_aliases(datas)


@cache
def _default_aliases() -> Aliases:
    return load_aliases()


# --- reading the raw grid ---------------------------------------------------------------


@dataclass
class _Grid:
    """Cells as read from the file: rows[i] is spreadsheet row i + 1."""

    rows: list[list[Any]]
    format: str
    encoding: str | None = None
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)


_ENCODING_NAMES = {
    "utf8": "utf-8",
    "utf-8": "utf-8",
    "utf-8-sig": "utf-8-sig",
    "utf8sig": "utf-8-sig",
    "cp949": "cp949",
    "ms949": "cp949",
    "uhc": "cp949",
    "euc-kr": "cp949",
    "euckr": "cp949",
    "ks_c_5601-1987": "cp949",
    "utf-16": "utf-16",
}


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _decode(data: bytes, encoding: str | None, name: str) -> tuple[str, str]:
    """Bytes → text. Named encodings are honoured (EUC-KR read as its superset cp949)."""
    if encoding is not None:
        codec = _ENCODING_NAMES.get(encoding.strip().lower().replace("_", "-"), encoding)
        if codec == "utf-8" and data.startswith(b"\xef\xbb\xbf"):
            codec = "utf-8-sig"
        try:
            return data.decode(codec), codec
        except LookupError:
            raise ReceiptError.one(
                name,
                "알려진 인코딩 (a known encoding: utf-8, utf-8-sig, cp949, euc-kr)",
                value=encoding,
            ) from None
        except UnicodeDecodeError as err:
            guess = _guess_encoding(data)
            hint = (
                f"; 이 파일은 {guess}로 보입니다 (this file looks like {guess}: "
                f"pass encoding={guess!r} or leave encoding out)"
                if guess
                else ""
            )
            snippet = data[err.start : err.start + 4]
            raise ReceiptError.one(
                name,
                f"{codec} 문자 (text in {codec}, the encoding named){hint}",
                row=_line_of(data, err.start),
                value=snippet,
            ) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    if data.startswith(b"\xef\xbb\xbf"):
        codec = "utf-8-sig"
    else:
        for codec in ("utf-8", "cp949"):
            try:
                return data.decode(codec), codec
            except UnicodeDecodeError:
                continue
        codec = ""
    if not codec:
        # Not UTF-8 and not cp949: point at the first byte UTF-8 cannot read.
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as err:
            offset = err.start
        raise ReceiptError.one(
            name,
            "UTF-8 또는 cp949(EUC-KR) 텍스트 (text in UTF-8 or cp949/EUC-KR): "
            "Excel에서 'CSV UTF-8'로 다시 저장하세요 (save again as 'CSV UTF-8')",
            row=_line_of(data, offset),
            value=data[offset : offset + 4],
        )
    try:
        return data.decode(codec), codec
    except UnicodeDecodeError as err:  # utf-8-sig with broken bytes after the BOM
        raise ReceiptError.one(
            name,
            "UTF-8 텍스트 (the file starts with a UTF-8 BOM but is not UTF-8)",
            row=_line_of(data, err.start),
            value=data[err.start : err.start + 4],
        ) from None


def _guess_encoding(data: bytes) -> str | None:
    for codec in ("utf-8", "cp949"):
        try:
            data.decode(codec)
        except UnicodeDecodeError:
            continue
        return codec
    return None


def _sniff_delimiter(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            counts = {d: line.count(d) for d in (",", "\t", ";")}
            best = max(counts, key=lambda d: counts[d])
            return best if counts[best] else ","
    return ","


def _read_csv(data: bytes, name: str, encoding: str | None, delimiter: str | None) -> _Grid:
    text, codec = _decode(data, encoding, name)
    if text.startswith("\ufeff"):
        text = text[1:]
    sep = delimiter or _sniff_delimiter(text)
    try:  # pandas' C parser: fast; every cell a str, short rows padded with ""
        frame = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            header=None,
            dtype=object,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
        )
        return _Grid(frame.to_numpy().tolist(), "csv", encoding=codec)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError):
        pass  # rows longer than the first one, and the like: the csv module says where
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True))
    except csv.Error as err:
        raise ReceiptError.one(
            name, f"CSV 형식 (well-formed CSV; the csv parser said: {err})"
        ) from None
    return _Grid(rows, "csv", encoding=codec)


def _read_xlsx(path: Path, name: str, sheet: str | int | None) -> _Grid:
    import openpyxl  # imported here: CSV users do not pay for it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as err:
        raise ReceiptError.one(name, f"읽을 수 있는 XLSX 파일 (a readable XLSX: {err})") from None
    try:
        names = list(book.sheetnames)
        if sheet is None:
            chosen = names[0]
        elif isinstance(sheet, int) and not isinstance(sheet, bool):
            if not 0 <= sheet < len(names):
                raise ReceiptError.one(
                    name,
                    f"시트 번호 0–{len(names) - 1} (a sheet index; sheets: {names})",
                    value=sheet,
                )
            chosen = names[sheet]
        elif sheet in names:
            chosen = str(sheet)
        else:
            raise ReceiptError.one(
                name,
                "이 파일에 있는 시트 이름 (a sheet in this file: "
                + ", ".join(repr(n) for n in names)
                + ")",
                value=sheet,
            )
        rows = _sheet_rows(book[chosen])
        grid = _Grid(rows, "xlsx", sheet=chosen, sheets=names)
        if sheet is None and len(names) > 1 and _find_header(rows, _default_aliases()) is None:
            # Say where the data is, instead of "no header" on an empty first sheet.
            for other in names[1:]:
                if (
                    _find_header(
                        _sheet_rows(book[other], limit=HEADER_SEARCH_ROWS), _default_aliases()
                    )
                    is not None
                ):
                    raise ReceiptError.one(
                        name,
                        f"첫 시트 {chosen!r}에 영수증 표가 없습니다; 표는 시트 "
                        f"{other!r}에 있습니다 (no receipt table on the first sheet "
                        f"{chosen!r}; the data is on sheet {other!r}: pass "
                        f"sheet={other!r} or --sheet {other!r})",
                    )
        return grid
    finally:
        book.close()


def _sheet_rows(ws: Any, limit: int | None = None) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for values in ws.iter_rows(min_row=1, max_row=limit, values_only=True):
        rows.append(list(values))
    return rows


# --- header ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Header:
    text: str
    index: int
    canonical: str | None
    unit: int  # multiplier for bare numbers: 1 (원) or 10,000 (만원)
    conflict: str | None = None


def _letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA (spreadsheet column letters)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters


def _column_ref(header: _Header) -> str:
    return f"{_letter(header.index)}열 '{header.text}'"


def _map_header(text: Any, index: int, aliases: Aliases) -> _Header:
    raw = "" if text is None else str(text).strip()
    unit = 1
    base = raw
    match = _UNIT_SUFFIX.search(base)
    if match:
        unit_text = match[1].replace(" ", "").lower()
        unit = {"만원": MAN, "천원": 1000}.get(unit_text, 1)
        base = base[: match.start()].strip()
    if base.endswith("만원") and normalize(base[:-2]) in aliases.columns:
        unit, base = MAN, base[:-2]
    key = normalize(base)
    canonical = aliases.columns.get(key)
    circled = [c for c in _CIRCLED if c in base]
    if canonical is None and circled:
        rest = normalize("".join(ch for ch in base if ch not in _CIRCLED))
        by_text = aliases.columns.get(rest)
        by_digit = _CIRCLED[circled[0]]
        if len(circled) > 1 or (by_text is not None and by_text != by_digit):
            return _Header(raw, index, None, unit, conflict=by_text or by_digit)
        canonical = by_digit
    return _Header(raw, index, canonical, unit)


def _find_header(rows: list[list[Any]], aliases: Aliases) -> int | None:
    """Index of the first row (within HEADER_SEARCH_ROWS) naming at least two known columns."""
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        known = {
            h.canonical
            for j, cell in enumerate(row)
            if (h := _map_header(cell, j, aliases)).canonical is not None
        }
        if len(known) >= 2:
            return i
    return None


# --- cell parsers (each runs once per distinct value) -----------------------------------


def _is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and np.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


_WON_SIGN = re.compile(r"^\s*[₩￦]\s*")
_DASH_ZERO = re.compile(r"^\s*[-‐–—]\s*$")
_BARE_NUMBER = re.compile(r"^\s*\d{1,3}(?:,\d{3})+(?:\.\d+)?\s*$|^\s*\d+(?:\.\d+)?\s*$")


def _parse_amount(value: Any, unit: int) -> tuple[int | None, str | None]:
    """One cell → (won, None) or (None, what was expected). ``unit`` scales bare numbers."""
    if isinstance(value, bool) or isinstance(value, dt.date):
        return None, _AMOUNT_EXPECTED
    if isinstance(value, int | float | np.integer | np.floating):
        number = Decimal(str(value))
        if not number.is_finite():
            return None, _AMOUNT_EXPECTED
        won = number * unit
        if won < 0:
            return (
                None,
                "0 이상의 금액 (an amount >= 0; 음수 금액 negative amounts are not allowed)",
            )
        if won != won.to_integral_value():
            return None, "원 단위 정수 금액 (a whole number of won)"
        return _check_range(int(won))
    text = str(value).strip()
    if text.isdigit():  # the common case, fast
        return _check_range(int(text) * unit)
    if _DASH_ZERO.match(text):
        return 0, None  # Excel's accounting format shows zero as "-"
    text = _WON_SIGN.sub("", text)
    bare = _BARE_NUMBER.match(text) is not None
    if unit != 1 and not bare:
        if "만" not in text and text.endswith("원"):
            return None, (
                "이 열은 만원 단위입니다 (this column's header says 만원): 원 단위 값과 "
                "섞지 마세요 (do not mix 원 and 만원; write e.g. 1.2만원 or drop the unit)"
            )
    if unit != 1 and bare:
        try:
            won = Decimal(text.replace(",", "")) * unit
        except InvalidOperation:
            return None, _AMOUNT_EXPECTED
        if won != won.to_integral_value():
            return None, "원 단위 정수 금액 (a whole number of won)"
        return _check_range(int(won))
    try:
        return _check_range(parse_won(text))
    except ValueError as err:
        message = str(err)
        if "negative" in message:
            return (
                None,
                "0 이상의 금액 (an amount >= 0; 음수 금액 negative amounts are not allowed)",
            )
        if "whole number" in message and bare:
            return None, (
                "원 단위 정수 금액 (a whole number of won): 만원이라면 단위를 적으세요 "
                f"(if you meant 만원, write {text}만원, or put (만원) in the header)"
            )
        if "whole number" in message:
            return None, "원 단위 정수 금액 (a whole number of won)"
        if normalize(text) in _TOTAL_WORDS:
            return None, _AMOUNT_EXPECTED
        return None, _AMOUNT_EXPECTED


def _check_range(won: int) -> tuple[int | None, str | None]:
    if won > MAX_WON:
        return None, f"{MAX_WON:,}원 이하의 금액 (an amount of at most {MAX_WON:,} won)"
    return won, None


_EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_PATTERNS = (
    re.compile(
        r"^(\d{4})\s*(?:[-./]|년)\s*(\d{1,2})\s*(?:[-./]|월)\s*(\d{1,2})\s*(?:일)?\.?"
        r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
    ),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def _parse_date(value: Any) -> tuple[dt.date | None, str | None]:
    """One cell → (date, None) or (None, what was expected)."""
    if isinstance(value, dt.datetime):
        return value.date(), None
    if isinstance(value, dt.date):
        return value, None
    if isinstance(value, bool):
        return None, _DATE_EXPECTED
    if isinstance(value, int | float | np.integer | np.floating):
        number = float(value)
        if number.is_integer() and 19000101 <= number <= 21001231:
            return _parse_date(str(int(number)))
        return _excel_serial(number)
    text = unicodedata.normalize("NFC", str(value)).strip()
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            try:
                date = dt.date(year, month, day)
            except ValueError:
                return None, f"달력에 있는 날짜 (a real calendar date; {text} does not exist)"
            if not 1900 <= year <= 2100:
                return None, _DATE_EXPECTED
            return date, None
    if re.fullmatch(r"\d{5}(?:\.\d+)?", text):
        return _excel_serial(float(text))
    if normalize(text) in _TOTAL_WORDS:
        return None, f"{_DATE_EXPECTED}; 합계 줄은 지워 주세요 (delete total rows)"
    return None, _DATE_EXPECTED


def _excel_serial(number: float) -> tuple[dt.date | None, str | None]:
    """Excel's day number (1900 date system): 45356 → 2024-03-05."""
    if not 1 <= number <= 73415:  # up to 2100-12-31
        return None, _DATE_EXPECTED
    return _EXCEL_EPOCH + dt.timedelta(days=int(number)), None


def _parse_days(value: Any) -> tuple[int | None, str | None]:
    if isinstance(value, bool) or isinstance(value, dt.date):
        return None, _DAYS_EXPECTED
    if isinstance(value, int | float | np.integer | np.floating):
        if float(value).is_integer() and value >= 0:
            return int(value), None
        return None, _DAYS_EXPECTED
    match = re.fullmatch(r"(\d+)\s*(?:일|박)?", str(value).strip())
    if match:
        return int(match[1]), None
    return None, _DAYS_EXPECTED


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return unicodedata.normalize("NFC", str(value)).strip()


# --- column-wise validation -------------------------------------------------------------


@dataclass
class _Context:
    name: str
    row_numbers: np.ndarray
    problems: list[ReceiptProblem]

    def add(self, positions: Iterable[int], header: _Header | None, values: Any, expected: str):
        for pos in positions:
            value = values[pos] if values is not None else None
            self.problems.append(
                ReceiptProblem(
                    self.name,
                    int(self.row_numbers[pos]),
                    _column_ref(header) if header is not None else None,
                    value,
                    expected,
                )
            )


def _convert(
    raw: np.ndarray,
    parse: Any,
    *,
    blank: Any,
    required: bool,
    header: _Header,
    ctx: _Context,
    dtype: Any,
    int_unit: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Parse each distinct cell once; return (values, ok mask). Problems go to ``ctx``.

    ``int_unit``: for integer columns, distinct cells that are plain digit strings are
    converted directly (times ``int_unit``); only the other cells go through ``parse``.
    """
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    parsed: list[Any] = []
    failed: list[str | None] = []
    for value in uniques:
        if int_unit is not None and type(value) is str and value.isdigit() and len(value) <= 12:
            parsed.append(int(value) * int_unit)  # the common case, without the full parser
            failed.append(None)
            continue
        if _is_blank(value):
            parsed.append(blank)
            failed.append(
                "값이 필요합니다 (a value is required in this column; it is blank)"
                if required
                else None
            )
            continue
        result, expected = parse(value)
        parsed.append(blank if expected else result)
        failed.append(expected)
    # pd.factorize gives -1 for None/NaN: a blank cell.
    blank_code = len(uniques)
    parsed.append(blank)
    failed.append(
        "값이 필요합니다 (a value is required in this column; it is blank)" if required else None
    )
    codes = np.where(codes < 0, blank_code, codes)
    table = np.array(parsed, dtype=dtype)
    values = table[codes]
    bad = np.array([f is not None for f in failed], dtype=bool)
    ok = ~bad[codes]
    for pos in np.flatnonzero(~ok):
        raw_value = raw[pos]
        ctx.add([pos], header, None if _is_blank(raw_value) else raw, failed[codes[pos]] or "")
    return values, ok


def _choice_parser(fld: str, aliases: Aliases) -> Any:
    table = aliases.values[fld]
    shown = "; ".join(
        f"{code or '(빈칸 blank)'}: {', '.join(names[:4])}"
        for code, names in aliases.value_examples[fld].items()
    )
    expected = f"{COLUMN_LABELS[fld]} 값 중 하나 (one of — {shown})"

    def parse(value: Any) -> tuple[str | None, str | None]:
        key = normalize(_text(value))
        code = table.get(key)
        if code is not None:
            return code, None
        for other in CHOICE_FIELDS:
            if other != fld and key in aliases.values[other]:
                return None, (
                    f"{expected}; 이 값은 {COLUMN_LABELS[other]} 값으로 보입니다: 머리글을 "
                    f"확인하세요 (this looks like a {other} value: check the header)"
                )
        return None, expected

    return parse


def _missing_expected(canonical: str, aliases: Aliases) -> str:
    names = ", ".join(aliases.examples.get(canonical, [])[:8])
    return (
        f"{COLUMN_LABELS[canonical]} 열이 필요합니다 (a column is required; headers like: {names})"
    )


# --- the loader -------------------------------------------------------------------------


def read_receipts(
    path: str | Path,
    *,
    encoding: str | None = None,
    sheet: str | int | None = None,
    person: str | None = None,
    delimiter: str | None = None,
    aliases: str | Path | None = None,
) -> pd.DataFrame:
    """Read a receipt export (CSV or XLSX) into validated canonical columns.

    ``encoding``: CSV encoding (``utf-8``, ``utf-8-sig``, ``cp949``/``euc-kr``); detected
    when None. ``sheet``: XLSX sheet name or 0-based index (first sheet when None).
    ``person``: keep only this person's lines (after the whole file is validated).
    ``delimiter``: CSV delimiter (sniffed from the header line when None).
    ``aliases``: an extra TOML mapping of headers/values, same shape as the shipped one.

    Raises :class:`ReceiptError` (a ``ValueError``) listing every problem found, and
    ``FileNotFoundError`` if there is no such file. The file is only read, never written.
    """
    path = Path(path)
    name = path.name
    table = load_aliases(aliases) if aliases is not None else _default_aliases()
    if not path.is_file():
        raise FileNotFoundError(f"영수증 파일이 없습니다 (no such receipt file): {path}")
    with path.open("rb") as handle:  # read-only
        head = handle.read(8)
        if head.startswith(b"PK\x03\x04"):
            data = b""
        else:
            data = head + handle.read()
    suffix = path.suffix.lower()
    if head.startswith(b"\xd0\xcf\x11\xe0") or suffix == ".xls":
        raise ReceiptError.one(
            name,
            "XLSX 또는 CSV 파일 (an XLSX or CSV file): 예전 Excel 형식(.xls)은 "
            "'다른 이름으로 저장'에서 .xlsx로 저장하세요 (save the old .xls as .xlsx)",
        )
    if head.startswith(b"PK\x03\x04"):
        if encoding is not None:
            raise ReceiptError.one(
                name,
                "인코딩은 CSV 파일에만 씁니다 (encoding= applies to CSV files only; "
                "this is an XLSX workbook)",
                value=encoding,
            )
        grid = _read_xlsx(path, name, sheet)
    else:
        if sheet is not None:
            raise ReceiptError.one(
                name,
                "시트는 XLSX 파일에만 있습니다 (sheet= applies to XLSX files only)",
                value=sheet,
            )
        if not data.strip(b" \t\r\n\xef\xbb\xbf"):
            raise ReceiptError.one(
                name,
                "빈 파일입니다: 머리글 줄과 영수증 줄이 필요합니다 (the file is "
                "empty; expected a header row and receipt lines)",
            )
        grid = _read_csv(data, name, encoding, delimiter)
    frame, source = _validate(grid, name, table)
    source["file"] = str(path)
    if person is not None:
        persons = sorted(frame["person"].unique().tolist())
        if person not in persons:
            raise ReceiptError.one(
                name,
                "이 파일에 있는 이름 (a person in this file: "
                + ", ".join(repr(p) for p in persons)
                + ")",
                column=COLUMN_LABELS["person"],
                value=person,
            )
        frame = frame[frame["person"] == person]
        source["person"] = person
    frame.attrs["source"] = source
    return frame


def _validate(grid: _Grid, name: str, aliases: Aliases) -> tuple[pd.DataFrame, dict[str, Any]]:
    rows = grid.rows
    where = f" (sheet {grid.sheet!r})" if grid.sheet else ""
    header_at = _find_header(rows, aliases)
    if header_at is None and not any(any(not _is_blank(c) for c in row) for row in rows):
        raise ReceiptError.one(
            name,
            f"빈 파일{where}입니다: 머리글 줄과 영수증 줄이 필요합니다 (empty; "
            "expected a header row and receipt lines)",
        )
    if header_at is None:
        first = next(row for row in rows if any(not _is_blank(c) for c in row))
        names = ", ".join(f"{COLUMN_LABELS[c]}" for c in REQUIRED_COLUMNS)
        raise ReceiptError.one(
            name,
            f"머리글 줄을 찾지 못했습니다{where} (no header row found in the first "
            f"{HEADER_SEARCH_ROWS} rows): 필요한 열 (columns needed) {names}",
            value=[c for c in first if not _is_blank(c)],
        )
    problems: list[ReceiptProblem] = []
    header_row = header_at + 1
    headers = [_map_header(cell, j, aliases) for j, cell in enumerate(rows[header_at])]
    while headers and _is_blank(headers[-1].text):
        headers.pop()
    width = len(headers)
    by_canonical: dict[str, _Header] = {}
    ignored: list[str] = []
    for h in headers:
        if h.conflict is not None:
            problems.append(
                ReceiptProblem(
                    name,
                    header_row,
                    _column_ref(h),
                    None,
                    "머리글의 번호와 이름이 서로 다른 열을 가리킵니다 (the circled number and "
                    "the name in this header mean different receipt columns; "
                    "①본인부담금 ②공단부담금 ③전액본인부담 ④비급여 ⑤상한액초과금)",
                )
            )
        elif h.canonical is None:
            if not _is_blank(h.text):
                ignored.append(h.text)
        elif h.canonical in by_canonical:
            first = by_canonical[h.canonical]
            problems.append(
                ReceiptProblem(
                    name,
                    header_row,
                    _column_ref(h),
                    None,
                    f"{COLUMN_LABELS[h.canonical]} 열은 하나만 (only one column for this; "
                    f"{_column_ref(first)} already is)",
                )
            )
        else:
            by_canonical[h.canonical] = h
    for canonical in REQUIRED_COLUMNS:
        if canonical not in by_canonical:
            found = ", ".join(repr(h.text) for h in headers if not _is_blank(h.text))
            problems.append(
                ReceiptProblem(
                    name,
                    header_row,
                    None,
                    None,
                    f"{_missing_expected(canonical, aliases)}; 찾은 머리글 (found): {found}",
                )
            )

    # Data rows: skip blank lines (reported in attrs), flag cells outside the header.
    data_rows: list[list[Any]] = []
    numbers: list[int] = []
    blank_rows: list[int] = []
    body = rows[header_at + 1 :]
    if grid.format == "csv":  # every cell a str: a blank row joins to spaces
        blank = [not "".join(row).strip() for row in body]
    else:
        blank = [all(_is_blank(c) for c in row) for row in body]
    if not any(blank) and set(map(len, body)) <= {width}:
        data_rows = body  # the common case: nothing to skip, pad or flag
        numbers = list(range(header_row + 1, header_row + 1 + len(body)))
        body = []
    for offset, row in enumerate(body):
        number = header_row + 1 + offset
        if blank[offset]:
            blank_rows.append(number)
            continue
        if len(row) > width:
            for j in range(width, len(row)):
                if not _is_blank(row[j]):
                    problems.append(
                        ReceiptProblem(
                            name,
                            number,
                            f"{_letter(j)}열 (머리글 없음, no header)",
                            row[j],
                            "머리글이 있는 열 안의 값 (a value under a header; 쉼표가 든 금액은 "
                            "따옴표로 감싸야 합니다 — in CSV, amounts with commas must be "
                            'quoted, e.g. "12,000")',
                        )
                    )
            row = row[:width]
        elif len(row) < width:
            row = row + [None] * (width - len(row))
        data_rows.append(row)
        numbers.append(number)
    if not data_rows:
        problems.append(
            ReceiptProblem(
                name,
                header_row,
                None,
                None,
                "머리글 아래에 영수증 줄이 없습니다 (no receipt lines below the header)",
            )
        )
        raise ReceiptError(problems, name)

    row_numbers = np.asarray(numbers, dtype=np.int64)
    ctx = _Context(name, row_numbers, problems)
    n = len(data_rows)
    columns = list(zip(*data_rows, strict=True)) if data_rows else []
    for h in headers:  # a value under an empty header cell would otherwise be lost
        if _is_blank(h.text):
            for pos, value in enumerate(columns[h.index]):
                if not _is_blank(value):
                    problems.append(
                        ReceiptProblem(
                            name,
                            numbers[pos],
                            f"{_letter(h.index)}열 (머리글 없음, no header)",
                            value,
                            "머리글이 있는 열 안의 값 (a value under a header: give this "
                            "column a header, or clear the value)",
                        )
                    )
    ok = np.ones(n, dtype=bool)
    out: dict[str, Any] = {}

    def raw_of(h: _Header) -> np.ndarray:
        arr = np.empty(n, dtype=object)
        arr[:] = columns[h.index]
        return arr

    for canonical in CANONICAL_COLUMNS:
        h = by_canonical.get(canonical)
        required = canonical in REQUIRED_COLUMNS
        if h is None:
            default = OPTIONAL_COLUMNS.get(canonical)
            if required:
                continue
            if canonical in AMOUNT_FIELDS or canonical == "days":
                out[canonical] = np.full(n, int(default), dtype=np.int64)  # type: ignore[call-overload]
            else:
                out[canonical] = np.full(n, default, dtype=object)
            continue
        raw = raw_of(h)
        if canonical in AMOUNT_FIELDS:
            unit = h.unit

            def parse(v: Any, unit: int = unit) -> tuple[int | None, str | None]:
                return _parse_amount(v, unit)

            values, good = _convert(
                raw,
                parse,
                blank=0,
                required=required,
                header=h,
                ctx=ctx,
                dtype=np.int64,
                int_unit=unit,
            )
        elif canonical == "date":
            values, good = _convert(
                raw, _parse_date, blank=None, required=True, header=h, ctx=ctx, dtype=object
            )
        elif canonical == "days":
            values, good = _convert(
                raw,
                _parse_days,
                blank=0,
                required=False,
                header=h,
                ctx=ctx,
                dtype=np.int64,
                int_unit=1,
            )
        elif canonical in CHOICE_FIELDS:
            values, good = _convert(
                raw,
                _choice_parser(canonical, aliases),
                blank="",
                required=required,
                header=h,
                ctx=ctx,
                dtype=object,
            )
        else:  # person, institution: free text
            default = OPTIONAL_COLUMNS[canonical]
            values, good = _convert(
                raw,
                lambda v: (_text(v), None),
                blank=default,
                required=False,
                header=h,
                ctx=ctx,
                dtype=object,
            )
        out[canonical] = values
        ok &= good

    _cross_checks(out, by_canonical, ok, ctx)
    if problems:
        problems.sort(key=lambda p: p.row if p.row is not None else -1)
        raise ReceiptError(problems, name)

    frame = pd.DataFrame(
        {
            "person": pd.array(out["person"], dtype="str"),
            "date": pd.to_datetime(out["date"]).astype("datetime64[us]"),
            "setting": pd.array(out["setting"], dtype="str"),
            "tier": pd.array(out["tier"], dtype="str"),
            **{c: out[c].astype(np.int64) for c in INTEGER_COLUMNS},
            "institution": pd.array(out["institution"], dtype="str"),
            "category": pd.array(out["category"], dtype="str"),
        },
        index=pd.Index(row_numbers, name="row"),
    )[list(CANONICAL_COLUMNS)]
    source: dict[str, Any] = {
        "file": name,
        "format": grid.format,
        "encoding": grid.encoding,
        "sheet": grid.sheet,
        "sheets": grid.sheets,
        "header_row": header_row,
        "columns": {c: h.text for c, h in by_canonical.items()},
        "units": {c: "만원" for c, h in by_canonical.items() if h.unit == MAN},
        "defaulted": [c for c in OPTIONAL_COLUMNS if c not in by_canonical],
        "ignored_columns": ignored,
        "blank_rows": blank_rows,
        "lines": n,
    }
    return frame, source


def _cross_checks(
    out: dict[str, Any], by_canonical: dict[str, _Header], ok: np.ndarray, ctx: _Context
) -> None:
    """Checks across columns, on rows whose cells each parsed: a line must make sense."""
    if "setting" not in out:
        return
    setting = out["setting"]
    days = out["days"]
    category = out["category"]
    days_h = by_canonical.get("days")
    inpatient = setting == "inpatient"
    if days_h is not None:
        bad = ok & (days > 0) & ~inpatient
        ctx.add(
            np.flatnonzero(bad),
            days_h,
            days,
            "입원일수는 입원 줄에만 적습니다 (inpatient days only on 입원 lines; this line's "
            "진료구분 is not 입원: fix the 진료구분 or clear 입원일수)",
        )
    cat_h = by_canonical.get("category")
    if cat_h is not None:
        room = ok & (category == "room_upgrade")
        ctx.add(
            np.flatnonzero(room & ~inpatient),
            cat_h,
            category,
            "상급병실 차액은 입원 줄입니다 (a private-room charge is an 입원 line)",
        )
        ctx.add(
            np.flatnonzero(room & inpatient & (days <= 0)),
            cat_h,
            category,
            "상급병실 차액 줄에는 입원일수가 필요합니다 (a private-room line needs 입원일수 > 0: "
            "the cap is 10만원 × days)",
        )
    tier_h = by_canonical.get("tier")
    if tier_h is not None and "tier" in out:
        bad = ok & (out["tier"] == "pharmacy") & (setting != "pharmacy")
        ctx.add(
            np.flatnonzero(bad),
            tier_h,
            out["tier"],
            "요양기관종류 '약국'은 처방조제(약국) 줄에만 씁니다 (tier 약국 goes with pharmacy "
            "lines; this line is 입원/외래)",
        )
    over_h = by_canonical.get("over_ceiling")
    if over_h is not None and "covered_copay" in out:
        bad = ok & (out["over_ceiling"] > out["covered_copay"])
        ctx.add(
            np.flatnonzero(bad),
            over_h,
            out["over_ceiling"],
            "⑤ 상한액초과금은 ① 본인부담금 이하 (⑤ over_ceiling is part of ①, so at most ①)",
        )
