"""``read_receipts``: a person's receipt export (CSV or XLSX) → :class:`ReceiptLines`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError, ReceiptError
from ..schema import COLUMN_LABELS, WON_COLUMNS
from . import cells
from .crosscheck import tier_notes
from .departments import department_notes, visit_notes
from .grid import Grid, read_grid
from .header import Aliases, Header, default_aliases, load_aliases, map_header
from .kinds import HIDDEN_CHOICES, total_problems
from .labelrows import label_rows
from .lines import ReceiptLines
from .sides import add_old_noncovered, line_problems
from .staydates import receipt_date_stays
from .table import grid_columns
from .unitnotes import cell_units
from .units import note_unit
from .validate import Problems, RawColumn, check_columns, column_ref
from .xlsx import cell_ref

__all__ = ["read_receipts"]


def read_receipts(
    path: str | Path,
    *,
    encoding: str | None = None,
    sheet: str | int | None = None,
    person: str | None = None,
    delimiter: str | None = None,
    aliases: str | Path | None = None,
    hidden_rows: str = "refuse",
) -> ReceiptLines:
    """Read a receipt export (CSV or XLSX) into validated canonical columns.

    ``encoding``: CSV encoding (``utf-8``, ``utf-8-sig``, ``cp949``/``euc-kr``); detected
    when None. ``sheet``: XLSX sheet name or 0-based index (None: the one sheet
    with a receipt header; the others are named in the notes, several such sheets refused).
    ``person``: keep only this person's lines (after the whole file is validated).
    ``delimiter``: CSV delimiter (sniffed from the header line when None).
    ``aliases``: an extra TOML mapping of headers/values, same shape as the shipped one.
    ``hidden_rows``: XLSX lines on rows hidden in Excel (by hand or by a filter) are refused
    (``"refuse"``: a hidden row may be a cancelled receipt, or only out of view), read
    (``"read"``) or left out (``"skip"``); either choice is said in the notes.

    Returns a :class:`ReceiptLines` (a DataFrame) indexed by the sheet row (index name
    ``row``); ``attrs["source"]`` says what was read (file, format, encoding or sheet,
    header row, columns mapped, units, defaulted and ignored columns, blank rows skipped,
    blank amounts read as 0, merged ranges filled, and ``notes``: those facts as sentences).
    Raises :class:`~silson_tools.errors.ReceiptError` listing every problem found, and
    ``FileNotFoundError`` if there is no such file. The file is only read, never written.
    """
    if not isinstance(path, str | Path):
        raise InputError(
            f"read_receipts reads a CSV or XLSX file: give its path (str or Path), not a "
            f"{type(path).__name__}; a DataFrame of receipt lines is read with "
            "ReceiptLines.from_frame(frame) or as_receipt_lines(frame)")  # fmt: skip
    if hidden_rows not in HIDDEN_CHOICES:
        raise InputError(f"hidden_rows must be one of {', '.join(HIDDEN_CHOICES)}, "
                         f"not {hidden_rows!r}")  # fmt: skip
    path = Path(path)
    name = path.name
    table = load_aliases(aliases) if aliases is not None else default_aliases()
    grid = read_grid(path, encoding=encoding, sheet=sheet, delimiter=delimiter, aliases=table)
    found = grid_columns(grid, name, table, hidden_rows)
    checked = check_columns(found.found, found.n, found.problems, table)
    _unit_fit(checked.columns, found.found, grid, found.source, table, found.problems)
    if not found.problems:
        found.source["notes"].extend(add_old_noncovered(found.old_noncovered, checked.columns,
                                                        found.problems))
    if not found.problems:
        total_problems(found.totals, checked.columns, set(found.found), found.problems,
                       found.patient)
        line_problems(found.found, checked.columns, checked.codes, found.problems)
        receipt_date_stays(found.found, checked.columns, found.problems)
    if found.problems:
        _label_rows(grid, found.source, found.problems, table)
        raise found.problems.error()
    source = found.source
    source["file"] = str(path)
    rows = found.problems.rows
    index = pd.Index(rows, name="row")
    label = found.problems.source  # the file, and the sheet when the workbook has several
    source["notes"].extend(_small_amounts(checked.columns, source))
    source["notes"].extend(department_notes(found.found.get("department")))
    source["notes"].extend(visit_notes(found.found.get("visit")))
    source["notes"].extend(tier_notes(checked.columns, rows))
    lines = ReceiptLines._create(checked, index, label, rows, {"source": source}, ())
    if person is not None:
        persons = sorted(lines["person"].unique().tolist())
        if person not in persons:
            raise ReceiptError.one(
                name,
                "이 파일에 있는 이름 (a person in this file: "
                + ", ".join(repr(p) for p in persons)
                + ")",
                column=COLUMN_LABELS["person"],
                value=person,
            )
        source = {**source, "person": person}
        lines = lines.select(np.asarray(lines["person"] == person))
        lines.attrs["source"] = source
    return lines


def _label_rows(grid: Grid, source: dict[str, Any], problems: Problems, table: Aliases) -> None:
    """Refused rows that are a 합계, label or repeated-header row: said as such
    (``labelrows.py``), on the sheet's cells of each line's row."""
    at = int(source.get("header_row", 0) or 0) - 1
    if at < 0 or not len(problems.rows):
        return
    headers = [map_header(cell, j, table) for j, cell in enumerate(grid.row(at))]
    rows = np.asarray(problems.rows, dtype=np.int64) - 1

    def cells_of(h: Header) -> np.ndarray:
        column = grid.columns[h.index] if h.index < len(grid.columns) else None
        if column is None:
            return np.full(len(rows), None, dtype=object)
        inside = rows < len(column)
        out = np.full(len(rows), None, dtype=object)
        out[inside] = np.asarray(column, dtype=object)[rows[inside]]
        return out

    label_rows(problems, headers, cells_of, column_ref)


SMALL_WON = 1_000
"""Every amount under this with no unit stated: said in the summary (천원 forgotten?)."""


def _small_amounts(out: dict[str, object], source: dict[str, object]) -> list[str]:
    """A note when every amount of the file is under 1,000원 and no unit was stated: amounts
    written in 천원 or 만원 without saying so would read 1,000 or 10,000 times too small."""
    if source.get("units"):
        return []
    largest = max((int(np.max(np.asarray(out[c]), initial=0)) for c in WON_COLUMNS if c in out),
                  default=0)  # fmt: skip
    if not 0 < largest < SMALL_WON:
        return []
    return [f"모든 금액이 {SMALL_WON:,}원 미만입니다 (every amount is under {SMALL_WON:,} won; the "
            f"largest is {largest:,}원): 천원·만원 단위로 적었다면 머리글에 (천원)·(만원)을 "
            "적으세요 (if the amounts are in 천원 or 만원, say so in the header)"]  # fmt: skip


def _unit_fit(out: dict[str, Any], raw: dict[str, RawColumn], grid: Grid,
              source: dict[str, Any], table: Aliases, problems: Problems) -> None:
    """Refuse a column in 천원/만원 whose numbers look like won (:func:`cells.won_like`):
    35000 under (만원) would be read as 3.5억원. A unit note far from the header (a summary
    block and a blank row between: ``요약 (단위: 천원)`` over its own figures) is a weak
    sign, so there the numbers need only look like won on the whole."""
    header_at = int(source["header_row"]) - 1
    last = int(problems.rows.max(initial=0))
    said = {p.column for _, p in problems.items}  # a column refused already: said once
    scaled = [c for c, col in raw.items()
              if c in WON_COLUMNS and col.unit >= 1000 and c in out]  # fmt: skip
    thousands = _thousands_on_the_whole(out, raw, scaled)
    for canonical, col in raw.items():
        if (canonical not in WON_COLUMNS or col.unit < 1000 or canonical not in out
                or col.ref in said):
            continue
        text = str(source["columns"].get(canonical, ""))
        shown = str(source.get("units", {}).get(canonical, ""))  # 천원 (숫자 서식 #,##0"천원")
        far = False
        if map_header(text, 0, table).unit_text is not None:
            where, fix = f"머리글 {text!r}", ("머리글의 단위를 지우세요", "take the unit out "
                                                "of the header")  # fmt: skip
        elif "숫자 서식" in shown:
            where = "이 열의 숫자 서식 (the cells' number format)"
            fix = ("일반 숫자 서식으로 바꾸세요", "give the cells a plain number format")
        elif (cell := _note_cell(grid, header_at, last, col.unit)) is not None:
            i, j = cell
            where = f"{cell_ref(i, j)} 칸의 단위 표시 {grid.columns[j][i]!r}"
            far = i < header_at and _block_between(grid, i, header_at)
            if far and thousands:
                continue
            fix = (f"{cell_ref(i, j)} 칸의 단위 표시를 지우세요",
                   f"delete the unit from {cell_ref(i, j)}"
                   + (", which heads a block of its own above the table, not the table"
                      if far else ""))  # fmt: skip
        else:
            where, fix = "머리글 위 칸 (the cell above the header)", (
                "그 칸의 단위를 지우세요", "delete the unit from that cell")
        example = cells.won_like(np.asarray(out[canonical]), col.unit, far=far)
        if example is not None:
            weak = far and cells.won_like(np.asarray(out[canonical]), col.unit) is None
            problems.whole(cells.unit_misfit_expected(col.unit, where, example, fix, weak),
                           row=header_at + 1, column=col.ref, value=example)  # fmt: skip


def _thousands_on_the_whole(out: dict[str, Any], raw: dict[str, RawColumn],
                            scaled: list[str]) -> bool:
    """Under a summary block's unit note (a weak sign), do the table's numbers read as that
    unit on the whole? Yes when some number of the scaled columns is under
    :data:`cells.WON_LIKE_FAR_FROM` (20 천원: 20원 is no receipt), or when a 입원 line would
    be under :data:`cells.WON_LIKE_FROM` (10,000원) if the numbers were won (no stay costs
    that)."""
    if not scaled:
        return False
    for c in scaled:
        numbers = np.asarray(out[c], dtype=np.int64) // raw[c].unit
        if ((numbers > 0) & (numbers < cells.WON_LIKE_FAR_FROM)).any():
            return True
    if "setting" not in out:
        return False
    stay = np.asarray(out["setting"], dtype=object) == "inpatient"
    paid = sum(np.asarray(out[c], dtype=np.int64) // raw[c].unit for c in scaled)
    return bool((stay & (paid > 0) & (paid < cells.WON_LIKE_FROM)).any())


def _note_cell(grid: Grid, header_at: int, last: int, unit: int) -> tuple[int, int] | None:
    """The unit note saying ``unit`` nearest the header: above it (or alone in its row),
    else under the table (``last``: the 1-based row of the last line) → 0-based (row, col)."""
    rows = [*range(header_at, -1, -1), *range(last, grid.n_rows)]
    for i in rows:
        for j, column in enumerate(grid.columns):
            value = column[i]
            if not isinstance(value, str) or not value.strip():
                continue
            if i == header_at:  # a header cell: only one that is a unit and nothing else
                if note_unit(value.strip().strip("()[]（）")) == unit:
                    return i, j
            elif unit in cell_units(value)[0]:
                return i, j
    return None


_NUMBER = re.compile(r"\s*[-+]?[\d,]*\d(?:\.\d+)?\s*원?\s*")


def _block_between(grid: Grid, note: int, header_at: int) -> bool:
    """Do rows between a note and the header hold a block of their own: filled rows with a
    blank row too, or with figures (a summary: ``본인부담 합계 | 65``)?"""
    between = [grid.row(i) for i in range(note + 1, header_at)]
    filled = [any(not cells.is_blank(v) for v in row) for row in between]
    if not any(filled):
        return False
    figures = any(
        (type(v) in (int, float) and v == v) or (isinstance(v, str) and _NUMBER.fullmatch(v))
        for row in between for v in row
    )  # fmt: skip
    return figures or not all(filled)
