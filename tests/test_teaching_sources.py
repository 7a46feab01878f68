"""The teaching material cites the original articles (title and address).

Also: the teacher's answer-key command in notebooks/README.md runs as written. That no file
of the project, teaching material included, points at team-internal notes is checked for
every file by tests/test_stands_alone.py.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from silson_tools.teaching import sources
from silson_tools.teaching.cases import ARTICLE_CASES
from silson_tools.teaching.exercises import all_exercises

ROOT = Path(__file__).resolve().parents[1]


def test_every_source_has_a_title_and_a_web_address_or_says_none() -> None:
    found = [v for v in vars(sources).values() if isinstance(v, sources.Source)]
    assert len(found) >= 10
    for source in found:
        assert source.title.strip()
        assert source.url is None or source.url.startswith(("https://", "http://"))


def test_every_exercise_and_worked_case_cites_a_source() -> None:
    for exercise in all_exercises():
        assert exercise.cites, exercise.key
        assert all(isinstance(src, sources.Source) for src, _ in exercise.cites)
        assert exercise.source.startswith(exercise.cites[0][0].name)
    for case in ARTICLE_CASES:
        assert case.source.startswith(case.article.name)


def test_readme_answer_key_command_runs() -> None:
    text = (ROOT / "notebooks" / "README.md").read_text(encoding="utf-8")
    match = re.search(r'`\.venv/bin/python -c "([^"]+)"`', text)
    assert match is not None, "notebooks/README.md lost the answer-key command"
    done = subprocess.run(
        [sys.executable, "-c", match.group(1)], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    assert "rate_covered" in done.stdout
