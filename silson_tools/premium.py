"""4세대 비급여 보험료 할인·할증 (the 4th-generation 비급여 rider's premium grades).

At each renewal from 2024-07-01 the 비급여 rider premium is multiplied by a relativity set
by the 비급여 benefit paid in the measurement window (rules.md §2, seed 004)::

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

Claim or not: a 비급여 claim of payout ``P`` when ``S`` has already been paid in the window
costs, over the next policy year, ``extra = floor(12 × monthly 비급여 base ×
(rel(S + P) − rel(S)))``; ``net = P − extra``. All amounts are integer won; relativities are
integer parts per million (ppm), and every product is floored to whole won.
"""

from __future__ import annotations

import calendar
import datetime as dt
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .datafile import check_keys, fail, required
from .formulas import as_won, scalar_or_array

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
CONFIDENCE = ("A", "B", "C")

_TOP = {"meta", "window", "renewal", "exclusions", "grade", "sources"}
_META = {
    "name",
    "unit",
    "in_force_from",
    "in_force_confidence",
    "in_force_sources",
    "surcharged_part",
    "surcharged_part_confidence",
    "surcharged_part_sources",
    "memory",
    "memory_confidence",
    "memory_sources",
}
_WINDOW = {"months", "end_months_before_renewal", "confidence", "sources", "basis"}
_WINDOW |= {"basis_confidence"}
_RENEWAL = {"cap_ppm", "confidence", "sources"}
_EXCLUSIONS = {"special_case", "long_term_care_grades", "confidence", "sources"}
_GRADE = {"grade", "label", "lower", "upper", "relativity_ppm", "confidence", "sources"}


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
    in_force_from: dt.date
    window_months: int
    window_end_months_before: int
    cap_ppm: int
    long_term_care_grades: tuple[int, ...]
    path: Path


def _tags(path: Path, where: str, tags: Sequence[str], sources: Mapping[str, str]) -> tuple:
    missing = [t for t in tags if t not in sources]
    if missing or not tags:
        raise fail(path, where, f"unknown or missing source tag(s) {missing or tags}")
    return tuple(sources[t] for t in tags)


