"""Helpers for driving JupyterLab / Voilà pages with Playwright (used by the browser tests)."""

from __future__ import annotations

import re
import time
from itertools import product
from typing import Any

from silson_tools.teaching.shrink_zones import READOUT_KEYS, shrink_zone_readout

WIDGET_TIMEOUT_MS = 180_000
"""Running a notebook's cells on a fresh kernel (imports, first figure) on a busy 2-core box."""

INSTALL_PLOT_WATCH = """
() => {
  const img = document.querySelector('img.silson-plot, .silson-plot img, .silson-plot');
  if (!img) { throw new Error('no .silson-plot image'); }
  if (window.__silson) { return; }
  const w = {key: null, loads: [], img: img};
  window.__silson = w;
  document.addEventListener('keydown', () => { w.key = performance.now(); }, true);
  img.addEventListener('load', () => { w.loads.push(performance.now()); });
}
"""

READ_READOUT = """
() => Object.fromEntries(
  [...document.querySelectorAll('.silson-readout [data-key]')]
    .map(e => [e.dataset.key, e.dataset.value]))
"""


def wait_for_app(page: Any) -> None:
    """Wait until the shrink-zone widgets exist, then scroll them into view."""
    handle = page.locator(".silson-slider-n .noUi-handle").first
    handle.wait_for(state="attached", timeout=WIDGET_TIMEOUT_MS)
    handle.scroll_into_view_if_needed()
    page.locator(".silson-readout [data-key='self_pay']").first.wait_for(state="attached")
    page.locator(".silson-plot").first.wait_for(state="attached")


def slider_value(page: Any, name: str) -> float:
    """A slider's current value, from noUiSlider's aria-valuenow on its handle."""
    value = page.locator(f".silson-slider-{name} .noUi-handle").first.get_attribute("aria-valuenow")
    assert value is not None, f"slider {name}: no aria-valuenow on .noUi-handle"
    return float(value)


def slider_values(page: Any) -> dict[str, float]:
    """n, C, D, r, H as shown by the sliders."""
    return {name: slider_value(page, name) for name in ("n", "C", "D", "r", "H")}


def readout(page: Any) -> dict[str, str]:
    """The readout's ``data-key → data-value`` pairs."""
    return page.evaluate(READ_READOUT)


def _as_readout_strings(values: dict[str, Any]) -> dict[str, str]:
    return {k: str(values[k]) for k in READOUT_KEYS}


def consistent_settings(inputs: dict[str, float], shown: dict[str, str]) -> list[dict[str, Any]]:
    """The (mode, H on/off) settings under which silson_tools reproduces the readout.

    The sliders give n, C, D, r and H; the premium is ``real_cost − self_pay``; the mode
    toggle and the "apply H" box are inferred by trying every combination.
    """
    premium = int(shown["real_cost"]) - int(shown["self_pay"])
    found = []
    for mode, use_h in product(("additive", "max", "fixed", "rate"), (True, False)):
        settings = {"mode": mode, "H": int(inputs["H"]) if use_h else None, "premium": premium}
        if expected(inputs, settings) == {k: shown.get(k) for k in READOUT_KEYS}:
            found.append(settings)
    return found


def expected(inputs: dict[str, float], settings: dict[str, Any]) -> dict[str, str]:
    """What silson_tools computes for slider inputs plus the inferred settings."""
    values = shrink_zone_readout(
        round(inputs["n"]),
        round(inputs["C"]),
        round(inputs["D"]),
        round(inputs["r"], 6),
        settings["H"],
        settings["mode"],
        settings["premium"],
    )
    return _as_readout_strings(values)


def press_and_wait_for_plot(page: Any, slider: str, key: str = "ArrowRight") -> float:
    """Press ``key`` on a slider handle; wait for the new plot image; return the latency (ms).

    Latency = from the keydown event to the ``load`` event of the new PNG, both timed
    inside the page with ``performance.now()``.
    """
    page.evaluate(INSTALL_PLOT_WATCH)
    loads_before = page.evaluate("() => window.__silson.loads.length")
    src_before = page.evaluate("() => window.__silson.img.src")
    handle = page.locator(f".silson-slider-{slider} .noUi-handle").first
    handle.scroll_into_view_if_needed()
    handle.focus()
    handle.press(key)
    page.wait_for_function(
        "([n, src]) => window.__silson.loads.length > n && window.__silson.img.src !== src",
        arg=[loads_before, src_before],
        timeout=30_000,
    )
    return page.evaluate(
        "() => window.__silson.loads[window.__silson.loads.length - 1] - window.__silson.key"
    )


def wait_for_readout(page: Any, want: dict[str, str], timeout: float = 30) -> dict[str, str]:
    """Wait until the readout shows ``want``; return what it shows at the end."""
    deadline = time.monotonic() + timeout
    shown = readout(page)
    while time.monotonic() < deadline:
        shown = readout(page)
        if {k: shown.get(k) for k in want} == want:
            return shown
        page.wait_for_timeout(50)
    return shown


