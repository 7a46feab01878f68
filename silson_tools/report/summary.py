"""The year explained as tables and sentences (no drawing, no files).

Everything notebook 03 and ``silson report`` show is computed here, from the validated
receipt lines (:class:`~silson_tools.receipts.ReceiptLines`) and ``assess`` (payout,
self-pay and the amount each rule took on every line). The amounts each zone took (보장 축소
구간) are the engine's detail columns, so for every line and every total

    claim == payout + Σ zone amounts          (self_pay == Σ zone amounts)

with ``excluded`` (보장 제외), ``ceiling_offset`` (상한제 환급분), ``deductible`` (최소공제),
``rate_part`` (자기부담률), ``visit_cap_cut`` (회당 한도), ``count_cut`` (횟수 한도) and
``annual_cut`` (연간 한도). Money stays integer won; shares are shown rounded for reading.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd

from ..dates import as_day
from ..errors import InputError, ReceiptError, ReceiptProblem
from ..money import format_won
from ..receipts import ReceiptLines, as_receipt_lines
from ..schema import (
    CANONICAL_COLUMNS,
    CATEGORIES,
    SETTINGS,
    TIERS,
    ZONES,
)
from .deciles import YearDeciles, checked_deciles, decile_label
from .notes import (
    SHOWN_ROWS,
    TOP_PEOPLE,
    UNNAMED_ACTS,
    UNNAMED_STAYS,
    UNNAMED_VISITS,
    assumed_start_note,
    certain_refund_sentences,
    check_dates,
    crossing_sentences,
    decile_refund_sentences,
    due_date_sentences,
    outpatient_units,
    payout_percent,
    same_purpose_sentences,
    shown_rows,
    uncounted_sentences,
    unnamed_acts,
    unnamed_compare_reason,
    unnamed_stays,
    unnamed_visits,
)
from .rulegaps import rule_gap_sentences
from .validation import validation_summary

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..catalog import Policy
    from ..dates import DateLike
    from ..engine.ceiling_hook import Ceiling

__all__ = [
    "ALL_PERSONS",
    "ASSUMPTIONS",
    "TOP_PEOPLE",
    "ZONE_AMOUNTS",
    "Report",
    "build_report",
    "compare_policies",
    "lines_table",
    "monthly_totals",
    "top_people",
    "top_shrinks",
    "validation_summary",
    "why_sentences",
    "year_summary",
    "zone_amounts",
]

_ZONE_COLUMN = {"rate": "rate_part", "visit_cap": "visit_cap_cut", "count_limit": "count_cut"}
_ZONE_COLUMN["annual_limit"] = "annual_cut"
ZONE_AMOUNTS: Final[dict[str, str]] = {zone: _ZONE_COLUMN.get(zone, zone) for zone in ZONES}
"""Zone code (in schema.ZONES order) → the engine's column with the amount that zone took."""

ALL_PERSONS: Final = "(전체)"
"""The person choice meaning everyone in the file (family view)."""

TOTAL_ROW: Final = "합계 (total)"

ASSUMPTIONS: Final = (
    "보험금은 이 도구의 규칙 파일(silson_tools/data/products, 출처·신뢰도 A/B/C 표시)로 계산한 "
    "추정치입니다; 실제 지급액은 약관·심사에 따라 다릅니다 (estimates from the rule files, "
    "not an insurer's decision).",
    "한 사람이 같은 날 병원명이 같은 기관에서 받은 외래는 몇 줄이든 한 번의 통원이고 "
    "(방문묶음이나 진료과가 다르면 치료 목적이 다른 두 통원), 같은 방문묶음의 줄도 한 번입니다; "
    "다른 병원의 외래는 같은 날이라도 병원마다 한 통원입니다 (약관은 하루에 같은 치료 목적의 "
    "통원을 한 번으로 보므로, 그렇다면 같은 방문묶음을 적으세요); "
    "4·5세대는 그날의 약국도 합치고 (병원명이 처방한 곳을 말하지 않으면 그날 가장 높은 등급의 "
    "외래에, 같은 등급이 둘이면 방문묶음을 묻고; 다른 날 조제한 약국은 병원명의 기관 등급으로 "
    "따로, 방문묶음을 같이 적으면 합침) "
    "1–3세대는 처방전마다 따로 공제합니다. 1–3세대에서 병원명이 없는 외래 줄은 각각 다른 통원이라 "
    "같은 날 같은 진료과로 여럿이면 병원명이나 방문묶음을 묻습니다 (one institution's "
    "outpatient lines of a day are one visit unless their visit keys or 진료과 differ; two "
    "institutions are two visits unless one visit key joins them; 4th/5th "
    "generation add the day's pharmacy to its named prescriber, else to the day's highest-tier "
    "visit (asked when two share it), a later fill stands alone at its prescriber's tier "
    "unless a key ties it).",
    "비급여 특약·3대 비급여 특약에 모두 가입했다고 가정합니다 (all riders assumed held).",
    "본인부담상한제 환급: 소득분위(decile)를 주면 그 분위의 환급을 빼고, 주지 않으면 어느 "
    "분위든 받는 만큼 (그해 최고 상한액을 넘는 ①) 만 뺍니다 (the national-ceiling refund: the "
    "decile's when given, else the part every decile gets back).",
    "도수치료 10회마다 필요한 호전 증빙은 있다고 보고, 표시만 합니다 (improvement proof "
    "after every 10 sessions is assumed and only flagged).",
)


