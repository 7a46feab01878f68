"""재가입주기 as product data and the report sentences where an unmodelled rule bites:
re-entry (lines on or after 계약일 + 재가입주기), 의료급여 receipts (건강보험 상한제 table used),
and 5세대 특약2's 300만원 per admission beside the 상급병실 차액."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from silson_tools.catalog import load_policy, products
from silson_tools.engine import assess
from silson_tools.receipts import read_receipts
from silson_tools.report import build_report
from silson_tools.report.rulegaps import reentry_date

HEAD = "이름,진료일자,진료구분,요양기관종류,병원명,본인부담금,공단부담금,비급여\n"


def _csv(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _said(report: object, word: str) -> list[str]:
    return [s for s in report.why if s.startswith(word)]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("name", "years", "confidence"),
    [
        ("gen1", None, None),
        ("gen2-choice1", None, None),
        ("gen2", 15, "A"),
        ("gen2-choice2", 15, "A"),
        ("gen3", 15, "A"),
        ("gen3-choice2", 15, "A"),
        ("gen4", 5, "A"),
        ("gen5", 5, "B"),
    ],
)
def test_reentry_is_product_data(name: str, years: int | None, confidence: str | None) -> None:
    pol = load_policy(name)
    if years is None:
        assert pol.reentry is None
        return
    assert pol.reentry is not None
    assert pol.reentry.unit == "years"
    assert pol.reentry.values[-1] == years
    assert pol.reentry.confidence[-1] == confidence
    assert "http" in pol.reentry.sources[-1]  # title and address of the original
    assert ("policy.reentry", pol.reentry) in pol.parameters()
    assert pol.for_contract(pol.sold_from or dt.date(2020, 1, 1)).reentry is not None


def test_every_product_loads() -> None:
    assert {load_policy(n).name for n in products()} == set(products())


def test_reentry_date_leap_day() -> None:
    assert reentry_date(dt.date(2021, 7, 1), 5) == dt.date(2026, 7, 1)
    assert reentry_date(dt.date(2024, 2, 29), 5) == dt.date(2029, 2, 28)


def test_report_names_lines_after_reentry(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "reentry.csv",
        HEAD
        + "나,2026-06-30,외래,의원,가의원,15000,20000,50000\n"
        + "나,2026-07-01,외래,의원,가의원,15000,20000,50000\n"
        + "나,2026-08-03,외래,의원,가의원,15000,20000,50000\n",
    )
    report = build_report(read_receipts(path), "gen4", policy_start="2021-07-01")
    said = _said(report, "재가입")
    assert len(said) == 1
    text = said[0]
    assert "2026-07-01" in text and "2줄 (rows 3, 4)" in text
    assert "--policy gen5 --start 2026-07-01" in text
    assert "50,000원" in text  # the two late lines under 4세대: 25,000 each
    assert "그 전 줄의 보험금 25,000원" in text
    assert "머니투데이" in text  # the number's source is said


def test_earlier_lines_unchanged_by_later(tmp_path: Path) -> None:
    """The sentence says the earlier lines' payout stands: the engine runs in date order."""
    rows = [
        "나,2026-03-05,입원,병원,가병원,900000,3600000,3000000",
        "나,2026-06-30,외래,의원,가의원,15000,20000,50000",
        "나,2026-08-03,외래,의원,가의원,15000,20000,50000",
        "나,2026-09-03,입원,병원,가병원,1900000,3600000,9000000",
    ]
    pol = load_policy("gen4")
    whole = assess(read_receipts(_csv(tmp_path, "a.csv", HEAD + "\n".join(rows) + "\n")), pol,
                   policy_start="2021-07-01")  # fmt: skip
    early = assess(read_receipts(_csv(tmp_path, "b.csv", HEAD + "\n".join(rows[:2]) + "\n")), pol,
                   policy_start="2021-07-01")  # fmt: skip
    assert whole["payout"].iloc[:2].tolist() == early["payout"].tolist()


def test_no_reentry_sentence_before_the_date(tmp_path: Path) -> None:
    path = _csv(tmp_path, "early.csv", HEAD + "나,2026-06-30,외래,의원,가의원,15000,20000,50000\n")
    report = build_report(read_receipts(path), "gen4", policy_start="2021-07-01")
    assert not _said(report, "재가입")


