"""US network health plans (HMO, EPO, POS, PPO): what a year of care costs under each.

The article 「건강 유지 기구(HMO)」 describes the HMO: a primary care physician (PCP, 주치의)
coordinates care, a specialist (전문의) needs the PCP's referral (진료 의뢰), only
in-network providers are paid except in emergencies, visits cost a copay (정액
본인부담), premiums and deductibles are low. EPO, POS and PPO relax those rules.

**Units: whole US dollars (USD)**, exact integers. Plan and usage presets live in
``silson_tools/us_plans/plans.toml``; their numbers are *illustrative, not real prices*.

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

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import InputError
from ..formulas import PPM, payout_after_rate, rate_to_ppm
from .plans import (
    COST_COLUMNS,
    COUNT_COLUMNS,
    MAX_COUNT,
    MAX_DOLLARS,
    PART_COLUMNS,
    USAGE_COLUMNS,
    Plan,
    resolve_plan,
    resolve_plans,
    usage_preset,
)

__all__ = [
    "COST_OF",
    "Usage",
    "annual_cost",
    "cheapest_ranges",
    "compare",
    "compare_with_curve",
    "spending_curve",
    "usage_frame",
]

Usage = str | pd.DataFrame | pd.Series | Mapping[str, object]
"""A usage preset name, one pattern (Series, mapping of scalars), or several (DataFrame,
mapping of equal-length arrays)."""


# --- usage --------------------------------------------------------------------------------


def usage_frame(usage: Usage) -> pd.DataFrame:
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
                raise InputError(f"usage: arrays of different lengths ({err})") from None
            if len(shape) != 1:
                raise InputError(f"usage: arrays must be one-dimensional, got shape {shape}")
            frame = pd.DataFrame({k: np.broadcast_to(v, shape) for k, v in values.items()})
    else:
        raise InputError(
            f"usage must be a preset name, a mapping or a DataFrame; got {type(usage).__name__}"
        )
    unknown = set(frame.columns) - set(USAGE_COLUMNS)
    if unknown:
        raise InputError(f"usage: unknown columns {sorted(unknown)}; expected {USAGE_COLUMNS}")
    missing = [c for c in COST_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(f"usage: missing cost columns {missing} (whole USD per service)")
    return frame


def _counts(name: str, values: pd.Series | None, size: int, upper: int) -> np.ndarray:
    """Whole, non-negative numbers ≤ upper → int64; InputError names the column and value."""
    if values is None:
        return np.zeros(size, dtype=np.int64)
    arr = np.asarray(values)
    if arr.dtype == bool or arr.dtype.kind not in "iuf":
        raise InputError(f"usage {name} must be whole numbers, got {_first(arr)!r}")
    if arr.dtype.kind == "f":
        bad = ~np.isfinite(arr) | (arr != np.floor(arr))
        if bad.any():
            raise InputError(f"usage {name} must be whole numbers, got {_first(arr[bad])!r}")
    if (arr < 0).any():
        raise InputError(f"usage {name} must not be negative, got {_first(arr[arr < 0])!r}")
    if (arr > upper).any():
        raise InputError(
            f"usage {name} must be at most {upper:,}, got {_first(arr[arr > upper])!r}"
        )
    return arr.astype(np.int64)


def _shares(values: pd.Series | None, size: int) -> np.ndarray:
    """``out_of_network_share`` in [0, 1] → int64 ppm; InputError names the bad value."""
    if values is None:
        return np.zeros(size, dtype=np.int64)
    arr = np.asarray(values)
    if arr.dtype == bool or arr.dtype.kind not in "iuf":
        raise InputError(
            f"usage out_of_network_share must be a share between 0 and 1, got {_first(arr)!r}"
        )
    bad = ~(np.isfinite(arr) & (arr >= 0) & (arr <= 1))
    if bad.any():
        raise InputError(
            f"usage out_of_network_share must be a share between 0 and 1, got {_first(arr[bad])!r}"
        )
    return rate_to_ppm(arr, "out_of_network_share")


def _first(arr: np.ndarray) -> object:
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


def annual_cost(plan: Plan | str, usage: Usage) -> pd.DataFrame:
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
    p = resolve_plan(plan)
    frame = usage_frame(usage)
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

    spending = sum(n[k] * cost[v] for k, v in COST_OF.items())
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


COST_OF = {
    "pcp_visits": "cost_pcp",
    "specialist_visits": "cost_specialist",
    "specialist_no_referral": "cost_specialist",
    "emergency_visits": "cost_emergency",
    "hospital_days": "cost_hospital_day",
}


def compare(plans: Iterable[Plan | str] | None, usage: Usage) -> pd.DataFrame:
    """:func:`annual_cost` for several plans (default: the four presets) → long DataFrame.

    Columns ``plan``, ``usage`` (the usage row's index label) and :data:`RESULT_COLUMNS`;
    ``rank`` is 1 for the plan with the lowest ``total`` for that usage (ties share a rank).
    """
    frames = []
    for p in resolve_plans(plans):
        res = annual_cost(p, usage)
        res.insert(0, "usage", res.index)
        res.insert(0, "plan", p.name)
        frames.append(res.reset_index(drop=True))
    out = pd.concat(frames, ignore_index=True)
    out["rank"] = out.groupby("usage", sort=False)["total"].rank(method="min").astype(np.int64)
    return out


# --- curves and situations ---------------------------------------------------------------------


def spending_curve(
    plans: Iterable[Plan | str] | None, usage: Usage, levels: Sequence[int] | np.ndarray
) -> pd.DataFrame:
    """Total cost versus medical spending: the usage pattern's costs scaled to each level.

    For each level L the cost per service becomes ``floor(cost × L / base)`` (base = the
    pattern's own spending; counts and network share stay), so the mix of care is kept
    and every cost is non-decreasing in L. Costs of services the pattern does not use
    are left as they are. Returns a long DataFrame: ``plan``, ``level``
    and :data:`RESULT_COLUMNS` (``spending`` is the exact spending after flooring).
    """
    frame = usage_frame(usage)
    if len(frame) != 1:
        raise InputError(f"spending_curve takes one usage pattern, got {len(frame)}")
    lv = np.asarray(levels)
    if lv.ndim != 1 or lv.size == 0:
        raise InputError(f"levels must be a non-empty list of amounts, got {levels!r}")
    lv = _counts("levels", lv, lv.size, MAX_COUNT * MAX_DOLLARS)
    base = int(annual_cost(resolve_plans(plans)[0], frame)["spending"].iloc[0])
    scaled = _scaled(frame, lv, base)
    frames = []
    for p in resolve_plans(plans):
        res = annual_cost(p, scaled).reset_index()
        res.insert(0, "plan", p.name)
        frames.append(res)
    return pd.concat(frames, ignore_index=True)


def _scaled(frame: pd.DataFrame, lv: np.ndarray, base: int) -> pd.DataFrame:
    """One usage row repeated per level, each used service's cost × level / base (floored)."""
    if base == 0:
        raise InputError("spending_curve: the usage pattern has no medical spending to scale")
    scaled = pd.DataFrame(
        {c: np.repeat(frame[c].to_numpy(), lv.size) for c in frame.columns}, index=lv
    )
    used = {
        c: sum(int(frame[k].iloc[0]) for k, v in COST_OF.items() if v == c and k in frame)
        for c in COST_COLUMNS
    }
    for c in COST_COLUMNS:
        if used[c]:  # an unused service's cost changes nothing: leave it
            scaled[c] = (int(frame[c].iloc[0]) * lv) // base
    scaled.index.name = "level"
    return scaled


def compare_with_curve(
    plans: Iterable[Plan | str] | None, usage: Usage, top: int, points: int = 61
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """:func:`compare` of one usage pattern and its :func:`spending_curve` at ``points``
    levels from 0 to ``top``, with one :func:`annual_cost` call per plan (the slider app).

    The usage row is evaluated together with the scaled rows, so the numbers are those of
    the two functions. The curve is ``None`` when the pattern has no spending.
    """
    frame = usage_frame(usage)
    if len(frame) != 1:
        raise InputError(f"compare_with_curve takes one usage pattern, got {len(frame)}")
    row = frame.iloc[0]
    base = int(sum(int(row[k]) * int(row[v]) for k, v in COST_OF.items() if k in frame))
    if base == 0:
        return compare(plans, frame), None
    lv = _counts("levels", np.linspace(0, top, points).astype(np.int64), points, top + 1)
    both = pd.concat([frame.set_axis([-1]), _scaled(frame, lv, base)]).rename_axis("level")
    chosen = resolve_plans(plans)
    stacked = pd.concat(
        [annual_cost(p, both) for p in chosen], keys=[p.name for p in chosen], names=["plan"]
    ).reset_index()
    own = stacked["level"].to_numpy() == -1
    long = stacked[own].drop(columns="level").reset_index(drop=True)
    long.insert(1, "usage", frame.index[0])
    long["rank"] = long["total"].rank(method="min").astype(np.int64)
    return long, stacked[~own].reset_index(drop=True)


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
