"""The year explained: summaries, charts and report files for a person's assessed receipts.

Everything notebook 03 and ``silson report`` show is computed here, from
``read_receipts`` (the validated lines) and ``claims.assess`` (payout, self-pay and the
amount each rule took on every line). The amounts each zone took (보장 축소 구간) are the
engine's detail columns, so for every line and every total

    claim == payout + Σ zone amounts          (self_pay == Σ zone amounts)

with ``excluded`` (보장 제외), ``ceiling_offset`` (상한제 환급분), ``deductible`` (최소공제),
``rate_part`` (자기부담률), ``visit_cap_cut`` (회당 한도), ``count_cut`` (횟수 한도) and
``annual_cut`` (연간 한도). Money stays integer won; shares are shown rounded for reading.

:func:`build_report` computes a :class:`Report`; :func:`report_files` renders it into
bytes in memory (Markdown or HTML, PNG charts, the assessed lines as CSV with a BOM so
Excel reads the Korean); :func:`write_report` writes those bytes. The CLI renders
everything before it creates the output folder, so a failure writes nothing.
"""

from __future__ import annotations

import datetime as dt
import html
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from .chart_style import won_axis
from .fonts import use_korean_font
from .money import format_won
from .products import Policy, load_policy, products
from .receipts import COLUMN_LABELS
from .schema import (
    CANONICAL_COLUMNS,
    CATEGORIES,
    OPTIONAL_COLUMNS,
    SETTINGS,
    TIERS,
    ZONE_COLORS,
    ZONES,
)

__all__ = [
    "ALL_PERSONS",
    "ZONE_AMOUNTS",
    "Report",
    "build_report",
    "compare_policies",
    "format_table",
    "lines_table",
    "monthly_totals",
    "plot_monthly",
    "plot_policies",
    "plot_zones",
    "receipts_app",
    "render_html",
    "render_markdown",
    "report_files",
    "show_figure",
    "show_report",
    "top_shrinks",
    "validation_summary",
    "why_sentences",
    "write_report",
    "year_summary",
    "zone_amounts",
]

_ZONE_COLUMN = {"rate": "rate_part", "visit_cap": "visit_cap_cut", "count_limit": "count_cut"}
_ZONE_COLUMN["annual_limit"] = "annual_cut"
ZONE_AMOUNTS: dict[str, str] = {zone: _ZONE_COLUMN.get(zone, zone) for zone in ZONES}
"""Zone code (in schema.ZONES order) → the engine's column with the amount that zone took."""

ALL_PERSONS = "(전체)"
"""The person choice meaning everyone in the file (family view)."""

PAYOUT_LABEL = "보험금 (payout)"
SELF_PAY_LABEL = "자기부담 (self-pay)"
ASSUMPTIONS = (
    "보험금은 이 도구의 규칙 파일(silson_tools/rules, 출처·신뢰도 A/B/C 표시)로 계산한 "
    "추정치입니다; 실제 지급액은 약관·심사에 따라 다릅니다 (estimates from the rule files, "
    "not an insurer's decision).",
    "한 줄 = 영수증 한 장으로 봅니다; 같은 날 외래와 약국은 4·5세대에서 한 번의 통원으로 "
    "합칩니다 (one line = one receipt; 4th/5th generation combine a day's visit and pharmacy).",
    "비급여 특약·3대 비급여 특약에 모두 가입했다고 가정합니다 (all riders assumed held).",
    "본인부담상한제 환급은 소득분위(decile)를 줄 때만 뺍니다 (the national-ceiling refund is "
    "left out only when a decile is given).",
    "도수치료 10회마다 필요한 호전 증빙은 있다고 보고, 표시만 합니다 (improvement proof "
    "after every 10 sessions is assumed and only flagged).",
)


# --- tables ---------------------------------------------------------------------------------


def _won(amount: int) -> str:
    """Whole won with separators (12,000원, 1,110,000원): one style in every table."""
    return format_won(int(amount), unit="won")


