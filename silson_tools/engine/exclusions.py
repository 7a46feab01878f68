"""Steps 1 and 2: what no part pays (보장 제외) and what NHIS refunds (상한제 환급분).

Step 1, **exclusions**: each receipt amount (① covered_copay, ③ full_copay, ④ noncovered)
of a line is routed to the policy part that pays it (``Policy.route`` by category), or to no
part: care before ``policy_start``, an amount no part takes, and the policy's
``[[exclusions]]`` (categories, settings, dates, waiting periods) → ``excluded``.

**임신·출산 and the 분만예정일** (5세대 급여, ``data/pregnancy.toml``): the exclusion that file
names is lifted on a line where ``계약일 + 280일 ≤ 출산예정일`` (the ``due_date`` column). A line
without a due date is decided only where its dates settle it whatever the due date: a birth
(O60–O84) or 산후기 line (O85–O92) whose birth day B (the date; an 입원 line's date +
입원일수) is less than 140 days (만 20주) after the contract had a due date ≤ B − 140 + 280 <
계약일 + 280 → not covered (``excluded_by`` says which way each line was decided). Any other
such line with ① is refused, naming its row and asking for the 출산예정일; so is a birth line's
출산예정일 later than B + 140 days, which no pregnancy allows.

Step 2, **ceiling offset**: ⑤ ``over_ceiling`` is paid by NHIS, so it is not eligible; a
``ceiling=`` hook may give the per-line refund NHIS pays or will pay. The larger of the two,
at most ①, is left out of the covered co-pay → ``ceiling_offset`` (0 where ① is excluded).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..catalog import Exclusion, Policy
from ..errors import ReceiptError
from ..params import DATA_DIR, check_keys, read_facts, read_table, table_context
from ..schema import AMOUNT_COLUMNS
from .lines import I64, IN, SETTING_CODES, SortedLines, zeros_view

__all__ = [
    "BEFORE_START",
    "DUE_DATE_ASKED",
    "DUE_DATE_CHECKED",
    "NOT_PAID",
    "ceiling_offset",
    "clause_labels",
    "excluded_amount",
    "exclusion_masks",
    "pregnancy_rule",
    "routes",
]


BEFORE_START = "계약일 전 진료 (care before the contract date)"
NOT_PAID = "이 상품이 보장하지 않는 금액 (no part of this product pays this amount)"
DUE_DATE_ASKED = "분만예정일 (due date)"
DUE_DATE_CHECKED = "분만예정일 확인 (due date to check)"
"""How the refusal of a 임신·출산 line the dates do not settle begins (its ``expected``)."""


def exclusion_masks(lines: SortedLines, policy: Policy) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Per amount column: True where the policy's exclusions (or the policy start) remove it;
    and per line the clause that removed something (−2: before the contract date, −1: none,
    i ≥ 0: ``policy.exclusions[i]``; the first that applies, in file order; n and n + 1, n =
    ``len(policy.exclusions)``: the 분만예정일 clause, decided by the 출산예정일 or by the birth
    date — see :meth:`PregnancyRule.labels`)."""
    before = lines.year < 0
    rule = pregnancy_rule()
    masks = {col: before.copy() for col in AMOUNT_COLUMNS}
    clause = np.where(before, -2, -1).astype(np.int16)
    amounts = {"covered_copay": lines.cc, "full_copay": lines.fc, "noncovered": lines.nc}
    present: np.ndarray | None = None  # categories some line has (counted once, if asked)
    for i, ex in enumerate(policy.exclusions):
        if ex.categories is not None and ex.diagnoses is None and ex.describes_care():
            if present is None:
                present = np.bincount(lines.cat, minlength=len(lines.cat_names)) > 0
            if not any(present[lines.cat_names.index(c)] for c in ex.categories
                       if c in lines.cat_names):  # fmt: skip
                continue  # no line is care of these categories: the clause removes nothing
        hit = _care(lines, ex)
        if ex.severe is not None:
            hit &= lines.severe == ex.severe
        if ex.settings is not None:
            hit &= np.isin(lines.setting, [SETTING_CODES.index(s) for s in ex.settings])
        if ex.start is not None:
            hit &= lines.day >= np.datetime64(ex.start, "D")
        if ex.until is not None:
            hit &= lines.day <= np.datetime64(ex.until, "D")
        if ex.waiting_years is not None:
            # before the k-th anniversary of the start = policy year index below k
            hit &= lines.year < np.asarray(ex.waiting_years.on(lines.day), dtype=I64)
        if not hit.any():  # the clause removes nothing from these lines
            continue
        code: int | np.ndarray = i
        if ex.label == rule.exclusion:  # lifted where the 분만예정일 condition holds
            n_ex = len(policy.exclusions)
            hit, code = _due_date_condition(lines, hit & ~before, masks, rule, n_ex)
        removes = np.zeros(lines.n, dtype=bool)
        for col in ex.amounts:
            removes |= hit & ~masks[col] & (amounts[col] > 0)
            masks[col] |= hit
        first = removes & (clause == -1)
        clause[first] = code if isinstance(code, int) else code[first]
    return masks, clause


