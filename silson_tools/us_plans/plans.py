"""US network health plans (HMO, EPO, POS, PPO): plan terms, presets and usage presets.

A :class:`Plan` holds one plan's yearly terms in whole US dollars; its network rules come
from its type (``[types]`` in ``plans.toml``). :func:`load_plans` reads the illustrative
presets (``silson_tools/us_plans/plans.toml``, *not real prices*) or a custom file;
:func:`make_plan` builds and checks one plan. Usage presets (low / medium / high / worst)
are a year of visits, hospital days and costs per service. The calculation itself is
:mod:`.calculator`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError, RuleDataError
from ..formulas import rate_to_ppm

__all__ = [
    "COST_COLUMNS",
    "COUNT_COLUMNS",
    "DATA_FILE",
    "PART_COLUMNS",
    "PLAN_TYPES",
    "RESULT_COLUMNS",
    "RULES",
    "SERVICES",
    "USAGE_COLUMNS",
    "Plan",
    "load_plans",
    "make_plan",
    "plan_meta",
    "resolve_plan",
    "resolve_plans",
    "usage_preset",
    "usage_presets",
]

SERVICES: tuple[str, ...] = ("pcp", "specialist", "emergency", "hospital_day")
"""Kinds of care with a copay: 주치의 진료, 전문의 진료, 응급실, 입원 1일."""

COUNT_COLUMNS: tuple[str, ...] = (
    "pcp_visits",
    "specialist_visits",
    "specialist_no_referral",
    "emergency_visits",
    "hospital_days",
)
"""Usage counts per year; ``specialist_visits`` are with a referral (의뢰서 있음)."""
COST_COLUMNS: tuple[str, ...] = (
    "cost_pcp",
    "cost_specialist",
    "cost_emergency",
    "cost_hospital_day",
)
"""Cost per service, whole USD (per visit; per day for a hospital stay)."""
USAGE_COLUMNS: tuple[str, ...] = (*COUNT_COLUMNS, "out_of_network_share", *COST_COLUMNS)

PART_COLUMNS: tuple[str, ...] = (
    "copay",
    "deductible",
    "coinsurance",
    "oop_max",
    "not_covered_out_of_network",
    "no_referral",
)
"""The person's payment split by the rule that decided it (they sum to ``person_pays``)."""
RESULT_COLUMNS: tuple[str, ...] = (
    "spending",
    "premium",
    *PART_COLUMNS,
    "person_pays",
    "plan_pays",
    "total",
    "oop_max_reached",
    "emergency_exception",
    "decided_by",
)

RULES: dict[str, str] = {
    "premium": "보험료 (premium)",
    "copay": "정액 본인부담 (copay)",
    "deductible": "연간 공제 (deductible)",
    "coinsurance": "비율 본인부담 (coinsurance)",
    "oop_max": "본인부담 상한 (out-of-pocket maximum)",
    "not_covered_out_of_network": "네트워크 밖 비보장 (not covered out of network)",
    "no_referral": "의뢰서 없는 전문의 비보장 (no referral)",
    "none": "본인부담 없음 (nothing to pay)",
}
"""Rule codes → Korean labels (English in brackets)."""

MAX_COUNT = 100_000
"""Largest count accepted per year (keeps every product inside int64)."""
MAX_DOLLARS = 1_000_000
"""Largest cost per service, copay or plan amount accepted (USD 1,000,000)."""

_PLAN_KEYS = {
    "type",
    "label",
    "premium",
    "deductible",
    "coinsurance",
    "oop_max",
    "copay",
    "oon_deductible",
    "oon_coinsurance",
    "oon_oop_max",
}
_OON_KEYS = ("oon_deductible", "oon_coinsurance", "oon_oop_max")
_TYPE_KEYS = {"label", "out_of_network_covered", "referral_required"}
_USAGE_KEYS = {"label", *USAGE_COLUMNS}


# --- data ---------------------------------------------------------------------------------


DATA_FILE = "us_plans/plans.toml"
"""The presets, inside the package (``silson_tools/us_plans/plans.toml``)."""


@cache
def _data() -> dict[str, Any]:
    """The parsed ``us_plans/plans.toml`` (read once)."""
    text = resources.files("silson_tools").joinpath(DATA_FILE).read_text("utf-8")
    data = tomllib.loads(text)
    unknown = set(data) - {"meta", "types", "plans", "usage"}
    if unknown:
        raise RuleDataError(DATA_FILE, "top level", f"unknown keys {sorted(unknown)}")
    for name, spec in data["types"].items():
        _reject_unknown(DATA_FILE, f"[types.{name}]", spec, _TYPE_KEYS)
    for name, spec in data["usage"].items():
        _reject_unknown(DATA_FILE, f"[usage.{name}]", spec, _USAGE_KEYS)
    return data