def zone_amounts(assessed: pd.DataFrame) -> pd.DataFrame:
    """Per line, the won each zone took (columns: zone codes), int64; sums to ``self_pay``."""
    missing = [c for c in (*ZONE_AMOUNTS.values(), "self_pay") if c not in assessed.columns]
    if missing:
        raise ValueError(
            f"assessed: missing column(s) {missing}; pass the output of silson_tools.assess"
        )
    out = pd.DataFrame(
        {z: assessed[c].to_numpy(np.int64) for z, c in ZONE_AMOUNTS.items()},
        index=assessed.index,
    )
    total = out.sum(axis=1).to_numpy()
    bad = np.flatnonzero(total != assessed["self_pay"].to_numpy())
    if len(bad):
        row = assessed.index[bad[0]]
        raise ValueError(
            f"assessed row {row}: zone amounts sum to {total[bad[0]]:,} but self_pay is "
            f"{int(assessed['self_pay'].iloc[bad[0]]):,}"
        )
    return out


def _claim(frame: pd.DataFrame) -> np.ndarray:
    return (
        frame["covered_copay"].to_numpy(np.int64)
        + frame["full_copay"].to_numpy(np.int64)
        + frame["noncovered"].to_numpy(np.int64)
    )


def validation_summary(receipts: pd.DataFrame) -> pd.DataFrame:
    """What the loader read: file, format, header row, column mapping, skipped rows, totals.

    Two columns, ``항목 (item)`` and ``내용 (value)``, one row per fact (text, for display).
    """
    source: Mapping[str, Any] = receipts.attrs.get("source", {})
    rows: list[tuple[str, str]] = []
    if source:
        kind = source.get("format", "")
        detail = source.get("encoding") or (f"시트 {source.get('sheet')!r}" if kind else "")
        rows.append(("파일 (file)", f"{Path(str(source.get('file', ''))).name} ({kind}, {detail})"))
        rows.append(("머리글 줄 (header row)", str(source.get("header_row"))))
        mapped = source.get("columns", {})
        rows.append(
            (
                "읽은 열 (columns read)",
                ", ".join(f"{h} → {COLUMN_LABELS.get(c, c)}" for c, h in mapped.items()),
            )
        )
        if source.get("units"):
            rows.append(
                ("만원 단위 열 (columns in 만원)", ", ".join(mapped[c] for c in source["units"]))
            )
        defaulted = [
            f"{COLUMN_LABELS[c]} = {OPTIONAL_COLUMNS[c]!r}" for c in source.get("defaulted", [])
        ]
        rows.append(("없어서 기본값을 쓴 열 (defaulted)", ", ".join(defaulted) or "없음 (none)"))
        ignored = source.get("ignored_columns", [])
        rows.append(("읽지 않은 열 (ignored)", ", ".join(ignored) or "없음 (none)"))
        blank = source.get("blank_rows", [])
        rows.append(
            (
                "건너뛴 빈 줄 (blank rows skipped)",
                f"{len(blank)}줄: {', '.join(map(str, blank[:20]))}" if blank else "없음 (none)",
            )
        )
        if source.get("person"):
            rows.append(("선택한 사람 (person)", str(source["person"])))
    rows.append(("영수증 줄 (lines)", f"{len(receipts):,}"))
    if len(receipts):
        dates = receipts["date"]
        rows.append(("기간 (dates)", f"{dates.min():%Y-%m-%d} – {dates.max():%Y-%m-%d}"))
        counts = receipts["person"].value_counts(sort=False)
        rows.append(
            ("사람별 줄 (lines per person)", ", ".join(f"{p} {n}" for p, n in counts.items()))
        )
        counts = receipts["setting"].value_counts(sort=False)
        rows.append(
            (
                "진료구분별 줄 (lines per setting)",
                ", ".join(f"{SETTINGS.get(s, s)} {n}" for s, n in counts.items()),
            )
        )
        for column in ("covered_copay", "full_copay", "noncovered", "nhis_paid", "over_ceiling"):
            rows.append((f"합계 {COLUMN_LABELS[column]}", _won(int(receipts[column].sum()))))
    return pd.DataFrame(rows, columns=["항목 (item)", "내용 (value)"])


