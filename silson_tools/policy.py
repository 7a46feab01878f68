"""Policy terms (약관) as dated data: load, validate and look up a product's rule file.

A rule file is TOML, one per product (``silson_tools/rules/gen4.toml`` …). Every number
is a *parameter* written the way OpenFisca keeps parameters, as dated values, each with
its source and the confidence tag of ``rules.md`` (A/B/C)::

    rate_covered."2021-07-01" = { value = 0.20, confidence = "A", source = "https://…" }

The value in force on a date is the one with the latest effective date not after it; a
date before the first effective date uses the first value (so any receipts can be
assessed "as if" under a product). Layout of a file::

    [policy]                 name, label, generation, sold_from, sold_until, combine_same_day
    [parts.NAME]             one 보장 part: kind = "visit" | "treatment" | "room",
                             amounts (receipt columns it pays), categories (absent = default
                             part for those amounts), annual_limit
    [parts.NAME.inpatient]   visit parts: rate_covered / rate_noncovered (자기부담률),
    [parts.NAME.outpatient]  min / min_<tier> (최소공제), form ("max" or "additive"),
    [parts.NAME.pharmacy]    visit_cap, count, nhi_rate, selfpay_cap, admission_cap …
    [parts.NAME.treatment]   treatment parts (3대 비급여): per-treatment deductible, count,
                             improvement_block, rate or [[…rate_brackets]] by session
    [parts.NAME.room]        room parts (상급병실 차액): rate, daily_cap
    [[exclusions]]           categories/amounts/settings not covered, waiting_years

The loader rejects unknown keys, missing required values, rates outside 0–1 and negative
amounts with a ``ValueError`` naming the file and the key. ``load_policy(name, **overrides)``
replaces any value: ``load_policy("gen1", main__outpatient__min=10_000)`` (``__`` or ``.``
separates the path; a leading ``parts.`` may be left out).
"""

from __future__ import annotations

import datetime as dt
import itertools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from .formulas import PPM
from .schema import AMOUNT_COLUMNS, CATEGORIES, SETTINGS, TIERS

__all__ = [
    "POLICY_NAMES",
    "Exclusion",
    "Param",
    "Part",
    "Policy",
    "SettingRule",
    "load_policy",
]

POLICY_NAMES: tuple[str, ...] = (
    "gen1",
    "gen2",
    "gen2-choice1",
    "gen2-choice2",
    "gen3",
    "gen3-choice2",
    "gen4",
    "gen5",
)
"""The shipped products (rule files in ``silson_tools/rules``)."""

CONFIDENCE = ("A", "B", "C", "user")
"""A/B/C as in rules.md; ``user`` marks a value given by the user (override, custom file)."""

KINDS = ("visit", "treatment", "room")
FORMS = ("max", "additive")
MAX_AMOUNT = 10**12

# Parameter kinds: how a value is checked.
_RATE, _AMOUNT, _COUNT = "rate", "amount", "count"

_SETTING_PARAMS: dict[str, str] = {
    "rate_covered": _RATE,
    "rate_noncovered": _RATE,
    "min": _AMOUNT,
    **{f"min_{tier}": _AMOUNT for tier in TIERS},
    "visit_cap": _AMOUNT,
    "count": _COUNT,
    "selfpay_cap": _AMOUNT,
    "admission_cap": _AMOUNT,
}
_SETTING_PLAIN = {"form": str, "nhi_rate": bool, "admission_cap_tiers": list, "note": str}
_TREATMENT_PARAMS: dict[str, str] = {
    "rate": _RATE,
    "min": _AMOUNT,
    "visit_cap": _AMOUNT,
    "count": _COUNT,
    "improvement_block": _COUNT,
}
_TREATMENT_PLAIN = {"form": str, "rate_brackets": list, "note": str}
_ROOM_PARAMS: dict[str, str] = {"rate": _RATE, "daily_cap": _AMOUNT}
_PART_PARAMS: dict[str, str] = {"annual_limit": _AMOUNT}
_PART_PLAIN = {
    "kind": str,
    "label": str,
    "amounts": list,
    "categories": list,
    "annual_limit_settings": list,
    "note": str,
}
_POLICY_PLAIN = {
    "name": str,
    "label": str,
    "generation": str,
    "sold_from": dt.date,
    "sold_until": dt.date,
    "combine_same_day": bool,
    "description": str,
    "note": str,
}
_EXCLUSION_PLAIN = {
    "label": str,
    "categories": list,
    "amounts": list,
    "settings": list,
    "from": dt.date,
    "until": dt.date,
    "source": str,
    "confidence": str,
    "note": str,
}
_EXCLUSION_PARAMS = {"waiting_years": _COUNT}
_VALUE_KEYS = {"value", "confidence", "source", "note"}


