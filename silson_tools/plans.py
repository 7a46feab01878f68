"""Network health plans (HMO, EPO, POS, PPO): what a year of care costs under each.

Seed 000 describes the HMO (건강 유지 기구): a primary care physician (PCP, 주치의)
coordinates care, a specialist (전문의) needs the PCP's referral (진료 의뢰), only
in-network providers are paid except in emergencies, visits cost a copay (정액
본인부담), premiums and deductibles are low. EPO, POS and PPO relax those rules.

**Units: whole US dollars (USD)**, exact integers. Plan and usage presets live in
``silson_tools/data/plans.toml``; their numbers are *illustrative, not real prices*.

One plan year for one usage pattern, per service (PCP visit, specialist visit, emergency
visit, hospital day) and network (in / out):

====================================  ==========================================================
situation                             the person pays (rule code)
====================================  ==========================================================
out of network, not an emergency,     all of it (``not_covered_out_of_network``)
plan covers in-network only (HMO,
EPO)
specialist without referral, plan     all of it (``no_referral``)
requires one (HMO, POS)
in network (or any emergency),        ``min(copay, cost)`` per visit / day (``copay``)
service has a copay
in network (or any emergency),        pooled: ``min(deductible, pool)`` (``deductible``),
no copay                              then ``coinsurance × rest`` (``coinsurance``)
out of network, plan covers it        the same with the out-of-network deductible and
(POS, PPO)                            coinsurance; copays never apply out of network
====================================  ==========================================================

Then the out-of-pocket maximum (본인부담 상한, ``oop_max``) caps copay + deductible +
coinsurance in network (and, separately, ``oon_oop_max`` out of network); what lies
above it the plan pays (the ``oop_max`` column is that amount, as a negative number).
Uncovered care never counts toward a maximum. So, exactly::

    person_pays = copay + deductible + coinsurance + oop_max
                  + not_covered_out_of_network + no_referral
    plan_pays   = spending − person_pays
    total       = premium + person_pays

Rounding follows the project rule: the plan's part of a coinsurance amount is floored to
whole dollars, the person pays the remainder. Out-of-network counts are
``round_half_up(count × out_of_network_share)``; emergencies out of network are paid as
in network (the emergency exception, counted in ``emergency_exception``).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from .formulas import PPM, payout_after_rate, rate_to_ppm

__all__ = [
    "COST_COLUMNS",
    "COUNT_COLUMNS",
    "PART_COLUMNS",
    "PLAN_TYPES",
    "RESULT_COLUMNS",
    "RULES",
    "SERVICES",
    "SLIDERS",
    "USAGE_COLUMNS",
    "Plan",
    "annual_cost",
    "cheapest_ranges",
    "compare",
    "compare_usage",
    "cost_table",
    "format_table",
    "load_plans",
    "make_plan",
    "make_sliders",
    "plan_meta",
    "plan_table",
    "plot_breakdown",
    "plot_spending_curves",
    "preset_table",
    "project_terms",
    "show_comparison",
    "situations",
    "spending_curve",
    "stop_paying_table",
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

RULE_COLORS: dict[str, str] = {
    "premium": "#1f77b4",
    "copay": "#2ca02c",
    "deductible": "#d62728",
    "coinsurance": "#ff7f0e",
    "not_covered_out_of_network": "#7f7f7f",
    "no_referral": "#bcbd22",
}

PLAN_COLORS: dict[str, str] = {
    "hmo": "#2ca02c",
    "epo": "#9467bd",
    "pos": "#ff7f0e",
    "ppo": "#1f77b4",
}

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


@cache
def _data() -> dict[str, Any]:
    """The parsed ``data/plans.toml`` (read once)."""
    text = resources.files("silson_tools").joinpath("data/plans.toml").read_text("utf-8")
    data = tomllib.loads(text)
    unknown = set(data) - {"meta", "types", "plans", "usage"}
    if unknown:
        raise ValueError(f"data/plans.toml: unknown top-level keys {sorted(unknown)}")
    for name, spec in data["types"].items():
        _reject_unknown(f"data/plans.toml [types.{name}]", spec, _TYPE_KEYS)
    for name, spec in data["usage"].items():
        _reject_unknown(f"data/plans.toml [usage.{name}]", spec, _USAGE_KEYS)
    return data


def _reject_unknown(where: str, spec: Mapping[str, Any], allowed: set[str]) -> None:
    unknown = set(spec) - allowed
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}; allowed: {sorted(allowed)}")


def plan_meta() -> dict[str, Any]:
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


def _whole_dollars(name: str, value: Any, *, upper: int = MAX_DOLLARS) -> int:
    """A scalar amount of whole USD, ``0 ≤ value ≤ upper``; ValueError names it."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ValueError(f"{name} must be a whole number of US dollars, got {value!r}")
    if not np.isfinite(value) or value != int(value):
        raise ValueError(f"{name} must be a whole number of US dollars, got {value!r}")
    if value < 0 or value > upper:
        raise ValueError(f"{name} must be between 0 and {upper:,} US dollars, got {value!r}")
    return int(value)


