"""Dated parameters, OpenFisca style: the one loader and validator for rule data files.

Every number of a policy's terms or of a law is a *parameter*: a unit, a Korean label and a
series of dated values, each with its confidence and its source. In TOML (one table per
parameter, so a person editing it sees the whole history of one number together)::

    [parts.covered.outpatient.min_clinic]
    unit = "won"
    label = "통원 최소공제 (의원·병원)"
    values."2021-07-01" = { value = 10_000, confidence = "A", source = "fss-4g-terms" }
    values."2027-01-01" = { ended = true, confidence = "B", source = "…" }

Keys of a parameter table: ``unit``, ``label``, ``values`` (nothing else). Keys of a dated
value: ``value`` (or ``ended = true``, OpenFisca's ``null``: the rule no longer exists from
that date), ``confidence``, ``source``, optional ``note``. Unknown keys are an error (a
misplaced key is never silently ignored; in PolicyEngine-US such keys froze parameters:
https://github.com/PolicyEngine/policyengine-us/issues/8905).

**Units** (checked on every value): ``won`` a whole number of won, 0 to 10¹²; ``rate`` a share
between 0 and 1; ``count`` (횟수), ``years`` (년), ``days`` (일) whole numbers ≥ 0. These five
(:data:`PARAM_UNITS`) are the units a dated parameter may declare. The rule tables (상한액,
할인·할증 등급) also read, for their :class:`Fact` entries and columns, ``month`` (a month of
the year, 1–12), ``months`` (a number of months), ``ppm`` (parts per million of a premium),
``date`` (a TOML date), ``text`` and ``grades`` (a list of grade numbers); all are in
:data:`UNITS`.

**Rule tables** (``data/ceiling.toml``, ``data/premium_grades.toml``) keep grids, but each of
their other values is a :class:`Fact`, read by :func:`read_fact`: a parameter's ``unit`` and
``label`` with one dated value's keys (``value``, ``confidence``, ``source``, ``note``) and no
date.

**Confidence**: ``A`` official text (or a verbatim reproduction) agreed by a second source;
``B`` a detailed secondary source quoting the official text, or several agreeing secondary
sources; ``C`` a single blog or news source, or inferred: check before relying on it;
``user`` a value given by the user (an override or a custom file).

**Sources**: ``source`` names an entry of ``silson_tools/data/sources.toml`` (the title and
the address of the original document, written once for the whole package), or of the file's
own ``[sources.KEY]`` tables (``title``, ``url``); it may also be an inline
``{ title = "…", url = "https://…" }`` or a list of these.

**Clock**. A dated value is *in force from* its date; on a date before the first one the
first value applies (so any receipts can be assessed "as if" under a product). Which date
is looked up depends on what the parameter belongs to:

- **Product terms (약관) run on the contract date (계약일).** The terms of a contract are
  those of the wording it was signed under; a later revision of the wording does not change
  contracts already signed (a 재가입 is a new contract under the then-current terms, and a
  different product file). So a product's dated values answer "which terms did a contract
  signed on this date get?", and :meth:`Param.for_contract` / ``Policy.for_contract`` resolve
  them once, for the contract date.
- **Law (NHI co-pay rates, ``data/nhi/copay.toml``; the 상한액 table) runs on the date of
  care**: the rate in force on the day of the visit applies, whatever the contract.

:meth:`Param.at`, :meth:`Param.on` and :meth:`Param.ppm` look a value up on whatever date
they are given; the caller chooses the clock.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import InputError, RuleDataError
from .formulas import PPM
from .rule_files import copy_tree, parse_toml, read_table, read_toml, table_text

if TYPE_CHECKING:
    from .dates import DateLike  # dates imports pandas; the rule loader does not need it

__all__ = [
    "CONFIDENCE",
    "DATA_DIR",
    "FACT_KEYS",
    "MAX_AMOUNT",
    "NHI_COPAY_FILE",
    "PARAM_UNITS",
    "SOURCES_FILE",
    "UNITS",
    "Ctx",
    "Fact",
    "Param",
    "Source",
    "Unit",
    "check_confidence",
    "check_keys",
    "check_unit",
    "copy_tree",
    "fail",
    "label_of",
    "load_parameters",
    "load_sources",
    "nhi_copay",
    "parse_param",
    "parse_toml",
    "read_fact",
    "read_facts",
    "read_table",
    "read_toml",
    "required",
    "resolve_sources",
    "section",
    "table_context",
    "table_text",
]

DATA_DIR = Path(__file__).resolve().parent / "data"
SOURCES_FILE = DATA_DIR / "sources.toml"
"""Titles and addresses of the original documents, one entry per document."""
NHI_COPAY_FILE = DATA_DIR / "nhi" / "copay.toml"
"""국민건강보험 본인부담률 (NHI co-pay rates), a law table: runs on the date of care."""

CONFIDENCE = ("A", "B", "C", "user")
MAX_AMOUNT = 10**12
PARAM_KEYS = {"unit", "label", "values"}
VALUE_KEYS = {"value", "ended", "confidence", "source", "note"}
SOURCE_KEYS = {"title", "url"}


# --- units ---------------------------------------------------------------------------------------


NUMBER_KINDS = ("rate", "amount", "count")
"""The kinds of numeric units (what ``Param.kind`` reports and the engine reads)."""


@dataclass(frozen=True)
class Unit:
    """A unit: its Korean name, its kind and, for a number, its bound.

    ``kind`` is ``rate`` / ``amount`` / ``count`` for numbers (:data:`NUMBER_KINDS`), or
    ``date`` / ``text`` / ``grades`` for the rule tables' non-numeric facts.
    """

    name: str
    label: str
    kind: str
    maximum: float = 0

    def check(self, value: Any) -> int | float | str:
        """For a numeric unit: ``value`` as the engine reads it (float rate, int otherwise), or
        the problem (text). :meth:`read` reads any unit."""
        if self.kind not in NUMBER_KINDS:
            raise TypeError(f"{self.name} is not a numeric unit; use Unit.read")
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"expected a number, got {value!r}"
        if self.kind == "rate":
            if not 0 <= value <= 1:
                return f"a rate must be between 0 and 1, got {value!r}"
            return float(value)
        if value < 0:
            return f"must not be negative, got {value!r}"
        if value != int(value):
            return f"expected a whole number ({self.name}), got {value!r}"
        if value > self.maximum:
            return f"larger than {int(self.maximum):,} ({self.name}), got {value!r}"
        return int(value)

    def read(self, value: Any) -> int | float | dt.date | str | tuple[int, ...]:
        """``value`` as the loaders keep it (a number as :meth:`check` gives it, a date, a
        text, a tuple of grade numbers), or an :class:`InputError` saying what is wrong (the
        loaders re-raise it naming the file and the key)."""
        if self.kind in NUMBER_KINDS:
            checked = self.check(value)
            if isinstance(checked, str):
                raise InputError(checked)
            return checked
        if self.kind == "date":
            if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
                raise InputError(f"expected a date like 2020-01-01, got {value!r}")
            return value
        if self.kind == "grades":
            ok = isinstance(value, list) and all(
                isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in value
            )
            if not ok:
                raise InputError(f"expected a list of grade numbers, got {value!r}")
            return tuple(value)
        if not isinstance(value, str) or not value.strip():
            raise InputError(f"expected text, got {value!r}")
        return value

    def show(self, value: Any) -> str:
        """The value as a person reads it: ``20%``, ``10,000원``, ``180회``, ``2년``, ``8월``,
        ``25%`` (ppm), ``2024-07-01``, ``1, 2등급``."""
        if value is None:
            return "종료 (ended)"
        if self.kind == "rate":
            return f"{value * 100:g}%"
        if self.name == "ppm":
            return f"{value / 10_000:g}%"
        if self.kind == "date":
            return value.isoformat()
        if self.kind == "grades":
            return ", ".join(map(str, value)) + "등급"
        if self.kind == "text":
            return str(value)
        return f"{value:,}{self.label}"


UNITS: dict[str, Unit] = {
    "won": Unit("won", "원", "amount", MAX_AMOUNT),
    "rate": Unit("rate", "", "rate", 1),
    "count": Unit("count", "회", "count", 10**6),
    "years": Unit("years", "년", "count", 100),
    "days": Unit("days", "일", "count", 36_500),
    "month": Unit("month", "월", "count", 12),
    "months": Unit("months", "개월", "count", 1200),
    "ppm": Unit("ppm", "ppm", "count", 10**9),
    "date": Unit("date", "날짜", "date"),
    "text": Unit("text", "설명", "text"),
    "grades": Unit("grades", "등급", "grades"),
}
"""Every unit a rule data file may declare (see the module docstring)."""
PARAM_UNITS: tuple[str, ...] = ("won", "rate", "count", "years", "days")
"""The units a dated parameter may declare; their ``kind`` is what ``Param.kind`` reports."""


# --- sources -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """An original document: its title and address (``url`` may be empty if none is known)."""

    title: str
    url: str = ""

    def __str__(self) -> str:
        return f"{self.title}, {self.url}" if self.url else self.title


# --- small checks shared by every loader of rule tables (ceiling, premium, products) -------------


def fail(path: str | Path, where: str, message: str) -> RuleDataError:
    """``RuleDataError("<file>: <where>: <message>")`` (a ``ValueError``)."""
    return RuleDataError(str(path), where, message)


def check_keys(
    path: str | Path, where: str, got: Mapping[str, Any], allowed: Iterable[str]
) -> None:
    """Refuse keys the format does not know."""
    allowed = set(allowed)
    unknown = sorted(set(got) - allowed)
    if unknown:
        key = f"{where}.{unknown[0]}" if where else unknown[0]
        raise fail(path, key, f"unknown key; expected one of {', '.join(sorted(allowed))}")


def required(path: str | Path, where: str, table: Mapping[str, Any], key: str) -> Any:
    """``table[key]``, or an error naming file and key: rule numbers have no code defaults."""
    if key not in table:
        raise fail(path, f"{where}.{key}" if where else key, "missing required value")
    return table[key]


# --- parsing context -----------------------------------------------------------------------------


class Ctx:
    """Where we are (file name for messages) and which sources the file may cite."""

    def __init__(self, file: str, sources: Mapping[str, Source] | None = None) -> None:
        self.file = file
        self.sources: Mapping[str, Source] = load_sources() if sources is None else sources

    def error(self, where: str, message: str) -> RuleDataError:
        return RuleDataError(self.file, where, message)

    def with_local_sources(self, raw: Any, where: str = "sources") -> Ctx:
        """A context that also knows the file's own ``[sources.KEY]`` tables."""
        if raw is None:
            return self
        local = parse_sources(self.file, raw, where)
        clash = sorted(set(local) & set(self.sources))
        if clash:
            raise self.error(f"{where}.{clash[0]}", "already defined in data/sources.toml")
        return Ctx(self.file, {**self.sources, **local})