# --- parameters ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    """A dated parameter: ``values[i]`` is in force from ``dates[i]`` (sorted)."""

    path: str
    kind: str
    dates: tuple[dt.date, ...]
    values: tuple[Any, ...]
    confidence: tuple[str, ...]
    sources: tuple[str, ...]
    notes: tuple[str, ...] = ()

    def at(self, date: Any) -> Any:
        """The value in force on ``date`` (the first value for earlier dates)."""
        day = np.datetime64(date, "D")
        edges = np.array(self.dates, dtype="datetime64[D]")
        i = max(int(np.searchsorted(edges, day, side="right")) - 1, 0)
        return self.values[i]

    def on(self, days: np.ndarray) -> Any:
        """Values in force on each of ``days`` (datetime64[D]); a scalar when undated."""
        if len(self.values) == 1:
            return self.values[0]
        edges = np.array(self.dates, dtype="datetime64[D]")
        idx = np.maximum(np.searchsorted(edges, days, side="right") - 1, 0)
        return np.asarray(self.values)[idx]

    def ppm(self, days: np.ndarray) -> Any:
        """A rate's value(s) in integer parts per million (see formulas.PPM)."""
        if len(self.values) == 1:
            return round(self.values[0] * PPM)
        return np.rint(np.asarray(self.on(days), dtype=np.float64) * PPM).astype(np.int64)

    @property
    def uncertain(self) -> bool:
        """True when any dated value is tagged C (blog/news only, or inferred)."""
        return "C" in self.confidence


@dataclass(frozen=True)
class SettingRule:
    """Rules for one setting (inpatient / outpatient / pharmacy) of a visit part."""

    form: str
    params: dict[str, Param]
    nhi_rate: bool = False
    admission_cap_tiers: tuple[str, ...] = ()

    def get(self, key: str) -> Param | None:
        return self.params.get(key)


@dataclass(frozen=True)
class Part:
    """One 보장 part (주계약, 특약, 3대 비급여 항목, 상급병실): what it pays and how."""

    name: str
    kind: str
    label: str
    amounts: tuple[str, ...]
    categories: tuple[str, ...] | None
    annual_limit: Param | None
    settings: dict[str, SettingRule] = field(default_factory=dict)
    limit_settings: tuple[str, ...] | None = None
    """Settings whose payouts count toward ``annual_limit`` (None: every setting). 1–3세대
    limit 입원 to 5천만원 per 질병; 통원 is bounded by its per-visit caps and counts instead."""
    treatment: SettingRule | None = None
    brackets: tuple[tuple[int, Param], ...] = ()
    """Treatment parts: (first session, self-pay rate) steps; empty = one ``rate``."""
    room: dict[str, Param] = field(default_factory=dict)


@dataclass(frozen=True)
class Exclusion:
    """Care not covered (보장 제외 / 면책기간), as rule data."""

    label: str
    categories: tuple[str, ...] | None
    amounts: tuple[str, ...]
    settings: tuple[str, ...] | None
    start: dt.date | None
    until: dt.date | None
    waiting_years: Param | None
    source: str
    confidence: str


