"""Test-wide settings.

- hypothesis without per-example deadlines (the machine may be busy); under CI (``CI``
  set) it runs derandomized, so a green run is reproducible; locally each run explores
  new examples.
- ``make test`` runs pytest on two processes (pytest-xdist, ``--dist loadfile``: a test
  file, or a notebook under nbval, runs whole in one process, so a notebook's cells share
  their kernel). Each process starts the JupyterLab or Voilà server its browser tests need.
- The browser tests report key-press-to-new-plot latencies in their test reports
  (``user_properties``); the summary at the end of the run adds them up here, in the
  process that prints, whichever process ran the test.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

settings.register_profile("dev", deadline=None, print_blob=True)
settings.register_profile("ci", parent=settings.get_profile("dev"), derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

BROWSER_DIR = Path(__file__).resolve().parent / "browser"
LATENCY_PROPERTY = "key_press_to_plot_ms"
"""The ``user_properties`` name under which a test reports its latencies."""
LATENCIES: dict[str, list[float]] = {}
"""Key-press-to-new-plot latencies (ms) per place, gathered from the test reports."""


@pytest.fixture
def latencies(request: pytest.FixtureRequest) -> Iterator[dict[str, list[float]]]:
    """Where a browser test records key-press-to-new-plot latencies (ms), per place.

    Kept in the test's report (``user_properties``), so the summary below sees them also
    when the test ran in another process (pytest-xdist).
    """
    found: dict[str, list[float]] = {}
    yield found
    for where, values in found.items():
        request.node.user_properties.append((LATENCY_PROPERTY, (where, list(values))))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Collect the latencies a browser test put in its report (at teardown)."""
    if report.when != "teardown":
        return
    for name, value in report.user_properties:
        if name == LATENCY_PROPERTY:
            where, values = value
            LATENCIES.setdefault(where, []).extend(values)


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print the median key-press-to-new-plot latency (also saved as latency.json)."""
    found = {where: values for where, values in LATENCIES.items() if values}
    if not found:
        return
    terminalreporter.section("key press → new plot (headless Chromium)")
    summary = {}
    for where, values in found.items():
        summary[where] = {
            "median_ms": round(_median(values), 1),
            "min_ms": round(min(values), 1),
            "max_ms": round(max(values), 1),
            "presses": len(values),
        }
        terminalreporter.write_line(
            f"{where}: median {_median(values):.0f} ms (n={len(values)}, "
            f"min {min(values):.0f}, max {max(values):.0f})"
        )
    shots = BROWSER_DIR / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    (shots / "latency.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False))
