"""Notebook 03's view: the report for one person and policy, and dropdowns that drive it.

IPython and ipywidgets are imported when a function runs, never at import.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from .render import format_table
from .summary import ALL_PERSONS, ZONE_AMOUNTS, build_report

if TYPE_CHECKING:
    from ipywidgets import VBox

    from ..dates import DateLike

__all__ = ["receipts_app", "show_report"]


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
