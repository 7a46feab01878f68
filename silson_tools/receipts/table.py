"""A file's grid → the receipt table: header, unit notes, lines, merged and blank cells.

What a person's sheet means, decided here once (the README's receipts section says the same):

- **Header**: the first row (of the first 20) naming two known columns. A header cell merged
  down over the next row makes a two-row header: the lower cell names the column, the upper
  one where the lower is empty or part of the merge.
- **Units** (``unitnotes.py``, ``units.py``): a header's own unit, the merged group cell
  above it, a note above the table (``※ 천원 단위``) and XLSX number formats must agree;
  unreadable unit notes, a unit on one amount column next to bare ones and scaling formats
  with no unit are refused.
- **Kinds of institution, 횟수 columns, hidden rows** (``kinds.py``): 한의원/치과의원 carry
  한방/치과 into a blank 항목; a count above 1 and (by default) lines on hidden rows are
  refused.
- **Merged cells** (XLSX) are honoured: every cell of a merged range holds its top-left
  value (listed in the summary). A merged range that covers more than one cell of an amount
  or 입원일수 column is refused: one amount cannot be several lines' amount.
- **Blank cells**: a blank amount is 0 (counted in the summary). A blank 이름 or 병원명 in a
  column that names someone/somewhere on other lines is refused (it could mean "same as
  above" or "nobody"); a blank 항목 under a line with a 항목 other than 일반 is refused (it
  could mean "same treatment" or "general care"); write the value, or ``일반``. Blank
  진료일/진료구분/요양기관종류 are refused as required.
- **CSV records longer than the header** (an unquoted ``2,700`` splits into two fields) are
  refused, naming the split amount.
- Formula cells without a saved value and error values (``#N/A``) in a column read are
  refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import pandas as pd

from ..errors import ReceiptError, ReceiptProblem
from ..schema import ASKED_WHEN_NEEDED, COLUMN_LABELS, OPTIONAL_COLUMNS, WON_COLUMNS
from . import cells, flags
from .crosscheck import total_cells
from .grid import Grid
from .header import (
    HEADER_SEARCH_ROWS,
    Aliases,
    Header,
    find_header,
    letter,
    map_header,
    normalize,
)
from .kinds import carry_kinds, count_problems, hidden_lines, stay_counts
from .rowshape import above_header, csv_shape, index_column
from .sides import (
    STRUCK_EXPECTED,
    added_headers,
    checked_note,
    department_kinds,
    medical_aid_positions,
    old_noncovered_parts,
    side_problems,
    with_prepaid,
)
from .staydates import stay_end_column
from .unitnotes import amount_units, footnotes, title_unit, units_elsewhere
from .units import note_unit, unit_name
from .validate import Problems, RawColumn, _factorize, column_ref, map_headers
from .xlsx import ExcelError, Formula, cell_ref

__all__ = ["GridTable", "grid_columns"]

_NOTE_RE = re.compile(r"[(\[（【][^)\]）】]*[)\]）】]")
_SPLIT_HEAD = re.compile(r"^\s*[₩￦]?\s*\d{1,3}\s*$")
_SPLIT_TAIL = re.compile(r"^\s*\d{3}(?:\.\d+)?\s*(?:원)?\s*$")
_FREE_TEXT: Final = ("person", "institution")
_SHOWN: Final = 8


@dataclass
class GridTable:
    """What ``grid_columns`` found: the columns, the lines' row numbers and the facts."""

    found: dict[str, RawColumn]
    problems: Problems
    n: int
    source: dict[str, Any]
    totals: list[tuple[Any, ...]] = field(default_factory=list)
    """Columns not read that hold a line's 진료비 총액: (column, cell per line, unit, lines
    whose ② is blank), for the check that ① + ② + ③ + ④ adds up to it
    (``kinds.total_problems``)."""
    patient: list[tuple[Any, ...]] = field(default_factory=list)
    """Columns not read that hold what the patient paid (환자부담총액, 납부할 금액): same shape,
    a ⑩ with the ⑨ 이미 납부한 금액 column as a fourth item (``sides.with_prepaid``)."""
    old_noncovered: list[tuple[str, np.ndarray, int]] = field(default_factory=list)
    """선택진료료 columns beside a ④ of 선택진료료 이외, added into ④ (``sides.py``)."""


