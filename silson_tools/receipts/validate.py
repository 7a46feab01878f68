"""Raw receipt columns → canonical columns, checked cell by cell and across columns.

Both ways in share this module: a file's grid (``table.grid_columns`` finds the header,
skips blank lines, reads units, merged and blank cells) and a DataFrame (``lines.py`` maps its
column names). Each gives :class:`RawColumn` objects (the cells of one canonical column, how a
person names that column, its unit), and :func:`check_columns` turns them into the
canonical columns, collecting every problem with the row number a person sees.

Speed: a numeric column (numpy int/float, nullable numbers) and a datetime64 column are
checked whole with numpy. Any other column is factorized and each *distinct* value is parsed
once (``cells.py``), so a million lines with a few hundred distinct values cost a hash pass.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ReceiptError, ReceiptProblem
from ..money import MAX_LINE_WON, line_limit_expected, won_faults
from ..schema import (
    CANONICAL_COLUMNS,
    CATEGORIES,
    COLUMN_LABELS,
    DEFAULT_PERSON,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    SETTINGS,
    TIERS,
    WON_COLUMNS,
)
from . import cells, flags
from .crosscheck import cross_checks
from .departments import department_cells, visit_cells
from .groups import SMALL, codes_by_value
from .groups import factorize as _factorize
from .header import (
    Aliases,
    Header,
    letter,
    missing_expected,
)
from .units import unit_name

__all__ = [
    "STR_DTYPE",
    "Checked",
    "Problems",
    "RawColumn",
    "Texts",
    "bare_unit_expected",
    "cell_value",
    "check_columns",
    "column_ref",
    "map_headers",
    "not_amount_unit_expected",
]

STR_DTYPE = pd.StringDtype(na_value=np.nan)
"""The dtype of every text column after validation (pandas' default ``str``)."""
_CHOICES: dict[str, tuple[str, ...]] = {
    "setting": tuple(SETTINGS),
    "tier": tuple(TIERS),
    "category": tuple(CATEGORIES),
}


@dataclass(frozen=True)
class RawColumn:
    """The cells of one canonical column, one per line, before checking."""

    canonical: str
    values: np.ndarray | pd.Series
    ref: str
    """The column as the person names it: ``"K열 '비급여'"`` or ``"'noncovered' 열"``."""
    unit: int = 1
    """Multiplier for bare numbers (10,000 under a header in 만원)."""
    coded: tuple[np.ndarray, list[Any]] | None = None
    """``values`` factorized already (``_factorize``: code per line, −1 for missing;
    distinct values), so a column looked at before checking is not hashed twice."""


@dataclass
class Problems:
    """Problems found so far, each kept with the line position it belongs to."""

    source: str
    rows: np.ndarray
    """Row number a person sees, per line position."""
    items: list[tuple[int, ReceiptProblem]] = field(default_factory=list)

    def whole(
        self, expected: str, *, row: int | None = None, column: str | None = None, value: Any = None
    ) -> None:
        """A problem of the header or the table (sorted before the lines)."""
        self.items.append((-1, ReceiptProblem(self.source, row, column, value, expected)))

    def at(self, positions: Sequence[int] | np.ndarray, column: str | None, values: Any,
           expected: str) -> None:  # fmt: skip
        """One problem per line position; ``values`` gives each line's value (or None)."""
        for pos in np.asarray(positions, dtype=np.intp).tolist():
            value = None if values is None else cell_value(values, pos)
            problem = ReceiptProblem(self.source, int(self.rows[pos]), column, value, expected)
            self.items.append((pos, problem))

    def __bool__(self) -> bool:
        return bool(self.items)

    def sorted(self) -> list[ReceiptProblem]:
        """By line position (table problems first), each line's problems in the order found;
        a problem found twice (the same cell by two checks) listed once."""
        seen: set[tuple[Any, ...]] = set()
        out = []
        for pos, p in sorted(self.items, key=lambda item: item[0]):
            key = (pos, p.file, p.row, p.column, repr(p.value), p.expected)
            if key not in seen:
                seen.add(key)
                out.append(p)
        return out

    def error(self) -> ReceiptError:
        return ReceiptError(self.sorted(), self.source)


SHOWN_CHARS = 200
"""Text values in a problem are cut to this many characters (a hostile cell may be huge)."""


def cell_value(values: Any, pos: int) -> Any:
    """The value of line ``pos`` as given (numpy scalars as Python values; blank as None;
    text longer than :data:`SHOWN_CHARS` cut, ending in …)."""
    value = values.iloc[pos] if isinstance(values, pd.Series) else values[pos]
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    elif isinstance(value, np.generic):
        value = value.item()
    elif isinstance(value, str) and len(value) > SHOWN_CHARS:
        value = value[:SHOWN_CHARS] + "…"
    return None if cells.is_blank(value) else value


@dataclass
class Checked:
    """Canonical columns after checking, with the codes the engine can reuse."""

    columns: dict[str, Any]
    codes: dict[str, tuple[np.ndarray, tuple[str, ...]]]
    """``person``, ``setting``, ``tier``, ``category`` and the free-text columns given
    (``institution``, ``visit``) → (code per line, names)."""
    refs: dict[str, str]
    """Canonical column → how the person names it (columns that were given)."""


# --- turning one column into values ---------------------------------------------------------


def _blank(col: RawColumn | None) -> np.ndarray | None:
    """Per line: True where the cell is blank as written (None: no such column, all blank);
    each distinct cell looked at once."""
    if col is None:
        return None
    code, uniques = col.coded if col.coded is not None else _factorize(col.values)
    return np.array([cells.is_blank(u) for u in uniques] + [True], dtype=bool)[code]


def _by_distinct(
    col: RawColumn,
    parse: cells.Parser,
    *,
    blank: Any,
    required: bool,
    problems: Problems,
    digits: Callable[[int], tuple[Any, str | None]] | None = None,
) -> tuple[list[Any], np.ndarray, np.ndarray, list[Any]]:
    """Parse each distinct cell once → (table, code per line into it, ok mask, distinct cells).

    The table's last entry is the value of blank cells (``blank``; a problem when
    ``required``). ``digits`` converts plain digit strings without the full parser.
    """
    codes, uniques = col.coded if col.coded is not None else _factorize(col.values)
    table: list[Any] = []
    failed: list[str | None] = []
    for value in uniques:
        if (digits is not None and type(value) is str and value.isascii() and value.isdigit()
                and len(value) <= 15):  # fmt: skip
            result, expected = digits(int(value))
        elif cells.is_blank(value):
            result, expected = blank, cells.REQUIRED_EXPECTED if required else None
        else:
            result, expected = parse(value)
        table.append(blank if expected else result)
        failed.append(expected)
    table.append(blank)
    failed.append(cells.REQUIRED_EXPECTED if required else None)
    if (codes < 0).any():
        codes = np.where(codes < 0, len(uniques), codes)
    bad = np.array([f is not None for f in failed], dtype=bool)
    ok = ~bad[codes]
    if not ok.all():
        for pos in np.flatnonzero(~ok).tolist():
            problems.at([pos], col.ref, col.values, failed[codes[pos]] or "")
    return table, codes, ok, uniques


def _numeric_array(values: np.ndarray | pd.Series) -> np.ndarray | None:
    """The column as a numpy int or float array (NaN for missing), or None if not numeric."""
    dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype):
        return None
    if isinstance(dtype, np.dtype):  # a Series' to_numpy: np.asarray's view, without its lookups
        return values.to_numpy() if isinstance(values, pd.Series) else np.asarray(values)
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    if series.hasnans:
        return series.to_numpy(dtype=np.float64, na_value=np.nan)
    kind = "i" if pd.api.types.is_integer_dtype(dtype) else "f"
    return series.to_numpy(dtype=np.int64 if kind == "i" else np.float64)