def year_summary(assessed: pd.DataFrame) -> pd.DataFrame:
    """Per person, plus a 합계 (total) row: lines, claimed, payout, self-pay, each zone's take.

    Columns: ``lines, claim, payout, self_pay, payout_pct`` then one per zone code (won),
    then ``selfpay_cap_refund``. ``claim == payout + Σ zones`` on every row.
    """
    zones = zone_amounts(assessed)
    frame = pd.DataFrame(
        {
            "person": assessed["person"].astype(str).to_numpy(),
            "lines": 1,
            "claim": _claim(assessed),
            "payout": assessed["payout"].to_numpy(np.int64),
            "self_pay": assessed["self_pay"].to_numpy(np.int64),
            **{z: zones[z].to_numpy() for z in ZONE_AMOUNTS},
            "selfpay_cap_refund": assessed["selfpay_cap_refund"].to_numpy(np.int64),
        }
    )
    per = frame.groupby("person", sort=False).sum()
    per.loc["합계 (total)"] = per.sum()
    per = per.astype(np.int64)
    share = np.where(per["claim"] > 0, per["payout"] / per["claim"].where(per["claim"] > 0, 1), 0)
    per.insert(4, "payout_pct", np.round(share * 100, 1))
    per.index.name = "person"
    return per


def why_sentences(summary: pd.DataFrame) -> list[str]:
    """ "왜 이만큼 받았지?" — one sentence per row of :func:`year_summary`, zones largest first."""
    out = []
    for person, row in summary.iterrows():
        claim, payout, self_pay = int(row["claim"]), int(row["payout"]), int(row["self_pay"])
        cuts = sorted(((int(row[z]), z) for z in ZONE_AMOUNTS if int(row[z]) > 0), reverse=True)
        text = (
            f"{person}: 청구 {_won(claim)} 중 보험금 {_won(payout)} "
            f"({row['payout_pct']:.1f}%)을 받고 {_won(self_pay)}을 냈습니다 "
            f"(claimed, paid, self-paid)."
        )
        if cuts:
            text += (
                " 줄어든 곳 (where it shrank): "
                + ", ".join(f"{ZONES[z]} {_won(v)}" for v, z in cuts)
                + "."
            )
        if int(row["selfpay_cap_refund"]) > 0:
            text += (
                " 연간 자기부담 한도로 "
                f"{_won(int(row['selfpay_cap_refund']))}을 돌려받았습니다 "
                "(yearly self-pay cap refund, already in the payout)."
            )
        out.append(text)
    return out


def monthly_totals(assessed: pd.DataFrame) -> pd.DataFrame:
    """Per calendar month (``YYYY-MM``): claim, payout and self-pay in won (no care: 0)."""
    months = assessed["date"].dt.to_period("M")
    frame = pd.DataFrame(
        {
            "month": months.to_numpy(),
            "claim": _claim(assessed),
            "payout": assessed["payout"].to_numpy(np.int64),
            "self_pay": assessed["self_pay"].to_numpy(np.int64),
        }
    )
    out = frame.groupby("month").sum()
    if len(out):
        full = pd.period_range(out.index.min(), out.index.max(), freq="M")
        out = out.reindex(full, fill_value=0)
    out.index = [str(p) for p in out.index]
    out.index.name = "month"
    return out.astype(np.int64)


