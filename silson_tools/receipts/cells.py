"""One cell → its canonical value, or what was expected instead.

Each parser takes the value of one cell (text from a CSV, a number, a date or text from an
XLSX cell, anything from a DataFrame) and returns ``(value, None)`` or ``(None, expected)``.
They run once per *distinct* value of a column (see ``validate.py``), so their speed matters
little; whole numeric and date columns never come here.

Amounts: ``12000``, ``12,000``, ``12,000원``, ``₩12,000``, ``1.5만원``, ``1,050만 원``,
``-`` (Excel's accounting zero), numbers; a header in 만원 scales bare numbers. Dates:
``2024-03-05``, ``2024.03.05``, ``2024/3/5``, ``20240305``, ``2024년 3월 5일``, date cells
and Excel day serial numbers. Days: ``3``, ``3일`` (``3박``, nights, refused).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any, Final

import numpy as np
import pandas as pd

from ..errors import InputError
from ..money import (
    MAX_LINE_WON,
    NEGATIVE_EXPECTED,
    WHOLE_EXPECTED,
    line_limit_expected,
    parse_won,
)
from ..schema import COLUMN_LABELS
from .header import CHOICE_FIELDS, Aliases, default_aliases, normalize, strip_invisible

__all__ = [
    "AMOUNT_EXPECTED",
    "DATE_EXPECTED",
    "DAYS_EXPECTED",
    "MAX_DAYS",
    "REQUIRED_EXPECTED",
    "Parser",
    "check_days",
    "check_won",
    "choice_parser",
    "clean",
    "is_blank",
    "parse_amount",
    "parse_date",
    "parse_days",
    "text",
    "unit_misfit_expected",
    "won_like",
]

Parser = Callable[[Any], tuple[Any, str | None]]
"""A cell parser: value → (canonical value, None) or (None, what was expected)."""

MAX_DAYS: Final = 10_000
"""Largest 입원일수 on one line (27 years): keeps 10만원 × days far inside int64."""

AMOUNT_EXPECTED: Final = "금액 (amount in won, e.g. 12000, 12,000원, 1.5만원)"
DATE_EXPECTED: Final = "날짜 (date, e.g. 2024-03-05, 2024.03.05, 2024/3/5, 20240305)"
DAYS_EXPECTED: Final = "0 이상의 정수 일수 (whole number of days >= 0, e.g. 3 or 3일)"
DAYS_LIMIT_EXPECTED: Final = f"{MAX_DAYS:,}일 이하 (at most {MAX_DAYS:,} days on one line)"
REQUIRED_EXPECTED: Final = (
    "값이 필요합니다 (a value is required in this column; it is blank — if it means 'same as "
    "above', write the value on every line, or merge the cells in Excel)"
)
TOTAL_WORDS: Final = {"합계", "계", "총계", "소계", "누계", "total", "sum", "subtotal"}
FIRST_YEAR, LAST_YEAR = 1977, 2100
"""Dates outside these years are refused: 의료보험 began in 1977, so an earlier date is a
typo or a day of the month alone in a date-formatted cell (5 shows as 1900-01-05)."""

_WON_SIGN = re.compile(r"^\s*[₩￦\\]\s*|\s*[₩￦]\s*$")
"""₩ before or after the number; a leading ``\\`` is ₩ too: Korean Windows (cp949) writes ₩
as byte 0x5C, which reads as a backslash and shows as ₩ in Korean fonts."""
_DASH_ZERO = re.compile(r"^\s*[-‐–—−]\s*$")
_BARE_NUMBER = re.compile(
    r"^\s*\d{1,3}(?:,\d{3})+(?:\.\d+)?\s*$|^\s*\d+(?:\.\d+)?\s*$", re.ASCII
)
_THOUSANDS_WON = re.compile(
    r"^\s*(?:(?P<man>\d{1,5})\s*만\s*)?(?P<cheon>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*[천千]\s*원?\s*$",
    re.ASCII,
)
"""An amount in 천원 written in the cell: ``15천원``, ``1.5천원``, ``15千원``, ``3만5천원``."""
_DOT_THOUSANDS = re.compile(r"^\s*\d{1,3}(?:\.\d{3})+\s*(?:만\s*)?(?:원)?\s*$", re.ASCII)
_SPACES = re.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
"""No-break, thin, ideographic … spaces: read as a plain space."""
_FULLWIDTH = str.maketrans("０１２３４５６７８９，．－　", "0123456789,.- ")
DOT_THOUSANDS_EXPECTED: Final = (
    "쉼표로 천 단위를 나눈 금액 (an amount with commas for thousands: is the dot in this value "
    "a thousands separator or a decimal point? write 12000 or 12,000)"
)
NOT_DIGIT_EXPECTED: Final = (
    f"{AMOUNT_EXPECTED}; 0–9가 아닌 숫자 모양 글자(², ③ …)는 읽지 않습니다 (characters that "
    "look like digits, such as ² or ③, are not read)"
)


def clean(value: str) -> str:
    """Cell text as typed: NFC, full-width digits as ASCII, invisible characters removed."""
    if value.isascii() and value.isprintable():
        return value
    text_ = strip_invisible(unicodedata.normalize("NFC", value).translate(_FULLWIDTH))
    return _SPACES.sub(" ", text_)


_NUMBER_TYPES = (int, float, np.integer, np.floating)
FLOAT_NOISE: Final = Decimal("1e-6")
"""A number cell within this of a whole number (per unit) is that number: Excel saves a
formula's result as a double (=12000*0.3 → 3600.0000000000005) and shows it whole."""
_MIXED: Final = (
    "이 열은 {unit:,}원 단위입니다 (this column's unit is {unit:,} won, from its header or a 단위 "
    "note): 원 단위 값과 섞지 마세요 (do not mix units; write the number alone)"
)


