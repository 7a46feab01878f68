"""The render checks (tests/render_checks.py) catch what they are for.

Each notebook is checked after nbval runs it (``make test`` runs ``pytest tests notebooks``:
``tests/conftest.py`` adds a ``rendered_for_people`` item after each notebook's cells). Here
the checks themselves meet known-bad snippets, so a check that stops finding anything fails.
"""

from __future__ import annotations

import json

import pytest
from render_checks import NOTEBOOKS, markdown_problems, output_problems, widget_problems

# The checks can fail: each known-bad snippet is caught, each good one passes.


@pytest.mark.parametrize(
    "source",
    [
        "공제 $2,000 후 40%, 상한 $12,000",
        r"공제 \$2,000 후 40%, 상한 \$12,000",
        "1세대(~2009.9) → 3세대(2017.4~)",
        "100만~150만 미만 → 3등급",
        "a *word* here",
        "relativity_ppm _x_ y",
        "**내년 무사고 할인 (discount)**다음",
    ],
)
def test_markdown_check_catches(source):
    assert markdown_problems(source)


@pytest.mark.parametrize(
    "source",
    [
        r"1세대(\~2009.9), 100만\~150만, 600달러 (USD)",
        "**굵게** (bold), `$600` and `a_b`, [링크](https://x.org/a_b~c$)",
        "```\nx = a_b ~ $\n```",
    ],
)
def test_markdown_check_passes(source):
    assert markdown_problems(source) == []


@pytest.mark.parametrize(
    "output",
    [
        {"output_type": "stream", "name": "stderr", "text": "warning"},
        {"output_type": "stream", "name": "stdout", "text": "Advice(claim=1)"},
        {"output_type": "stream", "name": "stdout", "text": "(1, 2)\n"},
        {"output_type": "stream", "name": "stdout", "text": "x    1\ndtype: int64"},
        {"output_type": "error", "ename": "ValueError", "evalue": "x", "traceback": []},
        {"output_type": "execute_result", "data": {"text/plain": "(1, 2)"}},
        {"output_type": "display_data", "data": {"text/html": '<table class="dataframe"/>'}},
        {"output_type": "display_data", "data": {"text/html": "<p>$2 and $3</p>"}},
        {"output_type": "display_data", "data": {"text/html": "<td>900000</td>"}},
        {"output_type": "display_data", "data": {"text/html": "<td>relativity_ppm</td>"}},
        {"output_type": "display_data", "data": {"text/markdown": "2020~2022"}},
    ],
)
def test_output_check_catches(output):
    assert output_problems(output)


def test_output_check_passes_safe_html():
    from silson_tools.people import table

    html = table([{"이름": "$2,000 ~ *a* _b_", "claim": 900_000}]).html
    assert output_problems({"output_type": "display_data", "data": {"text/html": html}}) == []


def test_widget_check_catches():
    state = {
        "a": {"model_name": "IntSliderModel", "state": {"max": 100_000, "readout_format": "d"}},
        "b": {"model_name": "LabelModel", "state": {"value": "$2 to $3"}},
        "c": {
            "model_name": "OutputModel",
            "state": {"outputs": [{"output_type": "stream", "name": "stderr", "text": "x"}]},
        },
    }
    assert len(widget_problems(state)) == 3
    ok = {"a": {"model_name": "IntSliderModel", "state": {"max": 100_000, "readout_format": ","}}}
    assert widget_problems(ok) == []


def test_notebooks_are_json():
    for path in NOTEBOOKS:
        assert json.loads(path.read_text(encoding="utf-8"))["cells"]