def load_grades(path: str | Path | None = None) -> GradeTable:
    """Read and validate a grade table (default: ``data/premium_grades.toml``).

    Grades must be 1..n in order, bands contiguous (each ``upper`` is the next ``lower``),
    the first starting at 0 and the last open; unknown keys and source tags are errors.
    """
    path = Path(path) if path is not None else DATA_FILE
    with path.open("rb") as handle:
        raw = tomllib.load(handle)
    check_keys(path, "top level", raw, _TOP)
    sources = raw.get("sources", {})
    meta, window = raw.get("meta", {}), raw.get("window", {})
    renewal, exclusions = raw.get("renewal", {}), raw.get("exclusions", {})
    check_keys(path, "[meta]", meta, _META)
    check_keys(path, "[window]", window, _WINDOW)
    check_keys(path, "[renewal]", renewal, _RENEWAL)
    check_keys(path, "[exclusions]", exclusions, _EXCLUSIONS)
    rows = raw.get("grade", [])
    if not rows:
        raise fail(path, "[[grade]]", "no grades")
    grades, labels, lowers, rels, conf, srcs = [], [], [], [], [], []
    for i, row in enumerate(rows):
        where = f"[[grade]] #{i + 1}"
        check_keys(path, where, row, _GRADE)
        if row.get("grade") != i + 1:
            raise fail(path, where, f"grade must be {i + 1} (in order), got {row.get('grade')!r}")
        lower, upper = row.get("lower"), row.get("upper")
        if not isinstance(lower, int) or lower < 0:
            raise fail(path, where, f"lower must be a non-negative amount, got {lower!r}")
        if i == 0 and lower != 0:
            raise fail(path, where, f"the first grade must start at 0, got {lower}")
        if i > 0 and lowers[-1] >= lower:
            raise fail(path, where, f"lower {lower} must be above the previous grade's")
        if i + 1 < len(rows):
            if upper != rows[i + 1].get("lower"):
                raise fail(path, where, f"upper {upper!r} must equal the next grade's lower")
        elif upper is not None:
            raise fail(path, where, "the last grade has no upper bound")
        rel = row.get("relativity_ppm")
        if not isinstance(rel, int) or rel <= 0:
            raise fail(path, where, f"relativity_ppm must be a positive integer, got {rel!r}")
        if row.get("confidence") not in CONFIDENCE:
            raise fail(path, where, f"confidence must be one of {CONFIDENCE}")
        grades.append(i + 1)
        labels.append(str(row.get("label", "")))
        lowers.append(lower)
        rels.append(rel)
        conf.append(row["confidence"])
        srcs.append(_tags(path, where, row.get("sources", []), sources))
    for where, section in (("[window]", window), ("[renewal]", renewal)):
        _tags(path, where, section.get("sources", []), sources)
    return GradeTable(
        grades=tuple(grades),
        labels=tuple(labels),
        lowers=np.asarray(lowers, dtype=np.int64),
        relativity_ppm=np.asarray(rels, dtype=np.int64),
        confidence=tuple(conf),
        sources=tuple(srcs),
        in_force_from=required(path, "[meta]", meta, "in_force_from"),
        window_months=int(required(path, "[window]", window, "months")),
        window_end_months_before=int(
            required(path, "[window]", window, "end_months_before_renewal")
        ),
        cap_ppm=int(required(path, "[renewal]", renewal, "cap_ppm")),
        long_term_care_grades=tuple(
            required(path, "[exclusions]", exclusions, "long_term_care_grades")
        ),
        path=path,
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
            raise ValueError(f"discount must be a fraction between 0 and 1, got {discount!r}")
        if not 0 <= discount < 1:
            raise ValueError(f"discount must be a fraction between 0 and 1, got {discount!r}")
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

    Bands (seed 004): 0 → 1; under 100만 → 2; 100만–<150만 → 3; 150만–<300만 → 4;
    300만 and up → 5. ``discount`` overrides grade 1's discount (default about 5%).
    """
    tab = _table(table)
    paid = as_won("nonbenefit_paid", nonbenefit_paid)
    if paid.ndim != 0:
        raise ValueError("surcharge_grade takes one amount; use grade_numbers for arrays")
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
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError) as err:
        raise ValueError(f"{name} must be a date, got {value!r}") from err
    if pd.isna(stamp):
        raise ValueError(f"{name} must be a date, got {value!r}")
    return stamp.date()


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
    payment date if known; rules.md §2 says insurers count by payment date, C) and
    ``amount_column`` (the 비급여 part of the payout, won). Lines whose
    ``special_case_column`` is true (산정특례 disease) are excluded; so is everything of a
    person whose ``long_term_care`` grade (장기요양등급, one number or person → number) is 1 or 2.
    Columns: ``paid`` (counted), ``excluded``, ``grade``, ``relativity_ppm``, ``to_next``,
    ``to_next_surcharge``, ``window_start``, ``window_end``.
    """
    tab = _table(table)
    day = _as_date("renewal", renewal)
    if day < tab.in_force_from:
        raise ValueError(
            f"renewal {day}: 할인·할증 applies to renewals from {tab.in_force_from} (rules.md §2)"
        )
    start, end = measurement_window(day, tab)
    for column in (amount_column, date_column):
        if column not in assessed.columns:
            raise ValueError(f"assessed: missing column {column!r}; have {list(assessed.columns)}")
    amounts = pd.to_numeric(assessed[amount_column], errors="coerce")
    bad = amounts.isna() | (amounts < 0) | (amounts != np.floor(amounts))
    if bad.any():
        row = assessed.index[np.flatnonzero(bad.to_numpy())[0]]
        raise ValueError(
            f"assessed: row {row!r}, column {amount_column!r}: not a whole, non-negative amount"
        )
    dates = pd.to_datetime(assessed[date_column], errors="coerce")
    if dates.isna().any():
        row = assessed.index[np.flatnonzero(dates.isna().to_numpy())[0]]
        raise ValueError(f"assessed: row {row!r}, column {date_column!r}: not a date")
    persons = (
        assessed["person"].astype(str)
        if "person" in assessed.columns
        else pd.Series("본인", index=assessed.index)
    )
    special = (
        assessed[special_case_column].fillna(False).astype(bool).to_numpy()
        if special_case_column in assessed.columns
        else np.zeros(len(assessed), dtype=bool)
    )
    ltc_excluded = _long_term_care(persons, long_term_care, tab)
    inside = ((dates.dt.date >= start) & (dates.dt.date <= end)).to_numpy()
    amount = amounts.to_numpy().astype(np.int64) * inside
    excluded = special | ltc_excluded
    frame = pd.DataFrame(
        {
            "person": persons.to_numpy(),
            "paid": np.where(excluded, 0, amount),
            "excluded": np.where(excluded, amount, 0),
        }
    )
    out = frame.groupby("person", sort=True)[["paid", "excluded"]].sum()
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
            raise ValueError(f"long_term_care grade must be 1–5 or None, got {grade!r}")
        return grade in tab.long_term_care_grades

    if isinstance(value, Mapping):
        flags = {str(k): check(v) for k, v in value.items()}
        return persons.map(lambda p: flags.get(p, False)).to_numpy(dtype=bool)
    return np.full(len(persons), check(value), dtype=bool)


def nonbenefit_payouts(
    receipts: pd.DataFrame, policy: Any, policy_start: Any = None, ceiling: Any = None
) -> np.ndarray:
    """The 비급여 part of each line's payout (int64 won), for the 할인·할증 count.

    The ``payout_noncovered`` column of :func:`silson_tools.claims.assess` (one assessment).
    Under 4/5세대 the 급여 주계약 and the 비급여 특약 are separate parts, so this is exactly
    what the 비급여 특약 (and 3대 비급여, 상급병실) paid on that line, the same as
    ``payout(receipts) − payout(receipts with noncovered = 0)``. Older generations pool
    급여 and 비급여 in one deductible: there the pooled payout is split in proportion to the
    two amounts (see the claims module docstring).
    """
    from .claims import assess

    if "noncovered" not in receipts.columns:
        raise ValueError(f"receipts: missing column 'noncovered'; have {list(receipts.columns)}")
    out = assess(receipts, policy, policy_start, ceiling)
    return out["payout_noncovered"].to_numpy(dtype=np.int64)


# --- premium path ---------------------------------------------------------------------------


def _rates(name: str, value: Any, n: int) -> np.ndarray:
    arr = np.broadcast_to(np.asarray(value, dtype=np.float64), (n,)).copy()
    if not np.all(np.isfinite(arr)) or np.any(arr <= -1):
        raise ValueError(f"{name} must be yearly changes above −100%, got {value!r}")
    return np.rint(arr * PPM).astype(np.int64)


def premium_path(
    covered_premium: int,
    nonbenefit_premium: int,
    nonbenefit_paid: Sequence[int],
    increase: float | Sequence[float] = 0.0,
    nonbenefit_increase: float | Sequence[float] | None = None,
    discount: float | None = None,
    table: GradeTable | None = None,
) -> pd.DataFrame:
    """Monthly premiums over renewals 1..n for 비급여 benefit paid before each renewal.

    ``covered_premium`` / ``nonbenefit_premium``: today's monthly 급여 / 비급여 base (won).
    ``nonbenefit_paid[k]``: 비급여 paid in the window before renewal k+1. ``increase``: the
    insurer's yearly change of the 급여 base (and of the 비급여 base unless
    ``nonbenefit_increase`` is given), one number or one per renewal; each is clamped to
    ±25% (the cap) before the relativity. Columns: ``renewal, paid, grade, relativity_ppm,
    covered, nonbenefit_base, nonbenefit, total, surcharge`` (won per month; ``surcharge`` =
    nonbenefit − nonbenefit_base, negative for the discount).
    """
    tab = _table(table)
    cov = int(as_won("covered_premium", covered_premium))
    non = int(as_won("nonbenefit_premium", nonbenefit_premium))
    paid = as_won("nonbenefit_paid", list(nonbenefit_paid))
    if paid.ndim != 1 or len(paid) == 0:
        raise ValueError("nonbenefit_paid must list the 비급여 paid before each renewal")
    n = len(paid)
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
        rows.append(
            {
                "renewal": k + 1,
                "paid": int(paid[k]),
                "grade": int(grades[k]),
                "relativity_ppm": r,
                "covered": cov,
                "nonbenefit_base": non,
                "nonbenefit": charged,
                "total": cov + charged,
                "surcharge": charged - non,
            }
        )
    frame = pd.DataFrame(rows)
    money = ["paid", "covered", "nonbenefit_base", "nonbenefit", "total", "surcharge"]
    frame[money] = frame[money].astype(np.int64)
    return frame


# --- claim or not ---------------------------------------------------------------------------


def claim_net(
    claim_payout: Any,
    paid_so_far: int,
    nonbenefit_premium: int,
    months: int = 12,
    discount: float | None = None,
    table: GradeTable | None = None,
) -> tuple[Any, Any]:
    """(extra premium, net) for 비급여 claims of ``claim_payout`` won (vectorized).

    extra = floor(months × monthly 비급여 base × (rel(S + P) − rel(S)) / 10⁶); net = P − extra,
    with S = ``paid_so_far`` in the window and P = ``claim_payout``.
    """
    tab = _table(table)
    claim = as_won("claim_payout", claim_payout)
    before = as_won("paid_so_far", paid_so_far)
    base = as_won("nonbenefit_premium", nonbenefit_premium)
    if isinstance(months, bool) or not isinstance(months, int) or months < 0:
        raise ValueError(f"months must be a whole number of months, got {months!r}")
    rel = relativities_ppm(discount, tab)
    rel_before = rel[np.asarray(grade_numbers(before, tab)) - 1]
    rel_after = rel[np.asarray(grade_numbers(before + claim, tab)) - 1]
    extra = base * months * (rel_after - rel_before) // PPM
    return scalar_or_array(extra), scalar_or_array(claim - extra)


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


def advise(
    claim_payout: int,
    paid_so_far: int,
    nonbenefit_premium: int,
    months: int = 12,
    discount: float | None = None,
    table: GradeTable | None = None,
) -> Advice:
    """Should this 비급여 claim be made? Payout now against next year's extra premium.

    For each grade ``g`` the claim could reach, payouts in its band
    ``[lower_g − S, upper_g − S)`` cost ``extra_g``; those below ``extra_g`` lose money.
    """
    tab = _table(table)
    claim = int(as_won("claim_payout", claim_payout))
    before = int(as_won("paid_so_far", paid_so_far))
    extra, net = claim_net(claim, before, nonbenefit_premium, months, discount, tab)
    g0 = int(grade_numbers(before, tab))
    ranges: list[tuple[int, int]] = []
    for g in range(g0 + 1, len(tab.grades) + 1):
        lo = max(int(tab.lowers[g - 1]) - before, 1)
        hi_band = int(tab.lowers[g]) - before if g < len(tab.grades) else None
        cost, _ = claim_net(lo, before, nonbenefit_premium, months, discount, tab)
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
    )


