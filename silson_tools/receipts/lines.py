"""``ReceiptLines``: receipt lines validated once, with the row number a person sees.

A :class:`ReceiptLines` is a pandas DataFrame with the canonical columns of
``silson_tools.schema`` (``person`` str; ``date`` datetime64[us]; ``setting``, ``tier``,
``category``, ``institution`` str; the five won amounts and ``days`` int64), every value
checked: amounts whole won from 0 to ``money.MAX_LINE_WON``, real dates, known codes, and
the cross checks (입원일수 only on 입원 lines, a 상급병실 line is 입원 with days, tier 약국
only on 약국 lines, ⑤ ≤ ①). Make one with :func:`silson_tools.receipts.read_receipts`
(a file), :meth:`ReceiptLines.from_frame` (a DataFrame) or :func:`as_receipt_lines`
(either; a ReceiptLines comes back unchanged). Both ways run the same checks and raise
the same :class:`~silson_tools.errors.ReceiptError`.

**Row numbers.** ``lines.rows[i]`` is the number a person uses to find line ``i``:

- read from a file, the sheet row (the header is row 1 when it is the first line); the
  frame's index holds the same numbers (index name ``row``);
- built from a DataFrame, its index label, as pandas prints it next to the line (0, 1, 2 …
  for a default index). A frame whose index is not integer is numbered by 0-based position.
  A frame that came from a file keeps its file rows and file name (its index is named
  ``row`` and ``attrs["source"]`` names the file), so filtering a file's lines and checking
  them again still names the sheet rows.

Later modules name the same rows: ``lines.row_of(positions)``, ``lines.problem(...)`` and
``lines.error(...)`` (a ReceiptError in the loader's words).

**For the engine** (and ceiling, premium): ``lines = as_receipt_lines(receipts,
extra_categories=policy.extra_categories)`` once, then numpy columns in the input's line
order: ``lines[c].to_numpy()`` (int64 amounts and ``days``; ``date`` datetime64[us] at
midnight), ``lines.codes("person" | "setting" | "tier" | "category")`` (codes in schema
order, extra categories after ``schema.CATEGORIES``), ``lines.given_columns`` (say, whether
② 공단부담금 was given or is the default 0). A line found wrong later, at input position
``p`` (the engine's ``order[i]`` for sorted position ``i``): ``raise lines.error(p, "days",
"…")``, or ``lines.row_of(p)`` for the number alone.

**Only what was validated is a ReceiptLines.** Anything pandas derives from it (a boolean
mask, ``.loc``, ``copy()``, ``sort_values()``, ``concat``) is a plain DataFrame, which
:func:`as_receipt_lines` validates again (fast: numeric and date columns are checked whole).
Changing a ReceiptLines in place (``lines.loc[i, "noncovered"] = …``, replacing a canonical
column or the index) is detected (pandas' copy-on-write gives the changed column new
memory): :meth:`ReceiptLines.is_intact` turns False, ``rows`` refuses to answer, and
:func:`as_receipt_lines` validates it again. Adding a new column (a result, say) keeps it
intact. :meth:`ReceiptLines.select` filters without leaving the validated type.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final, SupportsIndex

import numpy as np
import numpy.typing as npt
import pandas as pd

from ..errors import InputError, ReceiptError, ReceiptProblem
from ..schema import (
    ASKED_WHEN_NEEDED,
    CANONICAL_COLUMNS,
    CATEGORIES,
    COLUMN_LABELS,
    OPTIONAL_COLUMNS,
    WON_COLUMNS,
)
from . import cells
from .crosscheck import total_cells
from .departments import department_notes, visit_notes
from .header import Aliases, Header, default_aliases, load_aliases, map_header, normalize
from .kinds import carry_kinds, count_problems, is_count_header, stay_counts, total_problems
from .labelrows import label_rows
from .sides import (
    add_old_noncovered,
    added_headers,
    checked_note,
    department_kinds,
    line_problems,
    old_noncovered_parts,
    side_problems,
    with_prepaid,
)
from .staydates import receipt_date_stays, stay_end_column
from .table import _NOTE_RE, _Coded
from .validate import (
    Checked,
    Problems,
    RawColumn,
    _factorize,
    bare_unit_expected,
    built,
    cell_value,
    check_columns,
    map_headers,
    not_amount_unit_expected,
)

__all__ = ["FRAME_POSITION_SOURCE", "FRAME_SOURCE", "ReceiptLines", "as_receipt_lines"]

FRAME_SOURCE: Final = "DataFrame (행 = index label)"
"""How problems name a DataFrame built in code: its rows are its index labels."""
FRAME_POSITION_SOURCE: Final = "DataFrame (행 = 0-based position)"
"""… and a DataFrame whose index is not integer: its rows are 0-based positions."""
_CODED = ("person", "setting", "tier", "category")


@dataclass
class _Validated:
    """What a ReceiptLines knows about itself (kept off the DataFrame's columns)."""

    source: str
    rows: np.ndarray
    refs: dict[str, str]
    """How the person names each column the input had (the others hold their default)."""
    codes: dict[str, tuple[np.ndarray, tuple[str, ...]]]
    extra_categories: tuple[str, ...]
    pinned: pd.DataFrame
    """A shallow copy of the validated columns: while it lives, pandas' copy-on-write must
    give any in-place write to the ReceiptLines new memory, which :meth:`is_intact` sees."""
    index: pd.Index
    memory: dict[str, tuple[int, tuple[int, ...]]] = field(default_factory=dict)


def _memory(values: Any) -> tuple[Any, ...]:
    """Where a column's values live (data pointer, strides; Arrow buffers' addresses)."""
    arrow = getattr(values, "_pa_array", None)  # pyarrow-backed strings (pandas' str dtype)
    if arrow is not None:
        return tuple(b.address if b else 0 for c in arrow.chunks for b in c.buffers()), ()
    arr = getattr(values, "_ndarray", values)  # numpy-backed pandas arrays
    arr = np.asarray(arr)
    return arr.__array_interface__["data"][0], arr.strides


def _values(frame: pd.DataFrame, column: str) -> Any:
    """A column's array straight from the block manager: no Series is built, so pandas does
    not copy ``attrs`` (which holds the file's facts) on every check."""
    loc = frame.columns.get_loc(column)
    if not isinstance(loc, int):  # two columns of one name
        raise KeyError(column)
    return frame._mgr.iget_values(loc)


class ReceiptLines(pd.DataFrame):
    """Receipt lines in the canonical columns, validated once (see the module docstring).

    Not constructed directly: use :meth:`from_frame`, :func:`as_receipt_lines` or
    ``read_receipts``.
    """

    _metadata: list[str] = ["_validated"]  # noqa: RUF012 - pandas' subclassing protocol
    _validated: _Validated | None

    @property
    def _constructor(self) -> type[pd.DataFrame]:
        return pd.DataFrame  # whatever pandas derives is a plain DataFrame: checked again

    def __reduce_ex__(self, protocol: SupportsIndex) -> tuple[Any, ...]:
        return (pd.DataFrame, (pd.DataFrame(self),))  # unpickles as a plain DataFrame

    # --- making one -------------------------------------------------------------------------

    @classmethod
    def from_frame(
        cls,
        frame: pd.DataFrame,
        *,
        source: str | None = None,
        aliases: str | Path | Aliases | None = None,
        extra_categories: Sequence[str] = (),
    ) -> ReceiptLines:
        """Validate a DataFrame with the checks a file gets; raise one ReceiptError.

        Column names may be canonical (``noncovered``) or any header the loader knows
        (``비급여``, ``④``, ``비급여(만원)``); values may be canonical or as people write
        them (``외래``, ``"12,000원"``, ``"2024.03.05"``). Missing optional columns get their
        default; other columns are left out (listed in ``attrs["source"]``). Rows are named
        by the index label (see the module docstring); ``source`` names the frame in
        messages (default: the file it came from, else :data:`FRAME_SOURCE`).
        ``extra_categories``: category codes a custom rule file adds.

        Beyond each column's cells the file reader's checks are made too, in its words: a
        bare amount column beside one in 천원/만원, a column not read (비고) saying 합계,
        요양기관종류 치과의원/한의원 carrying 치과/한방 into a blank 항목 and 한방병원 asking
        for it, a 횟수 above 1, a 진료비총액 column that is not ① + ② + ③ + ④ (notes in
        ``attrs["source"]["notes"]``).
        """
        return cls._create(*cls._check_frame(frame, source, aliases, extra_categories))

    @classmethod
    def _check_frame(
        cls,
        frame: pd.DataFrame,
        source: str | None = None,
        aliases: str | Path | Aliases | None = None,
        extra_categories: Sequence[str] = (),
        defer_text: bool = False,
    ) -> tuple[Checked, pd.Index, str, np.ndarray, dict[str, Any], tuple[str, ...]]:
        """:meth:`from_frame`'s checks → the arguments of :meth:`_create`. ``defer_text``:
        the text columns stay :class:`~.validate.Texts` until ``_create`` builds them (the
        engine reads codes only, and builds the frame only when something asks for it)."""
        if not isinstance(frame, pd.DataFrame):
            raise InputError(f"receipts must be a pandas DataFrame, got {type(frame).__name__}")
        table = _alias_table(aliases)
        name, rows, numbered = _frame_rows(frame, source)
        problems = Problems(name, rows)
        headers = [map_header(label, j, table) for j, label in enumerate(frame.columns)]
        column = _Columns(frame)
        found, ignored = map_headers(headers, problems, None, table, _frame_ref)
        raw = {
            canonical: RawColumn(canonical, column(h), _frame_ref(h), h.unit)
            for canonical, h in found.items()
        }
        notes, checked = _beyond_cells(frame, column, headers, found, raw, table, problems)
        ignored = [t for t in ignored
                   if t not in checked and t not in added_headers(headers, table)]
        extra = tuple(str(c) for c in extra_categories)
        checked = check_columns(raw, len(frame), problems, table, extra_categories=extra,
                                defer_text=defer_text)  # fmt: skip
        _unit_fit(found, checked.columns, problems)
        notes.extend(department_notes(raw.get("department")))
        notes.extend(visit_notes(raw.get("visit")))
        if not problems:
            notes.extend(add_old_noncovered(
                old_noncovered_parts(headers, column, _frame_ref,
                                     table), checked.columns, problems))  # fmt: skip
        if not problems:
            nhis = found.get("nhis_paid")
            totals = _total_columns(column, headers, table.total_headers)
            nhis_blank = (_blank_cells(column(nhis)) if nhis is not None and totals
                          else np.zeros(len(frame), dtype=bool))  # fmt: skip
            total_problems([(*t, nhis_blank) for t in totals],
                           checked.columns, set(found), problems,
                           with_prepaid(_total_columns(
                               column, headers, table.side.get("patient_total", frozenset())),
                               headers, column, _frame_ref, table))
            line_problems(raw, checked.columns, checked.codes, problems)
            receipt_date_stays(raw, checked.columns, problems)
        if problems:
            label_rows(problems, headers, column, _frame_ref)
            raise problems.error()
        attrs = dict(frame.attrs)
        if "source" not in attrs:
            attrs["source"] = {
                "file": name,
                "format": "DataFrame",
                "rows": numbered,
                "columns": {c: str(h.text) for c, h in found.items()},
                "units": {c: h.unit_text for c, h in found.items() if h.unit != 1},
                "defaulted": [c for c in OPTIONAL_COLUMNS
                              if c not in found and c not in ASKED_WHEN_NEEDED
                              and not (c == "days" and "days" in raw)],
                "ignored_columns": ignored,
                "notes": notes,
                "lines": len(frame),
            }
        return checked, frame.index, name, rows, attrs, extra

    @classmethod
    def _create(
        cls,
        checked: Checked,
        index: pd.Index,
        source: str,
        rows: np.ndarray,
        attrs: Mapping[str, Any],
        extra_categories: tuple[str, ...],
    ) -> ReceiptLines:
        """Wrap checked columns (the loader and from_frame end here); text columns left as
        :class:`~.validate.Texts` are built here."""
        data = {c: built(checked.columns[c]) for c in CANONICAL_COLUMNS}
        base = pd.DataFrame(data, index=index, copy=False)
        refs = {c: checked.refs[c] for c in CANONICAL_COLUMNS if c in checked.refs}
        return cls._wrap(base, source, rows, refs, checked.codes, extra_categories, attrs)

    @classmethod
    def _wrap(
        cls,
        base: pd.DataFrame,
        source: str,
        rows: np.ndarray,
        refs: dict[str, str],
        codes: dict[str, tuple[np.ndarray, tuple[str, ...]]],
        extra_categories: tuple[str, ...],
        attrs: Mapping[str, Any],
    ) -> ReceiptLines:
        lines = cls(base)
        lines.attrs = dict(attrs)
        rows = np.asarray(rows, dtype=np.int64)
        rows.flags.writeable = False
        info = _Validated(source, rows, refs, codes, extra_categories, base, lines.index)
        info.memory = {c: _memory(_values(lines, c)) for c in CANONICAL_COLUMNS}
        lines._validated = info
        return lines

    # --- what it knows ----------------------------------------------------------------------

    def is_intact(self) -> bool:
        """True while the canonical columns and the index are exactly as validated."""
        info = getattr(self, "_validated", None)
        if info is None or self.index is not info.index:
            return False
        try:
            return all(_memory(_values(self, c)) == info.memory[c] for c in CANONICAL_COLUMNS)
        except (KeyError, AttributeError):  # a column removed, or two of one name
            return False

    def _info(self) -> _Validated:
        info = getattr(self, "_validated", None)
        if info is None or not self.is_intact():
            raise InputError(
                "these receipt lines were changed after they were validated; pass them "
                "through silson_tools.receipts.as_receipt_lines() again"
            )
        return info

    @property
    def source(self) -> str:
        """The file name (or :data:`FRAME_SOURCE`) problems name."""
        return self._info().source

    @property
    def rows(self) -> np.ndarray:
        """Row number a person sees, per line (read-only int64; see the module docstring)."""
        return self._info().rows

    def row_of(self, positions: npt.ArrayLike) -> np.ndarray:
        """Row numbers of lines at 0-based ``positions`` (an int, array or boolean mask)."""
        return self.rows[np.asarray(positions)]

    @property
    def given_columns(self) -> tuple[str, ...]:
        """Canonical columns the file or frame had; the others hold their default (e.g. no
        ② 공단부담금 column: ``nhis_paid`` is 0 on every line, and not in this tuple)."""
        refs = self._info().refs
        return tuple(c for c in CANONICAL_COLUMNS if c in refs)

    def column_ref(self, column: str) -> str:
        """How the person names a canonical column: ``"K열 '비급여'"``, ``"'noncovered' 열"``,
        or its label (``"입원일수 (days)"``) when the input had no such column."""
        info = self._info()
        return info.refs.get(column, COLUMN_LABELS.get(column, column))

    def codes(self, column: str) -> tuple[np.ndarray, tuple[str, ...]]:
        """``person``/``setting``/``tier``/``category`` as (code per line, names).

        ``names[code]`` is the line's value: settings and tiers in ``schema`` order,
        categories in ``schema.CATEGORIES`` order then the extra ones, persons in order of
        first appearance. Saves the engine a second pass over the text.
        """
        return self.codes_of(column)[0]

    def codes_of(self, *columns: str) -> list[tuple[np.ndarray, tuple[str, ...]]]:
        """:meth:`codes` of several columns, with one check that the lines are intact."""
        for column in columns:
            if column not in _CODED:
                raise InputError(f"codes: one of {', '.join(_CODED)}, not {column!r}")
        info = self._info()
        return [info.codes[column] for column in columns]

    def arrays(self, *columns: str) -> tuple[np.ndarray, ...]:
        """Canonical columns as numpy arrays, read straight from the frame's blocks (no
        Series is built, so ``attrs`` is not copied for each); one check that the lines are
        intact for all of them."""
        self._info()
        return tuple(np.asarray(_values(self, c)) for c in columns)

    def text_codes(self, column: str) -> tuple[np.ndarray, tuple[str, ...]] | None:
        """A free-text column given in the input (``institution``, ``visit``, ``department``)
        as (code per line, distinct texts), as validation coded it; None when it was not
        kept."""
        kept = ("institution", "visit", "department")
        return self._info().codes.get(column) if column in kept else None

    def problem(
        self, position: int, column: str | None, expected: str, value: Any = ...
    ) -> ReceiptProblem:
        """A problem on line ``position`` in the loader's words (file, row, column, value).

        ``value`` defaults to the line's value in ``column``.
        """
        info = self._info()
        if value is ... and column is not None and column in self.columns:
            value = cell_value(self[column], int(position))
        elif value is ...:
            value = None
        ref = None if column is None else self.column_ref(column)
        return ReceiptProblem(info.source, int(info.rows[int(position)]), ref, value, expected)

    def error(
        self,
        positions: npt.ArrayLike,
        column: str | None,
        expected: str,
        values: Sequence[Any] | np.ndarray | None = None,
    ) -> ReceiptError:
        """A :class:`ReceiptError` for lines at ``positions`` (ints or a mask), e.g. from the
        engine: ``raise lines.error(order[bad], "days", "입원일수 > 0 …")``. ``values``: one
        per position (default: each line's value in ``column``)."""
        where = np.asarray(positions)
        if where.dtype == bool:
            where = np.flatnonzero(where)
        where = np.atleast_1d(where).astype(np.intp)
        given = None if values is None else list(np.atleast_1d(np.asarray(values, dtype=object)))
        problems = [
            self.problem(pos, column, expected, ... if given is None else given[k])
            for k, pos in enumerate(where.tolist())
        ]
        return ReceiptError(problems, self._info().source)

    def with_zeros(self, columns: Sequence[str]) -> ReceiptLines:
        """A copy with the won ``columns`` 0 on every line, still validated (0 passes every
        check; ⑤ over_ceiling must stay at most ①, so zero it with ①)."""
        info = self._info()
        unknown = [c for c in columns if c not in WON_COLUMNS]
        if unknown:
            raise InputError(f"with_zeros: won columns ({', '.join(WON_COLUMNS)}), not {unknown}")
        base = pd.DataFrame(self).assign(**{c: np.zeros(len(self), np.int64) for c in columns})
        over, cc = (np.asarray(_values(base, c)) for c in ("over_ceiling", "covered_copay"))
        if (over > cc).any():
            raise InputError("with_zeros: ⑤ over_ceiling would exceed ① covered_copay")
        return ReceiptLines._wrap(
            base, info.source, info.rows, info.refs, info.codes, info.extra_categories, self.attrs
        )

    def select(self, where: npt.ArrayLike) -> ReceiptLines:
        """The lines at ``where`` (a boolean mask or positions), still validated.

        Unlike ``lines[mask]`` (a plain DataFrame, checked again when used), the result
        keeps the rows, file name and codes of the lines it keeps.
        """
        info = self._info()
        pos = np.asarray(where)
        if pos.dtype == bool:
            if pos.shape != (len(self),):
                raise InputError(f"select: a mask of {len(self)} values, got shape {pos.shape}")
            pos = np.flatnonzero(pos)
        pos = np.atleast_1d(pos).astype(np.intp)
        at: slice | np.ndarray = pos
        if len(pos) and pos[0] >= 0 and pos[-1] - pos[0] + 1 == len(pos):
            if len(pos) == 1 or bool((np.diff(pos) == 1).all()):
                at = slice(int(pos[0]), int(pos[-1]) + 1)  # a run of lines: views, no copy
        base = pd.DataFrame(self).iloc[at]
        codes = {c: (code[at], names) for c, (code, names) in info.codes.items()}
        return ReceiptLines._wrap(
            base, info.source, info.rows[at], info.refs, codes, info.extra_categories, self.attrs
        )


def _unit_fit(found: Mapping[str, Header], out: Mapping[str, Any], problems: Problems) -> None:
    """A column in 천원/만원 whose numbers all look like won is refused (``cells.won_like``:
    35000 under 본인부담금(만원) would be read as 3.5억원), as the file reader does."""
    said = {p.column for _, p in problems.items}
    for canonical, h in found.items():
        ref = _frame_ref(h)
        if canonical not in WON_COLUMNS or h.unit < 1000 or canonical not in out or ref in said:
            continue
        example = cells.won_like(np.asarray(out[canonical]), h.unit)
        if example is not None:
            fix = ("머리글의 단위를 지우세요", "take the unit out of the column name")
            problems.whole(cells.unit_misfit_expected(h.unit, f"머리글 {h.text!r}", example, fix),
                           column=ref, value=example)  # fmt: skip


def _alias_table(aliases: str | Path | Aliases | None) -> Aliases:
    if aliases is None:
        return default_aliases()
    if isinstance(aliases, Aliases):
        return aliases
    return load_aliases(aliases)


class _Columns:
    """A frame's columns by header, each made into a Series once (``frame.iloc[:, j]``
    without the indexer's set-up; every check of one frame reads the same Series)."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self.made: dict[int, pd.Series] = {}

    def __call__(self, header: Header) -> pd.Series:
        j = header.index
        if j not in self.made:
            try:
                self.made[j] = self.frame._ixs(j, axis=1)
            except AttributeError:  # pragma: no cover - another pandas
                self.made[j] = self.frame.iloc[:, j]
        return self.made[j]


def _frame_ref(header: Header) -> str:
    return f"'{header.text}' 열"


def _beyond_cells(
    frame: pd.DataFrame,
    column: _Columns,
    headers: list[Header],
    found: dict[str, Header],
    raw: dict[str, RawColumn],
    aliases: Aliases,
    problems: Problems,
) -> tuple[list[str], list[str]]:
    """The file reader's checks beyond one column's cells, made on a DataFrame in the same
    words (``table.py``): a bare amount column beside one in 천원/만원, a money unit on a
    column that is not an amount, a column not read saying 합계/소계, 요양기관종류
    치과의원/한의원 carrying 치과/한방 into a blank 항목 (``raw["category"]`` replaced) or
    한방병원 asking for it, a 횟수 column above 1, and the columns of ``sides.py``.
    Work per distinct value. Returns (notes, headers checked rather than ignored)."""
    scaled = [(_frame_ref(h), h.unit) for c, h in found.items()
              if c in WON_COLUMNS and h.unit_text is not None and h.unit != 1]  # fmt: skip
    scaled += [(_frame_ref(h), h.unit) for h in headers if h.canonical is None and h.unit != 1]
    if scaled:  # another column (read or not: 합계(천원)) is in 천원: a bare one could be too
        for canonical, h in found.items():
            if canonical in WON_COLUMNS and h.unit_text is None:
                problems.whole(bare_unit_expected(*scaled[0]), column=_frame_ref(h))
    for canonical, h in found.items():
        if canonical not in WON_COLUMNS and h.unit_text is not None and h.unit != 1:
            problems.whole(not_amount_unit_expected(h.unit_text), column=_frame_ref(h))
            raw[canonical] = replace(raw[canonical], unit=1)
    for h in headers:  # a column not read (번호, 비고) saying 합계/소계: a total row
        if h.canonical is None or found.get(h.canonical) is not h:
            total_cells(column(h), _frame_ref(h), problems)
    notes: list[str] = []
    if "tier" in raw and aliases.kinds:
        tier_codes = _factorize(raw["tier"].values)
        raw["tier"] = replace(raw["tier"], coded=tier_codes)
        if any(not cells.is_blank(u) and normalize(cells.text(u)) in aliases.kinds
               for u in tier_codes[1]):  # fmt: skip
            category = None
            if "category" in raw:
                cat_codes = _factorize(raw["category"].values)
                raw["category"] = replace(raw["category"], coded=cat_codes)
                category = _coded(*cat_codes)
            cat_ref = raw["category"].ref if "category" in raw else None
            filled, kind_notes = carry_kinds(_coded(*tier_codes), category, aliases,
                                             raw["tier"].ref, cat_ref, problems)  # fmt: skip
            if filled is not None:
                ref = cat_ref or f"{raw['tier'].ref} (항목)"
                raw["category"] = RawColumn("category", _Coded.of(filled).series(), ref)
                notes.extend(kind_notes)
    checked = side_problems(headers, column, _frame_ref, aliases,
                            problems)  # fmt: skip
    by_dept, dept_notes, dept = department_kinds(headers, column,
                                                 _frame_ref, raw.get("category"), len(frame),
                                                 aliases, problems)  # fmt: skip
    if by_dept is not None:
        raw["category"] = RawColumn("category", _Coded.of(by_dept.values).series(), by_dept.ref)
    notes.extend(dept_notes)
    checked += [dept] if dept is not None else []
    end = stay_end_column(headers, column, _frame_ref, raw, aliases)
    checked += [end] if end is not None else []  # 진료종료일, 퇴원일: checked, not ignored
    notes.extend(checked_note(checked))
    counted = {
        h.index: column(h).to_numpy()
        for h in headers
        if h.canonical is None and is_count_header(h.text, aliases)
    }
    inpatient, stay_notes, stay = stay_counts(headers, column,
                                              _frame_ref, raw, aliases)  # fmt: skip
    notes.extend(stay_notes)
    checked += [stay] if stay is not None else []
    if counted:
        notes.extend(count_problems(headers, counted, np.arange(len(frame)), aliases, problems,
                                    _frame_ref, inpatient))  # fmt: skip
    return notes, checked


def _coded(codes: np.ndarray, uniques: list[Any]) -> _Coded:
    """``_factorize``'s answer as table.py's coded column (missing → a last, blank entry)."""
    if len(codes) and codes.min() < 0:
        codes = np.where(codes < 0, len(uniques), codes)
    blanks = np.array([*(cells.is_blank(u) for u in uniques), True], dtype=bool)
    return _Coded(codes, [*uniques, None], blanks)


def _blank_cells(values: Any) -> np.ndarray:
    """Which cells are blank (each distinct cell looked at once; a number column: NaN)."""
    if pd.api.types.is_numeric_dtype(getattr(values, "dtype", None)):
        return pd.isna(np.asarray(values))
    codes, uniques = _factorize(values)
    return np.array([cells.is_blank(u) for u in uniques] + [True], dtype=bool)[codes]


def _total_columns(column: _Columns, headers: list[Header], names: frozenset[str]
                   ) -> list[tuple[str, Any, int]]:  # fmt: skip
    """Columns not read that hold a line's 진료비 총액 or what the patient paid (``names``:
    their headers; ``kinds.total_problems``)."""
    return [(_frame_ref(h), column(h), h.unit if h.unit_text is not None else 1)
            for h in headers if h.canonical is None
            and normalize(_NOTE_RE.sub("", str(h.text))) in names]  # fmt: skip


def _frame_rows(frame: pd.DataFrame, source: str | None) -> tuple[str, np.ndarray, str]:
    """(name for messages, row number per line, what the numbers are)."""
    index = frame.index
    origin = frame.attrs.get("source", {})
    from_file = isinstance(origin, dict) and origin.get("format") in ("csv", "xlsx")
    if pd.api.types.is_integer_dtype(index.dtype):
        rows = index.to_numpy(dtype=np.int64)
        if source is None and from_file and index.name == "row":
            return Path(str(origin.get("file"))).name, rows, "sheet rows"
        return source or FRAME_SOURCE, rows, "index labels"
    positions = np.arange(len(frame), dtype=np.int64)
    return source or FRAME_POSITION_SOURCE, positions, "0-based positions"


def as_receipt_lines(
    obj: pd.DataFrame | Mapping[str, Any] | Sequence[Mapping[str, Any]],
    *,
    extra_categories: Sequence[str] = (),
    source: str | None = None,
) -> ReceiptLines:
    """``obj`` as validated receipt lines: an intact :class:`ReceiptLines` comes back as is.

    Anything else is validated (:meth:`ReceiptLines.from_frame`): a DataFrame, a changed
    ReceiptLines, a mapping of columns or a list of records. ``extra_categories``: category
    codes a custom rule file adds (a ReceiptLines validated without them passes as is).
    Raises :class:`~silson_tools.errors.ReceiptError` naming every bad line.
    """
    extra = tuple(str(c) for c in extra_categories if c not in CATEGORIES)
    if _as_is(obj, extra):
        return obj
    if isinstance(obj, pd.DataFrame):
        return ReceiptLines.from_frame(obj, source=source, extra_categories=extra)
    if isinstance(obj, Mapping) or (isinstance(obj, Sequence) and not isinstance(obj, str | bytes)):
        return ReceiptLines.from_frame(pd.DataFrame(obj), source=source, extra_categories=extra)
    raise InputError(
        "receipts must be a DataFrame, ReceiptLines, a mapping of columns or a list of "
        f"records, got {type(obj).__name__}"
    )


def _as_is(obj: object, extra: tuple[str, ...]) -> bool:
    """True when ``obj`` is an intact ReceiptLines that :func:`as_receipt_lines` hands back
    unchanged under the extra categories ``extra`` (it has no category outside them)."""
    if not (isinstance(obj, ReceiptLines) and obj.is_intact() and obj._validated is not None):
        return False
    info = obj._validated
    if set(info.extra_categories) <= set(extra):
        return True
    codes, names = info.codes["category"]
    counts = np.bincount(codes, minlength=len(names))
    return {names[i] for i in np.flatnonzero(counts)} <= {*CATEGORIES, *extra}
