"""The 본인부담상한액 table (``silson_tools/data/ceiling.toml``): its cells, read and checked.

:func:`load_table` reads the file into a :class:`CeilingTable` of :class:`Cell` s; the rule's
arithmetic (limit, refund, 사전급여, per-line offsets) is :mod:`silson_tools.ceiling`, which
re-exports these names.

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

**Periods.** A row's ``period`` (``year`` by default, ``half_year``, ``first_half``,
``second_half``; Korean labels in the file's ``[periods]``) says which part of its year the
amount caps: from 2008 the calendar year, before that half-years (see
:mod:`silson_tools.ceiling`, "Periods"). Each cell carries its window (``window``, ``start``,
``end``); :attr:`CeilingTable.cells` holds the calendar-year cells by (year, kind, group) and
:attr:`CeilingTable.windows` every cell by (first day of its window, kind, group).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
    parse_toml,
    read_facts,
    required,
    resolve_sources,
    section,
    table_context,
    table_text,
)

__all__ = ["DATA_FILE", "GROUPS", "KINDS", "PERIODS", "CeilingTable", "Cell", "load_table"]

DATA_FILE = Path(__file__).parent / "data" / "ceiling.toml"
GROUPS: tuple[str, ...] = ("d1", "d2_3", "d4_5", "d6_7", "d8", "d9", "d10")
"""소득분위 구간 keys, lowest first (1분위, 2~3분위, …, 10분위)."""
KINDS: tuple[str, ...] = ("normal", "long_stay")
"""normal, or long_stay = 요양병원 120일 초과 in the same year."""

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
    "uncounted_categories": "text",
    "partly_uncounted_categories": "text",
}
"""The ``[rules.*]`` entries and the unit each is read in."""
_CATEGORY_RULES = ("uncounted_categories", "partly_uncounted_categories")
"""Rules whose value is a comma-separated list of 항목 codes (``schema.CATEGORIES``)."""
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
    """The loaded ceiling table: cells by (year, kind, group), plus the file's metadata.
    Frozen: ``years``, ``period_years`` and ``starts`` are worked out once."""

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
    uncounted: tuple[str, ...] = ()
    """항목 (category) codes whose ① the 상한제 does not count at all (2·3인실 입원료 on a
    ``room_upgrade`` line): ``[rules.uncounted_categories]``."""
    partly_uncounted: tuple[str, ...] = ()
    """항목 codes that hold an excluded item beside counted care (추나 in ``oriental``, 노인
    임플란트 in ``dental``): their ① is left out too, so the refund is never overstated;
    ``[rules.partly_uncounted_categories]``."""

    @functools.cached_property
    def years(self) -> tuple[int, ...]:
        """Years whose 상한액 caps the calendar year (some cells may be unknown), ascending:
        the years :func:`limit` answers."""
        return tuple(sorted({year for year, _, _ in self.cells}))

    @functools.cached_property
    def period_years(self) -> tuple[int, ...]:
        """Years whose 상한액 is not a calendar-year amount (half-years, a change mid-year)."""
        return tuple(sorted({c.year for c in self.windows.values()} - set(self.years)))

    @functools.cached_property
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


def _categories(ctx: Ctx, facts: Mapping[str, Fact], key: str) -> tuple[str, ...]:
    """A ``[rules.KEY]`` list of 항목 codes ("a, b"), each checked against the schema."""
    from .schema import CATEGORIES

    fact = facts.get(key)
    if fact is None:
        return ()
    codes = tuple(c.strip() for c in str(fact.value).split(",") if c.strip())
    unknown = [c for c in codes if c not in CATEGORIES]
    if unknown:
        raise ctx.error(
            f"rules.{key}.value", f"unknown 항목 code(s) {unknown}; expected {sorted(CATEGORIES)}"
        )
    return codes


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
    return _table_of(path, shown, table_text(path, shown))


@functools.lru_cache(maxsize=16)
def _table_of(path: Path, shown: str, text: str) -> CeilingTable:
    """:func:`load_table`'s work on the file's ``text``: done once per text (the table is
    frozen), so a changed file is read anew and an unchanged one is not validated again."""
    raw = parse_toml(text, shown)
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
    uncounted = {k: _categories(ctx, facts, k) for k in _CATEGORY_RULES}
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
        uncounted=uncounted["uncounted_categories"],
        partly_uncounted=uncounted["partly_uncounted_categories"],
    )
