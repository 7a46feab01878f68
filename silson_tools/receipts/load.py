"""``read_receipts``: a person's receipt export (CSV or XLSX) → :class:`ReceiptLines`."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError, ReceiptError
from ..schema import COLUMN_LABELS, WON_COLUMNS
from .grid import read_grid
from .header import default_aliases, load_aliases
from .kinds import HIDDEN_CHOICES, total_problems
from .lines import ReceiptLines
from .sides import add_old_noncovered, line_problems
from .table import grid_columns
from .validate import RawColumn, check_columns

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
    if hidden_rows not in HIDDEN_CHOICES:
        raise InputError(f"hidden_rows must be one of {', '.join(HIDDEN_CHOICES)}, "
                         f"not {hidden_rows!r}")  # fmt: skip
    path = Path(path)
    name = path.name
    table = load_aliases(aliases) if aliases is not None else default_aliases()
    grid = read_grid(path, encoding=encoding, sheet=sheet, delimiter=delimiter, aliases=table)
    found = grid_columns(grid, name, table, hidden_rows)
    checked = check_columns(found.found, found.n, found.problems, table)
    if not found.problems:
        found.source["notes"].extend(add_old_noncovered(found.old_noncovered, checked.columns,
                                                        found.problems))
    if not found.problems:
        total_problems(found.totals, checked.columns, set(found.found), found.problems,
                       found.patient)
        line_problems(found.found, checked.columns, checked.codes, found.problems)
    if found.problems:
        raise found.problems.error()
    source = found.source
    source["file"] = str(path)
    rows = found.problems.rows
    index = pd.Index(rows, name="row")
    label = found.problems.source  # the file, and the sheet when the workbook has several
    source["notes"].extend(_small_amounts(checked.columns, source))
    source["notes"].extend(_won_under_a_unit(checked.columns, found.found))
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


def _won_under_a_unit(out: dict[str, object], raw: dict[str, RawColumn]) -> list[str]:
    """A note when a column in 천원/만원 holds numbers that all look like won (each at least
    10,000 and a multiple of 10: 35000 under (만원) reads 3.5억원)."""
    notes = []
    for canonical, col in raw.items():
        if canonical not in WON_COLUMNS or col.unit < 1000:
            continue
        won = np.asarray(out[canonical], dtype=np.int64)
        numbers = won[won > 0] // col.unit
        if len(numbers) and (numbers >= 10_000).all() and (numbers % 10 == 0).all():
            notes.append(f"{col.ref}: 단위가 {col.unit:,}원인데 모든 숫자가 원 단위처럼 보입니다 "
                         f"(the unit is {col.unit:,} won but every number looks like won, e.g. "
                         f"{int(numbers[0]):,} → {int(numbers[0]) * col.unit:,}원): 원으로 "
                         "적었다면 단위 표시를 지우세요 (if they are in won, remove the unit)")
    return notes
