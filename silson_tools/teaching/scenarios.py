"""Notebook 02 (세대별 비교): example scenarios assessed under every generation.

Four scenarios build receipt lines in the canonical columns (schema.py); ``compare``
assesses them under each shipped product with :func:`silson_tools.assess`;
``plot_generations`` draws payout next to self-pay, the self-pay split by the zone that
decided it. The slider callback's computation is :func:`scenario_table` (pure);
:func:`show_scenario` only draws. Only public API is used: ``silson_tools.assess``,
``silson_tools.load_policy`` and ``silson_tools.params.nhi_copay``.

The patient's payment for care is ``cost``; ``noncovered_share`` of it is 비급여 (④),
the rest the 급여 co-pay (①). The 공단부담금 (②, needed by 5세대) follows from the NHI
co-pay rate of the tier (:func:`silson_tools.params.nhi_copay`): ② = ① × (1 − rate) / rate.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from .. import assess, load_policy, products
from ..catalog import generation_product
from ..dates import DateLike
from ..errors import InputError
from ..money import format_won
from ..params import nhi_copay
from ..people import Html, man, won
from ..people import table as people_table
from ..receipts import as_receipt_lines
from ..schema import SETTINGS, TIERS, ZONE_COLORS, ZONES

if TYPE_CHECKING:
    from ipywidgets import Box
    from matplotlib.figure import Figure

    from ..catalog import Policy

__all__ = [
    "GENERATION_NAMES",
    "SCENARIOS",
    "SELF_PAY_PARTS",
    "Scenario",
    "build",
    "compare",
    "compare_many",
    "detail_table",
    "features_table",
    "generation_features",
    "generations_figure",
    "nhi_copay_rate",
    "payout_summary",
    "plot_generations",
    "scenario_app",
    "scenario_people_table",
    "scenario_table",
    "scenario_tables",
    "show_scenario",
    "uncertain_table",
    "zone_legend",
]


def _generation_names() -> dict[str, str]:
    return {name: load_policy(name).short_label for name in products()}


GENERATION_NAMES: dict[str, str] = _generation_names()
"""Every shipped product (:func:`silson_tools.products`, in its order) → its short Korean
name for tables and plot axes, the product file's ``short_label`` (``"2세대 표준"``,
``"4세대"`` …)."""

SELF_PAY_PARTS: dict[str, str] = {
    "excluded": "excluded",
    "ceiling_offset": "ceiling_offset",
    "deductible": "deductible",
    "rate_part": "rate",
    "visit_cap_cut": "visit_cap",
    "count_cut": "count_limit",
    "annual_cut": "annual_limit",
}
"""assess() detail column → zone code; these columns add up to ``self_pay``."""

START = "2026-01-01"
"""Policy start used by every scenario: policy years are calendar years."""


# --- NHI co-pay rates (law, from silson_tools.params) ------------------------------------------


def nhi_copay_rate(setting: str, tier: str, date: DateLike = START) -> float:
    """건보 본인부담률 for a setting and tier on a date of care (inpatient 20%; outpatient by
    tier), from :func:`silson_tools.params.nhi_copay` (``data/nhi/copay.toml``)."""
    rates = nhi_copay()
    if setting == "inpatient":
        return float(rates["inpatient.all"].at(date))
    key = f"outpatient.{'pharmacy' if setting == 'pharmacy' else tier}"
    if key not in rates:
        raise InputError(f"tier: {tier!r}: expected one of {', '.join(TIERS)}")
    return float(rates[key].at(date))


def _nhis_paid(copay: int, setting: str, tier: str, date: DateLike) -> int:
    """공단부담금 ② = ① × (1 − rate) / rate, whole won."""
    rate = nhi_copay_rate(setting, tier, date)
    return round(copay * (1 - rate) / rate) if rate > 0 else 0


# --- scenarios ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    """One example: Korean label, what it shows, and its default slider values."""

    name: str
    label: str
    note: str
    cost: int
    noncovered_share: float
    tier: str
    sessions: int


SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        Scenario(
            "clinic",
            "동네 의원 외래 + 약국",
            "의원 진료 1회와 같은 날 약국 처방조제 (진료비의 75%는 외래, 25%는 약국)",
            40_000,
            0.25,
            "clinic",
            1,
        ),
        Scenario(
            "mri",
            "병원 외래 + MRI",
            "종합병원 외래 진료 (급여)와 MRI (비급여) 한 번",
            700_000,
            0.85,
            "general",
            1,
        ),
        Scenario(
            "inpatient_week",
            "1주 입원 + 1인실",
            "7일 입원: 진료비 (급여·비급여)와 1인실 차액 하루 25만원",
            2_000_000,
            0.4,
            "general",
            7,
        ),
        Scenario(
            "manual_therapy",
            "1년간 매주 도수치료",
            "의원에서 주 1회 도수치료 (비급여), 회당 비용 = cost",
            100_000,
            1.0,
            "clinic",
            52,
        ),
    )
}

ROOM_PER_DAY = 250_000
INSTITUTION = "진료한 병원"
"""Every scenario is care at one institution: its lines of a day are one 통원 in every
generation (without a name, 1–3세대 would take each line as a 통원 of its own)."""
"""1인실 상급병실 차액 per day in the inpatient scenario (an example figure)."""


def _split(cost: int, share: float) -> tuple[int, int]:
    if cost < 0:
        raise InputError(f"cost: {cost!r}: expected an amount of at least 0 won")
    if not 0 <= share <= 1:
        raise InputError(f"noncovered_share: {share!r}: expected a share between 0 and 1")
    noncovered = round(cost * share)
    return cost - noncovered, noncovered


def build(
    name: str,
    cost: int | None = None,
    noncovered_share: float | None = None,
    tier: str | None = None,
    sessions: int | None = None,
    date: DateLike = "2026-06-01",
) -> pd.DataFrame:
    """Receipt lines for scenario ``name`` (defaults from :data:`SCENARIOS`).

    ``sessions`` is the number of weekly 도수치료 sessions (manual_therapy) or the days in
    hospital (inpatient_week); the other scenarios ignore it.
    """
    if name not in SCENARIOS:
        raise InputError(f"scenario: {name!r}: expected one of {', '.join(SCENARIOS)}")
    sc = SCENARIOS[name]
    cost = sc.cost if cost is None else int(cost)
    share = sc.noncovered_share if noncovered_share is None else float(noncovered_share)
    tier = sc.tier if tier is None else tier
    if tier not in TIERS or tier == "pharmacy":
        raise InputError(f"tier: {tier!r}: expected one of clinic, hospital, general, tertiary")
    sessions = sc.sessions if sessions is None else int(sessions)
    if sessions < 1:
        raise InputError(f"sessions: {sessions!r}: expected at least 1")
    covered, noncovered = _split(cost, share)

    def row(
        setting: str,
        t: str,
        cc: int,
        nc: int,
        *,
        day: DateLike = date,
        days: int = 0,
        category: str = "",
    ) -> dict[str, object]:
        return {
            "date": pd.Timestamp(day),
            "setting": setting,
            "tier": t,
            "institution": INSTITUTION,  # one institution (a 약국 line names its prescriber)
            "covered_copay": cc,
            "full_copay": 0,
            "noncovered": nc,
            "nhis_paid": _nhis_paid(cc, setting, t, day),
            "days": days,
            "category": category,
        }

    if name == "clinic":
        visit = covered * 3 // 4
        rows = [
            row("outpatient", tier, visit, noncovered),
            row("pharmacy", "pharmacy", covered - visit, 0),
        ]
    elif name == "mri":
        rows = [
            row("outpatient", tier, covered, 0),
            row("outpatient", tier, 0, noncovered, category="mri"),
        ]
    elif name == "inpatient_week":
        rows = [
            row("inpatient", tier, covered, noncovered, days=sessions),
            row(
                "inpatient",
                tier,
                0,
                ROOM_PER_DAY * sessions,
                days=sessions,
                category="room_upgrade",
            ),
        ]
    else:  # manual_therapy: cost per session, weekly from the start of the policy year
        days = pd.date_range(START, periods=sessions, freq="7D")
        rows = [
            row("outpatient", tier, covered, noncovered, category="manual_therapy", day=d)
            for d in days
        ]
    return pd.DataFrame(rows)


_LOADED: dict[str, Policy] = {}


def _policy(pol: str | Path | Policy) -> Policy:
    """:func:`load_policy`, kept per shipped name (a slider asks for the same 8 every time),
    applied to any contract date (:meth:`Policy.at_any_date`): the scenarios put every
    generation's terms on one date on purpose, outside most products' sale windows."""
    if isinstance(pol, str) and pol in GENERATION_NAMES:
        if pol not in _LOADED:
            _LOADED[pol] = load_policy(pol).at_any_date()
        return _LOADED[pol]
    return load_policy(pol).at_any_date()


def compare(
    receipts: pd.DataFrame,
    policies: Sequence[str | Path | Policy] | None = None,
    policy_start: DateLike = START,
) -> pd.DataFrame:
    """Totals per policy: claim, payout, self_pay and the self-pay by zone (one row each).

    Columns: ``generation`` (short Korean name), ``claim``, ``payout``, ``self_pay``,
    ``payout_rate`` (payout ÷ claim) and the :data:`SELF_PAY_PARTS` columns, which add up to
    ``self_pay``; plus ``flags`` (lines needing a documented improvement, 4세대 도수).
    """
    rows = []
    lines = as_receipt_lines(receipts)  # validated once, not once per policy
    for pol in policies or list(GENERATION_NAMES):
        policy = _policy(pol)  # a name, a rule file or an already loaded Policy
        out = assess(lines, policy, policy_start=policy_start)
        sums = out[["claim", "payout", "self_pay", *SELF_PAY_PARTS]].sum()
        rows.append(
            {
                "policy": policy.name,
                "generation": GENERATION_NAMES.get(policy.name, policy.short_label),
                **{k: int(v) for k, v in sums.items()},
                "flags": int(out["needs_improvement_proof"].sum()),
            }
        )
    table = pd.DataFrame(rows).set_index("policy")
    claim = table["claim"].to_numpy()
    table["payout_rate"] = np.where(claim > 0, table["payout"] / np.maximum(claim, 1), 0.0)
    return table


def compare_many(
    receipt_sets: Sequence[pd.DataFrame],
    policies: Sequence[str | Path | Policy] | None = None,
    policy_start: DateLike = START,
) -> list[pd.DataFrame]:
    """:func:`compare` of each receipt set, with one :func:`silson_tools.assess` per policy
    for all of them: set i is assessed as person ``i`` (limits and visits are per person,
    so the sets do not mix). Same tables as ``compare`` one by one, a few times faster."""
    if not receipt_sets:
        return []
    names = [f"set{i}" for i in range(len(receipt_sets))]
    both = pd.concat(
        [r.assign(person=n) for r, n in zip(receipt_sets, names, strict=True)],
        ignore_index=True,
    )
    lines = as_receipt_lines(both)
    columns = ["claim", "payout", "self_pay", *SELF_PAY_PARTS, "needs_improvement_proof"]
    chosen = [_policy(pol) for pol in policies or list(GENERATION_NAMES)]
    sums = np.zeros((len(names), len(chosen), len(columns)), dtype=np.int64)
    for j, policy in enumerate(chosen):
        out = assess(lines, policy, policy_start=policy_start)
        codes = pd.Categorical(out["person"], categories=names).codes
        np.add.at(sums[:, j, :], codes, out[columns].to_numpy(dtype=np.int64))
    index = pd.Index([p.name for p in chosen], name="policy")
    generations = [GENERATION_NAMES.get(p.name, p.short_label) for p in chosen]
    tables = []
    for block in sums:
        table = pd.DataFrame(block, index=index, columns=[*columns[:-1], "flags"])
        table.insert(0, "generation", generations)
        claim = table["claim"].to_numpy()
        table["payout_rate"] = np.where(claim > 0, table["payout"] / np.maximum(claim, 1), 0.0)
        tables.append(table)
    return tables


def scenario_tables(
    scenario: str, variants: Sequence[tuple[int, float, str, int]]
) -> list[pd.DataFrame]:
    """:func:`scenario_table` for several (cost, noncovered_share, tier, sessions) at once
    (:func:`compare_many`): what a slider app computes ahead for the next steps."""
    return compare_many([build(scenario, c, sh, t, n) for c, sh, t, n in variants])


def scenario_table(
    scenario: str,
    cost: int | None = None,
    noncovered_share: float | None = None,
    tier: str | None = None,
    sessions: int | None = None,
) -> pd.DataFrame:
    """The slider callback's computation (pure): build the scenario, compare generations."""
    return compare(build(scenario, cost, noncovered_share, tier, sessions))


