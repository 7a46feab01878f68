"""How long one control update takes in every slider app (notebooks 00, 01, 02, 04, 05, 06).

One update = what happens in the kernel when a control moves one step: compute, readout
HTML, the persistent figure's moving artists redrawn (blitting) and the image encoded —
the same code path as in the notebook (``control.value = …`` fires the app's observer).
Each slider is moved like a student pressing an arrow key: ``STEPS`` steps right, then
``STEPS`` steps left, from the notebook's starting values; each list ("[list]") goes
through its choices and back, each checkbox ("[check]") is ticked on and off twice.
Notebooks 03, 07 and 08 have no sliders (03's file picker and lists run the whole report).

"before" is the old way, still in the package for static use: the slider callback builds a
new figure and the inline backend encodes it with a tight bounding box (two draws).

Printed per app and control: median, 95th percentile and maximum in ms, wall clock
("wall") and this process's CPU time ("cpu"; on a busy machine the wall clock also counts
waiting for a core). The machine's load average is printed first and last.

    .venv/bin/python benchmarks/bench_slider.py            # after only
    .venv/bin/python benchmarks/bench_slider.py --before   # before and after in one run
    .venv/bin/python benchmarks/bench_slider.py --browser  # + key press → new picture

``--browser`` also runs ``tests/browser/test_slider_latency.py`` (headless Chromium,
JupyterLab at 1400×900 and Voilà at 1280×720) with :data:`BROWSER_PRESSES` timed presses per
slider (the test suite makes 3) and prints, per slider, the time from the key press to the
load of the new picture in the page, with the load average before and after.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

STEPS = 8
"""Arrow-key presses each way per slider."""
BROWSER_PRESSES = 9
"""Timed key presses per slider in the browser (the test suite's run makes 3)."""


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def _sweep(control: Any, steps: int = STEPS) -> Iterator[Any]:
    """Values for ``steps`` presses right then ``steps`` left (clamped to the slider)."""
    step = getattr(control, "step", 1) or 1
    value = control.value
    for direction in [1] * steps + [-1] * steps:
        value = min(control.max, max(control.min, value + direction * step))
        yield value


def _time(action: Callable[[], object]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def _moves(control: Any) -> tuple[str, Iterator[Any]]:
    """(label suffix, values) for one control: a slider's arrow keys, a list's choices and
    back, a checkbox on and off twice."""
    if hasattr(control, "max"):
        return "", _sweep(control)
    if isinstance(control.value, tuple):  # a multiple choice: the last one off and on
        start = control.value
        return " [choose]", iter([start[:-1], start] * 2)
    if hasattr(control, "options"):
        values = [v[1] if isinstance(v, tuple) else v for v in control.options]
        start = values.index(control.value)
        order = values[start + 1 :] + values[:start]
        return " [list]", iter([*order, *order[-2::-1], control.value])
    return " [check]", iter([not control.value, control.value] * 2)


def after_rows() -> Iterator[tuple[str, str, list[float], list[float]]]:
    """(app, control, wall ms, cpu ms) for every control of every app, moved step by step."""
    from silson_tools.teaching.ceiling_app import CeilingApp
    from silson_tools.teaching.network_app import NetworkApp
    from silson_tools.teaching.practice import PracticeApp
    from silson_tools.teaching.premium_live import AdviceApp, GradeApp, PathsApp
    from silson_tools.teaching.scenario_app import ScenarioApp
    from silson_tools.teaching.shrink_zones import ShrinkZoneApp, ShrinkZoneParams

    zones = ShrinkZoneApp(ShrinkZoneParams(n=4, C=30_000, D=10_000, r=0.2, H=50_000))
    apps: list[tuple[str, Any, dict[str, Any]]] = [
        ("00 연습 슬라이더", app := PracticeApp(30_000), app.controls),
        ("01 보장 축소 구간", zones, zones.sliders),
        ("02 세대별 비교", app := ScenarioApp("mri"), app.controls),
        ("04 본인부담상한제", app := CeilingApp(2023, 4, True, 7_700_000), app.controls),
        ("05 등급 계단", app := GradeApp(1_200_000), app.controls),
        ("05 보험료 경로", app := PathsApp(12_000, 10_000), app.controls),
        ("05 청구할까 말까", app := AdviceApp(200_000, 900_000, 20_000), app.controls),
        ("06 네트워크 플랜", app := NetworkApp("medium"), app.controls),
    ]
    for name, _app, controls in apps:
        for key, control in controls.items():
            if getattr(control, "disabled", False):
                continue  # greyed out at the start (05's 급여 premium)
            suffix, values = _moves(control)
            walls, cpus = [], []
            for value in values:
                wall, cpu = _time(lambda c=control, v=value: setattr(c, "value", v))
                walls.append(wall)
                cpus.append(cpu)
            yield name, key + suffix, walls, cpus


@contextmanager
def _inline_display() -> Iterator[None]:
    """Make the old callbacks' ``display`` do what the inline backend does with a figure."""
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    from silson_tools.teaching import ceiling_app, premium_app

    def show(obj: object) -> None:
        if isinstance(obj, Figure):
            obj.savefig(io.BytesIO(), format="png", bbox_inches="tight")
        elif hasattr(obj, "_repr_html_"):
            obj._repr_html_()

    def plt_show() -> None:
        plt.gcf().savefig(io.BytesIO(), format="png", bbox_inches="tight")
        plt.close("all")

    saved = (ceiling_app.display, premium_app.display, plt.show)
    ceiling_app.display, premium_app.display, plt.show = show, show, plt_show
    import IPython.display

    saved_ipy = IPython.display.display
    IPython.display.display = show
    try:
        yield
    finally:
        ceiling_app.display, premium_app.display, plt.show = saved
        IPython.display.display = saved_ipy


def before_rows() -> Iterator[tuple[str, str, list[float], list[float]]]:
    """The old callbacks (new figure per move, tight-bbox PNG) over the same sweeps."""
    from silson_tools import us_plans, use_korean_font
    from silson_tools.teaching import ceiling_app, premium_app, scenarios
    from silson_tools.teaching.practice import practice_readout

    use_korean_font()

    patterns = list(premium_app.EXAMPLE_PATTERNS)[:4]
    cases: list[tuple[str, Callable[..., None], dict[str, Any], dict[str, tuple]]] = [
        (
            "00 연습 슬라이더",  # interact: the callback displays the readout in an output
            lambda cost: practice_readout(cost)._repr_html_(),
            {"cost": 30_000},
            {"cost": (0, 100_000, 1_000)},
        ),
        (
            "02 세대별 비교",
            scenarios.show_scenario,
            {
                "scenario": "mri",
                "cost": 700_000,
                "noncovered_share": 0.85,
                "tier": "general",
                "sessions": 1,
            },
            {"cost": (10_000, 5_000_000, 10_000), "noncovered_share": (0, 1, 0.05)},
        ),
        (
            "04 본인부담상한제",
            ceiling_app.show,
            {"year": 2023, "decile": 4, "long_stay": True, "copay_total": 7_700_000},
            {"decile": (1, 10, 1), "copay_total": (0, 20_000_000, 100_000)},
        ),
        (
            "05 등급 계단",
            premium_app.show_grade,
            {"nonbenefit_paid": 1_200_000, "discount": 0.05},
            {"nonbenefit_paid": (0, 5_000_000, 10_000), "discount": (0, 0.2, 0.01)},
        ),
        (
            "05 보험료 경로",
            lambda **kw: premium_app.show_paths(patterns, **kw),
            {"covered_premium": 12_000, "nonbenefit_premium": 10_000, "increase": 0.1},
            {"covered_premium": (0, 50_000, 1_000), "increase": (-0.3, 0.4, 0.05)},
        ),
        (
            "05 청구할까 말까",
            premium_app.show_advice,
            {"claim_payout": 200_000, "paid_so_far": 900_000, "nonbenefit_premium": 20_000},
            {"claim_payout": (0, 3_000_000, 10_000), "paid_so_far": (0, 4_000_000, 10_000)},
        ),
        (
            "06 네트워크 플랜",
            us_plans.show_comparison,
            {k: v for k, v in us_plans.usage_preset("medium").items() if k in us_plans.SLIDERS},
            {"pcp_visits": (0, 30, 1), "cost_specialist": (0, 2000, 10)},
        ),
    ]
    with _inline_display():
        for name, callback, start, sliders in cases:
            for key, (low, high, step) in sliders.items():

                class Control:  # a stand-in slider for _sweep
                    value, min, max = start[key], low, high

                Control.step = step
                walls, cpus = [], []
                for value in _sweep(Control, steps=4):
                    kwargs = {**start, key: value}
                    wall, cpu = _time(lambda kw=kwargs, f=callback: f(**kw))
                    walls.append(wall)
                    cpus.append(cpu)
                yield name, key, walls, cpus


def _line(app: str, key: str, walls: list[float], cpus: list[float]) -> str:
    return (
        f"{app:<14s} {key:<31s} {statistics.median(walls):7.1f} {_p95(walls):7.1f} "
        f"{max(walls):7.1f}   {statistics.median(cpus):7.1f} {_p95(cpus):7.1f}   "
        f"{len(walls):3d}"
    )


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


LATENCY_JSON = (
    Path(__file__).parents[1] / "tests" / "browser" / "screenshots" / "slider_latency.json"
)


def browser_rows() -> Iterator[tuple[str, str, list[float]]]:
    """Run the browser latency test; (place, slider, key-to-picture ms) from its JSON."""
    LATENCY_JSON.unlink(missing_ok=True)
    test = Path(__file__).parents[1] / "tests" / "browser" / "test_slider_latency.py"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-m",
            "browser",
            "-q",
            "-p",
            "no:cacheprovider",
            str(test),
        ],
        check=False,
        env={**os.environ, "SILSON_SLIDER_PRESSES": str(BROWSER_PRESSES)},
    )
    if not LATENCY_JSON.is_file():
        raise SystemExit("the browser test wrote no latencies (see its output above)")
    for place, sliders in json.loads(LATENCY_JSON.read_text()).items():
        for key, values in sliders.items():
            yield place, key, values


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", action="store_true", help="also time the old callbacks")
    parser.add_argument(
        "--browser", action="store_true", help="also key press → new picture in Chromium"
    )
    args = parser.parse_args()
    print(f"load average: {_load()} ({os.cpu_count()} cores)")
    header = (
        f"{'app':<14s} {'control':<31s} {'wall ms':>7s} {'p95':>7s} {'max':>7s}   "
        f"{'cpu ms':>7s} {'p95':>7s}   {'n':>3s}"
    )
    if args.before:
        print("\nbefore: new figure per move, inline PNG with tight bounding box")
        print(header)
        for row in before_rows():
            print(_line(*row))
    print("\nafter: persistent figure, blitting, JPEG at 1.5x (median and 95th percentile)")
    print(header)
    all_walls: list[float] = []
    all_cpus: list[float] = []
    for row in after_rows():
        print(_line(*row))
        all_walls += row[2]
        all_cpus += row[3]
    print(_line("all controls", "", all_walls, all_cpus))
    print(f"load average: {_load()}")
    if args.browser:
        print(
            "\nbrowser: key press → new picture (ms; 'hold' = last picture after 12 quick presses)"
        )
        print(f"{'place':<11s} {'slider':<34s} {'median':>7s} {'max':>7s}   n")
        print(f"load average before the browser run: {_load()}")
        for place, key, values in browser_rows():
            print(
                f"{place:<11s} {key:<34s} {statistics.median(values):7.0f} "
                f"{max(values):7.0f}   {len(values)}"
            )
        print(f"load average after the browser run: {_load()}")


if __name__ == "__main__":
    main()
