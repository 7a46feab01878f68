"""Small checks shared by the loaders of dated rule tables (ceiling.toml, premium_grades.toml).

Every error names the file, the place in it and what was expected, so a typo in a rule
file fails loudly instead of being silently ignored (cf. PolicyEngine-US issue #8905).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["check_keys", "fail", "required"]


def fail(path: Path, where: str, message: str) -> ValueError:
    """``ValueError("<file>: <where>: <message>")``."""
    return ValueError(f"{path}: {where}: {message}")


def check_keys(path: Path, where: str, got: Mapping[str, Any], allowed: set[str]) -> None:
    """Refuse keys the format does not know."""
    unknown = sorted(set(got) - allowed)
    if unknown:
        raise fail(path, where, f"unknown key(s) {unknown}; allowed: {sorted(allowed)}")


def required(path: Path, where: str, table: Mapping[str, Any], key: str) -> Any:
    """``table[key]``, or an error naming file and key: rule numbers have no code defaults."""
    if key not in table:
        raise fail(path, f"{where}.{key}", "missing required value")
    return table[key]
