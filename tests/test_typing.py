"""Every public function of the package is typed, and the shared argument types are the ones
the functions document (a date argument is ``dates.DateLike``, amounts ``ArrayLike``)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "silson_tools"


def _public_functions(path: Path) -> list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    """Module-level functions and methods of public classes whose names have no leading
    underscore (dunder methods count as public); nested helpers are private by nature."""
    out = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef) and not child.name.startswith("_"):
                visit(child, f"{prefix}{child.name}.")
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = child.name
                dunder = name.startswith("__") and name.endswith("__")
                if dunder or not name.startswith("_"):
                    out.append((f"{prefix}{name}", child))

    visit(ast.parse(path.read_text(encoding="utf-8")), "")
    return out


def test_every_public_function_is_annotated() -> None:
    missing = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for name, fn in _public_functions(path):
            a = fn.args
            params = [*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg]
            bare = [
                p.arg
                for p in params
                if p is not None and p.annotation is None and p.arg not in ("self", "cls")
            ]
            if fn.returns is None:
                bare.append("return")
            if bare:
                missing.append(f"{path.relative_to(ROOT)}:{fn.lineno} {name}: {bare}")
    assert missing == []


def test_date_like_covers_what_the_date_reader_accepts() -> None:
    import datetime as dt
    import typing

    import numpy as np
    import pandas as pd

    from silson_tools.dates import DateLike, as_day

    members = typing.get_args(DateLike)
    for value in ("2024-03-05", dt.date(2024, 3, 5), pd.Timestamp("2024-03-05"),
                  np.datetime64("2024-03-05")):  # fmt: skip
        assert isinstance(value, members), value
        assert as_day(value, "d") == np.datetime64("2024-03-05")


def test_type_only_imports_cost_nothing_at_run_time() -> None:
    """params and catalog name DateLike for type checkers only: loading a product does not
    import pandas (dates.py does)."""
    code = (
        "import sys, silson_tools as st; st.products(); st.load_policy('gen4'); "
        "print('pandas' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
