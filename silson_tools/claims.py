"""The claim engine: what the insurer pays for each receipt line, and which rule cut it.

``assess(receipts, policy)`` takes receipt lines in the canonical columns (schema.py) and
returns them with ``payout``, ``self_pay``, ``zone`` and the detail a person needs to
follow the arithmetic. Everything is integer won, computed on whole numpy columns.

The order of operations on each line (per 보장 part of the policy; a line's 급여 and 비급여
amounts may go to different parts, e.g. 4세대 주계약 and 비급여 특약):

1. **Exclusions** (보장 제외): care before ``policy_start``, amounts no part pays, and the
   policy's ``[[exclusions]]`` (categories, waiting periods) → ``excluded``.
2. **Ceiling offset** (상한제 환급분): ⑤ ``over_ceiling`` is paid by NHIS, so it is not
   eligible; a ``ceiling=`` hook may give the per-line refund NHIS pays or will pay. The
   larger of the two (at most ①) leaves the covered co-pay → ``ceiling_offset``.
3. **Deductible and rate**: ``eligible = claim − excluded − ceiling_offset``. Inpatient:
   self-pay by the rate; outpatient visits and pharmacy: ``max(minimum by tier, Σ amount ×
   rate)`` (``max`` form; 선택형Ⅱ's blend is the per-amount rates; 5세대 adds the NHI co-pay
   rate term Σ① ÷ (Σ① + Σ②)), or ``D + (C − D) × r`` (``additive`` form). The payout is
   floored to whole won; the self-pay is the remainder → ``deductible`` and ``rate_part``.
   With ``combine_same_day`` (4/5세대) a person's outpatient and pharmacy lines of one day
   are one visit with the highest minimum among them. 3대 비급여 are per treatment (line);
   seed 001's session tiers pick the rate by the session number in the policy year.
4. **Yearly inpatient self-pay cap** (연간 자기부담 200만원): retained self-pay above the
   cap in a policy year is paid back (``selfpay_cap_refund``, netted out of the parts).
5. **Per-visit caps**: 통원 회당 한도, 입원 건당 한도, 상급병실 ``min(50% × 차액, 10만원 ×
   days)`` → ``visit_cap_cut``.
6. **Yearly counts** (180 visits; 100 비급여 visits; 50 sessions): visits beyond the count
   pay nothing → ``count_cut``. A visit or treatment with an eligible amount counts.
7. **Yearly amount limits and sub-limits** (5천만원; 350만/250만/300만원) on the running
   total of payouts → ``annual_cut``.

**Flags.** ``needs_improvement_proof`` marks 4세대 도수·체외충격파·증식 sessions beyond the
first block of ``improvement_block`` (10) in a policy year: they are paid here on the
assumption that the required objective improvement was documented. ``session_no`` is the
treatment's number in the policy year within its 3대 비급여 part (0 for other lines).

``eligible == payout + deductible + rate_part + visit_cap_cut + count_cut + annual_cut`` and
``payout + self_pay == covered_copay + full_copay + noncovered`` on every line.

**급여/비급여 split of the payout.** ``payout == payout_covered + payout_noncovered`` on
every line: ``payout_covered`` is what was paid on the 급여 amounts (① covered_copay + ③
full_copay), ``payout_noncovered`` on the 비급여 amount (④ noncovered). A part that takes
only one side (4/5세대 주계약 and 비급여 특약, 3대 비급여, 상급병실) pays that side. A part that
pools both in one deductible (1–3세대 주계약) pays line payout p for 급여 C and 비급여 N
(what the part took of each, after exclusions and the ceiling offset); its 비급여 share is
p × N ÷ (C + N) rounded to the nearest won, a half going to 급여:
``⌊(2 p N + C + N − 1) ÷ (2 (C + N))⌋`` (largest remainders between the two, ties to 급여).

Policy years run from ``policy_start`` (계약일 and each 계약해당일; a 29 February start has
its anniversary on 1 March in other years). **Default when ``policy_start`` is None**: the
contract is taken to start on 1 January of the year of the earliest receipt, so policy
years are calendar years and waiting periods count from that day.

Where a combined visit's amounts are split back onto its lines, each step's amount is
shared in proportion to what is left on each line, by largest remainders (exact integers;
ties go to the earlier line).

The zone of a line: the limit that cut it (``count_limit``, then ``annual_limit``, then
``visit_cap``); otherwise the largest of ``excluded``, ``deductible``, ``rate`` and
``ceiling_offset`` (ties in that order); a line with nothing cut is ``rate``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .formulas import PPM
from .money import parse_won
from .policy import Part, Policy, SettingRule, load_policy
from .schema import (
    AMOUNT_COLUMNS,
    CATEGORIES,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    SETTINGS,
    TIERS,
    ZONES,
)

__all__ = [
    "DETAIL_COLUMNS",
    "MAX_LINE_WON",
    "assess",
    "assess_many",
    "proportional_share",
]

MAX_LINE_WON = 10**9
"""Largest amount accepted in one receipt column of one line (10억원); keeps exact integer
arithmetic (amount × amount, amount × ppm) inside int64."""

DETAIL_COLUMNS: tuple[str, ...] = (
    "policy_year",
    "claim",
    "excluded",
    "ceiling_offset",
    "eligible",
    "deductible",
    "rate_part",
    "selfpay_cap_refund",
    "visit_cap_cut",
    "count_cut",
    "annual_cut",
    "payout",
    "payout_covered",
    "payout_noncovered",
    "self_pay",
    "zone",
    "session_no",
    "needs_improvement_proof",
)
"""Columns ``assess`` adds, in order (see the module docstring for their meaning)."""

ZONE_CODES = tuple(ZONES)
_SETTING_CODES = tuple(SETTINGS)  # inpatient 0, outpatient 1, pharmacy 2
_TIER_CODES = tuple(TIERS)
_IN, _OUT, _PH = 0, 1, 2
_I64 = np.int64


# --- input ---------------------------------------------------------------------------------


@dataclass
class Lines:
    """Validated receipt lines as numpy columns, sorted by person, date and file order."""

    order: np.ndarray
    """Row position (0-based) in the input of each sorted line."""
    person: np.ndarray
    day: np.ndarray
    setting: np.ndarray
    tier: np.ndarray
    cat: np.ndarray
    cat_names: tuple[str, ...]
    cc: np.ndarray
    fc: np.ndarray
    nc: np.ndarray
    nhis: np.ndarray
    over: np.ndarray
    days_input: np.ndarray
    """입원일수 in the input's row order (only the room part reads it: see :meth:`days`)."""
    year: np.ndarray
    """Policy year index (0 = the year starting on policy_start; −1 = before it)."""
    start: np.datetime64
    gid: np.ndarray
    """Person–policy-year group id, non-decreasing in sorted order."""
    identity: bool = False
    """True when the input was already in that order (no reordering needed)."""
    claim_input_order: np.ndarray | None = None
    """covered_copay + full_copay + noncovered in the input's row order."""
    year_input: np.ndarray | None = None
    """Policy year index in the input's row order."""
    cache: dict = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.order)

    def days(self, idx: np.ndarray) -> np.ndarray:
        """입원일수 of the sorted lines ``idx``."""
        return self.days_input[idx if self.identity else self.order[idx]]


