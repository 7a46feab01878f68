"""Tables and readouts for people (사람이 읽는 표): one formatting helper for every notebook.

Money as a person reads it (``12,000원``, ``808만원``), Korean headers with the English term
in brackets where it teaches it, no index, no internal codes, and HTML that JupyterLab and
Voilà show as written: every text is HTML-escaped and the block carries the MathJax ignore
classes, so ``$``, ``~``, ``*`` and ``_`` are shown as text (MathJax would typeset
``$…$``; HTML outputs are not run through Markdown, so ``~ * _`` stay literal).

>>> from silson_tools.people import won, man, table
>>> won(12_000), man(8_080_000)
('12,000원', '808만원')

Nothing here imports IPython: :class:`Html` has ``_repr_html_``, which Jupyter displays.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import pandas as pd

from .errors import InputError
from .money import format_won
from .schema import ZONES

__all__ = [
    "CSS",
    "HEADERS",
    "SAFE_CLASSES",
    "Html",
    "bullets",
    "escape",
    "escape_markdown",
    "man",
    "money",
    "number",
    "percent",
    "readout",
    "sharp_figures",
    "table",
    "won",
]

SAFE_CLASSES: Final = "silson-people mathjax_ignore tex2jax_ignore"
"""Classes on every block: MathJax 3 (``mathjax_ignore``) and 2 (``tex2jax_ignore``) skip it."""

CSS: Final = """<style>
.silson-people{font-size:1em;line-height:1.45;overflow-x:auto}
.silson-people table.silson-table{border-collapse:collapse;margin:.4em 0 .8em 0}
.silson-people .silson-table caption{text-align:left;font-weight:600;padding:.2em 0}
.silson-people .silson-table th{background:#eef2f7;text-align:center;padding:.3em .6em;
  border-bottom:2px solid #9aa8b8;font-weight:600;word-break:keep-all}
.silson-people .silson-table td{padding:.25em .6em;border-bottom:1px solid #dde3ea;
  word-break:keep-all;text-align:left}
.silson-people .silson-table td.num{text-align:right;font-variant-numeric:tabular-nums;
  white-space:nowrap}
.silson-people .silson-table td.nw{white-space:nowrap}
.silson-people .silson-table tr:nth-child(even) td{background:#f8fafc}
.silson-people table.silson-readout{border-collapse:collapse;margin:.3em 0;border:none}
.silson-people .silson-readout th{color:#44505c;font-weight:normal;text-align:left;
  padding:.1em 1.2em .1em 0;white-space:nowrap;border:none;background:none}
.silson-people .silson-readout td{font-weight:600;text-align:right;padding:.1em 0;border:none;
  font-variant-numeric:tabular-nums;white-space:nowrap;background:none}
</style>"""
"""Scoped style (``.silson-people``): sizes in em so projector mode scales them."""

HEADERS: Final[dict[str, str]] = {
    "person": "이름",
    "generation": "세대 (generation)",
    "policy": "보험 (policy)",
    "label": "보험 (policy)",
    "setting": "진료구분",
    "tier": "요양기관",
    "category": "항목",
    "date": "진료일",
    "lines": "줄 수",
    "covered_copay": "급여 본인부담금 ①",
    "nhis_paid": "공단부담금 ②",
    "full_copay": "전액본인부담 ③",
    "noncovered": "비급여 ④",
    "claim": "청구액 (claim)",
    "eligible": "대상 금액 (eligible)",
    "payout": "보험금 (payout)",
    "self_pay": "자기부담 (self-pay)",
    "payout_rate": "보험금 비율",
    "payout_pct": "보험금 비율",
    "deductible": "최소공제 (deductible)",
    "rate_part": "자기부담률 몫 (rate)",
    "visit_cap_cut": "회당 한도 (visit cap)",
    "count_cut": "횟수 한도 (count limit)",
    "annual_cut": "연간 한도 (annual limit)",
    "excluded": "보장 제외 (excluded)",
    "ceiling_offset": "상한제 환급분 (ceiling offset)",
    "zone": "결정한 구간 (zone)",
    "flags": "호전 확인 필요 회차",
}
"""Known column names → Korean header (English in brackets where it teaches the term)."""

_MONEY_NAMES: Final = {
    "covered_copay", "nhis_paid", "full_copay", "noncovered", "claim", "eligible", "payout",
    "self_pay", "deductible", "rate_part", "visit_cap_cut", "count_cut", "annual_cut",
    "excluded", "ceiling_offset",
}  # fmt: skip
_RATE_NAMES: Final = {"payout_rate"}
_DATE = re.compile(r"^\d{4}-\d{2}(?:-\d{2})?$")
_CODE = re.compile(r"^[a-z][a-z0-9]*(?:[_.][a-z0-9]+)+$")


def won(amount: int) -> str:
    """Whole won with separators: ``12000 → "12,000원"``."""
    return format_won(int(amount), unit="won")


def man(amount: int) -> str:
    """In 만원: ``8080000 → "808만원"``, ``15000 → "1.5만원"``."""
    return format_won(int(amount), unit="man")


def money(amount: int) -> str:
    """만원 when whole and ≥ 10만원, else 원: ``8080000 → "808만원"``, ``12000 → "12,000원"``."""
    return format_won(int(amount))


def number(value: float, unit: str = "") -> str:
    """A count or other number with separators: ``52 → "52"``, ``1234567 → "1,234,567"``."""
    text = f"{int(value):,}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0")
    return text + unit


def percent(rate: float, digits: int = 0) -> str:
    """A rate as percent: ``0.2 → "20%"`` (``digits`` after the point)."""
    return f"{rate * 100:,.{digits}f}%"


def escape(text: Any) -> str:
    """HTML-escape ``text`` (``&<>"'``); use inside a block with :data:`SAFE_CLASSES`."""
    return html.escape(str(text))


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~$])")


def escape_markdown(text: Any) -> str:
    """Backslash-escape Markdown and math characters (``$ ~ * _`` …) for a Markdown output."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


@dataclass(frozen=True)
class Html:
    """HTML for a notebook output (``_repr_html_``); ``text`` is the plain-text fallback."""

    html: str
    text: str = ""

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        body = re.sub(r"<style>.*?</style>", "", self.html, flags=re.S)
        return self.text or " ".join(re.sub(r"<[^>]+>", " ", body).split())

    def __str__(self) -> str:
        return self.html


def sharp_figures() -> None:
    """Draw notebook figures as 2× PNG (retina): sharp on a projector and at 150% zoom."""
    from matplotlib_inline.backend_inline import set_matplotlib_formats

    set_matplotlib_formats("retina")


def _block(inner: str) -> Html:
    return Html(f'{CSS}<div class="{SAFE_CLASSES}">{inner}</div>')


def _header(name: Any, headers: Mapping[str, str]) -> str:
    key = str(name)
    if key in headers:
        return headers[key]
    if key in HEADERS:
        return HEADERS[key]
    if _CODE.match(key):
        raise InputError(
            f"column {key!r} is an internal code: give it a Korean header, "
            f"e.g. table(df, headers={{{key!r}: '보험금 (payout)'}})"
        )
    return key


def _cell(value: Any, column: str, money_cols: set[str], rate_cols: set[str]) -> tuple[str, bool]:
    """(text, is_number) for one cell."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "", False
    if column in money_cols:
        return won(value), True
    if column in rate_cols:
        return percent(float(value), 1), True
    if column == "zone" and str(value) in ZONES:
        return ZONES[str(value)], False
    if isinstance(value, bool):
        return ("예" if value else "아니요"), False
    if isinstance(value, int | float) or hasattr(value, "dtype"):
        try:
            return number(float(value)), True
        except (TypeError, ValueError):
            pass
    return str(value), False


def table(
    frame: pd.DataFrame | Sequence[Mapping[str, Any]],
    headers: Mapping[str, str] | None = None,
    *,
    money_columns: Iterable[str] = (),
    rate_columns: Iterable[str] = (),
    text_columns: Iterable[str] = (),
    caption: str | None = None,
    index: bool = False,
) -> Html:
    """A styled HTML table for people: no index, Korean headers, money as ``12,000원``.

    ``headers`` maps column → header (else :data:`HEADERS`; an unknown snake_case name is an
    :class:`InputError`, so no internal code reaches the page). Money columns are the known
    amount columns plus ``money_columns`` minus ``text_columns``; ``rate_columns``
    (fractions) show as ``20.0%``; other integers get separators; a ``zone`` code shows its
    Korean name. ``index=True`` keeps the index as the first column (named by ``headers``).
    """
    df = frame.copy() if isinstance(frame, pd.DataFrame) else pd.DataFrame(list(frame))
    if index:
        df = df.reset_index()
    head = dict(headers or {})
    money_cols = {*_MONEY_NAMES, *money_columns} - set(text_columns)
    rate_cols = {*_RATE_NAMES, *rate_columns}
    columns = [str(c) for c in df.columns]
    ths = "".join(f"<th>{escape(_header(c, head))}</th>" for c in columns)
    rows = []
    for values in df.itertuples(index=False, name=None):
        tds = []
        for column, value in zip(columns, values, strict=True):
            text, numeric = _cell(value, column, money_cols, rate_cols)
            cls = ' class="num"' if numeric else ' class="nw"' if _DATE.match(text) else ""
            tds.append(f"<td{cls}>{escape(text)}</td>")
        rows.append("<tr>" + "".join(tds) + "</tr>")
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    body = (
        f'<table class="silson-table">{cap}<thead><tr>{ths}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
    lines = [" | ".join(_header(c, head) for c in columns)]
    for values in df.itertuples(index=False, name=None):
        cells = zip(columns, values, strict=True)
        lines.append(" | ".join(_cell(v, c, money_cols, rate_cols)[0] for c, v in cells))
    plain = "\n".join(lines)
    return Html(_block(body).html, plain)


def readout(pairs: Iterable[tuple[str, str]], css_class: str = "") -> Html:
    """Label → value lines (already formatted text, e.g. ``("보험금 (payout)", won(x))``)."""
    rows = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in pairs)
    extra = f" {escape(css_class)}" if css_class else ""
    return _block(f'<table class="silson-readout{extra}"><tbody>{rows}</tbody></table>')


def bullets(lines: Iterable[str], title: str | None = None) -> Html:
    """A bulleted list of sentences (each escaped), with an optional bold title."""
    head = f"<p><b>{escape(title)}</b></p>" if title else ""
    items = "".join(f"<li>{escape(line)}</li>" for line in lines)
    return _block(f"{head}<ul>{items}</ul>")
