"""Assess lines of whole persons, each under their own policy (or policies) and contract date.

A claims table may carry, per person, the columns ``policy`` (a product name or rule file,
e.g. ``gen4``; several policies of one person joined by ``+``: ``gen3+gen4``) and
``policy_start`` (계약일, ``YYYY-MM-DD``; several joined by ``+`` in the same order). A blank
cell takes the run's ``--policy`` / ``--start``; with no start anywhere, the contract date is
the **table's** default, 1 January of the earliest receipt's year in the whole table (what
:func:`silson_tools.assess` takes for the table in one piece), computed once before any
chunk is assessed, so it never depends on how the table is cut.

Each person has one setting: a person whose lines name different policies or dates is an
error naming the first line that differs. The lines of each (policy, start) group are
assessed together by :func:`silson_tools.assess`; every limit and counter of the engine is
per person, so assessing a group of whole persons, in their input line order, gives each
line exactly what the whole table gives it.

**Several policies (중복가입).** The group goes through :func:`silson_tools.assess_many`
(비례보상). ``payout`` is the sum of the policies' shares and ``self_pay = claim − payout``;
``payout_noncovered`` splits that payout in the proportion of the policies' standalone
비급여 payouts, ``⌊(2 p N + S − 1) ÷ (2 S)⌋`` (p the payout, N the standalone 비급여 payouts
summed, S all standalone payouts summed; a half to 급여), and ``payout_covered = payout −
payout_noncovered``. The other detail columns (``eligible``, ``deductible``, ``zone`` …)
are those of the **first** policy named, alone. ``duplicate_cut`` (added whenever a table
may hold several policies) is what 비례보상 took off: Σ standalone payouts − ``payout``
(0 for a person with one policy).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from ..catalog import Policy, default_product, load_policy
from ..ceiling import CeilingSpec, CertainRefund
from ..dates import as_day
from ..engine import assess_many
from ..engine.assess import assess_detail
from ..engine.ceiling_hook import Ceiling
from ..engine.output import DETAIL_COLUMNS, with_optional_columns
from ..errors import InputError, ReceiptError, ReceiptProblem
from ..receipts import ReceiptLines, as_receipt_lines
from ..receipts.cells import text
from ..receipts.header import default_aliases, map_header
from ..schema import DEFAULT_PERSON

__all__ = ["CEILINGS", "Plan", "assess_persons", "person_keys", "with_detail"]

SEPARATOR = "+"
"""Joins several policies (and their dates) of one person in one cell: ``gen3+gen4``."""


@dataclass(frozen=True)
class Plan:
    """What a run applies: defaults for blank cells and the table's default start."""

    policy: str | None = None
    """``--policy`` (``gen4`` or ``gen3+gen4``), for lines with no ``policy`` cell."""
    start: str | None = None
    """``--start`` (``YYYY-MM-DD`` or several joined by ``+``)."""
    table_start: np.datetime64 | None = None
    """1 January of the earliest receipt's year in the whole table (when any line needs it)."""
    duplicates: bool = False
    """True when a line may name several policies: the output gets ``duplicate_cut``."""
    ceiling: str = "certain"
    """본인부담상한제 refund taken out of the payout (``ceiling_offset``): ``certain`` (the part
    every 소득분위 gets back, :class:`~silson_tools.ceiling.CertainRefund`, per person and
    calendar year, as ``silson report`` without ``--decile``), ``decile`` (each person's
    소득분위 from the ``decile_column``) or ``none``."""
    decile_column: str | None = None
    """The column holding each person's 소득분위 1–10 (one value per person and calendar
    year) for ``decile``."""


@lru_cache(maxsize=64)
def _policy(name: str) -> Policy:
    """A product loaded once per process."""
    return load_policy(name)


def person_column(columns: list[str]) -> str | None:
    """The column the engine reads as the person: ``person`` or a header the loader maps to
    it (``이름``, ``성명`` …); None when there is none (everyone is 본인)."""
    if "person" in columns:
        return "person"
    table = default_aliases()
    for j, label in enumerate(columns):
        if map_header(label, j, table).canonical == "person":
            return str(label)
    return None


def person_keys(frame: pd.DataFrame) -> pd.Series:
    """Each line's person as the engine reads it (text, no outer spaces; blank = 본인)."""
    column = person_column(list(frame.columns))
    if column is None:
        return pd.Series(DEFAULT_PERSON, index=frame.index, dtype=object)
    codes, uniques = pd.factorize(frame[column], use_na_sentinel=True)
    names = [text(v) or DEFAULT_PERSON for v in uniques]
    table = np.array([*names, DEFAULT_PERSON], dtype=object)
    return pd.Series(table[codes], index=frame.index, dtype=object)


