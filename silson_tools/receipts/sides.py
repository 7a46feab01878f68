"""Columns that are not read as amounts but change what a line means (``[side_columns]`` in
header_aliases.toml), and checks of a line's kind cells against its amounts.

Each is refused at its cell (file, sheet, row, column, value, what to do) rather than left
in the "ignored" list, because ignoring it would give a wrong number:

- **Cancelled or refunded** (``취소``, ``환불``, ``반품``, ``승인취소`` …) in any column that
  is not read (승인구분, 비고, 상태): the payment was undone, so the line is not care the
  person bore (실손 pays the 의료비 actually borne). Negative amounts are refused as before;
  a refund is written by deleting the paid line and its 취소 line.
- **Struck-through rows** (XLSX 취소선 on a cell of the line): refused the same way.
- **Discount** (``감면액``, ``할인``) that is not 0: 4세대 wording pays on 「감면 후 실제 본인이
  부담한 의료비」, and which of ①/③/④ the discount came off (and whether it is one of the
  감면 the wordings keep) is not on the line, so the amounts must be written after it.
- **Old-form money** (``선택진료료``, part of 비급여 on receipts before 2018) that is not 0:
  ④ is 선택진료료 + 선택진료료 이외, so it must be added into the 비급여 column.
  (``100분의100 본인부담금`` is ③ and ``비급여액`` is ④: read as those columns.)
- **Kind of cover** (``환자구분``, ``보험유형``): only 건강보험 and 의료급여 receipts have the
  ①–④ split the rules assume; 일반 (비보험: NHI not applied), 자동차보험, 산재 and others are
  refused (the rules for them are not in the rule data).
- **Department** (``진료과``, ``진료과목``; read as the ``department`` column, which splits a
  day's 통원, or an unread header whose words say so): 치과·구강악안면외과 says 치과 care,
  한방·한의 says 한방 care (their 비급여 is excluded by 4·5세대 wherever it is given). A
  blank 항목 is read as 치과/한방 (said in the notes); a 항목 that says other care is refused.
- **Kind cell against amounts** (``항목``/``구분`` = ``비급여`` or ``급여``): a 비급여 line with
  its amount in ①/②/③, or a 급여 line with ④, contradicts itself and is refused.
- **Totals the patient paid** (``환자부담총액`` ⑧, ``납부할 금액`` ⑩, ``수납액``): must equal
  ① − ⑤ + ③ + ④ (``kinds.total_problems``).
- **One person, two spellings**: ``김민수`` and ``김민수(본인)`` in one file would get two sets
  of yearly limits; refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, Final

import numpy as np
import pandas as pd

from ..schema import CATEGORIES
from . import cells
from .header import Aliases, Header, normalize
from .lookalike import ditto_problems, lookalike_problems
from .meaning import count_meaning, meaning_totals, unknown_amounts
from .validate import Problems, RawColumn, _factorize

__all__ = [
    "STRUCK_EXPECTED",
    "add_old_noncovered",
    "added_headers",
    "checked_note",
    "department_kinds",
    "line_problems",
    "old_noncovered_parts",
    "side_key",
    "side_kind",
    "side_problems",
    "with_prepaid",
]

_CANCEL_KO: Final = ("취소", "환불", "반품", "반환", "결제취소", "승인취소", "중복", "이중",
                     "무효", "삭제", "정정", "오류")  # fmt: skip
CANCEL_EXPECTED: Final = (
    "취소·환불되지 않은 영수증 줄 (a line that was paid: this cell says the payment was "
    "cancelled or refunded, so the line is not care the person bore — delete the cancelled "
    "line together with the payment it cancels, or clear this cell if the line was paid)"
)
STRUCK_EXPECTED: Final = (
    "취소선 없는 줄 (a row without strikethrough: this cell of the row is struck through in "
    "Excel, the usual mark of a cancelled receipt — delete the row to leave it out, or remove "
    "the strikethrough if it was paid)"
)
DISCOUNT_EXPECTED: Final = (
    "0 또는 빈칸 (0 or blank: 실손 pays on what was borne after a discount — 「감면 후 실제 "
    "본인이 부담한 의료비 기준」 — and which of 본인부담금/비급여 the discount came off is not on "
    "the line; write 본인부담금 and 비급여 as paid after the discount and clear this column)"
)
OLD_NONCOVERED_EXPECTED: Final = (
    "0 또는 빈칸 (0 or blank: on receipts before 2018 선택진료료 is part of 비급여 ④ — ④ = "
    "선택진료료 + 선택진료료 이외; add it into the 비급여 column and clear this column)"
)
COVER_EXPECTED: Final = (
    "건강보험 또는 의료급여 (a receipt with NHI or 의료급여 applied: a receipt of 일반(비보험), "
    "자동차보험, 산재 or other cover does not have the 급여/비급여 split these rules read, and "
    "its rules are not in the rule data — leave it out and ask the insurer)"
)
_COVER_OK: Final = frozenset(
    normalize(w) for w in ("건강보험", "국민건강보험", "건보", "nhi", "nhis", "직장", "지역",
                           "건강보험(직장)", "건강보험(지역)", "의료급여", "의료급여1종",
                           "의료급여2종", "의료급여 1종", "의료급여 2종", "1종", "2종", "차상위",
                           "보험", "공단", "본인", "가족", "세대주", "세대원", "가입자")
)  # fmt: skip
_COVER_OK_WORDS: Final = re.compile(r"건강보험|건보|의료급여|가입자|피부양자|세대주|세대원")
"""건강보험 written with its 자격 (직장가입자, 지역세대원, 직장피부양자, 국민건강보험공단)."""
_SIDE_WORDS: Final = {
    "discount": re.compile(r"감면|할인|감액|discount"),
    "cover": re.compile(r"(환자|보험자?|수진자|자격|가입자?).*(구분|유형|종류)"),
    "department": re.compile(r"진료과|과목|진료부서|department"),
}
"""Words that make an unread header a side column when its text is not in the list
(직원할인, 진료비감면액, 환자유형, 보험자구분, 과목, 진료부서명): checked, never ignored."""


def side_key(text: Any) -> str:
    """A header's key for the side lists: normalized, a trailing note in brackets dropped
    (``할인액(원)`` → ``할인액``)."""
    return normalize(_NOTE.sub("", str(text)))


def side_kind(text: Any, aliases: Aliases) -> str | None:
    """Which side column an unread header is (``discount``, ``old_noncovered``, ``cover``,
    ``department``, ``patient_total``), by its list or, failing that, by its words."""
    key = side_key(text)
    for kind in ("prepaid", "patient_total", "old_noncovered", "discount", "cover", "department"):
        if key in aliases.side.get(kind, ()):
            return kind
    for kind, words in _SIDE_WORDS.items():
        if words.search(key):
            return kind
    return None


def _cover_ok(cell: Any) -> bool:
    text = normalize(cells.text(cell))
    return text in _COVER_OK or _COVER_OK_WORDS.search(text) is not None
_CANCEL_HEADER: Final = re.compile(r"취소|환불|반품|cancel|refund")
"""A column whose header asks "cancelled?" (취소여부, 환불): any answer but no is a yes."""
_NOT_CANCELLED: Final = frozenset(
    normalize(w) for w in ("n", "no", "아니오", "아니요", "아님", "x", "-", "0", "false", "정상",
                           "승인", "정상승인", "미취소", "해당없음", "없음",
                           # what a paid line says: 결제완료, 수납 (not a cancellation)
                           "결제", "결제완료", "결제됨", "정상결제", "승인완료", "수납", "수납완료",
                           "납부", "납부완료", "완납", "paid", "ok")
)  # fmt: skip
_DENTAL: Final = re.compile(r"치과|구강")
_ORIENTAL: Final = re.compile(r"한방|한의|침구|사상체질")


def _kind(cell: Any) -> str | None:
    """``dental``/``oriental`` for a 진료과 cell that says 치과/한방 care, else None."""
    if cells.is_blank(cell):
        return None
    text = normalize(cells.text(cell))
    if _DENTAL.search(text):
        return "dental"
    if _ORIENTAL.search(text):
        return "oriental"
    return None


_CANCEL_MARK: Final = re.compile(
    r"(?:카드|결제|승인|전액|부분|일부|수납)?(?:취소|환불|반품|반환)(?:됨|완료|처리|건|받음|요청|예정)?"
    r"|(?:cancel(?:l?ed)?|refund(?:ed)?|void(?:ed)?|reversal)")
"""A cell that is a cancellation mark (취소, 승인취소, 환불완료, cancelled), not a sentence
that mentions one (예약 취소 후 재방문)."""
_VOID_MARK: Final = re.compile(
    r"(?:중복|이중)(?:영수증|청구|발행|결제|입력|줄)?(?:건|됨)?|무효(?:건|처리)?"
    r"|삭제(?:됨|예정|요망|건)?|정정전|오류(?:건|입력)?|취소후재결제"
    r"|(?:위|윗줄|위영수증|앞줄)(?:과|와|이랑)?같음|같은영수증|duplicated?|dup|copy")
"""A cell that says the line is a copy or not valid (중복, 무효, 삭제, 정정 전, 위와 같음):
counted, it would pay a receipt twice or pay one that does not stand. (재발급, 재발행 and 정정본
are left alone: such a line is usually the one valid copy.)"""
VOID_EXPECTED: Final = (
    '한 번만 센 유효한 영수증 줄: 사본·무효 줄이면 지우고, 따로 받은 진료면 이 칸을 비우세요 (a '
    'line that stands once: this cell says the line is a duplicate or void — delete the copy or '
    'the void line so one receipt is counted once, or clear this cell if the line is care of its '
    'own)'
)


def _cancelled(cell: Any) -> bool:
    """A cell of a column not read that marks the line cancelled or refunded."""
    if not isinstance(cell, str):
        return False
    return _CANCEL_MARK.fullmatch(normalize(cell)) is not None


def _void(cell: Any) -> bool:
    """A cell of a column not read that marks the line a copy or void (:data:`_VOID_MARK`)."""
    return isinstance(cell, str) and _VOID_MARK.fullmatch(normalize(cell)) is not None


def _said_cancelled(cell: Any) -> bool:
    """An answer in a 취소여부/환불 column that is a yes: not blank, not a no-word, and not
    an amount of 0 (환불금액 0원); an amount above 0 is a refund."""
    if cells.is_blank(cell) or normalize(cells.text(cell)) in _NOT_CANCELLED:
        return False
    won, err = cells.parse_amount(cell)
    return bool(won) if err is None and won is not None else True


_NONE_WORDS: Final = frozenset(normalize(w) for w in ("없음", "해당없음", "해당 없음", "무", "none",
                                                     "n/a", "na"))  # fmt: skip


def _nonzero(cell: Any) -> bool:
    """A cell that is not blank, 0, ``-`` or 없음 (an amount, or text that is not one)."""
    if cells.is_blank(cell) or normalize(cells.text(cell)) in _NONE_WORDS:
        return False
    won, err = cells.parse_amount(cell)
    return err is not None or bool(won)


def _mark(values: Any, ref: str, test: Callable[[Any], bool], expected: str,
          problems: Problems) -> None:  # fmt: skip
    """Each distinct cell tested once; the lines whose cell passes ``test`` refused."""
    codes, uniques = _factorize(values)
    hit = np.array([test(u) for u in uniques] + [False], dtype=bool)
    problems.at(np.flatnonzero(hit[codes]), ref, values, expected)


_MEDICAL_AID: Final = re.compile(r"의료급여|^[12]종$")
"""A 환자구분 cell that says 의료급여 (its 1종/2종 written alone)."""


def medical_aid_positions(headers: list[Header], cells_of: Callable[[Header], Any],
                          aliases: Aliases) -> np.ndarray | None:  # fmt: skip
    """Line positions whose 환자구분 (the ``cover`` side column) says 의료급여; None when the
    table has no such column. (The report says the 의료급여 상한제 is not modelled there.)"""
    cover = [h for h in headers if h.canonical is None and not cells.is_blank(h.text)
             and side_kind(h.text, aliases) == "cover"]  # fmt: skip
    if not cover:
        return None
    hit = np.zeros(0, dtype=np.intp)
    for h in cover:
        codes, uniques = _factorize(cells_of(h))
        said = [not cells.is_blank(u) and _MEDICAL_AID.search(normalize(cells.text(u))) is not None
                for u in uniques]  # fmt: skip
        hit = np.union1d(hit, np.flatnonzero(np.array([*said, False], dtype=bool)[codes]))
    return hit


def side_problems(headers: list[Header], cells_of: Callable[[Header], Any],
                  ref_of: Callable[[Header], str], aliases: Aliases,
                  problems: Problems) -> list[str]:  # fmt: skip
    """Columns that are not read: 취소/환불 words anywhere, a non-zero 감면액 or 선택진료료,
    a 환자구분 other than 건강보험/의료급여; refused at their cells. Returns the headers
    checked (감면액, 선택진료료, 환자구분, totals): not "ignored"."""
    checked: list[str] = []
    for h in headers:
        if h.canonical is not None or cells.is_blank(h.text):
            continue
        key = side_key(h.text)
        kind = side_kind(h.text, aliases)
        values = cells_of(h)
        ref = ref_of(h)
        if kind in ("discount", "cover", "patient_total", "prepaid") or (
                kind == "old_noncovered" and not _split_form(headers)
        ) or key in aliases.total_headers:  # fmt: skip
            checked.append(str(h.text))
        if kind == "discount":
            _mark(values, ref, _nonzero, DISCOUNT_EXPECTED, problems)
        elif kind == "old_noncovered":
            if not _split_form(headers):
                _mark(values, ref, _nonzero, OLD_NONCOVERED_EXPECTED, problems)
        elif kind == "cover":
            _mark(values, ref, lambda u: not cells.is_blank(u) and not _cover_ok(u),
                  COVER_EXPECTED, problems)  # fmt: skip
        elif kind in ("patient_total", "prepaid") or key in aliases.total_headers:
            continue
        elif _CANCEL_HEADER.search(key):  # 취소여부: Y/예/O is a cancelled line
            _mark(values, ref, _said_cancelled, CANCEL_EXPECTED, problems)
        elif _may_cancel(values):
            _mark(values, ref, _cancelled, CANCEL_EXPECTED, problems)
            _mark(values, ref, _void, VOID_EXPECTED, problems)
    def listed(h: Header) -> bool:
        return side_key(h.text) in aliases.total_headers or side_kind(h.text, aliases) is not None

    checked += meaning_totals(headers, cells_of, ref_of, aliases, problems, listed)
    def placed(h: Header) -> bool:
        key = side_key(h.text)
        return (listed(h) or _CANCEL_HEADER.search(key) is not None
                or key in aliases.count_headers
                or key in aliases.side.get("stay_end", frozenset()))  # fmt: skip

    unknown_amounts(headers, cells_of, ref_of, aliases, problems, placed)
    lookalike_problems(headers, cells_of, ref_of, problems,
                       lambda h: str(h.text) in checked or placed(h)
                       or count_meaning(h.text, aliases) is not None,
                       cells.choice_parser("category", aliases))  # fmt: skip
    return checked


def with_prepaid(patient: list[tuple[str, Any, int]], headers: list[Header],
                 cells_of: Callable[[Header], Any], ref_of: Callable[[Header], str],
                 aliases: Aliases, unit: int = 1) -> list[tuple[Any, ...]]:  # fmt: skip
    """The patient totals, each ⑩ 납부할 금액 with the ⑨ 이미 납부한 금액 column beside it
    (when there is one) as a fourth item, (column, cells per line, unit): then ⑩ = ⑧ − ⑨."""
    prepaid = [(ref_of(h), cells_of(h), h.unit if h.unit_text is not None else unit)
               for h in headers if h.canonical is None
               and side_key(h.text) in aliases.side.get("prepaid", ())]  # fmt: skip
    if not prepaid:
        return list(patient)
    due = {ref_of(h) for h in headers if h.canonical is None
           and side_key(h.text) in aliases.side.get("due", ())}  # fmt: skip
    return [(*entry, prepaid[0]) if entry[0] in due else entry for entry in patient]


def checked_note(checked: list[str]) -> list[str]:
    """The summary's sentence for columns checked but not read as amounts."""
    if not checked:
        return []
    return ["금액으로 읽지 않고 확인에 쓴 열 (columns used for checks, not read as amounts): "
            + ", ".join(checked)]