def _reject_unknown(file: str, where: str, spec: Mapping[str, Any], allowed: set[str]) -> None:
    unknown = set(spec) - allowed
    if unknown:
        raise RuleDataError(
            file, where, f"unknown keys {sorted(unknown)}; allowed: {sorted(allowed)}"
        )


def plan_meta() -> dict[str, str | bool]:
    """The data file's ``[meta]``: currency (USD), units, the illustrative label, source."""
    return dict(_data()["meta"])


PLAN_TYPES: tuple[str, ...] = ("HMO", "EPO", "POS", "PPO")
"""The four plan types; their network rules are data (``[types]`` in plans.toml)."""


# --- plans ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """A network health plan's terms, whole USD per plan year.

    Network rules come from the plan type: ``out_of_network_covered`` (POS, PPO) and
    ``referral_required`` (HMO, POS). ``copay`` maps a service in :data:`SERVICES` to
    its copay; a service without one goes through ``deductible`` then ``coinsurance``.
    """

    name: str
    type: str
    label: str
    premium: int
    """보험료 per year."""
    deductible: int
    """연간 공제 (deductible), in network."""
    coinsurance: float
    """비율 본인부담: the person's share after the deductible, 0–1."""
    oop_max: int
    """본인부담 상한 (out-of-pocket maximum), in network."""
    copay: Mapping[str, int] = field(default_factory=dict)
    """정액 본인부담 per visit (per day for ``hospital_day``)."""
    out_of_network_covered: bool = False
    referral_required: bool = False
    oon_deductible: int | None = None
    oon_coinsurance: float | None = None
    oon_oop_max: int | None = None

    @property
    def coinsurance_ppm(self) -> int:
        """Coinsurance in integer parts per million (exact arithmetic)."""
        return int(rate_to_ppm(self.coinsurance, "coinsurance"))

    @property
    def oon_coinsurance_ppm(self) -> int:
        """Out-of-network coinsurance in ppm (0 when out of network is not covered)."""
        if self.oon_coinsurance is None:
            return 0
        return int(rate_to_ppm(self.oon_coinsurance, "oon_coinsurance"))

    @property
    def max_covered_cost_share(self) -> int:
        """The most the person can pay for covered care: ``oop_max`` (+ ``oon_oop_max``)."""
        return self.oop_max + (self.oon_oop_max or 0)