def is_blank(value: Any) -> bool:
    """None, NaN, NaT, pd.NA and text of only spaces are blank cells."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip() or (not value.isprintable() and not clean(value).strip())
    if isinstance(value, float | np.floating | np.datetime64) or value is pd.NaT:
        return bool(pd.isna(value))
    return value is pd.NA


def check_won(won: int) -> tuple[int | None, str | None]:
    """The one line-amount check on a parsed whole number of won."""
    if won < 0:
        return None, NEGATIVE_EXPECTED
    if won > MAX_LINE_WON:
        return None, line_limit_expected()
    return won, None


def check_days(days: int) -> tuple[int | None, str | None]:
    """입원일수: 0 to :data:`MAX_DAYS`."""
    if days < 0:
        return None, DAYS_EXPECTED
    if days > MAX_DAYS:
        return None, DAYS_LIMIT_EXPECTED
    return days, None


def parse_amount(value: Any, unit: int = 1) -> tuple[int | None, str | None]:
    """One cell → (won, None) or (None, what was expected). ``unit`` scales bare numbers."""
    if isinstance(value, bool) or isinstance(value, dt.date):
        return None, AMOUNT_EXPECTED
    if isinstance(value, _NUMBER_TYPES):
        number = Decimal(str(value))
        if not number.is_finite():
            return None, AMOUNT_EXPECTED
        won = number * unit
        if won < 0:
            return None, NEGATIVE_EXPECTED
        if isinstance(value, float | np.floating) and abs(won - won.to_integral_value()) \
                <= FLOAT_NOISE * unit:  # fmt: skip
            won = won.to_integral_value()  # a formula's saved 3600.0000000000005 is 3600
        if won != won.to_integral_value():
            return None, WHOLE_EXPECTED
        return check_won(int(won))
    text_ = clean(str(value)).strip()
    if text_.isascii() and text_.isdigit():  # the common case, fast
        return check_won(int(text_) * unit)
    signed = _WON_SIGN.search(text_) is not None
    text_ = _WON_SIGN.sub("", text_)
    if signed and unit != 1 and not _DASH_ZERO.match(text_):
        return None, _MIXED.format(unit=unit)
    if _DASH_ZERO.match(text_):
        return 0, None  # Excel's accounting format shows zero as "-" (or "₩ -")
    if _DOT_THOUSANDS.match(text_):
        return None, DOT_THOUSANDS_EXPECTED
    if any(ch.isdigit() and not ch.isascii() for ch in text_):
        return None, NOT_DIGIT_EXPECTED
    thousands = _THOUSANDS_WON.match(text_)
    if thousands:  # 15천원, 1.5천원, 3만5천원: the cell says its own unit
        won = (Decimal(thousands["man"] or 0) * 10_000
               + Decimal(thousands["cheon"].replace(",", "")) * 1000)  # fmt: skip
        if won != won.to_integral_value():
            return None, WHOLE_EXPECTED
        return check_won(int(won))
    bare = _BARE_NUMBER.match(text_) is not None
    if unit != 1 and not bare and "만" not in text_ and text_.endswith("원"):
        return None, _MIXED.format(unit=unit)
    if unit != 1 and bare:
        try:
            won = Decimal(text_.replace(",", "")) * unit
        except InvalidOperation:
            return None, AMOUNT_EXPECTED
        if won != won.to_integral_value():
            return None, WHOLE_EXPECTED
        return check_won(int(won))
    try:
        return check_won(parse_won(text_, allow_negative=True))
    except InputError as err:
        message = str(err)
        if "whole number" in message and bare:
            return None, (
                f"{WHOLE_EXPECTED}: 만원이라면 단위를 적으세요 "
                f"(if you meant 만원, write {text_}만원, or put (만원) in the header)"
            )
        if "whole number" in message:
            return None, WHOLE_EXPECTED
        return None, AMOUNT_EXPECTED


_EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_PATTERNS = (
    re.compile(
        r"^(\d{4})\s*(?:[-./]|년)\s*(\d{1,2})\s*(?:[-./]|월)\s*(\d{1,2})\s*(?:일)?\.?"
        r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$",
        re.ASCII,
    ),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$", re.ASCII),
)


def parse_date(value: Any) -> tuple[dt.date | None, str | None]:
    """One cell → (date, None) or (None, what was expected)."""
    if isinstance(value, dt.datetime):  # pandas.Timestamp too (NaT is blank, never here)
        return _in_range(value.date())
    if isinstance(value, dt.date):
        return _in_range(value)
    if isinstance(value, np.datetime64):
        return _in_range(pd.Timestamp(value).date())
    if isinstance(value, bool):
        return None, DATE_EXPECTED
    if isinstance(value, _NUMBER_TYPES):
        number = float(value)
        if number.is_integer() and 19000101 <= number <= 21001231:
            return parse_date(str(int(number)))
        return _excel_serial(number)
    text_ = clean(str(value)).strip()
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text_)
        if match:
            year, month, day = (int(g) for g in match.groups())
            try:
                date = dt.date(year, month, day)
            except ValueError:
                return None, f"달력에 있는 날짜 (a real calendar date; {text_} does not exist)"
            return _in_range(date)
    if re.fullmatch(r"\d{5}(?:\.\d+)?", text_, re.ASCII):
        return _excel_serial(float(text_))
    if normalize(text_) in TOTAL_WORDS:
        return None, f"{DATE_EXPECTED}; 합계 줄은 지워 주세요 (delete total rows)"
    return None, DATE_EXPECTED


def _in_range(date: dt.date) -> tuple[dt.date | None, str | None]:
    """A date from :data:`FIRST_YEAR` to :data:`LAST_YEAR`, whatever the cell's format."""
    if date.year < FIRST_YEAR:
        return None, EARLY_DATE_EXPECTED
    if date.year > LAST_YEAR:
        return None, DATE_EXPECTED
    return date, None


