"""Which unit each amount column of a sheet is in: header, group cell, title note, number format.

Rules (the README's receipts section says the same):

- every place that states a unit for a column must agree: the header's own unit
  (``본인부담금(천원)``), the merged group cell above it in a two-row header
  (``금액 (단위: 천원)``), a note above the table (``※ 천원 단위``); they differ → refused;
- a note that looks like a unit but cannot be read (``(천원 단위 아님)``, ``(K)``,
  ``단위: 달러``) is refused, naming its cell;
- when one amount column states a unit other than 원 and another states none, the bare one
  is refused: the person may have meant the unit for every column, or not;
- an XLSX cell's number format is what the person saw: ``#,##0"천원"`` shows the value in
  천원 (won = value × 1,000), ``#,##0,`` shows value ÷ 1,000. A shown unit must agree with
  the stated one; a scaling format is read only when a unit of the same size is stated or
  shown (then the cell already holds won: won = value, never × 1,000 again), else refused.
  One column's numbers must all come out in one unit.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np

from ..errors import ReceiptProblem
from ..schema import WON_COLUMNS
from .header import Header, letter
from .units import FormatUnit, format_unit, is_filler, note_unit, unit_like, unit_name
from .validate import Problems, column_ref
from .xlsx import cell_ref

__all__ = ["ColumnUnit", "amount_units", "cell_units", "title_unit", "units_elsewhere"]

_BRACKET = re.compile(r"[(\[（【]([^)\]）】]*)[)\]）】]")
_PIECES = re.compile(r"[\s,;:/|※*()\[\]=]+")
_SEGMENTS = re.compile(r"[※,;|/]|\s[-–—]\s|\s{2,}")
_AROUND = (
    re.compile(r"단위\s*(?:는|은|가)?\s*[:：=]?\s*([^\s,;)\]]+(?:\s*원)?)"),
    re.compile(r"([^\s,;(\[]+)\s*단위"),
    re.compile(r"(?:금액|amounts?)\s*(?:은|는)?\s*[:：=]\s*(.+)$", re.IGNORECASE),
    re.compile(r"\bin\s+(.+)$", re.IGNORECASE),
)
_AMOUNT = re.compile(r"\d[\d,]*\s*원(\s*(?:미만|이하|이상|초과))?|(?<=[a-z])-won\b", re.IGNORECASE)
_VAT = re.compile(r"\bvat\b|부가세|부가가치세", re.IGNORECASE)
_MULTIPLES = frozenset({"1000", "10000", "1000000"})


def _not_units(text: str, vat: bool = False) -> str:
    """``text`` without what looks like a unit but is not one: an amount (``105000원``; not
    ``1,000원``, which may be the unit), a rounding rule (``10원 미만 절사``), a romanised name
    (``Ji-won``), and with ``vat`` a VAT remark (``VAT 없음``)."""

    def drop(match: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", match[0])
        keep = match[0][0].isdigit() and match[1] is None and digits in _MULTIPLES
        return match[0] if keep else " "

    text = _AMOUNT.sub(drop, text)
    return _VAT.sub(" ", text) if vat else text


UNREADABLE = (
    "읽을 수 있는 원화 단위 표시 (a unit in won that can be read: 단위: 천원, (천원), ※ 천원 단위, "
    "금액: 만원, (in thousand won); this cell seems to name a unit but it is not exactly one "
    "— write it as (단위: 천원), or clear it)"
)


_SCOPE = re.compile(
    r"\d+\s*(?:행|줄)|[가-힣]만$|^only$|제외|빼고|까지|부터|이후|이전|말고|except|until"
)
"""Words of a unit note that limit it to some lines (``3월 5일 영수증만 천원 단위``, ``2행까지``):
the reader cannot tell which, so the note is refused as unreadable, not applied to all."""


def cell_units(text: str) -> tuple[list[int], list[str]]:
    """The units a title or note cell states → (won per unit for each, unreadable parts).

    Each bracket, and the text outside the brackets, is read whole, then by its pieces
    (split at ``※ , ; | /``) and around ``단위``/``금액:``/``in``; a part that looks like a
    unit but none of whose readings is one is unreadable."""
    found: list[int] = []
    bad: list[str] = []
    parts = [m[1] for m in _BRACKET.finditer(text)] + [_BRACKET.sub(" ", text).strip()]
    if not any(unit_like(_not_units(part, vat=True)) for part in parts if part):
        return found, bad  # a title that names no unit: 총 진료비 합계: 105000원, (VAT 없음)
    several = sum(1 for part in parts if part) > 1
    for part in parts:
        if not part or (several and is_filler(part)) or not unit_like(_not_units(part)):
            continue  # 단위(천원): the 단위 left outside; 10원 미만 절사, Kim Ji-won: no unit
        candidates = [part, *_SEGMENTS.split(part)]
        candidates += [m[1] for pattern in _AROUND for m in pattern.finditer(part)]
        read = next(((c, u) for c in candidates if c and (u := note_unit(c)) is not None), None)
        rest = _PIECES.split(part.replace(read[0], " ", 1)) if read is not None else []
        scoped = any(_SCOPE.search(p) for p in rest if p)  # 3월 5일 영수증만: some lines only
        if read is not None and not scoped and not any(
            unit_like(p) and not is_filler(p) for p in rest if p
        ):
            found.append(read[1])
        else:  # nothing read, or a rest that qualifies it: (천원/부가세 별도), (천원, K)
            bad.append(part)
    if found and any(_SCOPE.search(p) for part in parts for p in _PIECES.split(part) if p):
        bad.append(text)  # 단위: 천원 (입원 제외): a unit for some lines only
    return found, bad


def title_unit(
    grid: Any, header_at: int, headers: list[Header], name: str,
    below: Sequence[tuple[int, int]] = (),
) -> tuple[int | None, str | None, list[ReceiptProblem]]:
    """Unit notes above the table (or in ``below``: note rows under it), or alone in a
    header-row cell that names no column →
    (won per unit, the cell, problems)."""
    found: dict[int, tuple[int, int]] = {}
    problems: list[ReceiptProblem] = []
    places = [(i, j) for i in range(header_at) for j in range(len(grid.columns))]
    places += list(below)  # a note row under the table: ※ 금액 단위: 천원
    alone = [(header_at, h.index) for h in headers if h.canonical is None]
    alone += [(header_at, j) for j in range(len(headers), len(grid.columns))]
    merged = _merged_copies(grid)
    for i, j in places + alone:
        value = grid.columns[j][i]
        if not isinstance(value, str) or not value.strip() or (i, j) in merged:
            continue
        if (i, j) in alone:  # a header cell: only a cell that is a unit note and nothing else
            text = value.strip()
            inner = _BRACKET.fullmatch(text)
            unit = note_unit(inner[1] if inner else text)
            if unit is None and not (inner and unit_like(inner[1])) and "단위" not in text:
                continue
            units, bad = ([unit], []) if unit is not None else ([], [text])
        else:
            units, bad = cell_units(value)
        for unit in units:
            found.setdefault(unit, (i, j))
        if bad:
            problems.append(ReceiptProblem(name, i + 1, f"{letter(j)}열", value, UNREADABLE))
    if len(found) > 1:
        listed = ", ".join(f"{cell_ref(i, j)} {unit_name(u)}" for u, (i, j) in found.items())
        problems.append(ReceiptProblem(
            name, None, None, None,
            f"단위 표시는 하나만 (one unit note; the notes say different units: {listed})",
        ))  # fmt: skip
        return None, None, problems
    for unit, (i, j) in found.items():
        return unit, cell_ref(i, j), problems
    return None, None, problems


def _merged_copies(grid: Any) -> set[tuple[int, int]]:
    """Cells that hold a copy of a merged range's top-left value (read once, at the top)."""
    return {
        (r, c)
        for r0, c0, r1, c1 in grid.merges
        if r1 - r0 + c1 - c0 < 64
        for r in range(r0, r1 + 1)
        for c in range(c0, c1 + 1)
        if (r, c) != (r0, c0)
    }


