"""Dates in one place: reading a date argument, and policy years (보험연도).

A policy year runs from the contract date (계약일) to the day before its anniversary
(계약해당일); limits and counts restart on each anniversary. A 29 February contract has its
anniversary on 28 February (2월 말일) in other years: the terms define the 계약해당일 of a year
without the contract's day as that month's last day (source ``terms-anniversary`` in
``data/sources.toml``; confidence B: read in insurers' terms, not in the 표준약관). Days are numpy
``datetime64[D]``.

:func:`as_day` is the one strict reading of a date given as an argument: ISO text
``YYYY-MM-DD``, ``datetime.date``/``datetime.datetime``, numpy ``datetime64`` or a pandas
``Timestamp``. Anything else is an :class:`~silson_tools.errors.InputError` naming the
argument and the value; ambiguous text such as ``'24.03.05'`` is never guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Final, TypeAlias

import numpy as np
import pandas as pd

from .errors import InputError

__all__ = [
    "DateLike",
    "add_years",
    "as_day",
    "as_days",
    "calendar_year_start",
    "covered_days",
    "per_day",
    "policy_year_index",
    "year_starts",
]

_I64 = np.int64
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")

DateLike: TypeAlias = str | dt.date | np.datetime64
"""A day as an argument: ISO text ``"2024-03-15"``, a ``datetime.date`` (``datetime.datetime``
and ``pandas.Timestamp`` are dates too) or a numpy ``datetime64``; read by :func:`as_day`."""


def as_day(value: object, name: str) -> np.datetime64:
    """``value`` as a ``datetime64[D]``; :class:`InputError` names ``name`` and the value.

    Accepted: text ``'YYYY-MM-DD'`` (surrounding spaces ignored), ``datetime.date``,
    ``datetime.datetime`` (its date), ``numpy.datetime64`` and ``pandas.Timestamp`` (not
    NaT). Nothing else is read: ``'24.03.05'``, ``'2024/3/5'``, numbers and ``None`` fail.
    """
    day: dt.date | None = None
    if isinstance(value, str):
        text = value.strip()
        if _ISO_DAY.fullmatch(text):
            try:
                day = dt.date.fromisoformat(text)
            except ValueError:  # e.g. 2024-02-30: the right form, but no such day
                raise InputError(
                    f"{name}: {value!r}: no such day in the calendar (YYYY-MM-DD)"
                ) from None
    elif value is pd.NaT:  # NaT passes for a datetime.datetime: test it first
        day = None
    elif isinstance(value, dt.datetime):  # pandas.Timestamp too
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, np.datetime64) and not np.isnat(value):
        return value.astype("datetime64[D]")
    if day is None:
        raise InputError(
            f"{name}: {value!r}: expected a date such as 2024-03-15 (YYYY-MM-DD text, "
            "datetime.date, numpy.datetime64 or pandas.Timestamp)"
        )
    return np.datetime64(day, "D")


def as_days(values: object, name: str) -> np.ndarray:
    """Many dates read as strictly as :func:`as_day` → ``datetime64[D]`` array.

    A datetime64 column is taken as it is (its dates; NaT refused); anything else is read
    value by value (each distinct value once). :class:`InputError` names ``name``, the row
    label (or position) and the value: ``'24.03.05'`` is never guessed.
    """
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        series = series.dt.tz_localize(None)
    if series.dtype.kind == "M":
        days = series.to_numpy().astype("datetime64[D]")
        missing = np.flatnonzero(np.isnat(days))
        if len(missing):
            raise InputError(f"{name}: row {series.index[missing[0]]!r}: a date is missing (NaT)")
        return days
    codes, uniques = pd.factorize(series.to_numpy(dtype=object), use_na_sentinel=True)
    if (codes < 0).any():
        row = series.index[np.flatnonzero(codes < 0)[0]]
        raise InputError(f"{name}: row {row!r}: a date is missing")
    table = np.empty(len(uniques), dtype="datetime64[D]")
    for k, value in enumerate(uniques):
        try:
            table[k] = as_day(value, name)
        except InputError as err:
            row = series.index[np.flatnonzero(codes == k)[0]]
            raise InputError(f"{name}: row {row!r}: {str(err).split(': ', 1)[1]}") from None
    return table[codes]


def _ymd(day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Calendar year and ``month × 100 + day of month`` of ``datetime64[D]`` values."""
    y = day.astype("datetime64[Y]").astype(_I64) + 1970
    m = day.astype("datetime64[M]")
    md = (m.astype(_I64) % 12 + 1) * 100 + (day - m.astype("datetime64[D]")).astype(_I64) + 1
    return y, md


