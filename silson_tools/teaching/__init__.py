"""Everything only the notebooks use: views, sliders, exercise widgets, worked cases.

The calculators (``silson_tools`` itself) never import this package, so the domain loads
without matplotlib, ipywidgets or IPython; the modules here import them freely. One module
per notebook question:

================================  ===========================================================
module                            answers (notebook)
================================  ===========================================================
:mod:`.shrink_zones`              where does coverage shrink: sliders n, C, D, r, H (01)
:mod:`.cases`                     the articles' worked examples, recomputed (01)
:mod:`.scenarios`                 the same care under every generation (02)
:mod:`.special_cases`             a 5세대 중증 (산정특례) year; two policies at once (02)
:mod:`.ceiling_app`               the 본인부담상한제 table, sliders and pictures (04)
:mod:`.premium_app`               the 4세대 할인·할증 staircase, paths and advisor (05)
:mod:`.premium_live`              05's three slider apps (staircase, premium paths, advisor)
:mod:`.network_app`               06's slider app (US network plans: bars, curves, table)
:mod:`.live_plot`                 one persistent figure per slider app (partial redraw, JPEG)
:mod:`.exercises`                 the exercises with answer checking (07)
:mod:`.sources`                   the articles and official texts cited, with addresses
:mod:`.kernel_client`             Voilà's kernel client, which does not sleep through a reply
================================  ===========================================================

The US network plans' calculator is :mod:`silson_tools.us_plans`; its slider app lives here
(:mod:`.network_app`), since domain packages never import this one.
Submodules and the names below load lazily: ``from silson_tools.teaching import
ShrinkZoneApp`` imports only :mod:`.shrink_zones`.
"""

from __future__ import annotations

import importlib
from types import ModuleType

_EXPORTS: dict[str, str] = {
    "READOUT_KEYS": "shrink_zones",
    "ShrinkZoneApp": "shrink_zones",
    "ShrinkZoneFigure": "shrink_zones",
    "ShrinkZoneParams": "shrink_zones",
    "shrink_zone_readout": "shrink_zones",
    "ARTICLE_CASES": "cases",
    "ArticleCase": "cases",
    "article_cases_table": "cases",
    "Source": "sources",
}
_SUBMODULES = {
    "cases",
    "ceiling_app",
    "exercises",
    "premium_app",
    "scenarios",
    "shrink_zones",
    "sources",
}

__all__ = sorted([*_EXPORTS, *_SUBMODULES])


def __getattr__(name: str) -> object:
    if name in _EXPORTS:
        module = importlib.import_module(f".{_EXPORTS[name]}", __name__)
        return getattr(module, name)
    if name in _SUBMODULES:
        return _submodule(name)
    raise AttributeError(f"module 'silson_tools.teaching' has no attribute {name!r}")


def _submodule(name: str) -> ModuleType:
    return importlib.import_module(f".{name}", __name__)


def __dir__() -> list[str]:
    return __all__
