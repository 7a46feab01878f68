"""A synthetic claims cohort (가상 코호트): receipt lines of many people over years, seeded.

Not real data: a plausible mix to test and time the engine at scale and to teach with.

- **People** (``people``, default one per 100 lines; ``person`` is a number): how much
  care each uses is a gamma
  weight (shape 0.6: most use little, a few use a lot); each has one policy drawn from
  ``mix`` (default 5% 1세대, 20% 2세대, 30% 3세대, 40% 4세대, 5% 3세대+4세대 중복가입) and a
  contract date (``policy_start``) inside each generation's sale window (ending no later
  than the care window) (a duplicate's two
  dates joined by ``+``), on the first of a month (of a year for a duplicate, or the sale
  window's first day): the engine takes one contract date per call, so the cost of a chunk
  grows with the distinct (policy, date) pairs in it, and these keep them to about 250.
- **Lines**: 68% 통원 (외래), 25% 약국, 7% 입원; tiers 의원 62%, 병원 18%, 종합병원 12%,
  상급종합 8% (약국 lines: 약국); one of 5,000 institutions per 외래/입원 line (약국 lines
  blank: they join the day's 외래); ① from a gamma by setting and tier, ② from the NHI
  share (외래 70%, 입원 80%), ③ on 5% of lines, ④ on 40% (3대 비급여, MRI, 상급병실 and the
  excluded categories at their own sizes), 입원일수 1–14.
- **Files**: file ``k`` holds the ``k``-th time slice of the care window (as an export by
  month or year would), sorted by date, so every person's lines sit in many files.
  ``line_id`` numbers the lines across files. Text columns are written dictionary-encoded
  (pandas categoricals), as a big export usually is.

File ``k`` depends only on ``seed`` and ``k``: files can be written in parallel, and a
cohort of 10⁸ lines never needs more memory than one file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..catalog import load_policy, products

__all__ = ["DEFAULT_GENERATIONS", "cohort", "default_mix", "sale_window", "write_cohort"]

DEFAULT_GENERATIONS: dict[str, float] = {"1": 0.05, "2": 0.20, "3": 0.30, "4": 0.40, "3+4": 0.05}
"""Share of people per generation (세대; ``+``: two policies, 중복가입)."""


def default_mix() -> dict[str, float]:
    """:data:`DEFAULT_GENERATIONS` as product names: each generation's first product in
    :func:`~silson_tools.catalog.products` (its standard form; the names come from the data)."""
    by_generation: dict[str, str] = {}
    for name in products():
        by_generation.setdefault(load_policy(name).generation.rstrip("세대"), name)
    return {
        "+".join(by_generation[g] for g in key.split("+")): share
        for key, share in DEFAULT_GENERATIONS.items()
    }


def sale_window(name: str, last: str) -> tuple[str, str]:
    """When product ``name`` was sold (``sold_from``/``sold_until`` of its data), ending no
    later than ``last``; an unknown start is six years before the end."""
    policy = load_policy(name)
    end = min(str(policy.sold_until or last), last)
    start = policy.sold_from
    if start is None:
        start = np.datetime64(end, "D") - np.timedelta64(6 * 365, "D")
    return str(start), end


_TIERS = np.array(["clinic", "hospital", "general", "tertiary"])
_TIER_P = [0.62, 0.18, 0.12, 0.08]
_TIER_SCALE = np.array([1.0, 1.6, 3.0, 5.0])  # ① grows with the tier
_OUT_CATS = np.array(
    ["", "manual_therapy", "shockwave", "prolotherapy", "injection", "mri", "dental",
     "oriental", "supplement", "cosmetic"]
)  # fmt: skip
_OUT_CAT_P = [0.835, 0.06, 0.015, 0.005, 0.04, 0.02, 0.01, 0.01, 0.003, 0.002]
_OUT_CAT_SCALE = np.array([1.0, 2.0, 2.5, 2.0, 1.2, 8.0, 1.5, 0.8, 1.0, 2.0])
_IN_CATS = np.array(["", "room_upgrade", "caregiver"])
_IN_CAT_P = [0.93, 0.05, 0.02]


@dataclass(frozen=True)
class _People:
    ids: np.ndarray
    weight: np.ndarray
    policy: pd.Categorical
    start: pd.Categorical


def _people(n: int, seed: int, mix: dict[str, float], last: str) -> _People:
    """Ids, care weights, policies and contract dates of ``n`` people."""
    rng = np.random.default_rng([seed, 0])
    weight = rng.gamma(0.6, 1.0, n)
    keys = list(mix)
    p = np.array([mix[k] for k in keys], dtype=float)
    pick = rng.choice(len(keys), n, p=p / p.sum())
    start = np.empty(n, dtype=object)
    for i, key in enumerate(keys):
        who = np.flatnonzero(pick == i)
        gens = [g.strip() for g in key.split("+")]
        windows = [sale_window(g, last) for g in gens]
        dates = [_draw(rng, w, len(who), len(gens) > 1) for w in windows]
        joined = dates[0].astype(str).astype(object)
        for more in dates[1:]:
            joined = joined + "+" + more.astype(str).astype(object)
        start[who] = joined
    policy = pd.Categorical.from_codes(pick, categories=keys)
    ids = np.arange(1, n + 1, dtype=np.int64)  # 가입자 번호 (a number, as exports give it)
    return _People(ids, weight / weight.sum(), policy, pd.Categorical(start))


def _draw(rng: np.random.Generator, window: tuple[str, str], n: int, yearly: bool) -> np.ndarray:
    """Contract dates in ``window``: the first of a month (``yearly``: of a year), or the
    window's first day."""
    lo, hi = np.datetime64(window[0], "D"), np.datetime64(window[1], "D")
    day = lo + rng.integers(0, int((hi - lo).astype(int)) + 1, n).astype("timedelta64[D]")
    unit = "datetime64[Y]" if yearly else "datetime64[M]"
    return np.maximum(day.astype(unit).astype("datetime64[D]"), lo)


