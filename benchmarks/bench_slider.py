"""How long one slider update takes in notebook 01: compute + redraw + PNG bytes.

Runs the same code path as a slider move in the notebook (``ShrinkZoneApp.refresh``:
readout HTML, figure artists moved, blitted redraw, PNG encoding) over a sweep of
slider values, and prints the median and the 95th percentile in milliseconds.
Browser round-trip (key press → new image in JupyterLab) is measured separately by
the browser test.

    .venv/bin/python benchmarks/bench_slider.py
"""

from __future__ import annotations

import statistics
import time

from silson_tools.teaching.shrink_zones import ShrinkZoneApp, ShrinkZoneParams


def main(updates: int = 200) -> None:
    """Move n and C through a sweep like a student dragging sliders; time each update."""
    app = ShrinkZoneApp(ShrinkZoneParams(n=4, C=18_000, D=10_000, r=0.2, H=None, mode="max"))
    app.use_cap.value = True
    timings = []
    for i in range(updates):
        slider = app.sliders["C"] if i % 2 else app.sliders["n"]
        target = (i * 7_000) % 500_000 if i % 2 else 1 + i % 30
        start = time.perf_counter()
        slider.value = target  # fires the observer: readout + figure + PNG
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    p95 = timings[int(0.95 * len(timings)) - 1]
    print(f"slider updates: {updates}")
    print(
        f"median: {statistics.median(timings):.1f} ms   p95: {p95:.1f} ms   "
        f"max: {timings[-1]:.1f} ms"
    )


if __name__ == "__main__":
    main()
