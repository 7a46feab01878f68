"""Test-wide settings.

- hypothesis without per-example deadlines (the machine may be busy); under CI (``CI``
  set) it runs derandomized, so a green run is reproducible; locally each run explores
  new examples.
- ``make test`` runs pytest on two processes (pytest-xdist, ``--dist loadfile`` with the
  scheduler below): a test file, or a notebook under nbval, runs whole in one process, so
  a notebook's cells share their kernel (and, after them, its render check:
  tests/render_checks.py); the browser tests that need JupyterLab are one
  unit, and those that need Voilà another, so each server starts once in the whole run,
  not once in each process.
- The browser tests report key-press-to-new-plot latencies in their test reports
  (``user_properties``); the summary at the end of the run adds them up here, in the
  process that prints, whichever process ran the test.
"""

from __future__ import annotations

import importlib.util
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from render_checks import add_render_checks

settings.register_profile("dev", deadline=None, print_blob=True)
settings.register_profile("ci", parent=settings.get_profile("dev"), derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

BROWSER_DIR = Path(__file__).resolve().parent / "browser"
LATENCY_PROPERTY = "key_press_to_plot_ms"
"""The ``user_properties`` name under which a test reports its latencies."""
LATENCIES: dict[str, list[float]] = {}
"""Key-press-to-new-plot latencies (ms) per place, gathered from the test reports."""
SERVERS = {"lab": "lab", "lab_session": "lab", "voila": "voila"}
"""Browser fixture → the server it starts (JupyterLab or Voilà)."""


def server_group(nodeid: str) -> str | None:
    """The pytest-xdist work unit of a browser test that needs a server: ``browser-lab``
    for tests named ``…_in_lab…``, ``browser-voila`` for ``…_in_voila…``; else None.

    The scheduler sees only test ids, so the server is in the name; each test's name is
    checked against the fixtures it really uses (:func:`pytest_collection_modifyitems`).
    """
    if not nodeid.startswith("tests/browser/"):
        return None
    name = nodeid.rsplit("::", 1)[-1].split("[", 1)[0]
    found = [server for server in ("lab", "voila") if f"_in_{server}" in name]
    return f"browser-{found[0]}" if len(found) == 1 else None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A browser test's name says the server it uses (see :func:`server_group`); each
    notebook under nbval gets its render check after its last cell (tests/render_checks.py)."""
    add_render_checks(items)
    for item in items:
        used = {SERVERS[f] for f in getattr(item, "fixturenames", ()) if f in SERVERS}
        expected = f"browser-{used.pop()}" if len(used) == 1 else None
        assert not used, f"{item.nodeid}: one browser test, one server"
        assert server_group(item.nodeid) == expected, (
            f"{item.nodeid}: its work unit is {expected}, so its name must say …_in_lab… or"
            " …_in_voila… after the server it uses (and nothing else does)"
        )


if importlib.util.find_spec("xdist"):
    from xdist.scheduler import LoadFileScheduling

    class ServerScheduling(LoadFileScheduling):
        """``--dist loadfile``, but the browser tests of one server are one work unit, so
        JupyterLab and Voilà each start once in the run, not once in each process."""

        def _split_scope(self, nodeid: str) -> str:
            return server_group(nodeid) or super()._split_scope(nodeid)

    def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
        """The scheduler for ``make test`` (``-n 2 --dist loadfile``)."""
        return ServerScheduling(config, log) if config.getvalue("dist") == "loadfile" else None


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
