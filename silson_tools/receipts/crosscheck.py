"""Checks across the columns of one line (and across lines: a visit key), on lines whose
cells each parsed: a line must make sense as a whole (입원일수 only on 입원 lines, ⑤ at most
①, a 약국 tier only on pharmacy lines, one visit key per person and day, or per person and
institution on 입원 lines: one admission over several days, or a 외래 day and its 약국 lines
of later days; no keyless 외래 line beside two keys at one institution–day; 입원 lines of one
stay that bill the same days twice, :mod:`.overlap`)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..schema import TIERS
from . import cells
from .departments import has_near_names, near_spellings, purposes
from .groups import Groups
from .header import normalize, strip_invisible
from .overlap import overlapping_stays
from .pharmacy_join import ask_visits_of, pharmacy_ties

if TYPE_CHECKING:
    from .validate import Problems

__all__ = ["TOTAL_WORDS", "cross_checks", "is_total", "tier_notes", "total_cells"]

TOTAL_WORDS = frozenset(
    normalize(w)
    for w in ("합계", "소계", "총계", "총합계", "누계", "계", "합", "total", "subtotal", "sum",
              "grand total", "월계", "연계", "총", "전체", "총액")
)  # fmt: skip
"""Names of a 합계 row: a person or institution called this is a total, not a receipt."""
_TOTAL_WORD = frozenset(
    ("합계", "소계", "총계", "총합계", "누계", "총합", "총액", "요약", "total", "totals",
     "subtotal", "subtotals", "summary")
)  # fmt: skip
"""Total words that mark a total row when they are a word of the name (``가나 합계``,
``3월 소계``, ``합계(3월)``, ``** 합계 **``, ``가나 요약`` as Excel's 부분합 writes it,
``Sub-total``), or end a Korean word (``3월합계``) or begin one before 금액/액 (``합계금액``);
not inside a longer word: ``토요약국`` (토요 + 약국), ``소계동의원``, ``종합 계양의원``.
Short words (``계``, ``합``, ``sum``) only as the whole name: ``종합병원``."""
_KOREAN_ENDS = re.compile(
    "(?:"
    + "|".join(
        w for w in sorted(_TOTAL_WORD, key=len, reverse=True) if w.isalpha() and not w.isascii()
    )
    + ")(?:금액|액)?$"
)
_TOTAL_PARTS = ("합", "계", "총", "액", "요", "누", "체", "tot", "sum")
_TOTAL_CHARS = re.compile("|".join(_TOTAL_PARTS), re.IGNORECASE)
"""Every total word (:data:`TOTAL_WORDS`, :data:`_TOTAL_WORD`) holds one of these."""
_TOKENS = re.compile(r"[^0-9a-z가-힣]+")


def _words(name: str) -> list[str]:
    """The words of a name: split at spaces and punctuation; runs of one-syllable words
    joined (``가나 소 계`` → 가나, 소계; ``합 계`` → 합계)."""
    text = unicodedata.normalize("NFC", strip_invisible(name)).lower()
    words: list[str] = []
    syllables = ""
    for token in _TOKENS.split(text):
        if len(token) == 1 and "가" <= token <= "힣":
            syllables += token
            continue
        if syllables:
            words.append(syllables)
            syllables = ""
        if token:
            words.append(token)
    if syllables:
        words.append(syllables)
    return words


def is_total(name: str) -> bool:
    """Is ``name`` (이름, 병원명, or any cell of a line) the label of a total or subtotal
    row? A total word must be a word of it (see :data:`_TOTAL_WORD`)."""
    if normalize(name) in TOTAL_WORDS:
        return True
    words = _words(name)
    if any(w in _TOTAL_WORD for w in words):
        return True
    return any(not w.isascii() and _KOREAN_ENDS.search(w) is not None for w in words)


def _may_be_total(name: object) -> bool:
    """False for a name of ASCII digits alone (a person number: no total word is one), so
    a cohort's ten thousand numbered people skip the normalising."""
    return not (type(name) is str and name.isascii() and name.isdigit())


TOTAL_ROW_EXPECTED = (
    "영수증 한 장의 줄 (a receipt line): 합계·소계·요약 줄은 지우세요 (a total or "
    "subtotal row would be counted twice; delete it)"
)