@dataclass
class ColumnUnit:
    """How one amount column's bare numbers are read: ``won = number × multiplier``."""

    multiplier: int
    shown: str | None
    """The unit as the summary names it (``천원``, ``천원 (숫자 서식 #,##0,)``), None for 원."""
    shown_unit: int | None = None
    """Won per unit the person sees for the column (None: no unit stated or shown)."""


def amount_units(
    grid: Any,
    found: Mapping[str, Header],
    groups: Mapping[int, tuple[int, str]],
    note: tuple[int, str] | None,
    lines: np.ndarray,
    problems: Problems,
    header_row: int,
    others: Sequence[Header] = (),
) -> dict[str, ColumnUnit]:
    """Each amount column's unit (see the module docstring); problems go to ``problems``.

    ``groups``: column → (row, text) of the group cell above it in a two-row header;
    ``note``: (won per unit, cell) of the note above the table; ``lines``: the 0-based grid
    row of each line; ``others``: the header cells, so that a column not read but in a
    unit (``합계(천원)``) counts against a bare amount column.
    """
    stated: dict[str, int | None] = {}
    reported: set[tuple[int, str]] = set()
    for canonical, h in found.items():
        if canonical not in WON_COLUMNS:
            continue
        ref = column_ref(h)
        says: list[tuple[int, str]] = []
        if h.unit_text is not None:
            says.append((h.unit, f"머리글 {h.text!r}"))
        if h.index in groups:
            row, text = groups[h.index]
            units, bad = cell_units(text)
            if bad and (row, text) not in reported:  # a merged group cell: said once
                reported.add((row, text))
                problems.whole(UNREADABLE, row=row + 1, column=f"{letter(h.index)}열",
                               value=text)  # fmt: skip
            says += [(u, f"{cell_ref(row, h.index)} {text!r}") for u in units]
        if note is not None:
            says.append((note[0], f"단위 표시 {note[1]}"))
        if len({u for u, _ in says}) > 1:
            problems.whole(
                "한 가지 단위 (one unit for the column; the units stated for it differ: "
                + ", ".join(f"{where} {unit_name(u)}" for u, where in says) + ")",
                row=header_row, column=ref,
            )  # fmt: skip
        stated[canonical] = says[0][0] if says else None
    out: dict[str, ColumnUnit] = {}
    shown_units: dict[str, int | None] = {}
    for canonical, unit in stated.items():
        h = found[canonical]
        column = _column_unit(grid, h, unit, lines, problems)
        out[canonical] = column
        shown_units[canonical] = column.shown_unit
    scaled = [(column_ref(found[c]), u) for c, u in shown_units.items() if u not in (None, 1)]
    scaled += [(column_ref(h), h.unit) for h in others if h.canonical is None and h.unit != 1]
    if scaled:  # another column (read or not: 합계(천원)) is in 천원: a bare one could be too
        where, example = scaled[0]
        for canonical, unit in shown_units.items():
            if unit is None:
                problems.whole(
                    f"단위가 적힌 금액 열 (a unit on this amount column too: {where} is in "
                    f"{unit_name(example)} but this column names no unit, so its numbers could "
                    f"be in either — write (원) or ({unit_name(example)}) in this header)",
                    row=header_row, column=column_ref(found[canonical]),
                )  # fmt: skip
    return {c: ColumnUnit(u.multiplier, u.shown, u.shown_unit) for c, u in out.items()}


