"""Part 2 of notebook 07: the NHI out-of-pocket ceiling (본인부담상한제).

The two worked 사후환급 examples of the 본인부담상한제 guide (예시 1 and 2, from the NHIS's
own examples), computed with :mod:`silson_tools.ceiling`.
"""

from __future__ import annotations

from ... import ceiling
from ...money import format_won
from ..sources import CEILING_ARTICLE, CEILING_OFFICIAL
from .model import Answer, Exercise, won

__all__ = ["ceiling_exercises"]


def ceiling_exercises() -> list[Exercise]:
    """Part 2 (노트북 04): the 본인부담상한제 refund, normal and 요양병원 120일 초과."""
    out: list[Exercise] = []
    total1, year1, decile1 = 5_500_000, 2023, 1

    def solve_low() -> Answer:
        lim = ceiling.limit(year1, decile1)
        ref = ceiling.refund(total1, year1, decile1)
        return Answer(
            int(ref),
            (
                f"{year1}년 1분위 (하위 10%) 본인부담상한액 = {format_won(lim)}",
                f"사후환급금 = 본인부담금 {format_won(total1)} − 상한액 {format_won(lim)} = "
                f"{format_won(ref)} ({won(ref)})",
                "공단이 다음 해 8월경 돌려줍니다. 실손은 이 환급분을 보상하지 않습니다.",
            ),
        )

    out.append(
        Exercise(
            "ceiling_refund",
            "본인부담상한제 사후환급 (하위 10%)",
            "ceiling",
            ((CEILING_ARTICLE, "예시 2"), (CEILING_OFFICIAL, "")),
            f"{year1}년 한 해 여러 병원에서 건강보험 본인부담금 (급여 본인일부부담금)을 "
            f"{format_won(total1)} 냈습니다. 보험료 수준은 하위 10% (1분위), "
            "요양병원 입원은 120일 이하입니다.",
            "공단이 돌려주는 사후환급금은 몇 원입니까?",
            "won",
            solve_low,
            mistakes=lambda: {
                ceiling.limit(year1, decile1): "그것은 상한액입니다. 환급금 = 본인부담금 − 상한액."
            },
        )
    )

    total2, year2, decile2 = 7_700_000, 2023, 4

    def solve_long() -> Answer:
        lim = ceiling.limit(year2, decile2, long_stay=True)
        normal = ceiling.limit(year2, decile2)
        ref = ceiling.refund(total2, year2, decile2, long_stay=True)
        return Answer(
            int(ref),
            (
                f"요양병원 120일 초과: {year2}년 4~5분위 상한액은 {format_won(lim)} "
                f"(120일 이하라면 {format_won(normal)})",
                f"사후환급금 = {format_won(total2)} − {format_won(lim)} = {format_won(ref)}",
            ),
        )

    out.append(
        Exercise(
            "ceiling_long_stay",
            "요양병원 120일 초과의 상한액",
            "ceiling",
            ((CEILING_ARTICLE, "예시 1"), (CEILING_OFFICIAL, "")),
            f"{year2}년 본인부담금 {format_won(total2)} (A병원 500만, B병원 200만, C약국 70만). "
            "보험료 수준은 하위 50% (4분위), 요양병원에 120일 넘게 입원했습니다.",
            "사후환급금은 몇 원입니까?",
            "won",
            solve_long,
            mistakes=lambda: {
                int(ceiling.refund(total2, year2, decile2)): "120일 이하의 상한액을 썼습니다."
            },
        )
    )
    return out
