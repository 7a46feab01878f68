"""No module of the package is over 700 lines: a module that grows past it is split by what
its parts answer (see README, "구조 (layout)")."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "silson_tools"
MAX_LINES = 700


def test_no_module_over_700_lines() -> None:
    sizes = {
        str(path.relative_to(PACKAGE.parent)): len(path.read_text(encoding="utf-8").splitlines())
        for path in sorted(PACKAGE.rglob("*.py"))
    }
    assert sizes and {name: n for name, n in sizes.items() if n > MAX_LINES} == {}
