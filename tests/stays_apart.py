"""Receipt rows for property tests, without 입원 lines that bill the same days twice.

The reader refuses two 입원 lines of one person, one 병원명 (spaces and character width
ignored; an unnamed line by its 방문묶음 key, or alone) and one 항목 whose periods
``[date, date + days)`` share two days or more, unless both have the same date and days (one
receipt split into lines): see silson_tools/receipts/overlap.py. Strategies that draw random
stays drop the later line of such a pair with :func:`no_days_billed_twice`.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

import pandas as pd


def _place(row: dict[str, Any]) -> tuple[str, str] | None:
    """The institution group the reader compares a line in, or None (a line alone)."""
    name = row.get("institution") or ""
    key = "".join(unicodedata.normalize("NFKC", name).split()) if isinstance(name, str) else ""
    if key:
        return ("name", key)
    visit = row.get("visit") or ""
    return ("visit", visit) if isinstance(visit, str) and visit.strip() else None


def billed_twice(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Do 입원 rows ``a`` and ``b`` bill two or more of the same days (the reader's rule)?"""
    for r in (a, b):
        if r.get("setting") != "inpatient" or not r.get("days") or _place(r) is None:
            return False
    if (a.get("person", ""), _place(a), a.get("category", "")) != (
        b.get("person", ""), _place(b), b.get("category", "")
    ):
        return False
    da, db = pd.Timestamp(a["date"]).date(), pd.Timestamp(b["date"]).date()
    ea, eb = da + dt.timedelta(days=int(a["days"])), db + dt.timedelta(days=int(b["days"]))
    if (da, ea) == (db, eb):
        return False
    return (min(ea, eb) - max(da, db)).days >= 2


def kept_positions(rows: list[dict[str, Any]]) -> list[int]:
    """Positions of ``rows`` kept when each row that bills two or more days a row kept
    before it bills is left out (compared within one person, place and 항목 only)."""
    kept: list[int] = []
    by_stay: dict[Any, list[dict[str, Any]]] = {}
    for i, r in enumerate(rows):
        place = _place(r)
        if r.get("setting") != "inpatient" or not r.get("days") or place is None:
            kept.append(i)
            continue
        same = by_stay.setdefault((r.get("person", ""), place, r.get("category", "")), [])
        if not any(billed_twice(k, r) for k in same):
            same.append(r)
            kept.append(i)
    return kept


def no_days_billed_twice(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``rows`` without each row that bills two or more days a row kept before it bills."""
    return [rows[i] for i in kept_positions(rows)]