@dataclass
class _Coded:
    """A column as (code per cell, distinct values): each distinct value is looked at once,
    and the checks downstream get a categorical column instead of hashing text again."""

    codes: np.ndarray
    uniques: list[Any]
    blanks: np.ndarray
    """Per distinct value (and a last entry for code −1): is it a blank cell?"""

    @classmethod
    def of(cls, values: np.ndarray) -> _Coded:
        codes, uniques = _factorize(values)
        if len(codes) and codes.min() < 0:
            codes = np.where(codes < 0, len(uniques), codes)
        blanks = np.array([*(cells.is_blank(u) for u in uniques), True], dtype=bool)
        return cls(codes, [*uniques, None], blanks)

    def blank(self) -> np.ndarray:
        return self.blanks[self.codes]

    def take(self, where: np.ndarray) -> _Coded:
        return _Coded(self.codes[where], self.uniques, self.blanks)

    def values(self) -> np.ndarray:
        table = np.empty(len(self.uniques), dtype=object)
        table[:] = self.uniques
        return table[self.codes]

    def set(self, mask: np.ndarray, value: Any) -> _Coded:
        codes = self.codes.copy()
        codes[mask] = len(self.uniques)
        blanks = np.append(self.blanks, cells.is_blank(value))
        return _Coded(codes, [*self.uniques, value], blanks)

    def series(self) -> pd.Series | np.ndarray:
        """A categorical Series (equal values merged, blanks missing); the cells themselves
        when one is a boolean (pandas is deprecating indexes of booleans as categories)."""
        if any(type(u) is bool for u in self.uniques):
            return self.values()
        table = np.empty(len(self.uniques), dtype=object)
        table[:] = self.uniques
        keep = ~self.blanks
        merged, categories = pd.factorize(table[keep])
        remap = np.full(len(self.uniques), -1, dtype=np.int64)
        remap[keep] = merged
        codes = remap[self.codes]
        index = pd.Index(categories, dtype=object)
        return pd.Series(pd.Categorical.from_codes(codes, categories=index))


def _blank_mask(values: np.ndarray) -> np.ndarray:
    """Blank cells of a column: one check per distinct value."""
    if not len(values):
        return np.zeros(0, dtype=bool)
    return _Coded.of(values).blank()


def _header(grid: Grid, at: int) -> tuple[list[Any], int, dict[int, tuple[int, str]]]:
    """Header texts, the first body row, and the group cells of a two-row header (column →
    (row, text) of the upper cell a lower name replaced: ``금액 (단위: 천원)``); a header
    merged down spans two rows."""
    texts = grid.row(at)
    if at + 1 < grid.n_rows:  # a row of units under the header: (천원) under 본인부담금
        below = grid.row(at + 1)
        filled = [j for j, v in enumerate(below) if not cells.is_blank(v)]
        if filled and all(_unit_only(below[j]) and isinstance(texts[j], str) for j in filled):
            for j in filled:
                texts[j] = f"{texts[j]} ({str(below[j]).strip().strip('()[]（）')})"
            return texts, at + 2, {}
    down = [m for m in grid.merges if m[0] == at and m[2] > at]
    if not down or at + 1 >= grid.n_rows:
        return texts, at + 1, {}
    covered = {j for m in down for j in range(m[1], m[3] + 1)}
    below = grid.row(at + 1)
    groups: dict[int, tuple[int, str]] = {}
    for j, lower in enumerate(below):
        if j not in covered and not cells.is_blank(lower):
            upper = texts[j] if isinstance(texts[j], str) and texts[j].strip() else None
            if upper is not None and _unit_only(lower):  # 본인부담금 over (천원): one header
                texts[j] = f"{upper} ({str(lower).strip().strip('()[]（）')})"
                continue
            if upper is not None:
                groups[j] = (at, upper)
            texts[j] = lower
    return texts, at + 2, groups


def _unit_only(text: Any) -> bool:
    """Is a cell only a unit (``(천원)``, ``단위: 만원``, ``원``)?"""
    return isinstance(text, str) and note_unit(text.strip().strip("()[]（）")) is not None