EARLY_DATE_EXPECTED: Final = (
    f"{DATE_EXPECTED}; {FIRST_YEAR}–{LAST_YEAR}년의 날짜만 읽습니다 — 날짜 서식 칸에 날(5)만 "
    f"적으면 Excel은 1900-01-05로 봅니다 (only dates from {FIRST_YEAR} to {LAST_YEAR}: a day of "
    "the month alone in a date-formatted cell is 1900-01-05 to Excel; write the whole date)"
)


FIRST_SERIAL = (dt.date(FIRST_YEAR, 1, 1) - _EXCEL_EPOCH).days  # 28126
LAST_SERIAL = (dt.date(LAST_YEAR, 12, 31) - _EXCEL_EPOCH).days  # 73415
"""A bare number is read as an Excel day number only from 1977-01-01 (the year 의료보험
began) to 2100-12-31: a day of the month (5, 12) is not a date of 1900."""
SERIAL_EXPECTED: Final = (
    f"{DATE_EXPECTED}; 숫자만 있는 칸은 {FIRST_SERIAL}–{LAST_SERIAL} 사이의 Excel 날짜 일련번호"
    f"({FIRST_YEAR}–{LAST_YEAR})만 날짜로 읽습니다 (a bare number is read as an Excel day "
    f"number only from {FIRST_SERIAL} to {LAST_SERIAL}; a day of the month alone is not a "
    "date — write the whole date, or format the cell as a date)"
)


