"""4세대 비급여 보험료 할인·할증 (the 4th-generation 비급여 rider's premium grades).

At each renewal from 2024-07-01 the 비급여 rider premium is multiplied by a relativity set
by the 비급여 benefit paid in the measurement window (금융위원회 보도자료, 4세대 실손의료보험
비급여 보험료 할인·할증 시행, 2024.6.7, https://www.fsc.go.kr/no010101/82406; as reported by
경향신문, 2024.6)::

    grade 1   paid = 0                 relativity ≈ 0.95 (about 5% discount, configurable)
    grade 2   0 < paid < 100만          1.00
    grade 3   100만 ≤ paid < 150만      2.00  (+100%)
    grade 4   150만 ≤ paid < 300만      3.00  (+200%)
    grade 5   300만 ≤ paid              4.00  (+300%)

The window is the 12 months ending on the last day of the month three months before the
renewal month. 비급여 paid for 산정특례 diseases, and everything paid to an insured with
장기요양 1·2등급, is left out. Only the 비급여 rider premium is graded; the 급여 part never.
The yearly premium change is capped at ±25% *before* the relativity::

    base_k     = floor(base_{k−1} × (1 + clamp(g_k, −25%, +25%)))     (급여 and 비급여 alike)
    charged_k  = 급여 base_k + floor(비급여 base_k × relativity(grade_k))

무사고 할인 (no-claim discount; 4세대 표준약관, B): a renewal whose two preceding windows had no
비급여 benefit paid (산정특례 = 4대 중증 lines excepted) takes 10% off the whole premium, after
the grade (multiplicative: an inference, C)::

    total_k = floor((급여 base_k + charged_k) × (1 − 10%))   if windows k−1 and k are clean

Claim or not: a 비급여 claim of payout ``P`` when ``S`` has already been paid in the window
costs, over the next policy year, ``extra = floor(12 × monthly 비급여 base ×
(rel(S + P) − rel(S)))``; ``net = P − extra``. All amounts are integer won; relativities are
integer parts per million (ppm), and every product is floored to whole won.

**The data** (``silson_tools/data/premium_grades.toml``) follows the conventions of the product
files (:mod:`silson_tools.params`), as ``data/ceiling.toml`` does: sources are keys of
``data/sources.toml``, confidence is ``A``/``B``/``C``/``user``, units and Korean labels are
declared in the file, unknown keys are refused, and every problem is a
:class:`~silson_tools.errors.RuleDataError` naming the file and the key. The grades stay a
**table** (one ``[[grade]]`` per grade: band, relativity, confidence, sources) rather than one
parameter per number: the bands must be read together (contiguous, the first from 0, the last
open), and the whole table took effect on one date (``rules.in_force_from``). The other values
(window, ±25% cap, exclusions) are :class:`~silson_tools.params.Fact` entries. Relativities
and the cap are in the table unit ``ppm``, not ``rate`` (a ``rate`` is at most 1, a relativity
goes to 4).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .dates import as_day, as_days
from .errors import InputError
from .formulas import scalar_or_array
from .money import as_won
from .params import (
    UNITS,
    Fact,
    Source,
    check_confidence,
    check_keys,
    check_unit,
    label_of,
    read_facts,
    read_table,
    required,
    resolve_sources,
    section,
    table_context,
)
from .receipts.flags import severe_flags
from .schema import DEFAULT_PERSON

__all__ = [
    "PPM",
    "Advice",
    "Grade",
    "GradeTable",
    "advise",
    "claim_net",
    "grade_numbers",
    "load_grades",
    "measurement_window",
    "nonbenefit_payouts",
    "premium_path",
    "relativities_ppm",
    "surcharge_grade",
    "window_totals",
]

PPM = 1_000_000
DATA_FILE = Path(__file__).parent / "data" / "premium_grades.toml"

_TOP = {"columns", "rules", "window", "renewal", "exclusions", "no_claim", "grade", "sources"}
_COLUMNS = {"lower": "won", "upper": "won", "relativity_ppm": "ppm"}
"""The grade columns and the unit each is read in."""
_SECTIONS: dict[str, tuple[dict[str, str], tuple[str, ...]]] = {
    "rules": (
        {"in_force_from": "date", "surcharged_part": "text", "memory": "text"},
        ("in_force_from",),
    ),
    "window": (
        {"months": "months", "end_months_before_renewal": "months", "basis": "text"},
        ("months", "end_months_before_renewal"),
    ),
    "renewal": ({"cap_ppm": "ppm"}, ("cap_ppm",)),
    "exclusions": (
        {"special_case": "text", "long_term_care_grades": "grades"},
        ("long_term_care_grades",),
    ),
    "no_claim": (
        {"discount_ppm": "ppm", "clean_years": "years"}
        | dict.fromkeys(("applies_to", "exception", "combination"), "text"),
        ("discount_ppm", "clean_years"),
    ),
}
"""Fact sections: key → unit, and the keys the calculator needs (no defaults in code)."""
_GRADE = {"grade", "label", "lower", "upper", "relativity_ppm", "confidence", "source", "note"}


# --- the grade table -----------------------------------------------------------------------


@dataclass(frozen=True)
class GradeTable:
    """The loaded grade table: bands, relativities, window and renewal cap."""

    grades: tuple[int, ...]
    labels: tuple[str, ...]
    lowers: np.ndarray
    """Inclusive lower bound of each grade's band (won), ascending; the first is 0."""
    relativity_ppm: np.ndarray
    confidence: tuple[str, ...]
    sources: tuple[tuple[str, ...], ...]
    """Each grade's sources as "title, address" texts."""
    in_force_from: dt.date
    window_months: int
    window_end_months_before: int
    cap_ppm: int
    long_term_care_grades: tuple[int, ...]
    no_claim_ppm: int
    """무사고 할인 on the whole premium (ppm), after ``no_claim_years`` without 비급여 paid."""
    no_claim_years: int
    path: Path
    references: tuple[tuple[Source, ...], ...] = ()
    """Each grade's sources as :class:`~silson_tools.params.Source` (title, url)."""
    notes: tuple[str, ...] = ()
    """Each grade's note ("" if none)."""
    columns: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    """Column → (unit, Korean label), as declared in ``[columns]``."""
    facts: Mapping[str, Fact] = field(default_factory=dict)
    """The other values by path (``rules.in_force_from``, ``renewal.cap_ppm`` …)."""