def grid_columns(grid: Grid, name: str, aliases: Aliases, hidden_rows: str = "refuse"
                 ) -> GridTable:  # fmt: skip
    """Find the header, map it, collect the lines; table problems go to ``problems``.

    ``hidden_rows``: lines on rows hidden in Excel are refused (``"refuse"``), read
    (``"read"``) or left out (``"skip"``); see ``kinds.py``."""
    label = f"{name}, 시트 {grid.sheet!r}" if len(grid.sheets) > 1 else name
    head = grid.head(HEADER_SEARCH_ROWS)
    header_at = find_header(head, aliases)
    if header_at is None:
        filled = [row for row in head if any(not cells.is_blank(c) for c in row)]
        if not filled and not _any_value(grid):
            raise ReceiptError.one(label, "빈 파일입니다: 머리글 줄과 영수증 줄이 필요합니다 "
                                   "(empty; expected a header row and receipt lines)")  # fmt: skip
        first = filled[0] if filled else []
        raise ReceiptError.one(
            label,
            f"머리글 줄을 찾지 못했습니다 (no header row found in the first {HEADER_SEARCH_ROWS} "
            "rows): 필요한 열 (columns needed) date, setting, tier, covered_copay, noncovered",
            value=[c for c in first if not cells.is_blank(c)][:20] or None,
        )
    texts, body_at, groups = _header(grid, header_at)
    header_row = header_at + 1
    headers = [map_header(cell, j, aliases) for j, cell in enumerate(texts)]
    while headers and cells.is_blank(headers[-1].text):
        headers.pop()
    width = len(headers)

    # --- which rows are lines ----------------------------------------------------------
    columns = [col[body_at:] for col in grid.columns]
    total = max(grid.n_rows - body_at, 0)
    mapped = {h.index for h in headers if h.canonical is not None}
    coded = {j: _Coded.of(columns[j]) for j in sorted(mapped)}
    blank = np.ones(total, dtype=bool)
    for j in mapped:
        blank &= coded[j].blank()
    for j, col in enumerate(columns):
        idx = np.flatnonzero(blank)
        if not len(idx):
            break
        if j not in mapped:
            blank[idx] = _blank_mask(col[idx])
    if grid.merges:
        blank |= _only_merge_copies(grid, body_at, total, coded, columns, mapped)
    keep = np.flatnonzero(~blank)
    below = footnotes(grid, body_at, keep)
    if below:  # note rows under the table are read as unit notes, not as lines
        keep = keep[~np.isin(keep + body_at, [i for i, _ in below])]
    notes = list(grid.notes)
    if below:
        shown = ", ".join(f"{cell_ref(i, j)} {grid.columns[j][i]!r}" for i, j in below)
        notes.append("표 아래의 메모 줄은 영수증 줄로 읽지 않았습니다 (note rows under the "
                     f"table are not receipt lines): {shown}")  # fmt: skip
    if hidden_rows == "skip":
        left_out, skipped = hidden_lines(grid.hidden_rows, body_at, keep, "skip", None, None)
        keep = keep[~left_out]
        notes.extend(skipped)
    numbers = keep + body_at + 1
    problems = Problems(label, numbers.astype(np.int64))
    if grid.struck_rows:  # 취소선: the usual way to mark a cancelled line in a sheet
        struck = np.isin(keep + body_at, np.fromiter(grid.struck_rows, dtype=np.int64))
        _struck(grid, headers, keep + body_at, np.flatnonzero(struck), problems)
    if hidden_rows != "skip":
        notes.extend(hidden_lines(grid.hidden_rows, body_at, keep, hidden_rows, problems,
                                  None)[1])  # fmt: skip
    unit, unit_cell, unit_problems = title_unit(grid, header_at, headers, label, below)
    for problem in unit_problems:
        problems.items.append((-1, problem))
    found, ignored = map_headers(headers, problems, header_row, aliases, column_ref)
    _header_problems(headers, problems, header_row)
    problems.items.extend((-1, p) for p in above_header(grid, header_at, found, aliases, label,
                                                       column_ref))  # fmt: skip
    if not len(keep):
        problems.whole("머리글 아래에 영수증 줄이 없습니다 (no receipt lines below the header)",
                       row=header_row)  # fmt: skip
        raise problems.error()
    whole = len(keep) == total
    if not whole:
        coded = {j: c.take(keep) for j, c in coded.items()}
    long = np.zeros(len(keep), dtype=bool)
    if grid.lengths is not None:
        long = _long_records(grid, header_at, body_at, keep, headers, problems)
    if grid.format == "csv":
        long = csv_shape(grid, body_at, keep, headers, found, long, problems, column_ref)
    _outside([col if whole else col[keep] for col in columns[width:]], width, long, problems)
    merged = _merges(grid, body_at, found, problems, label, keep)
    if merged:
        notes.append(
            "병합된 칸은 왼쪽 위 값으로 채웠습니다 (merged cells read as their top-left value): "
            + ", ".join(merged[:_SHOWN]) + (f" 외 {len(merged) - _SHOWN}개" if len(merged)
                                             > _SHOWN else "")
        )  # fmt: skip

    notes.extend(_hidden(grid, body_at, keep, headers))
    note = (unit, unit_cell) if unit is not None and unit_cell is not None else None
    col_units = amount_units(grid, found, groups, note, keep + body_at, problems, header_row,
                             headers)  # fmt: skip
    units_elsewhere(grid, col_units, problems, name)
    raw: dict[str, RawColumn] = {}
    nhis_blank = np.zeros(len(keep), dtype=bool)  # ② cells left blank: ② unknown
    blank_amounts: dict[str, int] = {}
    units: dict[str, str] = {}
    for h in headers:
        if cells.is_blank(h.text):
            values = columns[h.index] if whole else columns[h.index][keep]
            if h.index == 0 and (said := index_column(values)):
                notes.append(said)
                continue
            problems.at(np.flatnonzero(~_blank_mask(values)), f"{letter(h.index)}열 (머리글 "
                        "없음, no header)", values, "머리글이 있는 열 안의 값 (a value under a "
                        "header: give this column a header, or clear the value)")  # fmt: skip
            continue
        if h.canonical is None or found.get(h.canonical) is not h:  # not read: 번호, 비고
            total_cells(columns[h.index] if whole else columns[h.index][keep], column_ref(h),
                        problems)  # fmt: skip
            continue
        ref = column_ref(h)
        col = coded[h.index]
        if grid.format == "xlsx":
            special = _specials(col, ref, problems)
            if special is not None:
                col = col.set(special, None)
        col_unit = h.unit
        if h.canonical in WON_COLUMNS:
            col_unit = col_units[h.canonical].multiplier
            if col_units[h.canonical].shown is not None:
                units[h.canonical] = col_units[h.canonical].shown or ""
            empty = col.blank()
            if h.canonical == "nhis_paid":
                nhis_blank = np.asarray(empty, dtype=bool)
            if empty.any():
                blank_amounts[h.canonical] = int(empty.sum())
                col = col.set(empty, 0)
        elif h.unit_text is not None and h.unit != 1:
            problems.whole(f"이 열에는 금액 단위를 쓰지 않습니다 (a money unit on a column that "
                           f"is not an amount: {h.unit_text})", row=header_row,
                           column=ref)  # fmt: skip
        elif h.canonical in _FREE_TEXT:
            _blank_names(h.canonical, col.blank(), ref, problems)
        coded[h.index] = col
        raw[h.canonical] = RawColumn(h.canonical, col.series(), ref, col_unit)
    if "tier" in raw:
        cat = found.get("category")
        filled, kind_notes = carry_kinds(
            coded[found["tier"].index], coded[cat.index] if cat is not None else None, aliases,
            raw["tier"].ref, raw["category"].ref if "category" in raw else None, problems,
        )  # fmt: skip
        if filled is not None:
            ref = raw["category"].ref if "category" in raw else f"{raw['tier'].ref} (항목)"
            kind_col = _Coded.of(filled)
            if cat is not None:
                coded[cat.index] = kind_col
            raw["category"] = RawColumn("category", kind_col.series(), ref)
            notes.extend(kind_notes)
    def cells_of(h: Header) -> np.ndarray:
        return columns[h.index] if whole else columns[h.index][keep]

    checked = side_problems(headers, cells_of, column_ref, aliases, problems)
    by_dept, dept_notes, dept = department_kinds(headers, cells_of, column_ref,
                                                 raw.get("category"), len(keep), aliases,
                                                 problems)  # fmt: skip
    if by_dept is not None:
        raw["category"] = by_dept
    notes.extend(dept_notes)
    checked += [dept] if dept is not None else []
    end = stay_end_column(headers, cells_of, column_ref, raw, aliases)  # 진료종료일, 퇴원일
    checked += [end] if end is not None else []
    notes.extend(checked_note(checked))
    ignored = [t for t in ignored if t not in checked and t not in added_headers(headers, aliases)]
    inpatient, stay_notes, stay = stay_counts(headers, cells_of, column_ref, raw, aliases)
    notes.extend(stay_notes)
    ignored = [t for t in ignored if t != stay]
    notes.extend(count_problems(headers, columns, keep, aliases, problems, None, inpatient))
    if grid.date1904 and "date" in raw:
        _plain_day_numbers(coded[found["date"].index], raw["date"].ref, problems)
    keys = {c: (coded[found[c].index], _key_reader(c, aliases))
            for c in ("person", "institution", "date", "tier") if c in raw and c in found}
    general = {k for k, v in aliases.values["category"].items() if v == ""}
    setting = None
    if "setting" in found and "category" in found:  # a 입원-only 항목 does not go on 외래
        setting = (coded[found["setting"].index], _key_reader("setting", aliases),
                   coded[found["category"].index], _key_reader("category", aliases))
    for column, specific, means in _CONTINUED:
        if column in raw and column in found:
            _blank_continuation(
                column, coded[found[column].index], keys, raw[column].ref, problems,
                (lambda u, g=general: normalize(cells.text(u)) not in g) if specific is None
                else specific, means, setting if column == "category" else None,
            )  # fmt: skip
    if blank_amounts:
        notes.append(
            "빈 금액 칸은 0원으로 읽었습니다 (blank amount cells read as 0): "
            + ", ".join(f"{found[c].text} {n:,}칸" for c, n in blank_amounts.items())
        )
    if "person" in raw and coded[found["person"].index].blank().all():
        notes.append(f"이름 칸이 모두 비어 모든 줄을 {OPTIONAL_COLUMNS['person']!r}으로 읽었습니다 "
                     "(every 이름 cell is blank: one person)")  # fmt: skip
    if unit is not None:
        notes.append(f"{unit_cell} 칸의 '{unit_name(unit)}' 단위 표시를 자기 단위가 없는 금액 열에 "
                     f"적용했습니다 (the unit note in {unit_cell} applies to amount columns "
                     "without their own unit)")  # fmt: skip
    source: dict[str, Any] = {
        "file": name,
        "format": grid.format,
        "encoding": grid.encoding,
        "sheet": grid.sheet,
        "sheets": grid.sheets,
        "header_row": header_row,
        "columns": {c: h.text for c, h in found.items()},
        "units": units,
        "defaulted": [c for c in OPTIONAL_COLUMNS
                      if c not in found and c not in ASKED_WHEN_NEEDED
                      and not (c == "days" and "days" in raw)],
        "ignored_columns": ignored,
        "blank_rows": (np.flatnonzero(blank) + body_at + 1).tolist(),
        "blank_amounts": blank_amounts,
        "merged": merged,
        "notes": notes,
        "lines": len(keep),
    }
    aid = medical_aid_positions(headers, cells_of, aliases)
    if aid is not None:  # which lines say 의료급여 (the report: its 상한제 is not modelled)
        source["medical_aid_rows"] = [int(problems.rows[k]) for k in aid]
    def totals_of(names: frozenset[str]) -> list[tuple[str, np.ndarray, int]]:
        return [(column_ref(h), cells_of(h), h.unit if h.unit_text is not None else (unit or 1))
                for h in headers if h.canonical is None
                and normalize(_NOTE_RE.sub("", str(h.text))) in names]  # fmt: skip

    totals = [(*t, nhis_blank) for t in totals_of(aliases.total_headers)]
    return GridTable(raw, problems, len(keep), source, totals,
                     with_prepaid(totals_of(aliases.side.get("patient_total", frozenset())),
                                  headers, cells_of, column_ref, aliases, unit or 1),
                     old_noncovered_parts(headers, cells_of, column_ref, aliases, unit or 1))