def total_cells(values: np.ndarray | pd.Series, ref: str, problems: Problems) -> None:
    """A column that is not read (번호, 비고) saying 합계/소계 on a line: that line is a
    total row that copies the day's fields; refused at that cell.

    A column of numbers or dates holds no 합계. Text is first searched for any total word's
    letters at once (Arrow's regex on pandas' ``str``; one joined string of the distinct
    cells otherwise), so a column of claim ids costs a scan, not a parse per id."""
    column = values if isinstance(values, pd.Series) else pd.Series(values, dtype=object)
    dtype = column.dtype
    if pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_datetime64_any_dtype(dtype):
        return
    where: np.ndarray | None = None
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
        maybe = column.str.contains(_TOTAL_CHARS.pattern, case=False, regex=True, na=False)
        where = np.flatnonzero(maybe.to_numpy(dtype=bool))
        if not len(where):
            return
        codes, uniques = pd.factorize(column.iloc[where])
    else:
        every = "\n".join(u for u in column.tolist() if isinstance(u, str)).lower()
        if not any(part in every for part in _TOTAL_PARTS):
            return  # no total word anywhere: a few substring searches (번호 1, 2, 3 …)
        codes, uniques = pd.factorize(column)
    totals = [isinstance(u, str) and _TOTAL_CHARS.search(u) is not None and is_total(u)
              for u in uniques.tolist()]  # fmt: skip
    hit = np.flatnonzero(np.array([*totals, False], dtype=bool)[codes])
    problems.at(hit if where is None else where[hit], ref, values, TOTAL_ROW_EXPECTED)


def cross_checks(
    out: dict[str, Any],
    codes: Mapping[str, tuple[np.ndarray, tuple[str, ...]]],
    refs: Mapping[str, str],
    ok: np.ndarray,
    problems: Problems,
    blank_category: np.ndarray | None = None,
) -> None:
    """Checks across columns, on lines whose cells each parsed: a line must make sense.
    ``blank_category``: per line, True where the 항목 cell was blank as written (None: no 항목
    column; 일반 and a blank cell both read as no category)."""

    def code_of(column: str, name: str) -> tuple[np.ndarray, int]:
        code, names = codes[column]
        return code, names.index(name)

    for column in ("person", "institution"):  # a 합계/소계 row typed into the table
        if column in refs:
            if column in codes:  # 이름 is coded already: (code per line, distinct names)
                code, uniques = codes[column]
            else:
                code, uniques = pd.factorize(np.asarray(out[column], dtype=object))
            totals = [_may_be_total(u) and is_total(str(u)) for u in uniques]
            total = np.append(np.array(totals, dtype=bool), False)[code]
            problems.at(
                np.flatnonzero(ok & total),
                refs[column],
                out[column],
                f"{TOTAL_ROW_EXPECTED}. 정말 이런 이름의 사람·병원이면 "
                "합계·소계·요약·total이 들지 않게 줄여 적으세요 — 이름은 줄을 나누는 데만 쓰므로 "
                "결과는 같습니다 (if this is a real name, write it without the total word: the "
                "name only tells lines apart, so the result is the same)",
            )
    if "institution" in refs:
        _kind_in_name(out, codes, refs, ok & _or_true(blank_category, len(ok)), problems)
    setting, inpatient_code = code_of("setting", "inpatient")
    inpatient = setting == inpatient_code
    days = np.asarray(out["days"])
    category = out["category"]
    if "days" in refs:
        problems.at(
            np.flatnonzero(ok & (days > 0) & ~inpatient),
            refs["days"],
            out["days"],
            "입원일수는 입원 줄에만 적습니다 (inpatient days only on 입원 lines; this line's "
            "진료구분 is not 입원: fix the 진료구분 or clear 입원일수)",
        )
    if "category" in refs:
        cat, room_code = code_of("category", "room_upgrade")
        room = ok & (cat == room_code)
        problems.at(
            np.flatnonzero(room & ~inpatient),
            refs["category"],
            category,
            "상급병실 차액은 입원 줄입니다 (a private-room charge is an 입원 line)",
        )
        problems.at(
            np.flatnonzero(room & inpatient & (days <= 0)),
            refs["category"],
            category,
            "상급병실 차액 줄에는 입원일수가 필요합니다 (a private-room line needs 입원일수 > 0: "
            "the cap is 10만원 × days)",
        )
    tier, pharmacy_tier = code_of("tier", "pharmacy")
    _, pharmacy_setting = code_of("setting", "pharmacy")
    problems.at(
        np.flatnonzero(ok & (tier == pharmacy_tier) & (setting != pharmacy_setting)),
        refs["tier"],
        out["tier"],
        "요양기관종류 '약국'은 처방조제(약국) 줄에만 씁니다 (tier 약국 goes with pharmacy "
        "lines; this line is 입원/외래)",
    )
    if "over_ceiling" in refs:
        over = np.asarray(out["over_ceiling"])
        problems.at(
            np.flatnonzero(ok & (over > np.asarray(out["covered_copay"]))),
            refs["over_ceiling"],
            out["over_ceiling"],
            "⑤ 상한액초과금은 ① 본인부담금 이하 (⑤ over_ceiling is part of ①, so at most ①)",
        )
    if "visit" in refs:
        _visit_keys(out, codes, refs, ok, inpatient, setting == pharmacy_setting, problems)
    not_outpatient = inpatient | (setting == pharmacy_setting)
    if "department" in refs:
        inst = _institution_keys(out, codes)
        dept = codes.get("department")
        _blank_department(out, inst, refs, ok, not_outpatient, problems, dept)
        _near_departments(out, inst, refs, ok, not_outpatient, problems, dept)
    if "visit" in refs or "department" in refs:
        pharmacy_between_visits(out, _institution_keys(out, codes), refs, ok, not_outpatient,
                                setting == pharmacy_setting, problems)  # fmt: skip
    if refs.keys() & {"institution", "visit", "department"}:  # as the engine joins 약국 lines
        pharmacy_ties(out, _institution_keys(out, codes), codes["tier"], refs, ok, not_outpatient,
                      setting == pharmacy_setting, problems)  # fmt: skip
    overlapping_stays(out, codes, refs, ok, inpatient, problems)