_CANCEL_ANY: Final = re.compile(
    "|".join((*_CANCEL_KO, "같음", "같은", "cancel", "refund", "void", "reversal", "dup", "copy")),
    re.IGNORECASE)  # fmt: skip


def _may_cancel(values: Any) -> bool:
    """Could any cell of a column not read say 취소/환불? Numbers and dates cannot; text is
    searched at once (Arrow's regex, or one joined string), not parsed cell by cell."""
    column = values if isinstance(values, pd.Series) else pd.Series(values, dtype=object)
    dtype = column.dtype
    if pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_datetime64_any_dtype(dtype):
        return False
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
        return bool(column.str.contains(_CANCEL_ANY.pattern, case=False, regex=True).any())
    every = "\n".join(u for u in column.tolist() if isinstance(u, str))
    return _CANCEL_ANY.search(every) is not None


_NOTE = re.compile(r"[(\[（【][^)\]）】]*[)\]）】]\s*$")
_OTHER_THAN: Final = re.compile(r"선택진료(?:료)?이외")


def _split_form(headers: list[Header]) -> bool:
    """Does the ④ column say it is 비급여 선택진료료 이외 (the receipt form before 2018, whose
    ④ = 선택진료료 + 선택진료료 이외)? Then a 선택진료료 column is the other part of ④."""
    return any(h.canonical == "noncovered" and _OTHER_THAN.search(normalize(str(h.text)))
               for h in headers)  # fmt: skip