def _columns(ctx: Any, raw: Any) -> dict[str, tuple[str, str]]:
    table = section(ctx, "columns", raw, _COLUMNS)
    out = {}
    for key, unit in _COLUMNS.items():
        where = f"columns.{key}"
        node = section(ctx, where, required(ctx.file, "columns", table, key), {"unit", "label"})
        out[key] = (check_unit(ctx, where, node, unit), label_of(ctx, where, node))
    return out


def _amount(ctx: Any, where: str, value: Any, unit: str) -> int:
    checked = UNITS[unit].check(value)
    if isinstance(checked, str):
        raise ctx.error(where, checked)
    return int(checked)


def load_grades(path: str | Path | None = None) -> GradeTable:
    """Read and validate a grade table (default: ``data/premium_grades.toml``).

    The file declares the columns' units and Korean labels (``[columns]``), the other values
    (``[rules.*]``, ``[window.*]``, ``[renewal.*]``, ``[exclusions.*]``: unit, label, value,
    confidence, source) and one ``[[grade]]`` per grade. Grades must be 1..n in order, bands
    contiguous (each ``upper`` is the next ``lower``), the first starting at 0 and the last
    open. Sources are keys of ``data/sources.toml`` (or of the file's ``[sources.KEY]``
    tables, or ``{title, url}``); confidence is A, B, C or user. Unknown keys, unknown sources
    or confidence tags and wrong units are :class:`~silson_tools.errors.RuleDataError` naming
    the file and the key.
    """
    path = Path(path) if path is not None else DATA_FILE
    shown = "data/premium_grades.toml" if path == DATA_FILE else str(path)
    raw = read_table(path, shown)
    ctx = table_context(shown, raw)
    check_keys(shown, "", raw, _TOP)
    columns = _columns(ctx, required(shown, "", raw, "columns"))
    facts: dict[str, Fact] = {}
    for name, (units, needed) in _SECTIONS.items():
        for key, fact in read_facts(ctx, name, raw.get(name), units, needed).items():
            facts[f"{name}.{key}"] = fact
    rows = raw.get("grade", [])
    if not isinstance(rows, list) or not rows:
        raise ctx.error("grade", "expected [[grade]] tables, one per grade")
    grades, labels, lowers, rels, conf, refs, notes = [], [], [], [], [], [], []
    for i, row in enumerate(rows):
        where = f"grade[{i}]"
        row = section(ctx, where, row, _GRADE)
        if row.get("grade") != i + 1:
            raise ctx.error(
                f"{where}.grade", f"expected {i + 1} (grades in order), got {row.get('grade')!r}"
            )
        lower = _amount(ctx, f"{where}.lower", required(ctx.file, where, row, "lower"), "won")
        if i == 0 and lower != 0:
            raise ctx.error(f"{where}.lower", f"the first grade must start at 0, got {lower}")
        if i > 0 and lowers[-1] >= lower:
            raise ctx.error(f"{where}.lower", f"{lower} must be above the previous grade's")
        upper = row.get("upper")
        if i + 1 < len(rows):
            following = rows[i + 1].get("lower") if isinstance(rows[i + 1], Mapping) else None
            if upper is None or _amount(ctx, f"{where}.upper", upper, "won") != following:
                raise ctx.error(
                    f"{where}.upper", f"{upper!r} must equal the next grade's lower ({following!r})"
                )
        elif upper is not None:
            raise ctx.error(f"{where}.upper", "the last grade has no upper bound")
        rel = _amount(
            ctx, f"{where}.relativity_ppm", required(ctx.file, where, row, "relativity_ppm"), "ppm"
        )
        if rel <= 0:
            raise ctx.error(f"{where}.relativity_ppm", f"must be positive, got {rel}")
        note = row.get("note", "")
        if not isinstance(note, str):
            raise ctx.error(f"{where}.note", f"expected text, got {note!r}")
        grades.append(i + 1)
        labels.append(label_of(ctx, where, row))
        lowers.append(lower)
        rels.append(rel)
        conf.append(check_confidence(ctx, where, required(ctx.file, where, row, "confidence")))
        refs.append(
            resolve_sources(ctx, f"{where}.source", required(ctx.file, where, row, "source"))
        )
        notes.append(note)
    return GradeTable(
        grades=tuple(grades),
        labels=tuple(labels),
        lowers=np.asarray(lowers, dtype=np.int64),
        relativity_ppm=np.asarray(rels, dtype=np.int64),
        confidence=tuple(conf),
        sources=tuple(tuple(str(s) for s in r) for r in refs),
        in_force_from=facts["rules.in_force_from"].value,
        window_months=facts["window.months"].value,
        window_end_months_before=facts["window.end_months_before_renewal"].value,
        cap_ppm=facts["renewal.cap_ppm"].value,
        long_term_care_grades=facts["exclusions.long_term_care_grades"].value,
        no_claim_ppm=facts["no_claim.discount_ppm"].value,
        no_claim_years=facts["no_claim.clean_years"].value,
        path=path,
        references=tuple(refs),
        notes=tuple(notes),
        columns=columns,
        facts=facts,
    )