# --- tables, example patterns and views for notebook 05 ---------------------------------------

EXAMPLE_PATTERNS: dict[str, tuple[int, ...]] = {
    "청구 없음 (no claims)": (0, 0, 0, 0, 0),
    "감기·소액 (연 20만)": (200_000,) * 5,
    "도수치료 매년 (연 250만)": (2_500_000,) * 5,
    "한 해 큰 비급여 (2년차 400만)": (0, 4_000_000, 0, 0, 0),
    "100만 바로 아래 (연 95만)": (950_000,) * 5,
}
"""Illustrative claim patterns: 비급여 paid in the window before each of five renewals (won).

Inputs for the notebook, not rules: chosen to show each grade at least once."""


def grades_frame(discount: float | None = None, table: GradeTable | None = None) -> pd.DataFrame:
    """The grade table for display: 등급, band (won), relativity and its confidence."""
    tab = _table(table)
    rel = relativities_ppm(discount, tab)
    rows = []
    for i, grade in enumerate(tab.grades):
        upper = int(tab.lowers[i + 1]) if i + 1 < len(tab.grades) else None
        rows.append(
            {
                "등급 (grade)": grade,
                "구분": tab.labels[i],
                "하한 (이상, won)": int(tab.lowers[i]),
                "상한 (미만, won)": upper,
                "보험료 배율 (relativity)": rel[i] / PPM,
                "할인·할증 (%)": (int(rel[i]) - PPM) * 100 / PPM,
                "신뢰도": tab.confidence[i],
            }
        )
    frame = pd.DataFrame(rows)
    frame["상한 (미만, won)"] = frame["상한 (미만, won)"].astype("Int64")
    return frame


