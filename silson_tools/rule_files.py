"""Reading rule data files: TOML text parsed once per text, handed out as fresh trees.

Every rule file (products, the 상한제 table, the NHI co-pay law table, sources) is read with
:func:`read_toml` or :func:`read_table`. A report reads the same files dozens of times; the
parse of an identical text is reused (:func:`_parsed`), and a changed file is always parsed
anew (the key is the text itself, not a time stamp).
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .errors import InputError, RuleDataError

__all__ = ["copy_tree", "parse_toml", "read_table", "read_toml", "table_text"]


def read_toml(path: str | Path, shown: str | None = None) -> dict[str, Any]:
    """Parse a TOML file into a fresh tree (the caller may change it); a missing file or bad
    syntax is an error naming the file. The file is read every time; the parse of the same
    text is reused (:func:`_parsed`), so a changed file is always parsed anew."""
    path = Path(path)
    name = shown or str(path)
    if not path.is_file():
        raise InputError(f"policy file not found: {name}")
    return parse_toml(path.read_text(encoding="utf-8"), name)


def parse_toml(text: str, shown: str) -> dict[str, Any]:
    """``text`` parsed into a fresh tree; bad syntax is an error naming the file ``shown``."""
    try:
        return copy_tree(_parsed(text))
    except tomllib.TOMLDecodeError as err:
        raise RuleDataError(shown, "", f"not valid TOML: {err}") from None


@functools.lru_cache(maxsize=128)
def _parsed(text: str) -> dict[str, Any]:
    """The parsed tree of ``text``, shared: callers get :func:`copy_tree` of it. Keyed by
    the whole text, not a file's time stamp, so an edit within the clock's tick is seen."""
    return tomllib.loads(text)


def copy_tree(raw: Any) -> Any:
    """A deep copy of a parsed TOML tree (tables and lists; the leaves are immutable)."""
    if isinstance(raw, Mapping):
        return {k: copy_tree(v) for k, v in raw.items()}
    if isinstance(raw, list):
        return [copy_tree(v) for v in raw]
    return raw


def read_table(path: Path, shown: str) -> dict[str, Any]:
    """The TOML of a rule table (an :class:`InputError` if there is no such file)."""
    return parse_toml(table_text(path, shown), shown)


def table_text(path: Path, shown: str) -> str:
    """The text of a rule table file (an :class:`InputError` if there is no such file)."""
    if not path.is_file():
        raise InputError(f"rule table not found: {shown}")
    return path.read_text(encoding="utf-8")