@cache
def _default() -> GradeTable:
    return load_grades()


def _table(table: GradeTable | None) -> GradeTable:
    return _default() if table is None else table


def relativities_ppm(discount: float | None = None, table: GradeTable | None = None) -> np.ndarray:
    """Relativity of each grade in ppm; ``discount`` (0..1) overrides grade 1's (about 5%)."""
    tab = _table(table)
    rel = tab.relativity_ppm.copy()
    if discount is not None:
        if isinstance(discount, bool) or not isinstance(discount, int | float):
            raise InputError(f"discount must be a fraction between 0 and 1, got {discount!r}")
        if not 0 <= discount < 1:
            raise InputError(f"discount must be a fraction between 0 and 1, got {discount!r}")
        rel[0] = PPM - round(discount * PPM)
    return rel


def grade_numbers(nonbenefit_paid: Any, table: GradeTable | None = None) -> Any:
    """Grade 1..5 for each amount of 비급여 paid (vectorized): the band with lower ≤ paid."""
    tab = _table(table)
    paid = as_won("nonbenefit_paid", nonbenefit_paid)
    return scalar_or_array(np.searchsorted(tab.lowers, paid, side="right").astype(np.int64))


@dataclass(frozen=True)
class Grade:
    """A 할인·할증 grade for an amount of 비급여 benefit paid."""

    grade: int
    label: str
    paid: int
    """비급여 보험금 counted in the window (won)."""
    lower: int
    upper: int | None
    """Band: ``lower ≤ paid < upper``; ``None`` = no upper bound (grade 5)."""
    relativity_ppm: int
    to_next: int | None
    """Won of further 비급여 benefit that moves the insured to the next grade (None at the top)."""
    to_next_surcharge: int | None
    """다음 할증 단계까지 남은 비급여 보험금: won until a higher relativity above 100%."""
    confidence: str

    @property
    def rate(self) -> float:
        """Relativity as a number (0.95, 1.0, 2.0, 3.0, 4.0), for display only."""
        return self.relativity_ppm / PPM

    @property
    def change_percent(self) -> float:
        """할인·할증률 in percent: −5, 0, +100, +200, +300."""
        return (self.relativity_ppm - PPM) * 100 / PPM


