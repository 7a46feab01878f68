"""Classroom exercises (연습 문제): situations from the seeds, answers computed by silson_tools.

Every exercise states a situation, asks for one number, and knows how to compute the
answer with the package (never typed in) and explain it step by step. The answer check
is a pure function (:func:`check`), so it is unit-tested; :func:`exercise_widget` wraps
one exercise in an answer box for notebook 07.

DOM hooks for the browser test: each exercise box has the classes ``silson-exercise``
and ``silson-exercise-<key>``; the answer box ``silson-answer`` (an ipywidgets Text,
checked on Enter), the buttons ``silson-check`` and ``silson-explain``, the verdict
``silson-verdict`` (its content carries ``data-verdict`` = correct / wrong / invalid /
empty) and the explanation ``silson-explanation``.

Units: 원 (won), 달러 (USD, the network-plan exercises use US plans) and 등급 (grade).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from .formulas import per_visit_self_pay, period_totals, split_visit
from .money import format_won, parse_won
from .schema import ZONES

__all__ = [
    "Answer",
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
    "verdict_html",
]

Unit = Literal["won", "usd", "grade"]
UNIT_LABEL: dict[str, str] = {"won": "원", "usd": "달러 (USD)", "grade": "등급"}
UNIT_EXAMPLE: dict[str, str] = {
    "won": "예: 7200, 7,200원, 0.72만원",
    "usd": "예: 600, $600, 600달러",
    "grade": "예: 3, 3등급",
}


@dataclass(frozen=True)
class Answer:
    """The computed answer and the steps that lead to it (Korean, one step a line)."""

    value: int
    steps: tuple[str, ...]


@dataclass(frozen=True)
class Exercise:
    """One exercise: a situation from a seed, a question, and how to solve it."""

    key: str
    title: str
    topic: str
    """A zone code (deductible, rate, visit_cap, …) or ceiling / premium / plan / generation."""
    source: str
    situation: str
    question: str
    unit: Unit
    solve: Callable[[], Answer] = field(repr=False)
    tolerance: int = 0
    """Accepted distance from the answer (0 = exact)."""
    mistakes: Callable[[], dict[int, str]] | None = field(default=None, repr=False)
    """Typical wrong answers → a hint that names the mistake."""

    def answer(self) -> Answer:
        """The answer, computed now by silson_tools."""
        return self.solve()


@dataclass(frozen=True)
class Verdict:
    """The result of checking a student's answer."""

    status: Literal["correct", "wrong", "invalid", "empty"]
    message: str
    given: int | None = None


# --- formatting helpers -------------------------------------------------------------------


def _won(x: int) -> str:
    return f"{int(x):,}원"


def _usd(x: int) -> str:
    return f"${int(x):,}"


def _pct(r: float) -> str:
    return f"{r:.0%}"


def _show(unit: Unit, x: int) -> str:
    return {"won": _won, "usd": _usd, "grade": lambda v: f"{int(v)}등급"}[unit](x)


def _zone(code: str) -> str:
    return f"{ZONES[code]} ({code})"


def _visit_steps(C: int, D: int, r: float, H: int | None, mode: str) -> list[str]:
    """The per-visit arithmetic, every number taken from :func:`split_visit`."""
    v = split_visit(C, D, r, H, mode)
    before_cap = int(v.payout) + int(v.cap_cut)
    self_before_cap = C - before_cap
    if mode == "additive":
        if C <= D:
            line = f"C = {_won(C)} ≤ D = {_won(D)} 이므로 진료비 전부가 자기부담: {_won(C)}"
        else:
            line = (
                f"건당 자기부담 = D + (C − D) × r = {_won(D)} + ({_won(C)} − {_won(D)}) × "
                f"{_pct(r)} = {_won(self_before_cap)}"
            )
    elif mode == "max":
        by_rate = per_visit_self_pay(C, 0, r, "rate")
        line = (
            f"건당 자기부담 = max(D, r × C) = max({_won(D)}, {_pct(r)} × {_won(C)} = "
            f"{_won(by_rate)}) = {_won(self_before_cap)}"
        )
        if C <= D:
            line += " (자기부담은 진료비보다 클 수 없으므로 진료비 전부)"
    elif mode == "fixed":
        line = f"정액형: 건당 자기부담 = D = {_won(D)} (진료비보다 클 수는 없음)"
    else:
        line = f"비율형: 건당 자기부담 = r × C = {_pct(r)} × {_won(C)} = {_won(self_before_cap)}"
    steps = [
        line,
        f"건당 보험금 = C − 건당 자기부담 = {_won(C)} − {_won(self_before_cap)} "
        f"= {_won(before_cap)}",
    ]
    if int(v.cap_cut) > 0:
        steps.append(
            f"회당 한도 H = {_won(H or 0)}: 보험금 {_won(before_cap)}이 한도까지 잘려 "
            f"{_won(v.payout)}. 넘는 {_won(v.cap_cut)}은 본인 몫 → 건당 자기부담 "
            f"{_won(v.self_pay)}"
        )
    steps.append(f"이 금액을 결정한 구간: {_zone(str(v.zone))}")
    return steps