def won(amount: int) -> str:
    """Whole won with separators (12,000원, 1,110,000원): one style in every table."""
    return format_won(int(amount), unit="won")


def zone_amounts(assessed: pd.DataFrame) -> pd.DataFrame:
    """Per line, the won each zone took (columns: zone codes), int64; sums to ``self_pay``."""
    missing = [c for c in (*ZONE_AMOUNTS.values(), "self_pay") if c not in assessed.columns]
    if missing:
        raise InputError(
            f"assessed: missing column(s) {missing}; pass the output of silson_tools.assess"
        )
    columns = {z: assessed[c].to_numpy(np.int64) for z, c in ZONE_AMOUNTS.items()}
    total = np.sum(list(columns.values()), axis=0, dtype=np.int64)
    out = pd.DataFrame(columns, index=assessed.index, copy=False)
    bad = np.flatnonzero(total != assessed["self_pay"].to_numpy())
    if len(bad):
        row = assessed.index[bad[0]]
        raise InputError(
            f"assessed row {row}: zone amounts sum to {total[bad[0]]:,} but self_pay is "
            f"{int(assessed['self_pay'].iloc[bad[0]]):,}"
        )
    return out


def claim_of(frame: pd.DataFrame) -> np.ndarray:
    """Claimed won per line: ① covered_copay + ③ full_copay + ④ noncovered."""
    return (
        frame["covered_copay"].to_numpy(np.int64)
        + frame["full_copay"].to_numpy(np.int64)
        + frame["noncovered"].to_numpy(np.int64)
    )


def year_summary(assessed: pd.DataFrame) -> pd.DataFrame:
    """Per person, plus a 합계 (total) row: lines, claimed, payout, self-pay, each zone's take.

    Columns: ``lines, claim, payout, self_pay, payout_pct`` then one per zone code (won),
    then ``selfpay_cap_refund``. ``claim == payout + Σ zones`` on every row.
    """
    zones = zone_amounts(assessed)
    person, names = pd.factorize(assessed["person"], use_na_sentinel=False)  # first seen first
    frame = pd.DataFrame(
        {
            "person": person,
            "lines": 1,
            "claim": claim_of(assessed),
            "payout": assessed["payout"].to_numpy(np.int64),
            "self_pay": assessed["self_pay"].to_numpy(np.int64),
            **{z: zones[z].to_numpy() for z in ZONE_AMOUNTS},
            "selfpay_cap_refund": assessed["selfpay_cap_refund"].to_numpy(np.int64),
        }
    )
    per = frame.groupby("person", sort=True).sum()
    per.index = pd.Index([str(n) for n in names], dtype=object)
    per.loc[TOTAL_ROW] = per.sum()
    per = per.astype(np.int64)
    per.insert(4, "payout_pct", payout_percent(per["payout"], per["claim"]))
    per.index.name = "person"
    return per