def _row_error(i: int, column: str, value: Any, expected: str) -> ValueError:
    return ValueError(f"row {i + 1}, column {column!r}: {value!r}: expected {expected}")


def _amount(frame: pd.DataFrame, col: str, required: bool) -> np.ndarray:
    """A won column → int64; ValueError names the first bad row, the column and the value."""
    s = frame[col]
    kind = s.dtype.kind
    if kind in "iu" and isinstance(s.dtype, np.dtype):  # numpy ints cannot be missing
        arr = s.to_numpy(dtype=_I64)
    elif kind in "fiu":
        vals = s.to_numpy(dtype=np.float64, na_value=np.nan)
        bad_nan = np.isnan(vals)
        if bad_nan.any():
            if required:
                i = int(np.argmax(bad_nan))
                raise _row_error(i, col, s.iloc[i], "an amount in won (the cell is empty)")
            vals = np.where(bad_nan, 0.0, vals)
        frac = vals != np.floor(vals)
        if frac.any():
            i = int(np.argmax(frac))
            raise _row_error(i, col, s.iloc[i], "a whole number of won")
        big = np.abs(vals) > MAX_LINE_WON
        if big.any():
            i = int(np.argmax(big))
            raise _row_error(i, col, s.iloc[i], f"at most {MAX_LINE_WON:,} won per line")
        arr = vals.astype(_I64)
    elif kind == "b":
        raise _row_error(0, col, s.iloc[0], "an amount in won, not true/false")
    else:
        out = np.empty(len(s), dtype=_I64)
        for i, v in enumerate(s.tolist()):
            if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
                if required:
                    raise _row_error(i, col, v, "an amount in won (the cell is empty)")
                out[i] = 0
                continue
            if isinstance(v, float | np.floating):
                if not np.isfinite(v) or v != int(v):
                    raise _row_error(i, col, v, "a whole number of won")
                v = int(v)
            elif isinstance(v, np.integer):
                v = int(v)
            try:
                out[i] = parse_won(v if isinstance(v, int | str) else str(v), allow_negative=True)
            except (ValueError, OverflowError):
                raise _row_error(i, col, v, "an amount in won such as 12000 or 1.5만원") from None
        arr = out
    neg = arr < 0
    if neg.any():
        i = int(np.argmax(neg))
        raise _row_error(i, col, s.iloc[i], "an amount of at least 0 won")
    big = arr > MAX_LINE_WON
    if big.any():
        i = int(np.argmax(big))
        raise _row_error(i, col, s.iloc[i], f"at most {MAX_LINE_WON:,} won per line")
    return arr


def _plain_values(s: pd.Series) -> Any:
    """Text columns as a numpy object array (factorizes faster than a str-dtype Series)."""
    if s.dtype == object or isinstance(s.dtype, pd.StringDtype):
        return s.to_numpy(dtype=object)
    return s


def _codes(
    s: pd.Series,
    col: str,
    allowed: Sequence[str],
    fill: int | None,
    labels: dict[str, str] | None = None,
) -> np.ndarray:
    """Text column → index into ``allowed`` (Korean ``labels`` accepted too); unknown values
    name the first row."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        raw = s.cat.codes.to_numpy()
        uniques = list(s.cat.categories)
    else:
        raw, uniq = pd.factorize(_plain_values(s), use_na_sentinel=True)
        uniques = list(uniq)
    table = np.empty(len(uniques) + 1, dtype=np.int16)
    lookup = {name: i for i, name in enumerate(allowed)}
    for code, label in (labels or {}).items():
        if code in lookup:
            lookup.setdefault(label, lookup[code])
    for j, u in enumerate(uniques):
        key = u.strip() if isinstance(u, str) else u
        if key not in lookup:
            i = int(np.argmax(raw == j))
            raise _row_error(i, col, s.iloc[i], "one of " + ", ".join(repr(a) for a in allowed))
        table[j] = lookup[key]
    if (raw < 0).any():
        if fill is None:
            i = int(np.argmax(raw < 0))
            raise _row_error(i, col, s.iloc[i], "one of " + ", ".join(repr(a) for a in allowed))
        table[-1] = fill
    return table[raw]


def _dates(s: pd.Series) -> np.ndarray:
    if s.dtype.kind == "M":
        vals = s.to_numpy()
    else:
        vals = pd.to_datetime(s, errors="coerce", format="mixed").to_numpy()
    vals = vals.astype("datetime64[D]")
    bad = np.isnat(vals)
    if bad.any():
        i = int(np.argmax(bad))
        raise _row_error(i, "date", s.iloc[i], "a date such as 2024-03-15")
    return vals


def _as_day(value: Any, name: str) -> np.datetime64:
    try:
        day = pd.Timestamp(value)
    except (ValueError, TypeError):
        day = pd.NaT
    if day is pd.NaT or pd.isna(day):
        raise ValueError(f"{name}: {value!r}: expected a date such as 2024-03-15")
    return np.datetime64(day.date(), "D")


def _ymd(day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Calendar year and month*100 + day of datetime64[D] values."""
    y = day.astype("datetime64[Y]").astype(_I64) + 1970
    m = day.astype("datetime64[M]")
    md = (m.astype(_I64) % 12 + 1) * 100 + (day - m.astype("datetime64[D]")).astype(_I64) + 1
    return y, md


def _year_starts(start: np.datetime64, year: np.ndarray) -> np.ndarray:
    """Start date of each policy year index (NaT for −1), as datetime64[s]."""
    if len(year) == 0:
        return np.zeros(0, dtype="datetime64[s]")
    lo, hi = int(year.min()), int(year.max())
    table = add_years(start, np.arange(lo, hi + 1)).astype("datetime64[s]")
    table = np.where(np.arange(lo, hi + 1) < 0, np.datetime64("NaT", "s"), table)
    return table[year - lo]


