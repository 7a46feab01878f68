"""상급병실 차액 over lines without 병원명: the cap is 10만원 × the admission's 총 입원일수 (all
its 입원 lines), but a line without 병원명 and 방문묶음 is an admission of its own, so an
unnamed 일반 10일 line beside an unnamed 상급병실 3일 line would cap the room at 10만원 × 3.
The report refuses such lines, naming them, and asks for 병원명 or 방문묶음; with either
written the room is capped over the whole stay. Likewise two unnamed 비급여 주사 lines of one
stay, which 4세대 takes as one act (one deductible) in one admission. Figures by hand under
4세대 (50% of the 차액, 10만원 a day; 주사 max(3만원, 30%) per act).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stays_apart import kept_positions

from silson_tools.catalog import load_policy
from silson_tools.engine import assess
from silson_tools.errors import ReceiptError
from silson_tools.receipts import as_receipt_lines, read_receipts
from silson_tools.report import build_report
from silson_tools.report.cli import main
from silson_tools.report.notes import unnamed_stays

GEN4 = load_policy("gen4")
START = "2024-01-01"
HEAD = "이름,진료일자,진료구분,요양기관종류,{name}항목,입원일수,본인부담금,비급여\n"
# 일반 10일 and 상급병실 3일 of one 종합병원 stay: 50% of 1,800,000 = 900,000 ≤ 10만원 × 10일
STAY = (
    "나,2024-03-01,입원,종합병원,{a}일반,10,500000,800000\n"
    "나,2024-03-01,입원,종합병원,{b}상급병실,3,0,1800000\n"
)


def _lines(tmp_path: Path, body: str, name: str = "") -> pd.DataFrame:
    path = tmp_path / "stays.csv"
    path.write_text(HEAD.format(name=name) + body, encoding="utf-8")
    return read_receipts(path)


def _refused(lines: pd.DataFrame, policy: str = "gen4") -> list[int]:
    with pytest.raises(ReceiptError) as err:
        build_report(lines, policy, START, charts=False)
    problems = err.value.problems
    assert all(p.column.startswith("병원명") or "institution" in p.column for p in problems)
    assert all("병원명" in p.expected and "방문묶음" in p.expected for p in problems)
    assert all("총 입원일수" in p.expected for p in problems)
    return sorted(p.row for p in problems)


def _room_paid(lines: pd.DataFrame) -> int:
    got = build_report(lines, "gen4", START, charts=False).assessed
    return int(got.loc[got["category"] == "room_upgrade", "payout"].sum())


def test_an_unnamed_general_line_beside_an_unnamed_room_line_is_refused(tmp_path: Path) -> None:
    # read as two admissions the room would pay 10만원 × 3 = 300,000 instead of 900,000
    assert _refused(_lines(tmp_path, STAY.format(a="", b=""))) == [2, 3]


@pytest.mark.parametrize(
    ("name", "a", "b", "paid"),
    [
        ("병원명,", "한빛병원,", "한빛병원,", 900_000),  # one admission: 10만원 × 10일
        ("병원명,", "한빛병원,", "한빛 병원,", 900_000),  # one name written two ways
        ("방문묶음,", "입원1,", "입원1,", 900_000),
        ("병원명,", "한빛병원,", "다른병원,", 300_000),  # two hospitals: the room line's 3일
    ],
)
def test_a_name_or_a_key_answers_it(tmp_path: Path, name: str, a: str, b: str, paid: int) -> None:
    assert _room_paid(_lines(tmp_path, STAY.format(a=a, b=b), name)) == paid


def _frame(general: str, room: str) -> pd.DataFrame:
    """:data:`STAY` as a DataFrame with 병원명 ``general`` and ``room`` (a file with a blank
    병원명 among named lines is refused by the reader already; a DataFrame is not)."""
    line = {"person": "나", "date": "2024-03-01", "setting": "inpatient", "tier": "general"}
    return pd.DataFrame(
        [
            line | {"institution": general, "days": 10, "covered_copay": 500_000,
                    "noncovered": 800_000, "category": ""},
            line | {"institution": room, "days": 3, "covered_copay": 0,
                    "noncovered": 1_800_000, "category": "room_upgrade"},
        ]
    )  # fmt: skip


@pytest.mark.parametrize(
    ("general", "room", "rows"), [("한빛병원", "", [1]), ("", "한빛병원", [0])]
)
def test_an_unnamed_line_beside_a_named_one_is_refused(
    general: str, room: str, rows: list[int]
) -> None:
    # the 병원명 on one line only: the unnamed one is still an admission of its own
    assert _refused(_frame(general, room)) == rows
    assert _room_paid(_frame("한빛병원", "한빛병원")) == 900_000


@pytest.mark.parametrize(
    "extra",
    [
        # a 퇴원 receipt after the 중간 one (touching), at another 요양기관종류 as written
        "나,2024-03-11,입원,병원,일반,5,100000,0\n",
        # a line without 입원일수 inside the stay
        "나,2024-03-05,입원,종합병원,일반,,100000,0\n",
    ],
)
def test_every_unnamed_line_of_the_stay_is_named(tmp_path: Path, extra: str) -> None:
    assert _refused(_lines(tmp_path, STAY.format(a="", b="") + extra)) == [2, 3, 4]


@pytest.mark.parametrize(
    "body",
    [
        # a month apart: two stays whatever the names
        "나,2024-03-01,입원,종합병원,일반,10,500000,800000\n"
        "나,2024-04-15,입원,종합병원,상급병실,3,0,1800000\n",
        # two people
        "나,2024-03-01,입원,종합병원,일반,10,500000,800000\n"
        "다,2024-03-01,입원,종합병원,상급병실,3,0,1800000\n",
        # no room line: 4세대 takes each 일반 line alone either way
        "나,2024-03-01,입원,종합병원,일반,10,500000,800000\n"
        "나,2024-03-11,입원,종합병원,일반,5,100000,0\n",
        # a room line alone
        "나,2024-03-01,입원,종합병원,상급병실,3,0,1800000\n"
        "나,2024-03-01,외래,종합병원,일반,,30000,0\n",
    ],
)
def test_stays_that_cannot_share_a_room_cap_are_not_refused(tmp_path: Path, body: str) -> None:
    build_report(_lines(tmp_path, body), "gen4", START, charts=False)


INJECTIONS = (
    "나,2024-03-01,입원,종합병원,{a}일반,10,500000,0\n"
    "나,2024-03-02,입원,종합병원,{a}주사,,0,50000\n"
    "나,2024-03-05,입원,종합병원,{a}주사,,0,50000\n"
)


def test_two_unnamed_injections_of_one_stay_are_refused(tmp_path: Path) -> None:
    # 4세대 비급여 주사 「1회 입원에서 2회 이상 주사 → 1회」: as two acts each pays
    # 50,000 − max(30,000, 30%) = 20,000; as one act 100,000 − max(30,000, 30,000) = 70,000
    assert _refused(_lines(tmp_path, INJECTIONS.format(a=""))) == [2, 3, 4]
    named = build_report(
        _lines(tmp_path, INJECTIONS.format(a="한빛병원,"), "병원명,"), "gen4", START, charts=False
    ).assessed
    assert named["payout"].tolist() == [400_000, 35_000, 35_000]


def test_silson_report_names_the_rows_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "stays.csv"
    path.write_text(HEAD.format(name="") + STAY.format(a="", b=""), encoding="utf-8")
    out = tmp_path / "out"
    args = ["report", str(path), "--policy", "gen4", "--start", START, "--out", str(out)]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "2, 3행" in err and "병원명" in err and "방문묶음" in err, err
    assert not out.exists()


# --- the refusal is exactly when a name could change the room payout ---------------------------

DAY0 = dt.date(2024, 3, 1)


@st.composite
def unnamed_stays_drawn(draw: st.DrawFn) -> pd.DataFrame:
    """입원 lines without 병원명 of two people over a few weeks: 일반, 상급병실 or 주사,
    종합병원 or 병원, some touching (an 외래 일반 line now and then)."""
    rows = []
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["", "", "room_upgrade", "injection", "injection"]))
        room = kind == "room_upgrade"
        rows.append(
            {
                "person": draw(st.sampled_from(["가", "나"])),
                "date": DAY0 + dt.timedelta(days=draw(st.integers(0, 30))),
                "setting": "inpatient"
                if kind
                else draw(st.sampled_from(["inpatient"] * 3 + ["outpatient"])),
                "tier": draw(st.sampled_from(["general", "hospital"])),
                "category": kind,
                "days": draw(st.integers(1 if room else 0, 12)),
                "covered_copay": 0 if kind else draw(st.integers(0, 5)) * 100_000,
                # 주사 small enough that its 3만원 minimum deductible often decides
                "noncovered": draw(
                    st.integers(0, 12) if kind == "injection" else st.integers(0, 20)
                )
                * (10_000 if kind == "injection" else 100_000),
            }
        )
    for r in rows:
        if r["setting"] == "outpatient":
            r["days"] = 0
    # as one hospital a pair billing the same days twice would be refused by the reader
    named = [r | {"institution": r["person"] + "병원"} for r in rows]
    return pd.DataFrame([rows[i] for i in kept_positions(named)])


@settings(max_examples=80, deadline=None)
@given(frame=unnamed_stays_drawn())
def test_what_is_not_refused_pays_the_same_named(frame: pd.DataFrame) -> None:
    # not refused → each person's lines written as one hospital pay exactly the same (a room
    # line that touches nothing, a 주사 line alone in its stay: the same either way)
    lines = as_receipt_lines(frame)
    if len(unnamed_stays(GEN4, lines)):
        return
    named = frame.assign(institution=frame["person"] + "병원")
    got = assess(frame, GEN4, policy_start=START)["payout"].tolist()
    assert got == assess(named, GEN4, policy_start=START)["payout"].tolist()


def test_one_receipt_split_into_general_and_room_lines_of_the_same_days_is_not_asked(
    tmp_path,
) -> None:
    """The common split: 일반 and 상급병실 lines of one receipt, same 진료일 and 입원일수, no
    병원명. Named or not the room cap is 10만원 × those 10 days, so nothing is asked: 급여
    200,000 × 80% + 비급여 100,000 × 70% = 230,000; room min(50% × 1,500,000, 10만 × 10) =
    750,000 (as with 병원명)."""
    from silson_tools.receipts import read_receipts
    from silson_tools.report import build_report

    body = (
        "이름,진료일자,진료구분,요양기관종류,항목,입원일수,본인부담금,공단부담금,비급여\n"
        "홍길동,2026-02-01,입원,병원,,10,200000,800000,100000\n"
        "홍길동,2026-02-01,입원,병원,상급병실,10,0,0,1500000\n"
    )
    (tmp_path / "u1.csv").write_text(body, encoding="utf-8")
    rep = build_report(read_receipts(tmp_path / "u1.csv"), "gen4", "2024-01-01", charts=False)
    assert rep.assessed["payout"].tolist() == [230_000, 750_000]
    (tmp_path / "u2.csv").write_text(body.replace("상급병실,10", "상급병실,3"), encoding="utf-8")
    with pytest.raises(ReceiptError):  # 3 room days of a 10-day stay: the cap needs the stay
        build_report(read_receipts(tmp_path / "u2.csv"), "gen4", "2024-01-01", charts=False)