def surcharge_grade(
    nonbenefit_paid: Any, discount: float | None = None, table: GradeTable | None = None
) -> Grade:
    """The grade for ``nonbenefit_paid`` won of 비급여 benefit paid in the window.

    Bands (금융위원회 보도자료 2024.6.7, https://www.fsc.go.kr/no010101/82406, as reported by
    경향신문): 0 → 1; under 100만 → 2; 100만–<150만 → 3; 150만–<300만 → 4; 300만 and up → 5.
    ``discount`` overrides grade 1's discount (default about 5%).
    """
    tab = _table(table)
    paid = as_won("nonbenefit_paid", nonbenefit_paid)
    if paid.ndim != 0:
        raise InputError("surcharge_grade takes one amount; use grade_numbers for arrays")
    rel = relativities_ppm(discount, tab)
    index = int(np.searchsorted(tab.lowers, paid, side="right")) - 1
    amount = int(paid)
    upper = int(tab.lowers[index + 1]) if index + 1 < len(tab.lowers) else None
    surcharge_at = [i for i in range(index + 1, len(rel)) if rel[i] > max(rel[index], PPM)]
    return Grade(
        grade=tab.grades[index],
        label=tab.labels[index],
        paid=amount,
        lower=int(tab.lowers[index]),
        upper=upper,
        relativity_ppm=int(rel[index]),
        to_next=None if upper is None else upper - amount,
        to_next_surcharge=int(tab.lowers[surcharge_at[0]]) - amount if surcharge_at else None,
        confidence=tab.confidence[index],
    )


# --- measurement window and exclusions ------------------------------------------------------