def _whole_numbers(
    col: RawColumn,
    *,
    required: bool,
    problems: Problems,
    faults: Callable[[np.ndarray], list[tuple[np.ndarray, str]]],
    parse: cells.Parser,
    digits: Callable[[int], tuple[Any, str | None]],
) -> tuple[np.ndarray, np.ndarray]:
    """Amounts or days → (int64 values, ok mask); numbers checked whole, the rest by value."""
    arr = _numeric_array(col.values)
    if arr is not None and (col.unit == 1 or arr.dtype.kind in "iu"):
        ok = np.ones(len(arr), dtype=bool)
        if arr.dtype.kind == "f":
            whole = np.rint(arr)  # a formula's 3600.0000000000005 is 3600 (cells.FLOAT_NOISE)
            arr = np.where(np.abs(arr - whole) <= float(cells.FLOAT_NOISE), whole, arr)
            missing = np.isnan(arr)
            if missing.any():
                if required:
                    problems.at(np.flatnonzero(missing), col.ref, None, cells.REQUIRED_EXPECTED)
                    ok &= ~missing
                arr = np.where(missing, 0.0, arr)
        if col.unit != 1:  # integers under a 만원 header: compare before scaling
            big = arr > (MAX_LINE_WON // col.unit)
            scaled = np.where(big, 0, arr).astype(np.int64) * col.unit
            arr = np.where(big, MAX_LINE_WON + 1, scaled)
        for bad, expected in faults(arr):
            problems.at(np.flatnonzero(bad), col.ref, col.values, expected)
            ok &= ~bad
        if not ok.all():
            return np.where(ok, arr, 0).astype(np.int64), ok
        if _reusable(col, np.dtype(np.int64)):
            return col.values, ok
        return arr.astype(np.int64), ok
    table, codes, ok, _ = _by_distinct(
        col, parse, blank=0, required=required, problems=problems, digits=digits
    )
    return np.asarray(table, dtype=np.int64)[codes], ok


def _reusable(col: RawColumn, dtype: np.dtype) -> bool:
    """The input Series can be the output column as it is (handing over the Series, not its
    array, lets pandas' copy-on-write keep the caller's frame and the result apart)."""
    return isinstance(col.values, pd.Series) and col.unit == 1 and col.values.dtype == dtype


def _day_faults(arr: np.ndarray) -> list[tuple[np.ndarray, str]]:
    out = []
    for bad, expected in won_faults(arr, limit=cells.MAX_DAYS):
        if expected == line_limit_expected(cells.MAX_DAYS):
            expected = cells.DAYS_LIMIT_EXPECTED
        else:
            expected = cells.DAYS_EXPECTED
        out.append((bad, expected))
    return out


_LOW = np.datetime64(f"{cells.FIRST_YEAR}-01-01", "D")
_HIGH = np.datetime64(f"{cells.LAST_YEAR}-12-31", "D")


def _dates(col: RawColumn, problems: Problems) -> tuple[np.ndarray, np.ndarray]:
    """진료일 → (datetime64[us] at midnight, ok mask)."""
    values = col.values
    dtype = values.dtype
    if isinstance(dtype, pd.DatetimeTZDtype) or (isinstance(dtype, np.dtype) and dtype.kind == "M"):
        series = values if isinstance(values, pd.Series) else pd.Series(values)
        if isinstance(dtype, pd.DatetimeTZDtype):  # the date on the clock where it was written
            series = series.dt.tz_localize(None)
        stamps = series.to_numpy()
        days = stamps.astype("datetime64[D]")
        if len(days) and not np.isnat(days.min()) and days.min() >= _LOW and days.max() <= _HIGH:
            ok = np.ones(len(days), dtype=bool)  # the common case: two reductions, no masks
        else:
            missing = np.isnat(days)
            outside = ~missing & ((days < _LOW) | (days > _HIGH))
            problems.at(np.flatnonzero(missing), col.ref, None, cells.REQUIRED_EXPECTED)
            problems.at(np.flatnonzero(outside), col.ref, values, cells.DATE_EXPECTED)
            ok = ~(missing | outside)
        midnight = days.astype("datetime64[us]")
        if _reusable(col, midnight.dtype) and ok.all() and (stamps == midnight).all():
            return col.values, ok  # already dates at midnight in microseconds
        return midnight, ok
    table, codes, ok, _ = _by_distinct(col, cells.parse_date, blank=None, required=True,
                                    problems=problems)  # fmt: skip
    days = np.array([np.datetime64("NaT", "D") if d is None else d for d in table], "datetime64[D]")
    return days[codes].astype("datetime64[us]"), ok


def _texts(
    col: RawColumn, blank: str, problems: Problems, defer: bool = False
) -> tuple[Any, tuple[np.ndarray, tuple[str, ...]]]:
    """Free text (이름, 병원명) → (str array, or :class:`Texts` when ``defer``; (code per
    line, distinct texts))."""
    table, codes, uniques = _plain_texts(col, blank)
    if table is None:  # factorized once: the codes go along
        table, codes, _, uniques = _by_distinct(
            replace(col, coded=(codes, uniques)), lambda v: (cells.text(v), None), blank=blank,
            required=False, problems=problems,
        )  # fmt: skip
    if len(table) <= SMALL and all(type(t) is str for t in table):  # no None: as pandas does
        names, where = codes_by_value(table)
    else:
        names, where = pd.factorize(np.asarray(table, dtype=object))
    return _str_array(col, table, codes, uniques, defer), (names[codes], tuple(where))


def _plain_texts(col: RawColumn, blank: str) -> tuple[list[Any] | None, np.ndarray, list[Any]]:
    """:func:`_by_distinct`'s (table, code per line, distinct cells) for free text whose
    distinct cells are all printable ASCII ``str`` (ids such as ``P0001``): there
    ``cells.text(v)`` is ``v.strip()`` and a blank cell is one that strips to ``""``, so the
    table is made without a call per value (10,000 names: about 2 against 10 ms). The table
    is None for any other column."""
    codes, uniques = col.coded if col.coded is not None else _factorize(col.values)
    if not all(type(u) is str and u.isascii() and u.isprintable() for u in uniques):
        return None, codes, uniques
    table: list[Any] = [u.strip() or blank for u in uniques]
    table.append(blank)
    if (codes < 0).any():
        codes = np.where(codes < 0, len(uniques), codes)
    return table, codes, uniques


def _choices(
    col: RawColumn, parse: cells.Parser, allowed: tuple[str, ...], required: bool,
    problems: Problems, defer: bool = False,
) -> tuple[Any, np.ndarray, np.ndarray]:  # fmt: skip
    """Setting, tier or category → (str array, or :class:`Texts` when ``defer``; code per
    line into ``allowed``, ok mask)."""
    blank = "" if "" in allowed else None
    table, codes, ok, uniques = _by_distinct(col, parse, blank=blank, required=required,
                                             problems=problems)  # fmt: skip
    index = {name: i for i, name in enumerate(allowed)}
    table = [allowed[0] if code is None else code for code in table]
    idx = np.array([index[code] for code in table], dtype=np.int16)
    return _str_array(col, table, codes, uniques, defer), idx[codes], ok


def _str_array(
    col: RawColumn, table: list[Any], codes: np.ndarray, uniques: list[Any], defer: bool = False
) -> Any:
    """Table values per line as a ``str`` column (as :class:`Texts`, not built yet, when
    ``defer``); the input itself when nothing changed.

    Reusing the input hands the caller's Series to the new frame, so pandas' copy-on-write
    keeps the two apart when either is written later.
    """
    values = col.values
    if (
        isinstance(values, pd.Series)
        and values.dtype == STR_DTYPE
        and all(type(u) is str and t == u for t, u in zip(table, uniques, strict=False))
        and not (codes == len(uniques)).any()
    ):
        return values
    if defer:
        return Texts(np.asarray(table, dtype=object), codes, len(codes))
    return _strings(np.asarray(table, dtype=object), codes)


@dataclass(frozen=True, eq=False)
class Texts:
    """A ``str`` column not built yet: ``table[codes]`` (``codes`` None: ``table[0]`` on
    each of ``n`` lines). :func:`check_columns` with ``defer_text`` gives these instead of
    ``str`` arrays (a Python reference per line: about 6 ms and 8 MB per million lines
    each), so a caller reading only the codes (the engine) never builds them. Reads as the
    array would: ``texts[i]``, ``np.asarray(texts, dtype=object)``; :meth:`strings` is the
    array the eager path makes (:func:`built`)."""

    table: np.ndarray
    """The distinct texts (object array of str)."""
    codes: np.ndarray | None
    n: int

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, pos: Any) -> Any:
        return self.objects()[pos] if self.codes is None else self.table[self.codes[pos]]

    def __eq__(self, other: object) -> Any:  # type: ignore[override]
        """Per line, as the ``str`` array compares (``texts == "inpatient"``)."""
        return self.objects() == other

    def __ne__(self, other: object) -> Any:  # type: ignore[override]
        return self.objects() != other

    __hash__ = None  # type: ignore[assignment]

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        values = self.objects()
        return values if dtype is None else values.astype(dtype, copy=False)

    def objects(self) -> np.ndarray:
        """The texts per line as a numpy object array (what ``strings()`` holds)."""
        if self.codes is None:
            values = np.empty(self.n, dtype=object)
            values.fill(self.table[0])
            return values
        return self.table[self.codes]

    def strings(self) -> pd.arrays.StringArray:
        """The ``str`` array :func:`check_columns` makes without ``defer_text``."""
        if self.codes is None:
            return _constant_strings(self.table[0], self.n)
        return _strings(self.table, self.codes)