def tier_notes(out: Mapping[str, Any], rows: np.ndarray) -> list[str]:
    """A read note for a 병원명 written as two 요양기관종류 in one year (약국 lines aside: their
    kind is the pharmacy's): the kind sets the deductible (1만 ↔ 2만), and a typo on one line
    moves that line's, so the rows of the kind fewer lines give are named. (Said, not refused:
    a hospital may change its kind, and same-day lines take the highest.)"""
    if "institution" not in out or "tier" not in out:
        return []
    inst = np.asarray(out["institution"], dtype=object)
    tier = np.asarray(out["tier"], dtype=object)
    at = np.flatnonzero((inst != "") & (tier != "pharmacy"))
    if len(at) < 2:
        return []
    frame = pd.DataFrame({
        "inst": [institution_key(str(n)) for n in inst[at]] if len(at) <= 5_000
        else pd.Series(inst[at]).map(lambda n: institution_key(str(n))).to_numpy(),
        "year": np.asarray(out["date"]).astype("datetime64[Y]")[at],
        "tier": tier[at],
    })  # fmt: skip
    mixed = (frame.groupby(["inst", "year"], sort=False)["tier"].transform("nunique") > 1)
    if not mixed.any():
        return []
    notes = []
    for (name, year), part in frame[mixed.to_numpy()].groupby(["inst", "year"], sort=False):
        counts = part["tier"].value_counts(sort=True)
        rare = part.index[part["tier"] != counts.index[0]]
        shown = ", ".join(str(int(r)) for r in rows[at[rare]][:10])
        kinds = "·".join(TIERS.get(t, t) for t in counts.index)
        notes.append(
            f"병원명 {name!r}이 {str(year)[:4]}년에 {kinds}으로 적혀 있습니다"
            + f" (rows {shown})"
            + ": 요양기관종류가 공제금액을 정하므로 (1만·1.5만·2만원) 한 병원은 한 가지로 적으세요 "
            "(one hospital written as two kinds in one year: the kind sets the deductible)"
        )
    return notes[:5]


def institution_key(name: str) -> str:
    """A 병원명 as lines are grouped by it: NFKC (full-width letters and digits as
    half-width) without whitespace, so ``가나 의원`` and ``가나의원`` are one institution."""
    return cells.compact(name)