def _as_date(name: str, value: Any) -> dt.date:
    """A date argument read strictly (:func:`silson_tools.dates.as_day`) as ``datetime.date``."""
    return as_day(value, name).astype(dt.date)


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def measurement_window(renewal: Any, table: GradeTable | None = None) -> tuple[dt.date, dt.date]:
    """(first day, last day) of the window for a renewal date (계약해당일), both inclusive.

    Ends on the last day of the month three months before the renewal month and spans the
    12 months before it: renewal 2025-07-15 → 2024-05-01 … 2025-04-30.
    """
    tab = _table(table)
    day = _as_date("renewal", renewal)
    end_y, end_m = _add_months(day.year, day.month, -tab.window_end_months_before)
    start_y, start_m = _add_months(end_y, end_m, -(tab.window_months - 1))
    end = dt.date(end_y, end_m, calendar.monthrange(end_y, end_m)[1])
    return dt.date(start_y, start_m, 1), end


def window_totals(
    assessed: pd.DataFrame,
    renewal: Any,
    *,
    amount_column: str = "nonbenefit_payout",
    date_column: str = "date",
    special_case_column: str = "special_case",
    long_term_care: Mapping[str, int | None] | int | None = None,
    discount: float | None = None,
    table: GradeTable | None = None,
) -> pd.DataFrame:
    """Per person: 비급여 benefit paid in the window before ``renewal``, and the grade.

    ``assessed`` has one row per paid line with ``person`` (optional), ``date_column`` (the
    payment date if known; insurers count by the payment date, C: 보험 매거진 dazabi 민원 사례,
    https://dazabi.com/insurance_magazine/article.php?from_category=all&id=1533) and
    ``amount_column`` (the 비급여 part of the payout, won). Lines whose
    ``special_case_column`` (else ``severe``, as ``assess`` returns it) is yes (산정특례
    disease) are excluded; so is everything of a
    person whose ``long_term_care`` grade (장기요양등급, one number or person → number) is 1 or 2.
    Columns: ``paid`` (counted), ``excluded``, ``claimed`` (what breaks a 무사고 할인 run: every
    line but the 산정특례 ones, 장기요양 or not), ``grade``, ``relativity_ppm``, ``to_next``,
    ``to_next_surcharge``, ``window_start``, ``window_end``.
    """
    tab = _table(table)
    day = _as_date("renewal", renewal)
    if day < tab.in_force_from:
        raise InputError(
            f"renewal {day}: 할인·할증 applies to renewals from {tab.in_force_from} "
            "(금융위원회 보도자료 2024.6.7, https://www.fsc.go.kr/no010101/82406)"
        )
    start, end = measurement_window(day, tab)
    for column in (amount_column, date_column):
        if column not in assessed.columns:
            raise InputError(f"assessed: missing column {column!r}; have {list(assessed.columns)}")
    amounts = pd.to_numeric(assessed[amount_column], errors="coerce")
    bad = amounts.isna() | (amounts < 0) | (amounts != np.floor(amounts))
    if bad.any():
        row = assessed.index[np.flatnonzero(bad.to_numpy())[0]]
        raise InputError(
            f"assessed: row {row!r}, column {amount_column!r}: not a whole, non-negative amount"
        )
    days = as_days(assessed[date_column], f"assessed[{date_column!r}]")  # never guessed
    dates = pd.Series(pd.to_datetime(days), index=assessed.index)
    persons = (
        assessed["person"].astype(str)
        if "person" in assessed.columns
        else pd.Series(DEFAULT_PERSON, index=assessed.index)
    )
    flag = special_case_column if special_case_column in assessed.columns else "severe"
    special = np.zeros(len(assessed), dtype=bool)  # 산정특례 lines: assess's ``severe`` too
    if flag in assessed.columns:
        special = severe_flags(assessed[flag], f"assessed: column {flag!r}")
    ltc_excluded = _long_term_care(persons, long_term_care, tab)
    inside = ((dates.dt.date >= start) & (dates.dt.date <= end)).to_numpy()
    amount = amounts.to_numpy().astype(np.int64) * inside
    excluded = special | ltc_excluded
    frame = pd.DataFrame(
        {
            "person": persons.to_numpy(),
            "paid": np.where(excluded, 0, amount),
            "excluded": np.where(excluded, amount, 0),
            "claimed": np.where(special, 0, amount),
        }
    )
    out = frame.groupby("person", sort=True)[["paid", "excluded", "claimed"]].sum()
    rows = [surcharge_grade(int(p), discount, tab) for p in out["paid"]]
    out["grade"] = [g.grade for g in rows]
    out["relativity_ppm"] = [g.relativity_ppm for g in rows]
    out["to_next"] = pd.array([g.to_next for g in rows], dtype="Int64")
    out["to_next_surcharge"] = pd.array([g.to_next_surcharge for g in rows], dtype="Int64")
    out["window_start"] = start
    out["window_end"] = end
    return out


