"""Outputs that never harm: cells Excel will not run, escaped Markdown, whole-folder writes.

- :func:`excel_text` / :func:`excel_safe`: a text cell that starts with ``=``, ``+``, ``-``,
  ``@``, a tab, CR or LF (or their full-width forms) gets a leading ``'`` so Excel shows it
  as text instead of evaluating it (CSV/formula injection); numbers stay numbers.
- :func:`csv_bytes`: a table as CSV (UTF-8 with BOM, so Excel shows the Korean), every text
  cell neutralised, written column by column (1M lines in a few seconds).
- :func:`md_text`: text shown in Markdown, escaped so it renders as the same text
  (no HTML, links, emphasis, math or table breaks from a name in a receipt file).
- :func:`write_files`: the rendered files are written into a temporary folder beside the
  destination and moved into place whole; an existing file is replaced only with
  ``force=True``, never when it is (or links to) an input file, and never through a
  symbolic link.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from ..errors import InputError

__all__ = [
    "FORMULA_START",
    "check_targets",
    "csv_bytes",
    "csv_chunks",
    "excel_safe",
    "excel_text",
    "md_text",
    "write_files",
]

FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
"""A cell whose text starts with one of these is evaluated (or may be) by a spreadsheet."""

_BLOCK = 100_000  # CSV rows joined at a time (bounds the temporary Python strings)


def excel_text(value: str) -> str:
    """``value``, with a leading ``'`` when it starts like a formula (see :data:`FORMULA_START`)."""
    return "'" + value if value.startswith(FORMULA_START) else value


def _is_text(column: pd.Series) -> bool:
    return not (
        pd.api.types.is_numeric_dtype(column.dtype)
        or pd.api.types.is_bool_dtype(column.dtype)
        or pd.api.types.is_datetime64_any_dtype(column.dtype)
    )


def excel_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and column names Excel will not evaluate.

    Numeric, boolean and date columns are unchanged (a negative amount stays a number).
    """
    out = frame.copy()
    for name in out.columns:
        column = out[name]
        if _is_text(column):
            codes, uniques = pd.factorize(column, use_na_sentinel=True)
            safe = np.array([excel_text(str(u)) for u in uniques] + [None], dtype=object)
            out[name] = pd.Series(safe[codes], index=out.index, dtype=object)
    return out.rename(columns=lambda c: excel_text(str(c)))


def _csv_field(text: str) -> str:
    """RFC 4180 quoting, as ``csv.QUOTE_MINIMAL`` does: quote when , " CR or LF occur."""
    if any(ch in text for ch in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _column_cells(column: pd.Series) -> Callable[[int, int], list[bytes]]:
    """The column's CSV cells (UTF-8) for lines ``[start, stop)``.

    Integers with many distinct values are formatted by numpy; everything else once per
    distinct value (missing → empty cell).
    """
    dtype = column.dtype
    if pd.api.types.is_integer_dtype(dtype) and not isinstance(dtype, pd.CategoricalDtype):
        values = column.to_numpy()
        if len(np.unique(values[:4096])) > 512:  # amounts: nearly every value distinct
            return lambda start, stop: values[start:stop].astype("S").tolist()
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    items = uniques.tolist() if hasattr(uniques, "tolist") else list(uniques)
    if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_integer_dtype(dtype):
        texts = [str(v) for v in items]
    elif pd.api.types.is_float_dtype(dtype):
        texts = ["" if v != v else repr(float(v)) for v in items]
    elif pd.api.types.is_datetime64_any_dtype(dtype):
        stamps = pd.DatetimeIndex(uniques)
        midnight = bool((stamps.normalize() == stamps).all())
        texts = [s.strftime("%Y-%m-%d" if midnight else "%Y-%m-%d %H:%M:%S") for s in stamps]
    else:
        texts = [_csv_field(excel_text(str(v))) for v in items]
    cells = np.array([t.encode("utf-8") for t in [*texts, ""]], dtype=object)  # -1 → ""
    return lambda start, stop: cells[codes[start:stop]].tolist()


def csv_bytes(frame: pd.DataFrame, bom: bool = True) -> bytes:
    """``frame`` as CSV bytes (UTF-8, BOM first by default, LF line ends, no index).

    Text cells and column names pass :func:`excel_text`; numbers are written as numbers.
    """
    return b"".join(csv_chunks(frame, bom))


def csv_chunks(frame: pd.DataFrame, bom: bool = True) -> Iterator[bytes]:
    """:func:`csv_bytes` in pieces of at most 100,000 lines (for writing without one copy)."""
    header = ",".join(_csv_field(excel_text(str(c))) for c in frame.columns) + "\n"
    yield ("\ufeff" if bom else "").encode("utf-8") + header.encode("utf-8")
    columns = [_column_cells(frame[c]) for c in frame.columns]
    for start in range(0, len(frame), _BLOCK):
        cells = [column(start, start + _BLOCK) for column in columns]
        yield b"\n".join(map(b",".join, zip(*cells, strict=True))) + b"\n"


_MD_SPECIAL: Final = str.maketrans(
    {
        "\\": "\\\\",
        "`": "\\`",
        "*": "\\*",
        "[": "\\[",
        "]": "\\]",
        "|": "\\|",
        "~": "\\~",
        "$": "\\$",
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        "\r": " ",
        "\n": " ",
    }
)


_LONE_UNDERSCORE: Final = re.compile(r"(?<![^\W_])_|_(?![^\W_])")
"""An ``_`` that can open or close emphasis (one inside a word, as in ``covered_copay``,
cannot)."""


def md_text(value: object) -> str:
    """``value`` as Markdown that renders as exactly that text (inline: one line).

    Backslash-escapes the characters of emphasis, code, links, tables, strike-through and
    math (``_`` only where it could start or end emphasis); ``& < >`` become entities (no
    HTML); a leading ``#``, ``+``, ``-``, ``=``, ``!`` or ``1.`` is escaped so it cannot
    start a heading, list or quote.
    """
    text = _LONE_UNDERSCORE.sub(r"\\_", str(value).translate(_MD_SPECIAL))
    if text[:1] in ("#", "+", "-", "=", "!"):
        text = "\\" + text
    digits = len(text) - len(text.lstrip("0123456789"))
    if digits and text[digits : digits + 1] in (".", ")"):
        text = f"{text[:digits]}\\{text[digits:]}"
    return text


# --- writing ---------------------------------------------------------------------------------


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _check_target(path: Path, inputs: set[tuple[int, int]], force: bool) -> str | None:
    """Why ``path`` must not be replaced (None: it may be). Nothing follows a link."""
    if not os.path.lexists(path):
        return None
    if path.is_symlink():
        return f"{path}: 심볼릭 링크라 건드리지 않습니다 (a symbolic link; it is never followed)"
    if _identity(path) in inputs:
        return f"{path}: 입력 파일이라 덮어쓰지 않습니다 (it is an input file, or a link to one)"
    if not path.is_file():
        return f"{path}: 파일이 아닙니다 (exists and is not a file)"
    if not force:
        return _EXISTS
    return None


_EXISTS: Final = "exists"


def check_targets(
    names: Sequence[str],
    out_dir: str | Path,
    *,
    force: bool = False,
    inputs: Iterable[str | Path] = (),
) -> set[tuple[int, int]]:
    """Refuse (:class:`InputError`, naming every file) what :func:`write_files` would refuse;
    return the identities (device, inode) of ``inputs``. Cheap: call it before long work."""
    out = Path(out_dir)
    if out.is_symlink():
        raise InputError(
            f"--out {out}: 심볼릭 링크입니다; 실제 폴더 경로를 주세요 (a symbolic link; "
            "give the real folder)"
        )
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out}: 폴더가 아니라 파일입니다 (exists and is not a folder)")
    for name in names:
        if Path(name).name != name or name in ("", ".", ".."):
            raise InputError(f"output name {name!r} is not a plain file name")
    known = {i for p in inputs if (i := _identity(Path(p))) is not None}
    if out.exists():
        problems = {n: _check_target(out / n, known, force) for n in names}
        refused = [p for p in problems.values() if p and p != _EXISTS]
        existing = [n for n, p in problems.items() if p == _EXISTS]
        if existing:
            refused.append(
                f"{out}에 이미 있습니다 (already there): {', '.join(existing)}; "
                "바꾸려면 --force (pass --force to replace the earlier report)"
            )
        if refused:
            raise InputError(
                f"--out {out}: 아무것도 쓰지 않았습니다 (nothing was written):\n  "
                + "\n  ".join(refused)
            )
    return known


