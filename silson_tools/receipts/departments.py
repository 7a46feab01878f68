"""진료과 (department) cells as names: two 진료과 of one institution on one day are two
treatment purposes, two 통원 (the engine splits them), so which spellings are one 진료과 must
be plain.

- **One name**: a cell is NFKC (full-width letters as half-width) without whitespace, so
  `` 정형 외과 `` and ``정형외과`` are one 진료과 (:func:`department_name`); nothing else is
  merged. A cell that marks "none" (``-``, ``없음``, ``N/A``) is blank, not a department.
- **Near spellings** (``crosscheck``): two names of one person–institution–day that differ
  only in a bracket note or in letter case (``정형외과`` / ``정형외과(OS)``, ``ENT`` / ``ent``)
  may be one department written two ways or two: a line without a 방문묶음 that would be split
  from the other by that difference alone is refused at its 진료과 cell, asking the person to
  write one spelling (one 통원) or a 방문묶음 per visit.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd

from . import cells
from .groups import SMALL, Groups, codes_by_value

if TYPE_CHECKING:
    from .validate import RawColumn

__all__ = [
    "department_cells", "department_name", "department_notes", "has_near_names", "loose_department",
    "near_spellings", "purposes", "visit_cells", "visit_key", "visit_notes",
]

_NOTE: Final = re.compile(r"[(\[（【][^)\]）】]*[)\]）】]")


_NO_DEPARTMENT: Final = cells.NONE_MARKS
"""Cells that say "no 진료과" rather than name one (a dash, 없음, N/A): read as blank, so two
such lines are not two departments, and one beside a named 진료과 is asked about as a blank."""


def department_name(cell: Any) -> str:
    """A 진료과 cell as one name: NFKC, no whitespace; blank or a "none" mark (``-``,
    ``없음``, ``N/A``: :data:`_NO_DEPARTMENT`) → ``""``."""
    if cells.is_blank(cell):
        return ""
    name = cells.compact(cells.text(cell))
    return "" if name.casefold() in _NO_DEPARTMENT else name


def loose_department(name: str) -> str:
    """A 진료과 name without its bracket notes, case folded (``정형외과(OS)`` → ``정형외과``;
    ``ENT`` → ``ent``): names equal here but not as written may be one department."""
    return _NOTE.sub("", name).casefold()


_NO_VISIT: Final = _NO_DEPARTMENT | {"n", "no", "아니오", "아니요", "무", "없슴"}
_WHOLE_FLOAT: Final = re.compile(r"^(\d+)\.0+$")


def visit_key(cell: Any) -> str:
    """A 방문묶음 cell as one key: NFKC, no whitespace, case folded, ``1.0`` as ``1`` (a CSV
    written from a number column), so ``A``/``a`` and ``무 릎``/``무릎`` are one key; blank or a
    "none" mark (``-``, ``0``, ``없음``, ``X``, ``N``) → ``""``: a dash typed for "no key" on
    two lines must not join them."""
    if cells.is_blank(cell):
        return ""
    key = cells.compact(cells.text(cell)).casefold()
    whole = _WHOLE_FLOAT.match(key)
    key = whole[1] if whole else key
    return "" if key in _NO_VISIT else key


def visit_cells(col: RawColumn) -> RawColumn:
    """The 방문묶음 column with each cell as :func:`visit_key`, factorized; ``0`` is a key
    where other keys are numbers too (ids 0, 1, 2 … an analyst numbered from 0)."""
    return department_cells(col, _visit_key_of(col))


def _visit_key_of(col: RawColumn) -> Any:
    """:func:`visit_key`, or one that keeps ``0`` when the column numbers its keys."""
    from .validate import _factorize

    _, uniques = col.coded if col.coded is not None else _factorize(col.values)
    keys = {visit_key(u) for u in uniques}
    if not any(k.isdigit() for k in keys) or not any(
        not cells.is_blank(u) and _number_key(u) == "0" for u in uniques
    ):
        return visit_key
    return lambda cell: "0" if _number_key(cell) == "0" else visit_key(cell)


def _number_key(cell: Any) -> str:
    return cells.compact(cells.text(cell)).removesuffix(".0")


def department_cells(col: RawColumn, name: Any = None) -> RawColumn:
    """The 진료과 column with each cell as :func:`department_name` (or ``name``; each distinct
    cell once), factorized: the values and their codes."""
    from .validate import _factorize

    name = name or department_name
    codes, uniques = col.coded if col.coded is not None else _factorize(col.values)
    names, table = pd.factorize(pd.Series([name(u) for u in uniques], dtype=object))
    per_line = np.append(names, -1)[codes]  # a missing cell (code −1) stays missing
    values = np.append(np.asarray(table, dtype=object), None)[per_line]
    return replace(col, values=values, coded=(per_line, list(table)))


def _codes(values: np.ndarray) -> np.ndarray:
    """Text → int codes, blank (``""``) → 0, others 1, 2 … by first appearance."""
    listed = np.asarray(values, dtype=object).tolist()
    if len(listed) <= SMALL and all(type(v) is str for v in listed):  # a dict: no pandas set-up
        codes, uniques = codes_by_value(listed)
    else:
        codes, uniques = pd.factorize(pd.Series(values, dtype=object).fillna(""))
    blank = np.append(np.asarray(uniques, dtype=object) == "", True)
    return np.where(blank[codes], 0, codes + 1).astype(np.int64)


def purposes(person: np.ndarray, days: np.ndarray, inst: np.ndarray, key: np.ndarray,
             dept: np.ndarray) -> np.ndarray:  # fmt: skip
    """Per 외래 line: its treatment purpose within its person–day–institution, as the engine
    splits 통원 (``engine.visits._purposes``): its 방문묶음 key (> 0); a keyless line the one
    key of the lines of its place and 진료과, if just one; else its 진료과 (≤ 0, blank 0)."""
    k, d = _codes(key), _codes(dept)
    keyed = k > 0
    place = Groups(person, days, inst, d)
    n_keys = place.distinct(k, keyed)
    one = np.zeros(place.size, dtype=np.int64)
    one[place.codes[keyed]] = k[keyed]
    return np.where(keyed, k, np.where(n_keys == 1, one[place.codes], -d))


def has_near_names(names: tuple[str, ...] | list[str]) -> bool:
    """True when two of the distinct 진료과 ``names`` are equal by :func:`loose_department`."""
    loose = [loose_department(str(n)) for n in names if str(n) != ""]
    return len(set(loose)) < len(loose)


def near_spellings(person: np.ndarray, days: np.ndarray, inst: np.ndarray, key: np.ndarray,
                   dept: np.ndarray) -> list[tuple[np.ndarray, tuple[str, ...]]]:  # fmt: skip
    """외래 lines split from another line of their person–day–institution only by how a
    진료과 is written (``정형외과`` / ``정형외과(OS)``: equal by :func:`loose_department`):
    (positions, the spellings) per such group, for lines whose purpose is their 진료과
    (no 방문묶음 says which visit)."""
    dept = np.asarray(dept, dtype=object)
    names, where = pd.factorize(pd.Series(dept, dtype=object).fillna(""))
    loose = [loose_department(str(n)) for n in where]
    if len(set(loose)) == len(loose):
        return []
    loose_of = np.asarray(loose, dtype=object)[names]
    group = Groups(person, days, inst, loose_of)
    several = group.several(names) & (loose_of != "")
    hit = several & (purposes(person, days, inst, key, dept) <= 0)
    out = []
    for g in np.unique(group.codes[hit]):
        mine = group.codes == g
        spellings = tuple(sorted({str(v) for v in dept[mine]}))
        out.append((np.flatnonzero(mine & hit), spellings))
    return out


def department_notes(col: RawColumn | None) -> list[str]:
    """The read's note when 진료과 cells were read as one name with their inner spaces or
    full-width letters dropped (``정형 외과`` → ``정형외과``): said, as it joins them."""
    return _notes(col, department_name, "진료과", "띄어쓰기·전각 글자", "inner spaces or "
                  "full-width letters")  # fmt: skip


def visit_notes(col: RawColumn | None) -> list[str]:
    """:func:`department_notes` for 방문묶음 (:func:`visit_key`)."""
    if col is None:
        return []
    return _notes(col, _visit_key_of(col), "방문묶음", "띄어쓰기·전각 글자·대소문자",
                  "inner spaces, full-width letters or letter case")  # fmt: skip


def _notes(col: RawColumn | None, name: Any, label: str, dropped: str, english: str) -> list[str]:
    if col is None:
        return []
    from .validate import _factorize

    _, uniques = col.coded if col.coded is not None else _factorize(col.values)
    pairs = {(cells.text(u), name(u)) for u in uniques if not cells.is_blank(u)}
    changed = sorted((a, b) for a, b in pairs if a != b and b)
    none = sorted(a for a, b in pairs if not b)
    notes = []
    if changed:
        shown = ", ".join(f"{_shown(a)} → {_shown(b)}" for a, b in changed[:5])
        more = f" 외 {len(changed) - 5}개" if len(changed) > 5 else ""
        notes.append(
            f"{label}는 {dropped}를 빼고 한 이름으로 읽었습니다 ({label} read as one name "
            f"without {english}): {shown}{more}"
        )
    if none:
        marks = ", ".join(_shown(a) for a in none[:5])
        notes.append(
            f"{label} 칸의 {marks}는 {label} 없음(빈칸)으로 읽었습니다 "
            f"(read as no {label}, a blank)"
        )
    return notes


_UNSEEN: dict[str, str] = {"\u3000": "(전각 공백)", "\xa0": "(NBSP 공백)", "\t": "(탭)"}
"""How a note shows a character a reader would not see (not as Python's ``\\u3000``)."""


def _shown(text: str) -> str:
    """``text`` in quotes, each unprintable character by its name: ``'정형(전각 공백)외과'``."""
    return "'" + "".join(
        c if c.isprintable() else _UNSEEN.get(c, f"(U+{ord(c):04X})") for c in text
    ) + "'"