def parse_sources(file: str, raw: Any, where: str = "sources") -> dict[str, Source]:
    """``{key: {title, url}}`` tables → :class:`Source` by key."""
    if not isinstance(raw, Mapping):
        raise fail(file, where, "expected [sources.KEY] tables with title and url")
    out: dict[str, Source] = {}
    for key, entry in raw.items():
        out[key] = _source_table(file, f"{where}.{key}", entry)
    return out


def _source_table(file: str, where: str, entry: Any) -> Source:
    if not isinstance(entry, Mapping):
        raise fail(file, where, 'expected { title = "…", url = "https://…" }')
    check_keys(file, where, entry, SOURCE_KEYS)
    title = required(file, where, entry, "title")
    url = entry.get("url", "")
    if not isinstance(title, str) or not title.strip():
        raise fail(file, f"{where}.title", "expected the title of the original document")
    if not isinstance(url, str) or (url and not url.startswith(("http://", "https://"))):
        raise fail(file, f"{where}.url", f"expected an address starting with https://, got {url!r}")
    return Source(title.strip(), url)


@functools.cache
def _shared_sources(path: str) -> dict[str, Source]:
    raw = read_toml(path, "data/sources.toml")
    return parse_sources("data/sources.toml", raw, "")


def load_sources(path: str | Path = SOURCES_FILE) -> dict[str, Source]:
    """The shared source registry (``data/sources.toml``): key → title and address."""
    return dict(_shared_sources(str(path)))


