"""US network plans side by side, for reading: comparison tables and the 실손 glossary.

Built on :mod:`.calculator`; amounts are whole US dollars. :func:`cost_table` is one usage
pattern across plans, :func:`preset_table` the usage presets × plans, :func:`plan_table`
the plans' terms, :func:`stop_paying_table` where each plan stops paying and
:func:`project_terms` how the plan rules map onto this project's 실손 terms and zones.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from .. import people as pp
from ..errors import InputError
from .calculator import Usage, annual_cost, compare
from .plans import (
    COST_COLUMNS,
    COUNT_COLUMNS,
    PART_COLUMNS,
    RULES,
    USAGE_COLUMNS,
    Plan,
    resolve_plans,
    usage_preset,
    usage_presets,
)

__all__ = [
    "cost_table",
    "cost_table_from",
    "format_table",
    "people_cost_table",
    "people_frame",
    "plan_table",
    "preset_table",
    "project_terms",
    "situations",
    "stop_paying_table",
    "usd",
]


def usd(amount: int) -> str:
    """Whole US dollars for people, without ``$`` (MathJax would typeset ``$…$``): ``1,234달러``."""
    amount = int(amount)
    return f"-{-amount:,}달러" if amount < 0 else f"{amount:,}달러"


def people_frame(
    table: pd.DataFrame, first: str, headers: Mapping[str, str] | None = None
) -> pp.Html:
    """A row-labelled table (index = Korean row names, columns = plan codes) for people:
    the index becomes the first column ``first``, plan codes are written in capitals."""
    out = table.copy()
    out.columns = [str(c).upper() if str(c) in _PLAN_CODES else str(c) for c in out.columns]
    out.index.name = first
    return pp.table(out, headers, index=True, text_columns=list(out.columns))


_PLAN_CODES = {"hmo", "epo", "pos", "ppo"}


def preset_table(plans: Iterable[Plan | str] | None = None) -> pd.DataFrame:
    """Total yearly cost (premium + person pays) for each usage preset (rows) × plan (columns).

    A final column ``cheapest`` names the plan with the lowest total in each row.
    """
    long = compare(plans, usage_presets())
    table = long.pivot(index="usage", columns="plan", values="total")
    table = table.loc[list(usage_presets().index), [p.name for p in resolve_plans(plans)]]
    table["cheapest"] = table.idxmin(axis=1)
    table.columns.name = None
    return table


def cost_table(plans: Iterable[Plan | str] | None, usage: Usage) -> pd.DataFrame:
    """A side-by-side table for one usage pattern: rows = items (Korean), columns = plans.

    Rows: medical spending, premium, each rule part, person pays, plan pays, total, rank,
    and the rule that decided the person's payment. Amounts are whole USD.
    """
    return cost_table_from(compare(plans, usage))


def cost_table_from(long: pd.DataFrame) -> pd.DataFrame:
    """:func:`compare` output for one usage pattern → the side-by-side table."""
    if long["usage"].nunique() != 1:
        raise InputError("cost_table takes one usage pattern; use compare() for several")
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
    """For display: the money rows of :func:`cost_table` as ``1,234달러`` text, the rank as
    ``1위`` (rule row unchanged). The numbers stay in :func:`cost_table`."""
    out = table.astype(object).copy()
    rank, rule = "순위 (rank, 1 = 가장 쌈)", "결정한 규칙 (decided by)"
    for label in out.index:
        if label == rank:
            out.loc[label] = [f"{int(v)}위" for v in out.loc[label]]
        elif label != rule:
            out.loc[label] = [usd(v) for v in out.loc[label]]
    return out


def people_cost_table(table: pd.DataFrame) -> pp.Html:
    """:func:`cost_table` for people (:func:`format_table`, row names as the first column)."""
    return people_frame(format_table(table), "항목 (item)")


def plan_table(plans: Iterable[Plan | str] | None = None) -> pd.DataFrame:
    """The plans' terms side by side (rows in Korean, columns = plans), whole USD."""

    def money(v: int | None) -> str:
        return "—" if v is None else usd(v)

    def pct(v: float | None) -> str:
        return "—" if v is None else f"{v:.0%}"

    def copay(p: Plan, service: str) -> str:
        if service in p.copay:
            return usd(p.copay[service])
        return "공제 후 비율 (deductible, coinsurance)"

    rows: dict[str, list[str]] = {}
    chosen = resolve_plans(plans)
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


_SITUATIONS: dict[str, tuple[str, dict[str, int | float]]] = {
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
            raise InputError(f"costs: unknown keys {sorted(unknown)}; expected {COST_COLUMNS}")
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
    "플랜 X달러 / 본인 Y달러 (rule)", computed with :func:`annual_cost` from a fresh year."""
    sit = situations(costs)
    table = pd.DataFrame(index=sit["label"].to_list())
    for p in resolve_plans(plans):
        res = annual_cost(p, sit)
        table[p.name] = [
            f"플랜 {usd(plan_pays)} / 본인 {usd(me)} ({RULES[rule].split(' (')[0]})"
            for plan_pays, me, rule in zip(
                res["plan_pays"], res["person_pays"], res["decided_by"], strict=True
            )
        ]
    return table


_SELF_PAY = "「보험사 조건에 따른 실비보험 자기부담금 계산법 전략」"
_ZONES = "「급여 vs 비급여 보장 축소 구간 깔끔 정리」"
"""The two articles the 실손 terms come from (addresses: silson_tools.teaching.sources)."""


def project_terms() -> pd.DataFrame:
    """How the plan rules map onto this project's 실손 terms and zone codes (schema.ZONES)."""
    rows = [
        ("copay", f"정액형 자기부담 ({_SELF_PAY})", "formulas mode='fixed'", "deductible"),
        ("coinsurance", f"비율형 자기부담 ({_SELF_PAY}, 자기부담률 r)", "mode='rate'", "rate"),
        (
            "deductible + coinsurance",
            f"혼합형: 공제 + 남은 금액 × 비율 ({_SELF_PAY}, {_ZONES}). 실손은 건당, 여기는 연간",
            "mode='additive'",
            "deductible, rate",
        ),
        (
            "oop_max",
            f"본인부담상한제의 원리; {_ZONES}의 min(월자부담, H)를 문자 그대로 읽은 것",
            "ceiling.limit / ceiling.refund",
            "ceiling_offset",
        ),
        (
            "not_covered_out_of_network",
            "보장 제외: 네트워크 밖 비응급 진료 (HMO, EPO)",
            "silson_tools.assess",
            "excluded",
        ),
        (
            "no_referral",
            "보장 제외: 의뢰서 없는 전문의 진료 (HMO, POS)",
            "silson_tools.assess",
            "excluded",
        ),
        (
            "premium",
            f"보험료: 월 실비용 = 보험료 + 자부담 ({_ZONES})",
            "period_totals(premium=…)",
            "",
        ),
    ]
    return pd.DataFrame(
        rows, columns=["plan_rule", "실손 용어 (project term)", "silson_tools", "zone"]
    ).set_index("plan_rule")
