"""What an unread header means by its words, not by a list of spellings: a column holding
what the patient paid in all (납부금액, 환자부담금, 실제 낸 돈 …), a column holding the whole
진료비 총액, and a column counting sessions or days (도수횟수, 수량, 진료일수 …).

The words are data: ``[side_columns]`` of header_aliases.toml, kinds ``paid_words``,
``money_words``, ``not_paid_words``, ``bare_totals``, ``cost_words``, ``count_words``,
``not_count_words``, ``count_notes`` and ``stay_count_words``. A header is matched on its
side key (normalized, a trailing bracket note dropped: ``납부금액(원)`` → ``납부금액``).

- **Paid in all** (⑧ 환자부담총액 in everyday words): a paid-word (납부, 결제, 부담, 낸 …) and
  a money-word (금액, 액, 돈, 금 …), or a bare total (금액, 합계); none of ``not_paid_words``
  (공단, 비급여, 이미 납부 …: other parts of the receipt). Checked like the listed totals:
  ``total = ① − ⑤ + ③ + ④`` on every line (or ``① + ② + ③ + ④`` with a ② column, the
  whole bill), else the line is refused at the total's cell. A 본인부담금 that already
  includes the 비급여 fails it, and would otherwise pay the 비급여 twice.
- **진료비 총액** (⑥): a cost-word (진료비, 의료비) with a total word, and no paid-word:
  ``① + ② + ③ + ④ = ⑥`` (``① + ③ + ④ ≤ ⑥`` without ②).
- **Count** (sessions, visits, days): a count-word (횟수, 회수, 수량, 일수 …) and none of
  ``not_count_words`` (투약일수: days of medicine, 회차: which session), or a bracket note
  that is a count unit (``도수(회)``). A count above 1 is refused (``kinds.count_problems``).
  A count of days of care (진료일수, 요양일수: ``stay_count_words``) on an 입원 line is the
  stay's 입원일수 (``kinds.stay_counts``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Final

import numpy as np
import pandas as pd

from . import cells
from .header import Aliases, Header, normalize

__all__ = ["count_meaning", "meaning_totals", "total_meaning", "unknown_amounts"]

_NOTE: Final = re.compile(r"[(\[（【]([^)\]）】]*)[)\]）】]\s*$")


def _key(text: Any) -> str:
    return normalize(_NOTE.sub("", str(text)))


def _any(key: str, words: frozenset[str]) -> bool:
    return any(w and w in key for w in words)


def _has_word(text: Any, key: str, words: frozenset[str]) -> bool:
    """A Hangul word anywhere in ``key`` (약값, 처방약), a Latin one as a whole word of the
    header (``MRI 비용``, ``ct``; not the ct of ``deductible``)."""
    latin = set(re.findall(r"[a-z]+", str(text).lower()))
    return any(w in latin if w.isascii() else w in key for w in words if w)


def _ends(key: str, side: Any, kind: str) -> bool:
    """Does ``key`` end with one of the ``[side_columns]`` words of ``kind``?"""
    return any(w and key.endswith(w) for w in side.get(kind, frozenset()))


_WON_TEXT: Final = re.compile(
    r"^\s*[₩￦]?\s*\d{1,3}(?:,\d{3})+\s*원?\s*$|^\s*[₩￦]?\s*\d+\s*원\s*$"
)
"""A cell written as money: 12,000 or 12,000원 or ₩12,000 or 12000원."""


def _written_as_won(values: Any, ok: np.ndarray) -> bool:
    """Every non-blank cell reads as an amount and one is written as money (12,000원, ₩12,000,
    12,000): an amount column whatever its header says."""
    if not ok.all():
        return False
    column = values if isinstance(values, pd.Series) else pd.Series(values)
    if pd.api.types.is_numeric_dtype(column.dtype):
        return False  # numbers, not text written as money
    return any(isinstance(t, str) and _WON_TEXT.match(t) for t in pd.unique(column))


def total_meaning(text: Any, aliases: Aliases) -> str | None:
    """``"patient"`` for a header saying what the patient paid in all, ``"total"`` for one
    saying the whole 진료비 총액, else None (by the words of ``[side_columns]``)."""
    key = _key(text)
    side = aliases.side
    if not key or _any(key, side.get("not_paid_words", frozenset())):
        return None
    if key in side.get("bare_totals", frozenset()):
        return "patient"
    paid = _any(key, side.get("paid_words", frozenset()))
    if _any(key, side.get("cost_words", frozenset())) and not paid:
        bare = key in side.get("cost_words", frozenset())  # 진료비 alone: the whole bill
        return "total" if bare or _any(key, side.get("cost_total_words", frozenset())) else None
    if paid and _any(key, side.get("money_words", frozenset())):
        return "patient"
    return None


def count_meaning(text: Any, aliases: Aliases) -> str | None:
    """``"stay"`` for a count of days of care (진료일수, 요양일수: on an 입원 line the stay's
    days), ``"count"`` for any other count of sessions or visits, else None."""
    raw = str(text)
    key = _key(raw)
    side = aliases.side
    if not key or _any(key, side.get("not_count_words", frozenset())):
        return None
    if _any(key, side.get("stay_count_words", frozenset())):
        return "stay"
    if _any(key, side.get("count_words", frozenset())):
        return "count"
    note = _NOTE.search(raw)
    if note is not None and normalize(note[1]) in side.get("count_notes", frozenset()):
        return "count"
    return None


_PARTS: Final = ("covered_copay", "full_copay", "noncovered", "nhis_paid", "over_ceiling")


def meaning_totals(headers: list[Header], cells_of: Callable[[Header], Any],
                   ref_of: Callable[[Header], str], aliases: Aliases, problems: Any,
                   listed: Callable[[Header], bool]) -> list[str]:  # fmt: skip
    """Unread headers that mean a line's total (not ``listed`` already): each checked
    against the line's amounts as ``kinds.total_problems`` checks the listed ones, on the
    lines whose amounts and total each read (a cell that does not is refused by its own
    column's check). Returns the headers checked."""
    from .kinds import total_problems  # kinds imports this module's count words

    found: dict[str, Header] = {}
    for h in headers:
        if h.canonical in _PARTS and h.canonical not in found:
            found[h.canonical] = h
    picked = [(h, total_meaning(h.text, aliases)) for h in headers
              if h.canonical is None and not cells.is_blank(h.text) and not listed(h)]
    picked = [(h, kind) for h, kind in picked if kind is not None]
    if not picked or not {"covered_copay", "noncovered"} <= set(found):
        return [str(h.text) for h, _ in picked]
    n = len(cells_of(picked[0][0]))
    good = np.ones(n, dtype=bool)
    columns: dict[str, np.ndarray] = {}
    for c in _PARTS:
        h = found.get(c)
        if h is None:
            columns[c] = np.zeros(n, dtype=np.int64)
            continue
        won, ok = _read(cells_of(h), h.unit if h.unit_text is not None else 1)
        columns[c] = won
        good &= ok
    prepaid = [(ref_of(h), cells_of(h), h.unit if h.unit_text is not None else 1)
               for h in headers if h.canonical is None
               and _key(h.text) in aliases.side.get("prepaid", frozenset())]  # fmt: skip
    for h, kind in picked:
        values = np.asarray(cells_of(h), dtype=object).copy()
        _, ok = _read(values, h.unit if h.unit_text is not None else 1)
        values[~(good & ok)] = None  # a cell that does not read: its own check says so
        entry: tuple[Any, ...] = (ref_of(h), values, h.unit if h.unit_text is not None else 1)
        if prepaid and _any(_key(h.text), aliases.side.get("due_words", frozenset())):
            entry = (*entry, prepaid[0])  # ⑪ 납부한 금액 beside ⑨ 이미 납부한 금액: ⑩ = ⑧ − ⑨
        if kind == "total":
            total_problems([entry], columns, set(found), problems)
        else:
            total_problems([], columns, set(found), problems, [entry])
    return [str(h.text) for h, _ in picked]


def _read(values: Any, unit: int) -> tuple[np.ndarray, np.ndarray]:
    """Cells → (whole won, blank as 0; did the cell read?), each distinct cell once."""
    from .kinds import _amounts

    said = _amounts(values, unit)  # −1 blank, −2 not an amount
    return np.maximum(said, 0), said != -2


UNKNOWN_AMOUNT_EXPECTED: Final = (
    "읽을 수 있는 열 (a column this reader can place: its header names money and this line "
    "has an amount in it, but it is none of ① 본인부담금, ② 공단부담금, ③ 전액본인부담, ④ "
    "비급여, ⑤ 상한액초과금 nor a total it can check, so ignoring it could change the "
    "payout — 영수증의 어느 칸인지에 맞게 머리글을 고치거나 (rename the header to the receipt's "
    "own word for it), 본인부담금·비급여에 이미 들어 있는 금액이면 이 열을 지우고, 들어 있지 "
    "않다면 맞는 열에 더한 뒤 지우세요 (if the amount is already inside 본인부담금/비급여, "
    "delete the column; if not, add it into the right one, then delete it))"
)


def unknown_amounts(headers: list[Header], cells_of: Callable[[Header], Any],
                    ref_of: Callable[[Header], str], aliases: Aliases, problems: Any,
                    placed: Callable[[Header], bool]) -> list[str]:  # fmt: skip
    """Unread headers that name money (``money_suffixes``: 약제비, 식대금액, 기타금액) and hold a
    non-zero amount on some line, that no rule places (``placed``) — or a header with a
    money unit (``식대 (원)``): refused at the first
    such cell, as ignoring them could change the number. Returns the headers refused."""
    side = aliases.side
    ends = tuple(w for w in side.get("money_suffixes", frozenset()) if w)
    out = []
    for h in headers:
        if h.canonical is not None or cells.is_blank(h.text) or placed(h):
            continue
        key = _key(h.text)
        note = _NOTE.search(str(h.text))
        unit = h.unit_text is not None or (
            note is not None and normalize(note[1]) in ("원", "천원", "만원")
        )
        if note is not None and normalize(note[1]) in ("%", "퍼센트", "률", "율"):
            continue  # 본인부담(%): a rate
        worded = _has_word(h.text, key, side.get("amount_words", frozenset())) and not _ends(
            key, side, "not_amount_endings"
        )
        money = unit or (key.endswith(ends) and not _ends(key, side, "not_money_words"))
        if not money and not worded and _ends(key, side, "not_amount_endings"):
            continue  # 번호, 코드, 일수 …: numbers that are not won, whatever the cells
        if total_meaning(h.text, aliases) is not None or count_meaning(h.text, aliases):
            continue
        values = cells_of(h)
        won, ok = _read(values, 1)
        if worded and not money:  # an amount word alone: amounts of 100원 or more
            money = bool((ok & (won >= 100)).any())
        if not money and not _written_as_won(values, ok):
            continue
        hit = np.flatnonzero(ok & (won > 0))
        if len(hit):
            problems.at(hit[:1], ref_of(h), values, UNKNOWN_AMOUNT_EXPECTED)
            out.append(str(h.text))
    return out