def resolve_sources(ctx: Ctx, where: str, raw: Any) -> tuple[Source, ...]:
    items = raw if isinstance(raw, list) else [raw]
    if not items:
        raise ctx.error(where, "expected at least one source")
    out = []
    for i, item in enumerate(items):
        at = f"{where}[{i}]" if isinstance(raw, list) else where
        if isinstance(item, str):
            if item not in ctx.sources:
                raise ctx.error(
                    at,
                    f"unknown source {item!r}: add it to data/sources.toml or to the file's "
                    "[sources] tables, or write { title = …, url = … }",
                )
            out.append(ctx.sources[item])
        else:
            out.append(_source_table(ctx.file, at, item))
    return tuple(out)


# --- parameters ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    """A dated parameter: ``values[i]`` is in force from ``dates[i]`` (sorted).

    A value of ``None`` means the parameter was ended on that date (OpenFisca ``null``).
    ``sources[i]`` is the display text of the sources of value ``i`` ("title, address");
    ``references[i]`` the same as :class:`Source` objects.
    """

    path: str
    kind: str
    dates: tuple[dt.date, ...]
    values: tuple[Any, ...]
    confidence: tuple[str, ...]
    sources: tuple[str, ...]
    notes: tuple[str, ...] = ()
    unit: str = ""
    label: str = ""
    references: tuple[tuple[Source, ...], ...] = ()

    def index(self, date: DateLike) -> int:
        """Position of the value in force on ``date`` (the first one for earlier dates)."""
        edges = np.array(self.dates, dtype="datetime64[D]")
        return max(int(np.searchsorted(edges, np.datetime64(date, "D"), side="right")) - 1, 0)

    def at(self, date: DateLike) -> Any:
        """The value in force on ``date`` (the first value for earlier dates; None if ended):
        a float for a rate, an int otherwise (typed Any: the type follows :attr:`unit`)."""
        return self.values[self.index(date)]

    def on(self, days: np.ndarray) -> Any:
        """Values in force on each of ``days`` (datetime64[D]); a scalar when undated (float
        for a rate, int otherwise, as in :meth:`at`)."""
        if len(self.values) == 1:
            return self.values[0]
        edges = np.array(self.dates, dtype="datetime64[D]")
        idx = np.maximum(np.searchsorted(edges, days, side="right") - 1, 0)
        if None in self.values:
            ended = [i for i, v in enumerate(self.values) if v is None]
            if np.isin(idx, ended).any():
                day = np.asarray(days)[np.isin(idx, ended)].ravel()[0]
                raise InputError(
                    f"{self.path}: no value on {day}: the parameter ended on "
                    f"{self.dates[ended[0]]} (resolve the policy for its contract date first)"
                )
            return np.asarray(self.values, dtype=object)[idx].astype(type(self.values[0]))
        return np.asarray(self.values)[idx]

    def ppm(self, days: np.ndarray) -> int | np.ndarray:
        """A rate's value(s) in integer parts per million (see formulas.PPM)."""
        if len(self.values) == 1:
            return round(self.values[0] * PPM)
        return np.rint(np.asarray(self.on(days), dtype=np.float64) * PPM).astype(np.int64)

    def for_contract(self, date: DateLike) -> Param | None:
        """The parameter as a contract signed on ``date`` has it: the one value in force then
        (None when the parameter had ended by then)."""
        i = self.index(date)
        if self.values[i] is None:
            return None

        def pick(seq: tuple[Any, ...]) -> tuple[Any, ...]:
            return (seq[i],) if seq else ()

        return replace(
            self,
            dates=pick(self.dates),
            values=pick(self.values),
            confidence=pick(self.confidence),
            sources=pick(self.sources),
            notes=pick(self.notes),
            references=pick(self.references),
        )

    @property
    def uncertain(self) -> bool:
        """True when any dated value is tagged C (blog/news only, or inferred)."""
        return "C" in self.confidence

    @property
    def ended(self) -> bool:
        """True when the latest dated value ends the parameter."""
        return self.values[-1] is None

    def show(self, value: Any) -> str:
        """A value of this parameter as a person reads it (``20%``, ``10,000원``)."""
        return UNITS[self.unit].show(value) if self.unit in UNITS else str(value)


