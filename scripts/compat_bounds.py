"""Check that pyproject.toml's lower bounds are the versions that actually resolve.

    python scripts/compat_bounds.py pyproject.toml RESOLVED.txt

RESOLVED.txt is ``uv pip compile --resolution lowest-direct`` output. For every direct
dependency (core and extras) declared ``name>=X``, the resolved version must equal X: a
bound below what resolves (pandas>=2.2 when only 2.2.2 works with numpy 2) promises
versions that cannot be installed. Prints each bound; exits 1 naming each one to raise.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version


def declared(pyproject: Path) -> dict[str, Version]:
    """Each direct dependency's ``>=`` bound, by canonical name."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    texts = list(project.get("dependencies", []))
    for group in project.get("optional-dependencies", {}).values():
        texts += group
    bounds: dict[str, Version] = {}
    for text in texts:
        req = Requirement(text)
        for spec in req.specifier:
            if spec.operator == ">=":
                bounds[canonicalize_name(req.name)] = Version(spec.version)
    return bounds


def resolved(path: Path) -> dict[str, Version]:
    """``name==version`` lines of a compiled requirements file, by canonical name."""
    pins: dict[str, Version] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9._-]+)(?:\[[^\]]*\])?==([^\s;]+)", line)
        if match:
            pins[canonicalize_name(match[1])] = Version(match[2])
    return pins


def main(argv: list[str]) -> int:
    """Compare; print one line per bound; 1 if any bound is not what resolves."""
    bounds, pins = declared(Path(argv[0])), resolved(Path(argv[1]))
    wrong = []
    for name, bound in sorted(bounds.items()):
        got = pins.get(name)
        ok = got == bound
        flag = "" if ok else "  <-- raise the bound"
        print(f"  {name}>={bound}: lowest that resolves {got}{flag}")
        if not ok:
            wrong.append(f"{name}>={bound} resolves to {got}")
    if wrong:
        print("pyproject.toml lower bounds that do not resolve as written: " + "; ".join(wrong))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