def old_noncovered_parts(headers: list[Header], cells_of: Callable[[Header], Any],
                         ref_of: Callable[[Header], str], aliases: Aliases, unit: int = 1
                         ) -> list[tuple[str, Any, int]]:  # fmt: skip
    """선택진료료 columns to add into ④ (only beside a ④ column of 선택진료료 이외): (column,
    cells per line, unit of bare numbers)."""
    names = added_headers(headers, aliases)
    if not names:
        return []
    return [(ref_of(h), cells_of(h), h.unit if h.unit_text is not None else unit)
            for h in headers if h.canonical is None
            and str(h.text) in names]  # fmt: skip


def added_headers(headers: list[Header], aliases: Aliases) -> list[str]:
    """The 선택진료료 headers read into ④ (beside a ④ of 선택진료료 이외), as written."""
    if not _split_form(headers):
        return []
    names = aliases.side.get("old_noncovered", frozenset())
    return [str(h.text) for h in headers if h.canonical is None
            and normalize(_NOTE.sub("", str(h.text))) in names]  # fmt: skip


def add_old_noncovered(parts: list[tuple[str, Any, int]], columns: dict[str, Any],
                       problems: Problems) -> list[str]:
    """④ 비급여 = 비급여(선택진료료 이외) + 선택진료료, line by line; a 선택진료료 cell that is
    not an amount is refused. Returns the note."""
    notes = []
    for ref, values, unit in parts:
        codes, uniques = _factorize(values)
        read = [(0, None) if cells.is_blank(u) else cells.parse_amount(u, unit) for u in uniques]
        bad = np.array([err is not None for _, err in read] + [False], dtype=bool)
        for pos in np.flatnonzero(bad[codes]).tolist():
            problems.at([pos], ref, values, read[codes[pos]][1] or "")
        won = np.array([w or 0 if err is None else 0 for w, err in read] + [0], dtype=np.int64)
        columns["noncovered"] = np.asarray(columns["noncovered"], dtype=np.int64) + won[codes]
        notes.append(f"{ref}의 금액을 ④ 비급여에 더했습니다 (added into ④ 비급여: on receipts "
                     "before 2018 ④ = 선택진료료 + 선택진료료 이외)")  # fmt: skip
    return notes