def _struck(grid: Grid, headers: list[Header], rows: np.ndarray, positions: np.ndarray,
            problems: Problems) -> None:  # fmt: skip
    """Struck-through lines refused, each naming its first struck cell (column, value)."""
    by_index = {h.index: h for h in headers if not cells.is_blank(h.text)}
    for pos in positions.tolist():
        row = int(rows[pos])
        j = grid.struck_cells.get(row)
        if j is None:
            problems.at([pos], None, None, STRUCK_EXPECTED)
            continue
        h = by_index.get(j)
        ref = column_ref(h) if h is not None else f"{letter(j)}열"
        value = grid.columns[j][row] if j < len(grid.columns) else None
        problems.at([pos], ref, {pos: value}, STRUCK_EXPECTED)


def _header_problems(headers: list[Header], problems: Problems, header_row: int) -> None:
    """Header cells that cannot be read as they stand (a unit or note refused)."""
    said = {(p.column, p.expected) for _, p in problems.items}
    for h in headers:
        if h.problem is not None and h.canonical is not None:
            if (column_ref(h), h.problem) not in said:
                problems.whole(h.problem, row=header_row, column=column_ref(h), value=h.text)


def _hidden(grid: Grid, body_at: int, keep: np.ndarray, headers: list[Header]) -> list[str]:
    """Hidden columns that are read: read, and said so (hidden rows: ``kinds.py``)."""
    notes = []
    cols = [h for h in headers if h.canonical is not None
            and any(a <= h.index <= b for a, b in grid.hidden_cols)]  # fmt: skip
    if cols:
        notes.append("Excel에서 숨긴 열도 읽었습니다 (hidden columns were read too): "
                     + ", ".join(column_ref(h) for h in cols))  # fmt: skip
    return notes


