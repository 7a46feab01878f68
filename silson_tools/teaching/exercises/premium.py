"""Part 3 of notebook 07: the 4세대 비급여 premium grades (할인·할증).

As reported in the press (경향신문, 2024-06) from the FSC/FSS announcement; computed with
:mod:`silson_tools.premium`.
"""

from __future__ import annotations

from ... import premium
from ...money import format_won
from ..sources import PREMIUM_NEWS, PREMIUM_OFFICIAL
from .model import Answer, Exercise

__all__ = ["premium_exercises"]


def premium_exercises() -> list[Exercise]:
    """Part 3 (노트북 05): the 4세대 비급여 할인·할증 grade and the distance to the next one."""
    out: list[Exercise] = []
    paid1 = 1_200_000

    def solve_grade() -> Answer:
        g = premium.surcharge_grade(paid1)
        upper = f"{format_won(g.upper)} 미만" if g.upper is not None else "이상"
        return Answer(
            g.grade,
            (
                f"직전 1년 비급여 보험금 {format_won(paid1)}: "
                f"구간 {format_won(g.lower)} 이상 {upper}",
                f"→ {g.grade}등급, {g.label} (비급여 특약 보험료 × {g.rate:g})",
                "급여 주계약 보험료는 할인·할증되지 않습니다.",
            ),
        )

    out.append(
        Exercise(
            "premium_grade",
            "4세대 비급여 보험료 할인·할증 등급",
            "premium",
            ((PREMIUM_NEWS, ""), (PREMIUM_OFFICIAL, "")),
            f"4세대 실손 가입자가 갱신 전 1년 동안 비급여 보험금을 {format_won(paid1)} 받았습니다.",
            "다음 해 비급여 보험료 등급은 몇 등급입니까?",
            "grade",
            solve_grade,
        )
    )

    paid2 = 800_000

    def solve_to_next() -> Answer:
        g = premium.surcharge_grade(paid2)
        nxt = premium.surcharge_grade(paid2 + int(g.to_next_surcharge or 0))
        return Answer(
            int(g.to_next_surcharge or 0),
            (
                f"지금 {format_won(paid2)} → {g.grade}등급 ({g.label})",
                f"할증이 시작되는 {nxt.grade}등급의 하한 {format_won(nxt.lower)} − "
                f"{format_won(paid2)} = {format_won(g.to_next_surcharge or 0)}",
                "보험사 앱의 '다음 할증 단계까지 남은 비급여 보험금'이 이 숫자입니다.",
            ),
        )

    out.append(
        Exercise(
            "premium_to_next",
            "다음 할증 단계까지 남은 비급여 보험금",
            "premium",
            ((PREMIUM_NEWS, "보험사 앱 안내 항목"),),
            f"올해 (측정 기간) 비급여 보험금을 지금까지 {format_won(paid2)} 받았습니다.",
            "비급여 보험금을 얼마 더 받으면 보험료가 할증되는 등급에 들어갑니까?",
            "won",
            solve_to_next,
        )
    )
    return out
