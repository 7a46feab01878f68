"""The report rendered: readable tables, Markdown or HTML, PNG charts and the lines as CSV.

:func:`report_files` renders a :class:`~silson_tools.report.summary.Report` into bytes in
memory (Markdown or HTML, PNG charts, the assessed lines as CSV with a BOM so Excel reads
the Korean, and every person's totals as ``people.csv``);
:func:`report_parts` is the same with the CSV files made piece by piece while they are
written. :func:`write_report` writes them into a temporary folder and moves them into
place whole, so a failure writes nothing. Text from the receipt file is escaped in
Markdown and HTML and neutralised for Excel in the CSV files (:mod:`.output`).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..errors import InputError
from ..schema import ZONES
from .deciles import decile_label
from .notes import left_out_lines
from .output import csv_chunks, md_text, write_files
from .summary import (
    ASSUMPTIONS,
    TOP_PEOPLE,
    TOTAL_ROW,
    ZONE_AMOUNTS,
    Report,
    lines_table,
    top_people,
    won,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "build_report_figures",
    "format_table",
    "render_html",
    "render_markdown",
    "report_files",
    "report_names",
    "report_parts",
    "write_report",
]

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
            out[column] = [won(int(v)) for v in out[column]]
        elif column == "payout_pct":
            out[column] = [f"{v:.1f}" for v in out[column]]
    out = out.reset_index()
    first = index_name or out.columns[0]
    out = out.rename(columns={out.columns[0]: first})
    return out.rename(columns=lambda c: _HEADINGS.get(str(c), str(c)))


def _md_table(table: pd.DataFrame) -> str:
    header = "| " + " | ".join(md_text(c) for c in table.columns) + " |"
    rule = "| " + " | ".join("---" for _ in table.columns) + " |"
    body = [
        "| " + " | ".join(md_text(v) for v in row) + " |" for row in table.itertuples(index=False)
    ]
    return "\n".join([header, rule, *body])


def _sections(report: Report) -> list[tuple[str, Any]]:
    """The report as (kind, content) items shared by the Markdown and HTML renderers."""
    pol = report.policy
    who = report.person or "전체 (everyone in the file)"
    start = (
        report.policy_start.isoformat() if report.policy_start else "첫 영수증 해의 1월 1일 (Jan 1)"
    )
    decile = (
        decile_label(report.decile)
        if report.decile
        else "모름: 어느 분위든 받는 환급 (그해 최고 상한액 초과분) 만 뺌 (unknown: only the "
        "refund every decile gets is taken out)"
    )
    zone_cols = [z for z in ZONE_AMOUNTS if report.comparison[z].any() or report.summary[z].any()]
    summary = top_people(report.summary)
    people = len(report.summary) - int(TOTAL_ROW in report.summary.index)
    summary_cols = ["lines", "claim", "payout", "self_pay", "payout_pct", *zone_cols]
    comparison_cols = ["label", "claim", "payout", "self_pay", "payout_pct", *zone_cols]
    items: list[tuple[str, Any]] = [
        ("h1", "실손보험 영수증 보고서 (silson receipts report)"),
        (
            "list",
            [
                f"보험 (policy): {pol.label} — {pol.name}",
                f"계약일 (policy start): {start}"
                + (
                    " — 상품 판매 기간 밖 (outside the sale window; see below)"
                    if report.start_note
                    else ""
                ),
                f"대상 (person): {who}",
                f"본인부담상한제 소득분위 (NHI ceiling decile): {decile}",
            ],
        ),
        ("h2", "1. 파일 검사 (validation)"),
        ("table", format_table(report.validation.set_index("항목 (item)"), "항목 (item)")),
        ("h2", "2. 한눈에 보는 1년: 왜 이만큼 받았지? (the year at a glance)"),
        ("table", format_table(summary[summary_cols], "이름")),
        ("list", report.why),
        *(
            [
                (
                    "p",
                    f"{people:,}명 중 청구액이 큰 {TOP_PEOPLE}명만 이름으로 보이고 나머지는 "
                    "'그 외'로 합쳤습니다; 사람마다의 합계는 people.csv에 있습니다 (the "
                    f"{TOP_PEOPLE} largest claims by name, the rest as one row; every "
                    "person's totals are in people.csv).",
                )
            ]
            if people > TOP_PEOPLE
            else []
        ),
        ("image", ("zones.png", "어디서 줄었나 (where coverage shrank)")),
        ("h2", "3. 월별 보험금과 자기부담 (monthly)"),
        ("image", ("monthly.png", "월별 보험금과 자기부담")),
        ("table", format_table(report.monthly, "월 (month)")),
        ("h2", "4. 보장이 가장 많이 줄어든 줄 (lines where coverage shrank most)"),
        ("table", format_table(report.top, "행 (row)")),
        ("h2", "5. 다른 세대라면? (the same receipts under every generation)"),
        ("table", format_table(report.comparison[comparison_cols], "policy")),
        *[("list", left_out_lines(s)) for s in [report.comparison.attrs.get("skipped")] if s],
        *[("list", list(s)) for s in [report.comparison.attrs.get("notes")] if s],
        ("image", ("generations.png", "같은 영수증, 다른 세대")),
        ("h2", "가정과 한계 (assumptions and limits)"),
        ("list", list(ASSUMPTIONS)),
        (
            "p",
            "파일: assessed_lines.csv (줄마다 보험금·자기부담·규칙), people.csv (사람마다의 "
            "합계); UTF-8 BOM, Excel에서 한글이 바로 보입니다. silson_tools로 만듦.",
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
            out.append("\n".join(f"- {md_text(line)}" for line in content))
        elif kind == "table":
            out.append(_md_table(content))
        elif kind == "image":
            out.append(f"![{md_text(content[1])}]({content[0]})")
        else:
            out.append(md_text(content))
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
    return {
        name: data if isinstance(data, bytes) else b"".join(data)
        for name, data in report_parts(report, fmt).items()
    }


FIGURES = ("monthly", "zones", "generations")
"""The report's charts, written as ``<name>.png``."""


