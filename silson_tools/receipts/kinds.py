"""Facts a line carries outside its own columns: the kind of institution (치과의원, 한의원),
a count of sessions (``횟수``), and rows hidden in Excel.

- **Kind of institution**: 요양기관종류 ``치과의원``/``치과병원`` and ``한의원`` are read as the
  tier (의원, 병원) *and* say what kind of care the line is, which decides the exclusion of
  치과·한방 비급여 (4세대 비급여 특약, 5세대 특약1·2). A blank 항목 on such a line is read as
  치과/한방 (said in the summary); a 항목 that says anything else is refused. A ``한방병원``
  line may be a 의사 department's care (covered) or a 한의사's (its 비급여 is not), so a blank
  항목 there is refused, asking for it (``[institution_kinds]`` in header_aliases.toml).
- **Count column** (``횟수``, ``회수``): one line is one visit or act to the engine (one
  deductible, one of the yearly counts), so a line whose count is above 1 is refused
  (write one line per session); 0, 1 and blank are read and said in the summary.
- **Hidden rows**: a row hidden by hand or by a filter in Excel may be a cancelled or
  duplicate receipt, or only out of view; the loader cannot tell, so such lines are refused
  unless ``hidden_rows="read"`` (read them, said in the summary) or ``"skip"`` (leave them
  out, said in the summary).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

import numpy as np
import pandas as pd

from ..schema import CATEGORIES
from . import cells
from .header import Aliases, Header, letter, normalize
from .meaning import count_meaning
from .validate import RawColumn, _factorize

__all__ = ["HIDDEN_CHOICES", "carry_kinds", "count_problems", "hidden_lines", "is_count_header",
           "parse_count", "stay_counts"]

HIDDEN_CHOICES: Final = ("refuse", "read", "skip")
_SHOWN: Final = 8
_KINDS: Final = ("dental", "oriental", "ask")
"""The kinds of ``[institution_kinds]`` (header_aliases.toml)."""


def carry_kinds(
    tier: Any, category: Any | None, aliases: Aliases, tier_ref: str, cat_ref: str | None,
    problems: Any,
) -> tuple[np.ndarray | None, list[str]]:
    """The 항목 of lines whose 요양기관종류 says 치과/한방 → (the 항목 cells per line with the
    blanks filled, or None when nothing changes; notes). ``tier``/``category``: the coded
    columns of table.py (``uniques``, ``codes``, ``blank()``, ``values()``)."""
    if not aliases.kinds:
        return None, []
    table = [None if cells.is_blank(u) else aliases.kinds.get(normalize(cells.text(u)))
             for u in tier.uniques]  # fmt: skip
    if not any(table):
        return None, []
    # each distinct 요양기관종류 and 항목 looked at once; per line only small-int gathers
    kind = np.array([_KINDS.index(k) if k else -1 for k in table], dtype=np.int8)[tier.codes]
    n = len(kind)
    blank = category.blank() if category is not None else np.ones(n, dtype=bool)
    parse = cells.choice_parser("category", aliases)
    parsed = ([None if cells.is_blank(u) else parse(u)[0] for u in category.uniques]
              if category is not None else [])  # fmt: skip
    values = category.values() if category is not None else np.full(n, None, dtype=object)
    ref = cat_ref or tier_ref
    notes: list[str] = []
    out = values.copy()
    for which in ("dental", "oriental"):
        label = CATEGORIES[which]
        here = kind == _KINDS.index(which)
        fill = here & blank
        if fill.any():
            out[fill] = label
            particle = "으로" if label == "한방" else "로"
            notes.append(f"요양기관종류가 {label} 기관인 줄 {int(fill.sum()):,}개의 빈 항목을 "
                         f"'{label}'{particle} 읽었습니다 (a blank 항목 at a {label} institution "
                         f"read as {label})")  # fmt: skip
        if category is None:
            continue
        other = np.array([p is not None and p != which for p in parsed], dtype=bool)
        clash = np.flatnonzero(here & other[category.codes])
        problems.at(
            clash, ref, values,
            f"{label} 항목 (항목 {label}, or blank: 요양기관종류 says a {label} institution, "
            f"whose 비급여 is excluded as {label} care; this 항목 says other care — fix the "
            "항목 or the 요양기관종류)",
        )  # fmt: skip
    ask = np.flatnonzero((kind == _KINDS.index("ask")) & blank)
    problems.at(
        ask, ref if cat_ref else tier_ref, None if cat_ref or not len(ask) else tier.values(),
        f"항목 값 (a 항목 on this line: 요양기관종류 {'/'.join(_ask_names(aliases))} may be a "
        "한의사's care (write 한방: its 비급여 is not covered) or a 의사 department's care "
        "(write 일반) — the two are paid differently)",
    )  # fmt: skip
    changed = bool(notes)
    return (out if changed else None), notes


def _ask_names(aliases: Aliases) -> list[str]:
    return [n for n in aliases.value_examples.get("tier", {}).get("hospital", [])
            if aliases.kinds.get(normalize(n)) == "ask"] or ["한방병원"]  # fmt: skip


_STAY_COUNT: Final = frozenset(normalize(w) for w in (
    "방문(입원)일수", "입내원일수", "입원내원일수", "입원(방문)일수", "입원(내원)일수"))
"""NHIS 「진료받은 내역」 headers that count visit days on 외래 rows and the stay's days on
입원 rows."""


def stay_counts(headers: list[Header], cells_of: Callable[[Header], Any],
                ref_of: Callable[[Header], str], raw: dict[str, RawColumn], aliases: Aliases,
                ) -> tuple[np.ndarray | None, list[str], str | None]:  # fmt: skip
    """A 방문(입원)일수 / 입내원일수 column on 입원 lines is the admission's 입원일수 (one
    입원, one deductible), not a count of visits: read as the 입원일수 column when there is
    none (``raw["days"]`` added, blank on other lines). Returns (입원 lines, which the count
    check leaves alone; notes; the header read)."""
    found = [h for h in headers if h.canonical is None and _stay_count(h.text, aliases)]
    if not found or "setting" not in raw:
        return None, [], None
    h = found[0]
    parse = cells.choice_parser("setting", aliases)
    codes, uniques = raw["setting"].coded or _factorize(raw["setting"].values)
    inpatient = np.array([not cells.is_blank(u) and parse(u)[0] == "inpatient"
                          for u in uniques] + [False], dtype=bool)[codes]  # fmt: skip
    if not inpatient.any() or "days" in raw:
        return inpatient, [], None
    values = pd.Series(cells_of(h), dtype=object).to_numpy(dtype=object, copy=True)
    values[~inpatient] = None
    raw["days"] = RawColumn("days", pd.Series(values, dtype=object), ref_of(h))
    return inpatient, [f"{ref_of(h)}: 입원 줄의 값을 입원일수로 읽었습니다 (on 입원 lines this "
                       "column is the stay's days, read as 입원일수; on other lines it counts "
                       "visits, one per line)"], str(h.text)  # fmt: skip


def count_problems(headers: list[Header], columns: Sequence[np.ndarray] | Mapping[int, np.ndarray],
                   keep: np.ndarray, aliases: Aliases, problems: Any,
                   ref_of: Callable[[Header], str] | None = None,
                   inpatient: np.ndarray | None = None) -> list[str]:  # fmt: skip
    """A 횟수 column: lines with a count above 1 refused; returns the summary notes.
    ``columns[j]``: column ``j``'s cells (only count columns are read); ``ref_of``: how
    the person names a column (default ``"K열 '횟수'"``); ``inpatient``: 입원 lines, where
    a 방문(입원)일수 column is the stay's days (``stay_counts``), not checked."""
    notes = []
    for h in headers:
        if h.canonical is not None or not is_count_header(h.text, aliases):
            continue
        ref = ref_of(h) if ref_of is not None else f"{letter(h.index)}열 '{h.text}'"
        values = columns[h.index][keep]
        codes, uniques = _distinct(values)  # each distinct count parsed once
        counts = [(0, None) if cells.is_blank(u) else parse_count(u) for u in uniques]
        stay = (inpatient if inpatient is not None and _stay_count(h.text, aliases)
                else np.zeros(len(codes), dtype=bool))  # fmt: skip
        for wrong, expected in (
            ([err is not None for _, err in counts], COUNT_EXPECTED),
            ([err is None and (n or 0) > 1 for n, err in counts], ONE_SESSION_EXPECTED),
        ):
            bad = np.flatnonzero(np.array([*wrong, False], dtype=bool)[codes] & ~stay)
            problems.at(bad, ref, values, expected)
        if stay.any():
            notes.append(f"횟수 열 {ref}: 입원 줄 밖의 모든 줄이 1회 이하라 한 줄을 한 번으로 "
                         "읽었습니다 (the count column says at most 1 on every line that is "
                         "not 입원)")  # fmt: skip
        else:
            notes.append(f"횟수 열 {ref}: 모든 줄이 1회 이하라 한 줄을 한 번으로 읽었습니다 (the "
                         "count column says at most 1 on every line)")  # fmt: skip
    return notes


