"""US network health plans (HMO, EPO, POS, PPO), compared with 실손 terms (notebook 06).

Whole US dollars; the preset plans in ``plans.toml`` are illustrative, not real prices.

- :mod:`.plans`: a plan's terms (:class:`Plan`, :func:`make_plan`, :func:`load_plans`),
  the presets and the usage presets.
- :mod:`.calculator`: one plan year per usage pattern (:func:`annual_cost`),
  :func:`compare`, :func:`spending_curve`, :func:`cheapest_ranges`.
- :mod:`.tables`: comparison tables and the mapping onto 실손 terms.
- :mod:`.views`: the slider callback, sliders and charts (matplotlib and ipywidgets are
  imported only when drawing).

Every public name is importable from here: ``from silson_tools.us_plans import annual_cost``.
"""

from __future__ import annotations

from .calculator import (
    COST_OF,
    Usage,
    annual_cost,
    cheapest_ranges,
    compare,
    compare_with_curve,
    spending_curve,
)
from .plans import (
    COST_COLUMNS,
    COUNT_COLUMNS,
    DATA_FILE,
    PART_COLUMNS,
    PLAN_TYPES,
    RESULT_COLUMNS,
    RULES,
    SERVICES,
    USAGE_COLUMNS,
    Plan,
    load_plans,
    make_plan,
    plan_meta,
    resolve_plan,
    resolve_plans,
    usage_preset,
    usage_presets,
)
from .tables import (
    cost_table,
    cost_table_from,
    format_table,
    people_cost_table,
    people_frame,
    plan_table,
    preset_table,
    project_terms,
    situations,
    stop_paying_table,
    usd,
)
from .views import (
    PLAN_COLORS,
    RULE_COLORS,
    SLIDERS,
    compare_usage,
    make_sliders,
    plot_breakdown,
    plot_spending_curves,
    show_comparison,
)

__all__ = [
    "COST_COLUMNS",
    "COST_OF",
    "COUNT_COLUMNS",
    "DATA_FILE",
    "PART_COLUMNS",
    "PLAN_COLORS",
    "PLAN_TYPES",
    "RESULT_COLUMNS",
    "RULES",
    "RULE_COLORS",
    "SERVICES",
    "SLIDERS",
    "USAGE_COLUMNS",
    "Plan",
    "Usage",
    "annual_cost",
    "cheapest_ranges",
    "compare",
    "compare_usage",
    "compare_with_curve",
    "cost_table",
    "cost_table_from",
    "format_table",
    "load_plans",
    "make_plan",
    "make_sliders",
    "people_cost_table",
    "people_frame",
    "plan_meta",
    "plan_table",
    "plot_breakdown",
    "plot_spending_curves",
    "preset_table",
    "project_terms",
    "resolve_plan",
    "resolve_plans",
    "show_comparison",
    "situations",
    "spending_curve",
    "stop_paying_table",
    "usage_preset",
    "usage_presets",
    "usd",
]