@dataclass(frozen=True)
class Policy:
    """A loaded, validated product: parts, exclusions and the routing of receipt amounts."""

    name: str
    label: str
    generation: str
    path: str
    combine_same_day: bool
    parts: tuple[Part, ...]
    exclusions: tuple[Exclusion, ...]
    raw: dict[str, Any] = field(repr=False, compare=False)

    def part(self, name: str) -> Part:
        for part in self.parts:
            if part.name == name:
                return part
        raise ValueError(f"policy {self.name!r} has no part {name!r}")

    def route(self, amount: str, category: str) -> int | None:
        """Index of the part that pays ``amount`` for ``category`` (None: not insured)."""
        default = None
        for i, part in enumerate(self.parts):
            if amount not in part.amounts:
                continue
            if part.categories is None:
                default = i
            elif category in part.categories:
                return i
        return default

    @property
    def extra_categories(self) -> tuple[str, ...]:
        """Categories the rule file names beyond schema.CATEGORIES (e.g. ``infertility``)."""
        names: set[str] = set()
        for ex in self.exclusions:
            names.update(ex.categories or ())
        for part in self.parts:
            names.update(part.categories or ())
        return tuple(sorted(names - set(CATEGORIES)))

    def parameters(self) -> list[tuple[str, Param]]:
        """Every parameter (path, Param), for tables and checks."""
        out: list[tuple[str, Param]] = []
        for part in self.parts:
            if part.annual_limit is not None:
                out.append((part.annual_limit.path, part.annual_limit))
            for rule in [*part.settings.values(), part.treatment]:
                if rule is not None:
                    out.extend((p.path, p) for p in rule.params.values())
            out.extend((p.path, p) for _, p in part.brackets)
            out.extend((p.path, p) for p in part.room.values())
        for ex in self.exclusions:
            if ex.waiting_years is not None:
                out.append((ex.waiting_years.path, ex.waiting_years))
        return out

    def table(self, date: Any = None) -> list[dict[str, Any]]:
        """One row per parameter: path, value on ``date`` (default: latest), confidence, source."""
        rows = []
        for path, param in self.parameters():
            i = len(param.values) - 1 if date is None else _index_on(param, date)
            rows.append(
                {
                    "parameter": path,
                    "value": param.values[i],
                    "since": param.dates[i],
                    "confidence": param.confidence[i],
                    "source": param.sources[i],
                }
            )
        return rows


def _index_on(param: Param, date: Any) -> int:
    edges = np.array(param.dates, dtype="datetime64[D]")
    return max(int(np.searchsorted(edges, np.datetime64(date, "D"), side="right")) - 1, 0)


# --- loading ----------------------------------------------------------------------------------


class _Ctx:
    """Where we are in a file, for error messages."""

    def __init__(self, file: str) -> None:
        self.file = file

    def error(self, key: str, message: str) -> ValueError:
        return ValueError(f"{self.file}: {key}: {message}")


def _check_keys(ctx: _Ctx, where: str, table: Mapping[str, Any], allowed: set[str]) -> None:
    for key in table:
        if key not in allowed:
            raise ctx.error(
                f"{where}.{key}" if where else key,
                f"unknown key; expected one of {', '.join(sorted(allowed))}",
            )


def _plain(ctx: _Ctx, where: str, key: str, value: Any, typ: type) -> Any:
    if typ is dt.date:
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            raise ctx.error(f"{where}.{key}", f"expected a date like 2021-07-01, got {value!r}")
        return value
    if typ is bool:
        if not isinstance(value, bool):
            raise ctx.error(f"{where}.{key}", f"expected true or false, got {value!r}")
        return value
    if not isinstance(value, typ):
        raise ctx.error(f"{where}.{key}", f"expected {typ.__name__}, got {value!r}")
    return value


