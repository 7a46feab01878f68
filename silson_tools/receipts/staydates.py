"""Which dates an 입원 line carries: the engine takes an 입원 line's 진료일 as the first day it
bills (입원일, or the start of a 중간 receipt's period) and 입원일수 as the number of days it
bills, both days counted (7/1–7/14 → 14일), and joins stays by them.

- A date column headed as the receipt's or payment's date (영수일, 영수증일자, 수납일 …)
  cannot be read on inpatient lines with 입원일수: a 퇴원 receipt carries the discharge date
  there, and two stays a few days apart would be joined into one admission.
- A stay written as two dates (진료시작일 + 진료종료일, 입원일 + 퇴원일, 시작일 + 종료일:
  ``[side_columns] stay_end`` in header_aliases.toml) is not read as 입원일수 (the end date
  would be dropped, 입원일수 = 0, and the 중간 and 퇴원 receipts of one stay two admissions):
  without an 입원일수 column each 입원 line with an end date is refused, saying the 입원일수 to
  write; with one, the end date is a check (:func:`stay_end_problems`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

import numpy as np
import pandas as pd

from . import cells
from .header import Aliases, Header, normalize
from .validate import Problems, RawColumn, _factorize

__all__ = ["RECEIPT_DATE_HEADERS", "receipt_date_stays", "stay_end_column", "stay_end_problems"]

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
    if date is None:
        return
    if "stay_end" in raw:
        stay_end_problems(raw, columns, problems)
    if "'" not in date.ref:
        return
    header = normalize(date.ref.split("'")[1])
    if header not in RECEIPT_DATE_HEADERS:
        return
    inpatient = np.asarray(columns["setting"] == "inpatient", dtype=bool)
    days = np.asarray(columns["days"], dtype=np.int64)
    problems.at(np.flatnonzero(inpatient & (days > 0)), date.ref, date.values, STAY_START)


STAY_END: Final = "stay_end"
"""The key under which :func:`stay_end_column` adds a stay's end-date column to the raw columns."""


def stay_end_column(headers: list[Header], cells_of: Callable[[Header], Any],
                    ref_of: Callable[[Header], str], raw: dict[str, RawColumn],
                    aliases: Aliases) -> str | None:  # fmt: skip
    """An unread column whose header names the last day of a stay (진료종료일, 퇴원일, 종료일:
    ``[side_columns] stay_end``): added to ``raw`` as ``raw["stay_end"]`` for
    :func:`stay_end_problems`. Returns its header (checked, not "ignored"), or None."""
    names = aliases.side.get(STAY_END, frozenset())
    found = [h for h in headers if h.canonical is None and not cells.is_blank(h.text)
             and normalize(str(h.text)) in names]  # fmt: skip
    if not found or "date" not in raw:
        return None
    h = found[0]
    raw[STAY_END] = RawColumn(STAY_END, cells_of(h), ref_of(h))
    return str(h.text)


def _end_dates(col: RawColumn, problems: Problems) -> tuple[np.ndarray, np.ndarray]:
    """The end-date cells → (day numbers, filled and read); a cell that is not a date refused."""
    codes, uniques = _factorize(col.values)
    read = [(None, None) if cells.is_blank(u) else cells.parse_date(u) for u in uniques]
    bad = np.array([err is not None for _, err in read] + [False], dtype=bool)[codes]
    problems.at(np.flatnonzero(bad), col.ref, col.values,
                f"{cells.DATE_EXPECTED} 또는 빈칸 (or blank)")  # fmt: skip
    day = np.array([np.datetime64(d, "D").astype(np.int64) if d is not None else 0
                    for d, _ in read] + [0], dtype=np.int64)  # fmt: skip
    filled = np.array([d is not None for d, _ in read] + [False], dtype=bool)
    return day[codes], filled[codes]


def _day(number: int) -> str:
    return str(np.datetime64(int(number), "D"))


