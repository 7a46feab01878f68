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

__all__ = ["PHARMACY_TIE_EXPECTED", "pharmacy_ties"]

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
    asked = [i for i in p.tolist() if (person[i], days[i].item()) in tied_days]
    problems.at(
        np.asarray(asked, dtype=np.int64),
        refs.get("visit", COLUMN_LABELS["visit"]),
        key,
        PHARMACY_TIE_EXPECTED,
    )