# --- pictures -------------------------------------------------------------------------------------


def plot_generations(
    table: pd.DataFrame, ax: Axes | None = None, title: str = "", legend: bool = True
) -> Axes:
    """Grouped bars per generation: 보험금 (payout) beside 본인부담 (self-pay) stacked by zone.

    ``legend``: a legend below the axes (never over the bars); :func:`generations_figure`
    draws one shared legend for several axes instead.
    Call ``silson_tools.use_korean_font()`` first so Hangul renders. Returns the Axes.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 4.2), layout="constrained")
    x = np.arange(len(table))
    width = 0.38
    man = 10_000
    ax.bar(
        x - width / 2,
        table["payout"] / man,
        width,
        color=ZONE_COLORS["payout"],
        label="보험금 (payout)",
    )
    bottom = np.zeros(len(table))
    for col, zone in SELF_PAY_PARTS.items():
        values = table[col].to_numpy() / man
        if not values.any():
            continue
        ax.bar(
            x + width / 2,
            values,
            width,
            bottom=bottom,
            color=ZONE_COLORS[zone],
            label=f"자기부담: {ZONES[zone]} ({zone.replace('_', ' ')})",
        )
        bottom += values
    ax.set_xticks(x, [str(g).replace(" ", "\n") for g in table["generation"]], fontsize=10)
    ax.yaxis.set_major_formatter(lambda v, _: f"{v:,.1f}".removesuffix(".0"))  # 만원
    ax.set_ylabel("금액 (만원)")
    ax.set_title(title or "세대별 보험금과 본인부담")
    ax.grid(axis="y", alpha=0.3)
    if legend:
        ax.legend(fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=4)
    return ax


def show_scenario(
    scenario: str,
    cost: int,
    noncovered_share: float,
    tier: str,
    sessions: int,
) -> None:
    """Slider callback: draw :func:`scenario_table`; returns None (interact shows the plot)."""
    table = scenario_table(scenario, cost, noncovered_share, tier, sessions)
    sc = SCENARIOS[scenario]
    plot_generations(table, title=f"{sc.label}: 진료비 {int(table['claim'].iloc[0]):,}원")
    plt.show()


# --- the generation comparison table, now with numbers ---------------------------------------
# 「보험사 조건에 따른 실비보험 자기부담금 계산법 전략」 compares 표준형 / 3세대 / 4세대 in words;
# generation_features() gives the same comparison with the numbers of the rule files.

Number = int | float


def _value(
    policy: Policy, part: str, setting: str | None, key: str, date: DateLike
) -> Number | None:
    p = next((q for q in policy.parts if q.name == part), None)
    if p is None:
        return None
    if setting is None:
        param = p.annual_limit if key == "annual_limit" else None
    elif setting == "treatment":
        param = p.treatment.get(key) if p.treatment else None
    elif setting == "room":
        param = p.room.get(key)
    else:
        rule = p.settings.get(setting)
        param = rule.get(key) if rule else None
    return None if param is None else param.at(date)


def _first(
    policy: Policy, part: str, setting: str, keys: tuple[str, ...], date: DateLike
) -> Number | None:
    for key in keys:
        value = _value(policy, part, setting, key, date)
        if value is not None:
            return value
    return None


def generation_features(names: Sequence[str] | None = None, date: DateLike = START) -> pd.DataFrame:
    """Key numbers of each generation, read from the rule files (rows: feature, cols: 세대)."""
    won = format_won  # 15,000원, 350만원: as a person reads them
    pct = "{:.0%}".format
    rows: dict[str, dict[str, str]] = {}
    for name in names or list(GENERATION_NAMES):
        pol = load_policy(name)
        main = "main" if any(p.name == "main" for p in pol.parts) else "covered"
        non = "main" if main == "main" else "noncovered"
        col = GENERATION_NAMES.get(name, name)

        def fmt(value: Number | None, f: Callable[[Number], str]) -> str:
            return "—" if value is None else f(value)

        rows.setdefault("급여 입원 자기부담률", {})[col] = fmt(
            _value(pol, main, "inpatient", "rate_covered", date), pct
        )
        rows.setdefault("비급여 입원 자기부담률", {})[col] = fmt(
            _value(pol, non, "inpatient", "rate_noncovered", date), pct
        )
        rows.setdefault("입원 연간 자기부담 한도", {})[col] = fmt(
            _value(pol, main, "inpatient", "selfpay_cap", date), won
        )
        rows.setdefault("통원 최소공제: 의원", {})[col] = fmt(
            _first(pol, main, "outpatient", ("min_clinic", "min"), date), won
        )
        rows.setdefault("통원 최소공제: 종합병원", {})[col] = fmt(
            _first(pol, main, "outpatient", ("min_general", "min"), date), won
        )
        rows.setdefault("통원 자기부담률 (급여)", {})[col] = fmt(
            _value(pol, main, "outpatient", "rate_covered", date), pct
        )
        if non != main:
            rows.setdefault("비급여 통원 최소공제", {})[col] = fmt(
                _value(pol, non, "outpatient", "min", date), won
            )
        else:
            rows.setdefault("비급여 통원 최소공제", {})[col] = "급여와 같음"
        rows.setdefault("통원 자기부담률 (비급여)", {})[col] = fmt(
            _value(pol, non, "outpatient", "rate_noncovered", date), pct
        )
        rows.setdefault("통원 회당 한도", {})[col] = fmt(
            _value(pol, main, "outpatient", "visit_cap", date), won
        )
        count = _value(pol, non, "outpatient", "count", date)
        rows.setdefault("통원 연간 횟수 (비급여)", {})[col] = fmt(count, "{}회".format)
        rows.setdefault("도수·체외·증식 연간 한도", {})[col] = fmt(
            _value(pol, "manual", None, "annual_limit", date), won
        )
        rows.setdefault("MRI 연간 한도", {})[col] = fmt(
            _value(pol, "mri", None, "annual_limit", date), won
        )
        rows.setdefault("상급병실 하루 한도", {})[col] = fmt(
            _value(pol, "room", "room", "daily_cap", date), won
        )
        rows.setdefault("외래+약국 같은 날 1회", {})[col] = (
            "예" if pol.combine_same_day else "아니오"
        )
    return pd.DataFrame(rows).T


def zone_legend() -> pd.DataFrame:
    """Zone codes, Korean labels and colours (for a table next to the chart)."""
    return pd.DataFrame(
        {"한국어": list(ZONES.values()), "색": [ZONE_COLORS[z] for z in ZONES]},
        index=list(ZONES),
    )


# --- tables and the slider app for people (notebook 02) ----------------------------------------

_TABLE_COLUMNS = ["generation", "claim", "payout", "self_pay", "payout_rate", *SELF_PAY_PARTS]
_DETAIL_COLUMNS = [
    "setting",
    "covered_copay",
    "noncovered",
    "claim",
    "eligible",
    "deductible",
    "rate_part",
    "visit_cap_cut",
    "payout",
    "self_pay",
    "zone",
]


def features_table(names: Sequence[str] | None = None, date: DateLike = START) -> Html:
    """:func:`generation_features` as a table for people (항목 first, one column per 세대)."""
    features = generation_features(names, date)
    features.index.name = "feature"
    return people_table(features, {"feature": "항목"}, index=True)


def payout_summary(tables: dict[str, pd.DataFrame]) -> Html:
    """보험금 per generation (rows) and scenario (columns), e.g. ``50만 4,000원`` as 504,000원."""
    rows = [
        {"세대": g, **{SCENARIOS[n].label: int(t.iloc[i]["payout"]) for n, t in tables.items()}}
        for i, g in enumerate(next(iter(tables.values()))["generation"])
    ]
    labels = [SCENARIOS[n].label for n in tables]
    return people_table(rows, money_columns=labels, caption="세대별 보험금 (payout)")


def scenario_people_table(name: str, table: pd.DataFrame) -> Html:
    """One scenario's generation table: claim, payout, self-pay and the zone amounts."""
    columns = [c for c in _TABLE_COLUMNS if c != "flags"]
    if table["flags"].any():
        columns.append("flags")
    caption = f"{SCENARIOS[name].label} (진료비 {won(table['claim'].iloc[0])})"
    return people_table(table[columns], caption=caption)


