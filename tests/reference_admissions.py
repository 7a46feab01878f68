"""The plain oracle's admissions (입원 1건): which 입원 rows are one stay, and its 총 입원일수.

Row by row, Python ints and dates, no numpy; see silson_tools.engine.admissions.
"""

from __future__ import annotations

import datetime as dt


def admission_ids(rows: list[dict]) -> None:
    """``adm`` on each inpatient row (sorted by person, date, file order): rows sharing a
    visit key are one admission; else a named row joins the admission of the previous row of
    its person and institution when its date ≤ the latest reach of those earlier rows
    (date + days + 1; date where days = 0), whatever its own days; a row without an
    institution is one of its own."""
    state: dict[tuple, tuple[int, dt.date]] = {}  # → (adm, latest reach)
    parent: dict[int, int] = {}

    def root(a: int) -> int:
        while parent.get(a, a) != a:
            a = parent[a]
        return a

    keyed: dict[str, int] = {}
    for n, r in enumerate(x for x in rows if x["setting"] == "inpatient"):
        r["adm"] = n
        reach = r["day"] + dt.timedelta(days=r["days"] + 1 if r["days"] > 0 else 0)
        if r["institution"]:
            key = (r["person"], r["institution"])
            if key in state:
                adm, latest = state[key]
                if r["day"] <= latest:
                    r["adm"] = adm
                reach = max(reach, latest)
            state[key] = (r["adm"], reach)
        if r["visit"]:
            a, b = root(r["adm"]), root(keyed.setdefault(r["visit"], r["adm"]))
            if a != b:
                parent[max(a, b)] = min(a, b)
    for r in rows:
        if r["setting"] == "inpatient":
            r["adm"] = root(r["adm"])


def by_admission(rows: list[dict]) -> list[list[dict]]:
    """Inpatient ``rows`` (in row order) grouped by admission, each in row order."""
    stays: dict[int, list[dict]] = {}
    for r in rows:
        stays.setdefault(r["adm"], []).append(r)
    return list(stays.values())


def stay_days(rows: list[dict]) -> dict[int, int]:
    """총 입원일수 per ``adm``: the days covered by the admission's 입원 rows, the size of the
    union of [date, date + days) (a row without days covers none), counted day by day."""
    covered: dict[int, set[dt.date]] = {}
    for r in rows:
        if r["setting"] == "inpatient":
            days = covered.setdefault(r["adm"], set())
            days.update(r["day"] + dt.timedelta(days=k) for k in range(max(r["days"], 0)))
    return {adm: len(days) for adm, days in covered.items()}
