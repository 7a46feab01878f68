"""Packaging metadata: a lean core, the extras, the lock that covers them, licences, bytecode.

What the built sdist and wheel hold, and the wheel installed outside the checkout, are
tested in test_wheel.py; the lower bounds are checked against what resolves by
``make compat`` (scripts/compat_bounds.py).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT = PYPROJECT["project"]
LOCK = (ROOT / "requirements.lock").read_text(encoding="utf-8")
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")


def _names(requirements: list[str]) -> set[str]:
    return {canonicalize_name(Requirement(r).name) for r in requirements}


def _pins() -> dict[str, Version]:
    found = re.findall(r"^([A-Za-z0-9._-]+)==(\S+)", LOCK, flags=re.MULTILINE)
    return {canonicalize_name(name): Version(version) for name, version in found}


def test_core_is_the_domain_and_the_cli_only():
    assert _names(PROJECT["dependencies"]) == {"numpy", "pandas", "matplotlib", "openpyxl"}


def test_extras_for_notebooks_scale_and_development():
    extras = {name: _names(reqs) for name, reqs in PROJECT["optional-dependencies"].items()}
    assert extras["notebooks"] == {"jupyterlab", "ipywidgets", "voila", "ipykernel"}
    # ipykernel 7 now and then never answers an execute request: kept below 7, with the reason
    ipykernel = next(r for r in PROJECT["optional-dependencies"]["notebooks"] if "ipykernel" in r)
    assert Requirement(ipykernel).specifier.contains("6.31.0")
    assert not Requirement(ipykernel).specifier.contains("7.4.0")
    assert "ipykernel/issues/1554" in (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert extras["scale"] == {"dask", "distributed", "pyarrow"}
    assert {"pytest", "hypothesis", "nbval", "ruff"} <= extras["dev"]
    dask = next(r for r in PROJECT["optional-dependencies"]["scale"] if r.startswith("dask"))
    assert Requirement(dask).extras == {"dataframe"}


def test_every_dependency_has_a_lower_bound_and_no_font_package():
    everything = list(PROJECT["dependencies"])
    for reqs in PROJECT["optional-dependencies"].values():
        everything += reqs
    for text in everything:
        assert any(s.operator == ">=" for s in Requirement(text).specifier), text
    assert not _names(everything) & {"helper-plot-hangul", "seaborn", "koreanize-matplotlib"}


def test_lock_pins_every_dependency_of_every_extra_within_its_bounds():
    pins = _pins()
    everything = list(PROJECT["dependencies"])
    for reqs in PROJECT["optional-dependencies"].values():
        everything += reqs
    for text in everything:
        req = Requirement(text)
        name = canonicalize_name(req.name)
        assert name in pins, f"{name} missing from requirements.lock: run make lock"
        assert pins[name] in req.specifier, f"lock has {name}=={pins[name]}, not {req.specifier}"
    assert "helper-plot-hangul" not in pins and "seaborn" not in pins


def test_lock_is_compiled_as_make_lock_does():
    command = re.search(r"^lock:.*\n\t(.+)$", MAKEFILE, flags=re.MULTILINE)
    assert command and "--all-extras" in command[1] and "--python-version 3.11" in command[1]
    assert "--all-extras" in LOCK.splitlines()[1]


def test_licence_is_an_spdx_expression_with_its_files():
    assert PROJECT["license"] == "MIT AND OFL-1.1"
    assert PROJECT["license-files"] == ["LICENSE", "silson_tools/data/fonts/OFL.txt"]
    assert "MIT License" in (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE" in (ROOT / PROJECT["license-files"][1]).read_text("utf-8")


def test_build_system_is_bounded_on_both_sides():
    (setuptools,) = PYPROJECT["build-system"]["requires"]
    operators = {s.operator for s in Requirement(setuptools).specifier}
    assert {">=", "<"} <= operators
    assert Version("77.0.3") in Requirement(setuptools).specifier  # license expressions


def test_installer_compiles_bytecode():
    installs = [line for line in MAKEFILE.splitlines() if "uv pip install" in line]
    assert installs and all("--compile-bytecode" in line for line in installs)