def detail_table(receipts: pd.DataFrame, policies: Sequence[str] | None = None) -> Html:
    """Line-by-line steps of ``assess`` for each policy (default: the 3세대 and 4세대 base
    products), 세대 and 진료구분 in Korean."""
    frames = []
    for name in policies or (generation_product(3), generation_product(4)):
        out = assess(receipts, _policy(name), policy_start=START)[_DETAIL_COLUMNS].copy()
        out["setting"] = [SETTINGS.get(v, v) for v in out["setting"]]
        out.insert(0, "generation", GENERATION_NAMES.get(name, name))
        frames.append(out)
    return people_table(pd.concat(frames, ignore_index=True))


def uncertain_table() -> Html:
    """Every number the rule files mark confidence C: 세대, 항목, 값, 출처, 메모."""
    rows = []
    for name, short in GENERATION_NAMES.items():
        for _, param in load_policy(name).parameters():
            if not param.uncertain:
                continue
            refs = param.references[-1] if param.references else ()
            rows.append(
                {
                    "세대": short,
                    "항목": param.label,
                    "값": param.show(param.values[-1]),
                    "출처 (source)": "; ".join(r.title for r in refs) or param.sources[-1],
                    "메모 (note)": param.notes[-1] if param.notes else "",
                }
            )
    return people_table(rows, caption="신뢰도 C로 표시된 숫자 (uncertain values)")


def generations_figure(tables: dict[str, pd.DataFrame]) -> Figure:
    """All scenarios side by side (2 per row), one shared legend under the plots."""
    n = len(tables)
    cols = 2
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(14, 4.2 * rows + 0.8), layout="constrained")
    flat = np.atleast_1d(axes).ravel()
    for ax, (name, table) in zip(flat, tables.items(), strict=False):
        title = f"{SCENARIOS[name].label} (진료비 {man(int(table['claim'].iloc[0]))})"
        plot_generations(table, ax=ax, title=title, legend=False)
    for ax in flat[n:]:
        ax.set_visible(False)
    handles: dict[str, object] = {}
    for ax in flat[:n]:
        for h, label in zip(*ax.get_legend_handles_labels(), strict=True):
            handles.setdefault(label, h)
    fig.legend(list(handles.values()), list(handles), loc="outside lower center", ncol=4)
    return fig


def scenario_app(scenario: str = "mri") -> Box:
    """The slider app of notebook 02 (:func:`silson_tools.teaching.scenario_app.scenario_app`):
    controls beside one persistent picture that is redrawn in place."""
    from .scenario_app import scenario_app as app

    return app(scenario)