def korean_fonts_used(page: Any, selector: str) -> list[str]:
    """Names of the platform fonts Chromium used to draw the text of ``selector``."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        assert node, f"no element matches {selector!r}"
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    finally:
        cdp.detach()
    return [f["familyName"] for f in fonts]


def assert_hangul_font(page: Any, selector: str) -> None:
    """Chromium drew the Hangul of ``selector`` with a Korean font (not boxes)."""
    text = page.locator(selector).first.inner_text()
    assert re.search("[가-힣]", text), f"{selector!r} has no Hangul to check: {text!r}"
    families = korean_fonts_used(page, selector)
    assert any("nanum" in f.lower() or "나눔" in f for f in families), (
        f"Hangul in {selector!r} ({text!r}) was drawn with {families}: no Korean font "
        "(install fonts-nanum: make browser-deps)"
    )


def stderr_texts(page: Any) -> list[str]:
    """Texts of stderr / error outputs in the notebook (warnings, tracebacks)."""
    return page.evaluate(
        """() => [...document.querySelectorAll(
              '[data-mime-type="application/vnd.jupyter.stderr"]')].map(e => e.innerText)"""
    )


def assert_no_missing_glyphs(page: Any) -> None:
    """No matplotlib 'Glyph … missing from font' warning and no traceback in the outputs."""
    texts = stderr_texts(page)
    signs = ("missing from font", "traceback", "error")  # Voilà: "There was an error when …"
    bad = [t for t in texts if any(sign in t.lower() for sign in signs)]
    assert not bad, "errors or missing-glyph warnings in the outputs:\n" + "\n---\n".join(bad)


RUN_ALL_ATTEMPTS = 6
RUN_ALL_START_MS = 10_000
"""How often, and how long each time, Run All Cells is given to start a cell."""


def open_and_run_all(page: Any, server: Any, notebook: str) -> None:
    """Open ``notebook`` in Lab on a fresh kernel (``?reset``: no restored tabs); run all."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    if server.root is not None:
        assert (server.root / notebook).is_file(), f"notebooks/{notebook} does not exist"
    page.goto(f"{server.url}/lab/tree/{notebook}?reset&token={server.token}")
    page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for(state="attached", timeout=90_000)
    # A notebook without kernel metadata asks which kernel to use: take the default. (Lab
    # may also ask when Run is clicked before the kernel session is up; the 2 s here give
    # it time. Waiting for the kernel indicator instead was faster but failed a CI run:
    # Run All then started no cell in six tries.)
    dialog = page.locator(".jp-Dialog .jp-mod-accept")
    try:
        dialog.wait_for(state="visible", timeout=2_000)
        dialog.click()
    except PlaywrightTimeout:
        pass  # no dialog: the normal case
    # Lab may take the click before the notebook's kernel is connected and then run
    # nothing; so look for a prompt that shows the run started ([*] or [1]) and click
    # again if none does within a few seconds (running all cells twice is harmless).
    started = (
        "() => [...document.querySelectorAll("
        "'.jp-NotebookPanel:not(.lm-mod-hidden) .jp-InputPrompt')]"
        ".some(e => /\\[(\\*|\\d+)\\]/.test(e.textContent))"
    )
    for _attempt in range(RUN_ALL_ATTEMPTS):
        page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
        page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
        try:
            page.wait_for_function(started, timeout=RUN_ALL_START_MS)
            return
        except PlaywrightTimeout:
            continue
    raise AssertionError(
        f"{notebook}: Run All Cells started no cell in {RUN_ALL_ATTEMPTS} tries "
        f"of {RUN_ALL_START_MS / 1000:.0f} s each"
    )


def wait_for_idle(page: Any, server: Any, timeout: float = 180) -> None:
    """Wait until every cell has run: no ``[*]`` prompt and the kernels idle for 0.6 s."""
    deadline = time.monotonic() + timeout
    quiet = 0
    asked = page.locator(".jp-Dialog .jp-mod-accept")
    while time.monotonic() < deadline:
        if asked.count():  # Lab asked which kernel after the run was queued: the default
            asked.first.click()
        busy = page.evaluate(
            "() => [...document.querySelectorAll('.jp-InputPrompt')]"
            ".some(e => e.textContent.includes('*'))"
        )
        states = [k.get("execution_state") for k in server.api("GET", "/api/kernels") or []]
        quiet = quiet + 1 if not busy and states and all(s == "idle" for s in states) else 0
        if quiet >= 3:
            return
        time.sleep(0.2)
    raise AssertionError(f"the notebook was still running after {timeout:.0f} s")