def built(values: Any) -> Any:
    """A checked column as the eager path makes it: a :class:`Texts` built, others as is."""
    return values.strings() if isinstance(values, Texts) else values


_EMPTY_STRINGS = pd.arrays.StringArray(np.array([], dtype=object), dtype=STR_DTYPE)


def _strings(table: np.ndarray, codes: np.ndarray) -> pd.arrays.StringArray:
    """``table[codes]`` as a ``str`` array. Every table entry is a str (made here), so the
    per-element check pandas' constructor repeats is skipped where pandas allows it."""
    values = table[codes]
    try:
        return _EMPTY_STRINGS._from_backing_data(values)
    except AttributeError:  # pragma: no cover - another pandas
        return pd.arrays.StringArray(values, dtype=STR_DTYPE)


def _constant_strings(text: str, n: int) -> pd.arrays.StringArray:
    """``n`` copies of ``text`` as a ``str`` array (a fill, not a gather of n indices)."""
    values = np.empty(n, dtype=object)
    values.fill(text)
    try:
        return _EMPTY_STRINGS._from_backing_data(values)
    except AttributeError:  # pragma: no cover - another pandas
        return pd.arrays.StringArray(values, dtype=STR_DTYPE)


# --- all columns -------------------------------------------------------------------------


_KEPT_AS_TEXT: dict[str, Any] = {
    "diagnosis": flags.parse_diagnosis,
    "due_date": flags.parse_due_date,
}
"""Optional columns read cell by cell and kept as checked text (blank = "")."""