def _date_key(ctx: Ctx, where: str, key: Any) -> dt.date:
    if isinstance(key, dt.date) and not isinstance(key, dt.datetime):
        return key
    try:
        return dt.date.fromisoformat(str(key))
    except ValueError:
        raise ctx.error(where, "expected an effective date (YYYY-MM-DD) as the key") from None


def parse_param(
    ctx: Ctx, path: str, node: Any, units: Iterable[str] | None = None, *, may_end: bool = True
) -> Param:
    """Parse and check one parameter table ``{unit, label, values}``.

    ``units``: the units the reader of this key accepts (None: any unit). ``may_end``: False
    for a parameter the rule cannot do without (an ``ended`` value is then refused).
    """
    if not isinstance(node, Mapping) or "values" not in node:
        raise ctx.error(
            path,
            'expected a parameter table: unit = "…", label = "…", '
            'values."YYYY-MM-DD" = { value = …, confidence = "A", source = "…" }',
        )
    check_keys(ctx.file, path, node, PARAM_KEYS)
    unit_name = required(ctx.file, path, node, "unit")
    if unit_name not in PARAM_UNITS:
        raise ctx.error(
            f"{path}.unit", f"expected one of {', '.join(PARAM_UNITS)}, got {unit_name!r}"
        )
    wanted = tuple(units) if units is not None else None
    if wanted is not None and unit_name not in wanted:
        raise ctx.error(
            f"{path}.unit", f"this key is read as {' or '.join(wanted)}, not {unit_name!r}"
        )
    label = required(ctx.file, path, node, "label")
    if not isinstance(label, str) or not label.strip():
        raise ctx.error(f"{path}.label", "expected a Korean label (text)")
    unit = UNITS[unit_name]
    raw_values = node["values"]
    if not isinstance(raw_values, Mapping) or not raw_values:
        raise ctx.error(f"{path}.values", 'expected dated values: values."YYYY-MM-DD" = { … }')
    items = [
        _dated_value(ctx, f"{path}.values.{key}", key, entry, unit)
        for key, entry in raw_values.items()
    ]
    items.sort(key=lambda item: item[0])
    if items[0][1] is None:
        raise ctx.error(f"{path}.values.{items[0][0]}", "the first value cannot end the parameter")
    if not may_end and any(item[1] is None for item in items):
        raise ctx.error(f"{path}.values", "this parameter is required: it cannot be ended")
    return Param(
        path=path,
        kind=unit.kind,
        dates=tuple(i[0] for i in items),
        values=tuple(i[1] for i in items),
        confidence=tuple(i[2] for i in items),
        sources=tuple("; ".join(str(s) for s in i[3]) for i in items),
        notes=tuple(i[4] for i in items),
        unit=unit.name,
        label=label.strip(),
        references=tuple(i[3] for i in items),
    )


