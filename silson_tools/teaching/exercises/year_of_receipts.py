"""Part 5 of notebook 07: a year of receipts under a product's rules (notebooks 02, 03).

Receipt lines assessed with :func:`silson_tools.assess`: same-day visits (3세대 vs 4세대),
the 도수치료 count limit, the MRI yearly limit, a 5세대 exclusion and the 상한제 offset.
The rules are those of the standard terms (표준약관) cited with each exercise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ... import assess
from ..sources import CEILING_ARTICLE, SUPREME_COURT_CEILING
from ..sources import SELF_PAY_ARTICLE as SELF_PAY
from ..sources import SHRINK_ZONES_ARTICLE as SHRINK
from ..sources import STANDARD_TERMS_GEN4 as GEN4
from ..sources import STANDARD_TERMS_GEN5 as GEN5
from .model import Answer, Exercise, won, zone_name

__all__ = ["year_of_receipts_exercises"]


_STEP_LABELS: tuple[tuple[str, str], ...] = (
    ("excluded", "보장 제외 (excluded)"),
    ("ceiling_offset", "상한제 환급분 (ceiling offset)"),
    ("deductible", "공제 (deductible)"),
    ("rate_part", "자기부담률 몫 (rate)"),
    ("visit_cap_cut", "회당 한도 (visit cap)"),
    ("count_cut", "횟수 한도 (count limit)"),
    ("annual_cut", "연간 한도 (annual limit)"),
)


def _line_steps(row: pd.Series, label: str) -> str:
    """One assessed receipt line in words: what was claimed, what each rule took, the payout."""
    cuts = [f"{name} {won(row[col])}" for col, name in _STEP_LABELS if int(row[col])]
    taken = " − ".join(cuts) if cuts else "깎인 것 없음"
    return (
        f"{label}: 청구 {won(row['claim'])} − {taken} → 보험금 {won(row['payout'])} "
        f"[{zone_name(str(row['zone']))}]"
    )


def _receipts(rows: list[dict[str, str | int]]) -> pd.DataFrame:
    """Receipt lines in the canonical columns (one person) for :func:`silson_tools.assess`."""
    base = {"person": "학생", "full_copay": 0, "nhis_paid": 0, "days": 0, "category": ""}
    return pd.DataFrame([{**base, **row} for row in rows])


def year_of_receipts_exercises() -> list[Exercise]:
    """Part 5 (노트북 02, 03): receipts assessed by the claim engine under a product."""
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
                f"차이 = 4세대 {won(p4)} − 3세대 {won(p3)} = {won(p4 - p3)}",
            ),
        )

    out.append(
        Exercise(
            "generation_same_day",
            "3세대와 4세대: 같은 날 의원 + 약국",
            "generation",
            ((GEN4, "통원 1회당 (외래 및 처방조제 합산) · 노트북 02"),),
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

    def therapy_rows() -> list[dict[str, str | int]]:
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
                f"1~{len(a) - len(cut)}회차: 회당 보험금 {won(a.iloc[0]['payout'])}",
                _line_steps(cut.iloc[0], f"{int(cut.iloc[0]['session_no'])}회차")
                if len(cut)
                else "횟수 한도에 걸린 회차 없음",
                f"한 해 보험금 합계 = {won(a['payout'].sum())} ({len(cut)}회는 횟수 한도로 0원)",
                f"4세대는 11회차부터 호전 확인이 필요합니다: 표시된 회차 {proof}개 "
                "(needs_improvement_proof)",
            ),
        )

    out.append(
        Exercise(
            "count_limit",
            "매주 도수치료: 횟수 한도",
            "count_limit",
            (
                (SELF_PAY, "계산 사례 3 (도수치료)"),
                (SHRINK, "통원 횟수 한도 구간"),
                (GEN4, "3대 비급여 특약"),
            ),
            f"4세대 가입자가 2025년 1월부터 매주 1번씩 1년 동안 ({weeks}번) 의원에서 도수치료를 "
            f"받았습니다 (비급여, 회당 {won(session_cost)}). 3대 비급여 특약: 회당 "
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
                f"1~{scans - 1}번째 보험금 합계 = {won(before)}",
                _line_steps(last, f"{scans}번째 MRI"),
                f"MRI 연간 한도에서 이미 받은 {won(before)}을 빼고 남은 만큼만 지급",
            ),
        )

    out.append(
        Exercise(
            "annual_limit",
            "한 해 다섯 번의 MRI: 연간 한도",
            "annual_limit",
            ((SHRINK, "한도 구간"), (GEN4, "비급여 MRI 연 300만원")),
            f"4세대 가입자가 2025년에 종합병원에서 비급여 MRI를 한 달에 한 번씩 {scans}번 "
            f"찍었습니다 (회당 {won(scan_cost)}). MRI는 회당 max(3만원, 30%) 공제, "
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
            ((SHRINK, "면책·비보장 항목 구간"), (GEN5, "특약2 (비중증)")),
            f"2026년 6월 1일 5세대 실손에 가입한 사람이 6월 10일 의원에서 체외충격파 치료 "
            f"(비급여, 비중증)를 받고 {won(shock)}을 냈습니다.",
            "보험금은 몇 원입니까?",
            "won",
            solve_excluded,
        )
    )

    # The NHI ceiling refund is left out of the payout.
    copay, refund = 3_000_000, 1_000_000

    def solve_offset() -> Answer:
        rows = [
            {"date": "2025-03-10", "setting": "inpatient", "tier": "general",
             "covered_copay": copay, "noncovered": 0, "days": 10}
        ]  # fmt: skip
        a = assess(_receipts(rows), "gen4", policy_start=start, ceiling=np.array([refund]))
        return Answer(
            int(a["payout"].sum()),
            (
                _line_steps(a.iloc[0], "입원 (급여)"),
                f"공단이 돌려줄 {won(refund)}은 실손이 보상하지 않으므로 먼저 빼고, "
                "남은 금액에 급여 입원 자기부담률 20%를 적용",
            ),
        )

    out.append(
        Exercise(
            "ceiling_offset",
            "상한제 환급분은 빼고 준다",
            "ceiling_offset",
            (
                (CEILING_ARTICLE, "실손은 상한제 초과금을 보장에서 제외"),
                (GEN4, "제4조③1, 제5조③"),
                (SUPREME_COURT_CEILING, ""),
            ),
            f"4세대 가입자가 2025년 종합병원에 10일 입원하고 급여 본인부담금 {won(copay)}을 "
            f"냈습니다. 이 해의 본인부담상한제로 공단이 이 입원분 중 {won(refund)}을 돌려줄 "
            "예정입니다. 급여 입원 자기부담률은 20%입니다.",
            "실손 보험금은 몇 원입니까?",
            "won",
            solve_offset,
            mistakes=lambda: {copay * 8 // 10: "공단이 돌려줄 상한제 환급분을 빼지 않았습니다."},
        )
    )
    return out