def _whole_dollars(name: str, value: object, *, upper: int = MAX_DOLLARS) -> int:
    """A scalar amount of whole USD, ``0 ≤ value ≤ upper``; InputError names it."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise InputError(f"{name} must be a whole number of US dollars, got {value!r}")
    if not np.isfinite(value) or value != int(value):
        raise InputError(f"{name} must be a whole number of US dollars, got {value!r}")
    if value < 0 or value > upper:
        raise InputError(f"{name} must be between 0 and {upper:,} US dollars, got {value!r}")
    return int(value)


def _share(name: str, value: float) -> float:
    rate_to_ppm(value, name)  # raises an error naming it when outside 0–1
    return float(value)


def make_plan(
    type: str,
    *,
    premium: int,
    deductible: int,
    coinsurance: float,
    oop_max: int,
    copay: Mapping[str, int] | None = None,
    oon_deductible: int | None = None,
    oon_coinsurance: float | None = None,
    oon_oop_max: int | None = None,
    name: str | None = None,
    label: str | None = None,
) -> Plan:
    """Build and check a :class:`Plan` of ``type`` (HMO, EPO, POS, PPO; case-insensitive).

    The type decides the network rules (from plans.toml). POS and PPO need the three
    ``oon_*`` terms; HMO and EPO must not have them (they pay nothing out of network).
    """
    if not isinstance(type, str) or type.upper() not in _data()["types"]:
        raise InputError(f"plan type must be one of {', '.join(PLAN_TYPES)}; got {type!r}")
    kind = type.upper()
    rules = _data()["types"][kind]
    copays: dict[str, int] = {}
    for service, amount in (copay or {}).items():
        if service not in SERVICES:
            raise InputError(
                f"copay: unknown service {service!r}; expected one of {', '.join(SERVICES)}"
            )
        copays[service] = _whole_dollars(f"copay[{service!r}]", amount)
    oon = {"oon_deductible": oon_deductible, "oon_coinsurance": oon_coinsurance}
    oon["oon_oop_max"] = oon_oop_max
    if rules["out_of_network_covered"]:
        missing = [k for k, v in oon.items() if v is None]
        if missing:
            raise InputError(f"a {kind} plan covers out-of-network care and needs {missing}")
    else:
        given = [k for k, v in oon.items() if v is not None]
        if given:
            raise InputError(
                f"a {kind} plan pays nothing out of network; remove {given} (got {oon})"
            )
    return Plan(
        name=name or kind.lower(),
        type=kind,
        label=label or kind,
        premium=_whole_dollars("premium", premium),
        deductible=_whole_dollars("deductible", deductible),
        coinsurance=_share("coinsurance", coinsurance),
        oop_max=_whole_dollars("oop_max", oop_max),
        copay=MappingProxyType(copays),
        out_of_network_covered=bool(rules["out_of_network_covered"]),
        referral_required=bool(rules["referral_required"]),
        oon_deductible=None
        if oon_deductible is None
        else _whole_dollars("oon_deductible", oon_deductible),
        oon_coinsurance=None
        if oon_coinsurance is None
        else _share("oon_coinsurance", oon_coinsurance),
        oon_oop_max=None if oon_oop_max is None else _whole_dollars("oon_oop_max", oon_oop_max),
    )


def load_plans(path: str | Path | None = None) -> dict[str, Plan]:
    """Plans from a TOML file: ``{"hmo": Plan, "epo": …, …}``.

    Without ``path``: the four illustrative presets in ``us_plans/plans.toml``. A custom
    file holds ``[plans.NAME]`` tables (keys as in plans.toml, ``type`` one of HMO, EPO,
    POS, PPO) and optionally ``[meta]``; unknown keys and bad values are a
    :class:`~silson_tools.errors.RuleDataError` naming the file and the table.
    """
    if path is None:
        return dict(_presets())
    file = str(path)
    try:
        data = tomllib.loads(Path(path).read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise RuleDataError(file, "", f"cannot read plan file ({err})") from None
    _reject_unknown(file, "top level", data, {"meta", "plans"})
    return _build_plans(file, data.get("plans", {}))


@cache
def _presets() -> dict[str, Plan]:
    return _build_plans(DATA_FILE, _data()["plans"])


def _build_plans(file: str, specs: Mapping[str, Any]) -> dict[str, Plan]:
    out: dict[str, Plan] = {}
    for name, spec in specs.items():
        where = f"[plans.{name}]"
        if not isinstance(spec, Mapping):
            raise RuleDataError(file, where, f"expected a table, got {spec!r}")
        _reject_unknown(file, where, spec, _PLAN_KEYS)
        missing = sorted({"type", "premium", "deductible", "coinsurance", "oop_max"} - set(spec))
        if missing:
            raise RuleDataError(file, where, f"missing keys {missing}")
        fields = {k: v for k, v in spec.items() if k != "type"}
        try:
            out[name] = make_plan(spec["type"], name=name, **fields)
        except ValueError as err:  # InputError, or a rate outside 0–1
            raise RuleDataError(file, where, str(err)) from None
    return out


def resolve_plan(plan: Plan | str) -> Plan:
    """A :class:`Plan`, or a preset name (``"hmo"`` …) → the preset."""
    if isinstance(plan, Plan):
        return plan
    presets = _presets()
    if isinstance(plan, str) and plan.lower() in presets:
        return presets[plan.lower()]
    raise InputError(
        f"plan must be a Plan or one of the presets {', '.join(presets)}; got {plan!r}"
    )


def resolve_plans(plans: Iterable[Plan | str] | Plan | str | None) -> list[Plan]:
    """Plans or preset names → plans; ``None`` = the four presets in file order."""
    if plans is None:
        return list(_presets().values())
    if isinstance(plans, Plan | str):
        return [resolve_plan(plans)]
    return [resolve_plan(p) for p in plans]


# --- usage ---------------------------------------------------------------------------------


def usage_presets() -> pd.DataFrame:
    """Usage presets low / medium / high / worst (one row each, plus a Korean ``label``)."""
    rows = {name: dict(spec) for name, spec in _data()["usage"].items()}
    frame = pd.DataFrame.from_dict(rows, orient="index")
    return frame[["label", *USAGE_COLUMNS]]


def usage_preset(name: str) -> dict[str, int | float]:
    """One usage preset as a dict of the :data:`USAGE_COLUMNS` (no label)."""
    presets = _data()["usage"]
    if name not in presets:
        raise InputError(f"usage preset must be one of {', '.join(presets)}; got {name!r}")
    return {k: presets[name][k] for k in USAGE_COLUMNS}