def write_files(
    files: Mapping[str, bytes | Iterable[bytes]],
    out_dir: str | Path,
    *,
    force: bool = False,
    inputs: Iterable[str | Path] = (),
) -> list[Path]:
    """Write ``files`` (name → bytes, or pieces of bytes such as :func:`csv_chunks`) into
    ``out_dir`` whole; return the paths written.

    Everything is checked before anything is written: ``out_dir`` must not be a symbolic
    link or a file; a file already there is replaced only with ``force=True`` and never
    when it is one of ``inputs`` (same file, hard link or link to it) or a symbolic link.
    The files go to a temporary folder beside ``out_dir`` and are then renamed into place
    (a new ``out_dir`` appears whole; in an existing one, replaced files are put back if a
    later rename fails). Raises :class:`InputError` naming every refused file.
    """
    out = Path(out_dir)
    known = check_targets(list(files), out, force=force, inputs=inputs)
    if out.exists():
        stage = Path(tempfile.mkdtemp(prefix=".silson-report-", dir=out))
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.silson-", dir=out.parent))
        mask = os.umask(0o022)
        os.umask(mask)
        stage.chmod(0o777 & ~mask)  # mkdtemp's 0700 would otherwise become the folder's mode
    moved = False
    try:
        for name, data in files.items():
            with open(stage / name, "xb") as handle:
                for piece in [data] if isinstance(data, bytes | bytearray) else data:
                    handle.write(piece)
                handle.flush()
                os.fsync(handle.fileno())
        if out.exists():
            _move_into(stage, out, list(files), known)
        else:
            os.rename(stage, out)  # the whole folder appears at once
            moved = True
    finally:
        if not moved:
            shutil.rmtree(stage, ignore_errors=True)
    return [out / n for n in files]


def _move_into(stage: Path, out: Path, names: list[str], inputs: set[tuple[int, int]]) -> None:
    """Rename each staged file over its target; on a failure put every earlier one back."""
    done: list[tuple[Path, Path | None]] = []  # (target, saved copy of the old file or None)
    try:
        for name in names:
            target = out / name
            saved: Path | None = None
            if os.path.lexists(target):
                if target.is_symlink() or _identity(target) in inputs:  # changed meanwhile
                    raise InputError(f"{target}: 바뀌었습니다 (changed while writing); stopped")
                saved = stage / f".old.{name}"
                try:  # keep the old file until every rename has worked
                    os.link(target, saved)
                except OSError:  # a file system without hard links
                    shutil.copy2(target, saved)
            os.replace(stage / name, target)
            done.append((target, saved))
    except BaseException:
        for target, saved in reversed(done):
            if saved is None:
                target.unlink(missing_ok=True)
            else:
                os.replace(saved, target)
        raise