def grade_readout(nonbenefit_paid: int, discount: float | None = None) -> dict[str, Any]:
    """Readout for the staircase slider (pure): grade, relativity, distances (won or None)."""
    g = surcharge_grade(nonbenefit_paid, discount)
    return {
        "paid": g.paid,
        "grade": g.grade,
        "label": g.label,
        "relativity_ppm": g.relativity_ppm,
        "change_percent": g.change_percent,
        "to_next": g.to_next,
        "to_next_surcharge": g.to_next_surcharge,
    }


def _figure(width: float = 8.5, height: float = 4.4) -> tuple[Any, Any]:
    from matplotlib.figure import Figure

    from .fonts import use_korean_font

    use_korean_font()
    fig = Figure(figsize=(width, height))
    fig.subplots_adjust(left=0.1, right=0.97, bottom=0.12, top=0.92)
    return fig, fig.subplots()


def plot_staircase(
    nonbenefit_paid: int, discount: float | None = None, top: int = 5_000_000
) -> Any:
    """Figure: the grade staircase (relativity against 비급여 paid) and where ``paid`` sits."""
    from .plots import won_axis

    tab = _table(None)
    rel = relativities_ppm(discount, tab) / PPM
    g = surcharge_grade(nonbenefit_paid, discount)
    top = max(top, int(g.paid * 1.1))
    fig, ax = _figure()
    edges = [*tab.lowers.tolist(), top]
    colors = ["#2ca02c", "#1f77b4", "#ff7f0e", "#d62728", "#7f0000"]
    for i in range(len(tab.grades)):
        x0, x1 = edges[i], edges[i + 1]
        width = max(x1 - x0, top * 0.004)  # grade 1 is one point (0원): draw it visibly
        ax.bar(x0, rel[i], width=width, align="edge", color=colors[i % 5], alpha=0.35)
        ax.text(
            x0 + width / 2 if i else top * 0.01,
            rel[i] + 0.06,
            f"{tab.grades[i]}등급\n×{rel[i]:.2f}",
            ha="center" if i else "left",
            fontsize=8.5,
        )
    ax.step(edges, [*rel, rel[-1]], where="post", color="#333", lw=1.5)
    ax.plot([g.paid], [g.rate], "o", color="black", ms=7)
    text = f"받은 비급여 보험금 {g.paid / 10_000:,.0f}만원: {g.grade}등급 (×{g.rate:.2f})"
    if g.to_next_surcharge is not None:
        text += f"\n다음 할증 단계까지 {g.to_next_surcharge / 10_000:,.1f}만원 남음"
    ax.annotate(
        text,
        (g.paid, g.rate),
        xytext=(0.98, 0.97),
        textcoords="axes fraction",
        ha="right",
        va="top",
        fontsize=9,
        bbox={"boxstyle": "round", "fc": "white", "ec": "#999"},
        arrowprops={"arrowstyle": "->", "color": "#666"},
    )
    ax.set_xlim(-top * 0.01, top)
    ax.set_ylim(0, rel.max() * 1.3)
    ax.xaxis.set_major_formatter(won_axis)
    ax.set_xlabel("지난 1년(측정 기간) 받은 비급여 보험금 (won)")
    ax.set_ylabel("비급여 보험료 배율 (relativity)")
    ax.set_title("4세대 비급여 보험료 할인·할증 등급 (계단)", fontsize=11)
    ax.grid(alpha=0.3)
    return fig