def report_names(fmt: str = "md") -> list[str]:
    """The files a report writes, in order (known before anything is computed)."""
    return [f"report.{fmt}", *(f"{n}.png" for n in FIGURES), "assessed_lines.csv", "people.csv"]


def report_parts(report: Report, fmt: str = "md") -> dict[str, bytes | Iterator[bytes]]:
    """:func:`report_files` with the CSV files as pieces made while they are written
    (:func:`.output.csv_chunks`), so a million lines are never one copy in memory."""
    from .charts import figure_png

    if fmt not in ("md", "html"):
        raise InputError(f"format must be 'md' or 'html', got {fmt!r}")
    figures = report.figures or build_report_figures(report)
    text = render_markdown(report) if fmt == "md" else render_html(report)
    files: dict[str, bytes | Iterator[bytes]] = {
        f"report.{fmt}": text.encode("utf-8"),
        **{f"{name}.png": figure_png(fig) for name, fig in figures.items()},
        "assessed_lines.csv": csv_chunks(lines_table(report.assessed)),
        "people.csv": csv_chunks(report.summary.reset_index()),
    }
    return files


def build_report_figures(report: Report) -> dict[str, Figure]:
    """The three charts of a report built with ``charts=False`` (imports matplotlib)."""
    from .charts import report_figures

    return report_figures(report)


def write_report(
    files: Mapping[str, bytes | Iterable[bytes]],
    out_dir: str | Path,
    *,
    force: bool = False,
    inputs: Sequence[str | Path] = (),
) -> list[Path]:
    """Write rendered files into ``out_dir`` whole (:func:`.output.write_files`): an earlier
    report's files are replaced only with ``force``, an input file never. Returns the paths."""
    return write_files(files, out_dir, force=force, inputs=inputs)
