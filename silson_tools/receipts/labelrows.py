"""Rows that are not receipt lines but a person's own marks in the table: a 합계·소계 row
(``합계,,,,,30000,50000``), a label or memo row (``[3월]``, ``※ 5월 영수증은 분실``) and the
header written again (a second table in the sheet). Without their 진료일자, 진료구분 and
요양기관종류 such a row is refused for those blanks, and the advice (fill in the date) would
turn a total into a receipt line that counts everything twice.

So a refused row that is one of these has its problems replaced by one that says what the
row is, at the cell that shows it:

- **합계 row**: a cell not read as an amount saying 합계/소계/total (``crosscheck.is_total``),
  or no text at all but amounts equal to the sum of the lines above. Its amounts are
  checked against the sum of the lines above it (since the last total row, or all of them):
  equal → "delete the row"; not equal → the column, the sum and the row's figure.
- **Label row**: no 진료일자/진료구분/요양기관종류 and no amount, text in one cell only.
- **Header again**: two or more cells equal to their own column's header.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import numpy as np

from ..schema import COLUMN_LABELS, WON_COLUMNS
from . import cells
from .crosscheck import is_total
from .header import Header, normalize

__all__ = ["label_rows"]

_REQUIRED: Final = ("date", "setting", "tier")
_LABEL_CELLS: Final = 1


def label_rows(problems: Any, headers: list[Header], cells_of: Callable[[Header], Any],
               ref_of: Callable[[Header], str]) -> None:  # fmt: skip
    """Replace the problems of each refused row that is a 합계, label or repeated-header
    row by one problem saying so (``problems``: a ``validate.Problems``)."""
    refused = sorted({pos for pos, _ in problems.items if pos >= 0})
    if not refused:
        return
    named = [h for h in headers if not cells.is_blank(h.text)]
    columns = {h.index: np.asarray(cells_of(h), dtype=object) for h in named}
    first: dict[str, Header] = {}
    for h in named:
        if h.canonical is not None and h.canonical not in first:
            first[h.canonical] = h
    amounts = [h for c, h in first.items() if c in WON_COLUMNS]
    won = {h.index: _won(columns[h.index], h) for h in amounts}
    said: dict[int, tuple[str, Any, str]] = {}
    for pos in refused:
        found = _repeated_header(pos, named, columns, ref_of)
        if found is None and all(cells.is_blank(columns[first[c].index][pos])
                                 for c in _REQUIRED if c in first):  # fmt: skip
            found = _total_or_label(pos, named, columns, amounts, won, said, ref_of,
                                    problems.rows)  # fmt: skip
        if found is not None:
            said[pos] = found
    if not said:
        return
    problems.items[:] = [(pos, p) for pos, p in problems.items if pos not in said]
    for pos, (ref, value, expected) in said.items():
        problems.at([pos], ref, {pos: value}, expected)


def _won(values: np.ndarray, h: Header) -> np.ndarray:
    """Each cell as whole won (blank −1, not an amount −2)."""
    from .kinds import _amounts

    return _amounts(values, h.unit if h.unit_text is not None else 1)


def _repeated_header(pos: int, named: list[Header], columns: dict[int, np.ndarray],
                     ref_of: Callable[[Header], str]) -> tuple[str, Any, str] | None:
    same = [h for h in named if isinstance(columns[h.index][pos], str)
            and normalize(columns[h.index][pos]) == normalize(str(h.text))]  # fmt: skip
    if len(same) < 2:
        return None
    return (ref_of(same[0]), columns[same[0].index][pos],
            "영수증 줄 (a receipt line): 이 줄은 머리글이 다시 나온 줄입니다 — 한 시트에 표가 둘 "
            "있다면 위의 제목 줄과 이 머리글 줄을 지워 한 표로 만들거나, 표마다 시트를 나누고 "
            "--sheet로 고르세요 (this row repeats the header: a second table in the sheet? "
            "delete the repeated header and the title rows between, so the sheet is one "
            "table, or give each table its own sheet and choose it with --sheet)")


def _total_or_label(pos: int, named: list[Header], columns: dict[int, np.ndarray],
                    amounts: list[Header], won: dict[int, np.ndarray],
                    said: dict[int, tuple[str, Any, str]],
                    ref_of: Callable[[Header], str], rows: np.ndarray,
                    ) -> tuple[str, Any, str] | None:  # fmt: skip
    text = [h for h in named if h.canonical not in WON_COLUMNS
            and not cells.is_blank(columns[h.index][pos])]  # fmt: skip
    figures = [h for h in amounts if won[h.index][pos] >= 0]
    word = next((h for h in text if isinstance(columns[h.index][pos], str)
                 and is_total(columns[h.index][pos])), None)  # fmt: skip
    if not figures:
        if len(text) != _LABEL_CELLS:
            return None
        h = text[0]
        return (ref_of(h), columns[h.index][pos],
                "영수증 줄 (a receipt line): 이 줄은 날짜·진료구분·금액이 없는 제목·메모 줄입니다 "
                "— 지우거나, 메모는 영수증 줄의 비고 열에 적으세요 (this row is a label or memo, "
                "not a receipt line: it has no date, setting or amount; delete it, or write "
                "the note in a 비고 column on a line — do not fill in its 진료일자)")
    if word is None and text:
        return None
    above = [p for p in range(pos) if p not in said]
    since = [p for p in above if p > max((p for p in said if said[p][2].startswith(_TOTAL)),
                                         default=-1)]  # fmt: skip
    check = _sums(figures, won, since, pos) or _sums(figures, won, above, pos)
    where = ref_of(word) if word is not None else ref_of(figures[0])
    value = columns[word.index][pos] if word is not None else columns[figures[0].index][pos]
    if word is None and check is None:
        return None  # amounts only, not a sum: a line with its fields left blank
    if check is not None:
        first, last = int(rows[check[0]]), int(rows[check[1]])
        return (where, value,
                f"{_TOTAL} — 금액이 {first}–{last}행의 합과 같습니다; 이 줄을 지우세요 "
                f"(this is a total row: its amounts equal the sum of rows {first}–{last}; "
                "delete the row, or everything in it is counted twice — do not fill in its "
                "진료일자)")
    def sums_over(lines: list[int]) -> dict[int, int]:
        return {h.index: int(np.maximum(won[h.index][lines], 0).sum()) if lines else 0
                for h in figures}  # fmt: skip

    def off(by: dict[int, int]) -> int:
        return sum(abs(by[h.index] - int(won[h.index][pos])) for h in figures)

    # a 소계's lines are those since the last total; a grand 합계's all of them: the nearer
    sums = min(sums_over(since), sums_over(above), key=off)
    h = next((h for h in figures if sums[h.index] != int(won[h.index][pos])), figures[0])
    total = int(won[h.index][pos])
    summed = sums[h.index]
    label = COLUMN_LABELS.get(h.canonical or "", str(h.text))
    return (where, value,
            f"{_TOTAL} — 금액이 위 줄들의 합과 다릅니다 ({label}: 합 {summed:,}원, 이 줄 "
            f"{total:,}원); 빠진 영수증이 있으면 그 날짜로 한 줄을 넣고 이 합계 줄은 지우세요 "
            f"(this is a total row, and its amounts differ from the lines above — {label}: "
            f"sum {summed:,}, this row {total:,}; add a missing receipt as its own line with "
            "its date, and delete the total row)")


_TOTAL: Final = "영수증 줄 (a receipt line): 이 줄은 합계·소계 줄입니다"


def _sums(figures: list[Header], won: dict[int, np.ndarray], lines: list[int],
          pos: int) -> tuple[int, int] | None:  # fmt: skip
    """(first, last) line positions when each figure of row ``pos`` equals its column's
    sum over ``lines`` (whose cells each read), else None."""
    if not lines:
        return None
    for h in figures:
        part = won[h.index][lines]
        if (part == -2).any() or int(np.maximum(part, 0).sum()) != int(won[h.index][pos]):
            return None
    return lines[0], lines[-1]
