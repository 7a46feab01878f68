"""App mode (``make present``): notebook 01 served by Voilà, code hidden, sliders live."""

from __future__ import annotations

import statistics
from pathlib import Path

import pytest
from browser_helpers import (
    WIDGET_TIMEOUT_MS,
    assert_hangul_font,
    assert_no_missing_glyphs,
    consistent_settings,
    expected,
    press_and_wait_for_plot,
    readout,
    slider_values,
    wait_for_app,
    wait_for_readout,
)

pytestmark = pytest.mark.browser


def _voila_pids() -> list[str]:
    """PIDs of processes whose command line runs voila (to check we hold the server's PID)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            cmd = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if entry.name.isdigit() and any(part.endswith(b"/voila") for part in cmd[:2]):
            found.append(entry.name)
    return found


def test_shrink_zone_app_in_voila(voila, bpage, screenshots, latencies) -> None:
    page = bpage.page
    assert (voila.root / "01_shrink_zones.ipynb").is_file(), (
        "notebooks/01_shrink_zones.ipynb missing"
    )
    page.goto(
        f"{voila.url}/voila/render/01_shrink_zones.ipynb?token={voila.token}",
        timeout=WIDGET_TIMEOUT_MS,
    )
    wait_for_app(page)
    voila.note_kernels()
    assert voila.kernel_pids, "Voilà started no kernel for the page"
    assert voila.proc.pid in [int(p) for p in _voila_pids()], "the PID we hold is not Voilà's"
    assert "Culling kernels with idle durations > 300 seconds" in voila.log_tail(200), (
        "make present must cull idle kernels:\n" + voila.log_tail()
    )
    # App mode hides the code: no input areas, no editors.
    assert page.locator(".jp-InputArea-editor, .jp-CodeMirrorEditor").count() == 0, (
        "Voilà shows code cells; `make present` must hide them (strip_sources)"
    )
    page.screenshot(path=screenshots / "voila_01_start.png")

    inputs, shown = slider_values(page), readout(page)
    settings = consistent_settings(inputs, shown)
    assert settings, f"readout {shown} matches no silson_tools result for sliders {inputs}"

    times = []
    for slider in ("n", "C"):
        for key in ("ArrowRight", "ArrowRight", "ArrowLeft"):
            before_inputs = slider_values(page)
            times.append(press_and_wait_for_plot(page, slider, key))
            after_inputs = slider_values(page)
            assert after_inputs[slider] != before_inputs[slider], f"{key} did not move {slider}"
            want = expected(after_inputs, settings[0])
            shown = wait_for_readout(page, want)
            assert {k: shown.get(k) for k in want} == want, (
                f"after {key} on {slider} (Voilà): readout {shown}, silson_tools computes {want}"
            )
    app = page.locator(".jp-OutputArea-output:has(.silson-plot)").first
    app.scroll_into_view_if_needed()
    app.screenshot(path=screenshots / "voila_01_after.png")

    assert_hangul_font(page, ".silson-slider-C .widget-label")
    assert_no_missing_glyphs(page)
    bpage.assert_no_js_errors()
    latencies.setdefault("Voilà 01", []).extend(times)
    print(
        f"\n[latency] Voilà 01 key → new plot, ms: {[round(t) for t in times]}; "
        f"median {statistics.median(times):.0f}"
    )