def _cells(frame: pd.DataFrame, column: str, default: str | None) -> tuple[np.ndarray, np.ndarray]:
    """(code per line, distinct texts) of a per-person column; blank cells take ``default``
    (None stays None)."""
    if column not in frame.columns:
        return np.zeros(len(frame), dtype=np.intp), np.array([default], dtype=object)
    codes, uniques = pd.factorize(frame[column], use_na_sentinel=True)
    values = []
    for v in uniques:
        if isinstance(v, pd.Timestamp):
            v = v.date().isoformat()
        elif hasattr(v, "isoformat"):
            v = v.isoformat()
        t = text(v)
        values.append(t if t else default)
    return codes, np.array([*values, default], dtype=object)


def _problem(
    frame: pd.DataFrame, i: int, column: str, value: object, expected: str
) -> ReceiptProblem:
    return ReceiptProblem("", int(frame.index[i]), f"'{column}' 열", value, expected)


def assess_persons(frame: pd.DataFrame, plan: Plan) -> pd.DataFrame:
    """Every line of ``frame`` (whole persons, in input line order) assessed under its
    person's policy and start; the frame's columns plus the detail columns, same order and
    index (see the module docstring). Problems name the frame's index labels.

    The lines are validated once (:func:`~silson_tools.receipts.as_receipt_lines`) and each
    (policy, start) group is a selection of them, so the engine does not read them again."""
    p_codes, p_names = _cells(frame, "policy", plan.policy)
    s_codes, s_names = _cells(frame, "policy_start", plan.start)
    setting = pd.Series(p_codes * (len(s_names) + 1) + s_codes, index=frame.index)
    _check_one_setting(frame, setting, p_codes, p_names, s_codes, s_names)
    groups, keys = pd.factorize(setting)
    plans = [
        _setting(frame, int(k), p_names, s_names, plan, groups == g) for g, k in enumerate(keys)
    ]
    extra = sorted({c for pols, _ in plans for pol in pols for c in pol.extra_categories})
    lines = as_receipt_lines(_numpy_text(frame), extra_categories=extra)
    _unnamed_stays(lines, plans, groups)
    hook = _ceiling(frame, lines, plan)
    if len(keys) <= 1:
        empty = ([_policy(default_product())], [np.datetime64("2000-01-01")])
        pols, starts = plans[0] if plans else empty
        return with_detail(frame, _detail(lines, pols, starts, plan, hook), lines)
    order = np.argsort(groups, kind="stable")  # each group's lines together, in line order
    grouped = lines.select(order)  # one gather; each group is then a run of it (a view)
    bounds = np.searchsorted(groups[order], np.arange(len(plans) + 1))
    pieces = [
        _detail(grouped.select(np.arange(bounds[g], bounds[g + 1])), pols, starts, plan, hook)
        for g, (pols, starts) in enumerate(plans)
    ]
    detail = pd.concat(pieces)
    back = np.empty(len(frame), dtype=np.intp)
    back[order] = np.arange(len(frame))
    return with_detail(frame, detail.iloc[back], lines)


def _unnamed_stays(
    lines: ReceiptLines, plans: list[tuple[list[Policy], list[np.datetime64]]], groups: np.ndarray
) -> None:
    """Refuse, as ``silson report`` does, 입원 lines without 병원명 and 방문묶음 that the
    engine would take as admissions of their own where the person's policy counts a stay
    (:func:`~silson_tools.report.notes.unnamed_stays`: 입원 1건당 한도, 상급병실 10만원 ×
    총 입원일수), and same-day 비급여 주사 lines each of which would be an act of its own
    (:func:`~silson_tools.report.notes.unnamed_acts`)."""
    from ..report.notes import UNNAMED_ACTS, UNNAMED_STAYS, unnamed_acts, unnamed_stays

    for g, (pols, _) in enumerate(plans):
        at = np.flatnonzero(groups == g) if len(plans) > 1 else np.arange(len(lines))
        sub = lines.select(at) if len(plans) > 1 else lines
        for check, why in ((unnamed_stays, UNNAMED_STAYS), (unnamed_acts, UNNAMED_ACTS)):
            hit = np.unique(np.concatenate([check(p, sub) for p in pols]))
            if len(hit):
                raise lines.error(at[hit], "institution", why)


def with_detail(
    frame: pd.DataFrame, detail: pd.DataFrame, checked: ReceiptLines | None = None
) -> pd.DataFrame:
    """``frame`` (its own columns as given) with ``detail`` added as ``assess`` adds them:
    missing optional columns added (``checked``: the validated lines, whose values fill a
    column the frame had under another header; see ``engine.output.with_optional_columns``),
    same-named columns replaced."""
    out = with_optional_columns(frame, checked)
    detail = detail.set_axis(out.index)
    return pd.concat(
        [out.drop(columns=[c for c in detail.columns if c in out.columns]), detail], axis=1
    )