def _institution_keys(
    out: dict[str, Any], codes: Mapping[str, tuple[np.ndarray, tuple[str, ...]]]
) -> np.ndarray:
    """Each line's 병원명 as lines are grouped by it (:func:`institution_key`; blank or no
    column: ""), made once per distinct name."""
    if "institution" in codes:
        code, uniques = codes["institution"]
    elif "institution" in out:
        code, uniques = pd.factorize(np.asarray(out["institution"], dtype=object))
    else:
        return np.full(len(out["date"]), "", dtype=object)
    keys = [institution_key(u) if isinstance(u, str) else "" for u in uniques]
    return np.array([*keys, ""], dtype=object)[code]  # code −1 (missing): the last, blank


def _visit_keys(
    out: dict[str, Any],
    codes: Mapping[str, tuple[np.ndarray, tuple[str, ...]]],
    refs: Mapping[str, str],
    ok: np.ndarray,
    inpatient: np.ndarray,
    pharmacy: np.ndarray,
    problems: Problems,
) -> None:
    """A visit key (방문묶음) groups lines of one person: on one day (a 통원), a 외래 day and
    the 약국 lines of later days that filled its prescription, or inpatient lines of one
    institution over several days (one admission, 입원 1건: a 중간 and a 퇴원 receipt). Two
    keys at one person–institution–day are two 통원 (two treatment purposes), so a keyless
    외래 line there is refused: which of them it was is the person's to say."""
    keyed, keys = _keyed(out, ok)
    if not keyed.any():
        return
    at = np.flatnonzero(keyed)
    groups = Groups(keys)
    first = groups.differs_from_first  # True where a line differs from its key's first line
    person = first(np.asarray(out["person"], dtype=object)[at])
    days = np.asarray(out["date"]).astype("datetime64[D]")
    inst_all = (
        _institution_keys(out, codes)
        if "institution" in refs
        else np.full(len(keyed), "", dtype=object)
    )
    inst = first(inst_all[at])
    ph, inp = pharmacy[at], inpatient[at]
    lo, hi = groups.day_range(days[at], ~ph & ~inp)  # the key's 외래 day (NaT: none)
    several_days = groups.several(days[at])
    stay = groups.all(inp)
    no_inp = ~groups.any(inp)
    # a 외래 day and the 약국 lines of that day or later: one 통원 the person tied
    fits = no_inp & (lo == hi) & ~np.isnat(lo) & (~ph | (days[at] >= lo))
    fill = groups.all(fits)
    day = first(days[at].astype(str))
    problems.at(
        at[person],
        refs["visit"],
        out["visit"],
        "방문묶음은 한 사람의 줄만 묶습니다 (a visit key groups lines of one person; this key "
        "is also on a line of another person)",
    )
    problems.at(
        at[~person & several_days & ~stay & ~fill & day],
        refs["visit"],
        out["visit"],
        "방문묶음은 같은 사람·같은 날의 줄만 묶습니다; 여러 날에 걸친 방문묶음은 "
        "한 병원의 입원 줄이거나, 한 날의 외래와 그 처방전을 그날 이후 조제한 약국 줄만 (a visit "
        "key groups lines of one person on one day, the 입원 lines of one stay at one "
        "institution, or one day's 외래 and the 약국 lines that filled its prescription that day "
        "or later; this key also holds a line of another day)",
    )
    problems.at(
        at[~person & several_days & stay & inst],
        refs["visit"],
        out["visit"],
        "여러 날에 걸친 입원 방문묶음은 한 병원의 줄만 묶습니다 (a visit key over several days "
        "groups the 입원 lines of one stay at one institution; this key is also on a line of "
        "another institution)",
    )
    _keyless_beside_keys(out, refs, ok, inpatient | pharmacy, inst_all, days, problems)