def department_kinds(headers: list[Header], cells_of: Callable[[Header], Any],
                     ref_of: Callable[[Header], str], category: RawColumn | None, n: int,
                     aliases: Aliases, problems: Problems,
                     ) -> tuple[RawColumn | None, list[str], str | None]:  # fmt: skip
    """A 진료과 column saying 치과/한방 → (the 항목 column with blanks filled, or None when
    nothing changes; notes; the 진료과 header when it was looked at but not read, as the
    ``department`` column is). A 항목 saying other care on such a line is refused. The read
    column (``[columns] department``) first, else an unread header whose words say 진료과."""
    dept = [h for h in headers if h.canonical == "department"] or [
        h for h in headers if h.canonical is None and side_kind(h.text, aliases) == "department"]
    if not dept:
        return None, [], None
    h = dept[0]
    said = None if h.canonical == "department" else str(h.text)  # read: not merely checked
    values = cells_of(h)
    codes, uniques = _factorize(values)
    kinds = [_kind(u) for u in uniques] + [None]
    if not any(kinds):
        return None, [], said
    kind = np.array(kinds, dtype=object)[codes]
    if category is not None:
        cat_values = np.asarray(category.values, dtype=object) if not hasattr(
            category.values, "to_numpy") else category.values.to_numpy(dtype=object)
    else:
        cat_values = np.full(n, None, dtype=object)
    parse = cells.choice_parser("category", aliases)
    out = cat_values.copy()
    notes = []
    for which in ("dental", "oriental"):
        here = kind == which
        # blank, or 일반 (the ordinary 항목): in a 치과/한방 department the care is that care
        blank = np.array([cells.is_blank(v) or parse(v)[0] == "" for v in cat_values],
                         dtype=bool)  # fmt: skip
        fill = here & blank
        if fill.any():
            out[fill] = CATEGORIES[which]
            label = CATEGORIES[which]
            notes.append(f"{ref_of(h)}이 {label}인 줄 {int(fill.sum()):,}개의 빈칸·일반 "
                         f"항목을 '{label}'(으)로 읽었습니다 (a blank or 일반 항목 where the "
                         f"department says {label}, read as {label})")  # fmt: skip
        clash = here & ~blank & np.array(
            [not cells.is_blank(v) and parse(v)[0] not in (None, which) for v in cat_values],
            dtype=bool)  # fmt: skip
        problems.at(
            np.flatnonzero(clash), category.ref if category is not None else ref_of(h),
            cat_values,
            f"{CATEGORIES[which]} 항목 (항목 {CATEGORIES[which]}, or blank: {ref_of(h)} says "
            f"{CATEGORIES[which]} care, whose 비급여 is excluded as {CATEGORIES[which]} care; "
            "this 항목 says other care — fix the 항목 or the 진료과)",
        )  # fmt: skip
    if not notes:
        return None, [], said
    ref = category.ref if category is not None else f"{ref_of(h)} (항목)"
    return RawColumn("category", out, ref), notes, said