def _plain_day_numbers(col: _Coded, ref: str, problems: Problems) -> None:
    """A 1904 workbook (Mac Excel) counts its day numbers from 1904: a plain number in the
    date column is refused rather than read as a 1900 day number (4 years off)."""
    plain = np.array([type(u) in (int, float) for u in col.uniques], dtype=bool)[col.codes]
    problems.at(np.flatnonzero(plain), ref, col.values(),
                "날짜 서식의 칸 (a cell formatted as a date: this workbook counts days from "
                "1904, so a plain number here is not read as a date)")  # fmt: skip


def _any_value(grid: Grid) -> bool:
    return any(not _blank_mask(col).all() for col in grid.columns)


def _outside(body: list[np.ndarray], width: int, long: np.ndarray, problems: Problems) -> None:
    """Values right of the last header (``body[k]`` is column ``width + k``): lost otherwise.
    Records already refused as too long (``long``) are not named again."""
    for k, values in enumerate(body):
        filled = np.flatnonzero(~_blank_mask(values) & ~long)
        problems.at(
            filled, f"{letter(width + k)}열 (머리글 없음, no header)", values,
            "머리글이 있는 열 안의 값 (a value under a header; 쉼표가 든 금액은 따옴표로 "
            '감싸야 합니다 — in CSV, amounts with commas must be quoted, e.g. "12,000")',
        )  # fmt: skip