_UNIT_NOTE = re.compile(r"[(\[（【][^)\]）】]*[)\]）】]\s*$")


def is_count_header(text: object, aliases: Aliases) -> bool:
    """A 횟수 header, as listed or with a unit or note in brackets (``횟수(회)``,
    ``방문횟수(회)``)."""
    return (normalize(str(text)) in aliases.count_headers
            or normalize(_UNIT_NOTE.sub("", str(text))) in aliases.count_headers
            or count_meaning(text, aliases) is not None)  # fmt: skip


def _stay_count(text: object, aliases: Aliases) -> bool:
    """A count of visit or care days that on an 입원 line is the stay's days: the NHIS
    방문(입원)일수 forms, or by its words (진료일수, 요양일수: ``meaning.count_meaning``)."""
    return normalize(str(text)) in _STAY_COUNT or count_meaning(text, aliases) == "stay"


def _distinct(values: Any) -> tuple[np.ndarray, list[Any]]:
    """(code per cell, distinct cells; code −1 for missing): numbers without boxing each."""
    dtype = getattr(values, "dtype", None)
    if dtype is not None and pd.api.types.is_numeric_dtype(dtype) \
            and not pd.api.types.is_bool_dtype(dtype):  # fmt: skip
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        return np.asarray(codes), list(np.asarray(uniques, dtype=object).tolist())
    return _factorize(values)