_WORD_KIND: Final = {
    normalize(w): k for k, words in (
        ("noncovered", ("비급여", "비급여진료", "비급여항목", "비보험")),
        ("covered", ("급여", "급여진료", "급여항목", "보험")),
    ) for w in words
}  # fmt: skip
_BRACKET_NAME: Final = re.compile(r"^(.+?)\s*[(\[（【]([^)\]）】]*)[)\]）】]\s*$")


_SAID = {"noncovered": 1, "covered": 2}
"""What a 항목 cell says (the int8 code of :data:`_WORD_KIND`'s kinds; 0: neither)."""


def line_problems(raw: Mapping[str, RawColumn], columns: Mapping[str, Any],
                  codes: Mapping[str, tuple[np.ndarray, tuple[str, ...]]],
                  problems: Problems) -> None:  # fmt: skip
    """On lines whose cells each parsed: a 항목 saying 비급여 with the amount in ①/②/③, or
    급여 with an amount in ④, one person written two ways (``김민수``, ``김민수(본인)``), and
    ditto or none marks in 이름/병원명 (:func:`.lookalike.ditto_problems`)."""
    ditto_problems(raw, problems)
    category = raw.get("category")
    if category is not None:
        cat_codes, uniques = category.coded or _factorize(category.values)
        said_of = np.array([_SAID.get(_WORD_KIND.get(normalize(cells.text(u))), 0)
                            if not cells.is_blank(u) else 0 for u in uniques] + [0],
                           dtype=np.int8)  # fmt: skip
        if said_of.any():  # some 항목 says 급여 or 비급여: one int8 gather, not object passes
            said = said_of[cat_codes]
            paid = sum(np.asarray(columns[c], dtype=np.int64)
                       for c in ("covered_copay", "nhis_paid", "full_copay"))  # fmt: skip
            non = np.asarray(columns["noncovered"], dtype=np.int64)
            problems.at(
                np.flatnonzero((said == _SAID["noncovered"]) & (paid > 0)), category.ref,
                category.values,
                "비급여 금액은 비급여 열에 (a 비급여 line's amount goes in the 비급여 column: this "
                "line says 비급여 but has an amount in 본인부담금/공단부담금/전액본인부담 — move "
                "it to 비급여, or write 일반 in this cell if it is 급여 care)",
            )  # fmt: skip
            problems.at(
                np.flatnonzero((said == _SAID["covered"]) & (non > 0)), category.ref,
                category.values,
                "급여 줄에는 비급여 금액 없음 (a 급여 line has no 비급여 amount: this line says "
                "급여 but has an amount in 비급여 — move it to 본인부담금, or write 일반 in this "
                "cell if the line holds both)",
            )  # fmt: skip
    person = raw.get("person")
    if person is not None and "person" in codes:
        code, names = codes["person"]
        _spelled_twice(code, names, person.ref, columns["person"], problems)
        if not any(_BRACKET_NAME.match(str(name)) for name in names):
            return  # only a name with a note in brackets can be another name written twice
        bases: dict[str, list[int]] = {}
        for i, name in enumerate(names):
            match = _BRACKET_NAME.match(str(name))
            bases.setdefault(normalize(match[1]) if match else normalize(str(name)),
                             []).append(i)  # fmt: skip
        twice = [i for group in bases.values() if len(group) > 1
                 and any(not _BRACKET_NAME.match(str(names[j])) for j in group)
                 for i in group if _BRACKET_NAME.match(str(names[i]))]  # fmt: skip
        if twice:
            hit = np.isin(code, np.asarray(twice))
            problems.at(
                np.flatnonzero(hit), person.ref, columns["person"],
                "한 사람은 한 이름으로 (one person, one name: this name is another name in this "
                "file plus a note in brackets, so the two would be read as two people, each "
                "with their own yearly limits — write the same name on every line of one "
                "person, or a different name for a different person)",
            )  # fmt: skip


