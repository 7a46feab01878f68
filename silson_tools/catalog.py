"""The product catalog: products (실손 상품) as data: discovery, variants, the typed tree and
:func:`load_policy`.

The module is ``catalog``, not ``products``: ``silson_tools.products`` is the function
:func:`products` (``st.products()``), and a submodule of the same name would replace it on
the package once imported.

**Discovery.** Every ``*.toml`` file in ``silson_tools/data/products`` is a product, named by
its file stem (``gen4.toml`` → ``"gen4"``); adding a product is dropping in one file.
:func:`products` lists them sorted by generation, then name: the generation's number is the
digits that start ``[policy] generation`` ("4세대" → 4; a generation without a number, such
as "custom", sorts last), and names sort as text (``gen2`` < ``gen2-choice1``).

**Variants.** A file may start with ``extends = "gen3"`` and give only what differs. The
parent is a file of that stem in the same folder, else a shipped product. The two trees are
merged key by key (deep merge), with two rules: a parameter's ``values`` (its dated series)
and any list (``amounts``, ``[[exclusions]]`` …) are replaced as a whole, never merged (one
history, one source trail); and ``remove = ["parts.manual", …]`` deletes inherited keys
before the merge. ``[policy] name`` is never inherited. Cycles and unknown parents are a
:class:`~silson_tools.errors.RuleDataError`.

**Layout of a product file** (parameters as in :mod:`silson_tools.params`)::

    extends = "gen3"            optional: a variant of another product
    remove = ["parts.mri"]      optional, with extends: inherited keys to delete
    [policy]                    label, generation, sold_from, sold_until, combine_same_day,
                                short_label, description, note, default (name: custom files
                                only; default = true on the one product used when none is
                                named, see default_product; name and default not inherited),
                                count_basis {value "paid"|"eligible", confidence, source, note}
    [policy.reentry]            재가입주기: a parameter (years) dated by contract date; absent
                                = none (1세대, 2세대 선택형Ⅰ)
    [parts.NAME]                kind = "visit" | "treatment" | "room", label, amounts (receipt
                                columns it pays), categories (absent = default part for those
                                amounts), annual_limit_settings, severe (true: only
                                산정특례 lines, false: only the others; absent: both), note
    [parts.NAME.annual_limit]   a parameter (won)
    [parts.NAME.inpatient]      visit parts: form ("max" | "additive"), nhi_rate, visit_unit
    [parts.NAME.outpatient]     {value "institution"|"day"|"line", confidence, source, note}
                                (absent: institution; pharmacy: line), admission_cap_tiers,
                                note; rate_covered,
    [parts.NAME.pharmacy]       rate_noncovered (rate), min, min_<tier>, visit_cap,
                                selfpay_cap, admission_cap (won), count (count);
                                selfpay_cap_tiers (the tiers the inpatient cap covers)
    [parts.NAME.treatment]      3대 비급여: form; rate, min, visit_cap, count, improvement_block,
                                or [[…rate_brackets]] {from_session, rate} by session;
                                unit {value = "line" | "visit", confidence, source, note}
    [parts.NAME.room]           상급병실 차액: rate, daily_cap
    [[exclusions]]              label, categories and/or diagnoses (KCD ranges such as
                                "F04-F99": the line is this care when either matches),
                                amounts, settings, severe, from, until (dates of care),
                                waiting_years (years), source, confidence, note
    [sources.KEY]               the file's own sources (title, url), beside data/sources.toml

**Clock.** A product's dated values run on the **contract date** (계약일; see
:mod:`silson_tools.params`): :meth:`Policy.for_contract` gives the policy a contract signed
on a date has, every parameter reduced to the one value in force then. Exclusion windows
(``from``/``until``) are dates of care.

``load_policy(name, **overrides)`` replaces any value: ``load_policy("gen1",
main__outpatient__min=10_000)`` (``__`` or ``.`` separates the path; a leading ``parts.`` may
be left out). A number replaces the parameter's dated values by that one value (confidence
``user``); a mapping of dates to ``{value, confidence, source}`` replaces the dated values
(unit and label kept); other tables, lists, text and booleans replace the key as given.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InputError, RuleDataError
from .params import DATA_DIR, Ctx, Param, check_keys, parse_param, resolve_sources
from .product_files import COUNT_BASES as _BASES
from .product_files import TOP_KEYS, apply_override, copy_tree, read_product, shown_name
from .product_files import read_switch as _switch
from .product_model import Exclusion, Part, Policy, SettingRule
from .schema import AMOUNT_COLUMNS, SETTINGS, TIERS

if TYPE_CHECKING:
    pass  # dates imports pandas; loading a product does not need it

__all__ = [
    "PRODUCT_DIR",
    "Exclusion",
    "Param",
    "Part",
    "Policy",
    "SettingRule",
    "default_product",
    "generation_product",
    "load_policy",
    "product_path",
    "products",
]

PRODUCT_DIR = DATA_DIR / "products"
"""Where the shipped products live (one TOML file each)."""

KINDS = ("visit", "treatment", "room")
FORMS = ("max", "additive")

# Which keys a table may hold: parameters with the unit the engine reads them in, and plain keys.
SETTING_PARAMS: dict[str, str] = {
    "rate_covered": "rate",
    "rate_noncovered": "rate",
    "min": "won",
    **{f"min_{tier}": "won" for tier in TIERS},
    "visit_cap": "won",
    "count": "count",
    "selfpay_cap": "won",
    "admission_cap": "won",
}
SETTING_PLAIN = {
    "form": str,
    "nhi_rate": bool,
    "admission_cap_tiers": list,
    "visit_unit": dict,
    "selfpay_cap_tiers": list,
    "note": str,
}
VISIT_UNITS = ("institution", "day", "line")
"""How a kind of visit's lines become one claim (engine/visits.py): ``institution`` (one 통원
per person, day and institution; with ``combine_same_day`` the 외래's 처방조제 joins it), ``day``
(all of a person's day) or ``line`` (each line, 1–3세대 처방전 1건당); under every unit, lines
sharing a visit key are one. Absent: ``institution``, and ``line`` for the pharmacy table."""
TREATMENT_PARAMS: dict[str, str] = {
    "rate": "rate",
    "min": "won",
    "visit_cap": "won",
    "count": "count",
    "improvement_block": "count",
}
TREATMENT_PLAIN = {"form": str, "rate_brackets": list, "note": str, "unit": dict}
TREATMENT_UNITS = ("line", "visit")
"""What one treatment is (engine/treatments.py): ``line`` (each line; 도수·체외충격파·증식, MRI:
each act or site its own) or ``visit`` (the lines of one 통원 or one admission are one act,
one deductible and one count: 4세대 「1회 통원 또는 1회 입원에서 2회 이상 주사 → 1회」).
Absent: ``line``."""
ROOM_PARAMS: dict[str, str] = {"rate": "rate", "daily_cap": "won"}
PART_PARAMS: dict[str, str] = {"annual_limit": "won"}
PART_PLAIN = {
    "kind": str,
    "label": str,
    "amounts": list,
    "categories": list,
    "annual_limit_settings": list,
    "severe": bool,
    "note": str,
}
POLICY_PLAIN = {
    "name": str,
    "label": str,
    "short_label": str,
    "generation": str,
    "sold_from": dt.date,
    "sold_until": dt.date,
    "combine_same_day": bool,
    "description": str,
    "note": str,
    "default": bool,
    "count_basis": dict,
}
POLICY_PARAMS: dict[str, str] = {"reentry": "years"}
"""``[policy.reentry]``: the 재가입주기 in years (Policy.reentry)."""
EXCLUSION_PLAIN = {
    "label": str,
    "categories": list,
    "amounts": list,
    "settings": list,
    "from": dt.date,
    "until": dt.date,
    "severe": bool,
    "diagnoses": list,
    "source": object,
    "confidence": str,
    "note": str,
}
EXCLUSION_PARAMS = {"waiting_years": "years"}
_UNIT_OF_KEY = {
    **SETTING_PARAMS,
    **TREATMENT_PARAMS,
    **ROOM_PARAMS,
    **PART_PARAMS,
    **EXCLUSION_PARAMS,
    **POLICY_PARAMS,
}
"""Only for overrides that add a parameter the file lacks: the unit its reader expects."""


# --- discovery -----------------------------------------------------------------------------------


def _folder(folder: str | Path | None) -> Path:
    return PRODUCT_DIR if folder is None else Path(folder)


def products(folder: str | Path | None = None) -> tuple[str, ...]:
    """Names of the products in ``folder`` (default: the shipped products), sorted by
    generation number, then name."""
    where = _folder(folder)
    files = sorted(where.glob("*.toml"))
    return tuple(sorted((p.stem for p in files), key=lambda n: (_generation_rank(n, where), n)))


def default_product(folder: str | Path | None = None) -> str:
    """The product used when none is named (``silson report`` without ``--policy``, the
    report functions): the one product of ``folder`` (default: the shipped products) whose
    ``[policy]`` says ``default = true``. A variant does not inherit the flag. None or several
    marked is a :class:`~silson_tools.errors.RuleDataError`."""
    where = _folder(folder)
    marked = []
    for path in sorted(where.glob("*.toml")):
        meta = read_product(path, PRODUCT_DIR).get("policy")
        flag = meta.get("default", False) if isinstance(meta, Mapping) else False
        if not isinstance(flag, bool):
            raise RuleDataError(
                shown_name(path), "policy.default", f"expected true or false, got {flag!r}"
            )
        if flag:
            marked.append(path.stem)
    if len(marked) != 1:
        raise RuleDataError(
            shown_name(where),
            "policy.default",
            "expected exactly one product with default = true, got "
            + (", ".join(marked) if marked else "none"),
        )
    return marked[0]


def generation_product(generation: int, folder: str | Path | None = None) -> str:
    """The base product of a generation (``4`` → the 4세대 file): the one product whose
    ``[policy] generation`` starts with that number and that ``extends`` nothing."""
    where = _folder(folder)
    found = [
        name
        for name in products(folder)
        if _generation_rank(name, where) == generation
        and "_extends" not in read_product(where / f"{name}.toml", PRODUCT_DIR)
    ]
    if len(found) != 1:
        raise InputError(
            f"generation {generation}: expected one base product, found {found or 'none'}"
        )
    return found[0]


def _generation_rank(name: str, folder: Path) -> int:
    raw = read_product(folder / f"{name}.toml", PRODUCT_DIR)
    generation = raw.get("policy", {}).get("generation", "")
    match = re.match(r"\s*(\d+)", generation if isinstance(generation, str) else "")
    return int(match.group(1)) if match else sys.maxsize


def product_path(name: str, folder: str | Path | None = None) -> Path:
    """The file of product ``name`` (an :class:`InputError` naming the choices if none)."""
    path = _folder(folder) / f"{name}.toml"
    if not path.is_file() or "/" in name or "\\" in name:
        raise InputError(
            f"unknown policy {name!r}; expected one of {', '.join(products(folder))} or a path "
            "to a .toml rule file"
        )
    return path


# --- building the typed tree ---------------------------------------------------------------------


def _plain(ctx: Ctx, where: str, key: str, value: Any, typ: type) -> Any:
    at = f"{where}.{key}" if where else key
    if typ is dt.date:
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            raise ctx.error(at, f"expected a date like 2021-07-01, got {value!r}")
    elif typ is bool:
        if not isinstance(value, bool):
            raise ctx.error(at, f"expected true or false, got {value!r}")
    elif typ is not object and not isinstance(value, typ):
        raise ctx.error(at, f"expected {typ.__name__}, got {value!r}")
    return value


def _params(
    ctx: Ctx, where: str, table: Mapping[str, Any], spec: Mapping[str, str], needed: Any = ()
) -> dict[str, Param]:
    return {
        key: parse_param(ctx, f"{where}.{key}", table[key], (unit,), may_end=key not in needed)
        for key, unit in spec.items()
        if key in table
    }


def _str_list(ctx: Ctx, where: str, value: Any, allowed: Any = None) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ctx.error(where, f"expected a list of text, got {value!r}")
    for v in value:
        if allowed is not None and v not in allowed:
            raise ctx.error(where, f"unknown value {v!r}; expected one of {', '.join(allowed)}")
    return tuple(value)


def _table(ctx: Ctx, where: str, raw: Any, allowed: Any) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise ctx.error(where, "missing required table" if raw is None else "expected a table")
    check_keys(ctx.file, where, raw, set(allowed))
    return raw


def _form(ctx: Ctx, where: str, raw: Mapping[str, Any]) -> str:
    """How the deductible combines (``max`` unless the file says otherwise), checked."""
    form = _plain(ctx, where, "form", raw.get("form", "max"), str)
    if form not in FORMS:
        raise ctx.error(f"{where}.form", f"expected one of {', '.join(FORMS)}, got {form!r}")
    return form


def _rate_keys(amounts: tuple[str, ...]) -> list[str]:
    keys = []
    if "covered_copay" in amounts or "full_copay" in amounts:
        keys.append("rate_covered")
    if "noncovered" in amounts:
        keys.append("rate_noncovered")
    return keys


def _setting(
    ctx: Ctx, where: str, raw: Any, amounts: tuple[str, ...], pharmacy: bool = False
) -> SettingRule:
    raw = _table(ctx, where, raw, set(SETTING_PARAMS) | set(SETTING_PLAIN))
    form = _form(ctx, where, raw)
    needed = _rate_keys(amounts)
    params = _params(ctx, where, raw, SETTING_PARAMS, needed)
    for key in needed:
        if key not in params:
            raise ctx.error(f"{where}.{key}", "missing required value")
    if form == "additive" and len({(params[k].dates, params[k].values) for k in needed}) > 1:
        raise ctx.error(
            f"{where}.form", "additive form needs one rate for every amount of the part"
        )
    nhi = _plain(ctx, where, "nhi_rate", raw.get("nhi_rate", False), bool)
    tiers = _str_list(
        ctx, f"{where}.admission_cap_tiers", raw.get("admission_cap_tiers", []), TIERS
    )
    units = ("line", "institution", "day") if pharmacy else VISIT_UNITS  # first: the default
    unit, basis = _switch(ctx, where, raw, "visit_unit", units)
    cap_tiers = _str_list(
        ctx, f"{where}.selfpay_cap_tiers", raw.get("selfpay_cap_tiers", []), TIERS
    )
    if cap_tiers and "selfpay_cap" not in params:
        raise ctx.error(f"{where}.selfpay_cap_tiers", "given without a selfpay_cap")
    return SettingRule(form, params, nhi, tiers, unit, basis, cap_tiers)


def _treatment(ctx: Ctx, where: str, raw: Any) -> tuple[SettingRule, tuple[tuple[int, Param], ...]]:
    raw = _table(ctx, where, raw, set(TREATMENT_PARAMS) | set(TREATMENT_PLAIN))
    form = _form(ctx, where, raw)
    params = _params(ctx, where, raw, TREATMENT_PARAMS, ("rate",))
    brackets: list[tuple[int, Param]] = []
    if "rate_brackets" in raw:
        if "rate" in params:
            raise ctx.error(f"{where}.rate_brackets", "give either rate or rate_brackets")
        steps = raw["rate_brackets"]
        for i, step in enumerate(steps if isinstance(steps, list) else [steps]):
            at = f"{where}.rate_brackets[{i}]"
            step = _table(ctx, at, step, {"from_session", "rate", "note"})
            if "from_session" not in step or "rate" not in step:
                raise ctx.error(at, "missing required value from_session or rate")
            first = step["from_session"]
            if isinstance(first, bool) or not isinstance(first, int) or first < 1:
                raise ctx.error(
                    f"{at}.from_session", f"expected a session number ≥ 1, got {first!r}"
                )
            brackets.append(
                (first, parse_param(ctx, f"{at}.rate", step["rate"], ("rate",), may_end=False))
            )
        if not brackets or brackets[0][0] != 1:
            raise ctx.error(f"{where}.rate_brackets", "the first step must start at session 1")
        if any(b[0] <= a[0] for a, b in itertools.pairwise(brackets)):
            raise ctx.error(f"{where}.rate_brackets", "from_session must increase")
    elif "rate" not in params:
        raise ctx.error(f"{where}.rate", "missing required value")
    unit, basis = _switch(ctx, where, raw, "unit", TREATMENT_UNITS)
    rule = SettingRule(form=form, params=params, visit_unit=unit, visit_unit_basis=basis)
    return rule, tuple(brackets)


def _part(ctx: Ctx, name: str, raw: Any) -> Part:
    where = f"parts.{name}"
    if not isinstance(raw, Mapping):
        raise ctx.error(where, "expected a table")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise ctx.error(f"{where}.kind", f"expected one of {', '.join(KINDS)}, got {kind!r}")
    sub = {"visit": set(SETTINGS), "treatment": {"treatment"}}.get(kind, {"room"})
    check_keys(ctx.file, where, raw, set(PART_PLAIN) | set(PART_PARAMS) | sub)
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
    params = _params(ctx, where, raw, PART_PARAMS)
    kw: dict[str, Any] = {"note": _plain(ctx, where, "note", raw.get("note", ""), str)}
    if "severe" in raw:
        kw["severe"] = _plain(ctx, where, "severe", raw["severe"], bool)
    if "annual_limit_settings" in raw:
        key = f"{where}.annual_limit_settings"
        if kind != "visit":
            raise ctx.error(key, "only a visit part has settings")
        if "annual_limit" not in params:
            raise ctx.error(key, "given without an annual_limit")
        kw["limit_settings"] = _str_list(ctx, key, raw["annual_limit_settings"], SETTINGS)
    if kind == "visit":
        for setting in ("inpatient", "outpatient"):
            if setting not in raw:
                raise ctx.error(f"{where}.{setting}", "missing required table")
        settings = {
            s: _setting(ctx, f"{where}.{s}", raw[s], amounts, s == "pharmacy")
            for s in SETTINGS
            if s in raw
        }
        for setting in ("outpatient", "pharmacy"):
            if setting in settings and "selfpay_cap" in settings[setting].params:
                raise ctx.error(f"{where}.{setting}.selfpay_cap", "only inpatient has this cap")
        kw["settings"] = settings
    elif kind == "treatment":
        kw["treatment"], kw["brackets"] = _treatment(
            ctx, f"{where}.treatment", raw.get("treatment")
        )
    else:
        rwhere = f"{where}.room"
        rraw = _table(ctx, rwhere, raw.get("room"), set(ROOM_PARAMS) | {"note"})
        kw["room"] = _params(ctx, rwhere, rraw, ROOM_PARAMS, ROOM_PARAMS)
        for needed in ROOM_PARAMS:
            if needed not in kw["room"]:
                raise ctx.error(f"{rwhere}.{needed}", "missing required value")
    return Part(
        name=name,
        kind=kind,
        label=label,
        amounts=amounts,
        categories=categories,
        annual_limit=params.get("annual_limit"),
        **kw,
    )


def _exclusion(ctx: Ctx, i: int, raw: Any) -> Exclusion:
    where = f"exclusions[{i}]"
    raw = _table(ctx, where, raw, set(EXCLUSION_PLAIN) | set(EXCLUSION_PARAMS))
    for key in ("label", "source", "confidence"):
        if key not in raw:
            raise ctx.error(f"{where}.{key}", "missing required value")
    vals = {k: _plain(ctx, where, k, raw[k], t) for k, t in EXCLUSION_PLAIN.items() if k in raw}
    if vals["confidence"] not in ("A", "B", "C", "user"):
        raise ctx.error(
            f"{where}.confidence", f"expected A, B, C or user, got {vals['confidence']!r}"
        )
    sources = resolve_sources(ctx, f"{where}.source", raw["source"])
    params = _params(ctx, where, raw, EXCLUSION_PARAMS)
    listed = {k: _str_list(ctx, f"{where}.{k}", raw[k]) for k in ("categories",) if k in raw}
    return Exclusion(
        label=vals["label"],
        categories=listed.get("categories"),
        amounts=_str_list(
            ctx, f"{where}.amounts", raw.get("amounts", list(AMOUNT_COLUMNS)), AMOUNT_COLUMNS
        ),
        settings=_str_list(ctx, f"{where}.settings", raw["settings"], SETTINGS)
        if "settings" in raw
        else None,
        start=vals.get("from"),
        until=vals.get("until"),
        waiting_years=params.get("waiting_years"),
        source="; ".join(str(s) for s in sources),
        confidence=vals["confidence"],
        note=vals.get("note", ""),
        severe=vals.get("severe"),
        diagnoses=_kcd_ranges(ctx, f"{where}.diagnoses", raw["diagnoses"])
        if "diagnoses" in raw
        else None,
    )


_KCD_CATEGORY = re.compile(r"[A-Z]\d{2}")


def _kcd_ranges(ctx: Ctx, where: str, value: Any) -> tuple[tuple[str, str], ...]:
    """``["F04-F99", "K64"]`` → ``(("F04", "F99"), ("K64", "K64"))``: KCD categories."""
    out = []
    for item in _str_list(ctx, where, value):
        first, _, last = item.partition("-")
        last = last or first
        if not (_KCD_CATEGORY.fullmatch(first) and _KCD_CATEGORY.fullmatch(last)):
            raise ctx.error(where, f"expected KCD categories like 'F04-F99' or 'K64', got {item!r}")
        if first[0] != last[0] or last < first:
            raise ctx.error(where, f"a range runs within one letter, low to high: {item!r}")
        out.append((first, last))
    return tuple(out)


def _build(raw: dict[str, Any], file: str, name: str) -> Policy:
    chain = tuple(raw.get("_extends", ()))
    body = {k: v for k, v in raw.items() if k != "_extends"}
    check_keys(file, "", body, TOP_KEYS - {"extends", "remove"})
    ctx = Ctx(file).with_local_sources(body.get("sources"))
    meta = _table(ctx, "policy", body.get("policy"), {*POLICY_PLAIN, *POLICY_PARAMS})
    for key in ("label", "generation"):
        if key not in meta:
            raise ctx.error(f"policy.{key}", "missing required value")
    vals = {k: _plain(ctx, "policy", k, meta[k], t) for k, t in POLICY_PLAIN.items() if k in meta}
    parts_raw = body.get("parts")
    if not isinstance(parts_raw, Mapping) or not parts_raw:
        raise ctx.error("parts", "missing required table [parts.NAME]")
    parts = tuple(_part(ctx, part_name, part) for part_name, part in parts_raw.items())
    ex_raw = body.get("exclusions", [])
    if not isinstance(ex_raw, list):
        raise ctx.error("exclusions", "expected [[exclusions]] tables")
    policy = Policy(
        name=vals.get("name", name),
        label=vals["label"],
        generation=vals["generation"],
        path=file,
        combine_same_day=vals.get("combine_same_day", False),
        parts=parts,
        exclusions=tuple(_exclusion(ctx, i, e) for i, e in enumerate(ex_raw)),
        raw=raw,
        short_label=vals.get("short_label", vals["label"]),
        sold_from=vals.get("sold_from"),
        sold_until=vals.get("sold_until"),
        description=vals.get("description", ""),
        note=vals.get("note", ""),
        extends=chain,
        default=vals.get("default", False),
        count_basis=_switch(ctx, "policy", meta, "count_basis", _BASES),
        reentry=_params(ctx, "policy", meta, POLICY_PARAMS).get("reentry"),
    )
    _check_routing(ctx, policy)
    return policy


def _check_routing(ctx: Ctx, policy: Policy) -> None:
    """Two parts may not pay the same amount for the same category (and severity)."""
    for amount, severe in itertools.product(AMOUNT_COLUMNS, (False, True)):
        seen: dict[str | None, str] = {}
        for part in policy.parts:
            if amount not in part.amounts or part.severe not in (None, severe):
                continue
            for cat in part.categories if part.categories is not None else (None,):
                if cat in seen:
                    raise ctx.error(
                        f"parts.{part.name}.categories",
                        f"{amount} for category {cat or '(default)'!r} is already paid by "
                        f"part {seen[cat]!r}",
                    )
                seen[cat] = part.name


# --- public --------------------------------------------------------------------------------------


def _locate(name_or_path: str | Path) -> Path:
    text = str(name_or_path)
    if isinstance(name_or_path, str) and (PRODUCT_DIR / f"{text}.toml").is_file():
        return PRODUCT_DIR / f"{text}.toml"
    path = Path(text)
    if path.suffix == ".toml" or path.exists():
        if not path.is_file():
            raise InputError(f"policy file not found: {text}")
        return path
    return product_path(text)  # raises: unknown product, naming the choices


def load_policy(name_or_path: str | Path | Policy, **overrides: Any) -> Policy:
    """Load and validate a product; ``overrides`` replace values by path.

    ``name_or_path``: a name from :func:`products`, a path to a ``.toml`` rule file (which may
    ``extends`` a shipped product), or a loaded :class:`Policy`. An override value that is a
    number replaces the parameter's dated values by that one value (confidence ``user``); a
    mapping of dates to ``{value, confidence, source}`` replaces the dated values; other
    tables, lists, text and booleans replace the key as given.
    """
    if isinstance(name_or_path, Policy):
        if not overrides:
            return name_or_path
        raw, file, name = copy_tree(name_or_path.raw), name_or_path.path, name_or_path.name
    else:
        path = _locate(name_or_path)
        file = shown_name(path)
        raw = read_product(path, PRODUCT_DIR)
        name = path.stem
    for key, value in overrides.items():
        apply_override(raw, key, value, file, _UNIT_OF_KEY)
    return _build(raw, file, name)