def _excel_serial(number: float) -> tuple[dt.date | None, str | None]:
    """Excel's day number (1900 date system): 45356 → 2024-03-05; only 1977–2100."""
    if not FIRST_SERIAL <= number <= LAST_SERIAL:
        return None, SERIAL_EXPECTED
    return _EXCEL_EPOCH + dt.timedelta(days=int(number)), None


_SPAN: Final = re.compile(
    r"(\d{4})[-./](\d{1,2})[-./](\d{1,2})\s*[~～\-–]\s*(\d{4})[-./](\d{1,2})[-./](\d{1,2})"
)
"""A stay written as its dates (``2024-06-11~2024-06-14``) in the 입원일수 column."""


def parse_days(value: Any) -> tuple[int | None, str | None]:
    """입원일수: ``3``, ``3일``, 3.0 and the text ``3.0`` (pandas writes a number column with
    blanks as ``3.0`` to CSV, as it writes amounts ``15000.0``) → 3. ``3박`` (nights) is
    refused: the stay counts both ends, so it is 4일, which the person should write."""
    if isinstance(value, bool) or isinstance(value, dt.date):
        return None, DAYS_EXPECTED
    if isinstance(value, _NUMBER_TYPES):
        if np.isfinite(value) and float(value).is_integer():
            return check_days(int(value))
        return None, DAYS_EXPECTED
    span = _SPAN.fullmatch(clean(str(value)).strip())
    if span:  # 2024-06-11~2024-06-14: the stay's dates, not its days
        try:
            a, b = (dt.date(int(y), int(m), int(d)) for y, m, d in (span.group(1, 2, 3),
                                                                     span.group(4, 5, 6)))
        except ValueError:
            return None, DAYS_EXPECTED
        days = (b - a).days + 1
        if days > 0:
            return None, f"{DAYS_EXPECTED}: 입원 기간 {a}–{b}이면 {days}일 (both days counted)"
        return None, DAYS_EXPECTED
    match = re.fullmatch(r"(\d{1,9})(?:\.0+)?\s*(일|박)?", clean(str(value)).strip(), re.ASCII)
    if match and match[2] == "박":
        from .header import NIGHTS_EXPECTED

        return None, NIGHTS_EXPECTED + f": {int(match[1])}박 → {int(match[1]) + 1}일"
    if match:
        return check_days(int(match[1]))
    return None, DAYS_EXPECTED


def compact(text: str) -> str:
    """``text`` as a key that ignores spacing and width: NFKC (full-width letters and digits
    as half-width) without whitespace — ``가나 의원`` = ``가나의원``, ``ＥＮＴ`` = ``ENT``."""
    return "".join(unicodedata.normalize("NFKC", text).split())


NONE_MARKS: Final = frozenset(
    {"-", "--", "—", "–", "―", "‐", ".", "·", "/", "?", "x", "×", "0", "없음", "해당없음", "미상",
     "모름", "n/a", "na", "none", "null", "nan", "unknown"}
)  # fmt: skip
"""Cells (as :func:`name_key`) that say "none" or "not known" rather than name something: a
진료과 or 방문묶음 reads them as blank, an 이름 or 병원명 refuses them."""


def name_key(name: object) -> str:
    """A person's name as one person: :func:`compact`, case folded — ``김 민수``/``김민수`` and
    ``ＫＩＭ``/``Kim`` are each one name written two ways."""
    return compact(str(name)).casefold()