@dataclass(frozen=True)
class PregnancyRule:
    """``data/pregnancy.toml``: the 분만예정일 condition (5세대 급여 제4조②3) and the dates that
    bound a pregnancy."""

    exclusion: str
    """The label of the ``[[exclusions]]`` entry the condition lifts."""
    days_before_due: int
    """280: covered ⇔ 계약일 + 280일 ≤ 분만예정일."""
    birth_codes: tuple[tuple[str, str], ...]
    """KCD ranges of a birth (분만, O60–O84)."""
    after_birth_codes: tuple[tuple[str, str], ...]
    """KCD ranges of care after a birth (산후기, O85–O92)."""
    min_birth_days: int
    """140 (만 20주): a birth is at least this many days after 분만예정일 − 280일."""

    def labels(self, label: str) -> tuple[str, str]:
        """``excluded_by`` of a line decided by its 출산예정일, and by its birth date."""
        n, m = self.days_before_due, self.min_birth_days
        return (
            f"{label} — 출산예정일로 판단: 계약일 + {n}일 > 출산예정일",
            f"{label} — 출산예정일 없이 날짜로 판단: 분만일이 계약일 + {m}일 전 (분만은 임신 만 "
            f"{m // 7}주 이후) → 분만예정일 ≤ 분만일 − {m}일 + {n}일 < 계약일 + {n}일",
        )


_KCD_RANGE = re.compile(r"([A-Z]\d{2})(?:-([A-Z]\d{2}))?")


@functools.cache
def pregnancy_rule(path: str | Path | None = None) -> PregnancyRule:
    """The rule of ``data/pregnancy.toml`` (or ``path``), checked (a :class:`RuleDataError`
    names the file and key)."""
    file = DATA_DIR / "pregnancy.toml" if path is None else Path(path)
    shown = f"data/{file.name}" if path is None else str(file)
    raw = read_table(file, shown)
    check_keys(shown, "", raw, {"condition", "gestation", "sources"})
    ctx = table_context(shown, raw)
    cond = read_facts(ctx, "condition", raw.get("condition"),
                      {"exclusion": "text", "days_before_due": "days"},
                      ("exclusion", "days_before_due"))  # fmt: skip
    units = {"birth_codes": "text", "after_birth_codes": "text", "min_birth_days": "days"}
    gest = read_facts(ctx, "gestation", raw.get("gestation"), units, tuple(units))

    def ranges(key: str) -> tuple[tuple[str, str], ...]:
        out = []
        for item in str(gest[key].value).replace(" ", "").split(","):
            match = _KCD_RANGE.fullmatch(item)
            if match is None:
                expected = f"expected KCD ranges like 'O60-O84', got {item!r}"
                raise ctx.error(f"gestation.{key}.value", expected)
            out.append((match[1], match[2] or match[1]))
        return tuple(out)

    return PregnancyRule(
        exclusion=str(cond["exclusion"].value),
        days_before_due=int(cond["days_before_due"].value),
        birth_codes=ranges("birth_codes"),
        after_birth_codes=ranges("after_birth_codes"),
        min_birth_days=int(gest["min_birth_days"].value),
    )


