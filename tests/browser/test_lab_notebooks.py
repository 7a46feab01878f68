"""Notebooks 00, 02 and 03 in JupyterLab at 1400×900, in a real browser (07: in
test_lab_exercises.py, which opens it to answer its exercises).

Each runs with no error or stderr output, shows its people table, and no text is typeset
as math, struck through or set in italics. Screenshots of every screenful go to the
screenshot folder. (The same notebooks as apps on a projector: test_present.py.)
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_helpers import NOTEBOOKS, check_whole_notebook_in_lab, open_and_run_all

pytestmark = pytest.mark.browser

LAB = {"width": 1400, "height": 900}
EXERCISES = "07_exercises.ipynb"
"""Checked whole in JupyterLab by test_lab_exercises.py, which opens it to answer."""


@pytest.mark.parametrize("notebook", [n for n in NOTEBOOKS if n != EXERCISES])
def test_notebook_in_lab(lab_session, bpage, screenshots: Path, notebook: str) -> None:
    page, lab = bpage.page, lab_session
    page.set_viewport_size(LAB)
    open_and_run_all(page, lab, notebook)
    check_whole_notebook_in_lab(page, lab, notebook, screenshots)