def _share(name: str, value: Any) -> float:
    rate_to_ppm(value, name)  # raises a ValueError naming it when outside 0–1
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
        raise ValueError(f"plan type must be one of {', '.join(PLAN_TYPES)}; got {type!r}")
    kind = type.upper()
    rules = _data()["types"][kind]
    copays: dict[str, int] = {}
    for service, amount in (copay or {}).items():
        if service not in SERVICES:
            raise ValueError(
                f"copay: unknown service {service!r}; expected one of {', '.join(SERVICES)}"
            )
        copays[service] = _whole_dollars(f"copay[{service!r}]", amount)
    oon = {"oon_deductible": oon_deductible, "oon_coinsurance": oon_coinsurance}
    oon["oon_oop_max"] = oon_oop_max
    if rules["out_of_network_covered"]:
        missing = [k for k, v in oon.items() if v is None]
        if missing:
            raise ValueError(f"a {kind} plan covers out-of-network care and needs {missing}")
    else:
        given = [k for k, v in oon.items() if v is not None]
        if given:
            raise ValueError(
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

    Without ``path``: the four illustrative presets in ``data/plans.toml``. A custom file
    holds ``[plans.NAME]`` tables (keys as in plans.toml, ``type`` one of HMO, EPO, POS,
    PPO) and optionally ``[meta]``; unknown keys are an error naming the file.
    """
    if path is None:
        return dict(_presets())
    where = str(path)
    try:
        data = tomllib.loads(Path(path).read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise ValueError(f"{where}: cannot read plan file ({err})") from None
    _reject_unknown(where, data, {"meta", "plans"})
    return _build_plans(where, data.get("plans", {}))


@cache
def _presets() -> dict[str, Plan]:
    return _build_plans("data/plans.toml", _data()["plans"])


def _build_plans(where: str, specs: Mapping[str, Any]) -> dict[str, Plan]:
    out: dict[str, Plan] = {}
    for name, spec in specs.items():
        if not isinstance(spec, Mapping):
            raise ValueError(f"{where} [plans.{name}]: expected a table, got {spec!r}")
        _reject_unknown(f"{where} [plans.{name}]", spec, _PLAN_KEYS)
        missing = sorted({"type", "premium", "deductible", "coinsurance", "oop_max"} - set(spec))
        if missing:
            raise ValueError(f"{where} [plans.{name}]: missing keys {missing}")
        fields = {k: v for k, v in spec.items() if k != "type"}
        try:
            out[name] = make_plan(spec["type"], name=name, **fields)
        except ValueError as err:
            raise ValueError(f"{where} [plans.{name}]: {err}") from None
    return out


def _plan(plan: Plan | str) -> Plan:
    if isinstance(plan, Plan):
        return plan
    presets = _presets()
    if isinstance(plan, str) and plan.lower() in presets:
        return presets[plan.lower()]
    raise ValueError(
        f"plan must be a Plan or one of the presets {', '.join(presets)}; got {plan!r}"
    )


def _plans(plans: Iterable[Plan | str] | None) -> list[Plan]:
    if plans is None:
        return list(_presets().values())
    if isinstance(plans, Plan | str):
        return [_plan(plans)]
    return [_plan(p) for p in plans]


# --- usage ---------------------------------------------------------------------------------


def usage_presets() -> pd.DataFrame:
    """Usage presets low / medium / high / worst (one row each, plus a Korean ``label``)."""
    rows = {name: dict(spec) for name, spec in _data()["usage"].items()}
    frame = pd.DataFrame.from_dict(rows, orient="index")
    return frame[["label", *USAGE_COLUMNS]]


def usage_preset(name: str) -> dict[str, Any]:
    """One usage preset as a dict of the :data:`USAGE_COLUMNS` (no label)."""
    presets = _data()["usage"]
    if name not in presets:
        raise ValueError(f"usage preset must be one of {', '.join(presets)}; got {name!r}")
    return {k: presets[name][k] for k in USAGE_COLUMNS}


def _usage_frame(usage: Any) -> pd.DataFrame:
    """Usage (preset name, mapping of scalars/arrays, or DataFrame) → DataFrame of columns."""
    if isinstance(usage, str):
        return pd.DataFrame([usage_preset(usage)], index=pd.Index([usage], name="usage"))
    if isinstance(usage, pd.Series):  # one pattern, e.g. a row of usage_presets()
        usage = pd.DataFrame([usage.to_dict()], index=pd.Index([usage.name], name="usage"))
    if isinstance(usage, pd.DataFrame):
        frame = usage.drop(columns=["label"], errors="ignore")
    elif isinstance(usage, Mapping):
        values = {k: np.asarray(v) for k, v in usage.items() if k != "label"}
        if all(v.ndim == 0 for v in values.values()):
            frame = pd.DataFrame({k: [v.item()] for k, v in values.items()})
        else:
            try:
                shape = np.broadcast_shapes(*(v.shape for v in values.values()))
            except ValueError as err:
                raise ValueError(f"usage: arrays of different lengths ({err})") from None
            if len(shape) != 1:
                raise ValueError(f"usage: arrays must be one-dimensional, got shape {shape}")
            frame = pd.DataFrame({k: np.broadcast_to(v, shape) for k, v in values.items()})
    else:
        raise ValueError(
            f"usage must be a preset name, a mapping or a DataFrame; got {type(usage).__name__}"
        )
    unknown = set(frame.columns) - set(USAGE_COLUMNS)
    if unknown:
        raise ValueError(f"usage: unknown columns {sorted(unknown)}; expected {USAGE_COLUMNS}")
    missing = [c for c in COST_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"usage: missing cost columns {missing} (whole USD per service)")
    return frame


def _counts(name: str, values: pd.Series | None, size: int, upper: int) -> np.ndarray:
    """Whole, non-negative numbers ≤ upper → int64; ValueError names the column and value."""
    if values is None:
        return np.zeros(size, dtype=np.int64)
    arr = np.asarray(values)
    if arr.dtype == bool or arr.dtype.kind not in "iuf":
        raise ValueError(f"usage {name} must be whole numbers, got {_first(arr)!r}")
    if arr.dtype.kind == "f":
        bad = ~np.isfinite(arr) | (arr != np.floor(arr))
        if bad.any():
            raise ValueError(f"usage {name} must be whole numbers, got {_first(arr[bad])!r}")
    if (arr < 0).any():
        raise ValueError(f"usage {name} must not be negative, got {_first(arr[arr < 0])!r}")
    if (arr > upper).any():
        raise ValueError(
            f"usage {name} must be at most {upper:,}, got {_first(arr[arr > upper])!r}"
        )
    return arr.astype(np.int64)


def _shares(values: pd.Series | None, size: int) -> np.ndarray:
    """``out_of_network_share`` in [0, 1] → int64 ppm; ValueError names the bad value."""
    if values is None:
        return np.zeros(size, dtype=np.int64)
    arr = np.asarray(values)
    if arr.dtype == bool or arr.dtype.kind not in "iuf":
        raise ValueError(
            f"usage out_of_network_share must be a share between 0 and 1, got {_first(arr)!r}"
        )
    bad = ~(np.isfinite(arr) & (arr >= 0) & (arr <= 1))
    if bad.any():
        raise ValueError(
            f"usage out_of_network_share must be a share between 0 and 1, got {_first(arr[bad])!r}"
        )
    return rate_to_ppm(arr, "out_of_network_share")


def _first(arr: np.ndarray) -> Any:
    if not arr.size:
        return arr
    value = arr.reshape(-1)[0]
    return value.item() if isinstance(value, np.generic) else value


# --- the calculation ------------------------------------------------------------------------


def _pool(pool: np.ndarray, deductible: int, r_ppm: int) -> tuple[np.ndarray, np.ndarray]:
    """Deductible then coinsurance on a pooled amount → (deductible part, coinsurance part).

    deductible part = min(deductible, pool); the plan pays floor((pool − that) × (1 − r));
    the coinsurance part is the rest.
    """
    ded = np.minimum(pool, deductible)
    rest = pool - ded
    return ded, rest - payout_after_rate(rest, np.int64(r_ppm))


def annual_cost(plan: Plan | str, usage: Any) -> pd.DataFrame:
    """One plan year under ``plan`` for each usage pattern → a DataFrame, whole USD.

    ``usage``: a preset name (``"low"``, ``"medium"``, ``"high"``, ``"worst"``), a mapping
    of scalars or equal-length arrays, or a DataFrame with :data:`USAGE_COLUMNS` (counts
    and the share default to 0; costs are required). One output row per usage row, same
    index, with :data:`RESULT_COLUMNS`: ``spending`` (medical spending, 의료비 총액),
    ``premium``, the person's parts by rule (:data:`PART_COLUMNS`, ``oop_max`` ≤ 0),
    ``person_pays``, ``plan_pays``, ``total = premium + person_pays``, whether an
    out-of-pocket maximum was reached, how many out-of-network emergencies were paid as
    in network, and ``decided_by`` (``oop_max`` when a maximum was reached, else the rule
    with the largest part, ``none`` when the person pays nothing).
    """
    p = _plan(plan)
    frame = _usage_frame(usage)
    size = len(frame)
    get = frame.get
    n = {c: _counts(c, get(c), size, MAX_COUNT) for c in COUNT_COLUMNS}
    cost = {c: _counts(c, get(c), size, MAX_DOLLARS) for c in COST_COLUMNS}
    share_ppm = _shares(frame.get("out_of_network_share"), size)

    def split(count: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(in network, out of network): out = round_half_up(count × share)."""
        out = (count * share_ppm + PPM // 2) // PPM
        return count - out, out

    zero = np.zeros(size, dtype=np.int64)
    copay = zero.copy()
    pool_in = zero.copy()
    pool_out = zero.copy()
    uncovered_oon = zero.copy()
    no_referral = zero.copy()

    def in_network(service: str, count: np.ndarray, each: np.ndarray) -> None:
        nonlocal copay, pool_in
        if service in p.copay:
            copay = copay + count * np.minimum(each, p.copay[service])
        else:
            pool_in = pool_in + count * each

    def out_of_network(count: np.ndarray, each: np.ndarray) -> None:
        nonlocal pool_out, uncovered_oon
        if p.out_of_network_covered:
            pool_out = pool_out + count * each
        else:
            uncovered_oon = uncovered_oon + count * each

    c_pcp, c_spec = cost["cost_pcp"], cost["cost_specialist"]
    c_er, c_day = cost["cost_emergency"], cost["cost_hospital_day"]
    # PCP visits, hospital days and specialists with a referral
    for service, count, each in (
        ("pcp", n["pcp_visits"], c_pcp),
        ("hospital_day", n["hospital_days"], c_day),
        ("specialist", n["specialist_visits"], c_spec),
    ):
        inn, out = split(count)
        in_network(service, inn, each)
        out_of_network(out, each)
    # specialist without referral: the network rule first, then the referral rule
    inn, out = split(n["specialist_no_referral"])
    if p.referral_required:
        no_referral = no_referral + inn * c_spec
        if p.out_of_network_covered:
            no_referral = no_referral + out * c_spec
        else:
            uncovered_oon = uncovered_oon + out * c_spec
    else:
        in_network("specialist", inn, c_spec)
        out_of_network(out, c_spec)
    # emergencies: covered anywhere at the in-network cost share
    er_in, er_out = split(n["emergency_visits"])
    in_network("emergency", er_in + er_out, c_er)

    ded_in, coins_in = _pool(pool_in, p.deductible, p.coinsurance_ppm)
    ded_out, coins_out = _pool(pool_out, p.oon_deductible or 0, p.oon_coinsurance_ppm)
    share_in = copay + ded_in + coins_in
    relief_in = share_in - np.minimum(share_in, p.oop_max)
    share_out = ded_out + coins_out
    relief_out = (
        share_out - np.minimum(share_out, p.oon_oop_max) if p.out_of_network_covered else zero
    )

    spending = sum(n[k] * cost[v] for k, v in _COST_OF.items())
    parts = {
        "copay": copay,
        "deductible": ded_in + ded_out,
        "coinsurance": coins_in + coins_out,
        "oop_max": -(relief_in + relief_out),
        "not_covered_out_of_network": uncovered_oon,
        "no_referral": no_referral,
    }
    person = sum(parts.values())
    reached = (relief_in > 0) | (relief_out > 0)
    positive = np.column_stack([parts[k] for k in PART_COLUMNS if k != "oop_max"])
    names = np.array([k for k in PART_COLUMNS if k != "oop_max"])
    decided = np.where(
        reached, "oop_max", np.where(person > 0, names[positive.argmax(axis=1)], "none")
    )
    result = pd.DataFrame(
        {
            "spending": spending,
            "premium": np.full(size, p.premium, dtype=np.int64),
            **parts,
            "person_pays": person,
            "plan_pays": spending - person,
            "total": p.premium + person,
            "oop_max_reached": reached,
            "emergency_exception": er_out,
            "decided_by": decided,
        },
        index=frame.index,
    )
    return result


_COST_OF = {
    "pcp_visits": "cost_pcp",
    "specialist_visits": "cost_specialist",
    "specialist_no_referral": "cost_specialist",
    "emergency_visits": "cost_emergency",
    "hospital_days": "cost_hospital_day",
}


def compare(plans: Iterable[Plan | str] | None, usage: Any) -> pd.DataFrame:
    """:func:`annual_cost` for several plans (default: the four presets) → long DataFrame.

    Columns ``plan``, ``usage`` (the usage row's index label) and :data:`RESULT_COLUMNS`;
    ``rank`` is 1 for the plan with the lowest ``total`` for that usage (ties share a rank).
    """
    frames = []
    for p in _plans(plans):
        res = annual_cost(p, usage)
        res.insert(0, "usage", res.index)
        res.insert(0, "plan", p.name)
        frames.append(res.reset_index(drop=True))
    out = pd.concat(frames, ignore_index=True)
    out["rank"] = out.groupby("usage", sort=False)["total"].rank(method="min").astype(np.int64)
    return out


def preset_table(plans: Iterable[Plan | str] | None = None) -> pd.DataFrame:
    """Total yearly cost (premium + person pays) for each usage preset (rows) × plan (columns).

    A final column ``cheapest`` names the plan with the lowest total in each row.
    """
    long = compare(plans, usage_presets())
    table = long.pivot(index="usage", columns="plan", values="total")
    table = table.loc[list(usage_presets().index), [p.name for p in _plans(plans)]]
    table["cheapest"] = table.idxmin(axis=1)
    table.columns.name = None
    return table


def cost_table(plans: Iterable[Plan | str] | None, usage: Any) -> pd.DataFrame:
    """A side-by-side table for one usage pattern: rows = items (Korean), columns = plans.

    Rows: medical spending, premium, each rule part, person pays, plan pays, total, rank,
    and the rule that decided the person's payment. Amounts are whole USD.
    """
    return _table_from(compare(plans, usage))


def _table_from(long: pd.DataFrame) -> pd.DataFrame:
    """:func:`compare` output for one usage pattern → the side-by-side table."""
    if long["usage"].nunique() != 1:
        raise ValueError("cost_table takes one usage pattern; use compare() for several")
    rows = {
        "spending": "의료비 총액 (medical spending)",
        "premium": RULES["premium"],
        **{k: RULES[k] for k in PART_COLUMNS},
        "person_pays": "본인 부담 합계 (person pays)",
        "plan_pays": "플랜 지급 (plan pays)",
        "total": "연간 총비용 = 보험료 + 본인 부담 (total)",
        "rank": "순위 (rank, 1 = 가장 쌈)",
        "decided_by": "결정한 규칙 (decided by)",
    }
    table = long.set_index("plan")[list(rows)].T
    table.index = list(rows.values())
    table.loc[rows["decided_by"]] = [RULES[v] for v in table.loc[rows["decided_by"]]]
    table.columns.name = None
    return table


def format_table(table: pd.DataFrame) -> pd.DataFrame:
    """For display: the money rows of :func:`cost_table` as ``$1,234`` text (rank and rule
    rows unchanged). The numbers stay in :func:`cost_table`; this only formats them."""
    out = table.astype(object).copy()
    keep = {"순위 (rank, 1 = 가장 쌈)", "결정한 규칙 (decided by)"}
    for label in out.index:
        if label not in keep:
            out.loc[label] = [f"-${-int(v):,}" if v < 0 else f"${int(v):,}" for v in out.loc[label]]
    return out


# --- curves and situations ---------------------------------------------------------------------


def spending_curve(
    plans: Iterable[Plan | str] | None, usage: Any, levels: Sequence[int] | np.ndarray
) -> pd.DataFrame:
    """Total cost versus medical spending: the usage pattern's costs scaled to each level.

    For each level L the cost per service becomes ``floor(cost × L / base)`` (base = the
    pattern's own spending; counts and network share stay), so the mix of care is kept
    and every cost is non-decreasing in L. Costs of services the pattern does not use
    are left as they are. Returns a long DataFrame: ``plan``, ``level``
    and :data:`RESULT_COLUMNS` (``spending`` is the exact spending after flooring).
    """
    frame = _usage_frame(usage)
    if len(frame) != 1:
        raise ValueError(f"spending_curve takes one usage pattern, got {len(frame)}")
    lv = np.asarray(levels)
    if lv.ndim != 1 or lv.size == 0:
        raise ValueError(f"levels must be a non-empty list of amounts, got {levels!r}")
    lv = _counts("levels", lv, lv.size, MAX_COUNT * MAX_DOLLARS)
    base = int(annual_cost(_plans(plans)[0], frame)["spending"].iloc[0])
    if base == 0:
        raise ValueError("spending_curve: the usage pattern has no medical spending to scale")
    scaled = pd.DataFrame(
        {c: np.repeat(frame[c].to_numpy(), lv.size) for c in frame.columns}, index=lv
    )
    used = {
        c: sum(int(frame[k].iloc[0]) for k, v in _COST_OF.items() if v == c and k in frame)
        for c in COST_COLUMNS
    }
    for c in COST_COLUMNS:
        if used[c]:  # an unused service's cost changes nothing: leave it
            scaled[c] = (int(frame[c].iloc[0]) * lv) // base
    scaled.index.name = "level"
    frames = []
    for p in _plans(plans):
        res = annual_cost(p, scaled).reset_index()
        res.insert(0, "plan", p.name)
        frames.append(res)
    return pd.concat(frames, ignore_index=True)


def cheapest_ranges(curves: pd.DataFrame) -> pd.DataFrame:
    """From :func:`spending_curve` output: the spending ranges where each plan is cheapest.

    One row per run of levels with the same cheapest plan (lowest ``total``; the first
    plan listed wins a tie): ``from_spending``, ``to_spending`` (the curve's own points,
    so the switch lies between a row's ``to_spending`` and the next row's
    ``from_spending``), ``plan`` and its ``total`` at both ends.
    """
    wide = curves.pivot(index="level", columns="plan", values="total")
    wide = wide[list(dict.fromkeys(curves["plan"]))]
    spend = curves.groupby("level")["spending"].first()
    best = wide.idxmin(axis=1)
    run = (best != best.shift()).cumsum()
    rows = []
    for _, levels in best.groupby(run):
        lo, hi = levels.index[0], levels.index[-1]
        plan = levels.iloc[0]
        rows.append(
            {
                "from_spending": int(spend[lo]),
                "to_spending": int(spend[hi]),
                "plan": plan,
                "total_from": int(wide.loc[lo, plan]),
                "total_to": int(wide.loc[hi, plan]),
            }
        )
    return pd.DataFrame(rows)


def plan_table(plans: Iterable[Plan | str] | None = None) -> pd.DataFrame:
    """The plans' terms side by side (rows in Korean, columns = plans), whole USD."""

    def money(v: int | None) -> str:
        return "—" if v is None else f"${v:,}"

    def pct(v: float | None) -> str:
        return "—" if v is None else f"{v:.0%}"

    def copay(p: Plan, service: str) -> str:
        if service in p.copay:
            return f"${p.copay[service]:,}"
        return "공제 후 비율 (deductible, coinsurance)"

    rows: dict[str, list[str]] = {}
    chosen = _plans(plans)
    spec = {
        "유형 (type)": lambda p: p.type,
        "연 보험료 (premium)": lambda p: money(p.premium),
        "연간 공제 (deductible)": lambda p: money(p.deductible),
        "비율 본인부담 (coinsurance)": lambda p: pct(p.coinsurance),
        "본인부담 상한 (OOP max)": lambda p: money(p.oop_max),
        "주치의 1회 (PCP copay)": lambda p: copay(p, "pcp"),
        "전문의 1회 (specialist copay)": lambda p: copay(p, "specialist"),
        "응급실 1회 (emergency copay)": lambda p: copay(p, "emergency"),
        "입원 1일 (hospital day)": lambda p: copay(p, "hospital_day"),
        "전문의 의뢰서 필요 (referral)": lambda p: "필요" if p.referral_required else "불필요",
        "네트워크 밖 (out of network)": lambda p: (
            f"공제 {money(p.oon_deductible)} 후 {pct(p.oon_coinsurance)} 본인부담, "
            f"상한 {money(p.oon_oop_max)}"
            if p.out_of_network_covered
            else "보장 안 함 (응급 제외)"
        ),
    }
    for label, fn in spec.items():
        rows[label] = [fn(p) for p in chosen]
    return pd.DataFrame.from_dict(rows, orient="index", columns=[p.name for p in chosen])


_SITUATIONS: dict[str, tuple[str, dict[str, Any]]] = {
    "pcp": ("주치의 진료 1회 (PCP visit)", {"pcp_visits": 1}),
    "specialist": ("전문의 1회, 의뢰서 있음 (specialist, referral)", {"specialist_visits": 1}),
    "specialist_no_referral": (
        "전문의 1회, 의뢰서 없음 (specialist, no referral)",
        {"specialist_no_referral": 1},
    ),
    "specialist_oon": (
        "네트워크 밖 전문의 1회 (specialist, out of network)",
        {"specialist_visits": 1, "out_of_network_share": 1.0},
    ),
    "emergency_oon": (
        "네트워크 밖 응급실 1회 (emergency, out of network)",
        {"emergency_visits": 1, "out_of_network_share": 1.0},
    ),
    "hospital": ("네트워크 안 입원 5일 (5 hospital days)", {"hospital_days": 5}),
    "hospital_oon": (
        "네트워크 밖 입원 5일 (5 days, out of network)",
        {"hospital_days": 5, "out_of_network_share": 1.0},
    ),
    "big_hospital": ("네트워크 안 입원 30일 (30 hospital days)", {"hospital_days": 30}),
}


def situations(costs: Mapping[str, int] | None = None) -> pd.DataFrame:
    """One-situation usage rows (index = code, plus a Korean ``label``) for checking where a
    plan stops paying. Costs default to the ``medium`` preset's costs."""
    base = {c: usage_preset("medium")[c] for c in COST_COLUMNS}
    if costs is not None:
        unknown = set(costs) - set(COST_COLUMNS)
        if unknown:
            raise ValueError(f"costs: unknown keys {sorted(unknown)}; expected {COST_COLUMNS}")
        base.update(costs)
    rows = {}
    for code, (label, use) in _SITUATIONS.items():
        row = {c: 0 for c in COUNT_COLUMNS} | {"out_of_network_share": 0.0} | base | use
        rows[code] = {"label": label, **row}
    frame = pd.DataFrame.from_dict(rows, orient="index")
    return frame[["label", *USAGE_COLUMNS]]


def stop_paying_table(
    plans: Iterable[Plan | str] | None = None, costs: Mapping[str, int] | None = None
) -> pd.DataFrame:
    """Where each plan stops paying: for each :func:`situations` row and plan,
    "플랜 $X / 본인 $Y (rule)", computed with :func:`annual_cost` from a fresh year."""
    sit = situations(costs)
    table = pd.DataFrame(index=sit["label"].to_list())
    for p in _plans(plans):
        res = annual_cost(p, sit)
        table[p.name] = [
            f"플랜 ${pp:,} / 본인 ${me:,} ({RULES[rule].split(' (')[0]})"
            for pp, me, rule in zip(
                res["plan_pays"], res["person_pays"], res["decided_by"], strict=True
            )
        ]
    return table


def project_terms() -> pd.DataFrame:
    """How the plan rules map onto this project's 실손 terms and zone codes (schema.ZONES)."""
    rows = [
        ("copay", "정액형 자기부담 (seed 001)", "formulas mode='fixed'", "deductible"),
        ("coinsurance", "비율형 자기부담 (seed 001, 자기부담률 r)", "mode='rate'", "rate"),
        (
            "deductible + coinsurance",
            "혼합형: 공제 + 남은 금액 × 비율 (seed 001/002). 실손은 건당, 여기는 연간",
            "mode='additive'",
            "deductible, rate",
        ),
        (
            "oop_max",
            "본인부담상한제의 원리; seed 002의 min(월자부담, H)를 문자 그대로 읽은 것",
            "ceiling.limit / ceiling.refund",
            "ceiling_offset",
        ),
        (
            "not_covered_out_of_network",
            "보장 제외: 네트워크 밖 비응급 진료 (HMO, EPO)",
            "claims.assess",
            "excluded",
        ),
        (
            "no_referral",
            "보장 제외: 의뢰서 없는 전문의 진료 (HMO, POS)",
            "claims.assess",
            "excluded",
        ),
        (
            "premium",
            "보험료: 월 실비용 = 보험료 + 자부담 (seed 002)",
            "period_totals(premium=…)",
            "",
        ),
    ]
    return pd.DataFrame(
        rows, columns=["plan_rule", "실손 용어 (project term)", "silson_tools", "zone"]
    ).set_index("plan_rule")


# --- sliders (pure callbacks) and pictures -------------------------------------------------------

SLIDERS: dict[str, tuple[str, float, float, float]] = {
    "pcp_visits": ("주치의 방문", 0, 30, 1),
    "specialist_visits": ("전문의 (의뢰)", 0, 40, 1),
    "specialist_no_referral": ("전문의 (의뢰 없음)", 0, 20, 1),
    "emergency_visits": ("응급실", 0, 10, 1),
    "hospital_days": ("입원 일수", 0, 60, 1),
    "out_of_network_share": ("네트워크 밖 비율", 0.0, 1.0, 0.05),
    "cost_pcp": ("주치의 1회 $", 0, 1000, 10),
    "cost_specialist": ("전문의 1회 $", 0, 2000, 10),
    "cost_emergency": ("응급실 1회 $", 0, 10000, 100),
    "cost_hospital_day": ("입원 1일 $", 0, 10000, 100),
}
"""Slider name → (Korean label, min, max, step)."""


def compare_usage(
    plans: Iterable[Plan | str] | None = None,
    **usage: Any,
) -> pd.DataFrame:
    """Slider callback (pure): one usage pattern given as keywords → :func:`cost_table`.

    Slider values arrive as ints or floats; counts and costs must be whole numbers.
    """
    return cost_table(plans, {k: usage[k] for k in usage})


def show_comparison(**usage: Any) -> None:
    """Plot callback for ``interact``: show the table and the two charts for ``usage``."""
    import matplotlib.pyplot as plt
    from IPython.display import display

    long = compare(None, usage)  # the same numbers as compare_usage(**usage), computed once
    display(format_table(_table_from(long)))
    # fixed margins instead of layout="constrained": half the redraw time (~180 vs ~330 ms)
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 5))
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.24, top=0.93, wspace=0.28)
    plot_breakdown(long, ax=left)
    spend = int(long["spending"].iloc[0])
    top = max(4 * spend, 50_000)
    curves = spending_curve(None, usage, np.linspace(0, top, 121).astype(np.int64))
    plot_spending_curves(curves, ax=right, mark=spend)
    plt.show()


