"""Projector mode (``make present``): the launcher, and notebooks 03, 07 and 08 in a real browser.

Voilà at 1280×720 (a classroom projector): the Korean launcher lists every notebook with
one line; body text is at least 18 px; Lab-only instructions and teacher cells are hidden;
slider values are not clipped, also at 150% zoom; no notebook has text typeset as math or
struck through. The projector notebooks with slider apps (00, 02) and the other slider
notebooks (01, 04, 05, 06) get the same checks on the page test_slider_latency.py opens
(one Voilà render, one kernel, per notebook). The projector notebooks in JupyterLab:
tests/browser/test_lab_notebooks.py. Screenshots of every view go to the screenshot folder.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser_helpers import (
    APPS,
    CLIPPED,
    NOTEBOOKS,
    PROJECTOR,
    WIDGET_TIMEOUT_MS,
    ZOOM_150,
    assert_nothing_eaten,
    assert_projector_page,
)

pytestmark = pytest.mark.browser


def _open_in_voila(page, voila, notebook: str) -> None:
    page.set_viewport_size(PROJECTOR)
    page.goto(  # Voilà runs the notebook before the page loads: a cold kernel can take minutes
        f"{voila.url}/voila/render/{notebook}?token={voila.token}", timeout=WIDGET_TIMEOUT_MS
    )
    page.locator("#rendered_cells").wait_for(state="visible", timeout=WIDGET_TIMEOUT_MS)
    page.wait_for_function(
        "() => !document.querySelector('#loading') || "
        "getComputedStyle(document.querySelector('#loading')).display === 'none'",
        timeout=WIDGET_TIMEOUT_MS,
    )


BAD_FILE = "진료일,진료구분,요양기관종류,본인부담금,비급여\n2024-03-05,외래,의원,abc,0\n"


def _upload_two_clicks(page, served: Path, screenshots: Path) -> None:
    """03: pick a bad file → the located problems (no traceback); pick the sample with a
    decile → the report with the final burden after the NHIS refund. Nothing is written
    next to the notebooks."""
    before = sorted(p.name for p in served.iterdir())
    button = page.locator(".silson-upload-app .widget-upload").first
    button.wait_for(state="visible", timeout=WIDGET_TIMEOUT_MS)
    button.scroll_into_view_if_needed()
    with page.expect_file_chooser() as chooser:
        button.click()
    chooser.value.set_files(
        files=[{"name": "틀린파일.csv", "mimeType": "text/csv", "buffer": BAD_FILE.encode()}]
    )
    out = page.locator(".silson-upload-app .silson-people").first
    out.wait_for(state="visible", timeout=60_000)
    problems = out.inner_text()
    assert "2행" in problems and "본인부담금" in problems and "abc" in problems, problems
    assert "Traceback" not in page.locator(".silson-upload-app").inner_text()
    out.scroll_into_view_if_needed()
    page.screenshot(path=screenshots / "voila_03_upload_problems.png")
    page.locator(".silson-upload-app select").nth(1).select_option(label="3분위")
    with page.expect_file_chooser() as chooser:
        button.click()
    sample = Path(__file__).resolve().parents[2] / "data" / "samples" / "receipts.csv"
    chooser.value.set_files(str(sample))
    page.locator(".silson-upload-app", has_text="최종 부담").first.wait_for(timeout=120_000)
    page.locator(".silson-upload-app", has_text="최종 부담").first.scroll_into_view_if_needed()
    page.screenshot(path=screenshots / "voila_03_upload_report.png")
    assert sorted(p.name for p in served.iterdir()) == before, "the upload landed in notebooks/"


def test_launcher_in_voila_lists_every_notebook_in_korean(voila, bpage, screenshots: Path) -> None:
    page = bpage.page
    page.set_viewport_size(PROJECTOR)
    page.goto(f"{voila.url}/?token={voila.token}")
    links = page.locator(".silson-launcher li a")
    links.first.wait_for(state="visible")
    names = sorted(p.name for p in voila.root.glob("*.ipynb"))
    shown = [links.nth(i).get_attribute("data-notebook") for i in range(links.count())]
    assert sorted(shown) == names, f"launcher lists {shown}, notebooks are {names}"
    for i in range(links.count()):
        text = links.nth(i).inner_text()
        assert re.search("[가-힣]", text) and " — " in text, f"not a Korean one-liner: {text!r}"
        assert "설명 없음" not in text, f"notebook missing from the launcher's list: {text!r}"
    size = page.evaluate(
        "() => parseFloat(getComputedStyle("
        "document.querySelector('.silson-launcher li a')).fontSize)"
    )
    assert size >= 18, f"launcher text {size} px"
    page.screenshot(path=screenshots / "voila_launcher.png")


@pytest.mark.parametrize("notebook", [n for n in NOTEBOOKS if n not in APPS])
def test_projector_mode_in_voila(voila, bpage, screenshots: Path, notebook: str) -> None:
    page = bpage.page
    _open_in_voila(page, voila, notebook)
    stem = notebook.removesuffix(".ipynb")
    page.screenshot(path=screenshots / f"voila_{stem}_top.png")
    assert_projector_page(page, notebook, screenshots)
    assert_nothing_eaten(page, notebook)
    if notebook.startswith("03_"):
        _upload_two_clicks(page, voila.root, screenshots)
    assert not page.evaluate(CLIPPED), f"{notebook}: slider values clipped"
    page.set_viewport_size(ZOOM_150)  # what the page gets at 150% browser zoom
    page.wait_for_timeout(500)
    clipped = page.evaluate(CLIPPED)
    page.screenshot(path=screenshots / f"voila_{stem}_zoom150.png")
    assert not clipped, f"{notebook}: slider values clipped at 150% zoom: {clipped}"


ALL_NOTEBOOKS = sorted(
    p.name for p in (Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb")
)


OTHER_NOTEBOOKS = [n for n in ALL_NOTEBOOKS if n not in NOTEBOOKS and n not in APPS]
"""Notebooks neither on the projector list nor with slider apps (08): with those two lists,
every notebook is checked on one Voilà page."""


@pytest.mark.parametrize("notebook", OTHER_NOTEBOOKS)
def test_nothing_typeset_or_struck_in_voila(voila, bpage, screenshots: Path, notebook: str) -> None:
    """Every other notebook in app mode: no $…$ typeset as math, no ~…~ struck, no italics."""
    page = bpage.page
    _open_in_voila(page, voila, notebook)
    page.wait_for_timeout(2_000)  # widgets and MathJax finish after the cells
    page.screenshot(path=screenshots / f"voila_{notebook.removesuffix('.ipynb')}_top.png")
    assert_nothing_eaten(page, notebook)
