"""Rows whose place or shape would move a receipt's numbers without a word, refused here:

- **A receipt line above the header** (``above_header``): a sheet sorted with its header row
  included puts lines above it (나래 < 아빠 < 엄마 < 이름 < 하늘); a row above the header
  with a date in the 진료일 column and a 진료구분, 요양기관종류 or an amount in theirs is
  refused at its row. A title, memo or unit row (no date, or a date and nothing else) is
  read as before.
- **CSV: a thousands separator that split an amount** without adding a field
  (``split_amounts``): ``15,000`` unquoted under a header whose last column is a mostly
  blank 비고 reads ① 15, ② "000" and sends every amount one column right. An unquoted
  amount cell of 1–3 digits (not starting with 0) followed by an unquoted cell ``0dd`` (no
  amount is written with a leading 0), or by a 3-digit cell while the last column (not
  read, blank on at least half the lines) holds a bare number, or by a 3-digit cell under
  진료과·병원명·이름 (no name is ``500``), is refused: the
  row can be split more than one way, so it is not guessed.
- **CSV: a record with fewer fields than the header** (``short_records``): pandas pads it
  with blanks, read as 0원, so a skipped field moves the amounts after it left. Refused,
  unless every missing field is under a column that is not read (a trailing 비고 a program
  left out): then nothing read moves.
- **A sheet of receipt lines without a header** (``line_rows``, used by ``grid.py``): a
  second sheet that continues the table.

``receipt_like`` decides what a receipt line looks like: a date in the 진료일 column and a
진료구분 or 요양기관종류 that reads, or an amount above 0; or a 진료구분 and a 요양기관종류
that both read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, Final

import numpy as np
import pandas as pd

from ..errors import ReceiptProblem
from ..schema import WON_COLUMNS
from . import cells
from .header import Aliases, Header, letter

__all__ = [
    "above_header",
    "csv_shape",
    "index_column",
    "line_rows",
    "receipt_like",
    "short_records",
    "split_amounts",
]

_HEAD: Final = re.compile(r"^\s*[₩￦]?\s*[1-9]\d{0,2}\s*$")
_ZERO_TAIL: Final = re.compile(r"^\s*0\d{2}\s*(?:원)?\s*$")
_TAIL: Final = re.compile(r"^\s*\d{3}\s*(?:원)?\s*$")
_BARE: Final = re.compile(r"^\s*\d+\s*$")
_NAMES: Final = ("department", "institution", "person")


def receipt_like(values: Mapping[str, Any], aliases: Aliases) -> bool:
    """Does a row (canonical column → cell) look like a receipt line: a 진료일 that reads as
    a date, and a 진료구분 or 요양기관종류 that reads, or an amount above 0; or both a
    진료구분 and a 요양기관종류 that read (a date written so it does not read: 3월 5일)?"""
    read = [not cells.is_blank(v := values.get(column))
            and cells.choice_parser(column, aliases)(v)[0] is not None
            for column in ("setting", "tier")]  # fmt: skip
    if all(read):
        return True
    date = values.get("date")
    if cells.is_blank(date) or cells.parse_date(date)[0] is None:
        return False
    if any(read):
        return True
    for column in WON_COLUMNS:
        value = values.get(column)
        if not cells.is_blank(value) and (cells.parse_amount(value)[0] or 0) > 0:
            return True
    return False


def line_rows(rows: list[list[Any]], header: list[Any], aliases: Aliases,
              map_header: Callable[[Any, int, Aliases], Header]) -> list[int]:  # fmt: skip
    """Rows (0-based) of ``rows`` that look like receipt lines under ``header``'s columns."""
    first: dict[str, int] = {}
    for j, cell in enumerate(header):
        canonical = map_header(cell, j, aliases).canonical
        if canonical is not None and canonical not in first:
            first[canonical] = j
    if "date" not in first:
        return []
    return [i for i, row in enumerate(rows)
            if receipt_like({c: row[j] if j < len(row) else None for c, j in first.items()},
                            aliases)]  # fmt: skip


def above_header(grid: Any, header_at: int, found: Mapping[str, Header], aliases: Aliases,
                 label: str, ref_of: Callable[[Header], str]) -> list[ReceiptProblem]:  # fmt: skip
    """Rows above the header that look like receipt lines, each refused at its 진료일 cell."""
    if not header_at or "date" not in found:
        return []
    columns = {c: grid.columns[h.index] for c, h in found.items()}
    out = []
    for i in range(header_at):
        if receipt_like({c: col[i] for c, col in columns.items()}, aliases):
            out.append(ReceiptProblem(
                label, i + 1, ref_of(found["date"]), grid.columns[found["date"].index][i],
                f"머리글 줄({header_at + 1}행) 아래의 영수증 줄 (a receipt line below the header "
                f"row {header_at + 1}): 이 줄은 머리글 위에 있어 읽히지 않습니다 — 머리글까지 함께 "
                "정렬했나요? 머리글 줄을 표 맨 위로 옮기세요 (this line is above the header, so it "
                "would not be read: was the sheet sorted with the header row included? move the "
                "header row back to the top of the table)",
            ))  # fmt: skip
    return out


