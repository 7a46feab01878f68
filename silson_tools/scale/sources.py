"""Where the lines of a big claims table come from: files, parts of files, and line ids.

An input is a parquet file, a folder of parquet files (read in sorted path order, every
``*.parquet`` below it) or a CSV file (small tables). It is cut into **parts** of about
``part_lines`` lines: whole row groups of a parquet file, or a whole CSV file. A part is
the unit one worker reads.

Every line gets a **line id** ``part_no × 2⁴⁰ + position in its file``: the ids sort in the
input's line order (files in order, rows in order), and an id names its file and row, so a
problem found anywhere later is reported as ``file, row, column``. Rows are numbered as a
person counts them: a parquet file's first line is row 1; a CSV file's header is row 1 and
its first line row 2 (as a spreadsheet shows it).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError, ReceiptError, ReceiptProblem

__all__ = [
    "ID_SHIFT",
    "Part",
    "find_parts",
    "line_ids",
    "locate_problems",
    "read_part",
]

ID_SHIFT = 40
"""A line id is ``part_no << ID_SHIFT | position in the file`` (files up to 2⁴⁰ lines)."""


@dataclass(frozen=True)
class Part:
    """Lines ``first``..``first + rows`` of ``file`` (row groups ``groups`` of a parquet file,
    or the whole of a CSV file, ``rows`` then counted from its line breaks)."""

    no: int
    file: str
    first: int
    rows: int
    groups: tuple[int, ...] = ()

    @property
    def is_csv(self) -> bool:
        return self.file.lower().endswith(".csv")


def find_parts(source: str | Path, part_lines: int = 1_000_000) -> list[Part]:
    """The parts of ``source`` (a parquet file or folder, or a CSV file), in line order."""
    path = Path(source)
    if not path.exists():
        raise InputError(f"input not found: {source}")
    if path.is_dir():
        files = sorted(p for p in path.rglob("*.parquet") if p.is_file())
        if not files:
            raise InputError(f"input folder {source} holds no *.parquet files")
    elif path.suffix.lower() in (".parquet", ".pq", ".csv"):
        files = [path]
    else:
        raise InputError(f"input {source}: expected a parquet file or folder, or a CSV file (.csv)")
    parts: list[Part] = []
    for file in files:
        if file.suffix.lower() == ".csv":  # rows: lines less the header (quoted breaks aside)
            with open(file, "rb") as fh:
                rows = sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
            parts.append(Part(len(parts), str(file), 0, max(rows - 1, 0)))
            continue
        parts.extend(_parquet_parts(file, len(parts), part_lines))
    return parts


def _parquet_parts(file: Path, start_no: int, part_lines: int) -> list[Part]:
    """Consecutive row groups of ``file`` joined until a part holds about ``part_lines``."""
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(file).metadata
    except Exception as err:  # pyarrow raises several kinds for a file that is not parquet
        raise InputError(f"{file}: not a readable parquet file ({err})") from None
    parts: list[Part] = []
    groups: list[int] = []
    first = rows = 0
    for g in range(meta.num_row_groups):
        n = meta.row_group(g).num_rows
        if groups and rows + n > part_lines:
            parts.append(Part(start_no + len(parts), str(file), first, rows, tuple(groups)))
            first, rows, groups = first + rows, 0, []
        groups.append(g)
        rows += n
    if groups or not parts:
        parts.append(Part(start_no + len(parts), str(file), first, rows, tuple(groups)))
    return parts


def read_part(part: Part) -> pd.DataFrame:
    """The lines of ``part`` as a DataFrame indexed by their line ids (index name ``line``).

    CSV text (UTF-8, or cp949 as Korean Excel saves it) is read as it is written (no type
    guessing for ``person`` and the policy columns, so ``007`` stays ``007``); the engine
    reads the amounts and dates (``12,000원``, ``2024.03.05`` …) and Korean headers.
    """
    if part.is_csv:
        texts = ("person", "policy", "policy_start", "institution", "department")
        text_columns = {c: str for c in texts}
        options: dict[str, Any] = {"dtype": text_columns, "skip_blank_lines": False}
        try:
            frame = pd.read_csv(part.file, encoding="utf-8-sig", **options)
        except UnicodeDecodeError:  # a Korean Excel export: cp949 (EUC-KR)
            try:
                frame = pd.read_csv(part.file, encoding="cp949", **options)
            except UnicodeDecodeError:
                raise InputError(f"{part.file}: CSV must be UTF-8 or cp949 (EUC-KR)") from None
        # blank lines are read as empty records so each line keeps the row it has in the
        # file (a problem on line 5 is named 5행, as `silson check` names it), then dropped
        filled = frame.notna().any(axis=1).to_numpy()
        ids = line_ids(part.no, part.first, len(frame))
        if not filled.all():
            frame = frame.loc[filled]
            ids = ids[filled]
        frame.index = pd.Index(ids, name="line")
        return frame
    else:
        import pyarrow.parquet as pq

        table = pq.ParquetFile(part.file).read_row_groups(list(part.groups))
        frame = table.to_pandas()
    frame.index = pd.Index(line_ids(part.no, part.first, len(frame)), name="line")
    return frame


def line_ids(part_no: int, first: int, n: int) -> np.ndarray:
    """Line ids of ``n`` lines starting at position ``first`` of part ``part_no``'s file."""
    return (np.int64(part_no) << ID_SHIFT) + first + np.arange(n, dtype=np.int64)


def file_row(parts: list[Part], line: int) -> tuple[str, int]:
    """(file, row as a person counts it) of a line id (see the module docstring)."""
    part = parts[int(line) >> ID_SHIFT]
    position = int(line) & ((1 << ID_SHIFT) - 1)
    return part.file, position + (2 if part.is_csv else 1)


def locate_problems(err: ReceiptError, parts: list[Part], source: str) -> ReceiptError:
    """``err`` (raised on a frame indexed by line ids) with each problem's file and row; a
    problem of no line (a missing column) names the input ``source``."""
    problems = []
    for p in err.problems:
        if p.row is None:
            problems.append(ReceiptProblem(source, None, p.column, p.value, p.expected))
            continue
        file, row = file_row(parts, p.row)
        problems.append(ReceiptProblem(file, row, p.column, p.value, p.expected))
    return ReceiptError(problems)