def _long_term_care(
    persons: pd.Series, value: Mapping[str, int | None] | int | None, tab: GradeTable
) -> np.ndarray:
    """True for every line of a person graded 장기요양 1 or 2 (excluded from the count)."""

    def check(grade: Any) -> bool:
        if grade is None:
            return False
        if isinstance(grade, bool) or not isinstance(grade, int) or not 1 <= grade <= 5:
            raise InputError(f"long_term_care grade must be 1–5 or None, got {grade!r}")
        return grade in tab.long_term_care_grades

    if isinstance(value, Mapping):
        flags = {str(k): check(v) for k, v in value.items()}
        return persons.map(lambda p: flags.get(p, False)).to_numpy(dtype=bool)
    return np.full(len(persons), check(value), dtype=bool)


def nonbenefit_payouts(
    receipts: pd.DataFrame, policy: Any, policy_start: Any = None, ceiling: Any = None
) -> np.ndarray:
    """The 비급여 part of each line's payout (int64 won), for the 할인·할증 count.

    The ``payout_noncovered`` column of :func:`silson_tools.engine.assess` (one assessment).
    Under 4/5세대 the 급여 주계약 and the 비급여 특약 are separate parts, so this is exactly
    what the 비급여 특약 (and 3대 비급여, 상급병실) paid on that line, the same as
    ``payout(receipts) − payout(receipts with noncovered = 0)``. Older generations pool
    급여 and 비급여 in one deductible: there the pooled payout is split in proportion to the
    two amounts (see the :mod:`silson_tools.engine.assess` docstring).
    """
    from .engine import assess

    out = assess(receipts, policy, policy_start, ceiling)
    return out["payout_noncovered"].to_numpy(dtype=np.int64)


# --- premium path ---------------------------------------------------------------------------


def _rates(name: str, value: Any, n: int) -> np.ndarray:
    arr = np.broadcast_to(np.asarray(value, dtype=np.float64), (n,)).copy()
    if not np.all(np.isfinite(arr)) or np.any(arr <= -1):
        raise InputError(f"{name} must be yearly changes above −100%, got {value!r}")
    return np.rint(arr * PPM).astype(np.int64)