def test_stay_running_past_reentry_is_said(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "stay.csv",
        "이름,진료일자,진료구분,요양기관종류,병원명,입원일수,본인부담금,공단부담금,비급여\n"
        "나,2026-06-25,입원,병원,가병원,10,200000,800000,100000\n"
        "나,2026-08-03,외래,의원,가의원,,15000,20000,50000\n",
    )
    report = build_report(read_receipts(path), "gen4", policy_start="2021-07-01")
    (text,) = _said(report, "재가입")
    assert "입원이 2026-07-01 을 넘어 이어지는 1줄 (rows 2)" in text


def test_medical_aid_rows_named(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "mab.csv",
        "이름,진료일자,진료구분,요양기관종류,병원명,환자구분,입원일수,본인부담금,공단부담금,비급여\n"
        "나,2024-03-05,입원,병원,가병원,의료급여2종,30,900000,8100000,0\n"
        "나,2024-07-05,입원,병원,가병원,건강보험,30,900000,8100000,0\n",
    )
    lines = read_receipts(path)
    report = build_report(lines, "gen4", policy_start="2021-07-01")
    (text,) = _said(report, "의료급여")
    assert "본인부담상한제" in text and "계산하지 않았습니다" in text
    lines.attrs["source"] = {**lines.attrs["source"], "medical_aid_rows": [2]}
    report = build_report(lines, "gen4", policy_start="2021-07-01")
    (text,) = _said(report, "의료급여")
    assert "1줄 (rows 2)" in text
    lines.attrs["source"] = {**lines.attrs["source"], "medical_aid_rows": []}
    assert not _said(build_report(lines, "gen4", policy_start="2021-07-01"), "의료급여")


def test_medical_aid_other_cover_header(tmp_path: Path) -> None:
    """A 환자구분 column under another header the reader knows (보험유형) is found too."""
    path = _csv(
        tmp_path,
        "type.csv",
        "이름,진료일자,진료구분,요양기관종류,병원명,보험유형,본인부담금,공단부담금,비급여\n"
        "나,2024-03-05,외래,의원,가의원,의료급여1종,1000,20000,0\n",
    )
    report = build_report(read_receipts(path), "gen4", policy_start="2021-07-01")
    (text,) = _said(report, "의료급여")
    assert text.startswith("의료급여: 환자구분이 의료급여인 1줄 (rows 2)")


def test_no_medical_aid_sentence_without_cover_column(tmp_path: Path) -> None:
    path = _csv(tmp_path, "nhi.csv", HEAD + "나,2024-03-05,외래,의원,가의원,15000,20000,50000\n")
    assert not _said(build_report(read_receipts(path), "gen4", policy_start="2021-07-01"),
                     "의료급여")  # fmt: skip


def test_gen5_room_beside_admission_cap(tmp_path: Path) -> None:
    text = (
        "이름,진료일자,진료구분,요양기관종류,병원명,항목,입원일수,본인부담금,공단부담금,비급여\n"
        "나,2026-07-01,입원,병원,가병원,,10,200000,800000,{nc}\n"
        "나,2026-07-01,입원,병원,가병원,상급병실,10,0,0,2000000\n"
    )
    over = build_report(read_receipts(_csv(tmp_path, "a.csv", text.format(nc=8_000_000))), "gen5",
                        policy_start="2026-06-01")  # fmt: skip
    (said,) = _said(over, "상급병실 차액")
    assert "1줄 (rows 3)" in said and "300만원" in said and "100만원 넘음" in said
    under = build_report(read_receipts(_csv(tmp_path, "b.csv", text.format(nc=1_000_000))), "gen5",
                         policy_start="2026-06-01")  # fmt: skip
    assert not _said(under, "상급병실 차액")
    assert isinstance(over.assessed, pd.DataFrame)


def test_gen5_room_note_says_the_approximation() -> None:
    room = load_policy("gen5").part("room")
    assert "300만원" in room.note and "APPROXIMATION" in room.note
