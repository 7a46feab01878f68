"""Classroom exercises (notebook 07, 연습 문제): answers computed by silson_tools.

Every exercise states a situation from a cited article or standard terms, asks for one
number, and knows how to compute the answer with the package (never typed in) and explain
it step by step. The answer check is a pure function (:func:`check`), so it is
unit-tested; :func:`exercise_widget` wraps one exercise in an answer box.

Units: 원 (won), 달러 (USD, the network-plan exercises use US plans) and 등급 (grade).

Modules, one per part of the notebook: :mod:`.shrink_zones` (1부), :mod:`.ceiling` (2부),
:mod:`.premium` (3부), :mod:`.network_plans` (4부), :mod:`.year_of_receipts` (5부); and
:mod:`.model` (the dataclasses), :mod:`.catalog` (all of them, the answer key),
:mod:`.checking` (reading and checking answers), :mod:`.widget` (the answer box).
"""

from __future__ import annotations

from .catalog import all_exercises, answer_key, get_exercise
from .checking import check, explanation_html, parse_answer, verdict_html
from .model import Answer, Cite, Exercise, Verdict
from .widget import exercise_widget, show, sources_html

__all__ = [
    "Answer",
    "Cite",
    "Exercise",
    "Verdict",
    "all_exercises",
    "answer_key",
    "check",
    "exercise_widget",
    "explanation_html",
    "get_exercise",
    "parse_answer",
    "show",
    "sources_html",
    "verdict_html",
]
