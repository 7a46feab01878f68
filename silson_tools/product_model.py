r"""The typed tree of a loaded product (실손 상품): :class:`Policy` with its :class:`Part`\ s,
:class:`SettingRule`\ s and :class:`Exclusion`\ s, and how a receipt amount is routed to the
part that pays it. Built and checked by :mod:`silson_tools.catalog`; read by the engine.
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import InputError
from .params import Param
from .schema import CATEGORIES

if TYPE_CHECKING:
    from .dates import DateLike

__all__ = ["Exclusion", "Part", "Policy", "SettingRule"]


# --- the typed tree ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SettingRule:
    """Rules for one setting (inpatient / outpatient / pharmacy) of a visit part."""

    form: str
    params: dict[str, Param]
    nhi_rate: bool = False
    admission_cap_tiers: tuple[str, ...] = ()
    visit_unit: str = "institution"
    """How lines become one claim: ``institution``, ``day`` or ``line`` (catalog.VISIT_UNITS);
    of a treatment rule, ``line`` or ``visit`` (catalog.TREATMENT_UNITS)."""
    visit_unit_basis: str = ""
    """Confidence and source of ``visit_unit`` as the file gives them."""
    selfpay_cap_tiers: tuple[str, ...] = ()
    """Tiers whose lines the yearly ``selfpay_cap`` covers (empty: every tier). 5세대 특약1
    caps the deductible of 상급종합·종합병원 입원 only."""

    def get(self, key: str) -> Param | None:
        return self.params.get(key)


@dataclass(frozen=True)
class Part:
    """One 보장 part (주계약, 특약, 3대 비급여 항목, 상급병실): what it pays and how."""

    name: str
    kind: str
    label: str
    amounts: tuple[str, ...]
    categories: tuple[str, ...] | None
    annual_limit: Param | None
    settings: dict[str, SettingRule] = field(default_factory=dict)
    limit_settings: tuple[str, ...] | None = None
    """Settings whose payouts count toward ``annual_limit`` (None: every setting). 1–3세대
    limit 입원 to 5천만원 per 질병; 통원 is bounded by its per-visit caps and counts instead."""
    treatment: SettingRule | None = None
    brackets: tuple[tuple[int, Param], ...] = ()
    """Treatment parts: (first session, self-pay rate) steps; empty = one ``rate``."""
    room: dict[str, Param] = field(default_factory=dict)
    note: str = ""
    severe: bool | None = None
    """Which lines the part pays: True only 산정특례 (severe) lines (5세대 특약1), False only
    the others (특약2), None both."""


@dataclass(frozen=True)
class Exclusion:
    """Care not covered (보장 제외 / 면책기간), as rule data."""

    label: str
    categories: tuple[str, ...] | None
    amounts: tuple[str, ...]
    settings: tuple[str, ...] | None
    start: dt.date | None
    until: dt.date | None
    waiting_years: Param | None
    source: str
    confidence: str
    note: str = ""
    severe: bool | None = None
    """True: only 산정특례 lines; False: only the others; None: both."""
    diagnoses: tuple[tuple[str, str], ...] | None = None
    """KCD category ranges (first, last), e.g. ``("F04", "F99")``. A line is this care when
    its category is in ``categories`` or its diagnosis code's category (first three
    characters) falls in a range; with neither key, every line is."""

    def describes_care(self) -> bool:
        """True when the exclusion names the care (categories or diagnoses)."""
        return self.categories is not None or self.diagnoses is not None


@dataclass(frozen=True)
class Policy:
    """A loaded, validated product: parts, exclusions and the routing of receipt amounts."""

    name: str
    label: str
    generation: str
    path: str
    combine_same_day: bool
    parts: tuple[Part, ...]
    exclusions: tuple[Exclusion, ...]
    raw: dict[str, Any] = field(repr=False, compare=False)
    """The merged tree (after ``extends`` and overrides), for rebuilding with overrides."""
    short_label: str = ""
    sold_from: dt.date | None = None
    sold_until: dt.date | None = None
    description: str = ""
    note: str = ""
    extends: tuple[str, ...] = ()
    """The chain of parents, nearest first (``("gen3",)`` for gen3-choice2)."""
    default: bool = False
    """True for the product used when none is named (:func:`default_product`)."""
    count_basis: tuple[str, str] = ("paid", "")
    """(``paid`` | ``eligible``, "confidence: sources"): which visits use up a yearly count."""
    any_date: bool = False
    """True: :meth:`check_sold_on` passes any contract date (:meth:`at_any_date`: a
    deliberate comparison that puts every generation on one date); False: a date outside
    the sale window ``sold_from``–``sold_until`` is refused."""
    reentry: Param | None = None
    """재가입주기 (years, ``[policy.reentry]``; None: the product has none): on 계약일 + this
    many years the contract is re-made under the standard terms then in force, a new contract
    and so another product file. The engine does not switch products; the report names the
    lines on or after that date (report/rulegaps.py)."""

    def part(self, name: str) -> Part:
        for part in self.parts:
            if part.name == name:
                return part
        raise InputError(f"policy {self.name!r} has no part {name!r}")

    def route(self, amount: str, category: str, severe: bool = False) -> int | None:
        """Index of the part that pays ``amount`` for ``category`` on a line that is (or is
        not) 산정특례 ``severe`` (None: not insured)."""
        default = None
        for i, part in enumerate(self.parts):
            if amount not in part.amounts or part.severe not in (None, severe):
                continue
            if part.categories is None:
                default = i
            elif category in part.categories:
                return i
        return default

    @property
    def splits_severe(self) -> bool:
        """True when 산정특례 (severe) lines are routed or excluded differently (5세대)."""
        return any(p.severe is not None for p in self.parts) or any(
            e.severe is not None for e in self.exclusions
        )

    @property
    def extra_categories(self) -> tuple[str, ...]:
        """Categories the rule file names beyond schema.CATEGORIES (e.g. ``infertility``)."""
        names: set[str] = set()
        for ex in self.exclusions:
            names.update(ex.categories or ())
        for part in self.parts:
            names.update(part.categories or ())
        return tuple(sorted(names - set(CATEGORIES)))

    def parameters(self) -> list[tuple[str, Param]]:
        """Every parameter (path, Param), for tables and checks."""
        out: list[tuple[str, Param]] = []
        if self.reentry is not None:
            out.append((self.reentry.path, self.reentry))
        for part in self.parts:
            if part.annual_limit is not None:
                out.append((part.annual_limit.path, part.annual_limit))
            for rule in [*part.settings.values(), part.treatment]:
                if rule is not None:
                    out.extend((p.path, p) for p in rule.params.values())
            out.extend((p.path, p) for _, p in part.brackets)
            out.extend((p.path, p) for p in part.room.values())
        for ex in self.exclusions:
            if ex.waiting_years is not None:
                out.append((ex.waiting_years.path, ex.waiting_years))
        return out

    def table(self, date: DateLike | None = None) -> list[dict[str, Any]]:
        """One row per parameter: path, label, unit, value on ``date`` (default: latest),
        effective date, confidence, source."""
        rows = []
        for path, param in self.parameters():
            i = len(param.values) - 1 if date is None else param.index(date)
            rows.append(
                {
                    "parameter": path,
                    "label": param.label,
                    "unit": param.unit,
                    "value": param.values[i],
                    "since": param.dates[i],
                    "confidence": param.confidence[i],
                    "source": param.sources[i],
                }
            )
        return rows

    def at_any_date(self) -> Policy:
        """This product applied to any contract date, its sale window aside (teaching
        comparisons of every generation on one date); values are those in force then."""
        return replace(self, any_date=True)

    @property
    def sale_window(self) -> str:
        """``sold_from – sold_until`` as text (``…`` for an open end)."""
        return " – ".join(d.isoformat() if d else "…" for d in (self.sold_from, self.sold_until))

    def sold_on(self, day: dt.date) -> bool:
        """True when the product was sold on ``day`` (``sold_from`` ≤ day ≤ ``sold_until``;
        an open end is no bound)."""
        return (self.sold_from is None or day >= self.sold_from) and (
            self.sold_until is None or day <= self.sold_until
        )

    def check_sold_on(self, contract_date: DateLike) -> None:
        """:class:`InputError` when a contract of ``contract_date`` cannot have this product
        (outside ``sold_from``–``sold_until``), naming the products sold on that date."""
        from .dates import as_day

        day = as_day(contract_date, "policy_start").astype(dt.date)
        if self.any_date or self.sold_on(day):
            return
        window = self.sale_window
        fits = _sold_products(day)
        hint = (
            f"그날 팔린 상품 (products sold then): {', '.join(fits)}"
            if fits
            else "그날 팔린 상품이 없습니다 (no shipped product was sold then)"
        )
        raise InputError(
            f"{self.name} ({self.short_label or self.label}) 은 {window} 에 팔린 상품이라 "
            f"계약일 {day.isoformat()} 의 계약에는 없습니다 (product {self.name} was sold "
            f"{window}; a contract of {day.isoformat()} cannot have it). {hint}. 상품 (--policy "
            "/ policy=) 이나 계약일 (--start / policy_start=; 주지 않으면 첫 영수증 해의 "
            "1월 1일) 을 고쳐 주세요 "
            "(fix the product or the contract date; without one it is 1 January of the first "
            "receipt's year)."
        )

    def for_contract(self, contract_date: DateLike) -> Policy:
        """The policy a contract signed on ``contract_date`` has: every parameter reduced to
        the one value in force on that date (an ended parameter is dropped). The sale window
        is not checked here: the callers that take a user's contract date do
        (:meth:`check_sold_on`).

        Made once per policy object and contract day (:meth:`_reduced` reads only the day:
        :meth:`Param.index` takes ``datetime64(date, "D")``) and shared by later calls: the
        engine asks on every ``assess``, and a few lines cost about a millisecond to reduce
        each time. The result, like every loaded policy, is read, never changed."""
        try:
            day = np.datetime64(contract_date, "D")
        except (TypeError, ValueError):
            return self._reduced(contract_date)  # raises as Param.index would
        key = (id(self), day)
        with _CONTRACTS_LOCK:
            hit = _CONTRACTS.get(key)
            if hit is not None and hit[0]() is self:
                _CONTRACTS.move_to_end(key)
                return hit[1]
        reduced = self._reduced(day)
        with _CONTRACTS_LOCK:
            _CONTRACTS[key] = (weakref.ref(self), reduced)
            while len(_CONTRACTS) > _CONTRACTS_KEPT:
                _CONTRACTS.popitem(last=False)
        return reduced

    def _reduced(self, contract_date: DateLike) -> Policy:
        """:meth:`for_contract` computed (no cache)."""

        def one(param: Param | None) -> Param | None:
            return None if param is None else param.for_contract(contract_date)

        def rule(r: SettingRule) -> SettingRule:
            kept = {k: p for k, p in ((k, one(p)) for k, p in r.params.items()) if p is not None}
            return replace(r, params=kept)

        parts = tuple(
            replace(
                p,
                annual_limit=one(p.annual_limit),
                settings={s: rule(r) for s, r in p.settings.items()},
                treatment=None if p.treatment is None else rule(p.treatment),
                brackets=tuple((first, one(b) or b) for first, b in p.brackets),
                room={k: one(r) or r for k, r in p.room.items()},
            )
            for p in self.parts
        )
        exclusions = tuple(replace(e, waiting_years=one(e.waiting_years)) for e in self.exclusions)
        return replace(self, parts=parts, exclusions=exclusions, reentry=one(self.reentry))


_CONTRACTS: OrderedDict[tuple[int, np.datetime64], tuple[weakref.ref[Policy], Policy]] = (
    OrderedDict()
)
"""(id of a policy, contract day) → (a weak reference to that policy, its reduced policy):
:meth:`Policy.for_contract`'s results, the most recently used last. The weak reference
checks the id still names the same object (an id may be reused once it is gone)."""
_CONTRACTS_KEPT = 64
"""At most this many reduced policies are kept (the least recently used go first)."""
_CONTRACTS_LOCK = threading.Lock()


def _sold_products(day: dt.date) -> list[str]:
    """The shipped products sold on ``day`` (``name (from – until)``), in catalog order."""
    from .catalog import load_policy, products

    out = []
    for name in products():
        pol = load_policy(name)
        if pol.sold_on(day):
            out.append(f"{name} ({pol.sale_window})")
    return out
