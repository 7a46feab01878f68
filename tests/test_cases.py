"""Rule cases as data: every ``tests/cases/<product>/*.toml`` runs on the engine and on the
row-by-row reference, and every expectation in it is checked on both.

A case file is one case: a few receipt lines under one product, what each line should pay
and why (``description`` carries the hand arithmetic, ``source`` the clause). The format,
checked strictly (an unknown or misspelt key is an error, so a typo cannot skip a check)::

    name = "4세대 통원: 의원 1만원 공제가 20%보다 클 때"
    description = "30,000 × 20% = 6,000 < 1만원 → 공제 10,000, 지급 20,000."
    source = "data/products/gen4.toml parts.covered.outpatient.min_clinic: <title>, <url>"
                              # the parameter and the original it cites in the product file
    policy_start = 2024-01-01              # optional (default: 1 January of the first line)
    # overrides = { "covered.outpatient.visit_cap" = 100_000 }   (load_policy overrides)

    [[lines]]                 # one receipt line, or a run of them with repeat
    date = 2024-03-05
    setting = "outpatient"    # inpatient / outpatient / pharmacy
    tier = "clinic"           # clinic / hospital / general / tertiary / pharmacy
    covered_copay = 30_000    # amounts default to 0: covered_copay, full_copay, noncovered,
                              # nhis_paid, over_ceiling; days; category; person;
                              # institution, visit, diagnosis (text); severe (true/false);
                              # due_date (출산예정일, a date)
    # ceiling_refund = 60_000   the per-line 상한제 refund given as assess(..., ceiling=[…])
    # repeat = 51             the same line 51 times, step_days (default 1) apart
    [lines.expect]            # checked on every line of the entry (required: payout, zone)
    payout = 20_000
    zone = "deductible"
    # [lines.expect_last]     with repeat: checked on the entry's last line only

    [expect_total]            # optional: sums over all lines of the case
    payout = 3_500_000

**Duplicate policies** (중복가입, 「다수보험의 처리」): a case in ``tests/cases/duplicate/`` names
two or more products and runs on ``assess_many`` and on the reference's
``reference_assess_many``::

    policies = ["gen2-choice1", "gen2-choice1"]   # products; the same one twice is allowed
    policy_start = 2011-03-01                      # optional: one date, or one per policy
    [[lines]]
    ...
    [lines.expect]            # required: payout and payout_each
    payout_each = [450_000, 450_000]    # one per policy, in order (payout_<name>)
    # standalone_each, eligible_each, deductible_each: lists, one per policy;
    # claim, loss, max_eligible, min_deductible, duplicate_cap, payout, self_pay: sums per line

``overrides`` is not allowed there. Besides the expectations, a duplicate case checks on every
line of both engines that the shares add up to ``payout``, none is above its standalone
payout, and ``payout ≤ duplicate_cap = max_eligible − min_deductible``.

Besides the expectations, ``payout + self_pay == claim`` is checked on every line of both
engines. ``payout_covered`` / ``payout_noncovered`` are checked on the engine only (the
reference does not compute the split).
"""

from __future__ import annotations

import datetime as dt
import functools
import tomllib
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from reference_engine import reference_assess, reference_assess_many

import silson_tools
from silson_tools.engine import DETAIL_COLUMNS
from silson_tools.schema import CATEGORIES, SETTINGS, TIERS, ZONES

ROOT = Path(__file__).resolve().parents[1]
CASES = Path(__file__).resolve().parent / "cases"
MIN_CASES = 30


class CaseFileError(ValueError):
    """A case file breaks the format: ``"<file>: <where>: <what was expected>"``."""


# --- the format ---------------------------------------------------------------------------------

