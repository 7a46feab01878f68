"""Notebook 07 in real JupyterLab at 1400×900: checked whole as test_lab_notebooks.py checks
the others (people table, screenshots, nothing typeset or struck, no stderr), then a wrong and
a right answer typed, the verdicts read."""

from __future__ import annotations

import pytest
from browser_helpers import (
    WIDGET_TIMEOUT_MS,
    assert_hangul_font,
    assert_no_missing_glyphs,
    check_whole_notebook_in_lab,
    open_and_run_all,
)

from silson_tools.teaching.exercises import all_exercises, get_exercise

pytestmark = pytest.mark.browser

NOTEBOOK = "07_exercises.ipynb"
KEYS = ("rate_covered", "visit_cap", "ceiling_refund")
"""A zone exercise, the per-visit cap, and the ceiling: three modules behind the answers."""


def _answer(page, key: str, text: str) -> str:
    """Type ``text`` into exercise ``key``'s box, press Enter, return the verdict status."""
    box = page.locator(f".silson-exercise-{key}").first
    box.scroll_into_view_if_needed()
    field = box.locator(".silson-answer input").first
    field.fill(text)
    field.press("Enter")
    verdict = box.locator(".silson-verdict [data-verdict]").first
    page.wait_for_function(
        """([key, given]) => {
            const sel = `.silson-exercise-${key} .silson-verdict [data-verdict]`;
            const v = document.querySelector(sel);
            return v && v.dataset.given === given;
        }""",
        arg=[key, text.replace(",", "").replace("원", "").strip()],
        timeout=30_000,
    )
    return verdict.get_attribute("data-verdict") or ""


def test_exercise_answer_boxes_in_lab(lab_session, bpage, screenshots) -> None:
    page, lab = bpage.page, lab_session
    page.set_viewport_size({"width": 1400, "height": 900})
    open_and_run_all(page, lab, NOTEBOOK)
    check_whole_notebook_in_lab(page, lab, NOTEBOOK, screenshots)
    last = all_exercises()[-1].key
    page.locator(f".silson-exercise-{last} .silson-answer input").first.wait_for(
        state="attached", timeout=WIDGET_TIMEOUT_MS
    )
    lab.note_kernels()
    assert page.locator(".silson-exercise").count() == len(all_exercises())

    for key in KEYS:
        right = get_exercise(key).answer().value
        assert _answer(page, key, str(right + 1_000)) == "wrong", f"{key}: a wrong answer passed"
        if key == KEYS[0]:
            page.locator(f".silson-exercise-{key}").first.screenshot(
                path=screenshots / "lab_07_wrong_answer.png"
            )
        assert _answer(page, key, f"{right:,}") == "correct", f"{key}: the right answer failed"
        box = page.locator(f".silson-exercise-{key}").first
        box.locator(".silson-explain").first.click()
        explained = box.locator(".silson-explanation [data-answer]").first
        explained.wait_for(state="attached", timeout=30_000)
        assert explained.get_attribute("data-answer") == str(right)
    box = page.locator(f".silson-exercise-{KEYS[1]}").first
    box.scroll_into_view_if_needed()
    box.screenshot(path=screenshots / "lab_07_exercise.png")
    assert_hangul_font(page, f".silson-exercise-{KEYS[0]} .silson-verdict [data-verdict]")
    assert_no_missing_glyphs(page)
    bpage.assert_no_js_errors()