def split_amounts(grid: Any, rows: np.ndarray, headers: list[Header], read: set[int],
                  skip: np.ndarray, problems: Any, ref_of: Callable[[Header], str],
                  unread: bool = True, names: frozenset[int] = frozenset(),
                  ) -> np.ndarray:  # fmt: skip
    """CSV lines (positions) where an unquoted thousands separator split an amount without
    adding a field (see the module docstring): refused at the split amount; their mask.

    ``rows``: each line's 0-based grid row; ``read``: column indexes read as amounts;
    ``skip``: lines already refused for their shape; ``unread``: the last column is not read
    (a 비고: a bare number there is a shifted amount, not a 입원일수); ``names``: columns of
    names (진료과, 병원명, 이름) where a bare 3-digit cell is the rest of a split amount."""
    hit = np.zeros(len(rows), dtype=bool)
    width = len(headers)
    last = headers[-1] if headers else None
    bare_last = None
    if unread and last is not None and last.index < len(grid.columns):
        values = grid.columns[last.index][rows]
        blank = _matches(values, re.compile(r"^\s*$"))
        if blank.mean() >= 0.5:  # a mostly blank 비고 at the end: a number there is a shift
            bare_last = _matches(values, _BARE)
    for h in headers:
        j = h.index
        if j not in read or j + 1 >= min(width, len(grid.columns)):
            continue
        head = _matches(grid.columns[j][rows], _HEAD) & ~skip & ~hit
        if not head.any():
            continue
        pos = np.flatnonzero(head)
        tails = grid.columns[j + 1][rows[pos]]
        zero = _matches(tails, _ZERO_TAIL)
        three = _matches(tails, _TAIL)
        if bare_last is not None and j + 1 != last.index:
            zero |= three & bare_last[pos]
        if j + 1 in names:  # 진료과 "500" is no 진료과: the rest of 15,500
            zero |= three
        if grid.quoted is not None and zero.any():
            zero[zero] = ~_quoted(grid.quoted, rows[pos[zero]], j)
        for p in pos[zero].tolist():
            i = int(rows[p])
            value = f"{str(grid.columns[j][i]).strip()},{str(grid.columns[j + 1][i]).strip()}"
            hit[p] = True
            problems.at([p], ref_of(h), {p: value},
                        f"쉼표로 나뉘지 않은 금액 (an amount not split by a comma): 따옴표 없는 "
                        f"{value}이 두 칸으로 나뉘어 뒤 금액이 한 칸씩 오른쪽으로 밀렸을 수 "
                        "있습니다; 어떻게 나뉘었는지 알 수 없어 읽지 않습니다 — "
                        f'"{value}"처럼 따옴표로 감싸거나 쉼표를 빼세요 (the unquoted {value} may '
                        "have been split into two fields, shifting every amount after it one "
                        "column right; the row can be read more than one way, so it is not "
                        "guessed: quote the number or remove the separators)")  # fmt: skip
    return hit


def short_records(lengths: np.ndarray, headers: list[Header], read: set[int],
                  problems: Any, ref_of: Callable[[Header], str]) -> np.ndarray:  # fmt: skip
    """CSV lines with fewer fields than the header where a missing field is under a column
    that is read: refused at the first such column; their mask (``lengths``: fields per
    line)."""
    width = len(headers)
    short = lengths < width
    if not short.any():
        return short
    lost = np.zeros(len(lengths), dtype=bool)
    for pos in np.flatnonzero(short).tolist():
        n = int(lengths[pos])
        missing = [headers[k] for k in range(n, width) if headers[k].index in read]
        if not missing:
            continue  # only columns not read are missing (a trailing 비고 left out)
        lost[pos] = True
        names = ", ".join(f"{letter(h.index)}열 '{h.text}'" for h in missing[:4])
        problems.at([pos], ref_of(missing[0]), None,
                    f"머리글과 같은 칸 수 (as many fields as the header: expected {width}, "
                    f"found {n}) — 빠진 칸이 있으면 뒤 값이 왼쪽으로 밀리고 {names}이(가) 비어 "
                    "0원·빈칸으로 읽힙니다; 빈 칸도 쉼표로 남기세요, 예: 15000,,50000 (a skipped "
                    f"field shifts the values after it left and leaves {names} blank, read as "
                    "0 or blank: keep an empty field as ,, e.g. 15000,,50000)")  # fmt: skip
    return lost