def top_people(summary: pd.DataFrame, n: int = TOP_PEOPLE) -> pd.DataFrame:
    """:func:`year_summary` with at most ``n`` people by name: when there are more, the ``n``
    with the largest claims (ties: file order) and one row ``그 외 N명 (others)`` summing the
    rest, then the total row; sums and ``payout_pct`` as in :func:`year_summary`."""
    people = summary.drop(index=TOTAL_ROW, errors="ignore")
    if len(people) <= n:
        return summary
    order = np.lexsort((np.arange(len(people)), -people["claim"].to_numpy()))
    shown, rest = people.iloc[order[:n]], people.iloc[order[n:]]
    sums: dict[str, Any] = {c: int(rest[c].sum()) for c in rest.columns if c != "payout_pct"}
    claim = sums["claim"]
    sums["payout_pct"] = float(payout_percent(sums["payout"], claim))
    others = pd.DataFrame([sums], index=[f"그 외 {len(rest):,}명 (others)"])[summary.columns]
    out = pd.concat(
        [shown, others.astype(summary.dtypes.to_dict()), summary[summary.index == TOTAL_ROW]]
    )
    out.index.name = summary.index.name
    return out


def why_sentences(summary: pd.DataFrame) -> list[str]:
    """ "왜 이만큼 받았지?" — one sentence per row of :func:`year_summary`, zones largest first."""
    out = []
    for person, row in zip(summary.index, summary.to_dict("records"), strict=True):
        claim, payout, self_pay = int(row["claim"]), int(row["payout"]), int(row["self_pay"])
        cuts = sorted(((int(row[z]), z) for z in ZONE_AMOUNTS if int(row[z]) > 0), reverse=True)
        text = (
            f"{person}: 청구 {won(claim)} 중 보험금 {won(payout)} "
            f"({row['payout_pct']:.1f}%)을 받고 {won(self_pay)}을 냈습니다 "
            f"(claimed, paid, self-paid)."
        )
        if cuts:
            text += (
                " 줄어든 곳 (where it shrank): "
                + ", ".join(f"{ZONES[z]} {won(v)}" for v, z in cuts)
                + "."
            )
        if int(row["selfpay_cap_refund"]) > 0:
            text += (
                " 연간 자기부담 한도로 "
                f"{won(int(row['selfpay_cap_refund']))}을 돌려받았습니다 "
                "(yearly self-pay cap refund, already in the payout)."
            )
        out.append(text)
    return out


def monthly_totals(assessed: pd.DataFrame) -> pd.DataFrame:
    """Per calendar month (``YYYY-MM``): claim, payout and self-pay in won (no care: 0)."""
    months = assessed["date"].to_numpy().astype("datetime64[M]")
    frame = pd.DataFrame(
        {
            "month": months,
            "claim": claim_of(assessed),
            "payout": assessed["payout"].to_numpy(np.int64),
            "self_pay": assessed["self_pay"].to_numpy(np.int64),
        }
    )
    out = frame.groupby("month").sum()
    if len(out):
        first, last = out.index.to_numpy().astype("datetime64[M]")[[0, -1]]
        out = out.reindex(np.arange(first, last + np.timedelta64(1, "M")), fill_value=0)
    out.index = [str(m)[:7] for m in out.index.to_numpy().astype("datetime64[M]")]
    out.index.name = "month"
    return out.astype(np.int64)