def _dated_value(
    ctx: Ctx, where: str, key: Any, entry: Any, unit: Unit
) -> tuple[dt.date, Any, str, tuple[Source, ...], str]:
    date = _date_key(ctx, where, key)
    if not isinstance(entry, Mapping):
        raise ctx.error(where, "expected { value = …, confidence = …, source = … }")
    check_keys(ctx.file, where, entry, VALUE_KEYS)
    if "ended" in entry:
        if entry["ended"] is not True or "value" in entry:
            raise ctx.error(f"{where}.ended", "write ended = true, without a value")
        value = None
    else:
        checked = unit.check(required(ctx.file, where, entry, "value"))
        if isinstance(checked, str):
            raise ctx.error(f"{where}.value", checked)
        value = checked
    conf = required(ctx.file, where, entry, "confidence")
    if conf not in CONFIDENCE:
        raise ctx.error(f"{where}.confidence", f"expected A, B, C or user, got {conf!r}")
    sources = resolve_sources(ctx, f"{where}.source", required(ctx.file, where, entry, "source"))
    note = entry.get("note", "")
    if not isinstance(note, str):
        raise ctx.error(f"{where}.note", f"expected text, got {note!r}")
    return date, value, conf, sources, note


# --- rule tables: facts, one undated value each (the 상한액 and 할인·할증 tables) ---------------

FACT_KEYS = {"unit", "label", "value", "confidence", "source", "note"}
"""Keys of a table fact: a parameter's ``unit`` and ``label`` with one value entry's keys."""


@dataclass(frozen=True)
class Fact:
    """One value of a rule table outside its grid: unit, Korean label, value, confidence,
    sources (the originals) and note. Like a dated value of :class:`Param` without the date."""

    key: str
    unit: str
    label: str
    value: Any
    confidence: str
    references: tuple[Source, ...]
    note: str = ""

    @property
    def sources(self) -> tuple[str, ...]:
        """The sources as "title, address" texts."""
        return tuple(str(s) for s in self.references)

    def show(self) -> str:
        """The value as a person reads it: ``8월``, ``120일``, ``25%``, ``1, 2등급``."""
        return UNITS[self.unit].show(self.value) if self.unit in UNITS else str(self.value)


def table_context(shown: str, raw: Mapping[str, Any]) -> Ctx:
    """The parsing context of a rule table: file name for messages, and the sources it may
    cite (``data/sources.toml`` and the file's own ``[sources.KEY]`` tables)."""
    return Ctx(shown).with_local_sources(raw.get("sources"))


def check_confidence(ctx: Ctx, where: str, value: Any) -> str:
    """A confidence tag of the product files' vocabulary (``A``, ``B``, ``C``, ``user``)."""
    if value not in CONFIDENCE:
        raise ctx.error(f"{where}.confidence", f"expected A, B, C or user, got {value!r}")
    return value