def plot_paths(
    patterns: Mapping[str, Sequence[int]],
    covered_premium: int,
    nonbenefit_premium: int,
    increase: float = 0.0,
    discount: float | None = None,
) -> Any:
    """Figure: monthly premium at renewals 1..n for each claim pattern (급여 part dashed)."""
    from .plots import won_axis

    fig, ax = _figure(9, 4.6)
    covered_line = None
    for name, paid in patterns.items():
        path = premium_path(covered_premium, nonbenefit_premium, paid, increase, None, discount)
        (line,) = ax.plot(path["renewal"], path["total"], "o-", lw=2, label=name)
        for _, row in path.iterrows():
            ax.annotate(
                f"{row['grade']}",
                (row["renewal"], row["total"]),
                xytext=(0, 6),
                textcoords="offset points",
                ha="center",
                fontsize=7.5,
                color=line.get_color(),
            )
        covered_line = path
    if covered_line is not None:
        ax.plot(
            covered_line["renewal"],
            covered_line["covered"],
            ls="--",
            color="#555",
            label="급여 부분 (never surcharged)",
        )
    ax.set_xticks(range(1, 1 + max(len(p) for p in patterns.values())))
    ax.set_xlabel("갱신 차수 (renewal; 점 위 숫자 = 등급)")
    ax.set_ylabel("월 보험료 (won)")
    ax.yaxis.set_major_formatter(won_axis)
    ax.set_ylim(bottom=0)
    ax.set_title("청구 패턴별 보험료 경로: 할증은 비급여 부분에만", fontsize=11)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    return fig