def stay_end_problems(raw: Mapping[str, RawColumn], columns: Mapping[str, Any],
                      problems: Problems) -> None:  # fmt: skip
    """A stay's end date beside the line's date (the first day billed), per line whose end
    cell is filled; 입원일수 = end − date + 1 (both days counted: 7/1–7/14 → 14일):

    - an end before the date: refused;
    - 외래·약국 lines are one day: an end other than the date is refused;
    - without an 입원일수 column: each 입원 line is refused, naming the 입원일수 to write;
    - with one: an 일반 (blank 항목) 입원 line must say end − date + 1 or end − date (a
      receipt that leaves out the discharge day); a line of another 항목 (상급병실 for part
      of the stay, a treatment) 1 … end − date + 1; otherwise refused, naming both."""
    col = raw[STAY_END]
    end, filled = _end_dates(col, problems)
    start = np.asarray(columns["date"]).astype("datetime64[D]").astype(np.int64)
    setting = np.asarray(columns["setting"], dtype=object)
    inpatient = setting == "inpatient"
    span = end - start + 1
    ref = col.ref
    date_ref = raw["date"].ref
    problems.at(
        np.flatnonzero(filled & (span < 1)), ref, col.values,
        f"{date_ref} 이후의 날짜 (a day on or after the line's date in {date_ref}: a stay ends "
        "after it begins — the date column holds the first day billed)",
    )  # fmt: skip
    problems.at(
        np.flatnonzero(filled & ~inpatient & (span > 1)), ref, col.values,
        f"빈칸 또는 {date_ref}와 같은 날 (blank or the line's own date: an 외래·약국 line is "
        "one day's care — write each day on its own line)",
    )  # fmt: skip
    stay = np.flatnonzero(filled & inpatient & (span >= 1))
    if not len(stay):
        return
    days = raw.get("days")
    if days is None:
        for pos in stay.tolist():
            problems.at([pos], ref, col.values, _write_days(start[pos], end[pos]))
        return
    n_days = np.asarray(columns["days"], dtype=np.int64)
    category = np.asarray(columns["category"], dtype=object)
    general = pd.isna(category) | (category == "")
    fits = np.where(general, (n_days == span) | (n_days == span - 1),
                    (n_days >= 1) & (n_days <= span))  # fmt: skip
    for pos in stay[~fits[stay]].tolist():
        problems.at([pos], ref, col.values,
                    _days_disagree(days.ref, start[pos], end[pos], int(n_days[pos])))  # fmt: skip


COUNTED: Final = "입원일수 = 종료일 − 시작일 + 1 (두 날 모두 셈; 7/1–7/14 → 14일)"
"""How the tool counts a stay's days (the engine bills ``[date, date + 입원일수)``)."""


def _write_days(start: int, end: int) -> str:
    """A stay's end date without an 입원일수 column: the 입원일수 to write."""
    n = int(end - start + 1)
    period = f"{_day(start)}–{_day(end)}"
    return (
        "입원일수 열 (an 입원일수 column): 이 도구는 입원을 첫날(진료일)과 입원일수로 읽습니다 — "
        "종료일은 읽지 않아 입원일수가 0이 되고 한 입원의 중간·퇴원 영수증이 두 입원으로 "
        f"계산됩니다. 입원일수 열을 만들어 이 줄에 {n}일이라고 적으세요 ({period}: {COUNTED}); "
        "이 열은 두면 입원일수를 확인하는 데 씁니다 (this tool reads a stay as its first day and "
        "입원일수; the end date is not read, so the stay would have 0 days and the 중간 and 퇴원 "
        f"receipts of one stay would be two admissions — add an 입원일수 column with {n} on "
        "this line, end − start + 1; kept, this column then checks it)"
    )


def _days_disagree(days_ref: str, start: int, end: int, n_days: int) -> str:
    """A stay's end date that does not agree with the line's 입원일수."""
    n = int(end - start + 1)
    return (
        f"{days_ref}와 맞는 종료일 (an end date that agrees with {days_ref}): 이 줄의 기간 "
        f"{_day(start)}–{_day(end)}은 {n}일인데 입원일수는 {n_days}일입니다 — {COUNTED}; "
        f"입원일수나 종료일을 고치세요 (this line's period is {n} days, both ends counted, but "
        f"its 입원일수 says {n_days}: fix the 입원일수 or the end date)"
    )