def text(value: Any) -> str:
    """Free text (이름, 병원명) as a person reads it: NFC, no outer spaces, 12.0 as 12."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return strip_invisible(unicodedata.normalize("NFC", str(value))).strip()


_SHIPPED_PARSERS: dict[tuple[str, tuple[str, ...]], Parser] = {}
""":func:`choice_parser` under the shipped aliases (read once, never changed), per column and
extra codes: made once, not per frame (the 항목 one builds a 20 µs message)."""


def choice_parser(fld: str, aliases: Aliases, extra: tuple[str, ...] = ()) -> Parser:
    """Parser for a column with fixed values (setting, tier, category) → the canonical code.

    ``extra``: more codes accepted as written (categories a custom rule file names).
    """
    if aliases is not default_aliases():
        return _choice_parser(fld, aliases, extra)
    key = (fld, tuple(extra))
    if key not in _SHIPPED_PARSERS:
        if len(_SHIPPED_PARSERS) > 256:  # many custom category sets: keep it small
            _SHIPPED_PARSERS.clear()
        _SHIPPED_PARSERS[key] = _choice_parser(fld, aliases, key[1])
    return _SHIPPED_PARSERS[key]


def _choice_parser(fld: str, aliases: Aliases, extra: tuple[str, ...]) -> Parser:
    """:func:`choice_parser`, made anew."""
    table = dict(aliases.values[fld])
    for code in extra:
        table.setdefault(normalize(code), code)
    shown = "; ".join(
        f"{code or '(빈칸 blank)'}: {', '.join(names[:4])}"
        for code, names in aliases.value_examples[fld].items()
    )
    if extra:
        shown += "; " + ", ".join(extra)
    expected = f"{COLUMN_LABELS[fld]} 값 중 하나 (one of — {shown})"
    unclear = aliases.unclear.get(fld, {})

    def parse(value: Any) -> tuple[str | None, str | None]:
        key = normalize(text(value))
        code = table.get(key)
        if code is not None:
            return code, None
        question = unclear.get(key)
        if question is not None:
            return None, f"{COLUMN_LABELS[fld]} 값 중 어느 것인지 (which one: {question})"
        for other in CHOICE_FIELDS:
            if other != fld and key in aliases.values[other]:
                return None, (
                    f"{expected}; 이 값은 {COLUMN_LABELS[other]} 값으로 보입니다: 머리글을 "
                    f"확인하세요 (this looks like a {other} value: check the header)"
                )
        return None, expected

    return parse


WON_LIKE_FROM: Final = 10_000
"""Numbers at least this large (and multiples of 10) under a 천원/만원 unit look like won."""
WON_LIKE_FAR_FROM: Final = 1_000
"""The median a column needs to look like won when its unit note is far from the header."""


def won_like(won: np.ndarray, unit: int, *, far: bool = False) -> int | None:
    """The first number of an amount column read as ``number × unit`` won when its numbers
    look like won instead (35000 under 만원 = 3.5억원), else None.

    The numbers are ``won ÷ unit`` of the lines above 0. They look like won when each is
    whole and a multiple of 10 (receipts drop the won under 10) and each is at least
    :data:`WON_LIKE_FROM`; with ``far`` (a unit note in a block of its own above the table,
    a weak sign) when their median is at least :data:`WON_LIKE_FAR_FROM`. Real 천원 amounts
    (15, 50, 1,500) do not look like won."""
    if unit < 1000:
        return None
    paid = np.asarray(won, dtype=np.int64)
    paid = paid[paid > 0]
    if not len(paid) or (paid % (10 * unit)).any():
        return None
    numbers = paid // unit
    big = np.median(numbers) >= WON_LIKE_FAR_FROM if far else (numbers >= WON_LIKE_FROM).all()
    return int(numbers[0]) if big else None


def unit_misfit_expected(unit: int, where: str, example: int, fix: tuple[str, str],
                         far: bool = False) -> str:
    """What a column whose numbers look like won under a 천원/만원 ``unit`` needs: the unit
    stated at ``where`` taken away (``fix``: how, in Korean and English) or the numbers
    written in that unit; with ``far`` (a summary block's note, numbers small enough to be
    in that unit) the unit put in the headers."""
    name = {1000: "천원", 10_000: "만원"}.get(unit, f"{unit:,}원")
    shown = f"{(Decimal(example) / unit).normalize():f}"
    keep = (f"{name}이라면 금액 머리글에 단위를 적으세요 (amounts in {name}: say so in their "
            f"headers, e.g. 본인부담금({name}) — a note over a block of its own is not enough)"
            if far else f"{name}이라면 금액을 {name}으로 적으세요 (amounts in {name}: write "
            f"them in {name}, {example:,}원 → {shown})")  # fmt: skip
    return (f"{name} 단위에 맞는 숫자 (numbers in {name}: {where} makes this column {name}, "
            f"but every number in it looks like won — {example:,} is read as "
            f"{example * unit:,}원): 원 금액이라면 {fix[0]} (amounts in won: {fix[1]}); {keep}")