def top_shrinks(assessed: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """The ``n`` lines where coverage shrank most: largest self-pay first, with the zone.

    Index: the row a person sees (the sheet row for a file); columns: person, date,
    진료구분, 요양기관, 항목, 병원, claim, payout, self_pay, payout_pct and the zone label.
    """
    if n < 0:
        raise InputError(f"n must be >= 0, got {n}")
    self_pay = assessed["self_pay"].to_numpy(np.int64)
    order = np.lexsort((np.arange(len(assessed)), -self_pay))  # stable: file order breaks ties
    assessed = assessed.iloc[order[:n]]
    claim = claim_of(assessed)
    frame = pd.DataFrame(
        {
            "person": assessed["person"].astype(str).to_numpy(),
            "date": assessed["date"].dt.strftime("%Y-%m-%d").to_numpy(),
            "setting": [SETTINGS.get(s, s) for s in assessed["setting"]],
            "tier": [TIERS.get(t, t) for t in assessed["tier"]],
            "category": [CATEGORIES.get(c, c) for c in assessed["category"]],
            "institution": assessed["institution"].astype(str).to_numpy(),
            "claim": claim,
            "payout": assessed["payout"].to_numpy(np.int64),
            "self_pay": assessed["self_pay"].to_numpy(np.int64),
            "zone": [
                ZONES[str(z)] + (f": {why}" if (why := str(w)) else "")
                for z, w in zip(assessed["zone"], _clause_of(assessed), strict=True)
            ],
        },
        index=assessed.index,
    )
    frame.insert(8, "payout_pct", payout_percent(frame["payout"], claim))
    return frame


def _clause_of(assessed: pd.DataFrame) -> list[str]:
    """The 보장 제외 clause of each line where ``assess`` named one ("" elsewhere)."""
    if "excluded_by" not in assessed.columns:
        return [""] * len(assessed)
    return ["" if pd.isna(w) else str(w) for w in assessed["excluded_by"]]


def _policy(policy: str | Policy) -> Policy:
    from ..catalog import Policy, load_policy

    return policy if isinstance(policy, Policy) else load_policy(policy)


def _every_product() -> tuple[str, ...]:
    from ..catalog import products

    return products()


def _default_product() -> str:
    from ..catalog import default_product

    return default_product()


def compare_policies(
    receipts: pd.DataFrame,
    policies: Sequence[str | Policy] | None = None,
    policy_start: DateLike | None = None,
    ceiling: Ceiling = None,
    estimate_nhis: bool = False,
) -> pd.DataFrame:
    """The same receipts under each policy: claim, payout, self-pay, payout % and zone takes.

    Index: policy name; columns ``label, claim, payout, self_pay, payout_pct`` and one per
    zone code (won). Every policy sees the same lines and the same ``policy_start``.
    ``policies``: default every shipped product. A policy that needs ② 공단부담금 where the
    receipts have none (5세대) is left out and named in ``attrs["skipped"]`` (policy → why),
    unless ``estimate_nhis``: then its label says the result uses an estimate. So is a
    policy under which lines without 병원명 and 방문묶음 leave a 통원, an admission or an act
    undecided (:func:`~.notes.unnamed_compare_reason`: the rows and the rule): ``silson
    report`` refuses them under the chosen product, and a compared one would take each line
    as a 통원, admission or act of its own.
    """
    return _compare(as_receipt_lines(receipts), policies, policy_start, ceiling, {}, estimate_nhis)


def _compare(
    lines: ReceiptLines,
    policies: Sequence[str | Policy] | None,
    policy_start: DateLike | None,
    ceiling: Ceiling,
    known: Mapping[str, pd.DataFrame],
    estimate_nhis: bool = False,
) -> pd.DataFrame:
    """:func:`compare_policies`, reusing ``known`` (policy name → its assessed lines)."""
    from ..engine import assess
    from ..engine.exclusions import DUE_DATE_ASKED, pregnancy_rule
    from ..engine.inputs import needs_nhis

    rows, skipped = [], {}
    for policy in _every_product() if policies is None else policies:
        pol = _policy(policy)
        assessed = known.get(pol.name)
        if assessed is None and (why := unnamed_compare_reason(pol, lines)):
            skipped[pol.name] = f"{pol.label}: {why}"  # its own report would ask, not guess
            continue
        if assessed is None:
            try:
                assessed = assess(lines, pol, policy_start, ceiling, estimate_nhis)
            except ReceiptError as err:  # this product asks what the chosen one did not
                problems = err.problems
                due = [p for p in problems if str(p.expected).startswith(DUE_DATE_ASKED)]
                nhis = all(str(p.expected).startswith(NHIS_ASKED) for p in problems)
                if not (due or needs_nhis(pol)):
                    raise
                if due:
                    why = DUE_DATE_MISSING.format(days=pregnancy_rule().days_before_due)
                    why += f": {_rows_of(due)}"
                elif nhis:
                    why = NHIS_MISSING
                else:  # another line this product refuses: its own reason, with its place
                    first = problems[0]
                    why = (
                        f"이 상품이 받지 않는 줄이 있어 계산하지 않았습니다 (a line this product "
                        f"refuses): {_rows_of(problems)} ({first.column}): {first.expected}"
                    )
                skipped[pol.name] = f"{pol.label}: {why}"
                continue
        label = pol.label
        if "nhis_paid_estimate" in assessed.columns and assessed["nhis_paid_estimate"].any():
            label += " (② 추정 estimate)"
        zones = zone_amounts(assessed)
        claim = int(claim_of(assessed).sum())
        payout = int(assessed["payout"].sum())
        rows.append(
            {
                "policy": pol.name,
                "label": label,
                "claim": claim,
                "payout": payout,
                "self_pay": int(assessed["self_pay"].sum()),
                "payout_pct": float(payout_percent(payout, claim)),
                **{z: int(zones[z].sum()) for z in ZONE_AMOUNTS},
            }
        )
    columns = ["policy", "label", "claim", "payout", "self_pay", "payout_pct", *ZONE_AMOUNTS]
    out = pd.DataFrame(rows, columns=columns).set_index("policy")  # every product left out: none
    out.attrs["skipped"] = skipped
    out.attrs["skipped_labels"] = {n: _policy(n).short_label or _policy(n).label for n in skipped}
    return out


NHIS_ASKED: Final = "② 공단부담금 (policy"
"""How the engine's refusal of a line without ② (5세대 reads the NHI rate from it) begins."""


def _rows_of(problems: Sequence[ReceiptProblem]) -> str:
    """The rows of ``problems`` as a person reads them: ``row 2``, ``rows 2, 5`` (at most
    ten listed)."""
    rows = sorted({p.row for p in problems})
    more = f" ({len(rows)})" if len(rows) > SHOWN_ROWS else ""
    return ("row " if len(rows) == 1 else "rows ") + shown_rows(rows) + more


DUE_DATE_MISSING: Final = (
    "임신·출산 줄에 출산예정일이 필요해 계산하지 않았습니다 (a 임신·출산 line needs its 출산예정일 "
    "column: this product pays its 급여 only if the contract began at least {days} days before it)"
)
NHIS_MISSING: Final = (
    "② 공단부담금이 없는 줄이 있어 계산하지 않았습니다 (this product reads the NHI co-pay rate "
    "from ② 공단부담금; copy ② from the receipts, or ask for an estimate: --estimate-nhis)"
)


def lines_table(assessed: pd.DataFrame) -> pd.DataFrame:
    """The assessed lines for the CSV: the row a person sees, canonical columns, the
    engine's detail columns, and the zone in Korean (``zone_ko``). Dates as ``YYYY-MM-DD``."""
    out = pd.DataFrame(assessed).copy(deep=False)  # copy-on-write: no column is copied
    out["date"] = _each_distinct(assessed["date"], lambda d: f"{d:%Y-%m-%d}")
    out["zone"] = _each_distinct(assessed["zone"], str)
    out["claim"] = claim_of(assessed)
    out["zone_ko"] = _each_distinct(assessed["zone"], lambda z: ZONES.get(str(z), str(z)))
    first = [c for c in CANONICAL_COLUMNS if c in out.columns]
    out = out[first + [c for c in out.columns if c not in first]]
    out.index.name = "row"
    return out.reset_index()


def _each_distinct(values: pd.Series, fn: Any) -> np.ndarray:
    """``fn`` of every value as an object array, computed once per distinct value."""
    codes, uniques = pd.factorize(values)
    return np.array([*(fn(u) for u in uniques), ""], dtype=object)[codes]


# --- the whole report -----------------------------------------------------------------------


@dataclass
class Report:
    """Everything the report shows, computed; rendering adds nothing but layout."""

    policy: Policy
    policy_start: dt.date | None
    person: str | None
    receipts: ReceiptLines
    assessed: pd.DataFrame
    validation: pd.DataFrame
    summary: pd.DataFrame
    why: list[str]
    monthly: pd.DataFrame
    top: pd.DataFrame
    comparison: pd.DataFrame
    """:func:`compare_policies`' table; ``attrs["skipped"]`` (product → why it was left out)
    and ``attrs["notes"]`` (what a compared column assumed) are shown under it."""
    decile: int | Mapping[int, int] | None = None
    figures: dict[str, Figure] = field(default_factory=dict)
    certain_refund: pd.DataFrame | None = None
    start_note: str = ""
    """Set when no contract date was given and the one assumed (1 January of the first
    receipt's year) is outside the product's sale window: says so and asks for one."""
    """Without a decile: :meth:`~silson_tools.ceiling.CertainRefund.totals` (the refund every
    decile gets, taken out of the payout); None with a decile."""


def _estimate_note(assessed: pd.DataFrame) -> list[str]:
    """The sentence that says ② 공단부담금 was estimated on some lines (none when not)."""
    if "nhis_paid_estimate" not in assessed.columns:
        return []
    n = int((assessed["nhis_paid_estimate"] > 0).sum())
    if not n:
        return []
    return [
        f"② 공단부담금이 없는 {n:,}줄은 건강보험 본인부담률로 ②를 추정해 계산했습니다: 이 보험금은 "
        "추정입니다 (estimate; assessed_lines.csv의 nhis_paid_estimate 열). 영수증의 ②를 적으면 "
        "정확해집니다."
    ]


def _as_date(value: Any, name: str) -> dt.date | None:
    """None (or empty text) stays None; anything else is read by the one strict date reader."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return as_day(value, name).astype(object)


def _pharmacy_note(pol: Policy, lines: ReceiptLines) -> list[str]:
    """4·5세대 약국 lines left alone at the 약국 (의원급) minimum: say which, and how to give
    the prescriber (:func:`~silson_tools.engine.visits.pharmacy_alone`)."""
    from ..engine.visits import pharmacy_alone

    institution = "institution" in outpatient_units(pol)
    at = pharmacy_alone(lines) if pol.combine_same_day and institution else []
    if not len(at):
        return []
    rows = lines.rows[at]
    shown = shown_rows(rows)
    return [f"약국 줄 (rows {shown}) 은 그날 외래가 없고 병원명이 어느 외래 병원과도 맞지 "
            "않아 의원·약국 최소공제로 계산했습니다: 종합병원·상급종합병원의 처방이면 병원명에 "
            "그 병원을 적으세요 (pharmacy lines matched no outpatient institution: the clinic "
            "minimum was used; write the prescriber in 병원명 if it was a general or tertiary "
            "hospital)."]  # fmt: skip


def _ceiling_sentences(lines: ReceiptLines, certain: Any, spec: Any) -> list[str]:
    """What the 상한제 step took out: the certain refund without a decile, else which
    상한액 per person and year; and ① left out of the 상한제 total (상급병실·한방·치과)."""
    if certain is not None:
        totals = certain.totals(lines, every=True)
        out = certain_refund_sentences(
            totals[totals["refund"] > 0].reset_index(drop=True), certain.unknown_years(lines)
        )
    else:
        totals = spec.totals(lines)
        years = sorted({int(y) for y in totals["year"]})
        out = decile_refund_sentences(totals, years, per_year=isinstance(spec, YearDeciles))
    hook = certain if certain is not None else spec
    if hasattr(hook, "crossing"):  # 입원 across 31 December: where its ① went
        out += crossing_sentences(hook.crossing(lines), certain is not None)
    if not len(totals):
        return out
    from ..ceiling import load_table

    codes, names = lines.codes("category")
    partly = [i for i, n in enumerate(names) if n in load_table().partly_uncounted]
    on_partly = bool((np.isin(codes, partly) & (lines["covered_copay"].to_numpy() > 0)).any())
    return out + uncounted_sentences(totals, on_partly)


def build_report(
    receipts: pd.DataFrame,
    policy: str | Policy | None = None,
    policy_start: DateLike | None = None,
    person: str | None = None,
    compare: Sequence[str | Policy] | None = None,
    decile: int | None = None,
    charts: bool = True,
    estimate_nhis: bool = False,
) -> Report:
    """Assess ``receipts`` under ``policy`` and compute every table and chart of the report.

    ``receipts``: :class:`ReceiptLines` or any DataFrame (validated here, once).
    ``policy``: a product name, a rule file or a :class:`Policy` (None: the default product,
    :func:`~silson_tools.catalog.default_product`).
    ``person``: one person's lines only (None or :data:`ALL_PERSONS`: everyone).
    ``decile``: 소득분위 1–10 for the 본인부담상한제 refund, or one per calendar year
    (``{2023: 5, 2024: 7}``: every year of the lines needs one) (None: the refund every decile
    gets is taken out, :class:`~silson_tools.ceiling.CertainRefund`, and said in ``why``).
    ``compare``: the policies for the side-by-side table (the chosen one is marked; default
    every shipped product). ``charts``: draw the three charts (matplotlib, imported then).
    ``estimate_nhis``: estimate a missing ② 공단부담금 (5세대) instead of refusing; every
    place that uses the estimate says so.
    """
    from ..ceiling import CeilingSpec, CertainRefund
    from ..engine import assess

    pol = _policy(_default_product() if policy is None else policy)
    start = _as_date(policy_start, "policy_start")
    if start is not None:  # a contract of that date cannot have a product not sold then
        pol.check_sold_on(start)
    if person == ALL_PERSONS:
        person = None
    lines = as_receipt_lines(receipts)
    if person is not None:
        persons = sorted(lines["person"].unique().tolist())
        if person not in persons:
            raise InputError(f"person {person!r} is not in the receipts; expected one of {persons}")
        lines = lines.select(np.asarray(lines["person"] == person))
    if decile is not None and (isinstance(decile, Mapping) or isinstance(decile, str)):
        decile = checked_deciles(decile)  # 1–10, or one per year ({2023: 5, 2024: 7})
    elif decile is not None and (
        isinstance(decile, bool)
        or not isinstance(decile, int | np.integer)
        or not 1 <= decile <= 10
    ):
        raise InputError(f"decile must be a whole number 1–10 (소득분위), got {decile!r}")
    check_dates(lines, decile)
    unnamed = unnamed_visits(pol, lines)
    if len(unnamed):  # the engine would take them as separate 통원 without saying so
        raise lines.error(unnamed, "institution", UNNAMED_VISITS)
    unnamed = unnamed_stays(pol, lines)
    if len(unnamed):  # each would be an admission of its own, without saying so
        raise lines.error(unnamed, "institution", UNNAMED_STAYS)
    unnamed = unnamed_acts(pol, lines)
    if len(unnamed):  # each 주사 line would be an act of its own, without saying so
        raise lines.error(unnamed, "institution", UNNAMED_ACTS)
    certain = CertainRefund() if decile is None else None
    ceiling: Any = certain
    if isinstance(decile, Mapping):
        ceiling = YearDeciles(tuple(sorted(decile.items())))
        missing = ceiling.missing(lines)
        if len(missing):
            raise lines.error(
                missing, "date", f"소득분위를 준 해 ({decile_label(decile)}) 의 진료일 "
                "(a year given a decile: add year=decile for this line's year)",
                lines["date"].iloc[missing].dt.strftime("%Y-%m-%d").to_numpy(),
            )  # fmt: skip
    elif decile is not None:
        ceiling = CeilingSpec(decile=int(decile))
    start_note = "" if start is not None else assumed_start_note(pol, lines)
    assessed = assess(lines, pol, policy_start=start, ceiling=ceiling, estimate_nhis=estimate_nhis)
    summary = year_summary(assessed)
    monthly = monthly_totals(assessed)
    chosen = _every_product() if compare is None else compare
    names = list(dict.fromkeys(p if isinstance(p, str) else p.name for p in chosen))
    comparison = _compare(
        lines,
        [pol if n == pol.name else n for n in names] or [pol],
        start,
        ceiling,
        {pol.name: assessed},
        estimate_nhis,
    )
    comparison.attrs["notes"] = [
        f"세대 비교표의 {_policy(n).short_label or n} 값 (the comparison's {n} column): "
        + " ".join(said)
        for n in comparison.index
        if n != pol.name and (said := due_date_sentences(_policy(n), lines, start))
    ]  # what a compared column assumed, said under the table
    report = Report(
        policy=pol,
        policy_start=start,
        person=person,
        receipts=lines,
        assessed=assessed,
        validation=validation_summary(lines),
        summary=summary,
        why=([start_note] if start_note else [])
        + why_sentences(top_people(summary))
        + _estimate_note(assessed)
        + due_date_sentences(pol, lines, start)
        + _ceiling_sentences(lines, certain, ceiling)
        + _pharmacy_note(pol, lines)
        + same_purpose_sentences(pol, lines)
        + rule_gap_sentences(pol, lines, start, assessed),
        monthly=monthly,
        top=top_shrinks(assessed),
        comparison=comparison,
        decile=decile,
        certain_refund=None if certain is None else certain.totals(lines),
        start_note=start_note,
    )
    if charts:
        from .charts import report_figures

        report.figures = report_figures(report)
    return report
