"""One error family: every failure the package reports on purpose is a :class:`SilsonError`.

``SilsonError`` subclasses ``ValueError`` (existing ``except ValueError`` code keeps working)
and has three kinds, one per place a problem can come from:

- :class:`RuleDataError`: a rule or table data file is broken (a product, the 상한액 table,
  the premium grades); the message names the file and the key.
- :class:`ReceiptError`: receipt lines are wrong; ``.problems`` lists each one with the file,
  the spreadsheet row a person sees, the column, the value and what was expected.
- :class:`InputError`: an argument given to a function is wrong (a decile of 11, an
  unknown product name, a date that cannot be read unambiguously).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "MAX_SHOWN",
    "InputError",
    "ReceiptError",
    "ReceiptProblem",
    "RuleDataError",
    "SilsonError",
]

MAX_SHOWN = 60
"""At most this many problem groups are printed in a ReceiptError message (all are kept)."""


class SilsonError(ValueError):
    """Base of every error silson_tools raises on purpose."""


class RuleDataError(SilsonError):
    """A rule/table data file is broken: ``"<file>: <key>: <what was expected>"``."""

    def __init__(self, file: str, where: str, message: str) -> None:
        self.file = str(file)
        self.where = where
        self.message = message
        super().__init__(f"{self.file}: {where}: {message}" if where else f"{file}: {message}")


class InputError(SilsonError):
    """An argument to a public function is wrong (name, range, unreadable date …)."""


@dataclass(frozen=True)
class ReceiptProblem:
    """One thing wrong with receipt lines: where it is, what is there, what was expected."""

    file: str
    row: int | None
    """Row number as the spreadsheet shows it (1-based; None for the whole file)."""
    column: str | None
    """Column as the person sees it: ``"C열 '본인부담금'"``; None for the whole row/file."""
    value: Any
    expected: str

    def __str__(self) -> str:
        where = [self.file] if self.file else []
        if self.row is not None:
            where.append(f"{self.row}행 (row {self.row})")
        if self.column is not None:
            where.append(self.column)
        text = ", ".join(where)
        if self.value is not None:
            text += f": 값 (value) {show_value(self.value)}"
        return f"{text} → {self.expected}"


class ReceiptError(SilsonError):
    """Receipt lines could not be read; ``.problems`` lists every problem found."""

    def __init__(self, problems: Sequence[ReceiptProblem], file: str = "") -> None:
        self.problems: list[ReceiptProblem] = list(problems)
        self.file = file or (self.problems[0].file if self.problems else "")
        super().__init__(_format_problems(self.problems, self.file))

    @classmethod
    def one(
        cls,
        file: str,
        expected: str,
        *,
        row: int | None = None,
        column: str | None = None,
        value: Any = None,
    ) -> ReceiptError:
        """An error with a single problem (a whole-file or one-cell problem)."""
        return cls([ReceiptProblem(file, row, column, value, expected)])


def show_value(value: Any) -> str:
    """A cell value as a person reads it in a message: text quoted, 12.0 as 12, dates ISO,
    a numpy number as the number (``7``, not ``np.int64(7)``), a missing value as 빈칸."""
    if hasattr(value, "item") and hasattr(value, "dtype") and getattr(value, "ndim", 1) == 0:
        value = value.item()  # a numpy scalar
    if isinstance(value, float) and value != value:
        return "빈칸 (blank)"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if not isinstance(value, dt.date) else value.isoformat()


def _format_problems(problems: Sequence[ReceiptProblem], file: str) -> str:
    """One line per (column, value, expected) group, the rows listed together."""
    groups: dict[tuple[Any, ...], list[ReceiptProblem]] = {}
    for problem in problems:
        key = (problem.column, show_value(problem.value), problem.expected, problem.row is None)
        groups.setdefault(key, []).append(problem)
    n = len(problems)
    lines = [
        f"영수증 파일에 고칠 곳이 있습니다 (the receipt file needs fixing) {file}: "
        f"문제 {n}건 ({n} problem{'s' if n != 1 else ''})"
    ]
    for shown, members in enumerate(groups.values()):
        if shown == MAX_SHOWN:
            rest = sum(len(m) for m in list(groups.values())[MAX_SHOWN:])
            lines.append(f"  … 외 {rest}건 (and {rest} more; see .problems)")
            break
        first = members[0]
        if len(members) == 1 or first.row is None:
            lines.extend(f"  - {m}" for m in members)
            continue
        rows = [m.row for m in members]
        listed = ", ".join(str(r) for r in rows[:8])
        if len(rows) > 8:
            listed += f" 외 {len(rows) - 8}행 (+{len(rows) - 8} more)"
        text = f"{first.file}, {listed}행 (rows; {len(rows)}건)"
        if first.column is not None:
            text += f", {first.column}"
        if first.value is not None:
            text += f": 값 (value) {show_value(first.value)}"
        lines.append(f"  - {text} → {first.expected}")
    return "\n".join(lines)