def premium_path(
    covered_premium: int,
    nonbenefit_premium: int,
    nonbenefit_paid: Sequence[int],
    increase: float | Sequence[float] = 0.0,
    nonbenefit_increase: float | Sequence[float] | None = None,
    discount: float | None = None,
    table: GradeTable | None = None,
    *,
    claimed: Sequence[int] | None = None,
    clean_before: int = 0,
) -> pd.DataFrame:
    """Monthly premiums over renewals 1..n for 비급여 benefit paid before each renewal.

    ``covered_premium`` / ``nonbenefit_premium``: today's monthly 급여 / 비급여 base (won).
    ``nonbenefit_paid[k]``: 비급여 paid in the window before renewal k+1. ``increase``: the
    insurer's yearly change of the 급여 base (and of the 비급여 base unless
    ``nonbenefit_increase`` is given), one number or one per renewal; each is clamped to
    ±25% (the cap) before the relativity. 무사고 할인: ``claimed[k]`` = 비급여 paid in that
    window that breaks a clean run (all but 산정특례 lines; default ``nonbenefit_paid``, which
    differs for 장기요양 1·2등급: :func:`window_totals` ``claimed``); ``clean_before`` = clean
    years in a row before the first window (0: new policy or unknown). A renewal with
    ``clean_years`` ≥ 2 gets 10% off covered + nonbenefit. Columns: ``renewal, paid,
    clean_years, grade, relativity_ppm, covered, nonbenefit_base, nonbenefit,
    no_claim_discount, total, surcharge`` (won per month; total = covered + nonbenefit −
    no_claim_discount; ``surcharge`` = nonbenefit − nonbenefit_base, negative for grade 1).
    """
    tab = _table(table)
    cov = int(as_won("covered_premium", covered_premium))
    non = int(as_won("nonbenefit_premium", nonbenefit_premium))
    paid = as_won("nonbenefit_paid", list(nonbenefit_paid))
    if paid.ndim != 1 or len(paid) == 0:
        raise InputError("nonbenefit_paid must list the 비급여 paid before each renewal")
    n = len(paid)
    broke = as_won("claimed", paid if claimed is None else list(claimed))
    if broke.shape != paid.shape:
        raise InputError(f"claimed must list one amount per renewal ({n}), got {len(broke)}")
    run = int(as_won("clean_before", clean_before))  # a count of years, read as strictly
    g_cov = np.clip(_rates("increase", increase, n), -tab.cap_ppm, tab.cap_ppm)
    g_non = np.clip(
        _rates(
            "nonbenefit_increase",
            increase if nonbenefit_increase is None else nonbenefit_increase,
            n,
        ),
        -tab.cap_ppm,
        tab.cap_ppm,
    )
    rel = relativities_ppm(discount, tab)
    grades = np.asarray(grade_numbers(paid, tab))
    rows = []
    for k in range(n):
        cov = cov * (PPM + int(g_cov[k])) // PPM
        non = non * (PPM + int(g_non[k])) // PPM
        r = int(rel[grades[k] - 1])
        charged = non * r // PPM
        run = run + 1 if broke[k] == 0 else 0
        total = cov + charged
        if run >= tab.no_claim_years:
            total = total * (PPM - tab.no_claim_ppm) // PPM
        rows.append(
            {
                "renewal": k + 1,
                "paid": int(paid[k]),
                "clean_years": run,
                "grade": int(grades[k]),
                "relativity_ppm": r,
                "covered": cov,
                "nonbenefit_base": non,
                "nonbenefit": charged,
                "no_claim_discount": cov + charged - total,
                "total": total,
                "surcharge": charged - non,
            }
        )
    return pd.DataFrame(rows).astype(np.int64)


# --- claim or not ---------------------------------------------------------------------------


def claim_net(
    claim_payout: Any,
    paid_so_far: int,
    nonbenefit_premium: int,
    months: int = 12,
    discount: float | None = None,
    table: GradeTable | None = None,
    *,
    clean_years: int | None = None,
    covered_premium: int = 0,
) -> tuple[Any, Any]:
    """(extra premium, net) for 비급여 claims of ``claim_payout`` won (vectorized).

    extra = floor(months × monthly 비급여 base × (rel(S + P) − rel(S)) / 10⁶); net = P − extra,
    with S = ``paid_so_far`` in the window and P = ``claim_payout``.

    With ``clean_years`` (clean years in a row before this window) the lost 무사고 할인 is
    added: if S = 0 and ``clean_years + 1`` ≥ 2, a claim P > 0 also costs ``months × (p −
    floor(p × 90%))``, p = ``covered_premium`` + floor(base × rel(S)): the next renewal's
    discount. The one after, lost too if next year stays clean, is beyond ``months``.
    """
    tab = _table(table)
    claim = as_won("claim_payout", claim_payout)
    before = as_won("paid_so_far", paid_so_far)
    base = as_won("nonbenefit_premium", nonbenefit_premium)
    if isinstance(months, bool) or not isinstance(months, int) or months < 0:
        raise InputError(f"months must be a whole number of months, got {months!r}")
    rel = relativities_ppm(discount, tab)
    rel_before = rel[np.asarray(grade_numbers(before, tab)) - 1]
    rel_after = rel[np.asarray(grade_numbers(before + claim, tab)) - 1]
    extra = base * months * (rel_after - rel_before) // PPM
    extra = extra + months * _lost_no_claim(
        claim, before, base, rel_before, clean_years, covered_premium, tab
    )
    return scalar_or_array(extra), scalar_or_array(claim - extra)