_NAMED_UNIT: Final = re.compile(
    r"[(\[（]\s*(?:단위\s*[:：]?\s*)?(?:천원|만원|千원)\s*[)\]）]|단위\s*[:：]?\s*(?:천원|만원)"
)
"""A unit in a sheet or file name: ``(천원)``, ``[단위: 만원]``, ``단위 천원``."""


def units_elsewhere(grid: Any, units: Mapping[str, ColumnUnit], problems: Problems,
                    name: str | None = None) -> None:  # fmt: skip
    """A unit written where it is not read — a cell comment (메모), a sheet not read (a cover
    sheet's ``단위: 천원``), the name of the sheet read (``2024 병원비(천원)``) or of the file
    (``병원비(천원).csv``) — must be the unit every amount column already has, else refused."""
    places = [(f"{letter(c)}열 (메모 comment {cell_ref(r, c)})", r + 1, text)
              for r, c, text in getattr(grid, "comments", [])]
    places += [(f"시트 {sheet!r} {ref}", None, text)
               for sheet, ref, text in getattr(grid, "other_units", [])]  # fmt: skip
    for label, text in (("시트 이름 (sheet name)", getattr(grid, "sheet", None)),
                        ("파일 이름 (file name)", name)):  # fmt: skip
        if text and _NAMED_UNIT.search(str(text)):
            places.append((label, None, _NAMED_UNIT.search(str(text))[0]))
    seen = {u.shown_unit or 1 for u in units.values()}
    for where, row, text in places:
        if not unit_like(text):
            continue
        found, bad = cell_units(text)
        if not bad and found and seen == set(found):
            continue
        problems.whole(
            "읽는 자리에 적힌 단위 (a unit where it is read: in the header, e.g. "
            "본인부담금(천원), or above the table on the same sheet; a unit in a comment, on "
            "another sheet or in the sheet's or file's name is not read, and the amount columns "
            "here are in "
            + "/".join(sorted(unit_name(u) for u in seen)) + ")",
            row=row, column=where, value=text,
        )  # fmt: skip


@dataclass
class _Read:
    multiplier: int
    shown: str | None
    shown_unit: int | None
    """The unit the person sees for this column (None: none stated or shown)."""


