"""본인부담상한제 (the National Health Insurance yearly out-of-pocket ceiling).

The rule (rules.md §3.2, A): over a calendar year (1.1–12.31) a person's total of
급여 일부본인부담 본인부담금 (receipt column ①, canonical ``covered_copay``) above the
상한액 ``L(year, decile group, long stay)`` is paid by NHIS::

    counted   = Σ covered_copay                        (per person, per calendar year)
    refund    = max(0, counted − L)                    (사후환급, paid around next August)
    burden    = min(counted, L) + excluded              (what the patient finally bears)
    prepaid   = Σ_institution max(0, at_institution − L_max)   (사전급여, not for long stays)
    post      = refund − prepaid                        (paid after the year)

``L_max`` is the year's highest 상한액 (10분위, normal). **What counts**: only
``covered_copay``. 비급여 (``noncovered``), 전액본인부담 (``full_copay``), 선별급여, 2·3인실
상급병실 입원료, 추나요법, 임플란트 and 상급종합 경증 외래 are excluded (rules.md §3.2, A/B);
the canonical columns cannot tell 선별급여 etc. apart from the rest of column ①, so
``covered_copay`` is taken to hold only the counted part (see :func:`counted_copay`).

The table lives in ``silson_tools/data/ceiling.toml`` (dated, with sources and a confidence
tag per row). **Unknown cells** raise ``ValueError``; nothing is guessed. **Merged cells**:
before 2023 the 6~10분위 요양병원 cells are merged with the normal ones ("= normal"), i.e.
no separate 요양병원 value existed; ``limit(..., long_stay=True)`` then returns the normal
value and :func:`cell` reports ``merged=True``.

**Silson offset** (zone ``ceiling_offset``): the standard terms exclude what NHIS refunds or
can refund, before or after the event (rules.md §3.2). :class:`CeilingSpec` gives the claim
engine, per receipt line, the part of that line's covered co-pay above the person's own
상한액, taken chronologically within each person's calendar year.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .datafile import check_keys, fail, required
from .formulas import as_won, scalar_or_array

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
CONFIDENCE = ("A", "B", "C")
DEFAULT_PERSON = "본인"
"""The person a receipt line belongs to when the file has no ``person`` column."""

_ROW_KEYS = {"year", "kind", "confidence", "sources", "values", "notes", "cell_confidence"}
_META_KEYS = {
    "name",
    "unit",
    "period",
    "indexation",
    "refund_month",
    "refund_month_confidence",
    "refund_month_sources",
    "long_stay_days",
    "prepaid_excludes_long_stay_from",
    "prepaid_excludes_long_stay_sources",
}
_TOP_KEYS = {"meta", "groups", "sources", "row"}


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
    """Source URLs (or descriptions, where the source has no URL)."""
    note: str = ""

    @property
    def merged(self) -> bool:
        """True where the 요양병원 cell is merged with the normal one (6~10분위 before 2023)."""
        return self.status == "merged"


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

    @property
    def years(self) -> tuple[int, ...]:
        """Years with a row in the table (some cells may still be unknown), ascending."""
        return tuple(sorted({year for year, _, _ in self.cells}))


def _parse_groups(path: Path, raw: Mapping[str, Any]) -> tuple[dict[str, str], dict[int, str]]:
    if list(raw) != list(GROUPS):
        raise fail(path, "[groups]", f"expected groups {list(GROUPS)} in order, got {list(raw)}")
    labels: dict[str, str] = {}
    decile_to_group: dict[int, str] = {}
    for key, spec in raw.items():
        check_keys(path, f"[groups].{key}", spec, {"label", "deciles"})
        labels[key] = str(spec["label"])
        for decile in spec["deciles"]:
            if decile in decile_to_group:
                raise fail(path, f"[groups].{key}", f"decile {decile} is in two groups")
            decile_to_group[int(decile)] = key
    if sorted(decile_to_group) != list(range(1, 11)):
        raise fail(path, "[groups]", f"deciles must cover 1..10, got {sorted(decile_to_group)}")
    return labels, decile_to_group


def load_table(path: str | Path | None = None) -> CeilingTable:
    """Read and validate a ceiling table (default: the package's ``data/ceiling.toml``).

    Unknown keys, unknown source tags, missing or extra groups, duplicate (year, kind) rows,
    non-positive amounts and "merged" outside long-stay rows are errors naming the row.
    """
    path = Path(path) if path is not None else DATA_FILE
    with path.open("rb") as handle:
        raw = tomllib.load(handle)
    check_keys(path, "top level", raw, _TOP_KEYS)
    meta = raw.get("meta", {})
    check_keys(path, "[meta]", meta, _META_KEYS)
    labels, decile_to_group = _parse_groups(path, raw.get("groups", {}))
    sources: Mapping[str, str] = raw.get("sources", {})
    cells: dict[tuple[int, str, str], Cell] = {}
    seen: set[tuple[int, str]] = set()
    for i, row in enumerate(raw.get("row", [])):
        where = f"[[row]] #{i + 1} (year {row.get('year')!r}, kind {row.get('kind')!r})"
        check_keys(path, where, row, _ROW_KEYS)
        year, kind = row.get("year"), row.get("kind")
        if not isinstance(year, int) or isinstance(year, bool):
            raise fail(path, where, f"year must be an integer, got {year!r}")
        if kind not in KINDS:
            raise fail(path, where, f"kind must be one of {KINDS}, got {kind!r}")
        if (year, kind) in seen:
            raise fail(path, where, "duplicate row for this year and kind")
        seen.add((year, kind))
        confidence = row.get("confidence")
        if confidence not in CONFIDENCE:
            raise fail(path, where, f"confidence must be one of {CONFIDENCE}, got {confidence!r}")
        tags = row.get("sources", [])
        missing = [tag for tag in tags if tag not in sources]
        if missing:
            raise fail(path, where, f"unknown source tag(s) {missing}; known: {sorted(sources)}")
        values = row.get("values", {})
        if list(values) != list(GROUPS):
            raise fail(path, where, f"values must list groups {list(GROUPS)}, got {list(values)}")
        notes = row.get("notes", {})
        per_cell = row.get("cell_confidence", {})
        for extra in (notes, per_cell):
            if set(extra) - set(GROUPS):
                raise fail(path, where, f"notes/cell_confidence for unknown groups {list(extra)}")
        if any(isinstance(v, int) for v in values.values()) and not tags:
            raise fail(path, where, "a row with amounts must name at least one source")
        for group, value in values.items():
            if isinstance(value, int) and not isinstance(value, bool):
                if value <= 0:
                    raise fail(path, where, f"{group} must be a positive amount, got {value}")
                status, won = "known", value
            elif value == "unknown":
                status, won = "unknown", None
            elif value == "merged" and kind == "long_stay":
                status, won = "merged", None
            else:
                raise fail(path, where, f"{group} = {value!r}: expected won, 'unknown' or 'merged'")
            cells[(year, kind, group)] = Cell(
                year=year,
                kind=kind,
                group=group,
                label=labels[group],
                value=won,
                status=status,
                confidence=per_cell.get(group, confidence),
                sources=tuple(sources[tag] for tag in tags),
                note=notes.get(group, ""),
            )
    for year, kind in seen:
        if (year, "normal" if kind == "long_stay" else "long_stay") not in seen:
            raise fail(path, f"year {year}", "needs both a normal and a long_stay row")
    # a merged long-stay cell takes the normal value of its year and group
    for key, c in list(cells.items()):
        if c.status == "merged":
            normal = cells[(c.year, "normal", c.group)]
            if normal.value is None:
                raise fail(path, f"year {c.year}", f"{c.group} merged with an unknown normal cell")
            cells[key] = Cell(**{**c.__dict__, "value": normal.value})
    refund_month = int(required(path, "[meta]", meta, "refund_month"))
    if not 1 <= refund_month <= 12:
        raise fail(path, "[meta]", f"refund_month must be 1..12, got {refund_month}")
    return CeilingTable(
        cells=cells,
        labels=labels,
        decile_to_group=decile_to_group,
        refund_month=refund_month,
        long_stay_days=int(required(path, "[meta]", meta, "long_stay_days")),
        prepaid_excludes_long_stay_from=required(
            path, "[meta]", meta, "prepaid_excludes_long_stay_from"
        ),
        path=path,
    )


@cache
def _default_table() -> CeilingTable:
    return load_table()


def _table(table: CeilingTable | None) -> CeilingTable:
    return _default_table() if table is None else table


def years(table: CeilingTable | None = None) -> tuple[int, ...]:
    """Years in the table (2014–2026; some cells of some years are unknown)."""
    return _table(table).years


# --- lookups -------------------------------------------------------------------------------


def _check_year(year: Any, table: CeilingTable) -> int:
    known = table.years
    if isinstance(year, bool) or not isinstance(year, int | np.integer):
        raise ValueError(f"year must be an integer, got {year!r}; known years: {_span(known)}")
    if int(year) not in known:
        raise ValueError(f"year {year} is not in the ceiling table; known years: {_span(known)}")
    return int(year)


def _span(known: tuple[int, ...]) -> str:
    return f"{known[0]}–{known[-1]}" if known else "none"


def decile_group(decile: Any, table: CeilingTable | None = None) -> str:
    """소득분위 1..10 → group key (1 → ``d1``, 2–3 → ``d2_3``, …, 10 → ``d10``)."""
    tab = _table(table)
    if isinstance(decile, bool) or not isinstance(decile, int | np.integer):
        raise ValueError(f"decile must be an integer 1–10, got {decile!r}")
    if int(decile) not in tab.decile_to_group:
        raise ValueError(f"decile must be between 1 and 10, got {decile!r}")
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
    2023) return the normal value; unknown cells raise ``ValueError`` naming year and group.
    """
    c = cell(year, decile, long_stay, table)
    if c.value is None:
        kind = "요양병원 120일 초과 (long_stay)" if long_stay else "normal"
        known = [y for y in _table(table).years if _table(table).cells[(y, c.kind, c.group)].value]
        raise ValueError(
            f"상한액 unknown for year {c.year}, {c.label} ({c.group}), {kind}: no source gives "
            f"this cell{' (' + c.note + ')' if c.note else ''}; years known for this cell: "
            f"{', '.join(map(str, known)) or 'none'}"
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

    ``copay_total`` is the calendar year's Σ 급여 일부본인부담 (scalar or array). Seed 003:
    ``refund(7_700_000, 2023, 4, long_stay=True) == 5_430_000``.
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
    returns 0 when ``long_stay`` (rules.md §3.2, A). Before the exclusion took effect
    (2020-01-01) the long-stay case is not in the rule data and raises ``ValueError``.
    """
    tab = _table(table)
    total = as_won("institution_total", institution_total)
    if long_stay:
        if dt.date(_check_year(year, tab), 12, 31) < tab.prepaid_excludes_long_stay_from:
            raise ValueError(
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


def _amount_column(receipts: pd.DataFrame, column: str, required: bool = True) -> np.ndarray:
    """A won column → int64 array; missing values, text, negatives raise naming the row."""
    if column not in receipts.columns:
        if required:
            raise ValueError(f"receipts: missing column {column!r}; have {list(receipts.columns)}")
        return np.zeros(len(receipts), dtype=np.int64)
    values = pd.to_numeric(receipts[column], errors="coerce")
    bad = values.isna() | (values < 0) | (values != np.floor(values))
    if bad.any():
        row = receipts.index[np.flatnonzero(bad.to_numpy())[0]]
        value = _show(receipts.at[row, column])
        raise ValueError(
            f"receipts: row {row!r}, column {column!r}: {value!r} is not a "
            "whole, non-negative amount of won"
        )
    return values.to_numpy().astype(np.int64)


def _dates(receipts: pd.DataFrame) -> pd.Series:
    if "date" not in receipts.columns:
        raise ValueError(f"receipts: missing column 'date'; have {list(receipts.columns)}")
    dates = pd.to_datetime(receipts["date"], errors="coerce")
    if dates.isna().any():
        row = receipts.index[np.flatnonzero(dates.isna().to_numpy())[0]]
        value = _show(receipts.at[row, "date"])
        raise ValueError(f"receipts: row {row!r}, column 'date': {value!r} is not a date")
    return dates


def _persons(receipts: pd.DataFrame) -> pd.Series:
    if "person" not in receipts.columns:
        return pd.Series(DEFAULT_PERSON, index=receipts.index, dtype=object)
    persons = receipts["person"]
    if persons.isna().any():
        row = receipts.index[np.flatnonzero(persons.isna().to_numpy())[0]]
        raise ValueError(f"receipts: row {row!r}, column 'person' is empty")
    return persons.astype(str)


def counted_copay(receipts: pd.DataFrame) -> np.ndarray:
    """The amount of each line that counts towards the ceiling: ``covered_copay`` only (won).

    급여 일부본인부담 본인부담금 (receipt column ①). Not counted: ``noncovered`` (비급여),
    ``full_copay`` (전액본인부담); 선별급여 and the other exclusions must not be in
    ``covered_copay`` (the canonical columns cannot separate them).
    """
    return _amount_column(receipts, "covered_copay")


def _per_person(name: str, value: Any, persons: pd.Series, check: Any) -> np.ndarray:
    """A scalar or a person → value mapping, as one value per line (ValueError if missing)."""
    if isinstance(value, Mapping):
        missing = sorted(set(persons) - {str(k) for k in value})
        if missing:
            raise ValueError(
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
        raise ValueError(f"long_stay must be True or False, got {value!r}")
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
        persons = _persons(receipts)
        dates = _dates(receipts)
        frame = pd.DataFrame(
            {
                "person": persons.to_numpy(),
                "year": dates.dt.year.to_numpy(),
                "date": dates.to_numpy(),
                "copay": counted_copay(receipts),
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

    def line_offsets(self, receipts: pd.DataFrame) -> np.ndarray:
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
    frame = spec._frame(receipts)
    frame["excluded"] = _amount_column(receipts, "full_copay", False) + _amount_column(
        receipts, "noncovered", False
    )
    frame["over_ceiling"] = _amount_column(receipts, "over_ceiling", False)
    institutions = (
        receipts["institution"].fillna("").astype(str).to_numpy()
        if "institution" in receipts.columns
        else np.full(len(receipts), "", dtype=object)
    )
    frame["institution"] = institutions
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


# --- tables and views for notebook 04 --------------------------------------------------------


def limits_table(table: CeilingTable | None = None) -> pd.DataFrame:
    """The whole 상한액 table, one row per (year, kind), one column per group (won or NA).

    Extra columns: ``confidence`` (the row's tag) and ``merged`` (groups whose long-stay
    cell is merged with normal). Unknown cells are ``<NA>``; merged cells show the value used.
    """
    tab = _table(table)
    rows = []
    for year in reversed(tab.years):
        for kind in KINDS:
            cells = [tab.cells[(year, kind, g)] for g in GROUPS]
            row: dict[str, Any] = {"year": year, "kind": kind}
            row |= {tab.labels[c.group]: c.value for c in cells}
            row["confidence"] = cells[0].confidence
            row["merged"] = ", ".join(c.label for c in cells if c.merged)
            rows.append(row)
    frame = pd.DataFrame(rows)
    for label in tab.labels.values():
        frame[label] = frame[label].astype("Int64")
    return frame


def readout(
    year: int,
    decile: int,
    long_stay: bool,
    copay_total: int,
    excluded: int = 0,
    table: CeilingTable | None = None,
) -> dict[str, Any]:
    """What the notebook's readout shows for one set of slider values (pure; won as int).

    Keys: ``group, limit, refund, burden, refund_month, confidence, merged, prepaid_threshold``
    (``None`` where the year's highest ceiling is unknown) and ``prepaid_applies`` (False for
    long stays). Unknown cells raise ``ValueError`` like :func:`limit`.
    """
    tab = _table(table)
    c = cell(year, decile, long_stay, tab)
    cap = limit(year, decile, long_stay, tab)
    top = tab.cells[(year, "normal", "d10")].value
    return {
        "group": c.label,
        "limit": cap,
        "refund": refund(copay_total, year, decile, long_stay, tab),
        "burden": burden(copay_total, year, decile, long_stay, excluded, tab),
        "refund_month": str(refund_month(year, tab)),
        "confidence": c.confidence,
        "merged": c.merged,
        "prepaid_threshold": top,
        "prepaid_applies": not long_stay,
    }


def plot_burden(
    year: int,
    decile: int,
    long_stay: bool,
    copay_total: int,
    table: CeilingTable | None = None,
) -> Any:
    """Figure: what the patient finally bears against the year's covered co-pay.

    burden = min(copay, L): a line with a kink at L; the gap to the diagonal is the refund.
    The other decile groups of the same year are drawn faintly where known.
    """
    from matplotlib.figure import Figure

    from .fonts import use_korean_font
    from .plots import won_axis

    use_korean_font()
    tab = _table(table)
    cap = limit(year, decile, long_stay, tab)
    total = int(as_won("copay_total", copay_total))
    top = max(2 * cap, int(total * 1.15), 1_000_000)
    x = np.linspace(0, top, 401).astype(np.int64)
    fig = Figure(figsize=(8.5, 4.6))
    fig.subplots_adjust(left=0.1, right=0.95, bottom=0.12, top=0.92)
    ax = fig.subplots()
    for d in (1, 2, 4, 6, 8, 9, 10):
        other = tab.cells[(year, "long_stay" if long_stay else "normal", decile_group(d, tab))]
        if other.value is not None and other.group != decile_group(decile, tab):
            ax.plot(x, np.minimum(x, other.value), color="#bbbbbb", lw=0.8)
            if other.value < top:
                ax.text(top, other.value, f" {other.label}", fontsize=7, color="#888", va="center")
    ax.plot(x, x, color="#555", ls=":", lw=1, label="상한제가 없을 때 (no ceiling)")
    ax.fill_between(
        x, np.minimum(x, cap), x, color="#17becf", alpha=0.25, label="공단 환급분 (refund)"
    )
    ax.plot(x, np.minimum(x, cap), color="#c0392b", lw=2.2, label="최종 본인부담 (final burden)")
    ax.axhline(cap, color="#c0392b", lw=0.8, ls="--")
    ax.annotate(
        f"상한액 L = {cap / 10_000:,.0f}만원",
        (cap, cap),
        xytext=(8, -16),
        textcoords="offset points",
        fontsize=9,
        color="#c0392b",
    )
    paid_back = max(total - cap, 0)
    ax.plot([total], [min(total, cap)], "o", color="black", ms=6)
    ax.vlines(total, min(total, cap), total, color="#17becf", lw=2.5)
    left = total > 0.55 * top
    ax.annotate(
        f"본인부담 {total / 10_000:,.0f}만, 환급 {paid_back / 10_000:,.0f}만",
        (total, min(total, cap)),
        xytext=(-8 if left else 8, 10),
        textcoords="offset points",
        ha="right" if left else "left",
        fontsize=9,
        bbox={"boxstyle": "round", "fc": "white", "ec": "#999", "alpha": 0.9},
    )
    kind = "요양병원 120일 초과" if long_stay else "일반"
    ax.set_title(
        f"{year}년 {tab.labels[decile_group(decile, tab)]} ({kind}): "
        "연간 급여 본인부담금과 최종 부담",
        fontsize=11,
    )
    ax.set_xlabel("연간 급여 일부본인부담금 합계 (covered co-pay, 원)")
    ax.set_ylabel("최종 본인부담 (원)")
    ax.xaxis.set_major_formatter(won_axis)
    ax.yaxis.set_major_formatter(won_axis)
    ax.set_xlim(0, top * 1.08)
    ax.set_ylim(0, top)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=8.5)
    return fig


def readout_html(values: Mapping[str, Any]) -> str:
    """The readout as a small HTML table (Korean labels, amounts in 원)."""
    from .money import format_won

    rows = [
        ("소득 구간 (decile group)", values["group"]),
        ("본인부담상한액 (ceiling)", format_won(values["limit"], unit="won")),
        ("공단 환급 (refund)", format_won(values["refund"], unit="won")),
        ("최종 본인부담 (final burden)", format_won(values["burden"], unit="won")),
        ("환급 시기 (paid around)", values["refund_month"]),
        ("근거 신뢰도 (confidence)", values["confidence"]),
    ]
    if values["merged"]:
        rows.append(("요양병원 값", "일반과 같음 (merged: 별도 값 없음)"))
    if values["prepaid_applies"] and values["prepaid_threshold"] is not None:
        rows.append(
            ("사전급여 기준 (한 병원)", format_won(values["prepaid_threshold"], unit="won"))
        )
    elif not values["prepaid_applies"]:
        rows.append(("사전급여", "요양병원 120일 초과: 적용 안 됨, 사후환급만"))
    body = "".join(
        f"<tr><td>{k}</td><td style='text-align:right'><b>{v}</b></td></tr>" for k, v in rows
    )
    return f"<table>{body}</table>"


def show(year: int, decile: int, long_stay: bool, copay_total: int) -> None:
    """Slider callback: display the readout and the burden plot (an unknown cell says so)."""
    from IPython.display import HTML, display

    try:
        values = readout(year, decile, long_stay, copay_total)
    except ValueError as err:
        display(HTML(f"<p style='color:#b00'>모름 (unknown, 추측하지 않음): {err}</p>"))
        return None
    display(HTML(readout_html(values)))
    display(plot_burden(year, decile, long_stay, copay_total))
    return None


def slider_app(
    year: int = 2024, decile: int = 3, long_stay: bool = False, copay_total: int = 4_600_000
) -> Any:
    """Sliders for year, decile, long stay and the year's covered co-pay, wired to :func:`show`."""
    import ipywidgets as w

    style = {"description_width": "16em"}
    layout = w.Layout(width="38em")
    controls = {
        "year": w.Dropdown(
            options=list(reversed(years())), value=year, description="연도 (year)", style=style
        ),
        "decile": w.IntSlider(
            value=decile,
            min=1,
            max=10,
            description="소득분위 (decile)",
            continuous_update=False,
            style=style,
            layout=layout,
        ),
        "long_stay": w.Checkbox(
            value=long_stay, description="요양병원 120일 초과 (long stay)", indent=False
        ),
        "copay_total": w.IntSlider(
            value=copay_total,
            min=0,
            max=20_000_000,
            step=100_000,
            description="연간 급여 본인부담금 (원)",
            continuous_update=False,
            style=style,
            layout=layout,
        ),
    }
    out = w.interactive_output(show, controls)
    return w.VBox([*controls.values(), out])


def table_status(table: CeilingTable | None = None) -> pd.DataFrame:
    """One row per (year, kind): confidence, unknown groups, merged groups and notes."""
    tab = _table(table)
    rows = []
    for year in tab.years:
        for kind in KINDS:
            cells = [tab.cells[(year, kind, g)] for g in GROUPS]
            rows.append(
                {
                    "year": year,
                    "kind": kind,
                    "confidence": "".join(sorted({c.confidence for c in cells})),
                    "known": sum(c.status == "known" for c in cells),
                    "unknown": ", ".join(c.label for c in cells if c.status == "unknown"),
                    "merged": ", ".join(c.label for c in cells if c.merged),
                    "note": " / ".join(f"{c.label}: {c.note}" for c in cells if c.note),
                }
            )
    return pd.DataFrame(rows)


def plot_year(receipts: pd.DataFrame, spec: CeilingSpec, person: str | None = None) -> Any:
    """Figure: one person's running Σ covered co-pay over a calendar year against the 상한액.

    Uses the first year of that person's receipts; the part above the line is refunded.
    """
    from matplotlib.figure import Figure

    from .fonts import use_korean_font
    from .plots import won_axis

    use_korean_font()
    frame = spec._frame(receipts)
    who = person if person is not None else str(frame["person"].iloc[0])
    mine = frame[frame["person"] == who]
    if mine.empty:
        raise ValueError(f"person {who!r} has no receipts; have {sorted(set(frame['person']))}")
    year = int(mine["year"].min())
    mine = mine[mine["year"] == year].sort_values("date", kind="stable")
    cum = mine["copay"].cumsum().to_numpy()
    cap = int(mine["limit"].iloc[0])
    fig = Figure(figsize=(8.5, 4.2))
    fig.subplots_adjust(left=0.1, right=0.97, bottom=0.2, top=0.92)
    ax = fig.subplots()
    dates = mine["date"].to_numpy()
    ax.step(dates, cum, where="post", color="#1f77b4", lw=2, label="누적 급여 본인부담금")
    ax.step(
        dates,
        np.minimum(cum, cap),
        where="post",
        color="#c0392b",
        lw=2,
        label="최종 본인부담 (상한 적용)",
    )
    ax.axhline(cap, color="#c0392b", ls="--", lw=1)
    ax.fill_between(
        dates,
        np.minimum(cum, cap),
        cum,
        step="post",
        color="#17becf",
        alpha=0.3,
        label="공단 환급분 (ceiling_offset)",
    )
    ax.text(dates[0], cap, f" 상한액 {cap / 10_000:,.0f}만원", va="bottom", color="#c0392b")
    ax.yaxis.set_major_formatter(won_axis)
    ax.set_ylabel("원 (won)")
    ax.set_title(f"{who}의 {year}년: 급여 본인부담금 누적과 상한액", fontsize=11)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=8.5)
    fig.autofmt_xdate()
    return fig
