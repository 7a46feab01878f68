"""Which date an 입원 line carries: the engine takes an 입원 line's 진료일 as the first day it
bills (입원일, or the start of a 중간 receipt's period) and joins stays by it, so a date column
headed as the receipt's or payment's date (영수일, 영수증일자, 수납일 …) cannot be read on
inpatient lines with 입원일수: a 퇴원 receipt carries the discharge date there, and two stays a
few days apart would be joined into one admission."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import numpy as np

from .header import normalize
from .validate import Problems, RawColumn

__all__ = ["RECEIPT_DATE_HEADERS", "receipt_date_stays"]

RECEIPT_DATE_HEADERS: Final = frozenset(
    normalize(h)
    for h in (
        "영수일",
        "영수일자",
        "영수증일자",
        "영수증일",
        "수납일",
        "수납일자",
        "발행일",
        "발급일",
    )
)
"""Date headers that name the day the receipt was issued or paid, not the day care began."""

STAY_START: Final = (
    "입원 줄의 날짜는 그 영수증이 청구하는 첫날 (an inpatient line's date is the first day it "
    "bills: 입원일, or the start of a 중간 receipt's 진료기간 — this column is headed as the "
    "receipt's or payment's date, which on a 퇴원 receipt is the discharge day, and stays "
    "are joined into one admission by their first days; write the 진료기간's first day and "
    "head the column 진료일자 or 진료개시일)"
)


def receipt_date_stays(
    raw: Mapping[str, RawColumn], columns: Mapping[str, Any], problems: Problems
) -> None:
    """Refuse the 입원 lines with 입원일수 ≥ 1 when the date column's header is a receipt or
    payment date (:data:`RECEIPT_DATE_HEADERS`); outpatient lines are one day, so their date
    is the day of care either way."""
    date = raw.get("date")
    if date is None or "'" not in date.ref:
        return
    header = normalize(date.ref.split("'")[1])
    if header not in RECEIPT_DATE_HEADERS:
        return
    inpatient = np.asarray(columns["setting"] == "inpatient", dtype=bool)
    days = np.asarray(columns["days"], dtype=np.int64)
    problems.at(np.flatnonzero(inpatient & (days > 0)), date.ref, date.values, STAY_START)