AMOUNT_KEYS = ("covered_copay", "full_copay", "noncovered", "nhis_paid", "over_ceiling", "days")
NOT_INT = ("zone", "excluded_by", "needs_improvement_proof", "policy_year")
INT_COLUMNS = tuple(c for c in DETAIL_COLUMNS if c not in NOT_INT)
EXPECT_KEYS = (*INT_COLUMNS, *NOT_INT)
TOTAL_KEYS = tuple(c for c in INT_COLUMNS if c != "session_no")
ENGINE_ONLY = ("payout_covered", "payout_noncovered")
"""Columns the reference does not compute: checked on the engine only."""
REQUIRED_EXPECT = ("payout", "zone")

DUPLICATE = "duplicate"
"""The folder of duplicate-policy cases (several products on one set of receipts)."""
EACH_KEYS = ("payout_each", "standalone_each", "eligible_each", "deductible_each")
"""Per-policy expectations of a duplicate case: one amount per policy, in order."""
EACH_COLUMN = {
    "payout_each": "payout",
    "standalone_each": "standalone",
    "eligible_each": "eligible",
    "deductible_each": "deductible",
}
DUPLICATE_SUMS = (
    "claim",
    "loss",
    "max_eligible",
    "min_deductible",
    "duplicate_cap",
    "payout",
    "self_pay",
)
DUPLICATE_EXPECT_KEYS = (*DUPLICATE_SUMS, *EACH_KEYS)
DUPLICATE_REQUIRED = ("payout", "payout_each")

TOP_REQUIRED = ("name", "description", "source", "lines")
TOP_OPTIONAL = ("policy_start", "overrides", "expect_total", "policies")
LINE_REQUIRED = ("date", "setting", "tier", "expect")
LINE_OPTIONAL = (
    *AMOUNT_KEYS,
    "category",
    "person",
    "institution",
    "visit",
    "severe",
    "diagnosis",
    "due_date",
    "ceiling_refund",
    "repeat",
    "step_days",
    "expect_last",
)


@dataclass
class Line:
    """One receipt line after ``repeat`` is unrolled."""

    receipt: dict[str, Any]
    ceiling_refund: int
    expect: dict[str, Any]
    label: str


@dataclass
class Case:
    path: Path
    name: str
    product: str
    policy_start: dt.date | list[dt.date] | None
    overrides: dict[str, Any]
    lines: list[Line]
    expect_total: dict[str, Any] = field(default_factory=dict)
    policies: list[str] = field(default_factory=list)
    """The products of a duplicate case (tests/cases/duplicate/), in order; else empty."""

    @property
    def rel(self) -> str:
        return (
            self.path.relative_to(ROOT).as_posix()
            if self.path.is_relative_to(ROOT)
            else str(self.path)
        )


def _fail(path: Path, where: str, message: str) -> CaseFileError:
    return CaseFileError(f"{path}: {where}: {message}" if where else f"{path}: {message}")


def _keys(path: Path, where: str, table: Any, required: tuple, optional: tuple) -> None:
    if not isinstance(table, Mapping):
        raise _fail(path, where, f"expected a table, got {table!r}")
    allowed = (*required, *optional)
    for key in table:
        if key not in allowed:
            raise _fail(
                path,
                f"{where}.{key}" if where else key,
                f"unknown key {key!r}; expected one of {', '.join(allowed)}",
            )
    for key in required:
        if key not in table:
            raise _fail(path, where, f"missing required key {key!r}")