def index_column(values: np.ndarray) -> str | None:
    """A note when a column with no header holds 0, 1, 2 … (or 1, 2, 3 …) down the lines, as
    written: the row numbers pandas writes (``to_csv`` with its index), not left unread
    silently; None when it holds anything else (refused as a value under no header)."""
    numbers = []
    for value in values.tolist():
        text = cells.text(value).strip()
        if not text.isdigit() or (len(text) > 1 and text[0] == "0"):
            return None
        numbers.append(int(text))
    if not numbers or numbers[0] not in (0, 1):
        return None
    if numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        return None
    return (f"A열에 머리글 없이 {numbers[0]}, {numbers[0] + 1}, … 줄 번호만 있어 번호 열로 보고 "
            f"읽지 않았습니다 (column A has no header and holds the line numbers {numbers[0]}, "
            f"{numbers[0] + 1}, … only, as pandas writes its index: not read)")


def _quoted(raw: tuple[bytes, str], records: np.ndarray, j: int) -> np.ndarray:
    """Was field ``j`` or ``j + 1`` of each record (0-based) written in quotes? A quote mark
    toggles "inside"; a record ends at a line break outside quotes."""
    payload, sep = raw
    data = np.frombuffer(payload, dtype=np.uint8)
    inside = (np.cumsum(data == 34, dtype=np.uint8) & 1).astype(bool)
    ends = np.flatnonzero((data == 10) & ~inside)
    starts = np.concatenate(([0], ends + 1))
    code = sep.encode("utf-8")
    out = np.zeros(len(records), dtype=bool)
    if len(code) != 1:
        return out  # cannot tell: refused as a split
    for k, r in enumerate(records.tolist()):
        a = int(starts[r]) if r < len(starts) else len(payload)
        b = int(ends[r]) if r < len(ends) else len(payload)
        fields = [0, *(np.flatnonzero((data[a:b] == code[0]) & ~inside[a:b]) + 1).tolist()]
        out[k] = any(f < len(fields) and payload[a + fields[f] : a + fields[f] + 1] == b'"'
                     for f in (j, j + 1))  # fmt: skip
    return out


def _matches(values: np.ndarray, pattern: re.Pattern[str]) -> np.ndarray:
    """Which cells (str) match ``pattern``, each distinct value tested once."""
    if not len(values):
        return np.zeros(0, dtype=bool)
    codes, uniques = pd.factorize(values)
    table = np.fromiter((isinstance(u, str) and pattern.match(u) is not None for u in uniques),
                        dtype=bool, count=len(uniques))  # fmt: skip
    return np.append(table, False)[codes]


def field_counts(payload: bytes, sep: str) -> np.ndarray | None:
    """Fields per CSV record (UTF-8 ``payload``): each line's delimiters + 1, once every
    quoted field (which may hold the delimiter or a line break) is taken out. None when that
    cannot be told this way (a quote left open, a lone CR line end, a multi-byte delimiter):
    the caller counts with the csv module. A quote pair inside an unquoted field (``a "b"``)
    is taken as quoting too: a delimiter between them would make the record look short,
    refused rather than read wrong."""
    code = sep.encode("utf-8")
    if len(code) != 1:
        return None
    if b'"' in payload:  # quotes toggle "inside a field": keep what is outside them
        parts = payload.split(b'"')
        if len(parts) % 2 == 0:
            return None  # a quote left open
        payload = b"".join(parts[0::2])
    if payload.count(b"\r") != payload.count(b"\r\n"):
        return None
    data = np.frombuffer(payload, dtype=np.uint8)
    ends = np.flatnonzero(data == 10)
    if len(payload) and not payload.endswith(b"\n"):
        ends = np.append(ends, len(payload))
    seps = np.flatnonzero(data == code[0])
    return np.diff(np.searchsorted(seps, ends), prepend=0).astype(np.int64) + 1


def csv_shape(grid: Any, body_at: int, keep: np.ndarray, headers: list[Header],
              found: Mapping[str, Header], long: np.ndarray, problems: Any,
              ref_of: Callable[[Header], str]) -> np.ndarray:  # fmt: skip
    """``short_records`` and ``split_amounts`` on a CSV grid's lines (``keep``: their rows
    below ``body_at``); ``long`` (records already refused as too long) or'ed with theirs."""
    read = {h.index for h in found.values()}
    bad = long.copy()
    if grid.lengths is not None:
        bad |= short_records(grid.lengths[body_at:][keep], headers, read, problems, ref_of)
    amounts = {h.index for c, h in found.items() if c in WON_COLUMNS}
    unread = bool(headers) and headers[-1].index not in read
    names = frozenset(h.index for c, h in found.items() if c in _NAMES)
    return bad | split_amounts(grid, keep + body_at, headers, amounts, bad, problems, ref_of,
                               unread, names)  # fmt: skip