def _detail(
    lines: pd.DataFrame,
    policies: list[Policy],
    starts: list[np.datetime64],
    plan: Plan,
    ceiling: Ceiling = None,
) -> pd.DataFrame:
    """The detail columns of one group's lines under one policy (assess) or several
    (assess_many), the 상한제 refund given by the ``ceiling`` hook (per person and year: a
    group holds whole persons)."""
    columns = [*DETAIL_COLUMNS, "duplicate_cut"] if plan.duplicates else list(DETAIL_COLUMNS)
    if len(policies) == 1:
        out = assess_detail(lines, policies[0], starts[0], ceiling)
        if plan.duplicates:
            out["duplicate_cut"] = np.zeros(len(out), dtype=np.int64)
    else:
        out = _many(lines, policies, starts, ceiling)
    return out[columns]


CEILINGS = ("certain", "decile", "none")
"""The choices of :attr:`Plan.ceiling`."""


def _ceiling(frame: pd.DataFrame, lines: ReceiptLines, plan: Plan) -> Ceiling:
    """The engine's ``ceiling=`` hook for the plan: :class:`CertainRefund`, a
    :class:`CeilingSpec` of each person's 소득분위 (from ``plan.decile_column``), or None."""
    if plan.ceiling == "none":
        return None
    if plan.ceiling == "certain":
        return CertainRefund()
    if plan.ceiling != "decile" or plan.decile_column not in frame.columns:
        raise InputError(
            f"ceiling: {plan.ceiling!r} with decile column {plan.decile_column!r}: expected "
            f"one of {', '.join(CEILINGS)}, and for 'decile' a column of the table"
        )
    column = plan.decile_column
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
    bad = np.flatnonzero(~np.isin(values, np.arange(1, 11)))
    if len(bad):
        expected = "소득분위 1–10 (a whole number: the person's NHI income decile)"
        raise ReceiptError(
            [_problem(frame, int(i), column, frame[column].iloc[i], expected) for i in bad[:20]]
        )
    person = lines["person"].to_numpy()
    years = lines["date"].dt.year.to_numpy()
    deciles = pd.Series(values.astype(np.int64), index=pd.MultiIndex.from_arrays([person, years]))
    first = deciles.groupby(level=[0, 1], sort=False).transform("first").to_numpy()
    differ = np.flatnonzero(deciles.to_numpy() != first)
    if len(differ):
        raise ReceiptError(
            [
                _problem(
                    frame, int(i), column, frame[column].iloc[i],
                    f"한 사람은 한 해에 하나의 소득분위 (one decile per person and year: "
                    f"{person[i]!r} has {first[i]} on an earlier line of {years[i]})",
                )
                for i in differ[:20]
            ]
        )  # fmt: skip
    by_year: dict[int, dict[str, int]] = {}
    for (who, year), decile in deciles.groupby(level=[0, 1], sort=False).first().items():
        by_year.setdefault(int(year), {})[str(who)] = int(decile)
    return PersonYearDeciles(tuple((year, tuple(m.items())) for year, m in by_year.items()))


@dataclass(frozen=True)
class PersonYearDeciles:
    """The engine's ``ceiling=`` hook with each person's 소득분위 per calendar year (the
    상한제 refund is per person and year, so each year's lines go under that year's
    :class:`~silson_tools.ceiling.CeilingSpec`)."""

    deciles: tuple[tuple[int, tuple[tuple[str, int], ...]], ...]
    """(year, ((person, decile), …)) for every year of the lines."""

    def line_offsets(self, receipts: pd.DataFrame) -> np.ndarray:
        """상한제 환급분 per line: each year's lines under that year's deciles."""
        lines = as_receipt_lines(receipts)
        # one spec for all years: a stay across 31 December pools its later part with that
        # year's lines (a person without a decile in that year: the stay's first year's)
        spec = CeilingSpec(decile=10, year_deciles={y: dict(p) for y, p in self.deciles})
        return spec.line_offsets(lines)