def _column_unit(grid: Any, h: Header, unit: int | None, lines: np.ndarray,
                 problems: Problems) -> _Read:  # fmt: skip
    """One amount column: the stated unit and its cells' number formats → how it is read."""
    plain = _Read(unit or 1, unit_name(unit) if unit not in (None, 1) else None, unit)
    formats = getattr(grid, "formats", {}).get(h.index)
    if not formats or not len(lines):
        return plain
    ref = column_ref(h)
    values = grid.columns[h.index][lines]
    numeric = np.fromiter((type(v) in (int, float) for v in values), dtype=bool,
                          count=len(values))  # fmt: skip
    reading = np.full(len(lines), unit or 1, dtype=np.int64)  # won per number, 0: refused
    shown: dict[int, tuple[int | None, str]] = {}
    for code, rows in formats.items():
        at = np.asarray(rows, dtype=np.int64)
        pos = np.searchsorted(lines, at)
        inside = pos < len(lines)
        pos = pos[inside][lines[pos[inside]] == at[inside]]
        if not len(pos):
            continue
        multiplier, problem, unit_shown = _cell(format_unit(code), unit)
        if problem is not None:
            problems.at(pos, ref, values, problem)
            reading[pos] = 0
            continue
        assert multiplier is not None
        reading[pos] = multiplier
        fmt = format_unit(code)
        if fmt is not None and fmt.scale > 1:  # 15 under #,##0, shows 0: not what was meant
            tiny = [p for p in pos.tolist() if type(values[p]) in (int, float)
                    and 0 < abs(values[p]) < fmt.scale]  # fmt: skip
            problems.at(
                tiny, ref, values,
                f"서식대로 보이는 금액 (an amount the cell shows: its number format {code!r} "
                f"divides by {fmt.scale:,}, so this cell shows 0 — type the amount in won, or use "
                "a plain number format)",
            )  # fmt: skip
            reading[tiny] = 0
        shown.setdefault(multiplier, (unit_shown, code))
    counted = reading[numeric & (reading > 0)]
    if not len(counted):
        return plain
    kinds, counts = np.unique(counted, return_counts=True)
    common = int(kinds[np.argmax(counts)])
    odd = np.flatnonzero(numeric & (reading > 0) & (reading != common))
    problems.at(
        odd, ref, values,
        f"같은 열은 한 단위 (one unit in a column: most numbers here come out as × {common:,} "
        "won, but this cell, by its number format, differently — give the column one number "
        "format)",
    )  # fmt: skip
    if common not in shown:
        return plain
    unit_shown, code = shown[common]
    if unit_shown == 1 and unit in (None, 1):
        return _Read(1, None, 1)
    name = unit_name(unit_shown) if unit_shown is not None else "원"
    held = ", 셀 값은 이미 원 the cells hold won" if common == 1 and unit_shown != 1 else ""
    return _Read(common, f"{name} (숫자 서식 {code}{held})", unit_shown)


def _cell(fmt: FormatUnit | None, unit: int | None) -> tuple[int | None, str | None, int | None]:
    """One formatted number → (won per number, None, unit shown) or (None, problem, None)."""
    if fmt is None:
        return unit or 1, None, unit
    if fmt.problem is not None:
        return None, f"{fmt.problem}; 숫자 서식 (number format) {fmt.code!r}", None
    if fmt.unit is not None and unit is not None and fmt.unit != unit:
        return None, (
            f"머리글·단위 표시와 같은 단위 (the unit stated for the column, {unit_name(unit)}; "
            f"this cell's number format {fmt.code!r} shows {unit_name(fmt.unit)} — change the "
            "header's unit or the number format)"
        ), None
    shown = fmt.unit if fmt.unit is not None else unit
    if fmt.scale == 1:
        return shown or 1, None, shown
    if shown is None or shown != fmt.scale:
        what = f"the column's unit is {unit_name(shown)}" if shown else "no unit is stated"
        return None, (
            f"보이는 대로 읽을 수 있는 숫자 (a number read as shown: the number format "
            f"{fmt.code!r} shows this cell ÷ {fmt.scale:,}, and {what} — write (단위: "
            f"{unit_name(fmt.scale)}) above the table if the cells hold won, or use a plain "
            "number format)"
        ), None
    return 1, None, shown


def footnotes(grid: Any, body_at: int, keep: np.ndarray, last: int = 5) -> list[tuple[int, int]]:
    """Cells of the last rows of the table that are a note about units and nothing else
    (``※ 금액 단위: 천원`` under the lines): (row, col), 0-based."""
    found = []
    for i in (keep[-last:] + body_at).tolist():
        filled = [(j, col[i]) for j, col in enumerate(grid.columns) if not _blank(col[i])]
        if len(filled) == 1 and isinstance(filled[0][1], str) and unit_like(filled[0][1]):
            found.append((i, filled[0][0]))
    return found


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, float) and value != value)
