"""Committed notebooks: ASCII names, outputs cleared, and an assumptions-and-limits section."""

import json
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_clean(path):
    assert path.name.isascii()
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell.get("outputs", []) == [], f"{path.name}: outputs not cleared"
            assert cell.get("execution_count") is None, f"{path.name}: execution count left"
    assert "widgets" not in nb.get("metadata", {}), f"{path.name}: saved widget state"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_ends_with_assumptions_and_limits(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    text = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert "가정과 한계" in text or path.name.startswith("00_")


TEMPLATE = Path(__file__).parents[1] / "present" / "voila" / "templates" / "silson"
LAUNCHER = TEMPLATE / "tree-lab.html"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_launcher_has_a_korean_line(path):
    """``make present``'s launcher page gives every notebook a Korean title and one line."""
    lines = LAUNCHER.read_text(encoding="utf-8").splitlines()
    line = next((x for x in lines if path.name in x), "")
    assert line, f"{path.name} is not on the launcher page ({LAUNCHER.name})"
    assert any("가" <= ch <= "힣" for ch in line), f"{path.name}: no Korean line on the launcher"