def top_shrinks(assessed: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """The ``n`` lines where coverage shrank most: largest self-pay first, with the zone.

    Index: the spreadsheet row; columns: person, date, 진료구분, 요양기관, 항목, 병원, claim,
    payout, self_pay, payout_pct and the zone label (the rule that decided the line).
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    claim = _claim(assessed)
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
            "zone": [ZONES[str(z)] for z in assessed["zone"]],
        },
        index=assessed.index,
    )
    share = np.where(claim > 0, frame["payout"] / np.where(claim > 0, claim, 1), 0.0)
    frame.insert(8, "payout_pct", np.round(share * 100, 1))
    order = np.lexsort((np.arange(len(frame)), -frame["self_pay"].to_numpy()))
    return frame.iloc[order[:n]]


def compare_policies(
    receipts: pd.DataFrame,
    policies: Sequence[str | Policy] | None = None,
    policy_start: Any = None,
    ceiling: Any = None,
) -> pd.DataFrame:
    """The same receipts under each policy: claim, payout, self-pay, payout % and zone takes.

    Index: policy name; columns ``label, claim, payout, self_pay, payout_pct`` and one per
    zone code (won). Every policy sees the same lines and the same ``policy_start``.
    """
    from .engine import assess  # the engine (another module's job); imported when used

    rows = []
    for policy in products() if policies is None else policies:
        pol = policy if isinstance(policy, Policy) else load_policy(policy)
        assessed = assess(receipts, pol, policy_start=policy_start, ceiling=ceiling)
        zones = zone_amounts(assessed)
        claim = int(_claim(assessed).sum())
        payout = int(assessed["payout"].sum())
        rows.append(
            {
                "policy": pol.name,
                "label": pol.label,
                "claim": claim,
                "payout": payout,
                "self_pay": int(assessed["self_pay"].sum()),
                "payout_pct": round(100 * payout / claim, 1) if claim else 0.0,
                **{z: int(zones[z].sum()) for z in ZONE_AMOUNTS},
            }
        )
    out = pd.DataFrame(rows).set_index("policy")
    return out


def lines_table(assessed: pd.DataFrame) -> pd.DataFrame:
    """The assessed lines for the CSV: spreadsheet row, canonical columns, the engine's detail
    columns, and the zone in Korean (``zone_ko``). Dates as ``YYYY-MM-DD``."""
    out = assessed.copy()
    out["date"] = out["date"].dt.strftime("%Y-%m-%d")
    out["zone"] = out["zone"].astype(str)
    out["zone_ko"] = [ZONES.get(z, z) for z in out["zone"]]
    out["claim"] = _claim(assessed)
    first = [c for c in CANONICAL_COLUMNS if c in out.columns]
    rest = [c for c in out.columns if c not in first]
    out = out[first + rest]
    out.index.name = "row"
    return out.reset_index()


# --- charts ---------------------------------------------------------------------------------


def _figure(width: float, height: float) -> Figure:
    use_korean_font()
    return Figure(figsize=(width, height), layout="constrained")


def plot_monthly(monthly: pd.DataFrame, title: str = "") -> Figure:
    """Monthly stacked bars: 보험금 (payout) at the bottom, 자기부담 (self-pay) on top."""
    fig = _figure(8.5, 4.0)
    ax = fig.add_subplot()
    x = np.arange(len(monthly))
    payout = monthly["payout"].to_numpy(np.int64)
    self_pay = monthly["self_pay"].to_numpy(np.int64)
    ax.bar(x, payout, color=ZONE_COLORS["payout"], label=PAYOUT_LABEL)
    ax.bar(x, self_pay, bottom=payout, color=ZONE_COLORS["self_pay"], label=SELF_PAY_LABEL)
    ax.set_xticks(x, [m[2:].replace("-", ".") for m in monthly.index], rotation=0)
    ax.yaxis.set_major_formatter(won_axis)
    ax.set_xlabel("진료 월 (month of care)")
    ax.set_ylabel("금액 (won)")
    ax.set_title(title or "월별 보험금과 자기부담 (monthly payout and self-pay)")
    ax.legend(loc="upper left", frameon=False)
    ax.grid(axis="y", alpha=0.3)
    return fig


def _stacked_zones(ax: Any, names: list[str], table: pd.DataFrame) -> None:
    """Horizontal stacked bars: payout then every zone's take, one bar per row of ``table``."""
    y = np.arange(len(names))[::-1]
    left = np.zeros(len(names), dtype=np.int64)
    for key in ["payout", *ZONE_AMOUNTS]:
        values = table[key].to_numpy(np.int64)
        if not values.any():
            continue
        ax.barh(y, values, left=left, color=ZONE_COLORS[key], height=0.6)
        left = left + values
    ax.set_yticks(y, names)
    ax.xaxis.set_major_formatter(won_axis)
    ax.grid(axis="x", alpha=0.3)
    handles = [Patch(color=ZONE_COLORS["payout"], label=PAYOUT_LABEL)] + [
        Patch(color=ZONE_COLORS[z], label=f"{ZONES[z]} ({z})")
        for z in ZONE_AMOUNTS
        if table[z].to_numpy().any()
    ]
    ax.figure.legend(
        handles=handles, loc="outside lower center", ncols=4, frameon=False, fontsize=9
    )


def plot_zones(summary: pd.DataFrame, title: str = "") -> Figure:
    """Per person: the claim split into 보험금 and what each zone took (왜 이만큼 받았지?)."""
    rows = summary.drop(index="합계 (total)", errors="ignore") if len(summary) > 2 else summary
    fig = _figure(8.5, 1.6 + 0.7 * len(rows))
    ax = fig.add_subplot()
    _stacked_zones(ax, [str(p) for p in rows.index], rows)
    ax.set_xlabel("금액 (won): 보험금 + 줄어든 몫 = 청구액 (payout + zones = claim)")
    ax.set_title(title or "어디서 줄었나 (where coverage shrank)")
    return fig


def plot_policies(comparison: pd.DataFrame, current: str | None = None) -> Figure:
    """The same receipts under every generation, side by side: payout and each zone's take."""
    fig = _figure(8.5, 1.8 + 0.55 * len(comparison))
    ax = fig.add_subplot()
    names = [
        ("▶ " if name == current else "") + str(label)
        for name, label in zip(comparison.index, comparison["label"], strict=True)
    ]
    _stacked_zones(ax, names, comparison)
    ax.set_xlabel("금액 (won)")
    ax.set_title("같은 영수증, 다른 세대 (the same receipts under each generation)")
    return fig


def show_figure(fig: Figure) -> None:
    """Display a chart in a notebook as a PNG (the figures are not pyplot's). Returns None."""
    from IPython.display import Image, display

    display(Image(data=figure_png(fig), format="png"))


def figure_png(fig: Figure, dpi: int = 110) -> bytes:
    """PNG bytes of a figure (no pyplot, no display)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


# --- the whole report -----------------------------------------------------------------------


@dataclass
class Report:
    """Everything the report shows, computed; rendering adds nothing but layout."""

    policy: Policy
    policy_start: dt.date | None
    person: str | None
    receipts: pd.DataFrame
    assessed: pd.DataFrame
    validation: pd.DataFrame
    summary: pd.DataFrame
    why: list[str]
    monthly: pd.DataFrame
    top: pd.DataFrame
    comparison: pd.DataFrame
    decile: int | None = None
    figures: dict[str, Figure] = field(default_factory=dict)


def _as_date(value: Any, name: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, pd.Timestamp):
        return value.date()
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"{name} must be a date like 2024-03-01, got {value!r}") from None


def build_report(
    receipts: pd.DataFrame,
    policy: str | Policy = "gen4",
    policy_start: Any = None,
    person: str | None = None,
    compare: Sequence[str | Policy] | None = None,
    decile: int | None = None,
    charts: bool = True,
) -> Report:
    """Assess ``receipts`` under ``policy`` and compute every table and chart of the report.

    ``person``: one person's lines only (None or :data:`ALL_PERSONS`: everyone).
    ``decile``: 소득분위 1–10 for the 본인부담상한제 refund (None: left out).
    ``compare``: the policies for the side-by-side table (the chosen one is marked).
    """
    from .ceiling import CeilingSpec
    from .engine import assess

    pol = policy if isinstance(policy, Policy) else load_policy(policy)
    start = _as_date(policy_start, "policy_start")
    if person == ALL_PERSONS:
        person = None
    lines = receipts
    if person is not None:
        persons = sorted(receipts["person"].unique().tolist())
        if person not in persons:
            raise ValueError(f"person {person!r} is not in the receipts; expected one of {persons}")
        lines = receipts[receipts["person"] == person]
    if decile is not None and (
        isinstance(decile, bool)
        or not isinstance(decile, int | np.integer)
        or not 1 <= decile <= 10
    ):
        raise ValueError(f"decile must be a whole number 1–10 (소득분위), got {decile!r}")
    ceiling = CeilingSpec(decile=int(decile)) if decile is not None else None
    assessed = assess(lines, pol, policy_start=start, ceiling=ceiling)
    summary = year_summary(assessed)
    monthly = monthly_totals(assessed)
    names = list(dict.fromkeys([*(p if isinstance(p, str) else p.name for p in (products() if compare is None else compare))]))
    comparison = compare_policies(
        lines,
        [pol if n == pol.name else n for n in names] or [pol],
        policy_start=start,
        ceiling=ceiling,
    )
    report = Report(
        policy=pol,
        policy_start=start,
        person=person,
        receipts=lines,
        assessed=assessed,
        validation=validation_summary(lines),
        summary=summary,
        why=why_sentences(summary),
        monthly=monthly,
        top=top_shrinks(assessed),
        comparison=comparison,
        decile=decile,
    )
    if charts:
        report.figures = {
            "monthly": plot_monthly(monthly),
            "zones": plot_zones(summary),
            "generations": plot_policies(comparison, current=pol.name),
        }
    return report


# --- rendering ------------------------------------------------------------------------------

_MONEY_COLUMNS = {"claim", "payout", "self_pay", *ZONE_AMOUNTS, "selfpay_cap_refund"}
_HEADINGS = {
    "person": "이름",
    "lines": "줄 수",
    "claim": "청구액 (claim)",
    "payout": "보험금 (payout)",
    "self_pay": "자기부담 (self-pay)",
    "payout_pct": "보험금 비율 %",
    "selfpay_cap_refund": "자기부담 한도 환급",
    "label": "상품 (policy)",
    "date": "진료일",
    "setting": "진료구분",
    "tier": "요양기관",
    "category": "항목",
    "institution": "병원",
    "zone": "결정한 규칙 (zone)",
    "month": "월",
    "row": "행 (row)",
    **{z: f"{ZONES[z]}" for z in ZONE_AMOUNTS},
}


def format_table(table: pd.DataFrame, index_name: str | None = None) -> pd.DataFrame:
    """A table for reading: money as 12,000원, Korean headings, the index as first column."""
    out = table.copy()
    for column in out.columns:
        if column in _MONEY_COLUMNS:
            out[column] = [_won(int(v)) for v in out[column]]
        elif column == "payout_pct":
            out[column] = [f"{v:.1f}" for v in out[column]]
    out = out.reset_index()
    first = index_name or out.columns[0]
    out = out.rename(columns={out.columns[0]: first})
    return out.rename(columns=lambda c: _HEADINGS.get(str(c), str(c)))


def _md_table(table: pd.DataFrame) -> str:
    def cell(value: Any) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    header = "| " + " | ".join(cell(c) for c in table.columns) + " |"
    rule = "| " + " | ".join("---" for _ in table.columns) + " |"
    body = ["| " + " | ".join(cell(v) for v in row) + " |" for row in table.itertuples(index=False)]
    return "\n".join([header, rule, *body])


def _sections(report: Report) -> list[tuple[str, Any]]:
    """The report as (kind, content) items shared by the Markdown and HTML renderers."""
    pol = report.policy
    who = report.person or "전체 (everyone in the file)"
    start = (
        report.policy_start.isoformat() if report.policy_start else "첫 영수증 해의 1월 1일 (Jan 1)"
    )
    decile = f"{report.decile}분위" if report.decile else "적용 안 함 (not applied)"
    zone_cols = [z for z in ZONE_AMOUNTS if report.comparison[z].any() or report.summary[z].any()]
    summary_cols = ["lines", "claim", "payout", "self_pay", "payout_pct", *zone_cols]
    comparison_cols = ["label", "claim", "payout", "self_pay", "payout_pct", *zone_cols]
    items: list[tuple[str, Any]] = [
        ("h1", "실손보험 영수증 보고서 (silson receipts report)"),
        (
            "list",
            [
                f"보험 (policy): {pol.label} — {pol.name}",
                f"계약일 (policy start): {start}",
                f"대상 (person): {who}",
                f"본인부담상한제 소득분위 (NHI ceiling decile): {decile}",
            ],
        ),
        ("h2", "1. 파일 검사 (validation)"),
        ("table", format_table(report.validation.set_index("항목 (item)"), "항목 (item)")),
        ("h2", "2. 한눈에 보는 1년: 왜 이만큼 받았지? (the year at a glance)"),
        ("table", format_table(report.summary[summary_cols], "이름")),
        ("list", report.why),
        ("image", ("zones.png", "어디서 줄었나 (where coverage shrank)")),
        ("h2", "3. 월별 보험금과 자기부담 (monthly)"),
        ("image", ("monthly.png", "월별 보험금과 자기부담")),
        ("table", format_table(report.monthly, "월 (month)")),
        ("h2", "4. 보장이 가장 많이 줄어든 줄 (lines where coverage shrank most)"),
        ("table", format_table(report.top, "행 (row)")),
        ("h2", "5. 다른 세대라면? (the same receipts under every generation)"),
        ("table", format_table(report.comparison[comparison_cols], "policy")),
        ("image", ("generations.png", "같은 영수증, 다른 세대")),
        ("h2", "가정과 한계 (assumptions and limits)"),
        ("list", list(ASSUMPTIONS)),
        (
            "p",
            "파일: assessed_lines.csv (줄마다 보험금·자기부담·규칙; UTF-8 BOM, Excel에서 "
            "한글이 바로 보입니다). silson_tools로 만듦.",
        ),
    ]
    return items


def render_markdown(report: Report) -> str:
    """The report as Markdown (images referenced by file name)."""
    out: list[str] = []
    for kind, content in _sections(report):
        if kind == "h1":
            out.append(f"# {content}")
        elif kind == "h2":
            out.append(f"## {content}")
        elif kind == "list":
            out.append("\n".join(f"- {line}" for line in content))
        elif kind == "table":
            out.append(_md_table(content))
        elif kind == "image":
            out.append(f"![{content[1]}]({content[0]})")
        else:
            out.append(str(content))
    return "\n\n".join(out) + "\n"


def render_html(report: Report) -> str:
    """The report as one HTML page (images referenced by file name; text escaped)."""
    esc = html.escape
    body: list[str] = []
    for kind, content in _sections(report):
        if kind in ("h1", "h2"):
            body.append(f"<{kind}>{esc(content)}</{kind}>")
        elif kind == "list":
            body.append("<ul>" + "".join(f"<li>{esc(x)}</li>" for x in content) + "</ul>")
        elif kind == "table":
            table = content.to_html(index=False, escape=True, border=0, classes="t")
            body.append(f'<div class="wide">{table}</div>')
        elif kind == "image":
            body.append(f'<p><img src="{esc(content[0])}" alt="{esc(content[1])}"></p>')
        else:
            body.append(f"<p>{esc(str(content))}</p>")
    style = (
        "body{font-family:'NanumGothic','Malgun Gothic',sans-serif;max-width:72rem;"
        "margin:2rem auto;padding:0 1rem}table.t{border-collapse:collapse;margin:1rem 0}"
        "table.t td,table.t th{"
        "border-bottom:1px solid #ddd;padding:.25rem .6rem;text-align:right;white-space:nowrap}"
        "table.t td:first-child,table.t th:first-child{text-align:left}"
        "table.t td:last-child{white-space:normal}img{max-width:100%}.wide{overflow-x:auto}"
    )
    return (
        '<!DOCTYPE html>\n<html lang="ko"><head><meta charset="utf-8">'
        f"<title>실손보험 영수증 보고서</title><style>{style}</style></head><body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )


def report_files(report: Report, fmt: str = "md") -> dict[str, bytes]:
    """File name → bytes for the whole report, rendered in memory (nothing written)."""
    if fmt not in ("md", "html"):
        raise ValueError(f"format must be 'md' or 'html', got {fmt!r}")
    figures = report.figures or build_report_figures(report)
    files = {
        f"report.{fmt}": (render_markdown(report) if fmt == "md" else render_html(report)).encode(
            "utf-8"
        ),
        **{f"{name}.png": figure_png(fig) for name, fig in figures.items()},
        "assessed_lines.csv": lines_table(report.assessed).to_csv(index=False).encode("utf-8-sig"),
    }
    return files


def build_report_figures(report: Report) -> dict[str, Figure]:
    """The three charts of a report built with ``charts=False``."""
    return {
        "monthly": plot_monthly(report.monthly),
        "zones": plot_zones(report.summary),
        "generations": plot_policies(report.comparison, current=report.policy.name),
    }


def write_report(files: Mapping[str, bytes], out_dir: str | Path) -> list[Path]:
    """Write rendered files into ``out_dir`` (created if needed); return the paths written."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {out} exists and is not a folder")
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in files.items():
        path = out / name
        path.write_bytes(data)
        paths.append(path)
    return paths