_LEAP_DAY: Final = 229
"""29 February as ``month × 100 + day``."""


def _is_leap(year: np.ndarray) -> np.ndarray:
    """Whether each calendar year has a 29 February (Gregorian)."""
    return (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))


def add_years(start: np.datetime64, years: np.ndarray | int) -> np.ndarray:
    """The ``years``-th anniversary (계약해당일) of ``start``; 29 Feb → 28 Feb (2월 말일) in
    years that have no 29 February."""
    years = np.asarray(years, dtype=_I64)
    sy, smd = _ymd(np.asarray([start]))
    target_year = sy[0] + years
    month, dom = int(smd[0] // 100), int(smd[0] % 100)
    # explicit units: numpy 2.5 deprecates adding a bare int to a datetime64
    first = (target_year - 1970).astype("datetime64[Y]").astype("datetime64[M]")
    first = first + np.timedelta64(month - 1, "M")
    day = first.astype("datetime64[D]") + np.timedelta64(dom - 1, "D")
    if smd[0] == _LEAP_DAY:  # no 29 February that year: the month's last day
        day = day - (~_is_leap(target_year)).astype(_I64).astype("timedelta64[D]")
    return day


def policy_year_index(day: np.ndarray, start: np.datetime64) -> np.ndarray:
    """Policy year (보험연도) of each day: 0 from ``start`` to the day before its first
    anniversary, 1 for the next year, …; −1 before ``start``."""
    y, md = _ymd(day)
    sy, smd = _ymd(np.asarray([start]))
    turn = smd[0]  # the anniversary's month × 100 + day in each year (28 Feb for 29 Feb)
    if turn == _LEAP_DAY:
        turn = np.where(_is_leap(y), _LEAP_DAY, _LEAP_DAY - 1)
    year = y - sy[0] - (md < turn).astype(_I64)
    return np.where(day < start, -1, year)


def year_starts(start: np.datetime64, year: np.ndarray) -> np.ndarray:
    """First day of each policy year index (NaT for −1), as ``datetime64[s]``."""
    if len(year) == 0:
        return np.zeros(0, dtype="datetime64[s]")
    lo, hi = int(year.min()), int(year.max())
    table = add_years(start, np.arange(lo, hi + 1)).astype("datetime64[s]")
    table = np.where(np.arange(lo, hi + 1) < 0, np.datetime64("NaT", "s"), table)
    return table[year - lo]


def calendar_year_start(day: np.ndarray) -> np.datetime64:
    """1 January of the earliest of ``day`` (2000-01-01 when there is none): the contract
    date taken when none is given, so policy years are calendar years."""
    if len(day) == 0:
        return np.datetime64("2000-01-01", "D")
    return day.min().astype("datetime64[Y]").astype("datetime64[D]")


def per_day(day: np.ndarray, fn: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """``fn(day)`` computed once per calendar day in the range of ``day`` and looked up (many
    lines share few days); ``fn(day)`` directly when the range is long and sparse."""
    if len(day) == 0:
        return fn(day)
    d = day.astype(_I64)
    lo = int(d.min())
    span = int(d.max()) - lo + 1
    if span > 4 * len(day):
        return fn(day)
    table = fn((np.arange(span, dtype=_I64) + lo).astype("datetime64[D]"))
    return table[d - lo]


def covered_days(
    group: np.ndarray, begin: np.ndarray, end: np.ndarray, groups: int | None = None
) -> np.ndarray:
    """Per group g = 0, 1, …: ``|∪ [begin, end)|`` of its intervals (whole days as integers),
    each day once however many intervals cover it. Sorted by group and begin, each interval
    adds ``max(0, end − max(begin, the running max end of the earlier ones in its group))``.
    ``groups``: how many groups (default: the largest code + 1)."""
    g = np.asarray(group, dtype=_I64)
    n = (int(g.max()) + 1 if len(g) else 0) if groups is None else groups
    if not len(g):
        return np.zeros(n, dtype=_I64)
    order = np.lexsort((begin, g))
    g = g[order]
    lo = int(np.minimum(begin, end).min())
    b = np.asarray(begin, dtype=_I64)[order] - lo
    e = np.asarray(end, dtype=_I64)[order] - lo
    span = int(max(b.max(), e.max())) + 1
    reach = np.maximum.accumulate(g * span + e) - g * span  # the running max within a group
    before = np.empty(len(g), dtype=_I64)
    before[0] = 0
    before[1:] = reach[:-1]
    before[np.flatnonzero(np.diff(g)) + 1] = 0  # a group's first interval: nothing covered yet
    covered = np.maximum(e - np.maximum(b, before), 0)
    return np.bincount(g, weights=covered, minlength=n).astype(_I64)
