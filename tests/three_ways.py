"""One small receipt table read three ways — from a CSV file, from an XLSX workbook and as a
DataFrame — for tests that the three agree: the same refusal (column, value, reason) or the
same lines."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd

from silson_tools.errors import ReceiptError
from silson_tools.receipts import ReceiptLines, read_receipts


def read_three_ways(tmp_path: Path, header: list[str], rows: list[list[Any]]) -> list[Any]:
    """The table read from CSV, from XLSX and from a DataFrame: ReceiptLines or the error."""
    out: list[Any] = []
    path = tmp_path / "t.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *rows])
    book = openpyxl.Workbook()
    for r in [header, *rows]:
        book.active.append(r)
    xlsx = tmp_path / "t.xlsx"
    book.save(xlsx)
    frame = pd.DataFrame(rows, columns=header)
    for read in (lambda: read_receipts(path), lambda: read_receipts(xlsx),
                 lambda: ReceiptLines.from_frame(frame)):  # fmt: skip
        try:
            out.append(read())
        except ReceiptError as err:
            out.append(err)
    return out


def refused_alike(tmp_path: Path, header: list[str], rows: list[list[Any]], column: str,
                  value: Any, words: str, n: int = 1) -> None:  # fmt: skip
    """Each way in is refused with ``n`` problems at ``column`` whose expectation holds
    ``words``, the first showing ``value``."""
    for got in read_three_ways(tmp_path, header, rows):
        assert isinstance(got, ReceiptError), (got, column)
        hits = [p for p in got.problems if column in (p.column or "") and words in p.expected]
        assert len(hits) == n, got.problems
        assert str(hits[0].value) == str(value)


def read_alike(tmp_path: Path, header: list[str], rows: list[list[Any]]) -> list[ReceiptLines]:
    """Each way in reads the table (no refusal); the three ReceiptLines."""
    got = read_three_ways(tmp_path, header, rows)
    for g in got:
        assert isinstance(g, ReceiptLines), g
    return got
