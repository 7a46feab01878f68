"""Projector mode (``make present``): notebooks 00, 02, 03, 07 in a real browser.

Voilà at 1280×720 (a classroom projector): the Korean launcher lists every notebook with
one line; body text is at least 18 px; Lab-only instructions and teacher cells are hidden;
notebook 02's controls and picture are on screen together; slider values are not clipped,
also at 150% zoom; no other notebook has text typeset as math or struck through. The same
four notebooks in JupyterLab: tests/browser/test_lab_notebooks.py. Screenshots of every
view go to the screenshot folder.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser_helpers import EATEN, NOTEBOOKS, WIDGET_TIMEOUT_MS, stderr_texts

pytestmark = pytest.mark.browser

PROJECTOR = {"width": 1280, "height": 720}
ZOOM_150 = {"width": 853, "height": 480}
"""1280×720 at 150% browser zoom: the CSS viewport the page lays out in."""
HIDDEN_IN_APP = ("Run All Cells", "선생님용 점검", "Restart Kernel")
"""Texts of cells tagged lab-only / teacher: never on the projector."""

FONT_SIZES = """
() => [...document.querySelectorAll('.jp-RenderedMarkdown p, .jp-RenderedMarkdown li')]
  .filter(e => e.offsetParent !== null && e.textContent.trim())
  .map(e => parseFloat(getComputedStyle(e).fontSize))
"""
CLIPPED = """
() => [...document.querySelectorAll('.widget-readout')]
  .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1)
  .map(e => e.textContent)
"""


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


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_projector_mode_in_voila(voila, bpage, screenshots: Path, notebook: str) -> None:
    page = bpage.page
    _open_in_voila(page, voila, notebook)
    stem = notebook.removesuffix(".ipynb")
    page.screenshot(path=screenshots / f"voila_{stem}_top.png")
    page.screenshot(path=screenshots / f"voila_{stem}_full.png", full_page=True)
    sizes = page.evaluate(FONT_SIZES)
    assert sizes and min(sizes) >= 18, f"{notebook}: body text {min(sizes or [0])} px (< 18)"
    text = page.locator("#rendered_cells").inner_text()
    for hidden in HIDDEN_IN_APP:
        assert hidden not in text, f"{notebook}: {hidden!r} shown in app mode"
    assert not stderr_texts(page), f"{notebook}: stderr in app mode: {stderr_texts(page)}"
    eaten = page.evaluate(EATEN)
    assert eaten == {"math": 0, "struck": [], "italic": []}, f"{notebook}: {eaten}"
    if notebook.startswith("02_"):
        app = page.locator(".silson-scenario-app").first
        app.locator("img").first.wait_for(state="visible", timeout=WIDGET_TIMEOUT_MS)
        app.scroll_into_view_if_needed()
        page.evaluate("() => document.querySelector('.silson-scenario-app').scrollIntoView()")
        controls = app.locator(".widget-vbox").first.bounding_box()
        picture = app.locator("img").first.bounding_box()
        assert controls and picture
        for name, box in (("controls", controls), ("picture", picture)):
            assert box["y"] >= 0 and box["y"] + box["height"] <= PROJECTOR["height"], (
                f"02: {name} {box} not on the 1280×720 screen with the other"
            )
        page.screenshot(path=screenshots / f"voila_{stem}_app.png")
        # its sliders' speed: tests/browser/test_slider_latency.py
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


@pytest.mark.parametrize("notebook", [n for n in ALL_NOTEBOOKS if n not in NOTEBOOKS])
def test_nothing_typeset_or_struck_in_voila(voila, bpage, screenshots: Path, notebook: str) -> None:
    """Every other notebook in app mode: no $…$ typeset as math, no ~…~ struck, no italics."""
    page = bpage.page
    _open_in_voila(page, voila, notebook)
    page.wait_for_timeout(2_000)  # widgets and MathJax finish after the cells
    eaten = page.evaluate(EATEN)
    page.screenshot(path=screenshots / f"voila_{notebook.removesuffix('.ipynb')}_top.png")
    assert eaten == {"math": 0, "struck": [], "italic": []}, f"{notebook}: {eaten}"