def _keyed(out: dict[str, Any], ok: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(per line: among ``ok``, has a 방문묶음 key; those lines' keys as objects)."""
    key = np.asarray(out["visit"], dtype=object)
    keyed = ok & (key != "")
    return keyed, key[keyed]


def _keyless_beside_keys(
    out: dict[str, Any],
    refs: Mapping[str, str],
    ok: np.ndarray,
    not_outpatient: np.ndarray,
    inst: np.ndarray,
    days: np.ndarray,
    problems: Problems,
) -> None:
    """A 외래 line without a key at a person–institution–day where 외래 lines carry two or
    more keys (two treatment purposes, two 통원): refused at its 방문묶음 cell."""
    o = np.flatnonzero(ok & ~not_outpatient)
    if not len(o):
        return
    key = np.asarray(out["visit"], dtype=object)[o]
    place = Groups(np.asarray(out["person"], dtype=object)[o], days[o], inst[o])
    several = place.distinct(key, key != "")
    problems.at(
        o[(several > 1) & (key == "")],
        refs["visit"],
        out["visit"],
        "이 줄의 방문묶음: 같은 사람·같은 날·같은 병원의 외래 줄에 방문묶음이 둘 이상 (치료 목적이 "
        "다른 두 통원) 이므로, 이 줄이 어느 통원인지 그 방문묶음을 적으세요 (this 외래 line has no "
        "visit key while this person's 외래 lines at this institution on this day carry two or "
        "more keys, two visits for two treatment purposes: write the key of the visit it was)",
    )


def _blank_department(
    out: dict[str, Any],
    inst: np.ndarray,
    refs: Mapping[str, str],
    ok: np.ndarray,
    not_outpatient: np.ndarray,
    problems: Problems,
    coded: tuple[np.ndarray, tuple[str, ...]] | None = None,
) -> None:
    """A 외래 line with a blank 진료과 and no 방문묶음 beside a 외래 line of that person,
    institution and day that names one: two 진료과 are two treatment purposes (two 통원), so
    whether the blank line was one of them is the person's to say (refused at its 진료과).
    ``coded``: the column as validation coded it (code per line, names), read per name."""
    o = np.flatnonzero(ok & ~not_outpatient)
    if coded is not None:
        code, names = coded
        named = np.array([str(n).strip() != "" for n in names] + [False], dtype=bool)[code[o]]
    else:
        dept = np.asarray(out["department"], dtype=object)[o]
        named = pd.Series(dept, dtype=object).fillna("").astype(str).str.strip().to_numpy() != ""
    if not named.any() or named.all():
        return
    place = Groups(
        np.asarray(out["person"], dtype=object)[o],
        np.asarray(out["date"]).astype("datetime64[D]")[o],
        inst[o],
    )
    beside = place.any(named)
    key = np.asarray(out["visit"], dtype=object)[o] if "visit" in out else np.full(len(o), "")
    problems.at(
        o[beside & ~named & (key == "")],
        refs["department"],
        out["department"],
        "진료과 (또는 방문묶음): 같은 사람·같은 날·같은 병원의 다른 외래 줄에 진료과가 있으므로, "
        "이 줄의 진료과를 적거나 같은 통원이었던 줄과 같은 방문묶음을 적으세요 (two 진료과 are two "
        "treatment purposes, two visits: write this line's 진료과, or give it the visit key of the "
        "line it was one visit with)",
    )


def _near_departments(
    out: dict[str, Any],
    inst: np.ndarray,
    refs: Mapping[str, str],
    ok: np.ndarray,
    not_outpatient: np.ndarray,
    problems: Problems,
    coded: tuple[np.ndarray, tuple[str, ...]] | None = None,
) -> None:
    """외래 lines of one person–institution–day whose 진료과 differ only in a bracket note or
    letter case (``정형외과`` / ``정형외과(OS)``), with no 방문묶음 saying which visit: one
    department written two ways is one 통원, two are two, and that is the person's to say
    (refused at the 진료과 cells; :func:`.departments.near_spellings`)."""
    o = np.flatnonzero(ok & ~not_outpatient)
    if not len(o) or (coded is not None and not has_near_names(coded[1])):
        return
    key = np.asarray(out["visit"], dtype=object)[o]
    days = np.asarray(out["date"]).astype("datetime64[D]")[o]
    person = np.asarray(out["person"], dtype=object)[o]
    dept = np.asarray(out["department"], dtype=object)[o]
    for at, spellings in near_spellings(person, days, inst[o], key, dept):
        said = " / ".join(repr(s) for s in spellings)
        problems.at(
            o[at],
            refs["department"],
            out["department"],
            f"한 가지로 쓴 진료과 (one spelling: this person's 외래 lines at this institution on "
            f"this day write the 진료과 as {said}, which differ only in a bracket note or "
            "letter case — if it was one department, write it the same on each line (one "
            "통원); if two, write their names apart or give each visit its own 방문묶음 "
            "(two 진료과 are two 통원))",
        )


def pharmacy_between_visits(
    out: dict[str, Any],
    inst: np.ndarray,
    refs: Mapping[str, str],
    ok: np.ndarray,
    not_outpatient: np.ndarray,
    pharmacy: np.ndarray,
    problems: Problems,
) -> None:
    """A 약국 line naming (병원명) an institution where this person's 외래 lines of that day
    are two or more 통원 (two 방문묶음 or two 진료과: :func:`.departments.purposes`), without
    a 방문묶음 of one of those 외래 lines: which visit's prescription it filled changes the
    deductible, and the engine would join the first listed. Refused at its 방문묶음 cell."""
    o = np.flatnonzero(ok & ~not_outpatient)
    named_ph = ok & pharmacy & (inst != "")
    if not len(o) or not named_ph.any():
        return
    key = np.asarray(out["visit"], dtype=object)
    dept = np.asarray(out["department"], dtype=object)
    days = np.asarray(out["date"]).astype("datetime64[D]")
    person = np.asarray(out["person"], dtype=object)
    purpose = np.zeros(len(key), dtype=np.int64)
    purpose[o] = purposes(person[o], days[o], inst[o], key[o], dept[o])
    at = np.flatnonzero(named_ph | (ok & ~not_outpatient))
    outpatient = ~not_outpatient[at]
    place = Groups(person[at], days[at], inst[at])
    several = place.distinct(purpose[at], outpatient) > 1
    keyed = Groups(person[at], days[at], inst[at], key[at])
    tied = keyed.any(outpatient & (key[at] != "")) & (key[at] != "")
    asked = at[~outpatient & several & ~tied]
    if len(asked):
        visit = Groups(person[o], days[o], inst[o], purpose[o])
        ask_visits_of(out, problems, refs, asked, o[visit.first], BETWEEN_VISITS_EXPECTED, inst)


BETWEEN_VISITS_EXPECTED = (
    "이 약국 줄의 방문묶음: 병원명의 병원에서 이날 이 사람의 외래가 두 통원 (방문묶음 "
    "또는 진료과가 둘) 이므로, 어느 통원의 처방전을 조제했는지 그 통원의 외래 줄과 이 줄에 "
    "같은 방문묶음을 적으세요 (방문묶음 열이 없으면 더하세요) (this 약국 line names an "
    "institution where this person's 외래 lines of this day are two visits — two visit "
    "keys or two 진료과 — so which visit's prescription it filled is the person's to "
    "say: write one visit key on this line and on that visit's 외래 lines, adding a "
    "방문묶음 column if there is none)"
)
"""What :func:`pharmacy_between_visits` asks (then the day's candidate 통원)."""


_KIND_IN_NAME = re.compile(r"치과|한의원|한방")
"""A 병원명 that says a 치과 or 한방 institution (미소치과, 경희한의원, 자생한방병원)."""


def _kind_in_name(
    out: dict[str, Any],
    codes: Mapping[str, tuple[np.ndarray, tuple[str, ...]]],
    refs: Mapping[str, str],
    ok: np.ndarray,
    problems: Problems,
) -> None:
    """A line with 비급여 whose 병원명 says 치과/한방 and whose 항목 was blank (``ok``: only
    such lines) is refused: its
    비급여 is excluded as 치과·한방 care in every generation but paid as 일반 care, and the
    name alone does not say which (a 의사 department of a 한방병원, a 치과 of a general
    hospital): the person writes 치과, 한방 or 일반 in 항목. Each distinct name looked at once."""
    if "institution" in codes:
        code, uniques = codes["institution"]
    else:
        code, uniques = pd.factorize(np.asarray(out["institution"], dtype=object))
    named = [isinstance(u, str) and _KIND_IN_NAME.search(normalize(u)) is not None for u in uniques]
    if not any(named):
        return
    hit = np.append(np.array(named, dtype=bool), False)[code] & ok
    hit &= np.asarray(out["noncovered"]) > 0
    problems.at(
        np.flatnonzero(hit),
        refs.get("category", refs["institution"]),
        out["category"] if "category" in refs else out["institution"],
        "항목 값: 치과, 한방 또는 일반 (a 항목 on this line: its 병원명 says a 치과/한방 "
        "institution, whose 비급여 is not covered as 치과·한방 care, while other care there is "
        "— write 치과 or 한방 in 항목, or 일반 if it was a 의사's care)",
    )


def _or_true(mask: np.ndarray | None, n: int) -> np.ndarray:
    """``mask``, or all True when there is none."""
    return np.ones(n, dtype=bool) if mask is None else mask