def _spelled_twice(code: np.ndarray, names: Any, ref: str, values: Any, problems: Any) -> None:
    """Refuse the lines of a person whose name is written two ways that differ only in spaces,
    letter case or width (``김민수`` / ``김 민수``): read apart they are two people, each with
    their own yearly limits, counts and 상한제 sum. Each line not in the name's most used
    spelling (ties: the first listed) is refused at its cell, naming that spelling."""
    keys = [n.lower() if type(n) is str and n.isascii() and n.isalnum() else cells.name_key(n)
            for n in names]  # fmt: skip  (an id such as P0001: its key in one call)
    if len(set(keys)) == len(keys):
        return  # the usual case: every name its own
    groups: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        groups.setdefault(key, []).append(i)
    twice = [g for g in groups.values() if len(g) > 1]
    if not twice:
        return
    count = np.bincount(code[code >= 0], minlength=len(names))
    for group in twice:
        main = max(group, key=lambda i: (count[i], -int(np.flatnonzero(code == i)[0])))
        others = [i for i in group if i != main]
        problems.at(
            np.flatnonzero(np.isin(code, others)), ref, values,
            f"한 사람은 한 이름으로: {names[main]!r} (one person, one name: this name differs "
            f"from {names[main]!r} on other lines only in spaces, letter case or width, so the "
            "two would be read as two people, each with their own yearly limits — write it the "
            "same way on every line of one person)",
        )  # fmt: skip
