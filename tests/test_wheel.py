"""The package as a user installs it: sdist → wheel → a fresh virtualenv outside the checkout.

``uv build`` makes the sdist and then the wheel *from the sdist* (so the sdist is complete
enough to build). The wheel goes into a new virtualenv under the temporary directory with
the core dependencies only, at the versions in requirements.lock (from uv's cache when it
has them, else the index). No bytecode is compiled there: the three processes below compile
in memory what they import (~1.3 s CPU each), where compiling the whole install took ~9 s
CPU and ~18 s (the Makefile compiles its .venv, used by every later run). There, from a
directory that is not the checkout: the package imports from the virtualenv, the notebook
and scale stacks are absent, ``silson check`` and ``silson report`` work on the sample and
a Hangul chart draws with the shipped font and no glyph warning, with every system font
hidden from matplotlib.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_CSV = ROOT / "data" / "samples" / "receipts.csv"
SAMPLE_XLSX = ROOT / "data" / "samples" / "receipts.xlsx"
NOT_CORE = ("jupyterlab", "ipywidgets", "IPython", "voila", "dask", "pyarrow", "seaborn")

INSIDE = """
import importlib.util, json, sys, warnings
import matplotlib
matplotlib.use("Agg")
import matplotlib as mpl
from matplotlib import font_manager
from matplotlib.figure import Figure
import silson_tools as st

bundled = mpl.get_data_path()
fm = font_manager.fontManager
fm.ttflist = [f for f in fm.ttflist if f.fname.startswith(bundled)]  # no system fonts
fm._findfont_cached.cache_clear()
name = st.use_korean_font()
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    fig = Figure()
    ax = fig.subplots()
    ax.bar(["통원", "입원", "약국"], [-12_000, 30_000, 8_000])
    ax.set_title("보험금과 자기부담 (원) — 4세대 비급여 ①")
    fig.savefig(sys.argv[1])
print(json.dumps({
    "package": st.__file__,
    "font": font_manager.findfont(name),
    "warnings": [str(w.message) for w in caught],
    "absent": [m for m in sys.argv[2:] if importlib.util.find_spec(m) is None],
}))
"""


def _uv() -> str:
    """uv: next to this interpreter (make installs it into .venv), else $UV, else on PATH."""
    for candidate in (Path(sys.executable).with_name("uv"), os.environ.get("UV"), "uv"):
        if candidate and (found := shutil.which(str(candidate))):
            return str(Path(found).resolve())
    pytest.fail("uv not found: run the tests from the project's .venv (make test)")


def _run(*args: str | Path, cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True,
        timeout=timeout, check=False,
    )  # fmt: skip


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """``uv build``: the sdist, then the wheel built from it; both under a temporary folder."""
    out = tmp_path_factory.mktemp("dist")
    done = _run(_uv(), "build", "--quiet", "--out-dir", out, ROOT, cwd=out)
    assert done.returncode == 0, done.stderr
    (sdist,) = out.glob("*.tar.gz")
    (wheel,) = out.glob("*.whl")
    return {"sdist": sdist, "wheel": wheel}


@pytest.fixture(scope="module")
def venv(built: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv outside the checkout with the wheel and its core dependencies."""
    home = tmp_path_factory.mktemp("install")
    assert not home.is_relative_to(ROOT)
    uv = _uv()
    done = _run(uv, "venv", "--quiet", "--python", sys.executable, home / "venv", cwd=home)
    assert done.returncode == 0, done.stderr
    python = home / "venv" / "bin" / "python"
    install = [uv, "pip", "install", "--quiet", "--python", python]
    install += ["-c", ROOT / "requirements.lock", built["wheel"]]
    done = _run(*install, "--offline", cwd=home)  # from uv's cache when everything is there
    if done.returncode != 0:
        done = _run(*install, cwd=home)
    assert done.returncode == 0, done.stderr
    return home / "venv"


def test_sdist_builds_the_wheel_and_carries_licences_but_no_tests(built):
    with tarfile.open(built["sdist"]) as sdist:
        names = {n.split("/", 1)[1] for n in sdist.getnames() if "/" in n}
    assert {"LICENSE", "pyproject.toml", "README.md"} <= names
    assert "silson_tools/data/fonts/OFL.txt" in names
    assert not [n for n in names if n.startswith(("tests/", "notebooks/", "benchmarks/"))]
    assert not [n for n in names if n.endswith(".pyc") or "__pycache__" in n]


def test_wheel_holds_every_package_file_and_both_licences(built):
    with zipfile.ZipFile(built["wheel"]) as wheel:
        names = set(wheel.namelist())
        meta = wheel.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "silson_tools"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if listed.returncode == 0:  # every tracked file of the package ships (data, fonts, TOML)
        files = {n for n in listed.stdout.splitlines() if (ROOT / n).is_file()}
        assert files - names == set()
    licences = {n.split(".dist-info/licenses/", 1)[1] for n in names if ".dist-info/licenses/" in n}
    assert licences == {"LICENSE", "silson_tools/data/fonts/OFL.txt"}
    assert "License-Expression: MIT AND OFL-1.1" in meta
    requires = [line for line in meta.splitlines() if line.startswith("Requires-Dist:")]
    core = [line for line in requires if ";" not in line]  # not behind an extra
    assert sorted(line.split()[1].split(">")[0] for line in core) == [
        "matplotlib", "numpy", "openpyxl", "pandas",
    ]  # fmt: skip
    for extra in ("notebooks", "scale", "dev"):
        assert f"Provides-Extra: {extra}" in meta


def test_installed_wheel_imports_lean_and_draws_hangul(venv, tmp_path):
    done = _run(venv / "bin" / "python", "-c", INSIDE, tmp_path / "plot.png", *NOT_CORE,
                cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert Path(seen["package"]).is_relative_to(venv)
    assert Path(seen["font"]).is_relative_to(venv)
    assert Path(seen["font"]).name == "SilsonGothic-Regular.ttf"
    assert seen["warnings"] == []
    assert seen["absent"] == list(NOT_CORE)
    assert (tmp_path / "plot.png").stat().st_size > 0


def test_installed_cli_checks_and_reports_the_sample(venv, tmp_path):
    silson = venv / "bin" / "silson"
    check = _run(silson, "check", SAMPLE_XLSX, cwd=tmp_path)
    assert check.returncode == 0, check.stderr
    assert "155" in check.stdout  # 영수증 줄 (lines)
    out = tmp_path / "out"
    report = _run(silson, "report", SAMPLE_CSV, "--policy", "gen4", "--start", "2024-03-01",
                  "--out", out, cwd=tmp_path)  # fmt: skip
    assert report.returncode == 0, report.stderr
    assert "Glyph" not in report.stderr and "missing from font" not in report.stderr
    for name in ("report.md", "monthly.png", "zones.png", "generations.png", "assessed_lines.csv"):
        assert (out / name).stat().st_size > 0, name


def test_installed_dependencies_are_consistent(venv, tmp_path):
    done = _run(_uv(), "pip", "check", "--python", venv / "bin" / "python", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
