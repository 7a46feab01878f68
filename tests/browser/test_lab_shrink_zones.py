"""Notebook 01 in real JupyterLab: run all, move n and C with the keyboard, check the numbers.

The readout must show what :func:`silson_tools.teaching.shrink_zones.shrink_zone_readout`
computes for the new slider values, the plot image must change, Hangul must be drawn with a Korean
font, and the page must raise no JavaScript error.
"""

from __future__ import annotations

import statistics

import pytest
from browser_helpers import (
    READOUT_KEYS,
    assert_hangul_font,
    assert_no_missing_glyphs,
    consistent_settings,
    expected,
    open_and_run_all,
    press_and_wait_for_plot,
    readout,
    slider_values,
    wait_for_app,
    wait_for_idle,
    wait_for_readout,
)

pytestmark = pytest.mark.browser

NOTEBOOK = "01_shrink_zones.ipynb"


def test_shrink_zone_sliders_in_lab(lab_session, bpage, screenshots, latencies) -> None:
    page, lab = bpage.page, lab_session
    assert lab.proc.poll() is None, "JupyterLab is not running"
    open_and_run_all(page, lab, NOTEBOOK)
    wait_for_app(page)
    wait_for_idle(page, lab)
    lab.note_kernels()
    page.wait_for_timeout(500)
    page.screenshot(path=screenshots / "lab_01_start.png")

    inputs = slider_values(page)
    shown = readout(page)
    settings = consistent_settings(inputs, shown)
    assert settings, (
        f"the readout {shown} matches no silson_tools result for sliders {inputs} "
        "(any mode, H on or off)"
    )

    times = []
    for slider, step_name in (("n", "visits"), ("C", "cost")):
        for key in ("ArrowRight", "ArrowRight", "ArrowLeft", "ArrowRight"):
            before_inputs, before = slider_values(page), readout(page)
            times.append(press_and_wait_for_plot(page, slider, key))
            after_inputs = slider_values(page)
            moved = after_inputs[slider] - before_inputs[slider]
            assert (moved > 0) == (key == "ArrowRight") and moved != 0, (
                f"{key} on the {slider} slider ({step_name}) did not move it: "
                f"{before_inputs[slider]} → {after_inputs[slider]}"
            )
            assert {k: v for k, v in after_inputs.items() if k != slider} == {
                k: v for k, v in before_inputs.items() if k != slider
            }
            wants = [expected(after_inputs, s) for s in settings]
            shown = wait_for_readout(page, wants[0])
            got = {k: shown.get(k) for k in READOUT_KEYS}
            assert got in wants, (
                f"after {key} on {slider}: readout {got}, silson_tools computes {wants[0]}"
            )
            if after_inputs["n"] and after_inputs["C"]:
                assert got["cost"] != before["cost"], "the readout did not change"
            settings = [s for s, w in zip(settings, wants, strict=True) if w == got]
        app = page.locator(".jp-OutputArea-output:has(.silson-plot)").first
        app.scroll_into_view_if_needed()
        app.screenshot(path=screenshots / f"lab_01_after_{slider}.png")

    assert_hangul_font(page, ".silson-slider-n .widget-label")
    assert_no_missing_glyphs(page)
    bpage.assert_no_js_errors()
    latencies.setdefault("JupyterLab 01", []).extend(times)
    print(
        f"\n[latency] Lab 01 key → new plot, ms: {[round(t) for t in times]}; "
        f"median {statistics.median(times):.0f}"
    )
