"""Which 외래/약국 lines are one 통원 when a hospital is seen for two purposes on one day, and
when a prescription is filled on a later day (4·5세대; 1–3세대 for the 외래 split).

- Two 방문묶음 keys at one institution on one day are two treatment purposes, two 통원
  (「하루에 같은 치료를 목적으로」; 「치료 목적이 다르거나 … 합산 대상이 아니다」); a keyless 외래
  line beside one key is that visit, beside two it is refused (which visit it was is the
  person's to say).
- A 약국 line naming its prescriber, filled on a later day, is its own 통원 at the prescriber's
  tier (the terms join 「같은 날」's 외래 and 처방조제); a shared 방문묶음 ties them explicitly.
- A 약국 line that joins no 외래 and names no 외래 institution is said in the report.

The arithmetic sits in the rule cases (tests/cases/gen3, gen4, gen5: two-visit-keys…,
pharmacy-filled-next-day…, visit-key-ties-a-later-pharmacy-fill); here the reader and report.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from silson_tools import assess
from silson_tools.errors import ReceiptError
from silson_tools.receipts import read_receipts
from silson_tools.report.summary import build_report

HEADER = "이름,진료일자,진료구분,요양기관종류,병원명,방문묶음,본인부담금,공단부담금,비급여"


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def payouts(tmp_path: Path, lines: list[str], policy: str, start: str) -> list[int]:
    got = assess(read_receipts(write(tmp_path / "r.csv", lines)), policy, policy_start=start)
    return got["payout"].tolist()


TWO_KEYS = [
    "나,2024-03-05,외래,종합병원,큰병원,무릎,20000,20000,250000",
    "나,2024-03-05,외래,종합병원,큰병원,눈,20000,20000,250000",
]


def test_two_keys_at_one_hospital_day_are_two_visits_gen4(tmp_path: Path) -> None:
    # each: 급여 20,000 − 2만원 = 0; 비급여 250,000 − 75,000 = 175,000 (one visit: 220,000)
    assert payouts(tmp_path, TWO_KEYS, "gen4", "2024-01-01") == [175_000, 175_000]


def test_two_keys_at_one_hospital_day_are_two_visits_gen3(tmp_path: Path) -> None:
    # each 270,000 − 54,000 = 216,000 → 외래 cap 200,000 (one visit: 200,000 in all)
    lines = [line.replace("2024-", "2020-") for line in TWO_KEYS]
    assert payouts(tmp_path, lines, "gen3", "2020-01-01") == [200_000, 200_000]


def test_keyless_line_beside_one_key_is_that_visit(tmp_path: Path) -> None:
    lines = [
        "나,2024-03-05,외래,종합병원,큰병원,무릎,20000,20000,250000",
        "나,2024-03-05,외래,종합병원,큰병원,,10000,10000,50000",
    ]
    # one visit: 급여 30,000 − 2만원 = 10,000; 비급여 300,000 − 90,000 = 210,000 → cap 200,000
    # (two: 급여 0 + 0; 비급여 175,000 + (50,000 − 3만원) = 195,000)
    assert sum(payouts(tmp_path, lines, "gen4", "2024-01-01")) == 210_000


def test_keyless_line_beside_two_keys_is_refused_at_its_key_cell(tmp_path: Path) -> None:
    path = write(
        tmp_path / "bad.csv",
        [*TWO_KEYS, "나,2024-03-05,외래,종합병원,큰병원,,10000,10000,0"],
    )
    with pytest.raises(ReceiptError) as info:
        read_receipts(path)
    [problem] = info.value.problems
    assert problem.row == 4 and "방문묶음" in str(problem.column)
    assert "방문묶음이 둘 이상" in problem.expected


def test_keyless_line_at_another_hospital_beside_two_keys_is_read(tmp_path: Path) -> None:
    lines = [*TWO_KEYS, "나,2024-03-05,외래,의원,가나의원,,10000,10000,0"]
    assert len(read_receipts(write(tmp_path / "ok.csv", lines))) == 3


PRESCRIBER = [
    "나,2024-03-05,외래,종합병원,큰병원,,30000,30000,0",
    "나,2024-03-06,약국,약국,큰병원,,25000,58000,0",
]


def test_next_day_pharmacy_takes_its_prescribers_tier(tmp_path: Path) -> None:
    # 외래 30,000 − 2만원; 약국 25,000 − 2만원 (종합병원's, not the 약국 1만원: 15,000)
    assert payouts(tmp_path, PRESCRIBER, "gen4", "2024-01-01") == [10_000, 5_000]


def test_next_day_pharmacy_takes_its_prescribers_tier_gen5(tmp_path: Path) -> None:
    lines = [line.replace("2024-03-", "2026-07-") for line in PRESCRIBER]
    assert payouts(tmp_path, lines, "gen5", "2026-06-01") == [10_000, 5_000]


def test_next_day_pharmacy_is_not_joined_to_another_hospitals_visit(tmp_path: Path) -> None:
    lines = [*PRESCRIBER, "나,2024-03-06,외래,의원,가나의원,,8000,10000,0"]
    # the 약국 names 큰병원 (3월 5일): not the 3월 6일 의원 visit (8,000 alone: 0 after 1만원)
    assert payouts(tmp_path, lines, "gen4", "2024-01-01") == [10_000, 5_000, 0]


def test_pharmacy_tier_written_on_the_line_is_kept(tmp_path: Path) -> None:
    lines = [PRESCRIBER[0], "나,2024-03-06,약국,의원,큰병원,,25000,58000,0"]
    assert payouts(tmp_path, lines, "gen4", "2024-01-01") == [10_000, 15_000]


def test_one_key_ties_a_later_pharmacy_fill(tmp_path: Path) -> None:
    lines = [
        "나,2024-03-05,외래,종합병원,큰병원,A,30000,30000,0",
        "나,2024-03-06,약국,약국,온누리약국,A,25000,58000,0",
    ]
    # 55,000 − max(2만원, 11,000) = 35,000 (apart: 10,000 + 15,000)
    assert payouts(tmp_path, lines, "gen4", "2024-01-01") == [19_091, 15_909]


@pytest.mark.parametrize(
    ("lines", "rows"),
    [
        (  # the 약국 before its 외래
            [
                "나,2024-03-05,외래,종합병원,큰병원,A,30000,30000,0",
                "나,2024-03-04,약국,약국,온누리약국,A,25000,58000,0",
            ],
            [3],
        ),
        (  # 외래 lines of two days
            [
                "나,2024-03-05,외래,종합병원,큰병원,A,30000,30000,0",
                "나,2024-03-06,외래,종합병원,큰병원,A,30000,30000,0",
                "나,2024-03-06,약국,약국,온누리약국,A,25000,58000,0",
            ],
            [3, 4],
        ),
        (  # 약국 lines of two days without a 외래
            [
                "나,2024-03-05,약국,약국,온누리약국,A,25000,58000,0",
                "나,2024-03-06,약국,약국,온누리약국,A,25000,58000,0",
            ],
            [3],
        ),
    ],
)
def test_key_over_days_other_than_a_visit_and_its_fills_is_refused(
    tmp_path: Path, lines: list[str], rows: list[int]
) -> None:
    with pytest.raises(ReceiptError) as info:
        read_receipts(write(tmp_path / "bad.csv", lines))
    assert [p.row for p in info.value.problems] == rows
    assert all("방문묶음" in str(p.column) for p in info.value.problems)


def test_pharmacy_matching_no_visit_is_said_in_the_report(tmp_path: Path) -> None:
    from silson_tools.engine.visits import pharmacy_alone

    lines = read_receipts(
        write(
            tmp_path / "r.csv",
            [*PRESCRIBER, "나,2024-03-09,약국,약국,온누리약국,,25000,58000,0"],
        )
    )
    assert pharmacy_alone(lines).tolist() == [2]
    why = " ".join(build_report(lines, "gen4", "2024-01-01", charts=False).why)
    assert "약국 줄 (rows 4)" in why
    why3 = " ".join(build_report(lines, "gen3", "2020-01-01", charts=False).why)
    assert "약국 줄" not in why3  # 1–3세대: a 처방전 is its own claim, no tiers to take


def test_pharmacy_joined_or_named_is_not_said(tmp_path: Path) -> None:
    from silson_tools.engine.visits import pharmacy_alone

    lines = read_receipts(
        write(
            tmp_path / "r.csv",
            [*PRESCRIBER, "나,2024-03-09,외래,의원,가나의원,,8000,10000,0",
             "나,2024-03-09,약국,약국,온누리약국,,25000,58000,0"],
        )
    )  # fmt: skip
    assert pharmacy_alone(lines).tolist() == []