COUNT_EXPECTED = (
    "횟수 (a number of sessions: 1, 1회, 1번, or blank; each line is one visit or session)"
)
ONE_SESSION_EXPECTED = (
    "한 줄에 한 번 (one session per line: this line says more than one, but each line counts "
    "as one visit or session — one deductible and one of the yearly counts; write one line "
    "per session, each with its own amounts; a 진료받은 내역 row of one institution and month "
    "with 방문일수/처방횟수: one line per visit day, with that day's receipt)"
)
_COUNT = re.compile(r"(\d{1,6})(?:\.0+)?\s*(?:회|번|차|times?)?", re.IGNORECASE | re.ASCII)


def parse_count(value: Any) -> tuple[int | None, str | None]:
    """A 횟수 cell → (count, None) or (None, what was expected): ``1``, ``1.0``, ``1회``,
    ``1번``, full-width ``１``; ``-`` is 0 (nothing written)."""
    if isinstance(value, bool):
        return None, COUNT_EXPECTED
    if isinstance(value, int | float | np.integer | np.floating):
        number = float(value)
        if np.isfinite(number) and number.is_integer() and number >= 0:
            return int(number), None
        return None, COUNT_EXPECTED
    text = unicodedata.normalize("NFKC", cells.clean(str(value))).strip()
    if text in {"-", "–", "—", "−"}:
        return 0, None
    match = _COUNT.fullmatch(text)
    return (int(match[1]), None) if match else (None, COUNT_EXPECTED)


