"""silson_tools: what Korean indemnity health insurance (실손의료보험) pays, and why.

The public names load lazily, so ``import silson_tools`` stays fast::

    import silson_tools as st
    st.per_visit_self_pay(18_000, D=0, r=0.1)      # 1800
    st.period_totals(4, 18_000, r=0.1).self_pay    # 7200
    receipts = st.read_receipts("data/samples/receipts.csv")
    st.assess(receipts, st.load_policy("gen4"), ceiling=st.ceiling.CertainRefund())

``ceiling=None`` (the default) takes no 본인부담상한제 refund out: pass
``st.ceiling.CertainRefund()`` for the refund every income decile gets (what ``silson report``
and ``silson assess`` take by default), or ``st.ceiling.CeilingSpec(decile=…)``.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {
    "per_visit_self_pay": "formulas",
    "period_totals": "formulas",
    "split_visit": "formulas",
    "parse_won": "money",
    "format_won": "money",
    "use_korean_font": "fonts",
    "load_policy": "catalog",
    "products": "catalog",
    "default_product": "catalog",
    "rules_reference": "reference",
    "assess": "engine",
    "assess_many": "engine",
    "read_receipts": "receipts",
    "SilsonError": "errors",
    "RuleDataError": "errors",
    "ReceiptError": "errors",
    "InputError": "errors",
}
_SUBMODULES = {
    "errors",
    "formulas",
    "money",
    "fonts",
    "schema",
    "params",
    "catalog",
    "reference",
    "engine",
    "dates",
    "receipts",
    "ceiling",
    "premium",
    "report",
    "teaching",
    "us_plans",
}

__all__ = sorted([*_EXPORTS, *_SUBMODULES])


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        module = importlib.import_module(f".{_EXPORTS[name]}", __name__)
        return getattr(module, name)
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'silson_tools' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
