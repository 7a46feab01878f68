"""상급병실 차액: the 1일 평균 10만원 cap counts the admission's 총 입원일수 (the days covered
by all its 입원 lines), not only the days written on the 상급병실 lines. Hand-computed cases
under 4세대 (50% of the 차액, 10만원 a day), each checked on the engine and the reference.

Comments cite this original by the short name before the colon:

- 4세대 표준약관: 금융감독원, 실손의료보험 표준약관 (보험업감독업무시행세칙 별표15,
  2021.7.1 시행), 상급병실료 차액 「1일 평균금액 = 입원기간 동안의 차액 전체 ÷ 총
  입원일수」, 10만원 한도, https://fss.or.kr/fss/bbs/B0000115/view.do?menuNo=200504&nttId=21943
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from reference_engine import reference_assess

from silson_tools.catalog import load_policy
from silson_tools.engine import assess
from silson_tools.receipts import read_receipts

START = "2024-01-01"
GEN4 = load_policy("gen4")


def stay(date: str, days: int, *, room: int = 0, institution: str = "큰병원") -> dict:
    """One 입원 line of 나 at a 종합병원: a 상급병실 line with 차액 ``room``, else 일반."""
    return {
        "person": "나",
        "date": date,
        "setting": "inpatient",
        "tier": "general",
        "institution": institution,
        "covered_copay": 0 if room else 100_000,
        "noncovered": room,
        "days": days,
        "category": "room_upgrade" if room else "",
    }


def room_payouts(*rows: dict) -> list[int]:
    """The payouts of the 상급병실 lines under gen4, engine and reference agreeing."""
    df = pd.DataFrame(list(rows))
    got = assess(df, GEN4, policy_start=START)
    want = reference_assess(df, GEN4, policy_start=START)
    assert got["payout"].tolist() == want["payout"].tolist()
    assert (got["payout"] + got["self_pay"] == got["covered_copay"] + got["noncovered"]).all()
    return [int(p) for p, c in zip(got["payout"], df["category"], strict=True) if c]


def test_three_room_days_of_a_ten_day_stay_pay_half(tmp_path: Path) -> None:
    # 4세대 표준약관: 900,000 ÷ 총 입원일수 10 = 90,000 ≤ 10만원 a day, so 50% = 450,000
    # (capping at 10만원 × the room line's 3일 gave 300,000). Read as a person writes it.
    csv = tmp_path / "room.csv"
    csv.write_text(
        "이름,진료일자,진료구분,요양기관종류,병원명,항목,입원일수,본인부담금,비급여\n"
        "나,2024-03-01,입원,종합병원,큰병원,일반,10,500000,300000\n"
        "나,2024-03-01,입원,종합병원,큰병원,상급병실,3,0,900000\n",
        encoding="utf-8",
    )
    got = assess(read_receipts(csv), "gen4", policy_start=START)
    assert got["payout"].tolist()[1] == 450_000
    assert got["visit_cap_cut"].tolist() == [0, 0]
    assert room_payouts(stay("2024-03-01", 10), stay("2024-03-01", 3, room=900_000)) == [450_000]


def test_lines_split_from_one_receipt_count_their_days_once() -> None:
    # one 5-day receipt written as an 일반 line and two 상급병실 lines, each with the receipt's
    # date and 5일: 총 입원일수 5 (not 10 or 15), cap 500,000 < 50% × 1,200,000 = 600,000,
    # shared 250,000 each (Σ of the room lines' days gave a cap of 1,000,000: 600,000)
    rows = (
        stay("2024-03-01", 5),
        stay("2024-03-01", 5, room=600_000),
        stay("2024-03-01", 5, room=600_000),
    )
    assert room_payouts(*rows) == [250_000, 250_000]


def test_interim_and_discharge_lines_make_fifteen_days() -> None:
    # 중간 10일 (3/1–3/10) then 퇴원 5일 (3/11–3/15): 15 days; 4 of them in a 1인실, 차액
    # 3,400,000 → 50% 1,700,000 > 10만원 × 15 = 1,500,000 (Σ of every line's days, 19, would
    # not cut; the room line's 4일 alone cut to 400,000)
    rows = (
        stay("2024-03-01", 10),
        stay("2024-03-11", 5),
        stay("2024-03-01", 4, room=3_400_000),
    )
    assert room_payouts(*rows) == [1_500_000]


def test_a_room_line_alone_keeps_its_own_days() -> None:
    # no other 입원 line: 총 입원일수 = its 3일, 50% × 900,000 = 450,000 > 300,000
    assert room_payouts(stay("2024-03-01", 3, room=900_000)) == [300_000]


def test_two_hospitals_are_two_admissions() -> None:
    # 큰병원: 10-day stay with 3 room days → 450,000; 작은병원 on the same dates: a room line
    # alone (2일) → 10만원 × 2 = 200,000, not the other hospital's 10 days
    rows = (
        stay("2024-03-01", 10),
        stay("2024-03-01", 3, room=900_000),
        stay("2024-03-01", 2, room=900_000, institution="작은병원"),
    )
    assert room_payouts(*rows) == [450_000, 200_000]
