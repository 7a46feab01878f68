"""The report refuses what the engine would take apart silently: 입원 lines without 병원명
whose stays touch under a per-admission rule (5세대 입원 1건당 300만원, 상급병실 10만원 × 입원일수),
and same-day unnamed 외래 lines only when they share a tier (요양기관종류)."""

from __future__ import annotations

from pathlib import Path

import pytest

import silson_tools as st
from silson_tools.errors import ReceiptError
from silson_tools.report import build_report

STAYS = "이름,진료일자,진료구분,요양기관종류,{extra}입원일수,본인부담금,비급여\n"


def _file(tmp_path: Path, head: str, body: str) -> object:
    path = tmp_path / "r.csv"
    path.write_text(head + body, encoding="utf-8")
    return st.read_receipts(path)


def _refused_rows(lines: object, policy: str, start: str) -> list[int]:
    with pytest.raises(ReceiptError) as err:
        build_report(lines, policy, start, charts=False)
    problems = err.value.problems
    assert all("병원명" in p.expected and "방문묶음" in p.expected for p in problems)
    return sorted(p.row for p in problems)


def test_gen5_touching_unnamed_stays_are_refused(tmp_path: Path) -> None:
    # 중간 7/1 14일 and 퇴원 7/15 10일 at a 병원, no 병원명: one admission (one 300만원) or two
    body = "나,2026-07-01,입원,병원,14,0,8000000\n나,2026-07-15,입원,병원,10,0,8000000\n"
    lines = _file(tmp_path, STAYS.format(extra=""), body)
    assert _refused_rows(lines, "gen5", "2026-06-01") == [2, 3]


@pytest.mark.parametrize(
    ("extra", "a", "b", "paid"),
    [
        ("병원명,", "가나병원,", "가나병원,", 3_000_000),  # one admission: one 300만원
        ("병원명,", "가나병원,", "다라병원,", 6_000_000),  # two hospitals: two
        ("방문묶음,", "v1,", "v1,", 3_000_000),
    ],
)
def test_a_name_or_a_key_answers_it(tmp_path: Path, extra: str, a: str, b: str, paid: int) -> None:
    body = f"나,2026-07-01,입원,병원,{a}14,0,8000000\n나,2026-07-15,입원,병원,{b}10,0,8000000\n"
    rep = build_report(
        _file(tmp_path, STAYS.format(extra=extra), body), "gen5", "2026-06-01", charts=False
    )
    assert int(rep.assessed["payout"].sum()) == paid


@pytest.mark.parametrize(
    "body",
    [
        # a month apart: two admissions whatever the names
        "나,2026-07-01,입원,병원,5,0,8000000\n나,2026-08-01,입원,병원,5,0,8000000\n",
        # a 병원 and a 종합병원 (no 300만원 there, and not one institution)
        "나,2026-07-01,입원,병원,14,0,8000000\n나,2026-07-15,입원,종합병원,10,0,8000000\n",
        # two people
        "나,2026-07-01,입원,병원,14,0,8000000\n다,2026-07-15,입원,병원,10,0,8000000\n",
    ],
)
def test_stays_that_cannot_be_one_admission_are_not_refused(tmp_path: Path, body: str) -> None:
    build_report(_file(tmp_path, STAYS.format(extra=""), body), "gen5", "2026-06-01", charts=False)


ROOM = "이름,진료일자,진료구분,요양기관종류,항목,입원일수,본인부담금,비급여\n"


def test_gen4_touching_unnamed_room_lines_are_refused(tmp_path: Path) -> None:
    body = (
        "나,2023-12-20,입원,종합병원,상급병실,12,0,6000000\n"
        "나,2024-01-01,입원,종합병원,상급병실,8,0,400000\n"
    )
    assert _refused_rows(_file(tmp_path, ROOM, body), "gen4", "2023-06-01") == [2, 3]


def test_gen4_touching_unnamed_stays_without_room_lines_are_not_refused(tmp_path: Path) -> None:
    # 4세대 has no per-admission rule on these lines: each line's arithmetic is the same
    body = (
        "나,2024-01-01,입원,종합병원,일반,12,100000,600000\n"
        "나,2024-01-13,입원,종합병원,일반,8,100000,400000\n"
    )
    build_report(_file(tmp_path, ROOM, body), "gen4", "2023-06-01", charts=False)


VISITS = "이름,진료일자,진료구분,요양기관종류,본인부담금,비급여\n"


def test_gen2_unnamed_outpatient_lines_at_different_tiers_are_not_refused(
    tmp_path: Path,
) -> None:
    # a 의원 and a 종합병원 on one day are two 통원: each its own deductible is right
    body = (
        "나,2016-03-05,외래,의원,15000,0\n"
        "나,2016-03-05,외래,종합병원,30000,100000\n"
        "나,2016-03-05,약국,약국,5000,0\n"
    )
    build_report(_file(tmp_path, VISITS, body), "gen2", "2014-01-01", charts=False)


def test_gen2_unnamed_outpatient_lines_at_one_tier_are_still_refused(tmp_path: Path) -> None:
    body = (
        "나,2016-03-05,외래,의원,15000,0\n"
        "나,2016-03-05,외래,종합병원,30000,100000\n"
        "나,2016-03-05,외래,종합병원,10000,0\n"
    )
    assert _refused_rows(_file(tmp_path, VISITS, body), "gen2", "2014-01-01") == [3, 4]
