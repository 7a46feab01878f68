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

``L_max`` is the year's highest 상한액 (10분위, normal). **What counts**: only
``covered_copay``. 비급여 (``noncovered``), 전액본인부담 (``full_copay``), 선별급여, 2·3인실
상급병실 입원료, 추나요법, 임플란트 and 상급종합 경증 외래 are excluded (A/B: the NHIS list as
retold in the 「본인부담상한제」 블로그 글 (건강도우미 우주파파, 티스토리); 전액본인부담 and
선별급여 also in the note of 국민건강보험 요양급여의 기준에 관한 규칙 [별지 제6호서식] 진료비
계산서·영수증, https://www.law.go.kr/법령/국민건강보험요양급여의기준에관한규칙); the canonical
columns cannot tell 선별급여 etc. apart from the rest of column ①, so ``covered_copay`` is taken
to hold only the counted part (see :func:`counted_copay`).

**The data** (``silson_tools/data/ceiling.toml``) follows the conventions of the product files
(:mod:`silson_tools.params`): sources are keys of ``data/sources.toml`` (title and address of
the original), confidence is ``A``/``B``/``C``/``user``, the unit (``won``) and Korean labels
are declared in the file, unknown keys are refused, and every problem is a
:class:`~silson_tools.errors.RuleDataError` naming the file and the key. The 상한액 stay a
**grid** (one ``[[row]]`` per year × kind, seven group cells) rather than one dated parameter
per cell: the sources publish the table a year at a time, a row's cells share their sources and
confidence, and "unknown" / "merged" cells are read against their row (a merged 요양병원 cell
takes the normal cell of the same year and group). 7 groups × 2 kinds as 14 parameters would
spread each published year over 14 tables and could not say "merged". The rule's other values
(refund month, 120 days, …) are :class:`~silson_tools.params.Fact` entries: unit, label,
value, confidence, source, note, like one dated value without a date (the sources give no start
date for them).

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
:func:`refund_month`, :func:`year_totals` and :class:`CeilingSpec` work per calendar year and
answer for 2008–2026 (:func:`years`); for 2004–2007 they raise an ``InputError`` saying the
year's ceiling is per period, and :func:`periods` (the windows of a year) and
:func:`period_limit` (the amount capping the window of a date of care) answer instead. A
calendar-year amount for those years would be wrong for anyone whose co-pays are uneven across
the halves, so none is given.

**Silson offset** (zone ``ceiling_offset``): the standard terms exclude what NHIS refunds or
can refund, before or after the event (금융감독원, 실손의료보험 표준약관, 2021.7.1 시행, 제4조③1
and 제5조③, https://fss.or.kr/fss/bbs/B0000115/view.do?menuNo=200504&nttId=21943).
:class:`CeilingSpec` gives the claim engine, per receipt line, the part of that line's covered
co-pay above the person's own 상한액, taken chronologically within each person's calendar year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import InputError
from .formulas import scalar_or_array
from .money import as_won
from .params import (
    UNITS,
    Ctx,
    Fact,
    Source,
    Unit,
    check_confidence,
    check_keys,
    check_unit,
    label_of,
    read_facts,
    read_table,
    required,
    resolve_sources,
    section,
    table_context,
)
from .receipts.lines import ReceiptLines, as_receipt_lines
from .schema import DEFAULT_PERSON

__all__ = [
    "DEFAULT_PERSON",
    "GROUPS",
    "KINDS",
    "CeilingSpec",
    "CeilingTable",
    "Cell",
    "burden",
    "cell",
    "counted_copay",
    "decile_group",
    "highest_limit",
    "limit",
    "load_table",
    "period_cell",
    "period_limit",
    "periods",
    "prepaid",
    "refund",
    "refund_month",
    "year_totals",
    "years",
]

DATA_FILE = Path(__file__).parent / "data" / "ceiling.toml"
GROUPS: tuple[str, ...] = ("d1", "d2_3", "d4_5", "d6_7", "d8", "d9", "d10")
"""소득분위 구간 keys, lowest first (1분위, 2~3분위, …, 10분위)."""
KINDS: tuple[str, ...] = ("normal", "long_stay")
"""normal, or long_stay = 요양병원 120일 초과 in the same year."""
"""The person a receipt line belongs to when the file has no ``person`` column."""

_TOP_KEYS = {"limit", "kinds", "periods", "groups", "rules", "row", "sources"}
_ROW_KEYS = {
    "year",
    "period",
    "kind",
    "confidence",
    "source",
    "values",
    "notes",
    "cell_confidence",
}
PERIODS: dict[str, tuple[tuple[str, tuple[int, int], tuple[int, int]], ...]] = {
    "year": (("year", (1, 1), (12, 31)),),
    "half_year": (("first_half", (1, 1), (6, 30)), ("second_half", (7, 1), (12, 31))),
    "first_half": (("first_half", (1, 1), (6, 30)),),
    "second_half": (("second_half", (7, 1), (12, 31)),),
}
"""A row's ``period`` → the windows of its year it covers: (window kind, first day, last day)
as (month, day). ``half_year`` is two windows with the same amounts, counted apart."""
_WINDOW_SUFFIX = {"year": "", "first_half": "-H1", "second_half": "-H2"}
_RULES = {
    "period": "text",
    "indexation": "text",
    "refund_month": "month",
    "long_stay_days": "days",
    "prepaid_excludes_long_stay_from": "date",
}
"""The ``[rules.*]`` entries and the unit each is read in."""
_NEEDED_RULES = ("refund_month", "long_stay_days", "prepaid_excludes_long_stay_from")


# --- the table -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One 상한액 cell: the value in won (``None`` if unknown) and where it comes from."""

    year: int
    kind: str
    group: str
    label: str
    value: int | None
    """상한액 in won; for a merged long-stay cell, the normal value it is merged with."""
    status: str
    """``"known"``, ``"merged"`` (long stay = normal, no separate value) or ``"unknown"``."""
    confidence: str
    sources: tuple[str, ...]
    """The row's sources as "title, address" texts (empty for a row of unknown cells)."""
    note: str = ""
    references: tuple[Source, ...] = ()
    """The same sources as :class:`~silson_tools.params.Source` (title, url)."""
    window: str = "year"
    """The part of ``year`` the amount caps: ``year`` (1.1–12.31), ``first_half`` (1.1–6.30)
    or ``second_half`` (7.1–12.31); see "Periods" in the module docstring."""
    start: dt.date | None = None
    """First day of the window (1 January of ``year`` for a calendar-year cell)."""
    end: dt.date | None = None
    """Last day of the window."""

    @property
    def merged(self) -> bool:
        """True where the 요양병원 cell is merged with the normal one (no separate value:
        every group before 2018, 6~10분위 before 2023)."""
        return self.status == "merged"

    @property
    def key(self) -> str:
        """The window as a short key: ``2023`` (calendar year), ``2007-H1``, ``2007-H2``."""
        return f"{self.year}{_WINDOW_SUFFIX[self.window]}"


@dataclass(frozen=True)
class CeilingTable:
    """The loaded ceiling table: cells by (year, kind, group), plus the file's metadata."""

    cells: Mapping[tuple[int, str, str], Cell]
    labels: Mapping[str, str]
    decile_to_group: Mapping[int, str]
    refund_month: int
    long_stay_days: int
    prepaid_excludes_long_stay_from: dt.date
    path: Path
    unit: str = "won"
    """The unit of every cell (declared in ``[limit]``)."""
    label: str = ""
    """The Korean label of the cells (``본인부담상한액 (연간)``)."""
    kind_labels: Mapping[str, str] = field(default_factory=dict)
    """Korean label of each kind (``normal`` → ``일반``)."""
    facts: Mapping[str, Fact] = field(default_factory=dict)
    """The ``[rules.*]`` entries by key (``refund_month`` …), with confidence and sources."""
    windows: Mapping[tuple[dt.date, str, str], Cell] = field(default_factory=dict)
    """Every cell by (first day of its window, kind, group): the calendar-year cells of
    ``cells`` and the half-year cells of the years before 2008."""
    period_labels: Mapping[str, str] = field(default_factory=dict)
    """Korean label of each row ``period`` (``half_year`` → ``반기별 …``)."""

    @property
    def years(self) -> tuple[int, ...]:
        """Years whose 상한액 caps the calendar year (some cells may be unknown), ascending:
        the years :func:`limit` answers."""
        return tuple(sorted({year for year, _, _ in self.cells}))

    @property
    def period_years(self) -> tuple[int, ...]:
        """Years whose 상한액 is not a calendar-year amount (half-years, a change mid-year)."""
        return tuple(sorted({c.year for c in self.windows.values()} - set(self.years)))

    @property
    def starts(self) -> tuple[dt.date, ...]:
        """First days of every window, ascending."""
        return tuple(sorted({start for start, _, _ in self.windows}))


def _parse_groups(ctx: Ctx, raw: Any) -> tuple[dict[str, str], dict[int, str]]:
    if not isinstance(raw, Mapping) or list(raw) != list(GROUPS):
        got = list(raw) if isinstance(raw, Mapping) else raw
        raise ctx.error("groups", f"expected groups {list(GROUPS)} in order, got {got!r}")
    labels: dict[str, str] = {}
    decile_to_group: dict[int, str] = {}
    for key, spec in raw.items():
        where = f"groups.{key}"
        spec = section(ctx, where, spec, {"label", "deciles"})
        labels[key] = label_of(ctx, where, spec)
        deciles = required(ctx.file, where, spec, "deciles")
        if not isinstance(deciles, list) or not all(
            isinstance(d, int) and not isinstance(d, bool) for d in deciles
        ):
            raise ctx.error(f"{where}.deciles", f"expected a list of deciles, got {deciles!r}")
        for decile in deciles:
            if decile in decile_to_group:
                raise ctx.error(f"{where}.deciles", f"decile {decile} is in two groups")
            decile_to_group[decile] = key
    if sorted(decile_to_group) != list(range(1, 11)):
        raise ctx.error("groups", f"deciles must cover 1..10, got {sorted(decile_to_group)}")
    return labels, decile_to_group


def _parse_kinds(ctx: Ctx, raw: Any) -> dict[str, str]:
    if not isinstance(raw, Mapping) or list(raw) != list(KINDS):
        got = list(raw) if isinstance(raw, Mapping) else raw
        raise ctx.error("kinds", f"expected Korean labels for {list(KINDS)} in order, got {got!r}")
    for key, label in raw.items():
        if not isinstance(label, str) or not label.strip():
            raise ctx.error(f"kinds.{key}", "expected a Korean label (text)")
    return {key: label.strip() for key, label in raw.items()}


def _parse_periods(ctx: Ctx, raw: Any) -> dict[str, str]:
    if not isinstance(raw, Mapping) or list(raw) != list(PERIODS):
        got = list(raw) if isinstance(raw, Mapping) else raw
        raise ctx.error(
            "periods", f"expected Korean labels for {list(PERIODS)} in order, got {got!r}"
        )
    for key, label in raw.items():
        if not isinstance(label, str) or not label.strip():
            raise ctx.error(f"periods.{key}", "expected a Korean label (text)")
    return {key: label.strip() for key, label in raw.items()}


def _parse_row(
    ctx: Ctx, i: int, row: Any, labels: Mapping[str, str], unit: Unit
) -> tuple[int, str, str, list[Cell]]:
    where = f"row[{i}]"
    row = section(ctx, where, row, _ROW_KEYS)
    year, kind = row.get("year"), row.get("kind")
    period = row.get("period", "year")
    if not isinstance(year, int) or isinstance(year, bool):
        raise ctx.error(f"{where}.year", f"expected a year (integer), got {year!r}")
    if kind not in KINDS:
        raise ctx.error(f"{where}.kind", f"expected one of {', '.join(KINDS)}, got {kind!r}")
    if period not in PERIODS:
        raise ctx.error(f"{where}.period", f"expected one of {', '.join(PERIODS)}, got {period!r}")
    at = f" (year {year}, {kind})"
    confidence = check_confidence(ctx, where, required(ctx.file, where, row, "confidence"))
    values = required(ctx.file, where, row, "values")
    if not isinstance(values, Mapping) or list(values) != list(GROUPS):
        got = list(values) if isinstance(values, Mapping) else values
        raise ctx.error(
            f"{where}.values", f"expected groups {list(GROUPS)} in order, got {got!r}{at}"
        )
    notes = section(ctx, f"{where}.notes", row.get("notes"), GROUPS)
    per_cell = section(ctx, f"{where}.cell_confidence", row.get("cell_confidence"), GROUPS)
    for group, note in notes.items():
        if not isinstance(note, str):
            raise ctx.error(f"{where}.notes.{group}", f"expected text, got {note!r}")
    if any(v != "unknown" for v in values.values()) or "source" in row:
        refs = resolve_sources(ctx, f"{where}.source", required(ctx.file, where, row, "source"))
    else:
        refs = ()  # every cell unknown: nothing to cite
    cells = []
    for group, value in values.items():
        key = f"{where}.values.{group}"
        if value == "unknown":
            status, won = "unknown", None
        elif value == "merged" and kind == "long_stay":
            status, won = "merged", None
        elif isinstance(value, str):
            raise ctx.error(key, f"{value!r}: expected won, 'unknown' or 'merged'{at}")
        else:
            checked = unit.check(value)
            if isinstance(checked, str):
                raise ctx.error(key, f"{checked}; expected won, 'unknown' or 'merged'{at}")
            if checked <= 0:
                raise ctx.error(key, f"must be a positive amount, got {value}{at}")
            status, won = "known", checked
        cell_conf = (
            check_confidence(ctx, f"{where}.cell_confidence.{group}", per_cell[group])
            if group in per_cell
            else confidence
        )
        for window, first, last in PERIODS[period]:
            cells.append(
                Cell(
                    year=year,
                    kind=kind,
                    group=group,
                    label=labels[group],
                    value=won,
                    status=status,
                    confidence=cell_conf,
                    sources=tuple(str(s) for s in refs),
                    note=notes.get(group, ""),
                    references=refs,
                    window=window,
                    start=dt.date(year, *first),
                    end=dt.date(year, *last),
                )
            )
    return year, kind, period, cells


def load_table(path: str | Path | None = None) -> CeilingTable:
    """Read and validate a ceiling table (default: the package's ``data/ceiling.toml``).

    The file declares the cells' unit and Korean label (``[limit]``), the kinds and groups
    with their Korean labels, the rule's other values (``[rules.*]``: unit, label, value,
    confidence, source) and one ``[[row]]`` per year and kind. Sources are keys of
    ``data/sources.toml`` (or of the file's ``[sources.KEY]`` tables, or ``{title, url}``);
    confidence is A, B, C or user. A row's optional ``period`` (``year`` by default) says
    which part of its year it covers (see "Periods" in the module docstring). Unknown keys,
    unknown sources or confidence tags, a row with amounts and no source, missing or extra
    groups, rows of one year and kind whose periods overlap, a year without both kinds for
    the same periods, non-positive amounts and "merged" outside long-stay rows are
    :class:`~silson_tools.errors.RuleDataError` naming the file and the key.
    """
    path = Path(path) if path is not None else DATA_FILE
    shown = "data/ceiling.toml" if path == DATA_FILE else str(path)
    raw = read_table(path, shown)
    ctx = table_context(shown, raw)
    check_keys(shown, "", raw, _TOP_KEYS)
    head = section(ctx, "limit", required(shown, "", raw, "limit"), {"unit", "label"})
    unit = UNITS[check_unit(ctx, "limit", head, "won")]
    label = label_of(ctx, "limit", head)
    kind_labels = _parse_kinds(ctx, required(shown, "", raw, "kinds"))
    period_labels = _parse_periods(ctx, required(shown, "", raw, "periods"))
    labels, decile_to_group = _parse_groups(ctx, required(shown, "", raw, "groups"))
    facts = read_facts(ctx, "rules", raw.get("rules"), _RULES, _NEEDED_RULES)
    rows = raw.get("row", [])
    if not isinstance(rows, list):
        raise ctx.error("row", "expected [[row]] tables")
    windows: dict[tuple[dt.date, str, str], Cell] = {}
    seen: dict[tuple[int, str], set[str]] = {}
    for i, row in enumerate(rows):
        year, kind, period, row_cells = _parse_row(ctx, i, row, labels, unit)
        got = seen.setdefault((year, kind), set())
        starts = {c.start for c in row_cells}
        if any((start, kind, c.group) in windows for start in starts for c in row_cells):
            raise ctx.error(f"row[{i}]", f"duplicate row for year {year}, {kind}")
        if got and ("year" in got or period == "year"):
            raise ctx.error(
                f"row[{i}].period", f"year {year}, {kind}: '{period}' overlaps another row"
            )
        got.add(period)
        windows.update({(c.start, kind, c.group): c for c in row_cells})  # type: ignore[misc]
    for (year, kind), periods_ in sorted(seen.items()):
        other = seen.get((year, "normal" if kind == "long_stay" else "long_stay"))
        if other is None:
            raise ctx.error("row", f"year {year} needs both a normal and a long_stay row")
        if other != periods_:
            raise ctx.error(
                "row", f"year {year}: the normal and long_stay rows cover different periods"
            )
    # a merged long-stay cell takes the normal value of its window and group
    for key, c in list(windows.items()):
        if c.status == "merged":
            normal = windows[(key[0], "normal", c.group)]
            if normal.value is None:
                raise ctx.error(
                    "row", f"year {c.year}: {c.group} merged with an unknown normal cell"
                )
            windows[key] = Cell(**{**c.__dict__, "value": normal.value})
    cells = {(c.year, c.kind, c.group): c for c in windows.values() if c.window == "year"}
    refund = facts["refund_month"]
    if not 1 <= refund.value <= 12:
        raise ctx.error(f"{refund.key}.value", f"expected a month 1..12, got {refund.value}")
    return CeilingTable(
        cells=cells,
        labels=labels,
        decile_to_group=decile_to_group,
        refund_month=refund.value,
        long_stay_days=facts["long_stay_days"].value,
        prepaid_excludes_long_stay_from=facts["prepaid_excludes_long_stay_from"].value,
        path=path,
        unit=unit.name,
        label=label,
        kind_labels=kind_labels,
        facts=facts,
        windows=dict(sorted(windows.items())),
        period_labels=period_labels,
    )


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


def _show(value: Any) -> Any:
    """A cell value for an error message (numpy scalars as plain Python values)."""
    return value.item() if isinstance(value, np.generic) else value


def _lines(receipts: pd.DataFrame) -> ReceiptLines:
    """The receipts as validated lines (validated once: a ReceiptLines passes as it is)."""
    return as_receipt_lines(receipts)


def counted_copay(receipts: pd.DataFrame) -> np.ndarray:
    """The amount of each line that counts towards the ceiling: ``covered_copay`` only (won).

    급여 일부본인부담 본인부담금 (receipt column ①). Not counted: ``noncovered`` (비급여),
    ``full_copay`` (전액본인부담); 선별급여 and the other exclusions must not be in
    ``covered_copay`` (the canonical columns cannot separate them).
    """
    return _lines(receipts)["covered_copay"].to_numpy(dtype=np.int64)


def _per_person(name: str, value: Any, persons: pd.Series, check: Any) -> np.ndarray:
    """A scalar or a person → value mapping, as one value per line (InputError if missing)."""
    if isinstance(value, Mapping):
        missing = sorted(set(persons) - {str(k) for k in value})
        if missing:
            raise InputError(
                f"{name}: no value for person(s) {missing}; mapping has {sorted(map(str, value))}"
            )
        lookup = {str(k): check(v) for k, v in value.items()}
        return persons.map(lookup).to_numpy()
    return np.full(len(persons), check(value))


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


@dataclass(frozen=True)
class CeilingSpec:
    """Who is under which 상한액: decile 1..10 and long stay, one value or per person.

    Passed to the claim engine as ``assess(..., ceiling=CeilingSpec(decile=4))``; the engine
    calls :meth:`line_offsets`. ``decile`` and ``long_stay`` may be mappings person → value.
    """

    decile: int | Mapping[str, int]
    long_stay: bool | Mapping[str, bool] = False
    table: CeilingTable | None = None

    def _frame(self, receipts: pd.DataFrame) -> pd.DataFrame:
        """Lines with person, year, date, counted copay, decile, long stay and 상한액 L."""
        tab = _table(self.table)
        lines = _lines(receipts)
        persons = lines["person"]
        dates = lines["date"]
        frame = pd.DataFrame(
            {
                "person": persons.to_numpy(),
                "year": dates.dt.year.to_numpy(),
                "date": dates.to_numpy(),
                "copay": lines["covered_copay"].to_numpy(dtype=np.int64),
                "decile": _per_person("decile", self.decile, persons, _checked_decile(tab)),
                "long_stay": _per_person("long_stay", self.long_stay, persons, _check_long_stay),
            }
        )
        frame["decile"] = frame["decile"].astype(np.int64)
        frame["long_stay"] = frame["long_stay"].astype(bool)
        # one lookup per distinct (year, decile, long stay), spread back by an integer code
        code = (
            frame["year"].to_numpy(np.int64) * 100
            + frame["decile"].to_numpy() * 2
            + frame["long_stay"].to_numpy(np.int64)
        )
        distinct, inverse = np.unique(code, return_inverse=True)
        limits = np.array(
            [limit(int(c // 100), int(c % 100 // 2), bool(c % 2), tab) for c in distinct],
            dtype=np.int64,
        )
        frame["limit"] = limits[inverse]
        return frame

    def line_offsets(self, receipts: pd.DataFrame) -> np.ndarray:  # the engine's CeilingHook
        """상한제 환급분 per line (int64 won, in the receipts' row order).

        Per person and calendar year, lines in date order (ties keep file order):
        ``offset = max(0, cum − L) − max(0, cum − copay − L)`` where ``cum`` is the running
        Σ covered_copay. So the offsets sum to :func:`refund` of the year's total and each
        is at most that line's covered co-pay.
        """
        if len(receipts) == 0:
            return np.zeros(0, dtype=np.int64)
        frame = self._frame(receipts)
        frame["pos"] = np.arange(len(frame))
        ordered = frame.sort_values(["person", "year", "date", "pos"], kind="stable")
        cum = ordered.groupby(["person", "year"], sort=False)["copay"].cumsum().to_numpy()
        lim = ordered["limit"].to_numpy()
        above = np.maximum(cum - lim, 0) - np.maximum(cum - ordered["copay"].to_numpy() - lim, 0)
        out = np.empty(len(frame), dtype=np.int64)
        out[ordered["pos"].to_numpy()] = above
        return out


def year_totals(receipts: pd.DataFrame, spec: CeilingSpec) -> pd.DataFrame:
    """Per person and calendar year: what counts, the 상한액, refund, and when it arrives.

    Columns: ``person, year, decile, long_stay, counted`` (Σ covered_copay), ``excluded``
    (Σ full_copay + noncovered, not counted), ``limit``, ``refund`` = max(0, counted − limit),
    ``prepaid`` (사전급여 by institution; lines without an institution name are not pooled),
    ``post_refund`` = refund − prepaid, ``refund_month`` (next year's August),
    ``burden`` = min(counted, limit) + excluded, ``over_ceiling_on_receipts`` (Σ ⑤ as printed).
    """
    tab = _table(spec.table)
    lines = _lines(receipts)
    frame = spec._frame(lines)
    frame["excluded"] = (lines["full_copay"] + lines["noncovered"]).to_numpy(dtype=np.int64)
    frame["over_ceiling"] = lines["over_ceiling"].to_numpy(dtype=np.int64)
    frame["institution"] = lines["institution"].to_numpy(dtype=object)
    keys = ["person", "year"]
    out = (
        frame.groupby(keys, sort=True)
        .agg(
            decile=("decile", "first"),
            long_stay=("long_stay", "first"),
            counted=("copay", "sum"),
            excluded=("excluded", "sum"),
            limit=("limit", "first"),
            over_ceiling_on_receipts=("over_ceiling", "sum"),
        )
        .reset_index()
    )
    named = frame[frame["institution"] != ""]
    per_inst = named.groupby([*keys, "institution"], sort=True).agg(
        total=("copay", "sum"), long_stay=("long_stay", "first")
    )
    if len(per_inst):
        per_inst = per_inst.reset_index()
        per_inst["prepaid"] = [
            prepaid(int(t), int(y), bool(s), tab)
            for t, y, s in zip(
                per_inst["total"], per_inst["year"], per_inst["long_stay"], strict=True
            )
        ]
        pre = per_inst.groupby(keys)["prepaid"].sum()
        out = out.merge(pre.rename("prepaid").reset_index(), on=keys, how="left")
        out["prepaid"] = out["prepaid"].fillna(0).astype(np.int64)
    else:
        out["prepaid"] = np.int64(0)
    out["refund"] = np.maximum(out["counted"] - out["limit"], 0).astype(np.int64)
    out["post_refund"] = out["refund"] - out["prepaid"]
    out["refund_month"] = [refund_month(int(y), tab) for y in out["year"]]
    out["burden"] = np.minimum(out["counted"], out["limit"]) + out["excluded"]
    columns = [
        "person",
        "year",
        "decile",
        "long_stay",
        "counted",
        "excluded",
        "limit",
        "refund",
        "prepaid",
        "post_refund",
        "refund_month",
        "burden",
        "over_ceiling_on_receipts",
    ]
    return out[columns]