def _long_records(grid: Grid, header_at: int, body_at: int, keep: np.ndarray,
                  headers: list[Header], problems: Problems) -> np.ndarray:  # fmt: skip
    """CSV records with more fields than the header (an unquoted ``2,700`` split in two):
    refused; returns their mask."""
    assert grid.lengths is not None
    lengths = grid.lengths[body_at:][keep]
    header_len = max(int(grid.lengths[header_at]), len(headers))
    allowed = header_len
    one_more = lengths == header_len + 1
    if one_more.sum() > 2 * (lengths == header_len).sum():
        rows = keep[one_more] + body_at
        if _blank_mask(grid.columns[header_len][rows]).all():
            allowed = header_len + 1  # records end in one more, empty, field than the header
    long = lengths > allowed
    for pos in np.flatnonzero(long).tolist():
        i = int(keep[pos]) + body_at
        fields = [str(grid.columns[j][i]) for j in range(int(lengths[pos]))]
        split = next((j for j in range(len(fields) - 1) if _SPLIT_HEAD.match(fields[j])
                      and _SPLIT_TAIL.match(fields[j + 1])), None)  # fmt: skip
        extra = int(lengths[pos]) - header_len
        if split is not None:
            column = column_ref(headers[split]) if split < len(headers) else f"{letter(split)}열"
            end = split + 1  # 1,234,567 splits into three fields
            while end + 1 < len(fields) and end - split < extra and _SPLIT_TAIL.match(
                fields[end]
            ) and fields[end].strip().isdigit():
                end += 1
            value: Any = ",".join(f.strip() for f in fields[split : end + 1])
            parts = end - split + 1
            hint = (f"따옴표 없이 쉼표를 쓴 금액 {value}이 {parts}칸으로 나뉘어 뒤 값이 밀렸습니다 "
                    f'(the unquoted amount {value} was split into {parts} fields, shifting the '
                    f'rest right): "{value}"처럼 따옴표로 감싸거나 쉼표를 빼세요 (quote it or '
                    "drop the comma)")  # fmt: skip
        else:
            column, value = None, None
            hint = "칸 수를 머리글에 맞추세요 (make the fields match the header)"
        problems.items.append((pos, ReceiptProblem(
            problems.source, i + 1, column, value,
            f"머리글보다 칸이 {extra}개 많은 줄 (a record with {extra} more field(s) than the "
            f"header's {header_len}): {hint}",
        )))  # fmt: skip
    return long


