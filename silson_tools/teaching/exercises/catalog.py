"""All exercises of notebook 07 in lesson order, the answer key and lookup by key."""

from __future__ import annotations

import pandas as pd

from ...errors import InputError
from .ceiling import ceiling_exercises
from .model import Exercise, show_value
from .network_plans import network_plan_exercises
from .premium import premium_exercises
from .shrink_zones import shrink_zone_exercises
from .year_of_receipts import year_of_receipts_exercises

__all__ = ["all_exercises", "answer_key", "get_exercise"]


def all_exercises() -> list[Exercise]:
    """Every exercise in lesson order: zones, ceiling, premium grade, network plans, a year."""
    return [
        *shrink_zone_exercises(),
        *ceiling_exercises(),
        *premium_exercises(),
        *network_plan_exercises(),
        *year_of_receipts_exercises(),
    ]


def answer_key() -> pd.DataFrame:
    """The teacher's answer key, computed now: one row per exercise (번호, key, 정답, …)."""
    rows = []
    for number, ex in enumerate(all_exercises(), start=1):
        ans = ex.answer()
        rows.append(
            {
                "번호": number,
                "key": ex.key,
                "주제 (topic)": ex.topic,
                "문제 (title)": ex.title,
                "정답 (answer)": show_value(ex.unit, ans.value),
                "출처 (source)": ex.source,
            }
        )
    return pd.DataFrame(rows).set_index("번호")


def get_exercise(key: str) -> Exercise:
    """The exercise with this key; InputError lists the known keys."""
    for ex in all_exercises():
        if ex.key == key:
            return ex
    known = ", ".join(e.key for e in all_exercises())
    raise InputError(f"unknown exercise {key!r}; known: {known}")