def hidden_lines(hidden_rows: list[int], body_at: int, keep: np.ndarray, mode: str,
                 problems: Any, column: str) -> tuple[np.ndarray, list[str]]:  # fmt: skip
    """Lines on rows hidden in Excel → (mask of lines to leave out, notes); refused when
    ``mode`` is ``"refuse"``."""
    out = np.zeros(len(keep), dtype=bool)
    if not hidden_rows:
        return out, []
    hidden = np.isin(keep + body_at, np.asarray(sorted(set(hidden_rows)), dtype=np.int64))
    if not hidden.any():
        return out, []
    rows = (keep[hidden] + body_at + 1).tolist()
    shown = ", ".join(map(str, rows[:_SHOWN])) + (" …" if len(rows) > _SHOWN else "")
    if mode == "read":
        return out, [f"Excel에서 숨긴 행 {len(rows)}개도 읽었습니다 (hidden or filtered-out rows "
                     f"were read too, as asked): {shown}"]  # fmt: skip
    if mode == "skip":
        return hidden, [f"Excel에서 숨긴 행 {len(rows)}개는 읽지 않았습니다 (hidden or "
                        f"filtered-out rows were left out, as asked): {shown}"]  # fmt: skip
    problems.at(
        np.flatnonzero(hidden), column, None,
        "보이는 행 (a row that is not hidden: Excel hides this row, by hand or by a filter — "
        "a cancelled or duplicate receipt, or only out of view? Show it again to read it, or "
        "delete it to leave it out; or choose for the whole file: silson --hidden-rows read "
        "or skip, read_receipts(..., hidden_rows='read' or 'skip'))",
    )  # fmt: skip
    return out, []



def total_problems(totals: list[tuple[str, np.ndarray, int]], columns: dict[str, Any],
                   given: set[str], problems: Any,
                   patient: Sequence[tuple[Any, ...]] = ()) -> None:  # fmt: skip
    """Lines whose amounts do not add up to a total written beside them: refused, naming
    the total's cell (a total cell that is blank or not an amount is not checked).

    - 진료비 총액 ⑥ = ① + ② + ③ + ④ when ①, ② and ④ are columns; without ② only
      ① + ③ + ④ ≤ ⑥ can be checked (② ≥ 0): more means ① includes ④.
    - ``patient``: 환자부담총액 ⑧ / 납부할 금액 ⑩ / 수납액 = ① − ⑤ + ③ + ④ (receipt form
      별지 제6호서식), checked when ① and ④ are columns; a ⑩ with a ⑨ 이미 납부한 금액
      column (its fourth item): ⑩ + ⑨ = ⑧.
    - a 진료비 총액 entry's fourth item, when given: the lines whose ② cell is blank (②
      unknown, not 0): on those only ① + ③ + ④ ≤ ⑥ is checked."""
    if not {"covered_copay", "noncovered"} <= given:
        return
    own = sum(np.asarray(columns[c], dtype=np.int64)
              for c in ("covered_copay", "full_copay", "noncovered"))  # fmt: skip
    with_nhis = "nhis_paid" in given
    parts = own + np.asarray(columns["nhis_paid"], dtype=np.int64) if with_nhis else own
    borne = own - np.asarray(columns["over_ceiling"], dtype=np.int64)
    non = np.asarray(columns["noncovered"], dtype=np.int64)
    for kind, listed in (("total", totals), ("patient", list(patient))):
        for ref, values, unit, *extra in listed:
            totals_of = _amounts(values, unit)
            unknown = np.zeros(len(totals_of), dtype=bool)
            if kind == "patient" and extra:  # ⑩ 납부할 금액 = ⑧ − ⑨ (a blank ⑨ is 0)
                before = _amounts(extra[0][1], extra[0][2])
                totals_of = np.where((totals_of >= 0) & (before >= -1),
                                     totals_of + np.maximum(before, 0), -1)  # fmt: skip
            elif extra:  # lines whose ② cell is blank: ② unknown, only ① + ③ + ④ ≤ ⑥
                unknown = np.asarray(extra[0], dtype=bool)
            if kind == "patient":  # a 합계 beside ② may be the whole 진료비 총액 instead
                whole = with_nhis & (totals_of == parts)
                wrong = (totals_of >= 0) & (totals_of != borne) & ~whole
            elif with_nhis:
                wrong = (totals_of >= 0) & np.where(unknown, totals_of < own, totals_of != parts)
            else:
                wrong = (totals_of >= 0) & (totals_of < own)
            for pos in np.flatnonzero(wrong).tolist():
                total = int(totals_of[pos])
                known = with_nhis and not unknown[pos]
                expect = parts[pos] if known else own[pos]
                said = _total_expected(kind, known, total,
                                       int(expect if kind == "total" else borne[pos]),
                                       int(non[pos]))  # fmt: skip
                if kind == "patient" and extra:
                    said += (f" (⑩ + {extra[0][0]} = {total:,}원: ⑩ 납부할 금액 plus ⑨ 이미 "
                             "납부한 금액)")  # fmt: skip
                problems.at([pos], ref, values, said)


