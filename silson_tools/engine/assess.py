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
   are grouped by the outpatient rule's ``visit_unit``: ``institution`` (4세대; 5세대 급여)
   — one 통원 per institution (``institution``; a day's unnamed lines are one more),
   a 약국 line joining the 외래 visit it names, else the day's highest-tier 외래 visit, and
   lines sharing a ``visit`` key (같은 치료 목적) one 통원 — or ``day`` (5세대 특약2, 「1일당」):
   all of a day. A visit takes the highest minimum among its lines' tiers (a 약국 line's tier
   may name its prescriber's tier). See :func:`.visits.institution_visits`. 3대 비급여 are
   per treatment: a line, or with the part's ``unit = "visit"`` (비급여 주사) the lines of
   one 통원 or one admission;
   a part's session brackets (``rate_brackets``) pick the rate by the session number in the
   policy year.
4. **Yearly inpatient self-pay cap** (연간 자기부담 200만원): retained self-pay above the
   cap in a policy year is paid back (``selfpay_cap_refund``, netted out of the parts).
5. **Per-visit caps**: 통원 회당 한도; 입원 1건당 한도 and 상급병실 ``min(50% × Σ차액,
   10만원 × Σdays)`` per admission (:mod:`.admissions`: a person's inpatient lines at one
   institution whose stays touch, or sharing a 방문묶음, are one admission; the cut shared
   back by largest remainders) → ``visit_cap_cut``.
6. **Yearly counts** (180 visits; 100 비급여 visits; 50 sessions): visits beyond the count
   pay nothing → ``count_cut``. Which use up a count is the product's ``[policy]
   count_basis``: ``paid`` (shipped products, C: insurers count 보상 횟수) — a visit or
   treatment that would pay something after steps 3–5, before this cut (one wholly under the
   deductible neither pays nor counts; one cut by the count itself does count); ``eligible``
   — every one with an eligible amount. ``session_no`` and session brackets number all
   treatments with an eligible amount.
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

**Clock.** A product's dated values are read on the contract date (계약일 = ``policy_start``):
a contract keeps the terms it was signed under (:meth:`Policy.for_contract`); exclusion
windows and the NHI tables run on the date of care.

Policy years run from ``policy_start`` (계약일 and each 계약해당일; a 29 February start has
its anniversary on 28 February, 2월 말일, in other years: the terms' 계약해당일). **Default when
``policy_start`` is None**: the contract is taken to start on 1 January of the year of the
earliest receipt, so policy years are calendar years and waiting periods count from that
day.

Where a combined visit's amounts are split back onto its lines, each step's amount is
shared in proportion to what is left on each line, by largest remainders (exact integers;
ties go to the earlier line).

The zone of a line: the limit that cut it (``count_limit``, then ``annual_limit``, then
``visit_cap``); otherwise the largest of ``excluded``, ``deductible``, ``rate`` and
``ceiling_offset`` (ties in that order); a line with nothing cut is ``rate``.

**Where each step lives.** :mod:`.inputs` (reading the receipts), :mod:`.lines` (sorted
columns, person–policy-year groups), :mod:`.exclusions` (steps 1–2), :mod:`.deductibles`
(step 3), :mod:`.visits` (steps 3–6 of visit parts), :mod:`.treatments` (3대 비급여 and
상급병실), :mod:`.admissions` (one admission, one injection act), :mod:`.limits` (steps 4,
6, 7), :mod:`.shares` (sharing back, the 급여/비급여 split), :mod:`.zones`, :mod:`.output`
(the returned frame), :mod:`.many` (비례보상).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..catalog import Part, Policy, load_policy
from ..dates import DateLike
from .ceiling_hook import Ceiling, ceiling_offsets
from .exclusions import ceiling_offset, clause_labels, excluded_amount, routes
from .inputs import read_lines
from .limits import annual_limit
from .lines import LineDetail, SortedLines, nonzero_at, zero_rows
from .output import SortedResult, detail_columns, detail_frame
from .shares import pooled_noncovered
from .treatments import room_part, treatment_part
from .visits import visit_part
from .zones import zone_codes

__all__ = ["assess", "assess_detail", "assess_lines", "noncovered_lines"]


def assess(
    receipts: pd.DataFrame,
    policy: Policy | str | Path,
    policy_start: DateLike | None = None,
    ceiling: Ceiling = None,
    estimate_nhis: bool = False,
) -> pd.DataFrame:
    """Assess every receipt line under ``policy``; returns a copy with the columns added.

    ``policy``: a :class:`Policy` or a name/path for :func:`load_policy`. ``policy_start``:
    the contract date (:func:`silson_tools.dates.as_day`; policy years run from it; None =
    1 January of the earliest receipt's year). ``ceiling``: None, per-line won amounts, or a
    :class:`~.ceiling_hook.CeilingHook` such as ``ceiling.CeilingSpec`` (상한제 refund per
    line). ``estimate_nhis``: where 5세대 needs ② 공단부담금 and a line has none, estimate it
    from the NHI co-pay rate instead of refusing (column ``nhis_paid_estimate``, an estimate;
    see :func:`~.inputs.check_nhis_paid`). See the module docstring for the arithmetic and
    :data:`~.output.DETAIL_COLUMNS` for the columns added.
    """
    receipts = _as_frame(receipts)
    lines, result = _assessed(receipts, policy, policy_start, ceiling, estimate_nhis)
    return detail_frame(receipts, lines, result, consume=True)


def assess_detail(
    receipts: pd.DataFrame,
    policy: Policy | str | Path,
    policy_start: DateLike | None = None,
    ceiling: Ceiling = None,
    estimate_nhis: bool = False,
) -> pd.DataFrame:
    """:func:`assess` without the receipts' own columns: only the columns it adds
    (:data:`~.output.DETAIL_COLUMNS`, and ``nhis_paid_estimate`` when asked), on the
    receipts' index, equal to those of ``assess``. For a caller that keeps the receipts
    (``scale/`` calls it once per group of lines: no copy of them is joined each time)."""
    receipts = _as_frame(receipts)
    lines, result = _assessed(receipts, policy, policy_start, ceiling, estimate_nhis)
    return detail_columns(lines, result, receipts.index, consume=True)


def _as_frame(receipts: object) -> object:
    """A mapping of columns or a list of records as the DataFrame ``as_receipt_lines``
    validates for it (``pd.DataFrame(obj)``), so the output has the same rows; anything else
    as given (:func:`~.inputs.read_lines` refuses what is not receipt lines)."""
    if isinstance(receipts, Mapping) or (
        isinstance(receipts, Sequence) and not isinstance(receipts, str | bytes)
    ):
        return pd.DataFrame(receipts)
    return receipts


def _assessed(
    receipts: pd.DataFrame,
    policy: Policy | str | Path,
    policy_start: DateLike | None,
    ceiling: Ceiling,
    estimate_nhis: bool,
) -> tuple[SortedLines, SortedResult]:
    """Read, sort and assess (steps 1–7) → the sorted lines and what was decided."""
    pol = policy if isinstance(policy, Policy) else load_policy(policy)
    lines = read_lines(receipts, pol, policy_start, estimate_nhis)
    pol = pol.for_contract(lines.start)  # the terms of the contract date (see catalog.py)
    hook = ceiling_offsets(ceiling, lines.receipts)  # the hook sees the validated lines
    if hook is not None and not lines.identity:
        hook = hook[lines.order]
    return lines, assess_lines(lines, pol, hook)


def assess_lines(lines: SortedLines, policy: Policy, hook: np.ndarray | None) -> SortedResult:
    """Steps 1–7 on sorted lines (``hook``: the 상한제 refund per sorted line, or None)."""
    route, clause = routes(lines, policy)  # 1. which part pays each amount (−1: excluded)
    excluded = excluded_amount(lines, route)
    offset = ceiling_offset(lines, route, hook)  # 2. 상한제 환급분
    cc_eligible = lines.cc - offset if offset.any() else lines.cc  # read, never written
    rows = zero_rows(11, lines.n)  # one block: fewer fresh-page faults (see zero_rows)
    detail = LineDetail.zeros(lines.n, rows[:7])
    payout, pay_non = rows[7:9]  # pay_non: the part of the payout paid on ④ 비급여
    spare = [rows[9]]  # a visit part's payout array, free for the next one
    scratch = rows[10]  # a visit part's ① + ③ while it runs (parts run one at a time)
    kinds = [part.kind for part in policy.parts]
    treated = noncovered_lines(lines.nc, route["noncovered"], kinds)
    for k, part in enumerate(policy.parts):  # 3–7, part by part
        if part.kind == "visit":
            _pay_visit_part(
                lines, policy, k, part, route, cc_eligible, detail, payout, pay_non, spare, scratch
            )
        else:
            _pay_noncovered_part(lines, policy, k, part, treated.get(k), detail, payout, pay_non)
    zone = zone_codes(excluded, offset, detail)
    clauses = clause_labels(policy, clause, excluded)
    return SortedResult(excluded, offset, detail, payout, pay_non, zone, clauses)


def _pay_visit_part(
    lines: SortedLines,
    policy: Policy,
    k: int,
    part: Part,
    route: dict[str, np.ndarray],
    cc_eligible: np.ndarray,
    detail: LineDetail,
    payout: np.ndarray,
    pay_non: np.ndarray,
    spare: list[np.ndarray],
    scratch: np.ndarray | None = None,
) -> None:
    """A visit part (주계약, 특약): the amounts it takes (① less the ceiling offset, ③, ④) →
    steps 3–6 → yearly limit (7) → added to ``payout`` and, for its 비급여 side, to
    ``pay_non``. ``spare``: arrays of one int64 per line no one reads any more; the part
    takes one for its payout and leaves it for the next part. ``scratch``: an int64 array
    of one per line the part may write its ① + ③ into (no one else reads it meanwhile)."""
    a_cov = None  # what the part takes of ① + ③ and of ④ on each line (None: nothing)
    if "covered_copay" in part.amounts:
        a_cov = _taken(route["covered_copay"], k, cc_eligible)
    if "full_copay" in part.amounts and lines.fc.any():
        fc = _taken(route["full_copay"], k, lines.fc)
        a_cov = fc if a_cov is None else np.add(a_cov, fc, out=scratch)
    a_non = None
    if "noncovered" in part.amounts:
        a_non = _taken(route["noncovered"], k, lines.nc)
    paid = policy.count_basis[0] == "paid"
    buf = spare.pop() if spare else None
    before_limit = visit_part(lines, part, a_cov, a_non, policy.combine_same_day, detail, paid, buf)
    p = annual_limit(lines, part, before_limit, detail)
    payout += p
    if a_non is not None:
        pay_non += p if a_cov is None else pooled_noncovered(p, a_cov, a_non)
    spare.append(before_limit)  # read by no one now


def _taken(route: np.ndarray, k: int, amount: np.ndarray) -> np.ndarray:
    """``amount`` where part ``k`` pays it, else 0 (``amount`` itself when it pays every
    line's; the caller does not write into it)."""
    on = route == k
    return amount if on.all() else np.where(on, amount, 0)


def noncovered_lines(nc: np.ndarray, route: np.ndarray, kinds: list[str]) -> dict[int, np.ndarray]:
    """Sorted lines with ④ > 0 whose ④ goes to each treatment or room part ``k`` (``route``:
    the part per line; ``kinds``: each part's kind): ``flatnonzero((route == k) & (nc >
    0))``, found for all such parts from the lines with ④ > 0 alone (one pass over every
    line, then their routes)."""
    ks = [k for k, kind in enumerate(kinds) if kind != "visit"]
    if not ks:
        return {}
    lines = nonzero_at(nc > 0)
    part = route[lines]
    return {k: np.compress(part == k, lines) for k in ks}  # faster than a bool-mask index


def _pay_noncovered_part(
    lines: SortedLines,
    policy: Policy,
    k: int,
    part: Part,
    idx: np.ndarray | None,
    detail: LineDetail,
    payout: np.ndarray,
    pay_non: np.ndarray,
) -> None:
    """A treatment (3대 비급여) or room (상급병실) part: it pays only ④ 비급여 (the loader
    checks the kinds) on the sorted lines ``idx`` (those with ④ > 0 routed to it: see
    :func:`noncovered_lines`) → steps 3–6 on its lines → yearly sub-limit (7) →
    ``payout``."""
    if "noncovered" not in part.amounts or idx is None or not len(idx):
        return
    if part.kind == "treatment":
        paid = policy.count_basis[0] == "paid"
        p = treatment_part(lines, part, idx, lines.nc[idx], detail, paid)
    else:
        p = room_part(lines, part, idx, lines.nc[idx], detail)
    p = annual_limit(lines, part, p, detail, idx)
    payout[idx] += p
    pay_non[idx] += p