def _param(ctx: _Ctx, path: str, kind: str, raw: Any) -> Param:
    """Parse one dated parameter table {date: {value, confidence, source[, note]}}."""
    if not isinstance(raw, Mapping) or not raw:
        raise ctx.error(
            path,
            "expected dated values like "
            '"2021-07-01" = { value = …, confidence = "A", source = "https://…" }',
        )
    items = []
    for date_text, entry in raw.items():
        try:
            date = dt.date.fromisoformat(str(date_text))
        except ValueError:
            raise ctx.error(
                f"{path}.{date_text}", "expected an effective date (YYYY-MM-DD) as the key"
            ) from None
        where = f"{path}.{date_text}"
        if not isinstance(entry, Mapping):
            raise ctx.error(where, "expected { value = …, confidence = …, source = … }")
        _check_keys(ctx, where, entry, _VALUE_KEYS)
        for required in ("value", "confidence", "source"):
            if required not in entry:
                raise ctx.error(f"{where}.{required}", "missing required value")
        value = _check_value(ctx, f"{where}.value", kind, entry["value"])
        conf = entry["confidence"]
        if conf not in CONFIDENCE:
            raise ctx.error(f"{where}.confidence", f"expected A, B or C, got {conf!r}")
        source = entry["source"]
        if not isinstance(source, str) or not source.strip():
            raise ctx.error(f"{where}.source", "expected a non-empty source (URL or reference)")
        note = entry.get("note", "")
        if not isinstance(note, str):
            raise ctx.error(f"{where}.note", f"expected text, got {note!r}")
        items.append((date, value, conf, source, note))
    items.sort(key=lambda item: item[0])
    return Param(
        path=path,
        kind=kind,
        dates=tuple(i[0] for i in items),
        values=tuple(i[1] for i in items),
        confidence=tuple(i[2] for i in items),
        sources=tuple(i[3] for i in items),
        notes=tuple(i[4] for i in items),
    )