def check_columns(
    found: Mapping[str, RawColumn],
    n: int,
    problems: Problems,
    aliases: Aliases,
    *,
    extra_categories: tuple[str, ...] = (),
    defer_text: bool = False,
) -> Checked:
    """Every canonical column of ``n`` lines; missing optional columns get their default.

    Problems go to ``problems`` (the caller raises); missing required columns must have
    been reported by the caller, and are left out of the result. ``defer_text``: the text
    columns a str array would be built for are :class:`Texts` (see :func:`built`).
    """
    out: dict[str, Any] = {}
    codes: dict[str, tuple[np.ndarray, tuple[str, ...]]] = {}
    ok = np.ones(n, dtype=bool)
    for canonical in CANONICAL_COLUMNS:
        col = found.get(canonical)
        required = canonical in REQUIRED_COLUMNS
        if col is None:
            if required:
                continue
            out[canonical], codes_of = _default(canonical, n, defer_text)
            if codes_of is not None:
                codes[canonical] = codes_of
            continue
        if canonical in WON_COLUMNS:
            values, good = _whole_numbers(
                col,
                required=required,
                problems=problems,
                faults=won_faults,
                parse=lambda v, unit=col.unit: cells.parse_amount(v, unit),
                digits=lambda number, unit=col.unit: cells.check_won(number * unit),
            )
        elif canonical == "days":
            values, good = _whole_numbers(
                col,
                required=False,
                problems=problems,
                faults=_day_faults,
                parse=cells.parse_days,
                digits=cells.check_days,
            )
        elif canonical == "date":
            values, good = _dates(col, problems)
        elif canonical == "severe":  # 산정특례: yes/no, blank = no
            table, idx, good, _ = _by_distinct(
                col, flags.parse_severe, blank=False, required=False, problems=problems
            )
            values = np.asarray(table, dtype=bool)[idx]
        elif canonical in _KEPT_AS_TEXT:  # 상병코드 "F32.9", 출산예정일 "2027-03-01"
            table, idx, good, _ = _by_distinct(
                col, _KEPT_AS_TEXT[canonical], blank="", required=False, problems=problems
            )
            values = Texts(np.asarray(table, dtype=object), idx, n)
            values = values if defer_text else values.strings()
        elif canonical in _CHOICES:
            extra = extra_categories if canonical == "category" else ()
            allowed = _CHOICES[canonical] + tuple(c for c in extra if c not in CATEGORIES)
            parse = cells.choice_parser(canonical, aliases, extra)
            values, code, good = _choices(col, parse, allowed, required, problems, defer_text)
            codes[canonical] = (code, allowed)
        else:  # person, institution, visit, department: free text
            default = str(OPTIONAL_COLUMNS[canonical])
            if canonical == "department":
                col = department_cells(col)
            elif canonical == "visit":
                col = visit_cells(col)
            values, codes[canonical] = _texts(col, default, problems, defer_text)
            good = np.ones(n, dtype=bool)
        out[canonical] = values
        ok &= good
    refs = {c: col.ref for c, col in found.items()}
    if all(c in out for c in REQUIRED_COLUMNS):
        before = len(problems.items)
        cross_checks(out, codes, refs, ok, problems, blank_category=_blank(found.get("category")))
        _as_written(problems, before, found)
    return Checked(out, codes, refs)


