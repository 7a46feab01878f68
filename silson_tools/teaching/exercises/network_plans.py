"""Part 4 of notebook 07: US network plans (the HMO of 「건강 유지 기구(HMO)」).

Illustrative plans in US dollars, computed with :mod:`silson_tools.us_plans`.
"""

from __future__ import annotations

from ... import us_plans
from ..sources import HMO_ARTICLE
from .model import Answer, Exercise, usd

__all__ = ["network_plan_exercises"]


def network_plan_exercises() -> list[Exercise]:
    """Part 4 (노트북 06): an HMO out of network, with and without an emergency."""
    out: list[Exercise] = []
    usage1 = {
        "specialist_visits": 2,
        "out_of_network_share": 1.0,
        "cost_pcp": 150,
        "cost_specialist": 300,
        "cost_emergency": 2_500,
        "cost_hospital_day": 3_000,
    }

    def solve_network() -> Answer:
        row = us_plans.annual_cost("hmo", usage1).iloc[0]
        return Answer(
            int(row["person_pays"]),
            (
                "HMO는 네트워크 안 의료 제공자만 보장합니다 (응급 제외).",
                f"네트워크 밖 전문의 2회 × $300 = {usd(row['spending'])} → 보험이 내는 돈 "
                f"{usd(row['plan_pays'])}, 본인 {usd(row['person_pays'])}",
                f"결정한 규칙: {us_plans.RULES[str(row['decided_by'])]}. "
                "실손의 '보장 제외' 구간과 같습니다.",
            ),
        )

    out.append(
        Exercise(
            "plan_hmo_network",
            "HMO: 네트워크 밖 전문의",
            "plan",
            ((HMO_ARTICLE, "· 예시 플랜 (illustrative)"),),
            "예시 HMO 플랜 가입자가 주치의 의뢰서를 받아 전문의를 2번 봤는데, 두 번 모두 "
            "네트워크 밖 병원이었습니다 (회당 $300, 응급 아님).",
            "이 진료비 중 본인이 내는 돈은 몇 달러입니까? (보험료 제외)",
            "usd",
            solve_network,
        )
    )

    usage2 = {**usage1, "specialist_visits": 0, "emergency_visits": 1}

    def solve_emergency() -> Answer:
        plan = us_plans.load_plans()["hmo"]
        row = us_plans.annual_cost(plan, usage2).iloc[0]
        return Answer(
            int(row["person_pays"]),
            (
                "응급은 네트워크 밖이어도 네트워크 안처럼 보장됩니다 (응급 예외).",
                f"응급실 정액 본인부담 (copay) {usd(plan.copay['emergency'])}, "
                f"진료비 {usd(row['spending'])} 중 보험이 {usd(row['plan_pays'])}",
                f"본인 부담 = {usd(row['person_pays'])}: 정액형 자기부담과 같은 구조입니다.",
            ),
        )

    out.append(
        Exercise(
            "plan_hmo_emergency",
            "HMO: 네트워크 밖 응급실",
            "plan",
            ((HMO_ARTICLE, "응급 예외 · 예시 플랜 (illustrative)"),),
            "같은 HMO 가입자가 여행 중 네트워크 밖 응급실에 1번 갔습니다 (진료비 $2,500).",
            "본인이 내는 돈은 몇 달러입니까? (보험료 제외)",
            "usd",
            solve_emergency,
        )
    )
    return out
