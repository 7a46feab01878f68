"""Every notebook, executed, shows a person nothing rendered wrong.

Each notebook runs on a fresh kernel (as in JupyterLab, from ``notebooks/``) and what a
person would see is checked: markdown cells, HTML/Markdown outputs, printed text, the
outputs inside widgets (``interact``) and the widgets' own texts. It fails on

- ``$`` that MathJax would typeset (markdown text, HTML outside a ``mathjax_ignore`` block,
  widget descriptions and labels), ``~`` that GFM strikes through, ``*``/``_`` that turn into
  italics, a bold ``**`` left unclosed;
- developer output: raw pandas tables (``<table class="dataframe">``, index and all), numbers
  of 5+ digits without separators in a table, internal snake_case codes, ``Advice(…)``,
  ``<… object at 0x…>``, ``dtype:``, a printed tuple, a bare ``repr`` as a cell's result,
  an integer slider whose readout has no thousands separator;
- anything on stderr, any error or traceback.

The checks themselves are tested on known-bad snippets, so a check that stops finding
anything fails too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import mistune
import nbformat
import pytest
from bs4 import BeautifulSoup

NOTEBOOK_DIR = Path(__file__).parents[1] / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))

_MD = mistune.create_markdown(plugins=["strikethrough", "table"])
_FENCE = re.compile(r"^(```|~~~).*?^\1", re.S | re.M)
_CODE_SPAN = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.S)
_LINK_TARGET = re.compile(r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)|<https?://[^>]+>|https?://\S+")
_HTML_TAG = re.compile(r"<[^>\n]+>")
_UNESCAPED = {"~": re.compile(r"(?<!\\)~"), "$": re.compile(r"\$")}
r"""``\~`` is plain text in marked (Lab) and mistune (Voilà). Any ``$`` outside code is
refused, escaped or not: the notebooks write 달러/USD instead of relying on ``\$``."""
_SKIP_TAGS = ("script", "style", "pre", "code", "textarea")
_IGNORE = re.compile(r"(?:^| )(?:mathjax_ignore|tex2jax_ignore)(?: |$)")
_INTERNAL_CODE = re.compile(r"(?<![\w./\\-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w(/\\-])")
_RAW_NUMBER = re.compile(r"(?<![\d,.])\d{5,}(?![\d,.])")
_REPRS = {
    "Advice(": "a printed Python object (Advice(…))",
    " object at 0x": "a Python object repr (<… object at 0x…>)",
    "dtype:": "a pandas Series repr (dtype: …)",
    "Traceback (most recent call last)": "a traceback",
    "Name: ": "a pandas Series repr (Name: …)",
}
_TUPLE_LINE = re.compile(r"^\s*\(.*,.*\)\s*$", re.M)


def _visible_markdown(source: str) -> str:
    """Markdown source without code blocks, code spans, link targets and HTML tags."""
    text = _FENCE.sub(" ", source)
    text = _CODE_SPAN.sub(" ", text)
    text = _LINK_TARGET.sub("]", text)
    return _HTML_TAG.sub(" ", text)


def markdown_problems(source: str) -> list[str]:
    """What JupyterLab's Markdown (marked, GFM) and MathJax would eat in ``source``."""
    problems = []
    visible = _visible_markdown(source)
    for line in visible.splitlines():
        if _UNESCAPED["~"].search(line):
            problems.append(f"~ would strike text through (write \\~): {line.strip()[:90]!r}")
        if _UNESCAPED["$"].search(line):
            problems.append(f"$ would be typeset as math (write 달러/USD): {line.strip()[:90]!r}")
    soup = BeautifulSoup(_MD(source), "html.parser")
    for em in soup.find_all("em"):
        problems.append(f"* or _ turned into italics: {em.get_text()[:60]!r}")
    for el in soup.find_all(("del", "s")):
        problems.append(f"~~ strikes through: {el.get_text()[:60]!r}")
    for node in soup.find_all(string=True):
        if node.parent.name in _SKIP_TAGS:
            continue
        if "**" in node or "__" in node:
            problems.append(f"bold not closed, ** shown as text: {node.strip()[:90]!r}")
    return problems


def _ignored(node: Any) -> bool:
    for parent in node.parents:
        if parent.name in _SKIP_TAGS:
            return True
        if _IGNORE.search(" ".join(parent.get("class", []) if parent.attrs else [])):
            return True
    return False


