"""Checking a student's answer: read the text, compare with the computed answer, say why.

:func:`check` is a pure function (unit-tested); the HTML helpers carry ``data-verdict`` and
``data-answer`` attributes for the browser test.
"""

from __future__ import annotations

import html
import re

from ...errors import InputError
from ...money import parse_won
from .model import UNIT_EXAMPLE, UNIT_LABEL, Exercise, Unit, Verdict, show_value

__all__ = ["check", "explanation_html", "parse_answer", "verdict_html"]

_USD = re.compile(r"^\s*(?:US)?\$?\s*(\d{1,3}(?:,\d{3})+|\d+)\s*(?:달러|USD|불)?\s*$", re.I)
_GRADE = re.compile(r"^\s*(\d+)\s*(?:등급)?\s*$")


def parse_answer(text: str, unit: Unit) -> int:
    """A student's answer text → integer in the exercise's unit; InputError if unreadable."""
    text = (text or "").strip()
    if unit == "won":
        return parse_won(text.replace(" ", ""), allow_negative=False)
    pattern = _USD if unit == "usd" else _GRADE
    match = pattern.match(text)
    if match is None:
        raise InputError(f"cannot read {text!r} as {UNIT_LABEL[unit]}")
    return int(match.group(1).replace(",", ""))


def check(exercise: Exercise, text: str) -> Verdict:
    """Check a student's answer text against the computed answer (pure function)."""
    if not (text or "").strip():
        return Verdict("empty", "답을 입력하세요 (enter an answer).")
    try:
        given = parse_answer(text, exercise.unit)
    except ValueError:  # InputError, or parse_won's error for unreadable won text
        return Verdict(
            "invalid",
            f"숫자로 읽을 수 없습니다: {text!r} ({UNIT_EXAMPLE[exercise.unit]}).",
        )
    right = exercise.answer().value
    if abs(given - right) <= exercise.tolerance:
        return Verdict("correct", f"정답입니다! {show_value(exercise.unit, right)}", given)
    hints = exercise.mistakes() if exercise.mistakes else {}
    if given in hints:
        hint = hints[given]
    else:
        hint = "정답은 이보다 큽니다." if given < right else "정답은 이보다 작습니다."
    return Verdict(
        "wrong", f"아쉽습니다. 입력한 값 {show_value(exercise.unit, given)}: 오답. {hint}", given
    )


def verdict_html(verdict: Verdict) -> str:
    """The verdict as HTML; the span carries ``data-verdict`` for the browser test."""
    colour = {"correct": "#1e7b34", "wrong": "#b03a2e"}.get(verdict.status, "#555")
    mark = {"correct": "✔ ", "wrong": "✘ "}.get(verdict.status, "")
    given = "" if verdict.given is None else f' data-given="{verdict.given}"'
    return (
        f'<span data-verdict="{verdict.status}"{given} style="color:{colour}">'
        f"{mark}{html.escape(verdict.message)}</span>"
    )


def explanation_html(exercise: Exercise) -> str:
    """The computed answer and its steps as HTML (``data-answer`` = the value)."""
    ans = exercise.answer()
    steps = "".join(f"<li>{html.escape(s)}</li>" for s in ans.steps)
    return (
        f'<div data-answer="{ans.value}"><b>정답 (answer): '
        f"{html.escape(show_value(exercise.unit, ans.value))}</b><ol>{steps}</ol></div>"
    )