def paths_table(
    patterns: Mapping[str, Sequence[int]],
    covered_premium: int,
    nonbenefit_premium: int,
    increase: float = 0.0,
    discount: float | None = None,
) -> pd.DataFrame:
    """Per pattern: premiums paid over the renewals (12 × monthly, won) and 비급여 received."""
    rows = []
    for name, paid in patterns.items():
        path = premium_path(covered_premium, nonbenefit_premium, paid, increase, None, discount)
        rows.append(
            {
                "청구 패턴": name,
                "낸 보험료 합계": int(12 * path["total"].sum()),
                "그중 할인·할증분": int(12 * path["surcharge"].sum()),
                "받은 비급여 보험금 합계": int(sum(paid)),
            }
        )
    return pd.DataFrame(rows)


def plot_advice(
    claim_payout: int,
    paid_so_far: int,
    nonbenefit_premium: int,
    discount: float | None = None,
    top: int = 1_000_000,
) -> Any:
    """Figure: net value of claiming (payout − extra premium) against the claim's payout."""
    from .plots import won_axis

    advice = advise(claim_payout, paid_so_far, nonbenefit_premium, 12, discount)
    top = max(top, int(claim_payout * 1.25), int(advice.threshold * 1.5))
    claims = np.linspace(0, top, 1201).astype(np.int64)
    extra, net = claim_net(claims, paid_so_far, nonbenefit_premium, 12, discount)
    fig, ax = _figure()
    ax.plot(claims, claims, color="#1f77b4", lw=1, ls=":", label="보험금 (payout now)")
    ax.plot(claims, extra, color="#d62728", lw=1.2, label="내년 추가 보험료 (extra premium)")
    ax.plot(claims, net, color="black", lw=2, label="순이익 = 보험금 − 추가 보험료 (net)")
    for lo, hi in advice.losing_ranges:
        ax.axvspan(lo, hi, color="#d62728", alpha=0.15, lw=0)
    ax.axhline(0, color="#333", lw=0.8)
    ax.plot([advice.claim_payout], [advice.net], "o", color="black", ms=7)
    verdict = "청구하는 것이 이득" if advice.worth_claiming else "청구하면 손해"
    ax.annotate(
        f"청구 {advice.claim_payout / 10_000:,.0f}만원: 순이익 {advice.net / 10_000:,.1f}만원"
        f"\n({advice.grade_before}등급에서 {advice.grade_after}등급으로, {verdict})",
        (advice.claim_payout, advice.net),
        xytext=(0.02, 0.97),
        textcoords="axes fraction",
        va="top",
        fontsize=9,
        bbox={"boxstyle": "round", "fc": "white", "ec": "#999"},
        arrowprops={"arrowstyle": "->", "color": "#666"},
    )
    ax.xaxis.set_major_formatter(won_axis)
    ax.yaxis.set_major_formatter(won_axis)
    ax.set_xlabel("이번 비급여 청구로 받을 보험금 (claim payout, won)")
    ax.set_ylabel("원 (won)")
    ax.set_title("청구할까 말까? 빨간 구간 = 청구하면 손해", fontsize=11)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    return fig


def advice_html(advice: Advice) -> str:
    """The advisor's verdict as a small HTML table."""
    from .money import format_won

    ranges = ", ".join(
        f"{format_won(lo, unit='won')} ~ {format_won(hi - 1, unit='won')}"
        for lo, hi in advice.losing_ranges
    )
    rows = [
        ("이미 받은 비급여 보험금 (window)", format_won(advice.paid_so_far, unit="won")),
        ("이번 청구 보험금 (payout)", format_won(advice.claim_payout, unit="won")),
        ("등급 (grade)", f"{advice.grade_before} → {advice.grade_after}"),
        ("내년 추가 보험료 (12개월)", format_won(advice.extra_premium, unit="won")),
        ("순이익 (net)", format_won(advice.net, unit="won")),
        ("판단", "청구 (claim)" if advice.worth_claiming else "청구하지 않는 편이 나음"),
        ("손해 보는 청구 금액", ranges or "없음"),
        ("이 금액 이상이면 항상 청구가 이득", format_won(advice.threshold, unit="won")),
    ]
    body = "".join(
        f"<tr><td>{k}</td><td style='text-align:right'><b>{v}</b></td></tr>" for k, v in rows
    )
    return f"<table>{body}</table>"


