"""Transitional re-exports: the product loader now lives in :mod:`silson_tools.products`
(discovery, variants, the typed tree, ``load_policy``) and :mod:`silson_tools.params`
(dated parameters). Import from those; this module will be removed.
"""

from __future__ import annotations

from .params import Param
from .products import Exclusion, Part, Policy, SettingRule, load_policy, products

__all__ = ["Exclusion", "Param", "Part", "Policy", "SettingRule", "load_policy", "products"]