def section(ctx: Ctx, where: str, raw: Any, allowed: Iterable[str]) -> Mapping[str, Any]:
    """A table of the file (missing = empty), its keys checked."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise ctx.error(where, "expected a table")
    check_keys(ctx.file, where, raw, set(allowed))
    return raw


def label_of(ctx: Ctx, where: str, node: Mapping[str, Any]) -> str:
    """The required Korean ``label`` of ``node``."""
    label = required(ctx.file, where, node, "label")
    if not isinstance(label, str) or not label.strip():
        raise ctx.error(f"{where}.label", "expected a Korean label (text)")
    return label.strip()


def check_unit(ctx: Ctx, where: str, node: Mapping[str, Any], unit: str) -> str:
    """The declared ``unit`` of ``node``, which must be the one the loader reads it in."""
    got = required(ctx.file, where, node, "unit")
    if got != unit:
        raise ctx.error(f"{where}.unit", f"this key is read as {unit}, not {got!r}")
    return unit


def read_fact(ctx: Ctx, where: str, node: Any, unit: str) -> Fact:
    """One ``{unit, label, value, confidence, source, note}`` table, checked.

    ``unit`` (a key of :data:`UNITS`) is the unit the loader reads this key in; the file must
    declare the same.
    """
    if not isinstance(node, Mapping):
        raise ctx.error(
            where,
            'expected a table: unit = "…", label = "…", value = …, confidence = "A", source = "…"',
        )
    check_keys(ctx.file, where, node, FACT_KEYS)
    check_unit(ctx, where, node, unit)
    label = label_of(ctx, where, node)
    value = required(ctx.file, where, node, "value")
    try:
        value = UNITS[unit].read(value)
    except InputError as err:
        raise ctx.error(f"{where}.value", str(err)) from None
    confidence = check_confidence(ctx, where, required(ctx.file, where, node, "confidence"))
    sources = resolve_sources(ctx, f"{where}.source", required(ctx.file, where, node, "source"))
    note = node.get("note", "")
    if not isinstance(note, str):
        raise ctx.error(f"{where}.note", f"expected text, got {note!r}")
    return Fact(where, unit, label, value, confidence, sources, note)


def read_facts(
    ctx: Ctx, where: str, raw: Any, units: Mapping[str, str], needed: Iterable[str] = ()
) -> dict[str, Fact]:
    """The facts of one section (``rules``, ``window`` …) by key; ``needed`` must be there."""
    table = section(ctx, where, raw, units)
    for key in needed:
        if key not in table:
            raise ctx.error(f"{where}.{key}", "missing required value")
    return {key: read_fact(ctx, f"{where}.{key}", node, units[key]) for key, node in table.items()}


# --- parameter files (a tree of parameters, e.g. data/nhi/copay.toml) ----------------------------


def load_parameters(
    path: str | Path, shown: str | None = None, units: Iterable[str] | None = None
) -> dict[str, Param]:
    """Every parameter of a parameter file, by dotted path (``outpatient.clinic``).

    A table with a ``values`` key is a parameter; other tables group parameters; a top-level
    ``[sources.KEY]`` table adds the file's own sources.
    """
    name = shown or str(path)
    raw = read_toml(path, name)
    ctx = Ctx(name).with_local_sources(raw.get("sources"))
    out: dict[str, Param] = {}
    _walk(ctx, "", {k: v for k, v in raw.items() if k != "sources"}, out, units)
    if not out:
        raise ctx.error("", "no parameters found")
    return out


def _walk(ctx: Ctx, where: str, node: Mapping[str, Any], out: dict[str, Param], units: Any) -> None:
    for key, child in node.items():
        path = f"{where}.{key}" if where else key
        if not isinstance(child, Mapping):
            raise ctx.error(path, "expected a parameter table or a group of them")
        if "values" in child:
            out[path] = parse_param(ctx, path, child, units)
        else:
            _walk(ctx, path, child, out, units)


def nhi_copay() -> dict[str, Param]:
    """NHI co-pay rates (``data/nhi/copay.toml``) by path: ``outpatient.clinic`` …,
    ``inpatient.all``. Law, so looked up on the date of care."""
    return dict(_nhi_copay())


@functools.cache
def _nhi_copay() -> dict[str, Param]:
    return load_parameters(NHI_COPAY_FILE, "data/nhi/copay.toml", units=("rate",))
