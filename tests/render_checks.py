"""Every notebook, as nbval ran it, shows a person nothing rendered wrong.

nbval runs each notebook's cells on one fresh kernel (from ``notebooks/``); after its last
cell, one more item (:class:`RenderedForPeople`, added to each notebook by
``tests/conftest.py``) checks what a person would see, from the outputs nbval received and
the kernel's widget states, so each notebook runs once in ``make test``, not twice: markdown
cells, HTML/Markdown outputs, printed text, the outputs inside widgets (``interact``: nbval
receives them as the cell's outputs) and the widgets' own texts. It fails on

- ``$`` that MathJax would typeset (markdown text, HTML outside a ``mathjax_ignore`` block,
  widget descriptions and labels), ``~`` that GFM strikes through, ``*``/``_`` that turn into
  italics, a bold ``**`` left unclosed;
- developer output: raw pandas tables (``<table class="dataframe">``, index and all), numbers
  of 5+ digits without separators in a table, internal snake_case codes, ``Advice(…)``,
  ``<… object at 0x…>``, ``dtype:``, a printed tuple, a bare ``repr`` as a cell's result,
  an integer slider whose readout has no thousands separator;
- anything on stderr, any error or traceback.

The checks themselves are tested on known-bad snippets (tests/test_notebook_render.py), so
a check that stops finding anything fails too.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import mistune
import nbformat
import pytest
from bs4 import BeautifulSoup
from IPython.core.displayhook import DisplayHook

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


WIDGET_STATE = (
    "import json as _json, ipywidgets as _widgets\n"
    "print(_json.dumps(_widgets.Widget.get_manager_state(drop_defaults=False)))"
)
"""Run in the notebook's kernel after its cells: every live widget's state (buffers base64)."""
STATE_TIMEOUT_S = 60


def _kernel_output(kernel: Any, code: str) -> str:
    """Run ``code`` on nbval's kernel; its stdout (an error in it fails the check)."""
    msg_id = kernel.execute_cell_input(code, allow_stdin=False)
    kernel.await_reply(msg_id, timeout=STATE_TIMEOUT_S)
    text = []
    while True:
        msg = kernel.get_message("iopub", timeout=STATE_TIMEOUT_S)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream" and content["name"] == "stdout":
            text.append(content["text"])
        elif kind == "error":
            raise AssertionError(f"reading the widget states failed: {content['evalue']}")
        elif kind == "status" and content["execution_state"] == "idle":
            return "".join(text)


class RenderedForPeople(pytest.Item):
    """The notebook as nbval ran it (its cells' outputs, the kernel's widget states),
    checked by :func:`notebook_problems`; runs after the notebook's last cell, on its kernel."""

    def __init__(self, *, cells: list[Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cells = cells

    def runtest(self) -> None:
        notebook = self.parent
        missing = [cell.name for cell in self.cells if cell.test_outputs is None]
        assert not missing, f"{notebook.name}: not run, so not checked: {', '.join(missing)}"
        assert notebook.kernel is not None and notebook.kernel.is_alive(), "the kernel died"
        nb = copy.deepcopy(notebook.nb)
        code = [cell for cell in nb.cells if cell.cell_type == "code"]
        for cell, item in zip(code, self.cells, strict=True):
            # nbval runs cells without history, where IPython cannot see a closing ``;``
            # and shows the result that JupyterLab and Voilà hide
            quiet = DisplayHook.semicolon_at_end_of_expression(cell.source)
            cell.outputs = [
                nbformat.from_dict(dict(out))
                for out in item.test_outputs
                if not (quiet and out.output_type == "execute_result")
            ]
        state = json.loads(_kernel_output(notebook.kernel, WIDGET_STATE))
        nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": state}
        problems = list(dict.fromkeys(notebook_problems(nb)))
        assert not problems, f"{notebook.name}: {len(problems)} problems\n" + "\n".join(problems)

    def reportinfo(self) -> tuple[Any, int, str]:
        return self.path, 0, f"{self.parent.name}::{self.name}"


def add_render_checks(items: list[pytest.Item]) -> None:
    """After each notebook's last nbval cell, insert its :class:`RenderedForPeople` item."""
    by_file: dict[Any, list[pytest.Item]] = {}
    for item in items:
        if type(item).__name__ == "IPyNbCell":
            by_file.setdefault(item.parent, []).append(item)
    for notebook, cells in by_file.items():
        check = RenderedForPeople.from_parent(notebook, name="rendered_for_people", cells=cells)
        items.insert(items.index(cells[-1]) + 1, check)