def _due_date_condition(
    lines: SortedLines,
    hit: np.ndarray,
    masks: dict[str, np.ndarray],
    rule: PregnancyRule,
    n_clauses: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The lines ``hit`` (임신·출산 care on or after the contract date) where the 분만예정일
    condition fails, and the clause code of each: ``n_clauses`` (decided by 출산예정일) or
    ``n_clauses + 1`` (by the birth date). A line neither settles, with ① not already left
    out, is a :class:`ReceiptError` naming its rows; so is a birth line whose 출산예정일 is
    later than its birth day B + (280 − 140) days, which no pregnancy allows (a typo would
    pass the condition)."""
    idx = np.flatnonzero(hit)
    due = _due_dates(lines)[idx]
    given = ~np.isnat(due)
    late = lines.start + np.timedelta64(rule.days_before_due, "D")
    fails_due = given & (due < late)  # 계약일 + 280일 > 분만예정일
    birth = _diagnosis_in(lines, rule.birth_codes + rule.after_birth_codes)[idx]
    inpatient = lines.setting[idx] == IN
    days = lines.days(idx)
    known = birth & (~inpatient | (days > 0))  # the birth falls by day B
    last = lines.day[idx] + np.where(inpatient, days, 0).astype("timedelta64[D]")
    too_soon = ~given & known & (last - lines.start < np.timedelta64(rule.min_birth_days, "D"))
    slack = np.timedelta64(rule.days_before_due - rule.min_birth_days, "D")
    impossible = given & known & (due > last + slack)  # 분만예정일 ≤ B − 140일 + 280일
    # any 임신·출산 care falls after the pregnancy's dating start (분만예정일 − 280일)
    impossible |= given & (due > lines.day[idx] + np.timedelta64(rule.days_before_due, "D"))
    if impossible.any():
        raise _impossible_due_date(lines, idx[impossible], rule)
    open_ = ~given & ~too_soon & ~masks["covered_copay"][idx] & (lines.cc[idx] > 0)
    if open_.any():
        raise _ask_due_date(lines, idx[open_], rule)
    out = np.zeros(lines.n, dtype=bool)
    out[idx] = fails_due | too_soon
    code = np.full(lines.n, n_clauses, dtype=np.int16)
    code[idx[too_soon]] = n_clauses + 1
    return out, code


def _impossible_due_date(lines: SortedLines, idx: np.ndarray, rule: PregnancyRule) -> ReceiptError:
    """The refusal of 임신·출산 lines whose 출산예정일 no pregnancy allows: after the line's day
    + 280 days, or for a birth line after B + (280 − 140) days."""
    n, m = rule.days_before_due, rule.min_birth_days
    expected = (
        f"{DUE_DATE_CHECKED}: 진료일 + {n}일 이전, 분만·산후기 줄은 분만일 + {n - m}일 이전의 날짜 "
        f"(임신 중 진료는 분만예정일 − {n}일 뒤이고, 분만은 임신 만 {m // 7}주 이후라서 "
        f"그보다 늦은 분만예정일은 없습니다 — 날짜를 확인해 주세요; a due date more than {n} "
        f"days after the care, or {n - m} days after a birth (입원: date + 입원일수), is a typo)"
    )
    rows = np.sort(lines.order[idx])
    if lines.receipts is None:
        return ReceiptError.one("receipts", expected, row=int(rows[0]), column="due_date")
    return lines.receipts.error(rows, "due_date", expected)


def _due_dates(lines: SortedLines) -> np.ndarray:
    """출산예정일 per sorted line as datetime64[D] (NaT where not given)."""
    rec = lines.receipts
    if rec is None or "due_date" not in lines.given:
        return np.full(lines.n, np.datetime64("NaT", "D"), dtype="datetime64[D]")
    codes, uniques = pd.factorize(np.asarray(rec.values("due_date"), dtype=object))
    table = np.array([u if u else "NaT" for u in uniques] + ["NaT"], dtype="datetime64[D]")
    days = table[codes]  # code −1 (missing): the last, NaT
    return days if lines.identity else days[lines.order]


def _ask_due_date(lines: SortedLines, idx: np.ndarray, rule: PregnancyRule) -> ReceiptError:
    """The refusal of 임신·출산 lines the dates do not settle: their rows, asking for the
    출산예정일."""
    start = str(lines.start.astype("datetime64[D]"))
    given = "due_date" in lines.given
    where = (
        "이 줄의 출산예정일 칸에 분만예정일"
        if given
        else "출산예정일 열을 더하고 이 줄에 분만예정일"
    )
    n = rule.days_before_due
    expected = (
        f"{DUE_DATE_ASKED}: 5세대 급여는 임신·출산의 ① 본인부담금을 계약일 ({start}) + {n}일 "
        f"≤ 분만예정일일 때만 보상합니다 (covered only where the contract began at least {n} days "
        f"before the due date). 이 줄은 날짜만으로 정할 수 없습니다 — {where} (임신출산진료비 "
        "지급신청서·산모수첩의 날짜) 을 적어 주세요 (write this line's due date)"
    )
    rows = np.sort(lines.order[idx])
    rec = lines.receipts
    if rec is None:
        return ReceiptError.one("receipts", expected, row=int(rows[0]), column="due_date")
    return rec.error(rows, "due_date", expected, None if given else [None] * len(rows))


def _care(lines: SortedLines, ex: Exclusion) -> np.ndarray:
    """Lines that are the care ``ex`` names: its categories, or a diagnosis in its ranges."""
    if not ex.describes_care():
        return np.ones(lines.n, dtype=bool)
    hit = np.zeros(lines.n, dtype=bool)
    if ex.categories is not None:
        codes = [lines.cat_names.index(c) for c in ex.categories if c in lines.cat_names]
        hit |= np.isin(lines.cat, codes)
    if ex.diagnoses is not None:
        hit |= _diagnosis_in(lines, ex.diagnoses)
    return hit


def _diagnosis_in(lines: SortedLines, ranges: tuple[tuple[str, str], ...]) -> np.ndarray:
    """True on lines whose 상병코드 category (``F32`` of ``F32.9``) is in one of ``ranges``;
    False where the receipts give no code."""
    rec = lines.receipts
    if rec is None or "diagnosis" not in lines.given:
        return np.zeros(lines.n, dtype=bool)
    codes, uniques = pd.factorize(np.asarray(rec.values("diagnosis"), dtype=object))
    inside = [any(lo <= str(u)[:3] <= hi for lo, hi in ranges) for u in uniques]
    hit = np.append(np.array(inside, dtype=bool), False)[codes]  # code −1 (missing): False
    return hit if lines.identity else hit[lines.order]


def routes(lines: SortedLines, policy: Policy) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Per amount column: the index of the part that pays it on each line (−1: none); and
    each line's exclusion clause (see :func:`exclusion_masks`). 산정특례 (severe) lines
    take the parts for them where the policy has such parts (5세대 특약1)."""
    masks, clause = exclusion_masks(lines, policy)
    route = {}
    made: dict[bytes, np.ndarray] = {}  # part per line by route table (columns often share one)
    for col in AMOUNT_COLUMNS:
        table = _route_table(policy, col, lines.cat_names, False)
        key = table.tobytes()
        if key not in made:
            made[key] = np.take(table, lines.cat)
        part = made[key]
        if policy.splits_severe and lines.severe.any():
            part = np.where(
                lines.severe, _route_table(policy, col, lines.cat_names, True)[lines.cat], part
            )
        route[col] = np.where(masks[col], -1, part) if masks[col].any() else part
    return route, clause


def _route_table(policy: Policy, col: str, names: tuple[str, ...], severe: bool) -> np.ndarray:
    """Part index per category code (−1: no part pays ``col`` for it)."""
    return np.array(
        [-1 if (r := policy.route(col, name, severe)) is None else r for name in names],
        dtype=np.int16,
    )


def clause_labels(
    policy: Policy, clause: np.ndarray, excluded: np.ndarray
) -> tuple[np.ndarray, tuple[str, ...]]:
    """``excluded_by`` as (code per line, labels): the exclusion clause's label, the contract
    date, or :data:`NOT_PAID` where an amount is left out by no clause (code 0 = "")."""
    labels = ("", BEFORE_START, NOT_PAID, *(ex.label for ex in policy.exclusions))
    if int(clause.max(initial=-1)) >= len(policy.exclusions):  # decided by the 분만예정일 rule
        labels += pregnancy_rule().labels(pregnancy_rule().exclusion)
    if int(clause.min(initial=-1)) == int(clause.max(initial=-1)) == -1:  # no clause applied
        return np.where(excluded > 0, np.int16(2), np.int16(0)), labels
    code = np.where(clause >= 0, clause + 3, np.where(clause == -2, 1, 0)).astype(np.int16)
    code[(excluded > 0) & (code == 0)] = 2
    code[excluded == 0] = 0
    return code, labels


def excluded_amount(lines: SortedLines, route: dict[str, np.ndarray]) -> np.ndarray:
    """보장 제외: the sum of each line's amounts that no part pays."""
    amounts = {"covered_copay": lines.cc, "full_copay": lines.fc, "noncovered": lines.nc}
    excluded = None
    for col in AMOUNT_COLUMNS:
        out = route[col] < 0
        if out.any():
            if excluded is None:
                excluded = np.zeros(lines.n, I64)
            excluded += np.where(out, amounts[col], 0)
    return zeros_view(lines.n) if excluded is None else excluded  # none: no array to read


def ceiling_offset(
    lines: SortedLines, route: dict[str, np.ndarray], hook: np.ndarray | None
) -> np.ndarray:
    """상한제 환급분: ``min(max(⑤ over_ceiling, hook), ①)`` where ① is paid by a part, else 0."""
    if hook is None:
        if not lines.over.any():
            return zeros_view(lines.n)  # a read-only 0 for every line: no memory
        offset = np.minimum(lines.over, lines.cc)
    else:
        offset = np.minimum(np.maximum(lines.over, hook), lines.cc)
    return np.where(route["covered_copay"] >= 0, offset, 0)