def show_grade(nonbenefit_paid: int, discount: float = 0.05) -> None:
    """Slider callback: the staircase with the current amount (returns None)."""
    from IPython.display import display

    display(plot_staircase(nonbenefit_paid, discount))


def show_paths(
    patterns: Sequence[str],
    covered_premium: int,
    nonbenefit_premium: int,
    increase: float,
    discount: float = 0.05,
) -> None:
    """Slider callback: premium paths and totals for the chosen example patterns."""
    from IPython.display import display

    chosen = {name: EXAMPLE_PATTERNS[name] for name in patterns}
    if not chosen:
        return None
    display(plot_paths(chosen, covered_premium, nonbenefit_premium, increase, discount))
    display(paths_table(chosen, covered_premium, nonbenefit_premium, increase, discount))
    return None


def show_advice(
    claim_payout: int, paid_so_far: int, nonbenefit_premium: int, discount: float = 0.05
) -> None:
    """Slider callback: the advisor's table and plot."""
    from IPython.display import HTML, display

    advice = advise(claim_payout, paid_so_far, nonbenefit_premium, 12, discount)
    display(HTML(advice_html(advice)))
    display(plot_advice(claim_payout, paid_so_far, nonbenefit_premium, discount))


def _slider(w: Any, value: int, top: int, step: int, label: str) -> Any:
    return w.IntSlider(
        value=value,
        min=0,
        max=top,
        step=step,
        description=label,
        continuous_update=False,
        style={"description_width": "16em"},
        layout=w.Layout(width="40em"),
    )


def _discount_slider(w: Any) -> Any:
    return w.FloatSlider(
        value=0.05,
        min=0.0,
        max=0.2,
        step=0.01,
        readout_format=".0%",
        description="1등급 할인율 (discount)",
        continuous_update=False,
        style={"description_width": "16em"},
        layout=w.Layout(width="40em"),
    )


def grade_app(nonbenefit_paid: int = 1_200_000) -> Any:
    """Slider for last year's 비급여 paid (and the grade-1 discount) → :func:`show_grade`."""
    import ipywidgets as w

    controls = {
        "nonbenefit_paid": _slider(
            w, nonbenefit_paid, 5_000_000, 10_000, "받은 비급여 보험금 (원)"
        ),
        "discount": _discount_slider(w),
    }
    return w.VBox([*controls.values(), w.interactive_output(show_grade, controls)])


def paths_app(covered_premium: int = 12_000, nonbenefit_premium: int = 10_000) -> Any:
    """Pattern picker, base premiums and yearly increase → :func:`show_paths`."""
    import ipywidgets as w

    names = list(EXAMPLE_PATTERNS)
    controls = {
        "patterns": w.SelectMultiple(
            options=names,
            value=names[:4],
            description="청구 패턴",
            rows=len(names),
            layout=w.Layout(width="40em"),
        ),
        "covered_premium": _slider(w, covered_premium, 50_000, 1_000, "월 급여 보험료 (원)"),
        "nonbenefit_premium": _slider(
            w, nonbenefit_premium, 50_000, 1_000, "월 비급여 보험료 (원)"
        ),
        "increase": w.FloatSlider(
            value=0.1,
            min=-0.3,
            max=0.4,
            step=0.05,
            readout_format=".0%",
            description="연 인상률 (상한 ±25% 적용)",
            continuous_update=False,
            style={"description_width": "16em"},
            layout=w.Layout(width="40em"),
        ),
        "discount": _discount_slider(w),
    }
    return w.VBox([*controls.values(), w.interactive_output(show_paths, controls)])


def advice_app(
    claim_payout: int = 200_000, paid_so_far: int = 900_000, nonbenefit_premium: int = 20_000
) -> Any:
    """Sliders for the claim, what was already paid and the 비급여 premium → :func:`show_advice`."""
    import ipywidgets as w

    controls = {
        "claim_payout": _slider(w, claim_payout, 3_000_000, 10_000, "이번 청구 보험금 (원)"),
        "paid_so_far": _slider(w, paid_so_far, 4_000_000, 10_000, "이미 받은 비급여 보험금 (원)"),
        "nonbenefit_premium": _slider(
            w, nonbenefit_premium, 50_000, 1_000, "내년 월 비급여 보험료 (원)"
        ),
        "discount": _discount_slider(w),
    }
    return w.VBox([*controls.values(), w.interactive_output(show_advice, controls)])