def _check_one_setting(
    frame: pd.DataFrame,
    setting: pd.Series,
    p_codes: np.ndarray,
    p_names: np.ndarray,
    s_codes: np.ndarray,
    s_names: np.ndarray,
) -> None:
    """A person's lines all name the same policy and start; else the first line that differs."""
    if len(p_names) + len(s_names) <= 2 or setting.nunique() <= 1:  # one setting for all
        return
    person = person_keys(frame).to_numpy()
    codes = setting.to_numpy()
    person_code = pd.factorize(person)[0]
    _, first_at = np.unique(person_code, return_index=True)
    first = first_at[person_code]  # each line's person's first line
    bad = np.flatnonzero(codes != codes[first])
    if not len(bad):
        return
    problems = []
    for i in bad[:20]:
        j = first[i]
        column = "policy" if p_names[p_codes[i]] != p_names[p_codes[j]] else "policy_start"
        if column == "policy":
            value, earlier = p_names[p_codes[i]], p_names[p_codes[j]]
        else:
            value, earlier = s_names[s_codes[i]], s_names[s_codes[j]]
        expected = (
            f"한 사람은 하나의 {column} (one {column} per person: {person[i]!r} has "
            f"{earlier!r} on an earlier line)"
        )
        problems.append(_problem(frame, int(i), column, value, expected))
    raise ReceiptError(problems)


def _setting(
    frame: pd.DataFrame,
    key: int,
    p_names: np.ndarray,
    s_names: np.ndarray,
    plan: Plan,
    where: np.ndarray,
) -> tuple[list[Policy], list[np.datetime64]]:
    """The policies and contract dates of one group (``key`` = policy code × (n + 1) + start
    code; ``where``: its lines); a bad name or date is located at the group's first line."""
    frame = frame.iloc[[int(np.argmax(where))]]
    p_name = p_names[key // (len(s_names) + 1)]
    s_name = s_names[key % (len(s_names) + 1)]
    if p_name is None:
        raise ReceiptError(
            [_problem(frame, 0, "policy", None, "상품 이름 (a policy: gen4, or --policy)")]
        )
    names = [n.strip() for n in str(p_name).split(SEPARATOR)]
    try:
        policies = [_policy(n) for n in names]
    except InputError as err:
        raise ReceiptError([_problem(frame, 0, "policy", p_name, str(err))]) from None
    if s_name is None:
        if plan.table_start is None:
            raise InputError("no contract date: give --start, a policy_start column, or the table")
        starts = [plan.table_start] * len(policies)
    else:
        texts = [t.strip() for t in str(s_name).split(SEPARATOR)]
        if len(texts) == 1:
            texts = texts * len(policies)
        if len(texts) != len(policies):
            raise ReceiptError(
                [
                    _problem(
                        frame, 0, "policy_start", s_name,
                        f"{len(policies)}개의 계약일 ('+'로 연결; one date per policy "
                        f"of {p_name!r})",
                    )
                ]
            )  # fmt: skip
        try:
            starts = [as_day(t, "policy_start") for t in texts]
        except InputError as err:
            raise ReceiptError([_problem(frame, 0, "policy_start", s_name, str(err))]) from None
    return policies, starts


_TEXT_COLUMNS = ("person", "setting", "tier", "institution", "category", "visit", "department")


def _numpy_text(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with pyarrow-backed text columns (pandas 3 ``str``) as categoricals, to be
    validated: the engine reads a categorical's few distinct values once, not every line."""
    present = [c for c in _TEXT_COLUMNS if c in frame.columns]
    arrow = [c for c in present if hasattr(frame[c].array, "_pa_array")]
    if not arrow:
        return frame
    return frame.assign(**{c: frame[c].astype("category") for c in arrow})


def _many(
    frame: pd.DataFrame,
    policies: list[Policy],
    starts: list[np.datetime64],
    ceiling: Ceiling = None,
) -> pd.DataFrame:
    """비례보상 payout onto the first policy's detail (see the module docstring)."""
    shared = assess_many(frame, policies, list(starts), ceiling)
    out = assess_detail(frame, policies[0], starts[0], ceiling)
    names = [c[len("standalone_") :] for c in shared.columns if c.startswith("standalone_")]
    alone = [
        assess_detail(frame, p, s, ceiling) for p, s in zip(policies[1:], starts[1:], strict=True)
    ]
    standalone = shared[[f"standalone_{n}" for n in names]].to_numpy().sum(axis=1)
    non = out["payout_noncovered"].to_numpy() + sum(
        (a["payout_noncovered"].to_numpy() for a in alone), np.zeros(len(out), np.int64)
    )
    payout = shared["payout"].to_numpy()
    p_obj, n_obj, s_obj = (x.astype(object) for x in (payout, non, standalone))
    split = np.where(standalone > 0, (2 * p_obj * n_obj + s_obj - 1) // np.maximum(s_obj, 1), 0)
    split = (split // 2).astype(np.int64) if len(split) else np.zeros(0, np.int64)
    out["payout"] = payout
    out["payout_noncovered"] = split
    out["payout_covered"] = payout - split
    out["self_pay"] = shared["self_pay"].to_numpy()
    out["duplicate_cut"] = standalone - payout
    return out