def _lost_no_claim(
    claim: Any, before: Any, base: Any, rel: Any, clean_years: int | None, cov: int, tab: Any
) -> Any:
    """Monthly 무사고 할인 a claim gives up (0 where the run is not at stake)."""
    if clean_years is None:
        return 0
    years = int(as_won("clean_years", clean_years))  # a count of years, read as strictly
    price = int(as_won("covered_premium", cov)) + base * rel // PPM
    lost = price - price * (PPM - tab.no_claim_ppm) // PPM
    at_stake = (before == 0) & (claim > 0) & (years + 1 >= tab.no_claim_years)
    return np.where(at_stake, lost, 0)


@dataclass(frozen=True)
class Advice:
    """Claim-or-not for one 비급여 claim (all won; extra premium over ``months``)."""

    claim_payout: int
    paid_so_far: int
    grade_before: int
    grade_after: int
    extra_premium: int
    net: int
    """claim_payout − extra_premium: what claiming is worth."""
    worth_claiming: bool
    """net ≥ 0 (claiming leaves you no worse off)."""
    losing_ranges: tuple[tuple[int, int], ...]
    """Claim payouts ``lo ≤ P < hi`` for which claiming costs more than it pays."""
    threshold: int
    """Claims paying at least this much always pay for themselves (0 if every claim does)."""
    lost_no_claim: int = 0
    """Part of extra_premium that is the 무사고 할인 given up (0 unless ``clean_years``)."""


def advise(
    claim_payout: int,
    paid_so_far: int,
    nonbenefit_premium: int,
    months: int = 12,
    discount: float | None = None,
    table: GradeTable | None = None,
    *,
    clean_years: int | None = None,
    covered_premium: int = 0,
) -> Advice:
    """Should this 비급여 claim be made? Payout now against next year's extra premium.

    For each grade ``g`` the claim could reach, payouts in its band
    ``[lower_g − S, upper_g − S)`` cost ``extra_g``; those below ``extra_g`` lose money.
    ``clean_years`` / ``covered_premium`` add the lost 무사고 할인, as in :func:`claim_net`.
    """
    tab = _table(table)
    claim = int(as_won("claim_payout", claim_payout))
    before = int(as_won("paid_so_far", paid_so_far))
    kw = {"clean_years": clean_years, "covered_premium": covered_premium}
    extra, net = claim_net(claim, before, nonbenefit_premium, months, discount, tab, **kw)
    grade_only, _ = claim_net(claim, before, nonbenefit_premium, months, discount, tab)
    g0 = int(grade_numbers(before, tab))
    ranges: list[tuple[int, int]] = []
    for g in range(g0 + 1, len(tab.grades) + 1):
        lo = max(int(tab.lowers[g - 1]) - before, 1)
        hi_band = int(tab.lowers[g]) - before if g < len(tab.grades) else None
        cost, _ = claim_net(lo, before, nonbenefit_premium, months, discount, tab, **kw)
        hi = cost if hi_band is None else min(cost, hi_band)
        if hi > lo:
            ranges.append((lo, hi))
    return Advice(
        claim_payout=claim,
        paid_so_far=before,
        grade_before=g0,
        grade_after=int(grade_numbers(before + claim, tab)),
        extra_premium=extra,
        net=net,
        worth_claiming=net >= 0,
        losing_ranges=tuple(ranges),
        threshold=max((hi for _, hi in ranges), default=0),
        lost_no_claim=int(extra - grade_only),
    )
