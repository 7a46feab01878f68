"""Which 통원 a 약국 line belongs to, where the file does not say and the choice is a tie.

Under 4·5세대 a day's 외래 and its 처방조제 are one 통원 (one deductible). The engine joins a
약국 line to the 외래 통원 its 병원명 names; a line that names no 외래 institution of that day
(blank, or the pharmacy's own name) joins the day's 외래 통원 of the highest tier
(상급종합 > 종합 > 병원 > 의원). Where two or more 통원 share that highest tier — two 의원, or
one hospital's two 진료과 or two 방문묶음 — nothing in the file says whose prescription was
filled, and the engine would take the one listed first: the payout would follow the row
order. Such a 약국 line is refused at its 방문묶음 cell (the person writes the key of the 외래
통원 it belongs to); one whose 방문묶음 is on 외래 lines is joined by that key and not asked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..schema import COLUMN_LABELS, TIERS
from .departments import purposes
from .groups import Groups

__all__ = ["PHARMACY_TIE_EXPECTED", "ask_visits_of", "pharmacy_ties"]

PHARMACY_TIE_EXPECTED = (
    "이 약국 줄의 방문묶음: 이날 이 사람의 외래가 같은 등급의 두 통원 이상 (두 의원, 또는 "
    "한 병원의 두 진료과·방문묶음) 이고 병원명으로 처방한 곳을 알 수 없으므로, 처방전을 낸 통원의 "
    "외래 줄과 이 줄에 같은 방문묶음을 적으세요 (방문묶음 열이 없으면 더하세요) (this 약국 line's "
    "prescriber is not named, and this person's 외래 lines of this day are two or more visits "
    "of the same highest tier: which visit's prescription it filled changes the deductible — "
    "write one visit key on this line and on that visit's 외래 lines, adding a 방문묶음 column "
    "if there is none)"
)


def pharmacy_ties(
    out: dict[str, Any],
    inst: np.ndarray,
    tier_codes: tuple[np.ndarray, tuple[str, ...]],
    refs: Mapping[str, str],
    ok: np.ndarray,
    not_outpatient: np.ndarray,
    pharmacy: np.ndarray,
    problems: Any,
) -> None:
    """Refuse each 약국 line (``pharmacy``) that the engine would join to its day's best 외래
    통원 by row order: no 방문묶음 found on 외래 lines, its 병원명 (``inst``, as grouped)
    neither a 외래 institution of its person–day nor one seen on any 외래 line (a prescriber
    of another day: a 통원 of its own), and two or more of the day's 외래 통원 (person, day,
    병원명, treatment purpose) share the day's highest tier."""
    outpatient = ok & ~not_outpatient
    ph = ok & pharmacy
    if not ph.any() or not outpatient.any():
        return
    key = np.asarray(out["visit"], dtype=object)
    person = np.asarray(out["person"], dtype=object)
    o = np.flatnonzero(outpatient)
    p = np.flatnonzero(ph)
    seen = set(inst[o].tolist())  # a named prescriber (this day or another): not a tie
    p = p[[not (name and name in seen) for name in inst[p].tolist()]]
    if not len(p):
        return
    keyed = o[key[o] != ""]  # only keyed 외래 lines, not every line, in Python
    out_keys = set(zip(person[keyed].tolist(), key[keyed].tolist(), strict=True))
    p = p[[not (k and (who, k) in out_keys) for who, k in zip(person[p], key[p], strict=True)]]
    if not len(p):
        return
    days = np.asarray(out["date"]).astype("datetime64[D]")
    dept = np.asarray(out["department"], dtype=object)
    code, names = tier_codes
    rank = np.array([list(TIERS).index(n) for n in names] + [-1], dtype=np.int64)[code]
    purpose = purposes(person[o], days[o], inst[o], key[o], dept[o])
    visit = Groups(person[o], days[o], inst[o], purpose)
    top = np.full(visit.size, -1, dtype=np.int64)
    np.maximum.at(top, visit.codes, rank[o])  # each 외래 통원's tier
    day = Groups(person[o], days[o])
    best = np.full(day.size, -1, dtype=np.int64)
    np.maximum.at(best, day.codes, top[visit.codes])
    at_best = top[visit.codes] == best[day.codes]
    count = np.zeros(day.size, dtype=np.int64)
    first_of_visit = np.zeros(len(o), dtype=bool)
    first_of_visit[visit.first] = True
    np.add.at(count, day.codes, first_of_visit & at_best)  # best-tier 통원 per person–day
    tied_days = {
        (a, b) for a, b, c in zip(person[o], days[o].tolist(), count[day.codes] > 1, strict=True)
        if c
    }  # fmt: skip
    if not tied_days:
        return
    asked = {i for i in p.tolist() if (person[i], days[i].item()) in tied_days}
    if not asked:
        return
    f = visit.first  # each best-tier 통원's first 외래 line, on a day of a tie
    firsts = o[f[at_best[f] & (count[day.codes[f]] > 1)]]
    ask_visits_of(out, problems, refs, np.asarray(sorted(asked), dtype=np.int64), firsts,
                  PHARMACY_TIE_EXPECTED)  # fmt: skip


def ask_visits_of(
    out: dict[str, Any], problems: Any, refs: Mapping[str, str], asked: np.ndarray,
    firsts: np.ndarray, expected: str, names: np.ndarray | None = None,
) -> None:  # fmt: skip
    """Refuse each 약국 line ``asked`` at its 방문묶음 cell with ``expected`` and the 통원 it
    could belong to: those whose first 외래 line (``firsts``) has its person and day (and
    병원명 as grouped, ``names``, when given), named by spreadsheet row and what tells them
    apart."""
    person = np.asarray(out["person"], dtype=object)
    days = np.asarray(out["date"]).astype("datetime64[D]")

    def place(i: int) -> tuple[Any, ...]:
        return (person[i], days[i].item(), *(() if names is None else (names[i],)))

    lines: dict[tuple[Any, ...], list[int]] = {}
    for i in asked.tolist():
        lines.setdefault(place(i), []).append(i)
    visits: dict[tuple[Any, ...], list[int]] = {}
    for i in firsts.tolist():
        if (where := place(i)) in lines:
            visits.setdefault(where, []).append(i)
    column = refs.get("visit", COLUMN_LABELS["visit"])
    key = np.asarray(out["visit"], dtype=object)
    for where, at in lines.items():
        said = expected + _candidates(out, problems.rows, visits.get(where, []))
        problems.at(np.asarray(at, dtype=np.int64), column, key, said)


SHOWN_VISITS = 5
"""A 약국 refusal names at most this many of the day's candidate 통원."""


def _candidates(out: dict[str, Any], rows: np.ndarray, first: list[int]) -> str:
    """The day's candidate 통원 (``… 이날의 통원 …: 2행 가나의원 정형외과, 3행 가나의원 안과``):
    each by the spreadsheet row of its first 외래 line and what tells it apart (병원명, 진료과,
    방문묶음), so the person can answer without searching the file."""
    shown = []
    for i in sorted(first, key=lambda j: int(rows[j]))[:SHOWN_VISITS]:
        said = [str(out[c][i]) for c in ("institution", "department", "visit")
                if c in out and str(out[c][i]).strip()]  # fmt: skip
        shown.append(" ".join([f"{int(rows[i])}행", *said]))
    if not shown:
        return ""
    more = " …" if len(first) > SHOWN_VISITS else ""
    return f" — 이날의 통원 (this day's visits, by first row): {', '.join(shown)}{more}"
