"""The project stands alone: no file points at material a user of the project does not have.

The team's working material (its folder next to the repository, its rules file and the
section numbers in it, the short tags in square brackets that its research notes give to
sources, the source articles numbered as seeds, its design and tooling notes, the numbers of
its issue tracker) is not shipped. Where the project relies on such material it cites the
original instead: title and address, as in ``silson_tools/data/sources.toml`` and
``silson_tools.teaching.sources``.

This test reads every file of the project (``git ls-files``: tracked files and new files not
ignored; without git, the tree minus virtualenvs, caches and build output), skips binary
files, and names ``file:line`` for each pointer. :func:`pointers` is also used by tests that
check generated text (the rules reference page) and single data files.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

TAGS = ("RN", "SL3", "FSS-4G", "FSS-2020", "TRAVEL4", "RECEIPT")
"""Short tags of the team's research notes (upper case, in square brackets)."""

# Written so that this file does not match them itself (e.g. "shared[/]"); examples below.
POINTER = re.compile(
    "|".join(
        [
            r"\.\./shared\b",  # the team's folder beside the repository
            r"(?<![\w.-])shared[/]",  # ... or a path inside it
            r"(?i:\brules\.md\b)",  # the team's rules file, with or without a section
            r"\[(?:" + "|".join(re.escape(tag) for tag in TAGS) + r")\b",  # a tag, alone or listed
            r"(?i:(?<![a-z])seeds?[ _-]?0(?:\d\d|0x)(?!\d))",  # a numbered seed, also in a name
            r"(?i:\b(?:design|tooling)\.md\b)",  # the team's design and tooling notes
            r"(?i:\bissues? ?#?\d)",  # a number of the team's issue tracker
        ]
    )
)
"""One pointer to team-internal material; see the module docstring."""

SKIP_DIRS = {
    ".git",
    ".venv",
    "venv",
    "__pycache__",
    ".ipynb_checkpoints",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
    "build",
    "dist",
    "out",
    "node_modules",
}
"""Directories that are not the project when walking without git (caches, build output)."""


def pointers(text: str) -> list[str]:
    """Every pointer to team-internal material in ``text`` (the matched strings)."""
    return [match.group(0) for match in POINTER.finditer(text)]


def _walk() -> list[str]:
    found = []
    for folder, dirs, files in os.walk(ROOT):
        rel = Path(folder).relative_to(ROOT)
        dirs[:] = sorted(
            d
            for d in dirs
            if d not in SKIP_DIRS
            and not d.endswith(".egg-info")
            and (rel / d).as_posix() != "data/private"
        )
        found.extend((rel / name).as_posix() for name in sorted(files))
    return found


def project_files() -> list[str]:
    """Paths (relative, posix) of the project's files: tracked plus new unignored ones."""
    try:
        done = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return _walk()
    names = sorted({name for name in done.stdout.decode("utf-8").split("\0") if name})
    return [name for name in names if (ROOT / name).is_file()]


def text_of(path: Path) -> str | None:
    """The file's text, or ``None`` for a binary file (it holds a NUL byte)."""
    data = path.read_bytes()
    if b"\0" in data:
        return None
    return data.decode("utf-8", errors="replace")


def test_no_file_points_at_team_internal_material() -> None:
    files = project_files()
    assert "silson_tools/formulas.py" in files and "tests/test_stands_alone.py" in files
    hits = []
    for name in files:
        text = text_of(ROOT / name)
        if text is None:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            found = pointers(line)
            if found:
                hits.append(f"{name}:{number}: {', '.join(found)}: {line.strip()[:120]}")
    assert not hits, (
        "pointers to material users do not have; cite the original source (title and "
        "address) instead:\n" + "\n".join(hits)
    )


# --- the pattern itself -----------------------------------------------------------------------
# Examples are split ("rules" ".md") so that this file does not flag itself.


@pytest.mark.parametrize(
    "text",
    [
        "see ../" "shared" "/domain/rules" ".md",
        "as in rules" ".md §3.2, A",
        "Rules" ".MD",
        "the team's " "shared" "/seeds folder",
        "4세대 <표1> ([" "RN])",
        "([" "SL3] tables; [" "RN] 4세대; [" "TRAVEL4])",
        "[" "FSS-2020]",
        "[" "FSS-4G]",
        "the note in [" "RECEIPT]",
        "seed" " 002 사례 1",
        "Seed" " 003:",
        "def test_seed" "003_example1():",
        "custom_policies/seed" "001_insurer_a.toml",
        "seed" "_001",
        "seed" "00x",
        "see DESIGN" ".md",
        "TOOLING" ".md §4",
        "(issue" " 4)",
        "Issue" " 8",
        "issue" " #12",
    ],
)
def test_pattern_flags_pointers(text: str) -> None:
    assert pointers(text), text


@pytest.mark.parametrize(
    "text",
    [
        "rng = np.random.default_rng(seed=0)",
        "def synthetic(lines: int, seed: int = 0) -> None:",
        "SEED = 20240101",
        "The data are made up (fixed seed): rerunning gives byte-identical files.",
        "seed 2024",
        "rules_reference.md",
        "docs/rules_reference.md",
        "silson_tools/data/sources.toml",
        "[sources.receipt-form]",
        "[RECEIPTS]",
        "https://github.com/PolicyEngine/policyengine-us/issues/8905",
        "an issue with the header",
        "file shared by two people",
        "data/shared_policies.toml",
        "README.md",
    ],
)
def test_pattern_leaves_ordinary_text_alone(text: str) -> None:
    assert pointers(text) == [], text