def html_problems(markup: str) -> list[str]:
    """What is wrong in an HTML output as a person sees it in JupyterLab or Voilà."""
    problems = []
    soup = BeautifulSoup(markup, "html.parser")
    for tag in soup.find_all(("script", "style")):
        tag.decompose()
    if soup.find("table", class_="dataframe"):  # one message, not one per cell
        return ["a raw pandas table (index, codes, unformatted numbers): use people.table"]
    for node in soup.find_all(string=True):
        text = str(node)
        if "$" in text and not _ignored(node):
            problems.append(f"$ would be typeset as math: {text.strip()[:90]!r}")
        if node.find_parent(("td", "th")) is not None:
            if _RAW_NUMBER.search(text):
                problems.append(f"number without separators in a table: {text.strip()[:60]!r}")
        if node.find_parent(("code", "pre")) is None and (code := _INTERNAL_CODE.search(text)):
            problems.append(f"internal code shown: {code.group()!r} in {text.strip()[:60]!r}")
    problems += text_problems(soup.get_text(" "))
    return problems


def text_problems(text: str) -> list[str]:
    """Python reprs and tracebacks in printed text."""
    problems = [f"{what}: {text.strip()[:90]!r}" for mark, what in _REPRS.items() if mark in text]
    if match := _TUPLE_LINE.search(text):
        problems.append(f"a printed tuple: {match.group().strip()[:90]!r}")
    return problems


def output_problems(output: dict[str, Any]) -> list[str]:
    """One output (cell or Output widget) as a person sees it."""
    kind = output.get("output_type")
    if kind == "error":
        return [f"error shown: {output.get('ename')}: {output.get('evalue')!s:.90}"]
    if kind == "stream":
        if output.get("name") == "stderr":
            return [f"stderr shown: {output.get('text', '')[:120]!r}"]
        return text_problems(output.get("text", ""))
    data = output.get("data", {})
    if "text/html" in data:
        return html_problems(_text(data["text/html"]))
    if "text/markdown" in data:
        return markdown_problems(_text(data["text/markdown"]))
    if set(data) & {"image/png", "image/svg+xml", "application/vnd.jupyter.widget-view+json"}:
        return []
    plain = _text(data.get("text/plain", ""))
    if kind == "execute_result":
        return [f"a bare Python repr as the cell's result: {plain[:90]!r}"]
    return text_problems(plain)


def _text(value: str | list[str]) -> str:
    return value if isinstance(value, str) else "".join(value)


def widget_problems(state: dict[str, Any]) -> list[str]:
    """Outputs inside widgets, widget HTML, descriptions/labels (typeset) and slider readouts."""
    problems = []
    for model in state.values():
        name, attrs = model.get("model_name", ""), model.get("state", {})
        for output in attrs.get("outputs", []) if name == "OutputModel" else []:
            problems += output_problems(output)
        if name == "HTMLModel":
            problems += html_problems(attrs.get("value", ""))
        texts = [attrs.get("description", "")]
        if name == "LabelModel":
            texts.append(attrs.get("value", ""))
        for text in texts:
            if "$" in str(text):
                problems.append(f"$ in a widget label would be typeset: {text!r}")
        for label in attrs.get("_options_labels", []):
            if _INTERNAL_CODE.fullmatch(str(label)):
                problems.append(f"internal code as a choice: {label!r}")
        if name in {"IntSliderModel", "IntRangeSliderModel"} and attrs.get("readout", True):
            if attrs.get("max", 0) >= 10_000 and "," not in attrs.get("readout_format", "d"):
                problems.append(f"slider {attrs.get('description')!r}: readout without separators")
    return problems


@cache
def executed(path: Path) -> nbformat.NotebookNode:
    """The notebook after running all its cells on a fresh kernel from notebooks/.

    60 s per cell: every cell takes seconds, and a cell that really hangs fails here instead
    of holding CI up. The client looks at its sockets every 0.25 s: now and then a reply
    arrives without waking the loop (seen: a 3 s notebook took 63 s, its timeout)."""
    from silson_tools.teaching.kernel_client import run_notebook

    nb = nbformat.read(path, as_version=4)
    return run_notebook(nb, NOTEBOOK_DIR, allow_errors=True, store_widget_state=True)


def notebook_problems(nb: nbformat.NotebookNode) -> Iterator[str]:
    """Every problem, prefixed with the cell number."""
    for number, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            for problem in markdown_problems(cell.source):
                yield f"cell {number} (markdown): {problem}"
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            for problem in output_problems(output):
                yield f"cell {number}: {problem}"
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    for problem in widget_problems(state.get("state", {})):
        yield f"widgets: {problem}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_renders_for_people(path):
    problems = list(dict.fromkeys(notebook_problems(executed(path))))
    assert not problems, f"{path.name}: {len(problems)} problems\n" + "\n".join(problems)


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
