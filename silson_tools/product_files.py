"""Product files as trees: a file read with its parents merged in, and overrides by path.

Used by :mod:`silson_tools.catalog`, which turns the tree into the typed, validated policy.
Merge rules (``extends``): tables merge key by key; a parameter's ``values`` series, lists
and plain values are replaced as a whole; ``remove = ["a.b"]`` deletes inherited keys first;
``[policy] name`` and ``default`` are never inherited.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .errors import InputError, RuleDataError
from .params import DATA_DIR, Ctx, check_keys, copy_tree, read_toml, resolve_sources

__all__ = [
    "COUNT_BASES",
    "TOP_KEYS",
    "apply_override",
    "copy_tree",
    "merge",
    "read_product",
    "read_switch",
    "shown_name",
]

TOP_KEYS = {"extends", "remove", "policy", "parts", "exclusions", "sources"}
"""The keys a product file may have at its top level."""
COUNT_BASES = ("paid", "eligible")
"""``[policy] count_basis``: which visits/treatments use up a yearly count — those that pay
something before the count cut (``paid``, the default) or all with an eligible amount."""


def read_switch(
    ctx: Ctx, where: str, raw: Any, key: str, allowed: tuple[str, ...]
) -> tuple[str, str]:
    """A choice ``{value, confidence, source, note}`` at ``where.key`` → (value, "confidence:
    sources"); absent → the first of ``allowed`` and no basis."""
    if key not in raw:
        return allowed[0], ""
    at, vu = f"{where}.{key}", raw[key]
    if not isinstance(vu, Mapping):
        raise ctx.error(at, f"expected a table {{value, confidence, source, note}}, got {vu!r}")
    check_keys(ctx.file, at, vu, {"value", "confidence", "source", "note"})
    value, conf = vu.get("value"), vu.get("confidence")
    if value not in allowed or conf not in ("A", "B", "C") or "source" not in vu:
        raise ctx.error(at, f"expected value {' or '.join(allowed)}, A/B/C, source")
    return value, f"{conf}: " + "; ".join(map(str, resolve_sources(ctx, at, vu["source"])))


def shown_name(path: Path) -> str:
    """How a file is named in messages: ``data/products/gen4.toml`` for shipped files."""
    try:
        return path.resolve().relative_to(DATA_DIR.parent).as_posix()
    except ValueError:
        return str(path)


# --- extends: read a file with its parents merged in ---------------------------------------------


def read_product(path: Path, shipped: Path) -> dict[str, Any]:
    """The product file's tree with every parent merged in (read afresh: callers may change
    it); ``shipped`` is the folder of shipped products, where a parent is looked for when no
    file of its name lies beside ``path``. ``_extends`` lists the parents, nearest first."""
    return _resolved(str(Path(path).resolve()), shown_name(Path(path)), shipped)


def _resolved(path: str, shown: str, shipped: Path, chain: tuple[str, ...] = ()) -> dict[str, Any]:
    raw = read_toml(path, shown)
    check_keys(shown, "", raw, TOP_KEYS)
    parent = raw.pop("extends", None)
    remove = raw.pop("remove", None)
    if parent is None:
        if remove is not None:
            raise RuleDataError(shown, "remove", "only a file that extends another can remove keys")
        return raw
    if not isinstance(parent, str) or not parent:
        raise RuleDataError(shown, "extends", f"expected a product name, got {parent!r}")
    here = Path(path)
    candidates = [here.parent / f"{parent}.toml", shipped / f"{parent}.toml"]
    parent_path = next((p for p in candidates if p.is_file()), None)
    if parent_path is None:
        raise RuleDataError(
            shown,
            "extends",
            f"unknown product {parent!r}: no {parent}.toml beside this file or among the "
            f"shipped products ({', '.join(sorted(p.stem for p in shipped.glob('*.toml')))})",
        )
    key = str(parent_path.resolve())
    if key in chain or key == str(here.resolve()):
        names = [Path(p).stem for p in (*chain, str(here.resolve()), key)]
        raise RuleDataError(shown, "extends", f"cycle: {' → '.join(names)}")
    base = _resolved(key, shown_name(parent_path), shipped, (*chain, str(here.resolve())))
    for own in ("name", "default"):  # a variant is another product, never the default one
        base.get("policy", {}).pop(own, None)
    chain_names = [parent, *base.pop("_extends", [])]
    for i, dotted in enumerate(_str_items(shown, "remove", remove or [])):
        _remove(base, dotted, shown, f"remove[{i}]")
    merged = merge(base, raw)
    merged["_extends"] = chain_names
    return merged


def _str_items(file: str, where: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RuleDataError(file, where, f"expected a list of text, got {value!r}")
    return value


def _remove(tree: dict[str, Any], dotted: str, file: str, where: str) -> None:
    *steps, last = dotted.split(".")
    node: Any = tree
    for step in steps:
        node = node.get(step) if isinstance(node, Mapping) else None
    if not isinstance(node, dict) or last not in node:
        raise RuleDataError(file, where, f"{dotted!r} is not in the parent product")
    del node[last]


def merge(base: dict[str, Any], child: Mapping[str, Any]) -> dict[str, Any]:
    """Deep merge: tables merge key by key; ``values`` series, lists and plain values replace."""
    out = dict(base)
    for key, value in child.items():
        if key != "values" and isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merge(dict(out[key]), value)
        else:
            out[key] = copy_tree(value)
    return out


# --- overrides -----------------------------------------------------------------------------------

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _is_series(value: Any) -> bool:
    """A mapping of ISO dates to dated entries (the short form of a parameter's values)."""
    return (
        isinstance(value, Mapping)
        and bool(value)
        and all(isinstance(k, dt.date) or _DATE.match(str(k)) for k in value)
    )


def _user_series(series: Mapping[Any, Any]) -> dict[str, Any]:
    """Dated entries given by a user: a text source is free text, not a registry key."""
    out = {}
    for date, entry in series.items():
        entry = dict(entry) if isinstance(entry, Mapping) else entry
        if isinstance(entry, dict) and isinstance(entry.get("source"), str):
            entry["source"] = {"title": entry["source"]}
        out[str(date)] = entry
    return out


def _as_param(value: Any, key: str, current: Any, label: str, units: Mapping[str, str]) -> Any:
    """An override value in the short form → a parameter table (unit and label kept)."""
    if not _is_series(value):
        if isinstance(value, list):
            return [
                {k: _as_param(v, k, None, f"{label}[{i}].{k}", units) for k, v in item.items()}
                if isinstance(item, Mapping)
                else item
                for i, item in enumerate(value)
            ]
        return value
    old = current if isinstance(current, Mapping) else {}
    return {
        "unit": old.get("unit", units.get(key, "")),
        "label": old.get("label", f"{label} (사용자 지정)"),
        "values": _user_series(value),
    }


def apply_override(
    raw: dict[str, Any], key: str, value: Any, file: str, units: Mapping[str, str]
) -> None:
    """Replace the value at ``key`` (``main__outpatient__min`` or dotted) in a product tree.

    ``units``: the unit each parameter key is read in, for an override that adds a key.
    """
    path = key.replace("__", ".").split(".")
    if path[0] not in TOP_KEYS:
        path = ["parts", *path]
    node: Any = raw
    for step in path[:-1]:
        if isinstance(node, list):
            try:
                node = node[int(step)]
            except (ValueError, IndexError):
                raise InputError(f"{file}: {key}: no item {step!r}") from None
            continue
        if step not in node or not isinstance(node[step], Mapping | list):
            node[step] = {}
        node = node[step]
    last = path[-1]
    current = node.get(last) if isinstance(node, Mapping) else None
    if isinstance(value, bool) or isinstance(value, str | dt.date):
        node[last] = value
    elif isinstance(value, Mapping | list):
        node[last] = _as_param(value, last, current, key, units)
    elif isinstance(value, int | float):
        old = current if isinstance(current, Mapping) else {}
        dates = list(old.get("values", {})) if isinstance(old.get("values"), Mapping) else []
        first = str(min(dates)) if dates else "1900-01-01"
        node[last] = {
            "unit": old.get("unit", units.get(last, "")),
            "label": old.get("label", f"{key} (사용자 지정)"),
            "values": {
                first: {
                    "value": value,
                    "confidence": "user",
                    "source": {"title": f"override {key}={value!r}"},
                }
            },
        }
    else:
        raise InputError(f"{file}: {key}: cannot override with {value!r}")
