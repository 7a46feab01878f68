"""The answer box of one exercise (ipywidgets), as notebook 07 shows it.

DOM hooks for the browser test: each exercise box has the classes ``silson-exercise``
and ``silson-exercise-<key>``; the answer box ``silson-answer`` (an ipywidgets Text,
checked on Enter), the buttons ``silson-check`` and ``silson-explain``, the verdict
``silson-verdict`` (its content carries ``data-verdict`` = correct / wrong / invalid /
empty) and the explanation ``silson-explanation``.
"""

from __future__ import annotations

import html

import ipywidgets as w

from ...people import SAFE_CLASSES
from .catalog import get_exercise
from .checking import check, explanation_html, verdict_html
from .model import UNIT_EXAMPLE, UNIT_LABEL, Exercise

__all__ = ["exercise_widget", "show", "sources_html"]


def sources_html(exercise: Exercise) -> str:
    """The citations, each title a link where the publication has an address."""
    parts = []
    for source, where in exercise.cites:
        text = html.escape(source.cite(where))
        if source.url:
            text = f'<a href="{html.escape(source.url)}" target="_blank">{text}</a>'
        parts.append(text)
    return " · ".join(parts)


def exercise_widget(exercise: Exercise, number: int | None = None) -> w.VBox:
    """An answer box for one exercise: question, text box (Enter checks), 확인, 풀이 보기."""
    head = f"{number}. " if number is not None else ""
    prompt = w.HTML(
        f"<div class='{SAFE_CLASSES}'>"  # $300 and ~ are text, not MathJax or Markdown
        f"<h4 style='margin:0.3em 0'>{html.escape(head + exercise.title)}</h4>"
        f"<div>{html.escape(exercise.situation)}</div>"
        f"<div style='margin:0.3em 0'><b>{html.escape(exercise.question)}</b> "
        f"<small>(단위: {UNIT_LABEL[exercise.unit]}; "
        f"출처: {sources_html(exercise)})</small></div></div>"
    )
    box = w.Text(
        placeholder=UNIT_EXAMPLE[exercise.unit],
        description="답 (answer)",
        continuous_update=False,
        layout=w.Layout(width="22em"),
    )
    box.add_class("silson-answer")
    check_button = w.Button(description="확인 (check)", button_style="primary")
    check_button.add_class("silson-check")
    explain_button = w.Button(description="풀이 보기 (explain)")
    explain_button.add_class("silson-explain")
    verdict = w.HTML()
    verdict.add_class("silson-verdict")
    explanation = w.HTML()
    explanation.add_class("silson-explanation")

    def on_check(*_: object) -> None:
        verdict.value = (
            f"<div class='{SAFE_CLASSES}'>{verdict_html(check(exercise, box.value))}</div>"
        )

    def on_explain(*_: object) -> None:
        explanation.value = f"<div class='{SAFE_CLASSES}'>{explanation_html(exercise)}</div>"

    box.observe(on_check, names="value")
    check_button.on_click(on_check)
    explain_button.on_click(on_explain)
    widget = w.VBox(
        [prompt, w.HBox([box, check_button, explain_button]), verdict, explanation],
        layout=w.Layout(border="1px solid #ddd", padding="0.5em", margin="0.5em 0"),
    )
    widget.add_class("silson-exercise")
    widget.add_class(f"silson-exercise-{exercise.key}")
    return widget


def show(key: str, number: int | None = None) -> w.VBox:
    """The answer box for exercise ``key`` (what a notebook cell displays)."""
    return exercise_widget(get_exercise(key), number)
