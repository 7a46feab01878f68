"""Optional receipt columns that say what the care was for: ``severe``, ``diagnosis`` and
``due_date``.

- ``severe`` (산정특례·중증): yes/no. The receipt's 환자구분 or the V-code (산정특례 등록번호)
  on the 진료비 세부내역 shows it. ``예``, ``O``, ``Y``, ``yes``, ``true``, ``1``, ``V``,
  ``산정특례``, ``중증`` … are yes; ``아니오``, ``X``, ``N``, ``no``, ``false``, ``0``,
  ``비중증``, ``일반`` … and a blank cell are no. Anything else is refused with its place.
- ``diagnosis`` (상병코드, 한국표준질병·사인분류 KCD): one code per line, the main diagnosis
  (주상병): a letter, two digits, then optionally a dot and up to two more digits or letters
  (``F32``, ``F32.9``, ``f329``, ``K08.1``, ``S82.01``); a dagger or asterisk mark (``†``,
  ``*``) is dropped. Kept as ``F32.9`` (upper case, dot after the category). Two codes in one
  cell, or anything else, is refused with its place: the exclusions read the code's category
  (first three characters), so a guess would decide cover.
- ``due_date`` (출산예정일, 분만예정일): the due date of a 임신·출산 line, read like 진료일 (any
  date form the reader takes; blank = not given). Kept as ``2027-03-01``; a cell that is not a
  date is refused with its place: the 5세대 급여 condition 계약일 + 280일 ≤ 분만예정일 reads it.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Final

import numpy as np
import pandas as pd

from ..errors import InputError
from .cells import DATE_EXPECTED, is_blank, parse_date
from .header import normalize

__all__ = [
    "DIAGNOSIS_EXPECTED",
    "DUE_DATE_EXPECTED",
    "SEVERE_EXPECTED",
    "parse_diagnosis",
    "parse_due_date",
    "parse_severe",
    "severe_flags",
]

_YES: Final = frozenset(
    normalize(v)
    for v in (
        "예", "네", "yes", "y", "o", "○", "●", "v", "✓", "✔", "true", "1", "해당", "있음", "유",
        "중증", "산정특례", "산정특례대상", "특례", "severe",
    )
)  # fmt: skip
_NO: Final = frozenset(
    normalize(v)
    for v in (
        "아니오", "아니요", "아님", "no", "n", "x", "×", "false", "0", "비해당", "해당없음",
        "없음", "무", "비중증", "일반", "-",
    )
)  # fmt: skip
SEVERE_EXPECTED: Final = (
    "예 또는 아니오 (severe: yes/no, e.g. 예, O, Y, 1, 산정특례 / 아니오, X, N, 0; blank = 아니오)"
)
DIAGNOSIS_EXPECTED: Final = (
    "상병코드 하나 (one KCD diagnosis code per line, e.g. F32.9, K08.1, C50; the main "
    "diagnosis 주상병 only)"
)
DUE_DATE_EXPECTED: Final = (
    f"출산예정일 (due date of the pregnancy): {DATE_EXPECTED}; blank = not given"
)
_V_CODE = re.compile(r"v\d{3}")
_KCD = re.compile(r"([A-Z])(\d{2})\.?([0-9A-Z]{1,2})?")


def parse_severe(value: Any) -> tuple[bool | None, str | None]:
    """One ``severe`` cell → (True/False, None) or (None, what was expected)."""
    if isinstance(value, bool):
        return value, None
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value), None
    text = normalize(str(value))
    if text in _YES or _V_CODE.fullmatch(text):  # a 산정특례 V-code (V193, V027 …) is a yes
        return True, None
    if text in _NO:
        return False, None
    return None, SEVERE_EXPECTED


def parse_diagnosis(value: Any) -> tuple[str | None, str | None]:
    """One ``diagnosis`` cell → (``"F32.9"``, None) or (None, what was expected)."""
    if not isinstance(value, str):
        return None, DIAGNOSIS_EXPECTED
    if any(ord(ch) > 0x7F and not 0xFF01 <= ord(ch) <= 0xFF5E and ch not in "†\u200b\ufeff"
           and not ch.isspace() for ch in value):  # fmt: skip
        return None, DIAGNOSIS_EXPECTED  # "F3²" must not read as F32: only ASCII or full-width
    text = unicodedata.normalize("NFKC", value).strip().upper()
    text = re.sub(r"[\s\u200b\ufeff]+", "", text).rstrip("†*+")
    match = _KCD.fullmatch(text)
    if match is None:
        return None, DIAGNOSIS_EXPECTED
    letter, digits, rest = match.groups()
    return f"{letter}{digits}" + (f".{rest}" if rest else ""), None


def parse_due_date(value: Any) -> tuple[str | None, str | None]:
    """One ``due_date`` cell → (``"2027-03-01"``, None) or (None, what was expected)."""
    day, expected = parse_date(value)
    if day is None:
        same = expected in (None, DATE_EXPECTED)
        return None, DUE_DATE_EXPECTED if same else f"출산예정일 (due date): {expected}"
    return day.isoformat(), None


def severe_flags(values: Any, where: str) -> np.ndarray:
    """A column of ``severe`` values (bools, or cells as a person writes them) → bool array;
    blank is no. Anything else is an :class:`~silson_tools.errors.InputError` naming
    ``where``, the row label and the value."""
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    if pd.api.types.is_bool_dtype(series.dtype):
        return series.to_numpy(dtype=bool)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    table = []
    for value in uniques:
        flag, expected = (False, None) if is_blank(value) else parse_severe(value)
        if expected is not None:
            row = series.index[int(np.argmax(codes == len(table)))]
            raise InputError(f"{where}, row {row!r}: {value!r} → {expected}")
        table.append(flag)
    return np.append(np.array(table, dtype=bool), False)[codes]
