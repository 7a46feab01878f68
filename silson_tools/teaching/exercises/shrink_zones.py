"""Part 1 of notebook 07: exercises on the shrink zones of notebook 01.

Situations from 「급여 vs 비급여 보장 축소 구간 깔끔 정리」 (its 가상 사례 1 and 3, FAQ and
zone list) and 「보험사 조건에 따른 실비보험 자기부담금 계산법 전략」 (insurers A/B/C);
every answer is computed with :mod:`silson_tools.formulas`.
"""

from __future__ import annotations

import numpy as np

from ...formulas import per_visit_self_pay, period_totals, split_visit
from ..sources import SELF_PAY_ARTICLE as SELF_PAY
from ..sources import SHRINK_ZONES_ARTICLE as SHRINK
from ..sources import STANDARD_TERMS_GEN4 as GEN4
from .model import Answer, Exercise, pct, visit_steps, won, zone_name

__all__ = ["shrink_zone_exercises"]


def shrink_zone_exercises() -> list[Exercise]:
    """Part 1 (노트북 01): the deductible, rate and per-visit-cap zones, 10 exercises."""
    out: list[Exercise] = []

    # 1. 사례 1, 급여: the rate decides.
    n, C, D, r = 4, 18_000, 0, 0.10

    def solve_rate_covered() -> Answer:
        t = period_totals(n, C, D, r)
        return Answer(
            int(t.self_pay),
            (
                *visit_steps(C, D, r, None, "additive"),
                f"한 달 자기부담 = 건당 {won(t.visit.self_pay)} × {n}회 = {won(t.self_pay)}",
            ),
        )

    out.append(
        Exercise(
            "rate_covered",
            "급여 외래, 싸고 잦은 진료",
            "rate",
            ((SHRINK, "가상 사례 1"),),
            f"한 달에 동네 의원을 {n}번 갔고, 한 번에 급여 본인부담금이 {won(C)}씩 나왔습니다. "
            f"최소공제 D는 없고 (D = 0), 급여 자기부담률 r = {pct(r)} 입니다.",
            "이 달의 자기부담 합계 (월 자기부담)는 몇 원입니까?",
            "won",
            solve_rate_covered,
            mistakes=lambda: {
                per_visit_self_pay(C, D, r): "건당 금액입니다. 방문 횟수 n을 곱하세요."
            },
        )
    )

    # 2. 사례 1, 비급여: same visits, rate 20% → payout.
    r2 = 0.20

    def solve_rate_noncovered() -> Answer:
        t = period_totals(n, C, D, r2)
        return Answer(
            int(t.payout),
            (
                *visit_steps(C, D, r2, None, "additive"),
                f"한 달 보험금 = 건당 {won(t.visit.payout)} × {n}회 = {won(t.payout)}",
                f"급여(10%)였다면 {won(period_totals(n, C, D, r).payout)}: 비율이 두 배가 되면 "
                "자기부담도 두 배가 됩니다.",
            ),
        )

    out.append(
        Exercise(
            "rate_noncovered",
            "같은 진료가 비급여라면",
            "rate",
            ((SHRINK, "가상 사례 1"),),
            f"1번과 같은 진료 ({n}회, 회당 {won(C)}, D = 0)가 모두 비급여이고, "
            f"비급여 자기부담률은 r = {pct(r2)} 입니다.",
            "이 달에 보험사가 주는 보험금 합계는 몇 원입니까?",
            "won",
            solve_rate_noncovered,
            mistakes=lambda: {
                int(
                    period_totals(n, C, D, r2).self_pay
                ): "그것은 자기부담입니다. 보험금 = 진료비 − 자기부담."
            },
        )
    )

    # 3. the minimum deductible decides (표준약관 max form).
    n3, C3, D3, r3 = 3, 12_000, 10_000, 0.20

    def solve_deductible() -> Answer:
        t = period_totals(n3, C3, D3, r3, mode="max")
        return Answer(
            int(t.payout),
            (
                *visit_steps(C3, D3, r3, None, "max"),
                f"보험금 합계 = 건당 {won(t.visit.payout)} × {n3}회 = {won(t.payout)}",
                "비율(20%)로는 2,400원이지만 최소공제 1만원이 더 커서 공제가 결정합니다.",
            ),
        )

    out.append(
        Exercise(
            "deductible_minimum",
            "최소공제에 걸리는 소액 진료",
            "deductible",
            ((SHRINK, "외래 최소 공제 구간"), (GEN4, "통원 공제 max(최소공제, 비율)")),
            f"의원 외래 진료비가 회당 {won(C3)}이고 이번 달 {n3}번 갔습니다. 약관은 "
            f"표준약관 방식으로 건당 자기부담 = max(최소공제 D, r × C), D = {won(D3)}, "
            f"r = {pct(r3)} 입니다.",
            "이 달에 받는 보험금 합계는 몇 원입니까?",
            "won",
            solve_deductible,
            mistakes=lambda: {
                int(period_totals(n3, C3, 0, r3, mode="max").payout): "최소공제 D를 빠뜨렸습니다.",
                int(period_totals(n3, C3, D3, r3).payout): "더하기형 공식이 아니라 max 방식입니다.",
            },
        )
    )

    # 4. below the minimum deductible: the claim is worthless.
    n4, C4, D4, r4 = 2, 8_000, 10_000, 0.20

    def solve_worthless() -> Answer:
        t = period_totals(n4, C4, D4, r4, mode="max")
        return Answer(
            int(t.self_pay),
            (
                *visit_steps(C4, D4, r4, None, "max"),
                f"자기부담 합계 = {won(t.visit.self_pay)} × {n4}회 = {won(t.self_pay)}: "
                f"보험금은 {won(t.payout)}, 청구해도 받을 돈이 없습니다 (저액 청구 무의미).",
            ),
        )

    out.append(
        Exercise(
            "deductible_worthless",
            "최소공제보다 싼 진료",
            "deductible",
            ((SHRINK, "FAQ: 소액 진료는 왜 체감이 큰가요?"),),
            f"감기로 의원에 {n4}번 갔고 회당 {won(C4)}을 냈습니다. 최소공제 D = {won(D4)}, "
            f"r = {pct(r4)} (max 방식) 입니다.",
            "이 두 번의 진료에서 본인이 끝까지 부담하는 금액 (자기부담 합계)은 몇 원입니까?",
            "won",
            solve_worthless,
        )
    )

    # 5. 사례 1, 혼합형: the blog's arithmetic vs the formula.
    C5, D5, r5 = 30_000, 10_000, 0.10

    def solve_additive() -> Answer:
        v = split_visit(C5, D5, r5)
        return Answer(
            int(v.self_pay),
            (
                *visit_steps(C5, D5, r5, None, "additive"),
                f"공제 몫 {won(v.deductible_part)} + 비율 몫 {won(v.rate_part)} = "
                f"{won(v.self_pay)}. 블로그 표의 3,000원은 공제 1만원을 빼먹은 계산입니다.",
            ),
        )

    out.append(
        Exercise(
            "deductible_additive",
            "혼합형: 공제 + 나머지 × 비율",
            "deductible",
            ((SELF_PAY, "계산 사례 1 (C 보험사 혼합형)"),),
            f"급여 본인부담금 {won(C5)}짜리 외래 진료. 약관은 혼합형: "
            f"건당 자기부담 = 공제금액 D + (남은 금액) × r, D = {won(D5)}, r = {pct(r5)}. "
            "블로그는 자기부담이 3,000원이라고 썼습니다.",
            "공식대로 계산한 건당 자기부담은 몇 원입니까?",
            "won",
            solve_additive,
            mistakes=lambda: {
                per_visit_self_pay(C5, 0, r5, "rate"): (
                    "블로그의 숫자와 같습니다: 비율만 적용하고 공제금액 D를 더하지 않았습니다."
                ),
            },
        )
    )

    # 6. 정액형 (B 보험사).
    C6, D6 = 50_000, 10_000

    def solve_fixed() -> Answer:
        v = split_visit(C6, D6, 0.0, None, "fixed")
        return Answer(
            int(v.payout),
            tuple(visit_steps(C6, D6, 0.0, None, "fixed")),
        )

    out.append(
        Exercise(
            "deductible_fixed",
            "정액형 공제",
            "deductible",
            ((SELF_PAY, "B 보험사 (정액형 1만원)"),),
            f"B 보험사는 정액형: 진료 1건마다 {won(D6)}을 공제합니다. 진료비는 {won(C6)}입니다.",
            "보험금은 몇 원입니까?",
            "won",
            solve_fixed,
        )
    )

    # 7. 비율형 MRI.
    C7, r7 = 400_000, 0.20

    def solve_mri() -> Answer:
        v = split_visit(C7, 0, r7, None, "rate")
        return Answer(int(v.payout), tuple(visit_steps(C7, 0, r7, None, "rate")))

    out.append(
        Exercise(
            "rate_mri",
            "비급여 MRI, 비율형",
            "rate",
            ((SELF_PAY, "비급여 항목 (MRI 80% 보장)"),),
            f"비급여 MRI 검사비 {won(C7)}. 실손이 80%를 보장합니다 (자기부담률 r = {pct(r7)}).",
            "보험금은 몇 원입니까?",
            "won",
            solve_mri,
            mistakes=lambda: {per_visit_self_pay(C7, 0, r7, "rate"): "그것은 자기부담입니다."},
        )
    )

    # 8. 사례 3: the per-visit limit cuts an expensive exam.
    C8, D8, r8, H8 = 600_000, 30_000, 0.30, 200_000

    def solve_cap() -> Answer:
        v = split_visit(C8, D8, r8, H8, "max")
        return Answer(int(v.self_pay), tuple(visit_steps(C8, D8, r8, H8, "max")))

    out.append(
        Exercise(
            "visit_cap",
            "상한(회당 한도)에 막히는 고가 검사",
            "visit_cap",
            ((SHRINK, "가상 사례 3"), (GEN4, "비급여 통원")),
            f"비급여 검사 1회에 {won(C8)}. 비급여 통원 자기부담은 max({won(D8)}, {pct(r8)}), "
            f"회당 한도 H = {won(H8)} 입니다.",
            "이 검사에서 본인이 부담하는 금액은 몇 원입니까?",
            "won",
            solve_cap,
            mistakes=lambda: {
                per_visit_self_pay(
                    C8, D8, r8, "max"
                ): "한도 H를 잊었습니다: 보험금은 H에서 멈춥니다."
            },
        )
    )

    # 9. 월 실비용 = 보험료 + 자기부담.
    n9, C9, D9, r9, P9 = 2, 80_000, 10_000, 0.20, 30_000

    def solve_real_cost() -> Answer:
        t = period_totals(n9, C9, D9, r9, mode="max", premium=P9)
        return Answer(
            int(t.real_cost),
            (
                *visit_steps(C9, D9, r9, None, "max"),
                f"월 자기부담 = {won(t.visit.self_pay)} × {n9}회 = {won(t.self_pay)}",
                f"월 실비용 = 월 보험료 {won(t.premium)} + 월 자기부담 {won(t.self_pay)} = "
                f"{won(t.real_cost)}",
            ),
        )

    out.append(
        Exercise(
            "real_cost",
            "월 실비용 (체감 총지출)",
            "rate",
            ((SHRINK, "숫자로 보는 축소 구간 탐지법"),),
            f"월 보험료 {won(P9)}. 이번 달 병원 {n9}번, 회당 {won(C9)}. "
            f"자기부담은 max({won(D9)}, {pct(r9)} × C) 입니다.",
            "이 달의 실비용 (보험료 + 자기부담)은 몇 원입니까?",
            "won",
            solve_real_cost,
            mistakes=lambda: {
                int(period_totals(n9, C9, D9, r9, mode="max").self_pay): "보험료를 더하세요."
            },
        )
    )

    # 10. where the rate takes over from the minimum (break-even cost).
    D10, r10 = 10_000, 0.20

    def solve_break_even() -> Answer:
        grid = np.arange(0, 200_001)
        zones = split_visit(grid, D10, r10, None, "max").zone
        first = int(grid[np.argmax(zones == "rate")])  # the first won the rate decides
        below = split_visit(first - 1, D10, r10, None, "max")
        at = split_visit(first, D10, r10, None, "max")
        return Answer(
            first - 1,  # "C가 몇 원을 넘으면": the bound C passes, not the first C past it
            (
                f"max(D, r × C)에서 r × C가 D를 넘는 순간: C > D ÷ r = {won(D10)} ÷ "
                f"{pct(r10)} = {won(first - 1)}",
                f"C = {won(first - 1)}: r × C = D, 자기부담 {won(below.self_pay)}, "
                f"구간 {zone_name(str(below.zone))}",
                f"C = {won(first)}: 자기부담 {won(at.self_pay)}, 구간 {zone_name(str(at.zone))}",
                f"그래서 답은 {won(first - 1)}: 이 금액을 넘는 진료부터 자기부담률이 결정하고, "
                "이 금액까지는 최소공제 구간입니다.",
            ),
        )

    def break_even_mistakes() -> dict[int, str]:
        first = solve_break_even().value + 1
        return {
            first: f"{won(first)}은 자기부담률이 결정하는 첫 금액입니다; 물음은 몇 원을 "
            f"'넘으면'이므로 그 경계 {won(first - 1)}이 답입니다."
        }

    out.append(
        Exercise(
            "break_even",
            "최소공제 구간이 끝나는 진료비",
            "deductible",
            ((SHRINK, "외래 최소 공제 구간 · 자기부담률 차등 구간"),),
            f"자기부담 = max(D, r × C), D = {won(D10)}, r = {pct(r10)}.",
            "진료비 C가 몇 원을 넘으면 최소공제 대신 자기부담률이 자기부담을 결정합니까?",
            "won",
            solve_break_even,
            mistakes=break_even_mistakes,
        )
    )
    return out