NOTEBOOKS = (
    "00_start_here.ipynb",
    "02_generations.ipynb",
    "03_my_receipts.ipynb",
    "07_exercises.ipynb",
)
"""The notebooks checked whole in Voilà (projector) and in JupyterLab (07 in Lab by
test_lab_exercises.py, which opens it anyway to answer its exercises)."""


def check_whole_notebook_in_lab(page: Any, server: Any, notebook: str, screenshots: Any) -> None:
    """After :func:`open_and_run_all`: the notebook's people table shows, every cell has run,
    a screenshot of every screenful, no text typeset as math, struck or in italics, and no
    stderr or error output."""
    wait_for_idle(page, server, timeout=300)
    shown = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .silson-people").first
    shown.wait_for(state="attached", timeout=WIDGET_TIMEOUT_MS)
    server.note_kernels()
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


EATEN = """
() => ({
  math: document.querySelectorAll('mjx-container, .MathJax, .MathJax_Display').length,
  struck: [...document.querySelectorAll('.jp-RenderedMarkdown del, .jp-RenderedMarkdown s')]
    .map(e => e.textContent),
  italic: [...document.querySelectorAll('.jp-RenderedMarkdown em')].map(e => e.textContent),
})
"""
"""What MathJax typeset and what Markdown struck through or set in italics, in the page."""

PROJECTOR = {"width": 1280, "height": 720}
"""A classroom projector's screen."""
ZOOM_150 = {"width": 853, "height": 480}
"""1280×720 at 150% browser zoom: the CSS viewport the page lays out in."""
HIDDEN_IN_APP = ("Run All Cells", "선생님용 점검", "Restart Kernel")
"""Texts of cells tagged lab-only / teacher: never on the projector."""
CLIPPED = """
() => [...document.querySelectorAll('.widget-readout')]
  .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1)
  .map(e => e.textContent)
"""
"""Slider values wider than their box (cut off), on the visible page."""
FONT_SIZES = """
() => [...document.querySelectorAll('.jp-RenderedMarkdown p, .jp-RenderedMarkdown li')]
  .filter(e => e.offsetParent !== null && e.textContent.trim())
  .map(e => parseFloat(getComputedStyle(e).fontSize))
"""


def assert_projector_page(page: Any, notebook: str, screenshots: Any) -> None:
    """A notebook of :data:`NOTEBOOKS` as an app on the projector (1280×720): body text at
    least 18 px, no Lab-only or teacher cell shown, nothing on stderr; a full-page screenshot."""
    stem = notebook.removesuffix(".ipynb")
    page.screenshot(path=screenshots / f"voila_{stem}_full.png", full_page=True)
    sizes = page.evaluate(FONT_SIZES)
    assert sizes and min(sizes) >= 18, f"{notebook}: body text {min(sizes or [0])} px (< 18)"
    text = page.locator("#rendered_cells").inner_text()
    for hidden in HIDDEN_IN_APP:
        assert hidden not in text, f"{notebook}: {hidden!r} shown in app mode"
    assert not stderr_texts(page), f"{notebook}: stderr in app mode: {stderr_texts(page)}"


def assert_nothing_eaten(page: Any, notebook: str) -> None:
    """No ``$…$`` typeset as math, no ``~…~`` struck through, no italics in the page."""
    eaten = page.evaluate(EATEN)
    assert eaten == {"math": 0, "struck": [], "italic": []}, f"{notebook}: {eaten}"


APPS: dict[str, list[list[str]]] = {
    "00_start_here.ipynb": [["practice"]],
    "01_shrink_zones.ipynb": [["n", "C", "D", "r", "H"]],
    "02_generations.ipynb": [["cost", "share", "@scenario:1년간 매주 도수치료", "sessions"]],
    "04_ceiling.ipynb": [["decile", "copay_total"]],
    "05_premium_grades.ipynb": [
        ["nonbenefit_paid", "discount"],
        ["covered_premium", "nonbenefit_premium", "increase", "discount"],
        [
            "claim_payout",
            "paid_so_far",
            "nonbenefit_premium",
            "discount",
            "0paid_so_far",
            "+clean_last_year",
            "covered_premium",
        ],
    ],
    "06_network_plans.ipynb": [
        [
            "pcp_visits",
            "specialist_visits",
            "specialist_no_referral",
            "emergency_visits",
            "hospital_days",
            "out_of_network_share",
            "cost_pcp",
            "cost_specialist",
            "cost_emergency",
            "cost_hospital_day",
        ]
    ],
}
"""Notebook → its slider apps in page order → the sliders of each (CSS silson-slider-<name>).
Untimed steps before a slider: ``0name`` sets that slider to its minimum (Home key),
``+name`` ticks a checkbox (05's 급여 premium is greyed out until the 무사고 할인 is at stake,
i.e. last year clean and nothing paid yet), ``@name:label`` picks a list entry (02's
회차·일수 changes only its 도수치료 and 입원 scenarios)."""