def _check_value(ctx: _Ctx, where: str, kind: str, value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ctx.error(where, f"expected a number, got {value!r}")
    if kind == _RATE:
        if not 0 <= value <= 1:
            raise ctx.error(where, f"a rate must be between 0 and 1, got {value!r}")
        return float(value)
    if value < 0:
        raise ctx.error(where, f"must not be negative, got {value!r}")
    if value != int(value):
        raise ctx.error(where, f"expected a whole number, got {value!r}")
    if value > MAX_AMOUNT:
        raise ctx.error(where, f"larger than {MAX_AMOUNT:,}, got {value!r}")
    return int(value)


def _params(
    ctx: _Ctx, where: str, table: Mapping[str, Any], spec: Mapping[str, str]
) -> dict[str, Param]:
    return {
        key: _param(ctx, f"{where}.{key}", kind, table[key])
        for key, kind in spec.items()
        if key in table
    }


def _str_list(ctx: _Ctx, where: str, value: Any, allowed: Any = None) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ctx.error(where, f"expected a list of text, got {value!r}")
    if allowed is not None:
        for v in value:
            if v not in allowed:
                raise ctx.error(where, f"unknown value {v!r}; expected one of {', '.join(allowed)}")
    return tuple(value)


def _form(ctx: _Ctx, where: str, raw: Mapping[str, Any]) -> str:
    """How the deductible combines (``max`` unless the file says otherwise), checked."""
    form = _plain(ctx, where, "form", raw.get("form", "max"), str)
    if form not in FORMS:
        raise ctx.error(f"{where}.form", f"expected one of {', '.join(FORMS)}, got {form!r}")
    return form


def _setting(ctx: _Ctx, where: str, raw: Any, part_amounts: tuple[str, ...]) -> SettingRule:
    if not isinstance(raw, Mapping):
        raise ctx.error(where, "expected a table")
    _check_keys(ctx, where, raw, set(_SETTING_PARAMS) | set(_SETTING_PLAIN))
    form = _form(ctx, where, raw)
    params = _params(ctx, where, raw, _SETTING_PARAMS)
    for needed in _rate_keys(part_amounts):
        if needed not in params:
            raise ctx.error(f"{where}.{needed}", "missing required value")
    if form == "additive":
        rates = [params[k] for k in _rate_keys(part_amounts)]
        if len({(r.dates, r.values) for r in rates}) > 1:
            raise ctx.error(
                f"{where}.form", "additive form needs one rate for every amount of the part"
            )
    nhi = _plain(ctx, where, "nhi_rate", raw.get("nhi_rate", False), bool)
    tiers = _str_list(
        ctx, f"{where}.admission_cap_tiers", raw.get("admission_cap_tiers", []), TIERS
    )
    return SettingRule(form=form, params=params, nhi_rate=nhi, admission_cap_tiers=tiers)


def _rate_keys(amounts: tuple[str, ...]) -> list[str]:
    keys = []
    if "covered_copay" in amounts or "full_copay" in amounts:
        keys.append("rate_covered")
    if "noncovered" in amounts:
        keys.append("rate_noncovered")
    return keys


def _part(ctx: _Ctx, name: str, raw: Any) -> Part:
    where = f"parts.{name}"
    if not isinstance(raw, Mapping):
        raise ctx.error(where, "expected a table")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise ctx.error(f"{where}.kind", f"expected one of {', '.join(KINDS)}, got {kind!r}")
    sub = {"visit": {"inpatient", "outpatient", "pharmacy"}, "treatment": {"treatment"}}.get(
        kind, {"room"}
    )
    _check_keys(ctx, where, raw, set(_PART_PLAIN) | set(_PART_PARAMS) | sub)
    label = _plain(ctx, where, "label", raw.get("label", name), str)
    if "amounts" not in raw:
        raise ctx.error(f"{where}.amounts", "missing required value")
    amounts = _str_list(ctx, f"{where}.amounts", raw["amounts"], AMOUNT_COLUMNS)
    categories = (
        _str_list(ctx, f"{where}.categories", raw["categories"]) if "categories" in raw else None
    )
    if kind != "visit" and amounts != ("noncovered",):
        raise ctx.error(f"{where}.amounts", f'a {kind} part pays ["noncovered"] only')
    if kind != "visit" and categories is None:
        raise ctx.error(f"{where}.categories", f"missing required value for a {kind} part")
    params = _params(ctx, where, raw, _PART_PARAMS)
    part_kw: dict[str, Any] = {}
    if "annual_limit_settings" in raw:
        key = f"{where}.annual_limit_settings"
        if kind != "visit":
            raise ctx.error(key, "only a visit part has settings")
        if "annual_limit" not in params:
            raise ctx.error(key, "given without an annual_limit")
        part_kw["limit_settings"] = _str_list(ctx, key, raw["annual_limit_settings"], SETTINGS)
    if kind == "visit":
        settings = {}
        for setting in ("inpatient", "outpatient"):
            if setting not in raw:
                raise ctx.error(f"{where}.{setting}", "missing required table")
        for setting in ("inpatient", "outpatient", "pharmacy"):
            if setting in raw:
                settings[setting] = _setting(ctx, f"{where}.{setting}", raw[setting], amounts)
        for setting in ("outpatient", "pharmacy"):
            if setting in settings and "selfpay_cap" in settings[setting].params:
                raise ctx.error(f"{where}.{setting}.selfpay_cap", "only inpatient has this cap")
        part_kw["settings"] = settings
    elif kind == "treatment":
        traw = raw.get("treatment")
        twhere = f"{where}.treatment"
        if not isinstance(traw, Mapping):
            raise ctx.error(twhere, "missing required table")
        _check_keys(ctx, twhere, traw, set(_TREATMENT_PARAMS) | set(_TREATMENT_PLAIN))
        form = _form(ctx, twhere, traw)
        tparams = _params(ctx, twhere, traw, _TREATMENT_PARAMS)
        brackets: list[tuple[int, Param]] = []
        if "rate_brackets" in traw:
            if "rate" in tparams:
                raise ctx.error(f"{twhere}.rate_brackets", "give either rate or rate_brackets")
            for i, step in enumerate(traw["rate_brackets"]):
                swhere = f"{twhere}.rate_brackets[{i}]"
                if not isinstance(step, Mapping):
                    raise ctx.error(swhere, "expected { from_session = …, rate = {…} }")
                _check_keys(ctx, swhere, step, {"from_session", "rate", "note"})
                if "from_session" not in step or "rate" not in step:
                    raise ctx.error(swhere, "missing required value from_session or rate")
                first = _check_value(ctx, f"{swhere}.from_session", _COUNT, step["from_session"])
                brackets.append((first, _param(ctx, f"{swhere}.rate", _RATE, step["rate"])))
            if not brackets or brackets[0][0] != 1:
                raise ctx.error(f"{twhere}.rate_brackets", "the first step must start at session 1")
            if any(b[0] <= a[0] for a, b in itertools.pairwise(brackets)):
                raise ctx.error(f"{twhere}.rate_brackets", "from_session must increase")
        elif "rate" not in tparams:
            raise ctx.error(f"{twhere}.rate", "missing required value")
        part_kw["treatment"] = SettingRule(form=form, params=tparams)
        part_kw["brackets"] = tuple(brackets)
    else:
        rraw = raw.get("room")
        rwhere = f"{where}.room"
        if not isinstance(rraw, Mapping):
            raise ctx.error(rwhere, "missing required table")
        _check_keys(ctx, rwhere, rraw, set(_ROOM_PARAMS) | {"note"})
        rparams = _params(ctx, rwhere, rraw, _ROOM_PARAMS)
        for needed in _ROOM_PARAMS:
            if needed not in rparams:
                raise ctx.error(f"{rwhere}.{needed}", "missing required value")
        part_kw["room"] = rparams
    return Part(
        name=name,
        kind=kind,
        label=label,
        amounts=amounts,
        categories=categories,
        annual_limit=params.get("annual_limit"),
        **part_kw,
    )


def _exclusion(ctx: _Ctx, i: int, raw: Any) -> Exclusion:
    where = f"exclusions[{i}]"
    if not isinstance(raw, Mapping):
        raise ctx.error(where, "expected a table")
    _check_keys(ctx, where, raw, set(_EXCLUSION_PLAIN) | set(_EXCLUSION_PARAMS))
    for required in ("label", "source", "confidence"):
        if required not in raw:
            raise ctx.error(f"{where}.{required}", "missing required value")
    vals = {k: _plain(ctx, where, k, raw[k], t) for k, t in _EXCLUSION_PLAIN.items() if k in raw}
    if vals["confidence"] not in CONFIDENCE:
        raise ctx.error(f"{where}.confidence", f"expected A, B or C, got {vals['confidence']!r}")
    params = _params(ctx, where, raw, _EXCLUSION_PARAMS)
    return Exclusion(
        label=vals["label"],
        categories=_str_list(ctx, f"{where}.categories", raw["categories"])
        if "categories" in raw
        else None,
        amounts=_str_list(
            ctx, f"{where}.amounts", raw.get("amounts", list(AMOUNT_COLUMNS)), AMOUNT_COLUMNS
        ),
        settings=_str_list(ctx, f"{where}.settings", raw["settings"], SETTINGS)
        if "settings" in raw
        else None,
        start=vals.get("from"),
        until=vals.get("until"),
        waiting_years=params.get("waiting_years"),
        source=vals["source"],
        confidence=vals["confidence"],
    )


def _build(raw: dict[str, Any], file: str) -> Policy:
    ctx = _Ctx(file)
    _check_keys(ctx, "", raw, {"policy", "parts", "exclusions"})
    meta = raw.get("policy")
    if not isinstance(meta, Mapping):
        raise ctx.error("policy", "missing required table [policy]")
    _check_keys(ctx, "policy", meta, set(_POLICY_PLAIN))
    for required in ("name", "label", "generation"):
        if required not in meta:
            raise ctx.error(f"policy.{required}", "missing required value")
    vals = {k: _plain(ctx, "policy", k, meta[k], t) for k, t in _POLICY_PLAIN.items() if k in meta}
    parts_raw = raw.get("parts")
    if not isinstance(parts_raw, Mapping) or not parts_raw:
        raise ctx.error("parts", "missing required table [parts.NAME]")
    parts = tuple(_part(ctx, name, body) for name, body in parts_raw.items())
    ex_raw = raw.get("exclusions", [])
    if not isinstance(ex_raw, list):
        raise ctx.error("exclusions", "expected [[exclusions]] tables")
    exclusions = tuple(_exclusion(ctx, i, e) for i, e in enumerate(ex_raw))
    policy = Policy(
        name=vals["name"],
        label=vals["label"],
        generation=vals["generation"],
        path=file,
        combine_same_day=vals.get("combine_same_day", False),
        parts=parts,
        exclusions=exclusions,
        raw=raw,
    )
    _check_routing(ctx, policy)
    return policy


def _check_routing(ctx: _Ctx, policy: Policy) -> None:
    """Two parts may not pay the same amount for the same category."""
    for amount in AMOUNT_COLUMNS:
        seen: dict[str | None, str] = {}
        for part in policy.parts:
            if amount not in part.amounts:
                continue
            for cat in part.categories if part.categories is not None else (None,):
                if cat in seen:
                    raise ctx.error(
                        f"parts.{part.name}.categories",
                        f"{amount} for category {cat or '(default)'!r} is already paid by "
                        f"part {seen[cat]!r}",
                    )
                seen[cat] = part.name


# --- overrides --------------------------------------------------------------------------------


def _apply_override(raw: dict[str, Any], key: str, value: Any, file: str) -> None:
    path = key.replace("__", ".").split(".")
    if path[0] not in {"policy", "parts", "exclusions"}:
        path = ["parts", *path]
    node: Any = raw
    for step in path[:-1]:
        if isinstance(node, list):
            node = node[int(step)]
            continue
        if step not in node or not isinstance(node[step], Mapping | list):
            node[step] = {}
        node = node[step]
    last = path[-1]
    current = node.get(last) if isinstance(node, Mapping) else None
    if isinstance(value, Mapping) or isinstance(value, list | str | bool | dt.date):
        node[last] = value
    elif isinstance(value, int | float):
        if isinstance(current, Mapping) and current:
            first = min(current)
        else:
            first = "1900-01-01"
        node[last] = {
            first: {"value": value, "confidence": "user", "source": f"override {key}={value!r}"}
        }
    else:
        raise ValueError(f"{file}: {key}: cannot override with {value!r}")


# --- public -------------------------------------------------------------------------------------


def _resolve(name_or_path: str | Path) -> tuple[dict[str, Any], str]:
    text = str(name_or_path)
    if text in POLICY_NAMES:
        res = resources.files("silson_tools") / "rules" / f"{text}.toml"
        return tomllib.loads(res.read_text(encoding="utf-8")), f"rules/{text}.toml"
    path = Path(text)
    if path.suffix == ".toml" or path.exists():
        if not path.is_file():
            raise ValueError(f"policy file not found: {text}")
        with path.open("rb") as fh:
            try:
                return tomllib.load(fh), str(path)
            except tomllib.TOMLDecodeError as err:
                raise ValueError(f"{path}: not valid TOML: {err}") from None
    raise ValueError(
        f"unknown policy {text!r}; expected one of {', '.join(POLICY_NAMES)} or a path to a "
        ".toml rule file"
    )


def load_policy(name_or_path: str | Path | Policy, **overrides: Any) -> Policy:
    """Load and validate a product's rule file; ``overrides`` replace values by path.

    ``name_or_path``: one of :data:`POLICY_NAMES` or a path to a custom ``.toml`` file.
    An override value that is a number replaces the parameter's dated values by that one
    value (confidence ``user``); tables, lists, text and booleans replace the key as given.
    """
    if isinstance(name_or_path, Policy):
        if not overrides:
            return name_or_path
        raw, file = _copy(name_or_path.raw), name_or_path.path
    else:
        raw, file = _resolve(name_or_path)
    for key, value in overrides.items():
        _apply_override(raw, key, value, file)
    return _build(raw, file)


def _copy(raw: Any) -> Any:
    if isinstance(raw, Mapping):
        return {k: _copy(v) for k, v in raw.items()}
    if isinstance(raw, list):
        return [_copy(v) for v in raw]
    return raw
