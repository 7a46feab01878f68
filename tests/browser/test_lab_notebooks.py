"""Notebooks 00, 02, 03, 07 in JupyterLab at 1400×900, in a real browser.

Each runs with no error or stderr output, shows its people table, and no text is typeset
as math, struck through or set in italics. Screenshots of every screenful go to the
screenshot folder. (The same notebooks as apps on a projector: test_present.py.)
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_helpers import (
    NOTEBOOKS,
    WIDGET_TIMEOUT_MS,
    assert_nothing_eaten,
    open_and_run_all,
    wait_for_idle,
)

pytestmark = pytest.mark.browser

LAB = {"width": 1400, "height": 900}


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_notebook_in_lab(lab_session, bpage, screenshots: Path, notebook: str) -> None:
    page, lab = bpage.page, lab_session
    page.set_viewport_size(LAB)
    open_and_run_all(page, lab, notebook)
    # every one of these notebooks shows a people table (open_and_run_all saw the run start)
    shown = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .silson-people").first
    shown.wait_for(state="attached", timeout=WIDGET_TIMEOUT_MS)
    wait_for_idle(page, lab, timeout=300)
    lab.note_kernels()
    stem = notebook.removesuffix(".ipynb")
    scroller = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer"
    height = page.evaluate(f"() => document.querySelector('{scroller}').scrollHeight")
    for i, top in enumerate(range(0, int(height), 800)):
        page.evaluate(f"() => document.querySelector('{scroller}').scrollTo(0, {top})")
        page.wait_for_timeout(300)
        page.screenshot(path=screenshots / f"lab_{stem}_{i:02d}.png")
    assert_nothing_eaten(page, f"{notebook} in Lab")
    errors = page.locator(".jp-OutputArea-output[data-mime-type*='stderr']").count()
    assert errors == 0, f"{notebook}: {errors} stderr/error outputs in JupyterLab"