# --- the exercises ------------------------------------------------------------------------


def _zone_exercises() -> list[Exercise]:
    out: list[Exercise] = []

    # 1. seed 002 사례 1, 급여: the rate decides.
    n, C, D, r = 4, 18_000, 0, 0.10

    def solve_rate_covered() -> Answer:
        t = period_totals(n, C, D, r)
        return Answer(
            int(t.self_pay),
            (
                *_visit_steps(C, D, r, None, "additive"),
                f"한 달 자기부담 = 건당 {_won(t.visit.self_pay)} × {n}회 = {_won(t.self_pay)}",
            ),
        )

    out.append(
        Exercise(
            "rate_covered",
            "급여 외래, 싸고 잦은 진료",
            "rate",
            "seed 002 가상 사례 1",
            f"한 달에 동네 의원을 {n}번 갔고, 한 번에 급여 본인부담금이 {_won(C)}씩 나왔습니다. "
            f"최소공제 D는 없고 (D = 0), 급여 자기부담률 r = {_pct(r)} 입니다.",
            "이 달의 자기부담 합계 (월 자기부담)는 몇 원입니까?",
            "won",
            solve_rate_covered,
            mistakes=lambda: {
                per_visit_self_pay(C, D, r): "건당 금액입니다. 방문 횟수 n을 곱하세요."
            },
        )
    )

    # 2. seed 002 사례 1, 비급여: same visits, rate 20% → payout.
    r2 = 0.20

    def solve_rate_noncovered() -> Answer:
        t = period_totals(n, C, D, r2)
        return Answer(
            int(t.payout),
            (
                *_visit_steps(C, D, r2, None, "additive"),
                f"한 달 보험금 = 건당 {_won(t.visit.payout)} × {n}회 = {_won(t.payout)}",
                f"급여(10%)였다면 {_won(period_totals(n, C, D, r).payout)}: 비율이 두 배가 되면 "
                "자기부담도 두 배가 됩니다.",
            ),
        )

    out.append(
        Exercise(
            "rate_noncovered",
            "같은 진료가 비급여라면",
            "rate",
            "seed 002 가상 사례 1",
            f"1번과 같은 진료 ({n}회, 회당 {_won(C)}, D = 0)가 모두 비급여이고, "
            f"비급여 자기부담률은 r = {_pct(r2)} 입니다.",
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
                *_visit_steps(C3, D3, r3, None, "max"),
                f"보험금 합계 = 건당 {_won(t.visit.payout)} × {n3}회 = {_won(t.payout)}",
                "비율(20%)로는 2,400원이지만 최소공제 1만원이 더 커서 공제가 결정합니다.",
            ),
        )

    out.append(
        Exercise(
            "deductible_minimum",
            "최소공제에 걸리는 소액 진료",
            "deductible",
            "seed 002 외래 최소 공제 구간 · rules.md §0.2",
            f"의원 외래 진료비가 회당 {_won(C3)}이고 이번 달 {n3}번 갔습니다. 약관은 "
            f"표준약관 방식으로 건당 자기부담 = max(최소공제 D, r × C), D = {_won(D3)}, "
            f"r = {_pct(r3)} 입니다.",
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
                *_visit_steps(C4, D4, r4, None, "max"),
                f"자기부담 합계 = {_won(t.visit.self_pay)} × {n4}회 = {_won(t.self_pay)}: "
                f"보험금은 {_won(t.payout)}, 청구해도 받을 돈이 없습니다 (저액 청구 무의미).",
            ),
        )

    out.append(
        Exercise(
            "deductible_worthless",
            "최소공제보다 싼 진료",
            "deductible",
            "seed 002 FAQ: 소액 진료는 왜 체감이 큰가요?",
            f"감기로 의원에 {n4}번 갔고 회당 {_won(C4)}을 냈습니다. 최소공제 D = {_won(D4)}, "
            f"r = {_pct(r4)} (max 방식) 입니다.",
            "이 두 번의 진료에서 본인이 끝까지 부담하는 금액 (자기부담 합계)은 몇 원입니까?",
            "won",
            solve_worthless,
        )
    )

    # 5. seed 001 사례 1, 혼합형: the blog's arithmetic vs the formula.
    C5, D5, r5 = 30_000, 10_000, 0.10

    def solve_additive() -> Answer:
        v = split_visit(C5, D5, r5)
        return Answer(
            int(v.self_pay),
            (
                *_visit_steps(C5, D5, r5, None, "additive"),
                f"공제 몫 {_won(v.deductible_part)} + 비율 몫 {_won(v.rate_part)} = "
                f"{_won(v.self_pay)}. 블로그 표의 3,000원은 공제 1만원을 빼먹은 계산입니다.",
            ),
        )

    out.append(
        Exercise(
            "deductible_additive",
            "혼합형: 공제 + 나머지 × 비율",
            "deductible",
            "seed 001 사례 1 (C 보험사 혼합형)",
            f"급여 본인부담금 {_won(C5)}짜리 외래 진료. 약관은 혼합형: "
            f"건당 자기부담 = 공제금액 D + (남은 금액) × r, D = {_won(D5)}, r = {_pct(r5)}. "
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

    # 6. seed 001 정액형 (B 보험사).
    C6, D6 = 50_000, 10_000

    def solve_fixed() -> Answer:
        v = split_visit(C6, D6, 0.0, None, "fixed")
        return Answer(
            int(v.payout),
            tuple(_visit_steps(C6, D6, 0.0, None, "fixed")),
        )

    out.append(
        Exercise(
            "deductible_fixed",
            "정액형 공제",
            "deductible",
            "seed 001 B 보험사 (정액형 1만원)",
            f"B 보험사는 정액형: 진료 1건마다 {_won(D6)}을 공제합니다. 진료비는 {_won(C6)}입니다.",
            "보험금은 몇 원입니까?",
            "won",
            solve_fixed,
        )
    )

    # 7. seed 001 비율형 MRI.
    C7, r7 = 400_000, 0.20

    def solve_mri() -> Answer:
        v = split_visit(C7, 0, r7, None, "rate")
        return Answer(int(v.payout), tuple(_visit_steps(C7, 0, r7, None, "rate")))

    out.append(
        Exercise(
            "rate_mri",
            "비급여 MRI, 비율형",
            "rate",
            "seed 001 비급여 항목 (MRI 80% 보장)",
            f"비급여 MRI 검사비 {_won(C7)}. 실손이 80%를 보장합니다 (자기부담률 r = {_pct(r7)}).",
            "보험금은 몇 원입니까?",
            "won",
            solve_mri,
            mistakes=lambda: {per_visit_self_pay(C7, 0, r7, "rate"): "그것은 자기부담입니다."},
        )
    )

    # 8. seed 002 사례 3: the per-visit limit cuts an expensive exam.
    C8, D8, r8, H8 = 600_000, 30_000, 0.30, 200_000

    def solve_cap() -> Answer:
        v = split_visit(C8, D8, r8, H8, "max")
        return Answer(int(v.self_pay), tuple(_visit_steps(C8, D8, r8, H8, "max")))

    out.append(
        Exercise(
            "visit_cap",
            "상한(회당 한도)에 막히는 고가 검사",
            "visit_cap",
            "seed 002 가상 사례 3 · 4세대 비급여 통원 (rules.md §1.4)",
            f"비급여 검사 1회에 {_won(C8)}. 비급여 통원 자기부담은 max({_won(D8)}, {_pct(r8)}), "
            f"회당 한도 H = {_won(H8)} 입니다.",
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

    # 9. seed 002 월 실비용 = 보험료 + 자기부담.
    n9, C9, D9, r9, P9 = 2, 80_000, 10_000, 0.20, 30_000

    def solve_real_cost() -> Answer:
        t = period_totals(n9, C9, D9, r9, mode="max", premium=P9)
        return Answer(
            int(t.real_cost),
            (
                *_visit_steps(C9, D9, r9, None, "max"),
                f"월 자기부담 = {_won(t.visit.self_pay)} × {n9}회 = {_won(t.self_pay)}",
                f"월 실비용 = 월 보험료 {_won(t.premium)} + 월 자기부담 {_won(t.self_pay)} = "
                f"{_won(t.real_cost)}",
            ),
        )

    out.append(
        Exercise(
            "real_cost",
            "월 실비용 (체감 총지출)",
            "rate",
            "seed 002 숫자로 보는 축소 구간 탐지법",
            f"월 보험료 {_won(P9)}. 이번 달 병원 {n9}번, 회당 {_won(C9)}. "
            f"자기부담은 max({_won(D9)}, {_pct(r9)} × C) 입니다.",
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
        import numpy as np

        grid = np.arange(0, 200_001)
        zones = split_visit(grid, D10, r10, None, "max").zone
        first = int(grid[np.argmax(zones == "rate")])
        below = split_visit(first - 1, D10, r10, None, "max")
        at = split_visit(first, D10, r10, None, "max")
        return Answer(
            first,
            (
                f"max(D, r × C)에서 r × C가 D를 넘는 순간: C > D ÷ r = {_won(D10)} ÷ "
                f"{_pct(r10)} = {_won(first - 1)}",
                f"C = {_won(first - 1)}: 자기부담 {_won(below.self_pay)}, "
                f"구간 {_zone(str(below.zone))}",
                f"C = {_won(first)}: 자기부담 {_won(at.self_pay)}, 구간 {_zone(str(at.zone))}",
                "이보다 싼 진료는 모두 최소공제 구간입니다 (±1원까지 정답).",
            ),
        )

    out.append(
        Exercise(
            "break_even",
            "최소공제 구간이 끝나는 진료비",
            "deductible",
            "seed 002 외래 최소 공제 구간 · 자기부담률 차등 구간",
            f"자기부담 = max(D, r × C), D = {_won(D10)}, r = {_pct(r10)}.",
            "진료비 C가 몇 원을 넘으면 최소공제 대신 자기부담률이 자기부담을 결정합니까?",
            "won",
            solve_break_even,
            tolerance=1,
        )
    )
    return out


def _ceiling_exercises() -> list[Exercise]:
    from . import ceiling

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
                f"{format_won(ref)} ({_won(ref)})",
                "공단이 다음 해 8월경 돌려줍니다. 실손은 이 환급분을 보상하지 않습니다.",
            ),
        )

    out.append(
        Exercise(
            "ceiling_refund",
            "본인부담상한제 사후환급 (하위 10%)",
            "ceiling",
            "seed 003 예시 2",
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
            "seed 003 예시 1",
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


def _premium_exercises() -> list[Exercise]:
    from . import premium

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
            "seed 004 (금융감독원 보도)",
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
            "seed 004 (보험사 앱 안내 항목)",
            f"올해 (측정 기간) 비급여 보험금을 지금까지 {format_won(paid2)} 받았습니다.",
            "비급여 보험금을 얼마 더 받으면 보험료가 할증되는 등급에 들어갑니까?",
            "won",
            solve_to_next,
        )
    )
    return out


def _plan_exercises() -> list[Exercise]:
    from . import plans

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
        row = plans.annual_cost("hmo", usage1).iloc[0]
        return Answer(
            int(row["person_pays"]),
            (
                "HMO는 네트워크 안 의료 제공자만 보장합니다 (응급 제외).",
                f"네트워크 밖 전문의 2회 × $300 = {_usd(row['spending'])} → 보험이 내는 돈 "
                f"{_usd(row['plan_pays'])}, 본인 {_usd(row['person_pays'])}",
                f"결정한 규칙: {plans.RULES[str(row['decided_by'])]}. "
                "실손의 '보장 제외' 구간과 같습니다.",
            ),
        )

    out.append(
        Exercise(
            "plan_hmo_network",
            "HMO: 네트워크 밖 전문의",
            "plan",
            "seed 000 (HMO) · 예시 플랜 (illustrative)",
            "예시 HMO 플랜 가입자가 주치의 의뢰서를 받아 전문의를 2번 봤는데, 두 번 모두 "
            "네트워크 밖 병원이었습니다 (회당 $300, 응급 아님).",
            "이 진료비 중 본인이 내는 돈은 몇 달러입니까? (보험료 제외)",
            "usd",
            solve_network,
        )
    )

    usage2 = {**usage1, "specialist_visits": 0, "emergency_visits": 1}

    def solve_emergency() -> Answer:
        plan = plans.load_plans()["hmo"]
        row = plans.annual_cost(plan, usage2).iloc[0]
        return Answer(
            int(row["person_pays"]),
            (
                "응급은 네트워크 밖이어도 네트워크 안처럼 보장됩니다 (응급 예외).",
                f"응급실 정액 본인부담 (copay) {_usd(plan.copay['emergency'])}, "
                f"진료비 {_usd(row['spending'])} 중 보험이 {_usd(row['plan_pays'])}",
                f"본인 부담 = {_usd(row['person_pays'])}: 정액형 자기부담과 같은 구조입니다.",
            ),
        )

    out.append(
        Exercise(
            "plan_hmo_emergency",
            "HMO: 네트워크 밖 응급실",
            "plan",
            "seed 000 (HMO 응급 예외) · 예시 플랜 (illustrative)",
            "같은 HMO 가입자가 여행 중 네트워크 밖 응급실에 1번 갔습니다 (진료비 $2,500).",
            "본인이 내는 돈은 몇 달러입니까? (보험료 제외)",
            "usd",
            solve_emergency,
        )
    )
    return out


_STEP_LABELS: tuple[tuple[str, str], ...] = (
    ("excluded", "보장 제외 (excluded)"),
    ("ceiling_offset", "상한제 환급분 (ceiling offset)"),
    ("deductible", "공제 (deductible)"),
    ("rate_part", "자기부담률 몫 (rate)"),
    ("visit_cap_cut", "회당 한도 (visit cap)"),
    ("count_cut", "횟수 한도 (count limit)"),
    ("annual_cut", "연간 한도 (annual limit)"),
)


def _line_steps(row: Any, label: str) -> str:
    """One assessed receipt line in words: what was claimed, what each rule took, the payout."""
    cuts = [f"{name} {_won(row[col])}" for col, name in _STEP_LABELS if int(row[col])]
    taken = " − ".join(cuts) if cuts else "깎인 것 없음"
    return (
        f"{label}: 청구 {_won(row['claim'])} − {taken} → 보험금 {_won(row['payout'])} "
        f"[{_zone(str(row['zone']))}]"
    )


def _receipts(rows: list[dict[str, Any]]) -> Any:
    """Receipt lines in the canonical columns (one person) for :func:`claims.assess`."""
    import pandas as pd

    base = {"person": "학생", "full_copay": 0, "nhis_paid": 0, "days": 0, "category": ""}
    return pd.DataFrame([{**base, **row} for row in rows])


def _engine_exercises() -> list[Exercise]:
    from .claims import assess

    out: list[Exercise] = []
    start = "2025-01-01"

    # Same-day clinic + pharmacy: 3세대 counts two claims, 4세대 one visit.
    same_day = [
        {"date": "2025-04-01", "setting": "outpatient", "tier": "clinic",
         "covered_copay": 15_000, "noncovered": 0},
        {"date": "2025-04-01", "setting": "pharmacy", "tier": "pharmacy",
         "covered_copay": 5_000, "noncovered": 0},
    ]  # fmt: skip

    def solve_generation() -> Answer:
        g3 = assess(_receipts(same_day), "gen3", policy_start=start)
        g4 = assess(_receipts(same_day), "gen4", policy_start=start)
        p3, p4 = int(g3["payout"].sum()), int(g4["payout"].sum())
        return Answer(
            p4 - p3,
            (
                "3세대: 외래와 처방조제를 따로 청구, 각각 최소공제",
                _line_steps(g3.iloc[0], "  외래 (의원)"),
                _line_steps(g3.iloc[1], "  처방조제 (약국)"),
                "4세대: 같은 날 외래 + 처방조제를 1회 통원으로 합산, 공제 1번",
                _line_steps(g4.iloc[0], "  외래 (의원)"),
                _line_steps(g4.iloc[1], "  처방조제 (약국)"),
                f"차이 = 4세대 {_won(p4)} − 3세대 {_won(p3)} = {_won(p4 - p3)}",
            ),
        )

    out.append(
        Exercise(
            "generation_same_day",
            "3세대와 4세대: 같은 날 의원 + 약국",
            "generation",
            "rules.md §0.4 (통원 1회당 외래 및 처방조제 합산) · 노트북 02",
            "같은 날 의원에서 급여 본인부담금 15,000원을 내고, "
            "처방전으로 약국에서 5,000원을 냈습니다. "
            "3세대는 외래 max(1만원, 20%)와 처방 max(8천원, 20%)를 따로 공제하고, "
            "4세대는 둘을 1회 통원으로 합쳐 max(1만원, 20%)를 한 번 공제합니다.",
            "4세대로 청구하면 3세대보다 보험금을 몇 원 더 받습니까?",
            "won",
            solve_generation,
        )
    )

    # A year of weekly 도수치료: the 50-session count runs out.
    weeks = 52
    session_cost = 80_000

    def therapy_rows() -> list[dict[str, Any]]:
        import pandas as pd

        days = pd.date_range("2025-01-06", periods=weeks, freq="7D")
        return [
            {"date": d.date().isoformat(), "setting": "outpatient", "tier": "clinic",
             "covered_copay": 0, "noncovered": session_cost, "category": "manual_therapy"}
            for d in days
        ]  # fmt: skip

    def solve_count() -> Answer:
        a = assess(_receipts(therapy_rows()), "gen4", policy_start=start)
        cut = a[a["zone"] == "count_limit"]
        proof = int(a["needs_improvement_proof"].sum())
        return Answer(
            int(a["payout"].sum()),
            (
                _line_steps(a.iloc[0], "1회차"),
                f"1~{len(a) - len(cut)}회차: 회당 보험금 {_won(a.iloc[0]['payout'])}",
                _line_steps(cut.iloc[0], f"{int(cut.iloc[0]['session_no'])}회차")
                if len(cut)
                else "횟수 한도에 걸린 회차 없음",
                f"한 해 보험금 합계 = {_won(a['payout'].sum())} ({len(cut)}회는 횟수 한도로 0원)",
                f"4세대는 11회차부터 호전 확인이 필요합니다: 표시된 회차 {proof}개 "
                "(needs_improvement_proof)",
            ),
        )

    out.append(
        Exercise(
            "count_limit",
            "매주 도수치료: 횟수 한도",
            "count_limit",
            "seed 001 사례 3 (도수치료) · seed 002 통원 횟수 한도 구간 · rules.md §1.4",
            f"4세대 가입자가 2025년 1월부터 매주 1번씩 1년 동안 ({weeks}번) 의원에서 도수치료를 "
            f"받았습니다 (비급여, 회당 {_won(session_cost)}). 3대 비급여 특약: 회당 "
            "max(3만원, 30%) 공제, 한 해 350만원·50회까지.",
            "한 해 동안 받은 도수치료 보험금 합계는 몇 원입니까?",
            "won",
            solve_count,
            mistakes=lambda: {
                weeks * (session_cost - 30_000): "50회 횟수 한도를 넘은 회차도 셌습니다."
            },
        )
    )

    # MRI five times: the 300만원 yearly sub-limit.
    scans, scan_cost = 5, 1_000_000

    def solve_annual() -> Answer:
        rows = [
            {"date": f"2025-{m:02d}-10", "setting": "outpatient", "tier": "general",
             "covered_copay": 0, "noncovered": scan_cost, "category": "mri"}
            for m in range(1, scans + 1)
        ]  # fmt: skip
        a = assess(_receipts(rows), "gen4", policy_start=start)
        last = a.iloc[-1]
        before = int(a["payout"].iloc[:-1].sum())
        return Answer(
            int(last["payout"]),
            (
                _line_steps(a.iloc[0], "첫 번째 MRI"),
                f"1~{scans - 1}번째 보험금 합계 = {_won(before)}",
                _line_steps(last, f"{scans}번째 MRI"),
                f"MRI 연간 한도에서 이미 받은 {_won(before)}을 빼고 남은 만큼만 지급",
            ),
        )

    out.append(
        Exercise(
            "annual_limit",
            "한 해 다섯 번의 MRI: 연간 한도",
            "annual_limit",
            "seed 002 한도 구간 · rules.md §1.4 (비급여 MRI 연 300만원)",
            f"4세대 가입자가 2025년에 종합병원에서 비급여 MRI를 한 달에 한 번씩 {scans}번 "
            f"찍었습니다 (회당 {_won(scan_cost)}). MRI는 회당 max(3만원, 30%) 공제, "
            "한 해 300만원까지 보상합니다.",
            f"{scans}번째 MRI의 보험금은 몇 원입니까?",
            "won",
            solve_annual,
            mistakes=lambda: {scan_cost * 7 // 10: "연간 한도 300만원을 잊었습니다."},
        )
    )

    # 5세대 특약2: 체외충격파 is not covered.
    shock = 150_000

    def solve_excluded() -> Answer:
        rows = [
            {"date": "2026-06-10", "setting": "outpatient", "tier": "clinic",
             "covered_copay": 0, "noncovered": shock, "category": "shockwave"}
        ]  # fmt: skip
        a = assess(_receipts(rows), "gen5", policy_start="2026-06-01")
        return Answer(
            int(a["payout"].sum()),
            (
                _line_steps(a.iloc[0], "체외충격파"),
                "5세대 비중증 비급여 특약(특약2)은 근골격계 이학요법·체외충격파·비급여 주사를 "
                "보장하지 않습니다: 보장 제외 구간",
            ),
        )

    out.append(
        Exercise(
            "excluded",
            "5세대에서 체외충격파: 보장 제외",
            "excluded",
            "seed 002 면책·비보장 항목 구간 · rules.md §1.5 (5세대 특약2)",
            f"2026년 6월 1일 5세대 실손에 가입한 사람이 6월 10일 의원에서 체외충격파 치료 "
            f"(비급여, 비중증)를 받고 {_won(shock)}을 냈습니다.",
            "보험금은 몇 원입니까?",
            "won",
            solve_excluded,
        )
    )

    # The NHI ceiling refund is left out of the payout.
    copay, refund = 3_000_000, 1_000_000

    def solve_offset() -> Answer:
        import numpy as np

        rows = [
            {"date": "2025-03-10", "setting": "inpatient", "tier": "general",
             "covered_copay": copay, "noncovered": 0, "days": 10}
        ]  # fmt: skip
        a = assess(_receipts(rows), "gen4", policy_start=start, ceiling=np.array([refund]))
        return Answer(
            int(a["payout"].sum()),
            (
                _line_steps(a.iloc[0], "입원 (급여)"),
                f"공단이 돌려줄 {_won(refund)}은 실손이 보상하지 않으므로 먼저 빼고, "
                "남은 금액에 급여 입원 자기부담률 20%를 적용",
            ),
        )

    out.append(
        Exercise(
            "ceiling_offset",
            "상한제 환급분은 빼고 준다",
            "ceiling_offset",
            "seed 003 (실손은 상한제 초과금을 보장에서 제외) · rules.md §3.2",
            f"4세대 가입자가 2025년 종합병원에 10일 입원하고 급여 본인부담금 {_won(copay)}을 "
            f"냈습니다. 이 해의 본인부담상한제로 공단이 이 입원분 중 {_won(refund)}을 돌려줄 "
            "예정입니다. 급여 입원 자기부담률은 20%입니다.",
            "실손 보험금은 몇 원입니까?",
            "won",
            solve_offset,
            mistakes=lambda: {copay * 8 // 10: "공단이 돌려줄 상한제 환급분을 빼지 않았습니다."},
        )
    )
    return out


def all_exercises() -> list[Exercise]:
    """Every exercise in lesson order: zones, ceiling, premium grade, network plans, a year."""
    return [
        *_zone_exercises(),
        *_ceiling_exercises(),
        *_premium_exercises(),
        *_plan_exercises(),
        *_engine_exercises(),
    ]


def answer_key() -> Any:
    """The teacher's answer key, computed now: one row per exercise (번호, key, 정답, …)."""
    import pandas as pd

    rows = []
    for number, ex in enumerate(all_exercises(), start=1):
        ans = ex.answer()
        rows.append(
            {
                "번호": number,
                "key": ex.key,
                "주제 (topic)": ex.topic,
                "문제 (title)": ex.title,
                "정답 (answer)": _show(ex.unit, ans.value),
                "출처 (source)": ex.source,
            }
        )
    return pd.DataFrame(rows).set_index("번호")


def get_exercise(key: str) -> Exercise:
    """The exercise with this key; ValueError lists the known keys."""
    for ex in all_exercises():
        if ex.key == key:
            return ex
    known = ", ".join(e.key for e in all_exercises())
    raise ValueError(f"unknown exercise {key!r}; known: {known}")


# --- checking answers ---------------------------------------------------------------------

_USD = re.compile(r"^\s*(?:US)?\$?\s*(\d{1,3}(?:,\d{3})+|\d+)\s*(?:달러|USD|불)?\s*$", re.I)
_GRADE = re.compile(r"^\s*(\d+)\s*(?:등급)?\s*$")


def parse_answer(text: str, unit: Unit) -> int:
    """A student's answer text → integer in the exercise's unit; ValueError if unreadable."""
    text = (text or "").strip()
    if unit == "won":
        return parse_won(text.replace(" ", ""), allow_negative=False)
    pattern = _USD if unit == "usd" else _GRADE
    match = pattern.match(text)
    if match is None:
        raise ValueError(f"cannot read {text!r} as {UNIT_LABEL[unit]}")
    return int(match.group(1).replace(",", ""))


def check(exercise: Exercise, text: str) -> Verdict:
    """Check a student's answer text against the computed answer (pure function)."""
    if not (text or "").strip():
        return Verdict("empty", "답을 입력하세요 (enter an answer).")
    try:
        given = parse_answer(text, exercise.unit)
    except ValueError:
        return Verdict(
            "invalid",
            f"숫자로 읽을 수 없습니다: {text!r} ({UNIT_EXAMPLE[exercise.unit]}).",
        )
    right = exercise.answer().value
    if abs(given - right) <= exercise.tolerance:
        return Verdict("correct", f"정답입니다! {_show(exercise.unit, right)}", given)
    hints = exercise.mistakes() if exercise.mistakes else {}
    if given in hints:
        hint = hints[given]
    else:
        hint = "정답은 이보다 큽니다." if given < right else "정답은 이보다 작습니다."
    return Verdict(
        "wrong", f"아쉽습니다. 입력한 값 {_show(exercise.unit, given)}: 오답. {hint}", given
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
        f"{html.escape(_show(exercise.unit, ans.value))}</b><ol>{steps}</ol></div>"
    )


# --- widgets ------------------------------------------------------------------------------


def exercise_widget(exercise: Exercise, number: int | None = None) -> Any:
    """An answer box for one exercise: question, text box (Enter checks), 확인, 풀이 보기."""
    import ipywidgets as w

    head = f"{number}. " if number is not None else ""
    prompt = w.HTML(
        f"<h4 style='margin:0.3em 0'>{html.escape(head + exercise.title)}</h4>"
        f"<div>{html.escape(exercise.situation)}</div>"
        f"<div style='margin:0.3em 0'><b>{html.escape(exercise.question)}</b> "
        f"<small>(단위: {UNIT_LABEL[exercise.unit]}; "
        f"출처: {html.escape(exercise.source)})</small></div>"
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

    def on_check(*_: Any) -> None:
        verdict.value = verdict_html(check(exercise, box.value))

    def on_explain(*_: Any) -> None:
        explanation.value = explanation_html(exercise)

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


def show(key: str, number: int | None = None) -> Any:
    """The answer box for exercise ``key`` (what a notebook cell displays)."""
    return exercise_widget(get_exercise(key), number)