def _int(path: Path, where: str, value: Any, low: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise _fail(path, where, f"{value!r}: expected a whole number of at least {low}")
    return value


def _text(path: Path, where: str, value: Any, allowed: Any = None) -> str:
    if not isinstance(value, str) or (allowed is None and not value.strip()):
        raise _fail(path, where, f"{value!r}: expected text")
    if allowed is not None and value not in allowed:
        raise _fail(path, where, f"{value!r}: expected one of {', '.join(map(repr, allowed))}")
    return value


def _date(path: Path, where: str, value: Any) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise _fail(path, where, f"{value!r}: expected a TOML date such as 2024-03-05 (no quotes)")
    return value


def _expectations(
    path: Path, where: str, table: Any, keys: tuple, required: tuple, each: int = 0
) -> dict:
    _keys(path, where, table, required, tuple(k for k in keys if k not in required))
    out: dict[str, Any] = {}
    for key, value in table.items():
        w = f"{where}.{key}"
        if key == "zone":
            out[key] = _text(path, w, value, tuple(ZONES))
        elif key == "needs_improvement_proof":
            if not isinstance(value, bool):
                raise _fail(path, w, f"{value!r}: expected true or false")
            out[key] = value
        elif key == "policy_year":
            out[key] = _date(path, w, value)
        elif key == "excluded_by":  # the clause's label ("" when nothing is excluded)
            out[key] = "" if value == "" else _text(path, w, value, None)
        elif key in EACH_KEYS:
            if not isinstance(value, list) or len(value) != each:
                raise _fail(
                    path, w, f"{value!r}: expected a list of {each} amounts, one per policy"
                )
            out[key] = [_int(path, f"{w}[{i + 1}]", v) for i, v in enumerate(value)]
        else:
            out[key] = _int(path, w, value)
    return out


def _flat_overrides(path: Path, table: Any, prefix: str = "") -> dict[str, Any]:
    """``{"covered.outpatient.visit_cap": 1}`` or nested tables → dotted keys; a table whose
    keys are dates is a dated value and is passed on as it is."""
    if not isinstance(table, Mapping):
        raise _fail(path, "overrides", f"expected a table, got {table!r}")
    out: dict[str, Any] = {}
    for key, value in table.items():
        dotted = f"{prefix}.{key}" if prefix else key
        dated = isinstance(value, Mapping) and value and all(_is_iso_date(k) for k in value)
        if isinstance(value, Mapping) and not dated:
            out.update(_flat_overrides(path, value, dotted))
        else:
            out[dotted] = value
    return out


def _is_iso_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def load_case(path: Path) -> Case:
    """Read and check one case file; CaseFileError names the file and the key."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise _fail(path, "", f"not valid TOML: {err}") from None
    _keys(path, "", raw, TOP_REQUIRED, TOP_OPTIONAL)
    for key in ("name", "description", "source"):
        _text(path, key, raw[key])
    product = path.parent.name
    products = shipped_products()
    if product not in (*products, DUPLICATE):
        raise _fail(
            path,
            "",
            f"folder {product!r} is not a shipped product ({', '.join(products)}); "
            f"a case file goes in tests/cases/<product>/ (or tests/cases/{DUPLICATE}/)",
        )
    policies = _policies(path, raw, product, products)
    each = len(policies)
    start: dt.date | list[dt.date] | None = None
    if "policy_start" in raw:
        value = raw["policy_start"]
        if policies and isinstance(value, list):
            if len(value) != each:
                raise _fail(path, "policy_start", f"expected one date or {each} dates")
            start = [_date(path, f"policy_start[{i + 1}]", v) for i, v in enumerate(value)]
        else:
            start = _date(path, "policy_start", value)
    if policies and "overrides" in raw:
        raise _fail(path, "overrides", f"not allowed in a {DUPLICATE} case")
    overrides = _flat_overrides(path, raw.get("overrides", {}))
    keys, required = (
        (DUPLICATE_EXPECT_KEYS, DUPLICATE_REQUIRED) if policies else (EXPECT_KEYS, REQUIRED_EXPECT)
    )
    entries = raw["lines"]
    if not isinstance(entries, list) or not entries:
        raise _fail(path, "lines", "expected one or more [[lines]] tables")
    lines: list[Line] = []
    for e, entry in enumerate(entries, start=1):
        where = f"lines[{e}]"
        _keys(path, where, entry, LINE_REQUIRED, LINE_OPTIONAL)
        day = _date(path, f"{where}.date", entry["date"])
        receipt: dict[str, Any] = {
            "setting": _text(path, f"{where}.setting", entry["setting"], tuple(SETTINGS)),
            "tier": _text(path, f"{where}.tier", entry["tier"], tuple(TIERS)),
        }
        for key in AMOUNT_KEYS:
            if key in entry:
                receipt[key] = _int(path, f"{where}.{key}", entry[key])
        if "category" in entry:
            receipt["category"] = _text(
                path, f"{where}.category", entry["category"], tuple(CATEGORIES)
            )
        if "person" in entry:
            receipt["person"] = _text(path, f"{where}.person", entry["person"])
        for key in ("institution", "visit", "diagnosis"):  # text (leave the key out: blank)
            if key in entry:
                receipt[key] = _text(path, f"{where}.{key}", entry[key], None)
        if "due_date" in entry:  # 출산예정일: a TOML date
            if not isinstance(entry["due_date"], dt.date):
                raise _fail(path, f"{where}.due_date", "expected a date like 2027-03-08")
            receipt["due_date"] = entry["due_date"].isoformat()
        if "severe" in entry:
            if not isinstance(entry["severe"], bool):
                raise _fail(path, f"{where}.severe", "expected true or false")
            receipt["severe"] = entry["severe"]
        refund = _int(path, f"{where}.ceiling_refund", entry.get("ceiling_refund", 0))
        repeat = _int(path, f"{where}.repeat", entry.get("repeat", 1), low=1)
        if "step_days" in entry and "repeat" not in entry:
            raise _fail(path, f"{where}.step_days", "only with repeat")
        if "expect_last" in entry and repeat == 1:
            raise _fail(path, f"{where}.expect_last", "only with repeat (use expect)")
        step = _int(path, f"{where}.step_days", entry.get("step_days", 1), low=1)
        expect = _expectations(path, f"{where}.expect", entry["expect"], keys, required, each)
        last = (
            _expectations(path, f"{where}.expect_last", entry["expect_last"], keys, (), each)
            if "expect_last" in entry
            else {}
        )
        for k in range(repeat):
            when = day + dt.timedelta(days=k * step)
            want = {**expect, **last} if k == repeat - 1 else dict(expect)
            copy = f", repeat {k + 1} of {repeat}" if repeat > 1 else ""
            lines.append(
                Line(
                    receipt={"date": when, **receipt},
                    ceiling_refund=refund,
                    expect=want,
                    label=f"{when.isoformat()}, [[lines]] entry {e}{copy}",
                )
            )
    total_keys = (*DUPLICATE_SUMS, "payout_each") if policies else TOTAL_KEYS
    total = (
        _expectations(path, "expect_total", raw["expect_total"], total_keys, (), each)
        if "expect_total" in raw
        else {}
    )
    return Case(path, raw["name"], product, start, overrides, lines, total, policies)


def _policies(path: Path, raw: dict, product: str, products: tuple[str, ...]) -> list[str]:
    """The ``policies`` of a duplicate case: two or more shipped products; [] elsewhere."""
    if product != DUPLICATE:
        if "policies" in raw:
            raise _fail(path, "policies", f"only in a tests/cases/{DUPLICATE}/ case")
        return []
    value = raw.get("policies")
    if not isinstance(value, list) or len(value) < 2:
        raise _fail(path, "policies", f"{value!r}: expected a list of two or more products")
    return [_text(path, f"policies[{i + 1}]", v, products) for i, v in enumerate(value)]


# --- running a case -----------------------------------------------------------------------------


@functools.cache
def shipped_products() -> tuple[str, ...]:
    """The shipped product names: ``silson_tools.products()`` if the package has it (as a
    function, or as a function of the ``silson_tools.products`` module), else the stems of the
    product files (those with a [policy] table or ``extends``) in the package's data folders."""
    try:
        found: Any = silson_tools.products
    except AttributeError:
        found = None
    if isinstance(found, types.ModuleType):
        found = getattr(found, "products", None)
    if callable(found):
        return tuple(sorted(getattr(p, "name", p) for p in found()))
    base = Path(silson_tools.__file__).resolve().parent
    names = set()
    for folder in (base / "data" / "products", base / "rules"):
        for file in folder.glob("*.toml"):
            raw = tomllib.loads(file.read_text(encoding="utf-8"))
            if "policy" in raw or "extends" in raw:
                names.add(file.stem)
    return tuple(sorted(names))


def receipts_of(case: Case) -> tuple[pd.DataFrame, list[int] | None]:
    """The case's lines as a receipt frame (only the columns some line uses) and the ceiling
    hook (None when no line gives ceiling_refund)."""
    rows = [line.receipt for line in case.lines]
    columns = ["date", "setting", "tier", "covered_copay", "noncovered"]
    extra = (
        *AMOUNT_KEYS, "category", "person", "institution", "visit", "severe", "diagnosis",
        "due_date",
    )  # fmt: skip
    columns += [c for c in extra if c not in columns]
    used = [c for c in columns if c in columns[:5] or any(c in r for r in rows)]
    defaults = {
        "category": "",
        "person": "본인",
        "institution": "",
        "visit": "",
        "severe": False,
        "diagnosis": "",
        "due_date": "",
    }
    frame = pd.DataFrame(
        [{c: r.get(c, defaults.get(c, 0)) for c in used} for r in rows], columns=used
    )
    frame["date"] = pd.to_datetime(frame["date"])
    hook = [line.ceiling_refund for line in case.lines]
    return frame, (hook if any(hook) else None)


def policy_of(case: Case) -> Any:
    return silson_tools.load_policy(case.product, **case.overrides)


def _engine(frame: pd.DataFrame, policy: Any, start: Any, hook: Any) -> pd.DataFrame:
    return silson_tools.assess(frame, policy, policy_start=start, ceiling=hook)


def _reference(frame: pd.DataFrame, policy: Any, start: Any, hook: Any) -> pd.DataFrame:
    return reference_assess(frame, policy, policy_start=start, ceiling=hook)


ENGINES: dict[str, Callable[..., pd.DataFrame]] = {"engine": _engine, "reference": _reference}


def _engine_many(frame: pd.DataFrame, policies: list, start: Any, hook: Any) -> pd.DataFrame:
    return silson_tools.assess_many(frame, policies, policy_start=start, ceiling=hook)


def _reference_many(frame: pd.DataFrame, policies: list, start: Any, hook: Any) -> pd.DataFrame:
    return reference_assess_many(frame, policies, policy_start=start, ceiling=hook)


MANY_ENGINES: dict[str, Callable[..., pd.DataFrame]] = {
    "engine": _engine_many,
    "reference": _reference_many,
}


def column_names(policies: list[str]) -> list[str]:
    """The name of each policy in assess_many's columns: a repeated name gets _2, _3 …"""
    names: list[str] = []
    for p in policies:
        name, k = p, 2
        while name in names:
            name, k = f"{p}_{k}", k + 1
        names.append(name)
    return names


def _plain(column: str, value: Any) -> Any:
    if column in ("zone", "excluded_by"):
        return str(value)
    if column == "needs_improvement_proof":
        return bool(value)
    if column == "policy_year":
        return None if pd.isna(value) else pd.Timestamp(value).date()
    return int(value)


def _show(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return repr(value) if isinstance(value, str) else str(value)


def mismatches(case: Case, engine: str) -> list[str]:
    """Run the case on ``engine`` ('engine' or 'reference'); one message per failed check."""
    if case.policies:
        return duplicate_mismatches(case, engine)
    frame, hook = receipts_of(case)
    out = ENGINES[engine](frame, policy_of(case), case.policy_start, hook)
    n = len(case.lines)
    problems = []

    def where(i: int) -> str:
        return f"{case.rel}: line {i + 1} of {n} ({case.lines[i].label})"

    for i, line in enumerate(case.lines):
        row = out.iloc[i]
        claim = int(row["claim"])
        if int(row["payout"]) + int(row["self_pay"]) != claim:
            problems.append(
                f"{where(i)}: payout + self_pay = {int(row['payout']):,} + "
                f"{int(row['self_pay']):,}, expected the claim {claim:,} [{engine}]"
            )
        for column, want in line.expect.items():
            if engine == "reference" and column in ENGINE_ONLY:
                continue
            got = _plain(column, row[column])
            if got != want:
                problems.append(
                    f"{where(i)}: {column}: expected {_show(want)}, got {_show(got)} [{engine}]"
                )
    for column, want in case.expect_total.items():
        if engine == "reference" and column in ENGINE_ONLY:
            continue
        got = int(out[column].sum())
        if got != want:
            problems.append(
                f"{case.rel}: expect_total: {column} over the {n} lines: expected {want:,}, "
                f"got {got:,} [{engine}]"
            )
    return problems


def duplicate_mismatches(case: Case, engine: str) -> list[str]:
    """A duplicate case on assess_many ('engine') or reference_assess_many ('reference')."""
    frame, hook = receipts_of(case)
    policies = [silson_tools.load_policy(name) for name in case.policies]
    out = MANY_ENGINES[engine](frame, policies, case.policy_start, hook)
    names = column_names(case.policies)
    n = len(case.lines)
    problems = []

    def got(row: Any, key: str) -> Any:
        if key in EACH_KEYS:
            return [int(row[f"{EACH_COLUMN[key]}_{name}"]) for name in names]
        return int(row[key])

    for i, line in enumerate(case.lines):
        row = out.iloc[i]
        where = f"{case.rel}: line {i + 1} of {n} ({line.label})"
        pay, alone = got(row, "payout_each"), got(row, "standalone_each")
        checks = [
            (got(row, "payout") + got(row, "self_pay") == got(row, "claim"), "payout + self_pay"),
            (sum(pay) == got(row, "payout"), "the shares add up to payout"),
            (all(p <= a for p, a in zip(pay, alone, strict=True)), "share ≤ standalone"),
            (got(row, "payout") <= got(row, "duplicate_cap"), "payout ≤ duplicate_cap"),
        ]
        problems += [f"{where}: {what} fails [{engine}]" for ok, what in checks if not ok]
        for key, want in line.expect.items():
            if got(row, key) != want:
                problems.append(
                    f"{where}: {key}: expected {want!r}, got {got(row, key)!r} [{engine}]"
                )
    for key, want in case.expect_total.items():
        if key in EACH_KEYS:
            total = [int(out[f"{EACH_COLUMN[key]}_{name}"].sum()) for name in names]
        else:
            total = int(out[key].sum())
        if total != want:
            problems.append(
                f"{case.rel}: expect_total: {key}: expected {want!r}, got {total!r} [{engine}]"
            )
    return problems


# --- the tests ----------------------------------------------------------------------------------

CASE_FILES = sorted(CASES.glob("*/*.toml"))


@pytest.mark.parametrize("engine", list(ENGINES))
@pytest.mark.parametrize(
    "path", CASE_FILES, ids=[p.relative_to(CASES).as_posix() for p in CASE_FILES]
)
def test_case(path: Path, engine: str) -> None:
    case = load_case(path)
    problems = mismatches(case, engine)
    assert not problems, f"{case.name}\n" + "\n".join(problems)


def test_cases_cover_every_shipped_product() -> None:
    products = shipped_products()
    assert products, "no shipped products found"
    folders = {p.parent.name for p in CASE_FILES}
    missing = [p for p in products if p not in folders]
    assert not missing, f"no case files under tests/cases/ for: {', '.join(missing)}"


def test_at_least_30_case_files() -> None:
    assert len(CASE_FILES) >= MIN_CASES, f"{len(CASE_FILES)} case files, expected {MIN_CASES}+"


def test_no_stray_files_in_cases() -> None:
    """Only <product>/<case>.toml: a file elsewhere (or with another suffix) would not run."""
    stray = [
        p.relative_to(CASES).as_posix()
        for p in CASES.rglob("*")
        if p.is_file() and p not in CASE_FILES
    ]
    assert not stray, f"files under tests/cases/ that are not cases: {stray}"


# --- the format is checked strictly -------------------------------------------------------------

GOOD = """\
name = "4세대 통원: 의원 1만원 공제"
description = "30,000 × 20% = 6,000 < 10,000 → 공제 10,000, 지급 20,000."
source = "test"
policy_start = 2024-01-01

[[lines]]
date = 2024-03-05
setting = "outpatient"
tier = "clinic"
covered_copay = 30_000

[lines.expect]
payout = 20_000
self_pay = 10_000
zone = "deductible"
"""


def _case_file(tmp_path: Path, text: str, product: str = "gen4") -> Path:
    folder = tmp_path / product
    folder.mkdir(exist_ok=True)
    path = folder / "case.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_case_file_passes_on_both_engines(tmp_path: Path) -> None:
    case = load_case(_case_file(tmp_path, GOOD))
    assert len(case.lines) == 1
    assert mismatches(case, "engine") == [] and mismatches(case, "reference") == []


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'source = "test"\n',
            'source = "test"\npolicy_strat = 2024-01-01\n',
            r"policy_strat: unknown key 'policy_strat'",
        ),
        (
            'tier = "clinic"\n',
            'tier = "clinic"\nnoncoverd = 5\n',
            r"lines\[1\]\.noncoverd: unknown key 'noncoverd'",
        ),
        (
            "payout = 20_000\n",
            "payot = 20_000\npayout = 20_000\n",
            r"lines\[1\]\.expect\.payot: unknown key 'payot'",
        ),
        (
            'zone = "deductible"\n',
            'zone = "deductible"\n\n[expect_totl]\npayout = 1\n',
            r"expect_totl: unknown key",
        ),
        (
            'zone = "deductible"\n',
            'zone = "deductible"\n\n[expect_total]\nzone = "rate"\n',
            r"expect_total\.zone: unknown key 'zone'",
        ),
    ],
)
def test_unknown_key_in_a_case_file_is_an_error(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    assert old in GOOD
    path = _case_file(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(CaseFileError, match=rf"case\.toml: {message}"):
        load_case(path)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "covered_copay = 30_000",
            'covered_copay = "3만원"',
            r"lines\[1\]\.covered_copay: '3만원': expected a whole number",
        ),
        (
            "covered_copay = 30_000",
            "covered_copay = -1",
            r"lines\[1\]\.covered_copay: -1: expected a whole number of at least 0",
        ),
        (
            'tier = "clinic"',
            'tier = "의원급"',
            r"lines\[1\]\.tier: '의원급': expected one of 'clinic'",
        ),
        (
            'zone = "deductible"',
            'zone = "deductable"',
            r"lines\[1\]\.expect\.zone: 'deductable': expected one of",
        ),
        (
            "date = 2024-03-05",
            'date = "2024-03-05"',
            r"lines\[1\]\.date: '2024-03-05': expected a TOML date",
        ),
        ("payout = 20_000\n", "", r"lines\[1\]\.expect: missing required key 'payout'"),
        (
            'tier = "clinic"',
            'tier = "clinic"\nexpect_last = { payout = 1 }',
            r"lines\[1\]\.expect_last: only with repeat",
        ),
        (
            'tier = "clinic"',
            'tier = "clinic"\nstep_days = 7',
            r"lines\[1\]\.step_days: only with repeat",
        ),
        ('name = "4세대 통원: 의원 1만원 공제"\n', "", r"missing required key 'name'"),
    ],
)
def test_bad_values_in_a_case_file_are_errors(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    assert old in GOOD
    path = _case_file(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(CaseFileError, match=message):
        load_case(path)


def test_a_case_outside_a_product_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CaseFileError, match=r"folder 'gen9' is not a shipped product"):
        load_case(_case_file(tmp_path, GOOD, product="gen9"))


def test_an_override_typo_is_an_error(tmp_path: Path) -> None:
    text = GOOD.replace(
        'source = "test"\n', 'source = "test"\noverrides = { "covered.outpatient.visit_kap" = 1 }\n'
    )
    case = load_case(_case_file(tmp_path, text))
    with pytest.raises(ValueError, match=r"covered\.outpatient\.visit_kap"):
        mismatches(case, "engine")


def test_a_failed_expectation_names_the_file_line_column_and_both_values(tmp_path: Path) -> None:
    text = GOOD.replace("payout = 20_000", "payout = 19_999").replace(
        "[[lines]]", "[[lines]]\nrepeat = 2\nstep_days = 7\n", 1
    )
    case = load_case(_case_file(tmp_path, text))
    for engine in ENGINES:
        problems = mismatches(case, engine)
        assert len(problems) == 2, problems
        assert problems[1] == (
            f"{case.rel}: line 2 of 2 (2024-03-12, [[lines]] entry 1, repeat 2 of 2): "
            f"payout: expected 19,999, got 20,000 [{engine}]"
        )
        assert "gen4/case.toml" in problems[0]


DUPLICATE_GOOD = """\
name = "다수보험: 4세대 둘"
description = "100,000 × 80% = 80,000 alone each; together 100,000 − 20,000 = 80,000 → 40,000 each."
source = "test"
policies = ["gen4", "gen4"]
policy_start = 2024-01-01

[[lines]]
date = 2024-03-05
setting = "outpatient"
tier = "clinic"
covered_copay = 100_000

[lines.expect]
payout_each = [40_000, 40_000]
standalone_each = [80_000, 80_000]
payout = 80_000
duplicate_cap = 80_000
"""


def test_a_duplicate_case_file_passes_on_both_engines(tmp_path: Path) -> None:
    case = load_case(_case_file(tmp_path, DUPLICATE_GOOD, product=DUPLICATE))
    assert case.policies == ["gen4", "gen4"]
    assert mismatches(case, "engine") == [] and mismatches(case, "reference") == []
    wrong = load_case(
        _case_file(
            tmp_path, DUPLICATE_GOOD.replace("[40_000, 40_000]", "[50_000, 50_000]"), DUPLICATE
        )
    )
    for engine in ENGINES:
        assert mismatches(wrong, engine) == [
            f"{wrong.rel}: line 1 of 1 (2024-03-05, [[lines]] entry 1): payout_each: "
            f"expected [50000, 50000], got [40000, 40000] [{engine}]"
        ]


@pytest.mark.parametrize(
    ("product", "old", "new", "message"),
    [
        (
            "gen4",
            'source = "test"\n',
            'source = "test"\npolicies = ["gen4", "gen3"]\n',
            r"policies: only in a tests/cases/duplicate/ case",
        ),
        (DUPLICATE, 'policies = ["gen4", "gen4"]\n', "", r"policies: None: expected a list"),
        (
            DUPLICATE,
            '["gen4", "gen4"]',
            '["gen4", "gen9"]',
            r"policies\[2\]: 'gen9': expected one of",
        ),
        (
            DUPLICATE,
            "payout_each = [40_000, 40_000]",
            "payout_each = [40_000]",
            r"lines\[1\]\.expect\.payout_each: \[40000\]: expected a list of 2 amounts",
        ),
        (
            DUPLICATE,
            "duplicate_cap = 80_000",
            'zone = "rate"',
            r"lines\[1\]\.expect\.zone: unknown key 'zone'",
        ),
        (
            DUPLICATE,
            "policy_start = 2024-01-01",
            "policy_start = [2024-01-01]",
            r"policy_start: expected one date or 2 dates",
        ),
        (
            DUPLICATE,
            'source = "test"\n',
            'source = "test"\noverrides = { "covered.outpatient.visit_cap" = 1 }\n',
            r"overrides: not allowed in a duplicate case",
        ),
    ],
)
def test_duplicate_case_format_errors(
    tmp_path: Path, product: str, old: str, new: str, message: str
) -> None:
    text = GOOD if product != DUPLICATE else DUPLICATE_GOOD
    assert old in text
    with pytest.raises(CaseFileError, match=message):
        load_case(_case_file(tmp_path, text.replace(old, new, 1), product=product))