def _amounts(values: Any, unit: int) -> np.ndarray:
    """Each cell as whole won; −1 for a blank cell, −2 for one that is not an amount."""
    codes, uniques = _distinct(values)  # each distinct total parsed once
    read = [None if cells.is_blank(u) else cells.parse_amount(u, unit) for u in uniques]
    said = np.array([-1 if r is None else -2 if r[1] is not None or r[0] is None else r[0]
                     for r in read] + [-1], dtype=np.int64)  # fmt: skip
    return said[codes]


def _total_expected(kind: str, with_nhis: bool, total: int, parts: int, non: int) -> str:
    """What a total cell should say, and the likely cause (① written with ④ in it)."""
    hint = ""
    if 0 < non and total + non == parts:
        hint = (f" 본인부담금에 비급여 {non:,}원이 들어 있다면 (if 본인부담금 includes the 비급여) "
                f"본인부담금을 {non:,}원 줄여 적으세요 (write 본인부담금 without it)")
    if kind == "patient":
        return (f"① − ⑤ + ③ + ④ = {parts:,}원인 환자 부담액 (환자부담총액·납부할 금액: what the "
                f"patient paid equals "
                f"① 본인부담금 − ⑤ + ③ 전액본인부담 + ④ 비급여 = {parts:,} won; it says "
                f"{total:,} — does 본인부담금 include 비급여, or was part paid earlier "
                f"(이미 납부한 금액) or discounted? fix the amounts, or remove this column)"
                + hint)  # fmt: skip
    if with_nhis:
        return (f"① + ② + ③ + ④ = {parts:,}원인 진료비 총액 (a 진료비 총액 equal to "
                f"① + ② + ③ + ④ = {parts:,} won; it says {total:,} — does 본인부담금 "
                "include 비급여, or is a column missing? fix the amounts, or remove the total "
                "column)" + hint)  # fmt: skip
    return (f"① + ③ + ④ = {parts:,}원 이상인 진료비 총액 (a 진료비 총액 of at least ① + ③ + ④ "
            f"= {parts:,} won, as ② 공단부담금 is never negative; it says {total:,}, so "
            "본인부담금 seems to include 비급여 — fix the amounts, or remove the total column)"
            + hint)  # fmt: skip