def make_sliders(start: str = "medium") -> dict[str, Any]:
    """ipywidgets sliders for :data:`SLIDERS`, set to the ``start`` usage preset."""
    import ipywidgets as w

    values = usage_preset(start)
    sliders: dict[str, Any] = {}
    style = {"description_width": "120px"}
    layout = w.Layout(width="380px")
    for key, (label, lo, hi, step) in SLIDERS.items():
        cls = w.FloatSlider if isinstance(step, float) else w.IntSlider
        sliders[key] = cls(
            value=values[key],
            min=lo,
            max=hi,
            step=step,
            description=label,
            style=style,
            layout=layout,
            continuous_update=False,
        )
    return sliders


def plot_breakdown(results: pd.DataFrame, ax: Any = None) -> Any:
    """Stacked bars per plan: premium and the person's parts by rule (after the OOP max)."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    names = results["plan"].str.upper().to_list()
    covered = results[["copay", "deductible", "coinsurance", "oop_max"]].sum(axis=1)
    stacks = {
        "premium": results["premium"],
        "cost_share": covered,
        "not_covered_out_of_network": results["not_covered_out_of_network"],
        "no_referral": results["no_referral"],
    }
    labels = {
        "premium": RULES["premium"],
        "cost_share": "보장 진료 본인부담 (정액+공제+비율, 상한 적용)",
        "not_covered_out_of_network": RULES["not_covered_out_of_network"],
        "no_referral": RULES["no_referral"],
    }
    colors = {**RULE_COLORS, "cost_share": RULE_COLORS["coinsurance"]}
    bottom = np.zeros(len(results))
    for key, vals in stacks.items():
        ax.bar(names, vals, bottom=bottom, color=colors[key], label=labels[key])
        bottom = bottom + vals.to_numpy()
    for x, total in enumerate(results["total"]):
        ax.annotate(f"${total:,}", (x, total), ha="center", va="bottom", fontsize=9)
    ax.set_ylabel("연간 총비용 (USD)")
    ax.set_title("플랜별 연간 총비용 (보험료 + 본인 부담)")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=2)
    ax.set_ylim(0, bottom.max() * 1.1 + 1)
    ax.yaxis.set_major_formatter(_dollars)
    return ax


def _dollars(x: float, _pos: int) -> str:
    """Axis tick label: ``12345`` → ``$12,345``."""
    return f"${x:,.0f}"


def plot_spending_curves(curves: pd.DataFrame, ax: Any = None, mark: int | None = None) -> Any:
    """Total cost (premium + person pays) against medical spending, one line per plan.

    ``mark`` draws a vertical line at the reader's own spending.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    for name, grp in curves.groupby("plan", sort=False):
        ax.plot(
            grp["spending"],
            grp["total"],
            label=str(name).upper(),
            color=PLAN_COLORS.get(str(name)),
            lw=2,
        )
    if mark is not None:
        ax.axvline(mark, color="black", ls=":", lw=1, label="내 의료비 (my spending)")
    ax.set_xlabel("의료비 총액 (medical spending, USD)")
    ax.set_ylabel("연간 총비용 = 보험료 + 본인 부담 (USD)")
    ax.set_title("의료비가 늘면 총비용은 어떻게 변하나")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    ax.xaxis.set_major_formatter(_kdollars)
    ax.yaxis.set_major_formatter(_dollars)
    return ax


def _kdollars(x: float, _pos: int) -> str:
    """Axis tick label in thousands: ``50000`` → ``$50k``."""
    return f"${x / 1000:,.0f}k"
