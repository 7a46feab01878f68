"""An unread column that looks like an optional column the table lacks (이름, 산정특례).

Without an 이름 column every line is one person (``본인``), and without a 산정특례 column every
line is 비중증: the defaults are right for one person's own receipts. But a header the alias
list does not know (``보험 받는 사람``, ``암환자``) holding names or 산정특례 marks means the
default is wrong — two children's receipts pooled into one person's yearly limits and one
통원, or a 5세대 중증 visit paid under 특약2 — and nothing would say so. Such a column is
refused at its first telling cell, naming the header to write.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Final

import numpy as np

from . import cells, flags
from .header import Header, normalize
from .validate import _factorize

__all__ = ["PERSON_LIKE_EXPECTED", "SEVERE_LIKE_EXPECTED", "ditto_problems", "lookalike_problems"]

_PERSON_LIKE: Final = re.compile(
    r"(?:이름|성명|성함|환자|피보험자|수진자|수진인|진료자|가족|가족구성원|구성원|대상자|관계|누구|사람"
    r"|환자번호|수진자번호|피보험자번호|name|patient|member|insured|who|patientid)$"
)
"""A header that ends in a word for who was treated (보험 받는 사람, 관계); not 환자 메모,
환자상태, 가족력, 청구대상 (a note, a state, a history, a yes/no)."""
_SEVERE_LIKE: Final = re.compile(r"특례|중증(?!도)|암환자|^암$|희귀|난치|severe|v코드|vcode")
_NOT_LIKE: Final = re.compile(r"구분|유형|종류|자격|부담|금액|액$|일$|일자$|날짜")
"""Headers that name something else though they hold a name word (환자구분: the cover;
환자부담금: an amount; 수진일: a date)."""
_NOT_SEVERE: Final = re.compile(r"부담|금액|액$|일$|일자$|날짜")
"""Amounts and dates, whatever word they hold (암검진일, 중증부담금); a 산정특례번호 is a mark."""

PERSON_LIKE_EXPECTED: Final = (
    "이름 열: 이 열이 진료받은 사람이면 머리글을 '이름'으로 고치고, 아니면 지우세요 — 지금은 "
    "모든 줄을 한 사람 '본인'으로 계산합니다 (a column named 이름: this column names different "
    'people on different lines, but its header is not one this reader knows, so every line would '
    "be read as one person '본인' — their yearly limits, counts and one day's 통원 pooled; if it "
    'names who was treated, rename the header to 이름; if not, delete the column)'
)
SEVERE_LIKE_EXPECTED: Final = (
    "산정특례 열: 산정특례(중증) 여부라면 머리글을 '산정특례'로 고치고, 아니면 지우세요 — 지금은 "
    '모든 줄을 비중증으로 계산합니다 (a column named 산정특례: this column marks lines as '
    '산정특례·중증, but its header is not one this reader knows, so every line would be read as '
    'not 중증 — under 5세대 a 중증 line is paid by 특약1, not 특약2; if it marks 산정특례, '
    'rename the header to 산정특례 and write 예/아니오; if not, delete the column)'
)


def lookalike_problems(
    headers: list[Header], cells_of: Callable[[Header], Any], ref_of: Callable[[Header], str],
    problems: Any, read: Callable[[Header], bool], category: Callable[[Any], Any] | None = None,
) -> None:  # fmt: skip
    """Refuse an unread column (``read(h)`` false) that looks like an optional column no
    column is read as, where it would change the number — at its first telling cell: 이름
    with two or more names, 산정특례 with a mark other than no, 항목 with a treatment the
    reader knows (``category``: the 항목 parser), 상병코드 with a KCD code, 입원일수 with a
    number of days."""
    found = {h.canonical for h in headers if h.canonical is not None}
    for h in headers:
        if h.canonical is not None or cells.is_blank(h.text) or read(h):
            continue
        key = normalize(str(h.text))
        values = cells_of(h)
        tests: list[tuple[Callable[[Any], bool], str]] = []
        if "days" not in found and _DAYS_LIKE.search(key) and not _NOT_DAYS.search(key):
            tests.append((lambda u: (cells.parse_days(u)[0] or 0) > 0, DAYS_LIKE_EXPECTED))
        elif _NOT_SEVERE.search(key):
            continue  # an amount or a date, whatever word it holds
        elif "person" not in found and _PERSON_LIKE.search(key) and not _NOT_LIKE.search(key):
            at = _second_name(values)
            if at is not None:
                problems.at([at], ref_of(h), values, PERSON_LIKE_EXPECTED)
            continue
        elif "severe" not in found and _SEVERE_LIKE.search(key):
            numbered = key.endswith(("번호", "코드"))  # 산정특례번호: any number is a yes
            tests.append((_says_yes if not numbered else _not_no, SEVERE_LIKE_EXPECTED))
        elif "category" not in found and category is not None and _CATEGORY_LIKE.search(key):
            tests.append((lambda u: category(u)[0] not in (None, ""), CATEGORY_LIKE_EXPECTED))
        elif "diagnosis" not in found and _DIAGNOSIS_LIKE.search(key):
            tests.append((lambda u: _KCD.match(cells.text(u)) is not None,
                          DIAGNOSIS_LIKE_EXPECTED))  # fmt: skip
        for test, expected in tests:
            at = _first(values, test)
            if at is not None:
                problems.at([at], ref_of(h), values, expected)


_CATEGORY_LIKE: Final = re.compile(
    r"내용|처치|시술|품목|명칭|상세|치료|항목|진료명|급여명|item|treatment"
)
_DIAGNOSIS_LIKE: Final = re.compile(r"진단|상병|병명|질병|kcd|icd")
_KCD: Final = re.compile(r"^\s*[A-Za-z]\d{2}(?:\.?\d{1,3})?\s*$")
_DAYS_LIKE: Final = re.compile(r"입원|재원|inpatient")
_NOT_DAYS: Final = re.compile(r"투약|처방|조제|복용|투여|치료일수|통원")
CATEGORY_LIKE_EXPECTED: Final = (
    "항목 열: 치료 항목(도수치료·MRI …)이라면 머리글을 '항목'으로 고치고, 아니면 지우세요 — "
    '지금은 일반 진료로 계산합니다 (a column named 항목: this column names a treatment the rules '
    'know (도수치료, MRI, 미용 …) but its header is not one this reader knows, so every line '
    'would be read as general care — its limits and exclusions left out; rename the header to '
    '항목, or delete the column)'
)
DIAGNOSIS_LIKE_EXPECTED: Final = (
    "상병코드 열: 질병분류기호라면 머리글을 '상병코드'로 고치고, 아니면 지우세요 — 지금은 진단에 "
    '따른 보장 제외를 보지 않습니다 (a column named 상병코드: this column holds a KCD code but '
    'its header is not one this reader knows, so the exclusions by diagnosis (F04–F99 …) would '
    'be left out; rename the header to 상병코드, or delete the column)'
)
DAYS_LIKE_EXPECTED: Final = (
    "입원일수 열: 입원한 날수라면 머리글을 '입원일수'로 고치고, 아니면 지우세요 — 지금은 "
    '입원일수를 0으로 계산합니다 (a column named 입원일수: this column holds days but its header '
    "is not one this reader knows, so every stay would be read as 0 days and one stay's receipts "
    'as separate admissions; rename the header to 입원일수, or delete the column)'
)


def _first(values: Any, test: Callable[[Any], bool]) -> int | None:
    """The first line whose (non-blank) cell passes ``test``, each distinct cell tested once."""
    codes, uniques = _factorize(values)
    hit = [not cells.is_blank(u) and bool(test(u)) for u in uniques]
    for pos, code in enumerate(codes.tolist()):
        if code >= 0 and hit[code]:
            return pos
    return None


def _second_name(values: Any) -> int | None:
    """The first line whose text differs from the column's first name (None when the column
    holds at most one name, or amounts: nothing would be pooled)."""
    codes, uniques = _factorize(values)
    texts = [None if cells.is_blank(u) else cells.text(u) for u in uniques]
    names = {t for t in texts if t}
    if len(names) < 2 or all(cells.parse_amount(u)[1] is None for u in uniques
                             if not cells.is_blank(u)):  # fmt: skip
        return None
    if all(flags.parse_severe(t)[0] is not None for t in names):
        return None  # O/X, 예/아니오: a yes-no column, not names
    first = None
    for pos, code in enumerate(codes.tolist()):
        text = texts[code] if code >= 0 else None
        if not text:
            continue
        if first is None:
            first = text
        elif text != first:
            return pos
    return None


def _not_no(cell: Any) -> bool:
    """A cell that is not a clear no (a 산정특례 registration number)."""
    return flags.parse_severe(cell)[0] is not False


def _says_yes(cell: Any) -> bool:
    """A 산정특례-like cell that says yes (예, Y, O, a V-code); not one it cannot read (경증)."""
    return flags.parse_severe(cell)[0] is True


_DITTO: Final = frozenset(
    cells.name_key(w)
    for w in ("〃", "〃〃", "״", "\"", "''", "”", "“", "상동", "위와같음", "위와 동일", "위동",
              "동일", "동상", "上同", "同上", "ditto", "do.", "same", "same as above")
)  # fmt: skip
"""Cells that say "the same as the line above" instead of the value."""
_NONE_NAME: Final = cells.NONE_MARKS - {"0", "na"}
"""이름/병원명 cells that name nobody: read as a name they would be one person (one hospital)
for every such line. Not ``0`` (a cohort numbers its people from 0) nor ``Na`` (a surname)."""
DITTO_EXPECTED: Final = (
    "값 그대로: '위와 같음' 표시 대신 이름을 적거나 엑셀에서 칸을 병합하세요 (the value itself: "
    "this cell says 'same as above' — 〃, 상동 — which would be read as a name of its own; write "
    'the name, or merge the cells in Excel, which is read as the value above)'
)
NONE_NAME_EXPECTED: Final = (
    '병원명: 병원 이름을 적으세요 — 이 표시는 병원을 말하지 않고, 이름으로 읽으면 이렇게 적은 '
    "줄이 모두 한 병원이 됩니다 (the hospital's name: this mark names no hospital, and read as a "
    'name every line with it would be one hospital; a blank cell is asked about too where other '
    'lines name one)'
)
NONE_PERSON_EXPECTED: Final = (
    '이름: 진료받은 사람의 이름을 적으세요 — 이 표시는 사람을 말하지 않고, 이름으로 읽으면 '
    "이렇게 적은 줄이 모두 한 사람이 됩니다 (the person's name: this mark names nobody, and read "
    'as a name every line with it would be one person)'
)


_EXAMPLE: Final = re.compile(
    r"^\s*(?:[(\[（]\s*예\s*(?:시)?\s*[)\]）]|예\s*\)|예시\s*(?:$|[):])|작성\s*예|샘플|보기\s*[):]|"
    r"example|sample|ex\s*[).:]|"
    r"[Oo○Xx×*]{2,}\s*(?:의원|병원|약국|치과|한의원|치과의원|한방병원)\s*$)",
    re.IGNORECASE,
)
"""A template's example row (``(예) 홍길동``, ``예시``, ``샘플``, ``작성예``, ``example``, a
placeholder ``OO의원``: several hospitals written OO의원 would be one). A bare 홍길동 or 예시1 is
read: a name, if an odd one."""
EXAMPLE_EXPECTED: Final = (
    '실제 영수증 줄: 서식의 예시 줄이면 지우세요 (a real receipt line: this name marks a '
    "template's example row — (예), 예시, 샘플 — which would be paid as a person's receipt; "
    'delete the example row)'
)


def ditto_problems(raw: Any, problems: Any) -> None:
    """Refuse a ditto mark (〃, 상동) in 이름, 병원명 or 진료과, and a none mark (-, 없음, 미상)
    in 이름 or 병원명, at each cell (진료과 reads a none mark as blank: it only splits)."""
    for canonical in ("person", "institution", "department"):
        col = raw.get(canonical)
        if col is None:
            continue
        codes, uniques = col.coded if col.coded is not None else _factorize(col.values)
        found = {"ditto": [], "none": [], "example": []}
        for i, u in enumerate(uniques):
            kind = _mark_of(u)
            if kind is not None:
                found[kind].append(i)
        none = NONE_PERSON_EXPECTED if canonical == "person" else NONE_NAME_EXPECTED
        for kind, expected in (("example", EXAMPLE_EXPECTED), ("ditto", DITTO_EXPECTED),
                               ("none", none)):  # fmt: skip
            if not found[kind] or (canonical == "department" and kind != "ditto"):
                continue
            at = np.flatnonzero(np.isin(codes, found[kind]))
            problems.at(at, col.ref, col.values, expected)


_ASCII_MARKS: Final = frozenset(k for k in _DITTO | _NONE_NAME if k.isascii() and k.isalnum())


def _mark_of(cell: Any) -> str | None:
    """``"ditto"``, ``"none"``, ``"example"`` or None for one distinct 이름/병원명/진료과 cell.
    An id such as ``P0001`` (ASCII letters and digits) is settled in a few string operations:
    a cohort has ten thousand of them."""
    if type(cell) is str and cell.isascii() and cell.isalnum():
        low = cell.lower()
        if low.startswith(("example", "sample")):
            return "example"
        if low not in _ASCII_MARKS:
            return None
    if cells.is_blank(cell):
        return None
    text = cells.text(cell)
    key = cells.name_key(text)
    if key in _DITTO:
        return "ditto"
    if key in _NONE_NAME:
        return "none"
    return "example" if _EXAMPLE.match(text) else None