def add_years(start: np.datetime64, years: np.ndarray | int) -> np.ndarray:
    """The ``years``-th anniversary of ``start`` (29 Feb → 1 Mar in other years)."""
    years = np.asarray(years, dtype=_I64)
    sy, smd = _ymd(np.asarray([start]))
    target_year = sy[0] + years
    month, dom = int(smd[0] // 100), int(smd[0] % 100)
    first = (target_year - 1970).astype("datetime64[Y]").astype("datetime64[M]") + (month - 1)
    return first.astype("datetime64[D]") + (dom - 1)


def policy_year_index(day: np.ndarray, start: np.datetime64) -> np.ndarray:
    """Policy year of each day: 0 from ``start`` to the day before its first anniversary…;
    −1 before ``start``."""
    y, md = _ymd(day)
    sy, smd = _ymd(np.asarray([start]))
    year = y - sy[0] - (md < smd[0]).astype(_I64)
    return np.where(day < start, -1, year)


def _per_day(day: np.ndarray, fn: Any) -> np.ndarray:
    """``fn(day)`` computed once per calendar day in the range and looked up (fast)."""
    if len(day) == 0:
        return fn(day)
    d = day.astype(_I64)
    lo = int(d.min())
    span = int(d.max()) - lo + 1
    if span > 4 * len(day):
        return fn(day)
    table = fn((np.arange(span, dtype=_I64) + lo).astype("datetime64[D]"))
    return table[d - lo]


def _sort_order(
    person: np.ndarray, day: np.ndarray
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """Positions sorted by person, then date, then file order, with the sorted person and day.

    One value sort of ``key = ((person × span + day − first day) << b) | position`` (b bits
    hold a position): the keys are unique, so the order is the stable one, and the sorted
    keys give back the order, person and day without gathering. Falls back to ``lexsort``
    (and None for the sorted columns) when the key does not fit in 63 bits.
    """
    n = len(day)
    if n == 0:
        return np.zeros(0, dtype=np.intp), person[:0], day[:0]
    d = day.view(_I64)
    lo = int(d.min())
    span = int(d.max()) - lo + 1
    bits = max(n - 1, 1).bit_length()
    top = (int(person.max()) + 1) * span
    if top >= 2 ** (63 - bits):
        return np.lexsort((np.arange(n), day, person)), None, None
    key = person.astype(_I64, copy=False) * span + (d - lo)
    if (key[1:] >= key[:-1]).all():
        return np.arange(n), person, day  # already in order (a date-sorted export)
    key <<= bits
    key |= np.arange(n)
    key.sort()
    order = (key & ((1 << bits) - 1)).astype(np.intp, copy=False)
    key >>= bits
    p, r = np.divmod(key, span)
    r += lo
    return order, p.astype(person.dtype, copy=False), r.view("datetime64[D]")


def read_lines(receipts: pd.DataFrame, policy: Policy, policy_start: Any = None) -> Lines:
    """Validate the receipt columns and return them as sorted numpy columns."""
    if not isinstance(receipts, pd.DataFrame):
        raise ValueError(f"receipts must be a pandas DataFrame, got {type(receipts).__name__}")
    missing = [c for c in REQUIRED_COLUMNS if c not in receipts.columns]
    if missing:
        raise ValueError(
            f"receipts: missing required column(s) {', '.join(missing)}; "
            f"expected {', '.join(REQUIRED_COLUMNS)} (see schema.REQUIRED_COLUMNS)"
        )
    n = len(receipts)
    frame = receipts
    cc = _amount(frame, "covered_copay", True)
    nc = _amount(frame, "noncovered", True)
    fc = _amount(frame, "full_copay", False) if "full_copay" in frame else np.zeros(n, _I64)
    nhis = _amount(frame, "nhis_paid", False) if "nhis_paid" in frame else np.zeros(n, _I64)
    over = _amount(frame, "over_ceiling", False) if "over_ceiling" in frame else np.zeros(n, _I64)
    if "days" in frame:
        days = _amount(frame, "days", False)
    else:
        days = np.zeros(n, _I64)
    too_much = over > cc
    if too_much.any():
        i = int(np.argmax(too_much))
        raise _row_error(
            i, "over_ceiling", int(over[i]), f"at most covered_copay ({int(cc[i]):,}) on that line"
        )
    setting = _codes(frame["setting"], "setting", _SETTING_CODES, None, SETTINGS)
    tier = _codes(frame["tier"], "tier", _TIER_CODES, None, TIERS)
    cat_names = tuple(CATEGORIES) + policy.extra_categories
    if "category" in frame:
        cat = _codes(frame["category"], "category", cat_names, 0, CATEGORIES)
    else:
        cat = np.zeros(n, dtype=np.int16)
    if "person" in frame:
        person, _ = pd.factorize(_plain_values(frame["person"]), use_na_sentinel=True)
        if (person < 0).any():
            i = int(np.argmax(person < 0))
            raise _row_error(i, "person", frame["person"].iloc[i], "a name or id (cell is empty)")
    else:
        person = np.zeros(n, dtype=np.intp)
    day = _dates(frame["date"])

    if policy_start is None:
        start = (
            day.min().astype("datetime64[Y]").astype("datetime64[D]")
            if n
            else np.datetime64("2000-01-01", "D")
        )
    else:
        start = _as_day(policy_start, "policy_start")
    order, p, sorted_day = _sort_order(person, day)
    identity = bool(n == 0 or (order[0] == 0 and (np.diff(order) == 1).all()))

    def take(a: np.ndarray) -> np.ndarray:
        if identity:
            return a
        return a[order] if a.any() else np.zeros(n, dtype=a.dtype)

    if p is None or sorted_day is None:
        p, sorted_day = take(person), take(day)
    year = _per_day(day, lambda d: policy_year_index(d, start))
    yr = take(year)
    change = np.ones(n, dtype=bool)
    if n:
        change[1:] = (p[1:] != p[:-1]) | (yr[1:] != yr[:-1])
    gid = np.cumsum(change) - 1
    return Lines(
        order=order,
        person=p,
        day=sorted_day,
        setting=take(setting),
        tier=take(tier),
        cat=take(cat),
        cat_names=cat_names,
        cc=take(cc),
        fc=take(fc),
        nc=take(nc),
        nhis=take(nhis) if policy_needs_nhis(policy) else np.zeros(n, _I64),
        over=take(over),
        days_input=days,
        year=yr,
        start=start,
        gid=gid,
        identity=identity,
        claim_input_order=cc + fc + nc,
        year_input=year,
    )


def policy_needs_nhis(policy: Policy) -> bool:
    """True when a part reads the NHI co-pay rate from nhis_paid (5세대)."""
    return any(rule.nhi_rate for part in policy.parts for rule in part.settings.values())


def _check_nhis_paid(receipts: pd.DataFrame, policy: Policy, L: Lines) -> None:
    """5세대 reads the NHI co-pay rate from ② 공단부담금: without the column it cannot."""
    if not policy_needs_nhis(policy) or "nhis_paid" in receipts.columns:
        return
    used = ((L.setting == _OUT) | (L.setting == _PH)) & (L.cc > 0)
    if used.any():
        i = int(L.order[int(np.argmax(used))])
        raise ValueError(
            f"row {i + 1}: policy {policy.name!r} needs column 'nhis_paid' (② 공단부담금) for "
            "its outpatient deductible max(건보 본인부담률, 20%, 최소공제); the receipts have none"
        )


def _ceiling_offsets(ceiling: Any, receipts: pd.DataFrame) -> np.ndarray | None:
    """The ``ceiling=`` hook: None, per-line won amounts, or an object with line_offsets()."""
    if ceiling is None:
        return None
    if hasattr(ceiling, "line_offsets"):
        values = ceiling.line_offsets(receipts)
        name = f"{type(ceiling).__name__}.line_offsets()"
    else:
        values = ceiling
        name = "ceiling"
    arr = np.asarray(values)
    if arr.ndim != 1 or len(arr) != len(receipts):
        raise ValueError(
            f"{name}: expected one amount per receipt line ({len(receipts)}), got shape {arr.shape}"
        )
    if arr.dtype.kind not in "iuf" or (arr.dtype.kind == "f" and not np.all(arr == np.floor(arr))):
        raise ValueError(f"{name}: expected whole won amounts, got dtype {arr.dtype}")
    if (arr < 0).any():
        i = int(np.argmax(arr < 0))
        raise _row_error(i, "ceiling", arr[i], "a refund of at least 0 won")
    return arr.astype(_I64)


# --- grouped arithmetic ----------------------------------------------------------------------


def group_cumsum(x: np.ndarray, gid: np.ndarray) -> np.ndarray:
    """Running sum of ``x`` within runs of equal, non-decreasing ``gid``."""
    if len(x) == 0:
        return x.astype(_I64)
    cs = np.cumsum(x, dtype=_I64)
    first = np.ones(len(x), dtype=bool)
    first[1:] = gid[1:] != gid[:-1]
    base = (cs - x)[first]
    return cs - base[np.cumsum(first) - 1]


def _running_cap(x: np.ndarray, gid: np.ndarray, limit: Any) -> np.ndarray:
    """What of each ``x`` (≥ 0) fits under a running ``limit`` per group of equal, non-decreasing
    ``gid``: min(cum, L) − min(cum − x, L). Only groups whose total exceeds their smallest
    limit can lose anything, so only their lines are computed; ``x`` itself is returned when
    nothing is cut."""
    if len(x) == 0:
        return x
    first = np.ones(len(x), dtype=bool)
    first[1:] = gid[1:] != gid[:-1]
    starts = np.flatnonzero(first)
    dated = np.ndim(limit) > 0
    over = np.add.reduceat(x, starts) > (np.minimum.reduceat(limit, starts) if dated else limit)
    if not over.any():
        return x
    lines = np.flatnonzero(np.repeat(over, np.diff(starts, append=len(x))))
    sub, lim = x[lines], (limit[lines] if dated else limit)
    cum = group_cumsum(sub, gid[lines])
    kept = x.copy()
    kept[lines] = np.minimum(cum, lim) - np.minimum(cum - sub, lim)
    return kept


def _unit_then_descending(unit: np.ndarray, value: np.ndarray) -> np.ndarray:
    """Stable order by ``unit`` (≥ 0), then ``value`` (≥ 0) descending; ties keep line order.

    One stable argsort of ``unit × span + (span − 1 − value)`` (nearly sorted, so fast);
    ``lexsort`` when that key would not fit in int64.
    """
    span = int(value.max()) + 1
    if (int(unit.max()) + 1) * span < 2**62:
        return np.argsort(unit * span + (span - 1 - value), kind="stable")
    return np.lexsort((-value, unit))


def largest_remainder(total: np.ndarray, weight: np.ndarray, unit: np.ndarray) -> np.ndarray:
    """Share ``total[u]`` among lines of unit u in proportion to ``weight`` (exact ints).

    floor(total × w / W) each, then one more won to the lines with the largest remainders
    (ties: earlier line first). Lines of a unit are contiguous; 0 ≤ share ≤ weight when
    total ≤ W.
    """
    n = len(weight)
    if n == 0 or not total.any():
        return np.zeros(n, _I64)
    first = np.ones(n, dtype=bool)
    first[1:] = unit[1:] != unit[:-1]
    starts = np.flatnonzero(first)
    wsum = np.add.reduceat(weight, starts)
    idx = np.cumsum(first) - 1
    w_of = wsum[idx]
    t_of = total[idx]
    safe = np.where(w_of == 0, 1, w_of)
    num = t_of * weight
    share = num // safe
    rem = num % safe
    left = total - np.add.reduceat(share, starts)
    if not left.any():
        return share
    lines = np.flatnonzero((left > 0)[idx])
    ordr = lines[_unit_then_descending(idx[lines], rem[lines])]
    grp = idx[ordr]
    run = np.ones(len(ordr), dtype=bool)
    run[1:] = grp[1:] != grp[:-1]
    pos = np.arange(len(ordr))
    rank = pos - np.maximum.accumulate(np.where(run, pos, 0))
    share[ordr] += rank < left[grp]
    return share


def _share_steps(
    steps: list[np.ndarray],
    u_left: np.ndarray,
    weight: np.ndarray,
    unit: np.ndarray,
    starts: np.ndarray,
) -> tuple[list[np.ndarray | None], np.ndarray]:
    """Share each visit-level step over the visit's lines, by what is left on each (waterfall).

    Every line has ``weight > 0`` (a line with nothing to claim takes nothing and is left
    out by the caller); ``unit`` numbers the visits 0, 1, … and ``starts`` is where each
    begins. The only line of a visit takes the visit's steps and ``u_left`` (its payout);
    the lines of a shared visit take each step in turn by :func:`largest_remainder` of what
    is left on them. Returns the per-line steps (None for a step that is 0 on every visit)
    and what is left on each line (the payout).
    """
    m = len(weight)
    if len(starts) == m:  # one line per visit
        return [step if step.any() else None for step in steps], u_left
    out = [step[unit] if step.any() else None for step in steps]
    left = u_left[unit]
    many = np.diff(starts, append=m) > 1
    sub = np.flatnonzero(many[unit])
    if len(sub):
        sub_unit = unit[sub]
        first = np.ones(len(sub), dtype=bool)
        first[1:] = sub_unit[1:] != sub_unit[:-1]
        units = sub_unit[first]
        local = np.cumsum(first) - 1
        rest = weight[sub]
        for k, step in enumerate(steps):
            line_step = out[k]
            if line_step is None:
                continue
            per_unit = step[units]
            live_unit = per_unit > 0
            share = np.zeros(len(sub), _I64)
            if live_unit.any():
                live = np.flatnonzero(live_unit[local])
                share[live] = largest_remainder(per_unit[live_unit], rest[live], sub_unit[live])
                rest -= share
            line_step[sub] = share
        left[sub] = rest
    return out, left


# --- deductible and rate ---------------------------------------------------------------------


def split_claim(
    c_cov: np.ndarray,
    c_non: np.ndarray,
    r_cov: Any,
    r_non: Any,
    minimum: Any,
    form: str,
    nhi_ppm: Any = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Payout before limits, and the self-pay split into deductible and rate parts.

    max form: ``payout = max(0, min(C − D, ⌊Σ a (1 − r)⌋, ⌊a_cov (1 − nhi)⌋ + a_non))``; the
    deductible decided it when ``C − D ≤`` the rate payout. additive: ``payout = ⌊(C − D)⁺ ×
    (1 − r)⌋`` with ``deductible = min(D, C)``. Rates are integer ppm.
    """
    total = c_cov + c_non
    by_rate = (c_cov * (PPM - r_cov) + c_non * (PPM - r_non)) // PPM
    if form == "additive":
        rate = r_cov if np.any(c_cov) else r_non
        payout = (np.maximum(total - minimum, 0) * (PPM - rate)) // PPM
        ded = np.minimum(minimum, total)
        return payout, ded, total - payout - ded
    if nhi_ppm is not None:
        by_rate = np.minimum(by_rate, (c_cov * (PPM - nhi_ppm)) // PPM + c_non)
    after_min = total - minimum
    payout = np.maximum(np.minimum(after_min, by_rate), 0)
    self_pay = total - payout
    ded = np.where((after_min <= by_rate) & (np.asarray(minimum) > 0), self_pay, 0)
    return payout, ded, self_pay - ded


def nhi_rate_ppm(copay: np.ndarray, nhis: np.ndarray) -> np.ndarray:
    """건보 본인부담률 Σ① ÷ (Σ① + Σ②) in ppm, rounded half up (0 when both are 0)."""
    den = copay + nhis
    safe = np.where(den == 0, 1, den)
    return np.where(den == 0, 0, (2 * copay * PPM + safe) // (2 * safe))


def _tier_min(rule: SettingRule, tier: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Minimum deductible by tier: ``min_<tier>`` if given, else ``min``, else 0."""
    base = rule.get("min")
    out = np.zeros(len(tier), _I64) + (base.on(day) if base is not None else 0)
    for code, name in enumerate(_TIER_CODES):
        p = rule.get(f"min_{name}")
        if p is not None:
            out = np.where(tier == code, p.on(day), out)
    return out


def _visit_min(rule: SettingRule, tiers: np.ndarray, day: np.ndarray) -> Any:
    """Highest minimum deductible among the tiers of each visit (``tiers``: bit t set when a
    line of tier t is in the visit); ``min_<tier>`` if given, else ``min``, else 0."""
    base = rule.get("min")
    values = []
    for name in _TIER_CODES:
        p = rule.get(f"min_{name}") or base
        values.append(0 if p is None else p.on(day))
    if all(np.ndim(v) == 0 for v in values):  # undated: one lookup by the set of tiers
        table = np.array(
            [
                max((int(v) for t, v in enumerate(values) if bits >> t & 1), default=0)
                for bits in range(1 << len(values))
            ],
            dtype=_I64,
        )
        return table[tiers]
    out = np.zeros(len(tiers), _I64)
    for t, v in enumerate(values):
        out = np.maximum(out, np.where(tiers >> t & 1 == 1, v, 0))
    return out


def _ppm(rule: SettingRule, key: str, day: np.ndarray) -> Any:
    p = rule.get(key)
    return 0 if p is None else p.ppm(day)


def _opt(param: Any, day: np.ndarray, default: int) -> Any:
    return default if param is None else param.on(day)


# --- per-part assessment ----------------------------------------------------------------------


@dataclass
class _Acc:
    """Per-line accumulators (sorted order)."""

    payout: np.ndarray
    ded: np.ndarray
    rate: np.ndarray
    refund: np.ndarray
    cap: np.ndarray
    count: np.ndarray
    annual: np.ndarray
    session: np.ndarray
    proof: np.ndarray


def _new_acc(n: int) -> _Acc:
    z = [np.zeros(n, _I64) for _ in range(8)]
    return _Acc(*z, proof=np.zeros(n, dtype=bool))


@dataclass
class _Visits:
    """Outpatient/pharmacy lines grouped into visits (cached: every visit part shares them)."""

    member: np.ndarray
    """Per line: True when the line belongs to one of these visits."""
    unit: np.ndarray
    """Per line: the number of its visit (0 where not ``member``)."""
    day: np.ndarray
    gid: np.ndarray
    tiers: np.ndarray
    """Per visit: date, person–policy-year group, and bit t set when a line of tier t is in it."""
    idx: np.ndarray
    starts: np.ndarray
    """Positions of the member lines, and where each visit starts among them."""


def _visits(L: Lines, which: str, combine: bool) -> _Visits | None:
    """Outpatient (``which`` = outpatient), pharmacy, or both kinds of lines as visits: one
    visit per line, or with ``combine`` a person's lines of one day; None when there are none.
    """
    key = (which, combine)
    if key not in L.cache:
        if which == "both":
            mask = (L.setting == _OUT) | (L.setting == _PH)
        else:
            mask = L.setting == (_OUT if which == "outpatient" else _PH)
        idx = np.flatnonzero(mask)
        if not len(idx):
            L.cache[key] = None
            return None
        d = L.day[idx]
        bits = (1 << L.tier[idx]).astype(np.int8)
        unit = np.zeros(L.n, _I64)
        if combine:
            first = np.ones(len(idx), dtype=bool)
            person = L.person[idx]
            first[1:] = (person[1:] != person[:-1]) | (d[1:] != d[:-1])
            starts = np.flatnonzero(first)
            unit[idx] = np.cumsum(first) - 1
            bits = np.bitwise_or.reduceat(bits, starts)
        else:
            starts = np.arange(len(idx))
            unit[idx] = starts
        L.cache[key] = _Visits(mask, unit, d[starts], L.gid[idx][starts], bits, idx, starts)
    return L.cache[key]


def _on_lines(a: np.ndarray | None, idx: np.ndarray, starts: np.ndarray | None = None) -> Any:
    """``a`` on lines ``idx`` (summed per visit when ``starts`` is given); 0 when ``a`` is None
    (the part takes no such amount)."""
    if a is None:
        return 0
    return a[idx] if starts is None else np.add.reduceat(a[idx], starts)


def _visit_part(
    L: Lines,
    part: Part,
    a_cov: np.ndarray | None,
    a_non: np.ndarray | None,
    combine: bool,
    acc: _Acc,
) -> np.ndarray:
    """Deductible, rate, self-pay cap, caps and counts of a visit part → payout before limits.

    ``a_cov``/``a_non``: the part's 급여/비급여 amount on each line (None: the part takes none).
    """
    payout = np.zeros(L.n, _I64)
    if a_cov is None or a_non is None:
        claim = a_non if a_cov is None else a_cov
        if claim is None:
            return payout
    else:
        claim = a_cov + a_non

    # inpatient lines: one claim each
    rule = part.settings["inpatient"]
    if "inpatient" not in L.cache:
        L.cache["inpatient"] = L.setting == _IN
    idx = np.flatnonzero(L.cache["inpatient"] & (claim > 0))
    if len(idx):
        d = L.day[idx]
        p, dd, rr = split_claim(
            _on_lines(a_cov, idx),
            _on_lines(a_non, idx),
            _ppm(rule, "rate_covered", d),
            _ppm(rule, "rate_noncovered", d),
            _tier_min(rule, L.tier[idx], d),
            rule.form,
        )
        cap_p = rule.get("selfpay_cap")
        if cap_p is not None:
            # 연간 자기부담 한도: retained self-pay above the cap in a policy year is paid back
            retained = dd + rr
            kept = _running_cap(retained, L.gid[idx], cap_p.on(d))
            if kept is not retained:  # something was paid back
                back = retained - kept
                from_rate = np.minimum(back, rr)
                rr = rr - from_rate
                dd = dd - (back - from_rate)
                p = p + back
                acc.refund[idx] += back
        adm = rule.get("admission_cap")
        if adm is not None:
            applies = (
                np.isin(L.tier[idx], [_TIER_CODES.index(t) for t in rule.admission_cap_tiers])
                if rule.admission_cap_tiers
                else np.ones(len(idx), dtype=bool)
            )
            capped = np.where(applies, np.minimum(p, adm.on(d)), p)
            acc.cap[idx] += p - capped
            p = capped
        payout[idx] = p
        acc.ded[idx] += dd
        acc.rate[idx] += rr

    # outpatient visits and prescriptions
    out_rule = part.settings["outpatient"]
    ph_rule = part.settings.get("pharmacy")
    if combine or ph_rule is None:
        kinds = [("both", out_rule)]
    else:
        kinds = [("outpatient", out_rule), ("pharmacy", ph_rule)]
    for which, rule in kinds:
        v = _visits(L, which, combine)
        if v is None:
            continue
        idx = np.flatnonzero(v.member & (claim > 0))  # lines with something to claim here
        if not len(idx):
            continue
        unit = v.unit[idx]
        first = np.ones(len(idx), dtype=bool)
        first[1:] = unit[1:] != unit[:-1]
        starts = np.flatnonzero(first)
        units = unit[starts]  # the visits with something to claim in this part
        u_day = v.day[units]
        if len(starts) == len(idx):  # one line per visit
            u_cov, u_non, local = _on_lines(a_cov, idx), _on_lines(a_non, idx), starts
        else:
            u_cov, u_non = _on_lines(a_cov, idx, starts), _on_lines(a_non, idx, starts)
            local = np.cumsum(first) - 1  # each line's visit, numbered 0, 1, … in this part
        nhi = None
        if rule.nhi_rate:  # over every line of the visit
            nhi = nhi_rate_ppm(
                np.add.reduceat(L.cc[v.idx], v.starts)[units],
                np.add.reduceat(L.nhis[v.idx], v.starts)[units],
            )
        p, dd, rr = split_claim(
            u_cov,
            u_non,
            _ppm(rule, "rate_covered", u_day),
            _ppm(rule, "rate_noncovered", u_day),
            _visit_min(rule, v.tiers[units], u_day),
            rule.form,
            nhi,
        )
        cap = _opt(rule.get("visit_cap"), u_day, -1)
        capped = np.where(np.asarray(cap) >= 0, np.minimum(p, cap), p)
        u_capcut = p - capped
        limit = rule.get("count")
        if limit is not None:
            visit_no = group_cumsum(np.ones(len(starts), _I64), v.gid[units])
            u_countcut = np.where(visit_no > limit.on(u_day), capped, 0)
        else:
            u_countcut = np.zeros(len(starts), _I64)
        steps, pay = _share_steps(
            [dd, rr, u_capcut, u_countcut], capped - u_countcut, claim[idx], local, starts
        )
        for target, step in zip((acc.ded, acc.rate, acc.cap, acc.count), steps, strict=True):
            if step is not None:
                target[idx] += step
        payout[idx] = pay
    return payout


def _treatment_part(L: Lines, part: Part, idx: np.ndarray, c: np.ndarray, acc: _Acc) -> np.ndarray:
    """3대 비급여 style, on lines ``idx`` with amounts ``c``: per treatment (line) deductible,
    session count; returns the payout of those lines before the sub-limit."""
    rule = part.treatment
    assert rule is not None
    d = L.day[idx]
    session = group_cumsum(np.ones(len(idx), _I64), L.gid[idx])
    if part.brackets:
        r = np.zeros(len(idx), _I64) + part.brackets[0][1].ppm(d)
        for first, param in part.brackets[1:]:
            r = np.where(session >= first, param.ppm(d), r)
    else:
        r = rule.params["rate"].ppm(d)
    zero = np.zeros(len(idx), _I64)
    p, dd, rr = split_claim(zero, c, 0, r, _opt(rule.get("min"), d, 0), rule.form)
    cap = rule.get("visit_cap")
    capped = np.minimum(p, cap.on(d)) if cap is not None else p
    limit = rule.get("count")
    over = session > limit.on(d) if limit is not None else np.zeros(len(idx), dtype=bool)
    countcut = np.where(over, capped, 0)
    block = rule.get("improvement_block")
    if block is not None:
        b = block.on(d)
        acc.proof[idx] |= (b > 0) & (session > b) & ~over
    acc.session[idx] = session
    acc.ded[idx] += dd
    acc.rate[idx] += rr
    acc.cap[idx] += p - capped
    acc.count[idx] += countcut
    return capped - countcut


def _room_part(L: Lines, part: Part, idx: np.ndarray, c: np.ndarray, acc: _Acc) -> np.ndarray:
    """상급병실 차액 on lines ``idx``: min(⌊C × (1 − r)⌋, daily cap × 입원일수)."""
    days = L.days(idx)
    no_days = days <= 0
    if no_days.any():
        i = int(L.order[idx[int(np.argmax(no_days))]])
        raise _row_error(
            i,
            "days",
            int(days[int(np.argmax(no_days))]),
            f"입원일수 of at least 1 for {part.label} ({part.name}): its cap is "
            "10만원 × days (daily_cap × days)",
        )
    d = L.day[idx]
    p = (c * (PPM - part.room["rate"].ppm(d))) // PPM
    capped = np.minimum(p, part.room["daily_cap"].on(d) * days)
    acc.rate[idx] += c - p
    acc.cap[idx] += p - capped
    return capped


def _exclusion_masks(L: Lines, policy: Policy) -> dict[str, np.ndarray]:
    """Per amount column: True where the policy's exclusions (or policy start) remove it."""
    before = L.year < 0
    masks = {col: before.copy() for col in AMOUNT_COLUMNS}
    for ex in policy.exclusions:
        hit = np.ones(L.n, dtype=bool)
        if ex.categories is not None:
            codes = [L.cat_names.index(c) for c in ex.categories if c in L.cat_names]
            hit &= np.isin(L.cat, codes)
        if ex.settings is not None:
            hit &= np.isin(L.setting, [_SETTING_CODES.index(s) for s in ex.settings])
        if ex.start is not None:
            hit &= L.day >= np.datetime64(ex.start, "D")
        if ex.until is not None:
            hit &= L.day <= np.datetime64(ex.until, "D")
        if ex.waiting_years is not None:
            # before the k-th anniversary of the start = policy year index below k
            hit &= L.year < np.asarray(ex.waiting_years.on(L.day), dtype=_I64)
        for col in ex.amounts:
            masks[col] |= hit
    return masks


# --- public -------------------------------------------------------------------------------------


def assess(
    receipts: pd.DataFrame,
    policy: Policy | str | Path,
    policy_start: Any = None,
    ceiling: Any = None,
) -> pd.DataFrame:
    """Assess every receipt line under ``policy``; returns a copy with the columns added.

    ``policy``: a :class:`Policy` or a name/path for :func:`load_policy`. ``policy_start``:
    the contract date (policy years run from it; None = 1 January of the earliest receipt's
    year). ``ceiling``: None, per-line won amounts, or an object with
    ``line_offsets(receipts) -> int64 array`` (상한제 refund per line). See the module
    docstring for the arithmetic and :data:`DETAIL_COLUMNS` for the columns added.
    """
    pol = policy if isinstance(policy, Policy) else load_policy(policy)
    lines = read_lines(receipts, pol, policy_start)
    _check_nhis_paid(receipts, pol, lines)
    hook = _ceiling_offsets(ceiling, receipts)
    cols = _engine(lines, pol, hook if hook is None or lines.identity else hook[lines.order])
    cols["claim_input_order"] = lines.claim_input_order
    out = receipts.copy(deep=False)  # copy-on-write (pandas 3): the input is never changed
    for col, default in OPTIONAL_COLUMNS.items():
        if col not in out.columns:
            out[col] = default

    def input_order(arr: np.ndarray) -> np.ndarray:
        """A sorted-order column back in the input's row order (one scatter)."""
        if not arr.any():
            return np.zeros(lines.n, dtype=arr.dtype)
        if lines.identity:
            return arr
        back = np.empty_like(arr)
        back[lines.order] = arr
        return back

    new: dict[str, Any] = {}
    for name in DETAIL_COLUMNS:
        if name in ("claim", "eligible", "self_pay", "policy_year", "payout_covered"):
            continue  # computed below from the input order (saves reordering)
        new[name] = input_order(cols[name])
    claim = cols["claim_input_order"]
    new["claim"] = claim
    new["policy_year"] = _year_starts(lines.start, lines.year_input)
    new["eligible"] = claim - new["excluded"] - new["ceiling_offset"]
    new["self_pay"] = claim - new["payout"]
    new["payout_covered"] = new["payout"] - new["payout_noncovered"]
    new["zone"] = pd.Categorical.from_codes(new["zone"], categories=list(ZONE_CODES))
    added = pd.DataFrame({name: new[name] for name in DETAIL_COLUMNS}, index=out.index, copy=False)
    return pd.concat(
        [out.drop(columns=[c for c in DETAIL_COLUMNS if c in out.columns]), added], axis=1
    )


def _engine(L: Lines, policy: Policy, hook: np.ndarray | None) -> dict[str, np.ndarray]:
    """The vectorized assessment on sorted lines → detail columns (sorted order)."""
    n = L.n
    acc = _new_acc(n)
    masks = _exclusion_masks(L, policy)
    amounts = {"covered_copay": L.cc, "full_copay": L.fc, "noncovered": L.nc}
    # routing: which part pays each amount of each line (−1: no part, i.e. not insured)
    route = {}
    for col in AMOUNT_COLUMNS:
        table = np.array(
            [-1 if (r := policy.route(col, name)) is None else r for name in L.cat_names],
            dtype=np.int16,
        )
        r = table[L.cat]
        route[col] = np.where(masks[col], -1, r)
    excluded = np.zeros(n, _I64)
    for col in AMOUNT_COLUMNS:
        out = route[col] < 0
        if out.any():
            excluded += np.where(out, amounts[col], 0)
    offset = (
        np.minimum(L.over, L.cc) if hook is None else np.minimum(np.maximum(L.over, hook), L.cc)
    )
    offset = np.where(route["covered_copay"] >= 0, offset, 0)
    cc_elig = L.cc - offset

    payout = np.zeros(n, _I64)
    pay_non = np.zeros(n, _I64)  # the part of the payout paid on ④ 비급여
    for k, part in enumerate(policy.parts):
        if part.kind != "visit":
            # treatment and room parts pay only 비급여 (validated by the loader's kinds)
            if "noncovered" not in part.amounts:
                continue
            idx = np.flatnonzero((route["noncovered"] == k) & (L.nc > 0))
            if not len(idx):
                continue
            if part.kind == "treatment":
                p = _treatment_part(L, part, idx, L.nc[idx], acc)
            else:
                p = _room_part(L, part, idx, L.nc[idx], acc)
            if part.annual_limit is not None:
                kept = _running_cap(p, L.gid[idx], part.annual_limit.on(L.day[idx]))
                if kept is not p:
                    acc.annual[idx] += p - kept
                    p = kept
            payout[idx] += p
            pay_non[idx] += p
            continue
        a_cov = None  # what the part takes of ① + ③ and of ④ on each line (None: nothing)
        if "covered_copay" in part.amounts:
            a_cov = np.where(route["covered_copay"] == k, cc_elig, 0)
        if "full_copay" in part.amounts and L.fc.any():
            fc = np.where(route["full_copay"] == k, L.fc, 0)
            a_cov = fc if a_cov is None else a_cov + fc
        a_non = None
        if "noncovered" in part.amounts:
            a_non = np.where(route["noncovered"] == k, L.nc, 0)
        p = _visit_part(L, part, a_cov, a_non, policy.combine_same_day, acc)
        if part.annual_limit is not None:
            if part.limit_settings is None:
                kept = _running_cap(p, L.gid, part.annual_limit.on(L.day))
            else:  # only these settings' payouts count toward (and are cut by) the limit
                counted = np.isin(L.setting, [_SETTING_CODES.index(x) for x in part.limit_settings])
                kept = p.copy()
                kept[counted] = _running_cap(
                    p[counted], L.gid[counted], part.annual_limit.on(L.day[counted])
                )
            if not np.array_equal(kept, p):
                acc.annual += p - kept
                p = kept
        payout += p
        if a_non is not None:
            pay_non += p if a_cov is None else _pooled_noncovered(p, a_cov, a_non)

    return {
        "excluded": excluded,
        "ceiling_offset": offset,
        "deductible": acc.ded,
        "rate_part": acc.rate,
        "selfpay_cap_refund": acc.refund,
        "visit_cap_cut": acc.cap,
        "count_cut": acc.count,
        "annual_cut": acc.annual,
        "payout": payout,
        "payout_noncovered": pay_non,
        "zone": _zones(excluded, offset, acc),
        "session_no": acc.session,
        "needs_improvement_proof": acc.proof,
    }


def _pooled_noncovered(p: np.ndarray, cov: np.ndarray, non: np.ndarray) -> np.ndarray:
    """비급여 share of payouts ``p`` of a part pooling 급여 ``cov`` and 비급여 ``non``:
    ⌊(2 p N + W − 1) ÷ 2W⌋ with W = C + N (p × N ÷ W rounded, a half to 급여; 0 when W = 0).

    Exact in int64: p ≤ W ≤ 3 × MAX_LINE_WON and N ≤ MAX_LINE_WON, so 2 p N < 2⁶³.
    """
    w = cov + non
    safe = np.maximum(w, 1)
    return np.where(w > 0, (2 * p * non + safe - 1) // (2 * safe), 0)


def _zones(excluded: np.ndarray, offset: np.ndarray, acc: _Acc) -> np.ndarray:
    """Zone code of each line (index into ZONES): the limit that cut it (count, then annual,
    then visit cap); else the largest of excluded, deductible, rate and ceiling offset (ties
    in that order); ``rate`` when nothing is cut. Written lowest priority first."""
    code = {name: np.int8(i) for i, name in enumerate(ZONE_CODES)}
    top = np.maximum(np.maximum(excluded, acc.ded), np.maximum(acc.rate, offset))
    zone = np.full(len(top), code["ceiling_offset"], dtype=np.int8)
    zone[acc.rate == top] = code["rate"]
    zone[acc.ded == top] = code["deductible"]
    if excluded.any():
        zone[excluded == top] = code["excluded"]
    zone[top == 0] = code["rate"]
    for name, cut in (
        ("visit_cap", acc.cap),
        ("annual_limit", acc.annual),
        ("count_limit", acc.count),
    ):
        if cut.any():
            zone[cut > 0] = code[name]
    return zone


def proportional_share(payouts: np.ndarray, loss: np.ndarray) -> np.ndarray:
    """비례보상: scale each insurer's payout so their sum never exceeds the loss.

    ``payouts``: shape (k insurers, n lines), what each would pay alone. Where their sum S
    exceeds the loss, insurer i pays ``loss × payout_i / S``, in whole won by largest
    remainders (the shares add up to the loss exactly; ties go to the first insurer);
    otherwise each pays its own amount.
    """
    pay = np.asarray(payouts, dtype=_I64)
    loss = np.asarray(loss, dtype=_I64)
    if pay.ndim != 2 or loss.ndim != 1 or pay.shape[1] != loss.shape[0]:
        raise ValueError(f"payouts must be (insurers, lines) matching loss; got {pay.shape}")
    if (pay < 0).any() or (loss < 0).any():
        raise ValueError("payouts and loss must not be negative")
    k, n = pay.shape
    total = np.minimum(pay.sum(axis=0), loss)
    flat = largest_remainder(total, pay.T.ravel(), np.repeat(np.arange(n), k))
    return flat.reshape(n, k).T


def assess_many(
    receipts: pd.DataFrame,
    policies: Iterable[Policy | str | Path],
    policy_start: Any = None,
    ceiling: Any = None,
) -> pd.DataFrame:
    """Duplicate policies (중복가입, 비례보상): each pays its proportional share of the loss.

    Each policy assesses the lines alone (``standalone_<name>``); where the sum exceeds the
    loss (``claim − ceiling_offset``, what the patient bore), each pays
    :func:`proportional_share`. Adds ``payout_<name>`` per policy, the total ``payout`` and
    ``self_pay = claim − payout``. ``policy_start`` may be one date or one per policy.
    """
    pols = [p if isinstance(p, Policy) else load_policy(p) for p in policies]
    if not pols:
        raise ValueError("policies: give at least one policy")
    starts = (
        list(policy_start) if isinstance(policy_start, list | tuple) else [policy_start] * len(pols)
    )
    if len(starts) != len(pols):
        raise ValueError(f"policy_start: expected {len(pols)} dates, got {len(starts)}")
    names: list[str] = []
    for p in pols:
        name = p.name
        k = 2
        while name in names:
            name = f"{p.name}_{k}"
            k += 1
        names.append(name)
    frames = [assess(receipts, p, s, ceiling) for p, s in zip(pols, starts, strict=True)]
    claim = frames[0]["claim"].to_numpy()
    loss = claim - np.max([f["ceiling_offset"].to_numpy() for f in frames], axis=0)
    alone = np.stack([f["payout"].to_numpy() for f in frames])
    shared = proportional_share(alone, loss)
    out = frames[0][[*receipts.columns, "claim"]].copy()
    out["loss"] = loss
    for name, a, s in zip(names, alone, shared, strict=True):
        out[f"standalone_{name}"] = a
        out[f"payout_{name}"] = s
    out["payout"] = shared.sum(axis=0)
    out["self_pay"] = claim - out["payout"].to_numpy()
    return out