def _only_merge_copies(grid: Grid, body_at: int, total: int, coded: dict[int, _Coded],
                       columns: list[np.ndarray], mapped: set[int]) -> np.ndarray:  # fmt: skip
    """Rows whose only values are copies of a merged range's top-left cell (a 이름 merged
    further down than the lines): blank rows, not lines."""
    copies = np.zeros(total, dtype=np.int64)
    for r0, c0, r1, c1 in grid.merges:
        first, last = max(r0, body_at) - body_at, r1 - body_at
        if last < 0 or cells.is_blank(grid.columns[c0][r0]):
            continue
        copies[first : last + 1] += c1 - c0 + 1
        if r0 >= body_at:
            copies[r0 - body_at] -= 1  # the top-left cell is the value itself
    filled = np.zeros(total, dtype=np.int64)
    for j, col in enumerate(columns):
        filled += ~(coded[j].blank() if j in mapped else _blank_mask(col))
    return (copies > 0) & (filled <= copies)


def _merges(grid: Grid, body_at: int, found: dict[str, Header], problems: Problems,
            label: str, keep: np.ndarray) -> list[str]:  # fmt: skip
    """Merged ranges in the body: listed; refused where they cover amounts or days of more
    than one line, or more than one amount column."""
    numeric = {h.index: h for c, h in found.items() if c in WON_COLUMNS or c == "days"}
    lines = keep + body_at
    listed: list[str] = []
    for r0, c0, r1, c1 in grid.merges:
        if r1 < body_at:
            continue
        where = f"{cell_ref(r0, c0)}:{cell_ref(r1, c1)}"
        hit = [numeric[j] for j in range(c0, c1 + 1) if j in numeric]
        spans = int(np.count_nonzero((lines >= r0) & (lines <= r1)))
        if hit and (spans > 1 or c1 > c0):
            problems.items.append((-1, ReceiptProblem(
                label, r0 + 1, column_ref(hit[0]), grid.columns[c0][r0],
                f"병합되지 않은 금액·일수 칸 (an unmerged amount or days cell; {where} is merged, "
                "so one number would count on several lines or columns: unmerge it and write "
                "each line's own number)",
            )))  # fmt: skip
            continue
        value = grid.columns[c0][r0]
        listed.append(f"{where} ({cells.text(value) if not cells.is_blank(value) else '빈칸'})")
    return listed


def _specials(col: _Coded, ref: str, problems: Problems) -> np.ndarray | None:
    """Formulas with no saved value and Excel error values in a column that is read; the
    mask of those cells (None when there are none)."""
    kinds = [type(u) in (Formula, ExcelError) for u in col.uniques]
    if not any(kinds):
        return None
    mask = np.array(kinds, dtype=bool)[col.codes]
    for pos in np.flatnonzero(mask).tolist():
        value = col.uniques[col.codes[pos]]
        if isinstance(value, Formula):
            expected = ("저장된 값이 있는 셀 (a cell with a saved value: this formula was never "
                        "calculated and saved — open the file in Excel and save it, or type "
                        "the value)")  # fmt: skip
        else:
            expected = "오류가 아닌 값 (a value, not an Excel error: fix the formula)"
        problems.items.append(
            (pos, ReceiptProblem(problems.source, int(problems.rows[pos]), ref, str(value),
                                 expected))
        )  # fmt: skip
    return mask