_SETTINGS = ["outpatient", "pharmacy", "inpatient"]
_ALL_TIERS = [*_TIERS, "pharmacy"]
_ALL_CATS = list(dict.fromkeys([*_OUT_CATS, *_IN_CATS]))
_INSTITUTIONS = ["", *(f"I{i}" for i in range(5000))]


def _codes(values: np.ndarray, categories: list[str]) -> pd.Categorical:
    return pd.Categorical.from_codes(values, categories=categories)


def _lines(
    k: int, n: int, first_id: int, folk: _People, seed: int, day0: np.datetime64, span: int,
    files: int, policy_columns: bool = True,
) -> pd.DataFrame:  # fmt: skip
    """File ``k``: ``n`` lines in the ``k``-th of ``files`` slices of ``span`` days (text
    columns as categoricals: written as dictionary-encoded parquet)."""
    rng = np.random.default_rng([seed, 1, k])
    who = rng.choice(len(folk.ids), n, p=folk.weight)
    lo, hi = span * k // files, max(span * (k + 1) // files, span * k // files + 1)
    day = day0 + rng.integers(lo, hi, n).astype("timedelta64[D]")
    u = rng.random(n)
    setting = np.where(u < 0.68, 0, np.where(u < 0.93, 1, 2))
    inpatient, pharmacy = setting == 2, setting == 1
    t = rng.choice(4, n, p=_TIER_P)
    tier = np.where(pharmacy, 4, t)
    covered = rng.gamma(1.4, 9_000, n) * np.where(pharmacy, 0.8, _TIER_SCALE[t])
    covered = np.where(inpatient, covered * 25, covered).astype(np.int64) // 10 * 10
    oc = rng.choice(len(_OUT_CATS), n, p=_OUT_CAT_P)
    ic = rng.choice(len(_IN_CATS), n, p=_IN_CAT_P)
    in_code = np.array([_ALL_CATS.index(c) for c in _IN_CATS])[ic]
    category = np.where(inpatient, in_code, np.where(pharmacy, 0, oc))
    scale = np.where(inpatient, 6.0, np.where(pharmacy, 0.3, _OUT_CAT_SCALE[oc]))
    has_non = (rng.random(n) < 0.4) | (category != 0)
    noncovered = np.where(has_non, rng.gamma(1.3, 40_000, n) * scale, 0).astype(np.int64)
    noncovered = noncovered // 100 * 100
    days = np.where(inpatient, np.minimum(rng.geometric(0.25, n), 14), 0)
    institution = np.where(pharmacy, 0, rng.integers(1, 5001, n))
    institution = _prescribers(institution, who, (day - day0).astype(np.int64), setting)
    nhis = np.where(inpatient, covered * 4, covered * 7 // 3)
    columns = {
        "line_id": np.zeros(n, dtype=np.int64),
        "person": folk.ids[who],
        "date": day.astype("datetime64[ns]"),
        "setting": _codes(setting, _SETTINGS),
        "tier": _codes(tier, _ALL_TIERS),
        "institution": _codes(institution, _INSTITUTIONS),
        "covered_copay": covered,
        "nhis_paid": nhis,
        "full_copay": np.where(rng.random(n) < 0.05, rng.integers(1, 30, n) * 1_000, 0),
        "noncovered": noncovered,
        "days": days,
        "category": _codes(category, _ALL_CATS),
    }
    if policy_columns:
        columns["policy"] = folk.policy.take(who)
        columns["policy_start"] = folk.start.take(who)
    order = np.argsort(day, kind="stable")
    frame = pd.DataFrame(columns).iloc[order].reset_index(drop=True)
    frame["line_id"] = np.arange(first_id, first_id + n, dtype=np.int64)
    return frame


def _prescribers(
    institution: np.ndarray, who: np.ndarray, day: np.ndarray, setting: np.ndarray
) -> np.ndarray:
    """A 약국 line names the prescriber: the institution of its person's first 외래 line of
    that day (blank on a day without one). Unnamed, it would join the day's 외래 통원 of the
    highest tier, and a day of two such 통원 at one tier is refused (whose prescription?)."""
    key = who.astype(np.int64) * (int(day.max(initial=0)) + 1) + day
    out = np.flatnonzero(setting == 0)
    found, first = np.unique(key[out], return_index=True)  # each person–day's first 외래
    ph = np.flatnonzero(setting == 1)
    at = np.minimum(np.searchsorted(found, key[ph]), max(len(found) - 1, 0))
    named = institution.copy()
    if len(found):
        hit = found[at] == key[ph]
        named[ph[hit]] = institution[out[first[at[hit]]]]
    return named


def _plan(
    lines: int,
    lines_per_file: int,
    people: int | None,
    seed: int,
    mix: dict[str, float] | None,
    last: str,
) -> tuple[list[int], _People]:
    files = max(1, -(-lines // lines_per_file))
    sizes = [lines // files + (1 if k < lines % files else 0) for k in range(files)]
    folk = _people(people or max(1, lines // 100), seed, mix or default_mix(), last)
    return sizes, folk


def cohort(
    lines: int,
    *,
    people: int | None = None,
    seed: int = 0,
    first: str = "2023-01-01",
    last: str = "2025-12-31",
    mix: dict[str, float] | None = None,
    files: int = 1,
    policy_columns: bool = True,
) -> pd.DataFrame:
    """A cohort of ``lines`` receipt lines in memory (see the module docstring); care from
    ``first`` to ``last``; ``files`` slices (what :func:`write_cohort` writes, joined);
    ``policy_columns=False``: without ``policy`` and ``policy_start`` (one policy for all)."""
    sizes, folk = _plan(lines, -(-lines // files), people, seed, mix, last)
    day0 = np.datetime64(first, "D")
    span = int((np.datetime64(last, "D") - day0).astype(int)) + 1
    starts = np.cumsum([0, *sizes])
    return pd.concat(
        [
            _lines(k, n, int(starts[k]), folk, seed, day0, span, len(sizes))
            for k, n in enumerate(sizes)
        ],
        ignore_index=True,
    )


def write_cohort(
    folder: str | Path,
    lines: int,
    *,
    lines_per_file: int = 1_000_000,
    people: int | None = None,
    seed: int = 0,
    first: str = "2023-01-01",
    last: str = "2025-12-31",
    mix: dict[str, float] | None = None,
    row_group: int = 250_000,
    only: range | None = None,
    policy_columns: bool = True,
) -> list[Path]:
    """Write a cohort as ``folder/claims-<k>.parquet`` (one time slice each); returns the
    paths. ``only``: write just these file numbers (to share the work between processes)."""
    sizes, folk = _plan(lines, lines_per_file, people, seed, mix, last)
    day0 = np.datetime64(first, "D")
    span = int((np.datetime64(last, "D") - day0).astype(int)) + 1
    starts = np.cumsum([0, *sizes])
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for k, n in enumerate(sizes):
        path = out / f"claims-{k:05d}.parquet"
        paths.append(path)
        if only is not None and k not in only:
            continue
        frame = _lines(k, n, int(starts[k]), folk, seed, day0, span, len(sizes), policy_columns)
        frame.to_parquet(path, index=False, row_group_size=row_group)
    return paths
