"""Notebook 03's view: the report for one person and policy, a file upload, dropdowns.

Tables go through :mod:`silson_tools.people` (money as 12,000원, Korean headers, no index).
:func:`upload_app` reads a person's own file in two clicks: the file is kept in
``data/private/`` (git-ignored) when that folder is next to the notebook folder, else only
in a temporary folder removed right after reading; never under ``notebooks/``, and an
existing file there is never overwritten. A bad file shows the Korean list of located
problems, no traceback. With a 소득분위 (decile), :func:`burden_table` gives the final
burden after the NHIS refund (본인부담상한제, :func:`silson_tools.ceiling.year_totals`):

    final burden = paid at the hospital (①+③+④) − silson payout − NHIS refund

IPython and ipywidgets are imported when a function runs, never at import.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ..errors import ReceiptError, SilsonError
from ..people import Html, bullets, escape, table
from .notes import left_out_lines
from .render import format_table
from .summary import ALL_PERSONS, ZONE_AMOUNTS, Report, build_report, validation_summary

if TYPE_CHECKING:
    from ipywidgets import VBox

    from ..dates import DateLike

__all__ = [
    "burden_table",
    "comparison_table",
    "people_table",
    "private_folder",
    "problems_html",
    "read_or_explain",
    "receipts_app",
    "save_upload",
    "show_report",
    "summary_table",
    "upload_app",
    "validation_table",
]

_CODE_IN_BRACKETS = re.compile(r" \((?:[a-z]+_[a-z_]+|[a-z]+(?:: [^)]*)?)\)")


def people_table(frame: pd.DataFrame, index_name: str | None = None) -> Html:
    """A report table (:func:`~silson_tools.report.render.format_table`) for people."""
    return table(format_table(frame, index_name))


def summary_table(report: Report) -> Html:
    """The year at a glance per person: lines, claim, payout, self-pay, the zones used."""
    zone_cols = [z for z in ZONE_AMOUNTS if report.summary[z].any()]
    columns = ["lines", "claim", "payout", "self_pay", "payout_pct", *zone_cols]
    return people_table(report.summary[columns], "이름")


def comparison_table(report: Report) -> Html:
    """The same receipts under every product (the product's Korean label, no code)."""
    zone_cols = [z for z in ZONE_AMOUNTS if report.comparison[z].any()]
    columns = ["label", "claim", "payout", "self_pay", "payout_pct", *zone_cols]
    shown = format_table(report.comparison[columns])
    out = table(shown.drop(columns=shown.columns[0]))
    for items, title in _under_comparison(report):
        said = bullets(items, title)
        out = Html(out.html + said.html, f"{out!r}\n{said!r}")
    return out


def _under_comparison(report: Report) -> list[tuple[list[str], str]]:
    """The sentences shown under the comparison: products left out and why, and what a
    compared column assumed (each list with its title; none when empty)."""
    attrs = report.comparison.attrs
    return [
        (items, title)
        for items, title in (
            (left_out_lines(attrs.get("skipped")), "계산하지 않은 상품 (left out, and why)"),
            (list(attrs.get("notes") or []), "비교표의 가정 (what a column assumed)"),
        )
        if items
    ]


class StopHere(Exception):
    """Stops "Run All" after the problems are shown; IPython prints one line, no traceback."""

    def _render_traceback_(self) -> list[str]:
        return [str(self)]


def read_or_explain(path: str | Path) -> pd.DataFrame:
    """:func:`~silson_tools.receipts.read_receipts`, or show the located problems (Korean
    list) and stop the notebook there with one line instead of a traceback."""
    from IPython.display import display

    from ..receipts import read_receipts

    try:
        return read_receipts(path)
    except (SilsonError, OSError) as err:
        display(problems_html(err))
        raise StopHere("위 문제를 고친 뒤 다시 실행하세요 (fix the file and run again)") from None


def validation_table(receipts: pd.DataFrame) -> Html:
    """What was read, without the internal column codes (``(covered_copay)``)."""
    checked = validation_summary(receipts)
    shown = checked.apply(lambda col: col.map(lambda v: _CODE_IN_BRACKETS.sub("", str(v))))
    return table(shown)


def burden_table(report: Report, decile: int) -> Html:
    """Per person and calendar year: paid, silson payout, NHIS refund, final burden.

    ``최종 부담 = 병원에 낸 돈 (claim) − 실손 보험금 (payout) − 공단 환급 (refund)``; the
    refund is :func:`silson_tools.ceiling.year_totals`' ``refund`` for ``decile``.
    """
    from ..ceiling import CeilingSpec, year_totals

    lines = report.assessed
    year = pd.DatetimeIndex(lines["date"]).year
    paid = (
        lines.assign(year=year)
        .groupby(["person", "year"], sort=True)[["claim", "payout"]]
        .sum()
        .reset_index()
    )
    refunds = year_totals(report.receipts, CeilingSpec(decile=int(decile)))
    ceiling = {
        (str(p), int(y)): (int(lim), int(ref))
        for p, y, lim, ref in zip(
            refunds["person"], refunds["year"], refunds["limit"], refunds["refund"], strict=True
        )
    }
    rows = []
    for person, year, claim, payout in zip(
        paid["person"], paid["year"], paid["claim"], paid["payout"], strict=True
    ):
        limit, refund = ceiling.get((str(person), int(year)), (0, 0))
        rows.append(
            {
                "이름": str(person),
                "연도": f"{int(year)}년",
                "병원에 낸 돈 (①+③+④)": int(claim),
                "실손 보험금 (payout)": int(payout),
                f"상한액 ({decile}분위)": limit,
                "공단 환급 (본인부담상한제)": refund,
                "최종 부담 (final burden)": int(claim) - int(payout) - refund,
            }
        )
    money = [k for k in (rows[0] if rows else {}) if k not in {"이름", "연도"}]
    return table(rows, money_columns=money, caption="공단 환급까지 뺀 최종 부담")


def problems_html(err: Exception) -> Html:
    """A file problem as a person reads it: the Korean list of located problems."""
    if isinstance(err, ReceiptError):
        head, *rest = str(err).splitlines()
        return bullets([line.strip().removeprefix("- ") for line in rest], title=head)
    if isinstance(err, FileNotFoundError):
        return bullets(
            [f"파일이 없습니다 (no such file): {err.filename}"], "파일을 찾을 수 없습니다"
        )
    return bullets([str(err)], title="파일을 읽을 수 없습니다 (cannot read the file)")


def contract_line(report: Report) -> str:
    """The product and the 계약일 the report used, as one HTML line: the date given, or the
    one assumed (1 January of the first receipt's year, as ``silson report`` without
    ``--start``), said as assumed."""
    label = report.policy.short_label or report.policy.label
    if report.policy_start is not None:
        start = f"{report.policy_start.isoformat()} (입력한 계약일)"
    elif len(report.receipts):
        first = int(report.receipts["date"].min().year)
        start = f"{first}-01-01 (주지 않아 첫 영수증 해의 1월 1일로 가정; assumed)"
    else:
        start = "없음"
    return (
        f"<p class='silson-contract'><b>보험 (policy)</b>: {escape(label)} · "
        f"<b>계약일 (contract date)</b>: {escape(start)}</p>"
    )


def show_report(
    receipts: pd.DataFrame,
    person: str | None = ALL_PERSONS,
    policy: str | None = None,
    policy_start: DateLike | None = None,
    decile: int | None = None,
    compare: Sequence[str] | None = None,
) -> None:
    """Widget callback: compute the report for (person, policy) and display it. Returns None.

    ``policy``: a product name or rule file (None: :func:`~silson_tools.catalog.default_product`).
    """
    from IPython.display import HTML, display

    from .charts import show_figure

    try:
        report = build_report(receipts, policy, policy_start, person, compare, decile)
    except SilsonError as err:
        display(problems_html(err))
        return
    display(HTML(contract_line(report)))
    display(HTML("<h4>한눈에 보는 1년 (the year at a glance)</h4>"))
    display(summary_table(report))
    if isinstance(decile, int):  # the final-burden table is for one decile
        display(burden_table(report, decile))
    display(bullets(report.why))
    for fig in report.figures.values():
        show_figure(fig)
    for items, title in _under_comparison(report):  # the generations chart's left out, and why
        display(bullets(items, title))
    display(HTML("<h4>보장이 가장 많이 줄어든 줄 (lines where coverage shrank most)</h4>"))
    display(people_table(report.top, "행 (row)"))


def receipts_app(
    receipts: pd.DataFrame,
    policy: str | None = None,
    policy_start: DateLike | None = None,
    person: str | None = None,
    decile: int | None = None,
) -> VBox:
    """Dropdowns for the person and the policy, driving :func:`show_report` (``policy``: the
    product shown first; None: :func:`~silson_tools.catalog.default_product`)."""
    import ipywidgets as w

    from ..catalog import default_product, load_policy, products

    persons = [ALL_PERSONS, *sorted(receipts["person"].unique().tolist())]
    person_box = w.Dropdown(options=persons, value=person or ALL_PERSONS, description="사람")
    labels = [(load_policy(n).label, n) for n in products()]
    policy_box = w.Dropdown(options=labels, value=policy or default_product(), description="보험")
    out = w.interactive_output(
        lambda person, policy: show_report(receipts, person, policy, policy_start, decile),
        {"person": person_box, "policy": policy_box},
    )
    return w.VBox([w.HBox([person_box, policy_box]), out])


def private_folder(start: Path | None = None) -> Path | None:
    """``data/private/`` next to the notebook folder (``start``: the working directory), or
    None when there is none (then an upload is kept only in a temporary folder)."""
    base = (start or Path.cwd()).resolve()
    for parent in (base, *base.parents[:2]):
        folder = parent / "data" / "private"
        if folder.is_dir():
            return folder
    return None


def save_upload(name: str, content: bytes, folder: Path) -> Path:
    """Write an uploaded file into ``folder`` under its own name; a different file of that
    name is never overwritten (``name (2).csv`` …); the same bytes reuse the file."""
    safe = Path(name).name or "upload.csv"
    stem, suffix = Path(safe).stem, Path(safe).suffix
    for n in range(1, 1000):
        path = folder / (safe if n == 1 else f"{stem} ({n}){suffix}")
        if not path.exists():
            path.write_bytes(content)
            return path
        if path.read_bytes() == content:
            return path
    raise OSError(f"{folder}: too many files named {safe}")


def upload_app(
    policy: str | None = None,
    policy_start: DateLike | None = None,
    decile: int | None = None,
    folder: Path | None = None,
) -> VBox:
    """Pick a CSV/XLSX file (one click), see the analysis (two): the report of
    :func:`show_report`, or the located problems. The 계약일 field starts at ``policy_start``
    (None: empty, i.e. 1 January of the first receipt's year, shown as assumed). ``folder``:
    where the file is kept
    (default :func:`private_folder`; None there: a temporary folder, removed after reading).
    """
    import ipywidgets as w
    from IPython.display import HTML, display

    from ..catalog import default_product, load_policy, products
    from ..receipts import read_receipts

    keep = folder if folder is not None else private_folder()
    upload = w.FileUpload(
        accept=".csv,.xlsx", multiple=False, description="파일 고르기", layout={"width": "10em"}
    )
    upload.add_class("silson-upload")
    labels = [(load_policy(n).label, n) for n in products()]
    policy_box = w.Dropdown(
        options=labels,
        value=policy or default_product(),
        description="보험",
        layout={"width": "24em"},
        style={"description_width": "3em"},
    )
    deciles = [("모름 (누구나 받는 환급만 뺌)", 0), *[(f"{d}분위", d) for d in range(1, 11)]]
    decile_box = w.Dropdown(options=deciles, value=decile or 0, description="소득분위")
    start_box = w.Text(
        value="" if policy_start is None else str(policy_start),
        placeholder="예 2023-03-01 (비우면 첫 영수증 해의 1월 1일)",
        description="계약일",
        continuous_update=False,
        layout={"width": "30em"},
        style={"description_width": "3em"},
    )
    start_box.add_class("silson-start")
    out = w.Output()
    where = (
        f"올린 파일은 {keep.parent.name}/{keep.name}/ 폴더에 저장됩니다 (git에 올라가지 않음)."
        if keep
        else "올린 파일은 임시 폴더에서 읽고 바로 지웁니다 (저장하지 않음)."
    )
    note = w.HTML(f"<small>{escape(where)}</small>")

    def run(_: object = None) -> None:
        out.clear_output()
        if not upload.value:
            return
        item = upload.value[0]
        with out:
            try:
                if keep is not None:
                    receipts = read_receipts(save_upload(item.name, bytes(item.content), keep))
                else:
                    with tempfile.TemporaryDirectory() as tmp:
                        path = save_upload(item.name, bytes(item.content), Path(tmp))
                        receipts = read_receipts(path)
            except (SilsonError, OSError, ValueError) as err:
                display(problems_html(err))
                return
            display(HTML(f"<h4>{len(receipts):,}줄을 읽었습니다 (lines read)</h4>"))
            display(validation_table(receipts))
            start = start_box.value.strip() or None
            show_report(receipts, None, policy_box.value, start, decile_box.value or None)

    upload.observe(run, names="value")
    policy_box.observe(run, names="value")
    decile_box.observe(run, names="value")
    start_box.observe(run, names="value")
    box = w.VBox([w.HBox([upload, policy_box, decile_box]), start_box, note, out])
    box.add_class("silson-upload-app")
    return box