def _blank_names(canonical: str, empty: np.ndarray, ref: str, problems: Problems) -> None:
    """Blank 이름/병원명 cells in a column that names someone/somewhere on other lines."""
    if empty.any() and not empty.all():
        problems.at(
            np.flatnonzero(empty), ref, None,
            f"{COLUMN_LABELS[canonical]} 값 (a value: other lines have one, so a blank here "
            "could mean 'same as above' or 'none' — write it on every line, or merge the "
            "cells in Excel)",
        )  # fmt: skip


_CONTINUED: Final = (
    ("category", None, "the same treatment or general care — write it on every line, or "
     "'일반' for general care"),
    ("severe", lambda u: flags.parse_severe(u)[0] is True, "the same (산정특례) or no — write "
     "예 or 아니오 on every line"),
    ("diagnosis", lambda u: True, "the same diagnosis or none — write the code on every line"),
)  # fmt: skip
"""Columns whose blank cell has a meaning of its own (일반, no, none), and which values
above make a blank ambiguous (None: any 항목 but 일반)."""


_ONLY_IN: Final = {"room_upgrade": "inpatient"}
"""항목 that only an 입원 line carries (the reader refuses 상급병실 elsewhere): a blank on a
외래 or 약국 line below one cannot be it continued."""


def _key_reader(column: str, aliases: Aliases) -> Callable[[Any], tuple[Any, Any]]:
    """How a key cell is compared: a date as a date, a 요양기관종류/진료구분/항목 as its code
    (``종합``, ``종합병원``: general), other text as written."""
    if column == "date":
        return cells.parse_date
    if column in ("tier", "setting", "category"):
        return cells.choice_parser(column, aliases)
    return lambda v: (cells.text(v), None)


def _per_line(col: _Coded, read: Callable[[Any], tuple[Any, Any]]) -> np.ndarray:
    """``read``'s value of each line's cell (None: blank), each distinct cell read once."""
    values = np.empty(len(col.uniques), dtype=object)
    values[:] = [None if b else read(u)[0]
                 for u, b in zip(col.uniques, col.blanks, strict=True)]  # fmt: skip
    return values[col.codes]


def _blank_continuation(column: str, col: _Coded, keys: dict[str, tuple[_Coded, Any]], ref: str,
                        problems: Problems, specific: Any, means: str,
                        setting: tuple[_Coded, Any, _Coded, Any] | None = None,
                        ) -> None:  # fmt: skip
    """A blank cell under a line whose cell says something (도수치료, 산정특례 예, F32.9),
    for the same person at the same institution (병원명 and 요양기관종류, where given) on
    another day: the same continued, or the blank's own meaning? Refused with its place.
    ``setting`` (진료구분 and 항목 with their readers): a 항목 that only an 입원 line carries
    (상급병실) is not read as continued onto a 외래 or 약국 line."""
    empty = col.blank()
    if not empty.any() or empty.all():
        return
    table = np.array([not b and bool(specific(u))
                      for u, b in zip(col.uniques, col.blanks, strict=True)])  # fmt: skip
    filled = np.flatnonzero(~empty)
    blanks = np.flatnonzero(empty)
    above = np.searchsorted(filled, blanks) - 1
    blanks, source = blanks[above >= 0], filled[above[above >= 0]]
    same = table[col.codes[source]]
    if not same.any():
        return
    for key, (key_col, read) in keys.items():
        values = _per_line(key_col, read)
        equal = values[blanks] == values[source]
        same &= ~equal if key == "date" else equal
    if setting is not None and same.any():
        kind = _per_line(setting[0], setting[1])
        category = _per_line(setting[2], setting[3])
        for code, only in _ONLY_IN.items():
            same &= ~((category[source] == code) & (kind[blanks] != only))
    prior = col.values()[source[same]]
    problems.at(
        blanks[same], ref, None,
        f"{COLUMN_LABELS[column]} 값 (a value: the line above, same person and institution on "
        f"another day, says {'/'.join(_names(prior))}; a blank here could mean {means})",
    )  # fmt: skip


def _names(values: Sequence[Any]) -> list[str]:
    return sorted({cells.text(v) for v in values})[:3]
