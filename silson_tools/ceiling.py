"""본인부담상한제 (the National Health Insurance yearly out-of-pocket ceiling).

The rule (A; 국민건강보험공단, 본인부담상한제 안내 페이지,
https://www.nhis.or.kr/nhis/minwon/wbhapa01000m01.do?mode=view&articleNo=10946900): over a
calendar year (1.1–12.31) a person's total of 급여 일부본인부담 본인부담금 (receipt column ①,
canonical ``covered_copay``) above the 상한액 ``L(year, decile group, long stay)`` is paid by
NHIS::

    counted   = Σ covered_copay                        (per person, per calendar year)
    refund    = max(0, counted − L)                    (사후환급, paid around next August)
    burden    = min(counted, L) + excluded              (what the patient finally bears)
    prepaid   = Σ_institution max(0, at_institution − L_max)   (사전급여, not for long stays)
    post      = refund − prepaid                        (paid after the year)

``L_max`` is the year's highest 상한액 (10분위, normal). **What counts**: ``covered_copay``
less the ① of 항목 the NHIS list excludes (:func:`counted_copay`: 2·3인실 상급병실 입원료,
추나요법, 노인 임플란트; rule data in ``[rules.uncounted_categories]`` and
``[rules.partly_uncounted_categories]``; 상급종합 경증 외래 재진 cannot be told). 비급여,
전액본인부담 and 선별급여 are not in ① (A: the note of 국민건강보험 요양급여의 기준에 관한
규칙 [별지 제6호서식] 진료비 계산서·영수증, https://www.law.go.kr/법령/국민건강보험요양급여의기준에관한규칙).

**The data** (``silson_tools/data/ceiling.toml``) is read and checked by
:mod:`silson_tools.ceiling_table` (:func:`load_table`, :class:`Cell`, :class:`CeilingTable`,
re-exported here); its docstring says why the 상한액 stay a grid.

**Unknown cells** raise ``InputError``; nothing is guessed. **Merged cells**: no separate
요양병원 value existed before 2018 (all groups) nor for 6~10분위 before 2023: the long-stay
cell is "merged" with the normal one; ``limit(..., long_stay=True)`` then returns the normal
value and :func:`cell` reports ``merged=True``.

**Periods.** From 2008 the 상한액 caps a calendar year. Before, it did not: from 2004-07-01 to
2007-06-30 a flat 300만원 capped each half-year (1.1–6.30, 7.1–12.31 counted apart), and from
2007-07-01 a flat 400만원 a year (for 2007 counted here over 7.1–12.31). A row says which part
of its year it covers (``period``: ``year``, ``half_year``, ``first_half``, ``second_half``,
data, with Korean labels in the file); each :class:`Cell` carries its window (``start``,
``end``). :func:`limit`, :func:`cell`, :func:`refund`, :func:`burden`, :func:`prepaid`,
:func:`refund_month` and :func:`year_totals` work per calendar year and answer for 2008–2026
(:func:`years`); for 2004–2007 they raise an ``InputError`` saying the year's ceiling is per
period, and :func:`periods` (the windows of a year) and :func:`period_limit` (the amount
capping the window of a date of care) answer instead. A calendar-year amount for those years
would be wrong for anyone whose co-pays are uneven across the halves, so none is given.
:meth:`CeilingSpec.line_offsets` (the claim engine's hook) counts per window: per calendar
year from 2008, per half-year before (a line dated before 2004-07-01 raises).

**Silson offset** (zone ``ceiling_offset``): the standard terms exclude what NHIS refunds or
can refund, before or after the event (금융감독원, 실손의료보험 표준약관, 2021.7.1 시행, 제4조③1
and 제5조③, https://fss.or.kr/fss/bbs/B0000115/view.do?menuNo=200504&nttId=21943).
:class:`CeilingSpec` gives the claim engine, per receipt line, the part of that line's covered
co-pay above the person's own 상한액, taken chronologically within each person's calendar year.
An 입원 line whose stay crosses 31 December counts in both years: :mod:`.ceiling_years`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from .ceiling_table import (
    DATA_FILE,
    GROUPS,
    KINDS,
    PERIODS,
    CeilingTable,
    Cell,
    load_table,
)
from .ceiling_years import (
    TOTAL_COLUMNS,
    LineColumns,
    certain_amounts,
    code_is,
    copay_parts,
    counted_copay,
    crossing_rows,
    frame_pieces,
    group_firsts,
    group_sums,
    line_sums,
    long_stay_years,
    person_values,
    person_years,
    piece_refunds,
    pieces,
    refunds_above,
    split_by_days,
    stay_years,
    uncounted_copay,
    year_deciles,
    year_rows,
)
from .errors import InputError
from .formulas import scalar_or_array
from .money import as_won
from .receipts.crosscheck import institution_key
from .receipts.lines import ReceiptLines, as_receipt_lines
from .schema import DEFAULT_PERSON

NO_CEILING = 2**53
"""The 상한액 of a line dated before the 상한제 began: never reached (no refund)."""

__all__ = [
    "DATA_FILE",
    "DEFAULT_PERSON",
    "GROUPS",
    "KINDS",
    "NO_CEILING",
    "PERIODS",
    "TOTAL_COLUMNS",
    "CeilingSpec",
    "CeilingTable",
    "Cell",
    "CertainRefund",
    "burden",
    "cell",
    "counted_copay",
    "decile_group",
    "highest_limit",
    "limit",
    "load_table",
    "long_stay_years",
    "period_cell",
    "period_limit",
    "periods",
    "prepaid",
    "refund",
    "refund_month",
    "uncounted_copay",
    "year_totals",
    "years",
]


@cache
def _default_table() -> CeilingTable:
    return load_table()


def _table(table: CeilingTable | None) -> CeilingTable:
    return _default_table() if table is None else table


def years(table: CeilingTable | None = None) -> tuple[int, ...]:
    """Years whose 상한액 caps the calendar year: the years :func:`limit` answers (2008–2026).

    The years before (2004-07-01 to 2007-12-31) have half-year windows: :func:`periods`.
    """
    return _table(table).years


# --- lookups -------------------------------------------------------------------------------


def _known(table: CeilingTable) -> str:
    text = f"known years: {_span(table.years)}"
    if table.period_years:
        first = min(c.start for c in table.windows.values() if c.year in table.period_years)
        last = max(c.end for c in table.windows.values() if c.year in table.period_years)
        text += (
            f" (calendar years); {first}–{last} per half-year or part of a year: "
            "see ceiling.periods(year, decile) and ceiling.period_limit(date, decile)"
        )
    return text


def _check_year(year: Any, table: CeilingTable) -> int:
    if isinstance(year, bool) or not isinstance(year, int | np.integer):
        raise InputError(f"year must be an integer, got {year!r}; {_known(table)}")
    if int(year) in table.period_years:
        shown = ", ".join(
            f"{c.start}–{c.end} ({c.key})"
            for c in table.windows.values()
            if c.year == int(year) and c.kind == "normal" and c.group == GROUPS[0]
        )
        raise InputError(
            f"the 상한액 of {year} is not a calendar-year amount: it caps the windows {shown} "
            "separately; limit, refund, burden, prepaid, refund_month, year_totals and "
            f"CeilingSpec work per calendar year ({_span(table.years)}). Use "
            f"ceiling.periods({year}, decile) or ceiling.period_limit(date, decile)"
        )
    if int(year) not in table.years:
        raise InputError(f"year {year} is not in the ceiling table; {_known(table)}")
    return int(year)


def _span(known: tuple[int, ...]) -> str:
    return f"{known[0]}–{known[-1]}" if known else "none"


def decile_group(decile: Any, table: CeilingTable | None = None) -> str:
    """소득분위 1..10 → group key (1 → ``d1``, 2–3 → ``d2_3``, …, 10 → ``d10``)."""
    tab = _table(table)
    if isinstance(decile, bool) or not isinstance(decile, int | np.integer):
        raise InputError(f"decile must be an integer 1–10, got {decile!r}")
    if int(decile) not in tab.decile_to_group:
        raise InputError(f"decile must be between 1 and 10, got {decile!r}")
    return tab.decile_to_group[int(decile)]


def cell(
    year: int, decile: int, long_stay: bool = False, table: CeilingTable | None = None
) -> Cell:
    """The table cell for (year, decile's group, normal or 요양병원 120일 초과), any status."""
    tab = _table(table)
    y = _check_year(year, tab)
    group = decile_group(decile, tab)
    return tab.cells[(y, "long_stay" if long_stay else "normal", group)]


def limit(
    year: int, decile: int, long_stay: bool = False, table: CeilingTable | None = None
) -> int:
    """본인부담상한액 L (won) for a calendar year, income decile 1..10 and long stay.

    ``long_stay`` = more than 120 days in a 요양병원 that year. Merged cells (6~10분위 before
    2023) return the normal value; unknown cells raise ``InputError`` naming year and group.
    """
    c = cell(year, decile, long_stay, table)
    if c.value is None:
        kind = "요양병원 120일 초과 (long_stay)" if long_stay else "normal"
        known = [y for y in _table(table).years if _table(table).cells[(y, c.kind, c.group)].value]
        raise InputError(
            f"상한액 unknown for year {c.year}, {c.label} ({c.group}), {kind}: no source gives "
            f"this cell{' (' + c.note + ')' if c.note else ''}; years known for this cell: "
            f"{', '.join(map(str, known)) or 'none'}"
        )
    return c.value


def periods(
    year: int, decile: int, long_stay: bool = False, table: CeilingTable | None = None
) -> tuple[Cell, ...]:
    """The cells of a year's windows for a decile, in date order, any status.

    One cell (the calendar year) from 2008; two half-years for 2005–2007 (for 2007 the
    first half at 300만원 per half-year, then 400만원 from 2007-07-01); one half-year for 2004
    (the rule starts on 2004-07-01). Each :class:`Cell` carries ``start``, ``end``, ``key``.
    """
    tab = _table(table)
    if isinstance(year, bool) or not isinstance(year, int | np.integer):
        raise InputError(f"year must be an integer, got {year!r}; {_known(tab)}")
    group = decile_group(decile, tab)
    kind = "long_stay" if long_stay else "normal"
    found = tuple(
        c
        for (_, k, g), c in tab.windows.items()
        if c.year == int(year) and k == kind and g == group
    )
    if not found:
        raise InputError(f"year {year} is not in the ceiling table; {_known(tab)}")
    return found


def period_cell(
    date: Any, decile: int, long_stay: bool = False, table: CeilingTable | None = None
) -> Cell:
    """The cell whose window holds the date of care ``date`` (any status)."""
    tab = _table(table)
    try:
        day = pd.Timestamp(date).date()
    except (TypeError, ValueError):
        raise InputError(f"date must be a date like 2006-03-01, got {date!r}") from None
    group = decile_group(decile, tab)
    kind = "long_stay" if long_stay else "normal"
    for (start, k, g), c in tab.windows.items():
        if k == kind and g == group and start <= day <= c.end:  # type: ignore[operator]
            return c
    first = tab.starts[0] if tab.starts else None
    raise InputError(
        f"no 상한액 for {day}: the table covers {first}–{_span(tab.years).split('–')[-1]}-12-31 "
        f"(the 본인부담상한제 starts on {first})"
    )


def period_limit(
    date: Any, decile: int, long_stay: bool = False, table: CeilingTable | None = None
) -> int:
    """The 상한액 (won) capping the window that holds ``date``: its cell's amount.

    For 2005-03-01: 3,000,000 for the half-year 2005-01-01–2005-06-30; for 2007-09-01:
    4,000,000 for 2007-07-01–2007-12-31; from 2008 the same as :func:`limit` of the year.
    Unknown cells raise ``InputError`` like :func:`limit`.
    """
    c = period_cell(date, decile, long_stay, table)
    if c.value is None:
        raise InputError(
            f"상한액 unknown for {c.key} ({c.start}–{c.end}), {c.label} ({c.group}), {c.kind}: "
            "no source gives this cell"
        )
    return c.value


def highest_limit(year: int, table: CeilingTable | None = None) -> int:
    """The year's highest 상한액 (10분위, normal): the 사전급여 threshold at one institution."""
    return limit(year, 10, False, table)


def refund(
    copay_total: Any,
    year: int,
    decile: int,
    long_stay: bool = False,
    table: CeilingTable | None = None,
) -> Any:
    """본인부담상한액 초과금 (what NHIS pays or refunds): ``max(0, copay_total − L)``, won.

    ``copay_total`` is the calendar year's Σ 급여 일부본인부담 (scalar or array). The NHIS's
    2023 사후환급 예시 1, as retold in the 「본인부담상한제」 블로그 글 (건강도우미 우주파파,
    티스토리): ``refund(7_700_000, 2023, 4, long_stay=True) == 5_430_000``.
    """
    total = as_won("copay_total", copay_total)
    return scalar_or_array(np.maximum(total - limit(year, decile, long_stay, table), 0))


def burden(
    copay_total: Any,
    year: int,
    decile: int,
    long_stay: bool = False,
    excluded: Any = 0,
    table: CeilingTable | None = None,
) -> Any:
    """What the patient finally bears: ``min(copay_total, L) + excluded`` (won).

    ``excluded`` is what the ceiling does not count (비급여, 전액본인부담, …).
    """
    total = as_won("copay_total", copay_total)
    extra = as_won("excluded", excluded)
    return scalar_or_array(np.minimum(total, limit(year, decile, long_stay, table)) + extra)


def prepaid(
    institution_total: Any,
    year: int,
    long_stay: bool = False,
    table: CeilingTable | None = None,
) -> Any:
    """사전급여: ``max(0, institution_total − L_max)``, billed by the institution to NHIS.

    ``institution_total`` is one institution's yearly Σ 급여 일부본인부담; ``L_max`` is
    :func:`highest_limit`. Not for 요양병원 stays over 120 days (refund afterwards only):
    returns 0 when ``long_stay`` (A: the note on ⑤ 상한액 초과금 of 국민건강보험 요양급여의
    기준에 관한 규칙 [별지 제6호서식] 진료비 계산서·영수증,
    https://www.law.go.kr/법령/국민건강보험요양급여의기준에관한규칙). Before the exclusion took
    effect (2020-01-01) the long-stay case is not in the rule data and raises ``InputError``.
    """
    tab = _table(table)
    total = as_won("institution_total", institution_total)
    if long_stay:
        if dt.date(_check_year(year, tab), 12, 31) < tab.prepaid_excludes_long_stay_from:
            raise InputError(
                f"사전급여 for 요양병원 long stays in {year} is not in the rule data (the "
                f"exclusion is known from {tab.prepaid_excludes_long_stay_from})"
            )
        return scalar_or_array(np.zeros_like(total))
    return scalar_or_array(np.maximum(total - highest_limit(year, tab), 0))


def refund_month(year: int, table: CeilingTable | None = None) -> pd.Period:
    """When the 사후환급 for ``year`` arrives: around August of the following year."""
    tab = _table(table)
    return pd.Period(year=_check_year(year, tab) + 1, month=tab.refund_month, freq="M")


# --- receipts ------------------------------------------------------------------------------


def _lines(receipts: pd.DataFrame) -> ReceiptLines:
    """The receipts as validated lines (validated once: a ReceiptLines passes as it is)."""
    return as_receipt_lines(receipts)


def _window_limit(code: int, table: CeilingTable) -> tuple[int, int]:
    """(L, window) for a code year × 1000 + decile × 10 + lenient × 4 + long stay × 2 +
    second half.

    From 2008 the calendar year's :func:`limit` (window year × 10); before, the amount of the
    half-year window holding the line (window year × 10 + 1 for 7.1–12.31); before the first
    window (2004-07-01) :data:`NO_CEILING`: no refund; so too, when lenient (the certain
    refund, or the later part of a stay), a year the table does not hold (else InputError)."""
    year, decile = code // 1000, code % 1000 // 10
    long_stay, second = bool(code % 10 % 4 // 2), bool(code % 2)
    if dt.date(year, 12 if second else 6, 30) < table.starts[0]:  # before the 상한제: none
        return NO_CEILING, year * 10 + second
    if code % 10 >= 4 and year not in (*table.years, *table.period_years):
        return NO_CEILING, year * 10
    if year not in table.period_years:
        return limit(year, decile, long_stay, table), year * 10
    c = period_cell(dt.date(year, 7 if second else 1, 1), decile, long_stay, table)
    return period_limit(c.start, decile, long_stay, table), year * 10 + (c.window != "first_half")


def _checked_decile(table: CeilingTable) -> Any:
    """A checker that returns the decile as an int after :func:`decile_group` accepted it."""

    def check(value: Any) -> int:
        decile_group(value, table)
        return int(value)

    return check


def _check_long_stay(value: Any) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise InputError(f"long_stay must be True or False, got {value!r}")
    return bool(value)


def _piece_arrays(
    spec: CeilingSpec, lines: ReceiptLines, certain: bool = False
) -> dict[str, np.ndarray]:
    """:func:`_pieces` as numpy arrays by column, plus ``who`` (person codes): no pandas
    groupby, and the lines' columns read once (:class:`~.ceiling_years.LineColumns`)."""
    tab = _table(spec.table)
    columns = LineColumns.of(lines)
    (code, names), (setting, settings) = columns.person, columns.setting
    inpatient = code_is(setting, settings, "inpatient")
    parts = pieces(columns.date, columns.days, inpatient, tab.period_years)
    who = code[parts.pos]
    person = np.asarray(names, dtype=object)[who]
    later = np.zeros(len(parts), dtype=bool)  # the later part of a stay
    later[1:] = parts.pos[1:] == parts.pos[:-1]
    if spec.year_deciles is None:
        check = _checked_decile(tab)
        decile = person_values("decile", spec.decile, who, names, check).astype(np.int64)
    else:
        frame = pd.DataFrame({"pos": parts.pos, "person": person, "year": parts.year})
        decile = year_deciles(spec.year_deciles, frame, _checked_decile(tab)).astype(np.int64)
    if spec.long_stay is None:
        stays = stay_years(columns, tab, certain)
        long_stay = stays.long_stay[stays.at(who, parts.year)]
    else:
        long_stay = person_values("long_stay", spec.long_stay, who, names, _check_long_stay)
    long_stay = long_stay.astype(bool)
    # one lookup per distinct (year, decile, long stay, half), spread back by an integer code
    key = parts.year * 1000 + decile * 10 + long_stay * 2 + parts.second + 4 * (certain | later)
    distinct, inverse = np.unique(key, return_inverse=True)
    looked = [_window_limit(int(c), tab) for c in distinct]
    limits = np.array([lim for lim, _ in looked], dtype=np.int64)[inverse]
    window = np.array([w for _, w in looked], dtype=np.int64)[inverse]
    counted, uncounted = copay_parts(columns, tab)
    if certain:
        amounts = certain_amounts(counted, parts, who, window, limits)
    else:
        amounts = split_by_days(counted, parts)
    return {
        "pos": parts.pos, "person": person, "year": parts.year, "date": parts.start,
        "days": parts.days, "crossing": parts.crossing, "decile": decile,
        "long_stay": long_stay, "limit": limits, "window": window, "copay": amounts,
        "uncounted": split_by_days(uncounted, parts), "who": who,
    }  # fmt: skip


def _pieces(spec: CeilingSpec, receipts: pd.DataFrame, certain: bool = False) -> pd.DataFrame:
    """One row per line and window its stay reaches (:mod:`silson_tools.ceiling_years`):
    ``pos`` (line), ``person, year, date`` (the piece's first day), ``days``, ``crossing``,
    ``decile, long_stay, limit`` (상한액 L), ``window`` (year × 10, + 1 for a second half-year
    before 2008) and ``copay``: the line's counted ① in that window (a crossing line's split
    by days, or when ``certain`` the placement of least refund)."""
    arrays = _piece_arrays(spec, _lines(receipts), certain)
    del arrays["who"]
    return pd.DataFrame(arrays)


def _line_refunds(arrays: dict[str, np.ndarray], n: int) -> np.ndarray:
    """Per line (int64, row order): Σ over its pieces of :func:`refunds_above`."""
    columns = ("who", "window", "date", "pos", "copay", "limit")
    return line_sums(arrays, refunds_above(*(arrays[c] for c in columns)), n)


@dataclass(frozen=True)
class CeilingSpec:
    """Who is under which 상한액: decile 1..10 and long stay, one value or per person.

    Passed to the claim engine as ``assess(..., ceiling=CeilingSpec(decile=4))``; the engine
    calls :meth:`line_offsets`. ``decile`` and ``long_stay`` may be mappings person → value;
    ``year_deciles`` (year → decile or person → decile) replaces ``decile`` per calendar
    year (a stay's later part in a year without one takes its first year's).
    ``long_stay=None`` (the default): per person and calendar year, :func:`long_stay_years`
    (병원-tier 입원일수 over 120, or unknown; days by calendar year, a day billed on two lines
    of one place once). An 입원 line whose stay
    crosses 31 December counts its days in each year and its ① split in proportion to the
    days (an *estimate*: :func:`~silson_tools.ceiling_years.split_by_days`; :meth:`crossing`)."""

    decile: int | Mapping[str, int]
    long_stay: bool | Mapping[str, bool] | None = None
    table: CeilingTable | None = None
    year_deciles: Mapping[int, int | Mapping[str, int]] | None = None

    def line_offsets(self, receipts: pd.DataFrame) -> np.ndarray:  # the engine's CeilingHook
        """상한제 환급분 per line (int64 won, in the receipts' row order).

        Per person and calendar year, dates in order: a date's part ``max(0, cum − L) −
        max(0, cum − T − L)`` (``cum`` the running Σ covered_copay at the date's end, ``T``
        the date's Σ) is shared over its lines in proportion to their covered_copay (largest
        remainder; not by row order). So the offsets sum to :func:`refund` of the year's
        total and each is at most that line's covered co-pay. Before 2008 the running total
        restarts with each window the 상한액 caps (half-years; see "Periods"), with that
        window's L. A
        crossing stay's later pieces start on 1 January (1 July), and its offset is the sum
        over its pieces.
        """
        if len(receipts) == 0:
            return np.zeros(0, dtype=np.int64)
        return _line_refunds(_piece_arrays(self, _lines(receipts)), len(receipts))

    def crossing(self, receipts: pd.DataFrame) -> pd.DataFrame:
        """Lines whose stay crosses a year end, per year: days and the ① estimated there."""
        lines = _lines(receipts)
        return crossing_rows(_pieces(self, lines), lines)

    def totals(self, receipts: pd.DataFrame) -> pd.DataFrame:
        """Per person and calendar year (:data:`TOTAL_COLUMNS`): ``counted`` (Σ ① counted),
        ``uncounted`` (Σ ① of 항목 the 상한제 leaves out), ``days`` (병원-tier 입원일수, each
        day of a place once: :func:`long_stay_years`),
        ``long_stay``, ``decile``, ``limit`` (the largest 상한액 used), ``refund`` (Σ
        :meth:`line_offsets`), in person, year order; a crossing stay's ① split by days."""
        lines = _lines(receipts)
        if not len(lines):
            return pd.DataFrame(columns=list(TOTAL_COLUMNS))
        frame = _pieces(self, lines)
        frame["refund"] = piece_refunds(frame)
        return year_rows(frame, lines, self.table)


@dataclass(frozen=True)
class CertainRefund:
    """The 상한제 refund NHIS pays whatever the person's income (소득분위 unknown): the
    refund under the year's highest 상한액, on ① summed over every institution.

    Per person and calendar year (half-year windows before 2008), chronologically as
    :meth:`CeilingSpec.line_offsets` with decile 10, the long-stay (요양병원) 10분위 value in a
    year :func:`long_stay_years` says may be one (병원-tier 입원일수 over 120, each day of a place
    once, or unknown). A lower
    bound of every decile's refund: silson never pays it (표준약관 제4조③1 and 제5조③; 대법원
    2024.1.25. 2023다283913 for wordings without the clause). Lines before the first window
    (2004-07-01, before the 상한제) or in a year the table does not hold take none
    (:meth:`unknown_years` names the latter). An 입원 line whose stay crosses 31 December
    may have its ① in any of the years it reaches (NHIS counts by the day of care; the split
    is not on the line): it is placed where it gives the least refund
    (:func:`~silson_tools.ceiling_years.certain_amounts`: ``Σ_y max(0, A_y − L_y) +
    max(0, X − room_1 − room_2)`` for one stay over one year end), so the bound holds
    whatever the split; for the long stay its days count wholly in each year it reaches
    (``long_stay_years(whole=True)``: the higher 상한액 wherever it may apply).
    """

    table: CeilingTable | None = None

    def _frame(self, receipts: pd.DataFrame) -> tuple[ReceiptLines, pd.DataFrame]:
        """(lines, their pieces of least refund with ``refund`` and ``held``: a piece in a
        window the table holds, on or after the first one)."""
        tab = _table(self.table)
        lines = _lines(receipts)
        frame = _pieces(self.spec(), lines, certain=True)
        frame["refund"] = piece_refunds(frame)
        held = frame["year"].isin([*tab.years, *tab.period_years])
        first = min(c.start for c in tab.windows.values())
        frame["held"] = held & (frame["date"] >= pd.Timestamp(first))
        return lines, frame

    def long_stay(self, receipts: pd.DataFrame) -> dict[str, bool]:
        """Person → True when the long-stay 상한액 may be theirs in some year (see the class;
        per year: :func:`long_stay_years`)."""
        stays = long_stay_years(receipts, self.table, whole=True)
        by_person = stays.groupby("person")["long_stay"].any()
        return {str(k): bool(v) for k, v in by_person.items()}

    def spec(self, receipts: pd.DataFrame | None = None) -> CeilingSpec:
        """The decile-10 :class:`CeilingSpec`, long stays taken per person and year."""
        return CeilingSpec(decile=10, long_stay=None, table=self.table)

    def line_offsets(self, receipts: pd.DataFrame) -> np.ndarray:  # the engine's CeilingHook
        """The certain 상한제 환급분 per line (int64 won, receipts' row order)."""
        if len(receipts) == 0:
            return np.zeros(0, dtype=np.int64)
        lines = _lines(receipts)
        return _line_refunds(_piece_arrays(self.spec(), lines, certain=True), len(lines))

    def crossing(self, receipts: pd.DataFrame) -> pd.DataFrame:
        """Lines whose stay crosses a year end, per year: days and the ① of least refund."""
        lines, frame = self._frame(receipts)
        return crossing_rows(frame, lines)

    def unknown_years(self, receipts: pd.DataFrame) -> list[int]:
        """Years of the receipts whose 상한액 the table does not hold (nothing taken out)."""
        tab = _table(self.table)
        lines = _lines(receipts)
        first = pd.Timestamp(min(c.start for c in tab.windows.values()))
        inpatient = (lines["setting"] == "inpatient").to_numpy()
        parts = pieces(lines["date"], lines["days"].to_numpy(), inpatient, tab.period_years)
        late = (parts.start >= first.to_datetime64()) & ~np.isin(
            parts.year, [*tab.years, *tab.period_years]
        )
        return sorted({int(y) for y in parts.year[late]})

    def totals(self, receipts: pd.DataFrame, every: bool = False) -> pd.DataFrame:
        """Per person and year with a certain refund: :meth:`CeilingSpec.totals` of the
        decile-10 spec (``limit`` = the highest 상한액 used; a crossing stay's ① where it
        gives the least refund), rows with ``refund`` > 0 only (``every``: all person-years
        of the years the table holds)."""
        lines, frame = self._frame(receipts)
        frame = frame[frame["held"]]
        if not len(frame):
            return pd.DataFrame(columns=list(TOTAL_COLUMNS))
        out = year_rows(frame, lines, self.table, whole=True)
        return out if every else out[out["refund"] > 0].reset_index(drop=True)


def year_totals(receipts: pd.DataFrame, spec: CeilingSpec) -> pd.DataFrame:
    """Per person and calendar year: what counts, the 상한액, refund, and when it arrives.

    Columns: ``person, year, decile, long_stay, counted`` (:func:`counted_copay`), ``excluded``
    (Σ full_copay + noncovered + :func:`uncounted_copay`, not counted), ``limit``,
    ``refund`` = max(0, counted − limit),
    ``prepaid`` (사전급여 by institution; lines without an institution name are not pooled),
    ``post_refund`` = refund − prepaid, ``refund_month`` (next year's August),
    ``burden`` = min(counted, limit) + excluded, ``over_ceiling_on_receipts`` (Σ ⑤ as printed).
    A stay crossing 31 December: its amounts split by days (⑤ on its first year).
    """
    tab = _table(spec.table)
    lines = _lines(receipts)
    p = _piece_arrays(spec, lines)
    for year in np.unique(p["year"]):
        _check_year(int(year), tab)  # 2004–2007: not calendar-year amounts, refused
    parts, pos = frame_pieces(p), p["pos"]
    full, noncovered, over, institution = lines.arrays(
        "full_copay", "noncovered", "over_ceiling", "institution"
    )
    excluded = split_by_days(np.add(full, noncovered, dtype=np.int64), parts) + p["uncounted"]
    first = np.ones(len(pos), dtype=bool)  # the first piece of its line takes its ⑤
    first[1:] = pos[1:] != pos[:-1]
    over = np.where(first, np.asarray(over, dtype=np.int64)[pos], 0)
    codes, names = pd.factorize(np.asarray(institution, dtype=object))  # as the engine:
    place = np.array([institution_key(str(n)) for n in names] + [""])[codes][pos]
    ((_, persons),) = lines.codes_of("person")
    person, year, group = person_years(p["who"], persons, p["year"])
    n, at = len(year), group_firsts(group, len(year))
    counted, limits = group_sums(p["copay"], group, n), p["limit"][at]
    excluded = group_sums(excluded, group, n)
    named = np.flatnonzero(place != "")  # 사전급여 per institution (lines without one apart)
    places, code = np.unique(place[named], return_inverse=True)
    each, inst = np.unique(group[named] * len(places) + code, return_inverse=True)
    stays = p["long_stay"][named][group_firsts(inst, len(each))]
    totals = group_sums(p["copay"][named], inst, len(each))
    owed = [
        prepaid(int(t), int(y), bool(s), tab)
        for t, y, s in zip(totals, year[each // max(len(places), 1)], stays, strict=True)
    ]
    pre = group_sums(np.array(owed, dtype=np.int64), each // max(len(places), 1), n)
    refund = np.maximum(counted - limits, 0)
    return pd.DataFrame(
        {
            "person": np.asarray(persons, dtype=object)[person],
            "year": year,
            "decile": p["decile"][at],
            "long_stay": p["long_stay"][at],
            "counted": counted,
            "excluded": excluded,
            "limit": limits,
            "refund": refund,
            "prepaid": pre,
            "post_refund": refund - pre,
            "refund_month": [refund_month(int(y), tab) for y in year],
            "burden": np.minimum(counted, limits) + excluded,
            "over_ceiling_on_receipts": group_sums(over, group, n),
        }
    )
