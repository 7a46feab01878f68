"""비급여 주사 taken per act (4세대 「1회 통원에서 2회 이상 주사 → 1회」): the engine joins a day's
외래 주사 lines into one act by 병원명 or 방문묶음 only; unnamed, each line is an act with its own
deductible max(3만원, 30%). ``unnamed_acts`` finds such lines for the report to ask about.
Figures by hand under 4세대: two 50,000 injections as two acts 20,000 + 20,000, as one act
100,000 − max(30,000, 30,000) = 70,000 (35,000 each).
"""

from __future__ import annotations

import pandas as pd
import pytest

from silson_tools.catalog import load_policy
from silson_tools.engine import assess
from silson_tools.receipts import as_receipt_lines
from silson_tools.report.notes import unnamed_acts

START = "2024-01-01"


def _frame(*rows: dict) -> pd.DataFrame:
    line = {"person": "나", "date": "2024-03-02", "setting": "outpatient", "tier": "clinic"}
    base = {"covered_copay": 0, "noncovered": 50_000, "category": "injection"}
    return pd.DataFrame([line | base | r for r in rows])


def test_why_the_report_must_ask() -> None:
    two = _frame({}, {})
    assert assess(two, "gen4", policy_start=START)["payout"].tolist() == [20_000, 20_000]
    named = two.assign(institution="가나의원")
    assert assess(named, "gen4", policy_start=START)["payout"].tolist() == [35_000, 35_000]


@pytest.mark.parametrize("policy", ["gen3", "gen4", "gen5"])
def test_two_unnamed_injections_of_a_day_are_found(policy: str) -> None:
    lines = as_receipt_lines(_frame({}, {}, {"category": ""}))
    assert unnamed_acts(load_policy(policy), lines).tolist() == [0, 1]


@pytest.mark.parametrize(
    "rows",
    [
        ({}, {"date": "2024-03-03"}),  # two days: two 통원
        ({}, {"person": "다"}),
        ({}, {"tier": "general"}),  # a 의원 and a 종합병원: two institutions
        ({}, {"institution": "가나의원"}),  # one unnamed line: nothing to join
        ({"visit": "v1"}, {"visit": "v1"}),
        ({}, {"category": ""}),  # one injection
        ({}, {"setting": "inpatient"}),  # 입원 lines: unnamed_stays
    ],
)
def test_lines_that_cannot_be_one_act_are_not_found(rows: tuple[dict, dict]) -> None:
    lines = as_receipt_lines(_frame(*rows))
    assert unnamed_acts(load_policy("gen4"), lines).tolist() == []


def test_two_departments_are_two_acts_named_or_not() -> None:
    """Two 진료과 at one institution are two 통원, so two acts: the 병원명 cannot change the
    number, and the lines are not asked about."""
    two = _frame({"department": "정형외과"}, {"department": "재활의학과"})
    assert unnamed_acts(load_policy("gen4"), as_receipt_lines(two)).tolist() == []
    unnamed = assess(two, "gen4", policy_start=START)["payout"].tolist()
    named = assess(two.assign(institution="가나의원"), "gen4", policy_start=START)
    assert named["payout"].tolist() == unnamed == [20_000, 20_000]


def test_a_product_without_acts_finds_nothing() -> None:
    # 2세대 has no 주사 part taken per act (its unnamed same-day 외래 lines: unnamed_visits)
    assert unnamed_acts(load_policy("gen2"), as_receipt_lines(_frame({}, {}))).tolist() == []


def test_the_report_asks(tmp_path) -> None:
    """build_report (silson report, the notebook) refuses the unnamed same-day 주사 lines."""
    from silson_tools.errors import ReceiptError
    from silson_tools.report import build_report

    with pytest.raises(ReceiptError) as err:
        build_report(_frame({}, {}), "gen4", START, charts=False)
    assert sorted(p.row for p in err.value.problems) == [0, 1]


def test_silson_assess_asks_too(tmp_path, capsys) -> None:
    """``silson assess`` refuses the unnamed same-day 주사 lines as the report does (it paid
    20,000 + 20,000 where one visit pays 35,000 + 35,000)."""
    from silson_tools.scale.cli import main

    path = tmp_path / "a1.csv"
    path.write_text(
        "person,date,setting,tier,category,covered_copay,noncovered\n"
        "홍길동,2026-03-03,outpatient,clinic,injection,0,50000\n"
        "홍길동,2026-03-03,outpatient,clinic,injection,0,50000\n",
        encoding="utf-8",
    )
    args = [str(path), "--policy", "gen4", "--start", "2024-01-01", "--engine", "pandas"]
    assert main([*args, "--out", str(tmp_path / "out.parquet")]) != 0
    assert "2, 3행" in capsys.readouterr().err and not (tmp_path / "out.parquet").exists()