# --- notebook widgets -------------------------------------------------------------------------


def show_report(
    receipts: pd.DataFrame,
    person: str | None = ALL_PERSONS,
    policy: str = "gen4",
    policy_start: Any = None,
    decile: int | None = None,
    compare: Sequence[str] | None = None,
) -> None:
    """Widget callback: compute the report for (person, policy) and display it. Returns None."""
    from IPython.display import HTML, display

    report = build_report(receipts, policy, policy_start, person, compare, decile)
    zone_cols = [z for z in ZONE_AMOUNTS if report.summary[z].any()]
    display(HTML("<h4>한눈에 보는 1년 (the year at a glance)</h4>"))
    columns = ["lines", "claim", "payout", "self_pay", "payout_pct", *zone_cols]
    display(format_table(report.summary[columns]))
    display(HTML("<ul>" + "".join(f"<li>{html.escape(s)}</li>" for s in report.why) + "</ul>"))
    for fig in report.figures.values():
        show_figure(fig)
    display(HTML("<h4>보장이 가장 많이 줄어든 줄 (lines where coverage shrank most)</h4>"))
    display(format_table(report.top, "행 (row)"))


def receipts_app(
    receipts: pd.DataFrame,
    policy: str = "gen4",
    policy_start: Any = None,
    person: str | None = None,
    decile: int | None = None,
) -> Any:
    """Dropdowns for the person and the policy, driving :func:`show_report`."""
    import ipywidgets as w

    persons = [ALL_PERSONS, *sorted(receipts["person"].unique().tolist())]
    person_box = w.Dropdown(options=persons, value=person or ALL_PERSONS, description="사람")
    labels = [(load_policy(n).label, n) for n in products()]
    policy_box = w.Dropdown(options=labels, value=policy, description="보험")
    out = w.interactive_output(
        lambda person, policy: show_report(receipts, person, policy, policy_start, decile),
        {"person": person_box, "policy": policy_box},
    )
    return w.VBox([w.HBox([person_box, policy_box]), out])
