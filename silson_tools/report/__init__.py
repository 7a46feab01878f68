"""The year explained: summaries, charts and report files for a person's assessed receipts.

- :mod:`.summary`: the tables and sentences (:func:`build_report` → :class:`Report`,
  :func:`validation_summary`, :func:`year_summary`, :func:`why_sentences`,
  :func:`monthly_totals`, :func:`top_shrinks`, :func:`compare_policies`, :func:`lines_table`);
- :mod:`.render`: readable tables, Markdown and HTML, the files of a report
  (:func:`report_files`, :func:`write_report`);
- :mod:`.output`: outputs that never harm (:func:`csv_bytes` and :func:`excel_safe` with
  cells Excel will not evaluate, :func:`md_text`, :func:`write_files`: whole-folder writes
  that replace nothing without ``force`` and never an input file);
- :mod:`.charts`: the three charts as PNG (the only module that imports matplotlib; it is
  imported when a chart is drawn, not when this package is);
- :mod:`.notebook`: notebook 03's view and dropdowns;
- :mod:`.cli`: the ``silson check`` / ``silson report`` command.

Every name is reachable from here (``from silson_tools import report as rp; rp.build_report``).
"""

from __future__ import annotations

import importlib
from typing import Any

from .output import csv_bytes, excel_safe, excel_text, md_text, write_files
from .render import (
    build_report_figures,
    format_table,
    render_html,
    render_markdown,
    report_files,
    write_report,
)
from .summary import (
    ALL_PERSONS,
    ASSUMPTIONS,
    TOP_PEOPLE,
    ZONE_AMOUNTS,
    Report,
    build_report,
    compare_policies,
    lines_table,
    monthly_totals,
    top_people,
    top_shrinks,
    validation_summary,
    why_sentences,
    year_summary,
    zone_amounts,
)

_LAZY = {
    "figure_png": "charts",
    "plot_monthly": "charts",
    "plot_policies": "charts",
    "plot_zones": "charts",
    "show_figure": "charts",
    "PAYOUT_LABEL": "charts",
    "SELF_PAY_LABEL": "charts",
    "receipts_app": "notebook",
    "show_report": "notebook",
}

__all__ = [
    "ALL_PERSONS",
    "ASSUMPTIONS",
    "PAYOUT_LABEL",
    "SELF_PAY_LABEL",
    "TOP_PEOPLE",
    "ZONE_AMOUNTS",
    "Report",
    "build_report",
    "build_report_figures",
    "compare_policies",
    "csv_bytes",
    "excel_safe",
    "excel_text",
    "figure_png",
    "format_table",
    "lines_table",
    "md_text",
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
    "top_people",
    "top_shrinks",
    "validation_summary",
    "why_sentences",
    "write_files",
    "write_report",
    "year_summary",
    "zone_amounts",
]


def __getattr__(name: str) -> Any:
    """Chart and notebook names load their module (and matplotlib) on first use."""
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