def _as_written(problems: Problems, start: int, found: Mapping[str, RawColumn]) -> None:
    """Problems from ``start`` on that show a choice column's code (``pharmacy``) show the
    cell as the person wrote it (``약국``) instead."""
    by_ref = {col.ref: col for c, col in found.items() if c in _CHOICES}
    for k in range(start, len(problems.items)):
        pos, p = problems.items[k]
        col = by_ref.get(p.column or "")
        if col is not None and pos >= 0 and p.value is not None:
            problems.items[k] = (pos, replace(p, value=cell_value(col.values, pos)))


def _default(
    canonical: str, n: int, defer: bool = False
) -> tuple[Any, tuple[np.ndarray, tuple[str, ...]] | None]:
    default = OPTIONAL_COLUMNS[canonical]
    if isinstance(default, bool):
        return (np.full(n, True) if default else np.zeros(n, dtype=bool)), None
    if isinstance(default, int):
        return (np.full(n, default, dtype=np.int64) if default else np.zeros(n, np.int64)), None
    zeros = np.zeros(n, dtype=np.intp)
    texts = Texts(np.array([str(default)], dtype=object), None, n)
    values = texts if defer else texts.strings()
    if canonical == "person":
        return values, (zeros, (DEFAULT_PERSON,))
    if canonical == "category":
        return values, (zeros.astype(np.int16), tuple(CATEGORIES))
    return values, None


# --- header cells → canonical columns ----------------------------------------------------


def bare_unit_expected(where: str, unit: int) -> str:
    """An amount column naming no unit beside ``where``, a column in ``unit`` won."""
    name = unit_name(unit)
    return (f"단위가 적힌 금액 열 (a unit on this amount column too: {where} is in {name} but "
            f"this column names no unit, so its numbers could be in either — write (원) or "
            f"({name}) in this header)")  # fmt: skip


def not_amount_unit_expected(unit_text: str) -> str:
    """A money unit in the header of a column that is not an amount (입원일수(천원))."""
    return (f"이 열에는 금액 단위를 쓰지 않습니다 (a money unit on a column that is not an "
            f"amount: {unit_text})")  # fmt: skip


def column_ref(header: Header) -> str:
    """``"K열 '비급여'"``: the column letter and the header as written."""
    return f"{letter(header.index)}열 '{header.text}'"


def map_headers(
    headers: list[Header],
    problems: Problems,
    header_row: int | None,
    aliases: Aliases,
    ref: Callable[[Header], str],
) -> tuple[dict[str, Header], list[str]]:
    """Header cells → (canonical → header, ignored headers); header problems reported."""
    found: dict[str, Header] = {}
    ignored: list[str] = []
    for h in headers:
        if h.conflict is not None:
            problems.whole(
                "머리글의 번호와 이름이 서로 다른 열을 가리킵니다 (the circled number and "
                "the name in this header mean different receipt columns; "
                "①본인부담금 ②공단부담금 ③전액본인부담 ④비급여 ⑤상한액초과금)",
                row=header_row,
                column=ref(h),
            )
        elif h.canonical is not None and h.problem is not None:
            problems.whole(h.problem, row=header_row, column=ref(h), value=h.text)
            found.setdefault(h.canonical, h)
        elif h.canonical is None:
            if not cells.is_blank(h.text):
                ignored.append(h.text)
        elif h.canonical in found:
            problems.whole(
                f"{COLUMN_LABELS[h.canonical]} 열은 하나만 (only one column for this; "
                f"{ref(found[h.canonical])} already is)",
                row=header_row,
                column=ref(h),
            )
        else:
            found[h.canonical] = h
    for canonical in REQUIRED_COLUMNS:
        if canonical not in found:
            given = ", ".join(repr(h.text) for h in headers if not cells.is_blank(h.text))
            problems.whole(
                f"{missing_expected(canonical, aliases)}; 찾은 머리글 (found): {given}",
                row=header_row,
            )
    return found, ignored
