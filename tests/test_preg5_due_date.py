"""5세대 임신·출산 급여 and its 분만예정일 condition (기본형(급여) 제4조②3): covered only where
계약일 + 280일 ≤ 분만예정일. With a 출산예정일 column the condition is applied line by line; without
it a birth or 산후기 line less than 140 days (만 20주) after the contract is not covered whatever
the due date, and every other 임신·출산 line with ① is refused with its row."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from reference_engine import reference_assess

from silson_tools import assess, read_receipts
from silson_tools.catalog import load_policy, products
from silson_tools.engine.exclusions import pregnancy_rule
from silson_tools.errors import ReceiptError, RuleDataError
from silson_tools.params import DATA_DIR
from silson_tools.receipts.flags import parse_due_date
from silson_tools.schema import CANONICAL_COLUMNS, OPTIONAL_COLUMNS

START = "2026-06-01"  # 5세대 on sale from 2026-05-06
LAST_DUE_NOT_MET = "2027-03-07"  # START + 279 days
FIRST_DUE_MET = "2027-03-08"  # START + 280 days: "280일 이전" counts the day itself
HEADER = (
    "이름,진료일자,진료구분,요양기관종류,병원명,항목,상병코드,입원일수,본인부담금,공단부담금,비급여"
)
BIRTH = "나,2026-07-01,입원,병원,여성병원,출산,O80,3,300000,1200000,500000"  # the review's repro


def write(tmp_path: Path, header: str, *rows: str) -> Path:
    path = tmp_path / "receipts.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def frame(**columns: list) -> pd.DataFrame:
    n = len(columns["date"])
    base = {"setting": ["outpatient"] * n, "tier": ["clinic"] * n, "noncovered": [0] * n}
    return pd.DataFrame({**base, **columns})


def test_the_rule_data_names_a_gen5_exclusion_and_its_numbers() -> None:
    rule = pregnancy_rule()
    assert dt.date(2026, 6, 1) + dt.timedelta(rule.days_before_due) == dt.date(2027, 3, 8)
    assert rule.min_birth_days == 140 and ("O80", "O84") not in rule.birth_codes
    assert rule.birth_codes == (("O60", "O84"),) and rule.after_birth_codes == (("O85", "O92"),)
    holders = [
        n for n in products() if rule.exclusion in (e.label for e in load_policy(n).exclusions)
    ]
    assert holders == ["gen5"]  # a renamed label would silently drop the condition


def test_a_birth_a_month_after_the_contract_pays_no_covered_copay(tmp_path: Path) -> None:
    """Review repro: 급여 ① 300,000 was paid at 80% (240,000) + 비급여 250,000 = 490,000."""
    out = assess(read_receipts(write(tmp_path, HEADER, BIRTH)), "gen5", policy_start=START)
    row = out.iloc[0]
    assert int(row["payout"]) == 250_000  # 특약2 비급여 50% only
    assert int(row["excluded"]) == 300_000 and row["zone"] == "excluded"
    assert "출산예정일 없이 날짜로 판단" in row["excluded_by"]
    assert "140일" in row["excluded_by"]


def test_the_due_date_decides_and_the_280th_day_counts(tmp_path: Path) -> None:
    rows = [
        f"나,2026-07-01,외래,의원,여성의원,임신,,,30000,70000,0,{FIRST_DUE_MET}",
        f"나,2026-07-02,외래,의원,여성의원,임신,,,30000,70000,0,{LAST_DUE_NOT_MET}",
        "나,2026-07-03,외래,의원,여성의원,임신,O26.8,,30000,70000,0,2027.3.20",
    ]
    path = write(tmp_path, HEADER + ",출산예정일", *rows)
    out = assess(read_receipts(path), "gen5", policy_start=START)
    assert out["payout"].tolist() == [20_000, 0, 20_000]  # max(30%, 20%, 1만원) = 10,000 공제
    assert out["excluded"].tolist() == [0, 30_000, 0]
    assert out["excluded_by"].iloc[1].endswith("출산예정일로 판단: 계약일 + 280일 > 출산예정일")
    assert out["due_date"].tolist() == [FIRST_DUE_MET, LAST_DUE_NOT_MET, "2027-03-20"]


def test_on_a_birth_soon_after_the_contract_a_due_date_decides_or_is_a_typo(
    tmp_path: Path,
) -> None:
    """With a 출산예정일 the due date decides; one meeting the condition on a birth 33 days after
    the contract is impossible (it would put the birth at 5 weeks) and is refused."""
    path = write(tmp_path, HEADER + ",분만예정일", BIRTH + ",2026-08-01")
    out = assess(read_receipts(path), "gen5", policy_start=START)
    assert int(out["excluded"].iloc[0]) == 300_000
    assert out["excluded_by"].iloc[0].endswith("출산예정일로 판단: 계약일 + 280일 > 출산예정일")
    path = write(tmp_path, HEADER + ",분만예정일", BIRTH + f",{FIRST_DUE_MET}")
    with pytest.raises(ReceiptError, match="분만일 \\+ 140일 이전의 날짜"):
        assess(read_receipts(path), "gen5", policy_start=START)


@pytest.mark.parametrize(
    ("row", "decided"),
    [
        ("나,2026-10-18,외래,의원,여성의원,,O86.0,,20000,40000,0", True),  # 139 days: 산후기
        ("나,2026-10-19,외래,의원,여성의원,,O86.0,,20000,40000,0", False),  # 140 days
        ("나,2026-10-15,입원,병원,여성병원,,O82,3,100000,400000,0", True),  # birth by 10-18
        ("나,2026-10-15,입원,병원,여성병원,,O82,5,100000,400000,0", False),  # by 10-20
        ("나,2026-07-01,입원,병원,여성병원,,O80,,100000,400000,0", False),  # no 입원일수
        ("나,2026-07-01,외래,의원,여성의원,임신,,,30000,70000,0", False),  # no code
        ("나,2026-07-01,외래,의원,여성의원,,O26.8,,30000,70000,0", False),  # during pregnancy
    ],
)
def test_without_a_due_date_only_a_certain_failure_is_decided(
    tmp_path: Path, row: str, decided: bool
) -> None:
    receipts = read_receipts(write(tmp_path, HEADER, row))
    if decided:
        out = assess(receipts, "gen5", policy_start=START)
        assert int(out["payout"].iloc[0]) == 0 and out["zone"].iloc[0] == "excluded"
        return
    with pytest.raises(ReceiptError) as info:
        assess(receipts, "gen5", policy_start=START)
    text = str(info.value)
    assert (
        "2행" in text and "출산예정일 열을 더하고" in text and "계약일 (2026-06-01) + 280일" in text
    )


def test_a_blank_due_date_cell_is_asked_for_in_its_column(tmp_path: Path) -> None:
    rows = [
        f"나,2026-07-01,외래,의원,여성의원,임신,,,30000,70000,0,{FIRST_DUE_MET}",
        "나,2026-11-20,입원,병원,여성병원,출산,O80,3,300000,1200000,500000,",
    ]
    receipts = read_receipts(write(tmp_path, HEADER + ",출산예정일", *rows))
    with pytest.raises(ReceiptError) as info:
        assess(receipts, "gen5", policy_start=START)
    text = str(info.value)
    assert "3행" in text and "L열 '출산예정일'" in text and "2행" not in text
    assert "이 줄의 출산예정일 칸" in text


def test_lines_with_nothing_at_stake_are_not_refused(tmp_path: Path) -> None:
    rows = [
        "나,2026-07-01,외래,의원,여성의원,임신,,,0,0,50000",  # no ①: the condition takes nothing
        "나,2026-05-20,외래,의원,여성의원,임신,,,30000,70000,0",  # before the contract
    ]
    out = assess(read_receipts(write(tmp_path, HEADER, *rows)), "gen5", policy_start=START)
    assert out["excluded"].tolist() == [0, 30_000]
    assert out["excluded_by"].iloc[1].startswith("계약일 전 진료")


def test_a_due_date_that_is_not_a_date_is_refused_with_its_place(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "진료일자,진료구분,요양기관종류,본인부담금,비급여,분만예정일",
        "2026-07-01,외래,의원,1000,0,2027-02-30",
        "2026-07-02,외래,의원,1000,0,3월쯤",
        "2026-07-03,외래,의원,1000,0,",
    )
    with pytest.raises(ReceiptError) as info:
        read_receipts(path)
    text = str(info.value)
    assert "2행" in text and "2027-02-30" in text and "3행" in text and "3월쯤" in text
    assert "4행" not in text  # blank = not given


@pytest.mark.parametrize(
    ("cell", "day"),
    [("2027-03-08", "2027-03-08"), ("2027.3.8", "2027-03-08"), (20270308, "2027-03-08"),
     (pd.Timestamp("2027-03-08 09:30"), "2027-03-08"), (dt.date(2027, 3, 8), "2027-03-08")],
)  # fmt: skip
def test_due_date_cells_as_people_write_them(cell: object, day: str) -> None:
    assert parse_due_date(cell) == (day, None)


def test_a_frame_with_a_datetime_due_date_column_and_gaps() -> None:
    receipts = frame(
        date=["2026-07-01", "2026-07-02"],
        covered_copay=[30_000, 10_000],
        nhis_paid=[70_000, 20_000],
        category=["pregnancy", ""],
        due_date=[pd.Timestamp(FIRST_DUE_MET), pd.NaT],
    )
    out = assess(receipts, "gen5", policy_start=START)
    assert out["payout"].tolist() == [20_000, 0]


def test_the_column_is_optional_and_not_listed_as_defaulted(tmp_path: Path) -> None:
    assert "due_date" in CANONICAL_COLUMNS and OPTIONAL_COLUMNS["due_date"] == ""
    receipts = read_receipts(write(tmp_path, HEADER, BIRTH))
    assert receipts["due_date"].tolist() == [""]
    assert "due_date" not in receipts.attrs["source"]["defaulted"]


def test_engine_and_reference_agree_on_decided_lines(tmp_path: Path) -> None:
    rows = [
        BIRTH + ",",
        f"나,2026-07-02,외래,의원,여성의원,임신,,,30000,70000,0,{LAST_DUE_NOT_MET}",
        f"나,2026-07-03,외래,의원,여성의원,임신,O26.8,,30000,70000,0,{FIRST_DUE_MET}",
        "나,2026-10-15,입원,병원,큰병원,,O82,3,100000,400000,0,",
        "나,2026-10-16,외래,의원,내과의원,,K29.7,,20000,40000,0,",
    ]
    receipts = read_receipts(write(tmp_path, HEADER + ",출산예정일", *rows))
    out = assess(receipts, "gen5", policy_start=START)
    ref = reference_assess(receipts, load_policy("gen5"), START)
    for col in ("payout", "excluded", "excluded_by"):
        assert out[col].tolist() == ref[col].tolist(), col


def test_gen4_excludes_pregnancy_covered_amounts_whatever_the_due_date(tmp_path: Path) -> None:
    path = write(
        tmp_path, HEADER + ",출산예정일", BIRTH.replace("2026-07-01", "2024-07-01") + ",2024-07-05"
    )
    out = assess(read_receipts(path), "gen4", policy_start="2022-01-01")
    # ① 300,000 (기본형 제4조) and ④ 500,000 (비급여 특약 제4조) of 임신·출산
    assert int(out["excluded"].iloc[0]) == 800_000
    assert int(out["payout"].iloc[0]) == 0
    assert "임신·출산" in out["excluded_by"].iloc[0]


@pytest.mark.parametrize(
    ("policy", "start"),
    [("gen1", "2008-01-01"), ("gen2", "2015-01-01"), ("gen2-choice1", "2012-01-01"),
     ("gen3", "2018-01-01"), ("gen3-choice2", "2018-01-01")],
)  # fmt: skip
def test_earlier_generations_exclude_pregnancy_whatever_the_due_date(
    tmp_path: Path, policy: str, start: str
) -> None:
    """표준약관 제4조 (and the 1세대 손보 wordings, assumed): 임신·출산 (제왕절개 포함)·산후기,
    O00–O99, is not covered, 급여 or 비급여; 5세대 is the first to cover its 급여."""
    path = write(tmp_path, HEADER, BIRTH.replace("2026-07-01", "2019-07-01"))
    out = assess(read_receipts(path), policy, policy_start=start)
    assert int(out["payout"].iloc[0]) == 0
    assert int(out["excluded"].iloc[0]) == 800_000
    assert "임신·출산" in out["excluded_by"].iloc[0]


def test_a_broken_rule_file_names_its_key(tmp_path: Path) -> None:
    good = (DATA_DIR / "pregnancy.toml").read_text(encoding="utf-8")
    bad = tmp_path / "pregnancy.toml"
    bad.write_text(good.replace('value = "O60-O84"', 'value = "O60~O84"'), encoding="utf-8")
    with pytest.raises(RuleDataError, match=r"gestation\.birth_codes"):
        pregnancy_rule(bad)
    bad.write_text(good.replace("value = 280", "value = -280"), encoding="utf-8")
    with pytest.raises(RuleDataError, match=r"condition\.days_before_due"):
        pregnancy_rule(bad)


@pytest.mark.parametrize(("due", "refused"), [("2027-04-12", False), ("2027-04-13", True)])
def test_a_due_date_no_pregnancy_allows_after_a_birth_is_refused(
    tmp_path: Path, due: str, refused: bool
) -> None:
    """A birth is at least 140 days into the pregnancy, so its due date is at most the birth day
    B + 140 (here B = 2026-11-20 + 3일 = 11-23, + 140 = 2027-04-12): a later one is a typo that
    would pass the condition."""
    row = f"나,2026-11-20,입원,병원,여성병원,출산,O80,3,300000,1200000,500000,{due}"
    receipts = read_receipts(write(tmp_path, HEADER + ",출산예정일", row))
    if not refused:
        assert assess(receipts, "gen5", policy_start=START)["payout"].tolist() == [490_000]
        return
    with pytest.raises(ReceiptError) as info:
        assess(receipts, "gen5", policy_start=START)
    assert "2행" in str(info.value) and "분만일 + 140일 이전의 날짜" in str(info.value)


def test_the_comparison_says_why_5th_generation_was_left_out(tmp_path: Path) -> None:
    """Compared beside gen4, a 5세대 refusal for a missing 출산예정일 is said as such (not as a
    missing ②, which the file has)."""
    from silson_tools.report import build_report

    path = write(tmp_path, HEADER, "나,2026-07-01,외래,의원,여성의원,임신,,,30000,70000,0")
    rep = build_report(read_receipts(path), "gen4", "2024-01-01", charts=False)
    said = " ".join(rep.comparison.attrs["skipped"].values())
    assert "5세대" in said and "출산예정일이 필요해 계산하지 않았습니다" in said
    assert "② 공단부담금이 없는 줄이 있어" not in said


def test_a_comparison_with_every_product_left_out_still_reports(tmp_path: Path) -> None:
    """``--compare gen5`` alone, gen5 left out for the missing 출산예정일: an empty comparison
    (and a chart saying so), not a KeyError."""
    from silson_tools.report import build_report
    from silson_tools.report.charts import report_figures

    path = write(tmp_path, HEADER, "나,2026-10-01,외래,의원,여성의원,임신,O26.8,,20000,40000,0")
    rep = build_report(read_receipts(path), "gen4", "2024-01-01", compare=["gen5"], charts=False)
    assert rep.comparison.empty and "5세대" in " ".join(rep.comparison.attrs["skipped"].values())
    assert set(report_figures(rep)) == {"monthly", "zones", "generations"}


def test_a_due_date_more_than_280_days_after_any_pregnancy_care_is_refused(tmp_path: Path) -> None:
    """임신 care on day D comes after the dating start (분만예정일 − 280일), so the due date is
    at most D + 280 (2026-07-01 + 280 = 2027-04-07): a later one is a typo that would pass
    the 280-day condition (2028-01-20 for 2027-01-20 paid 10,000)."""
    row = "나,2026-07-01,외래,의원,여성의원,임신,O26.8,,20000,40000,0"
    for due, refused in (("2027-04-07", False), ("2027-04-08", True), ("2028-01-20", True)):
        path = write(tmp_path, HEADER + ",출산예정일", f"{row},{due}")
        if refused:
            with pytest.raises(ReceiptError, match="분만예정일 확인"):
                assess(read_receipts(path), "gen5", policy_start="2026-05-10")
        else:  # 2026-05-10 + 280 = 2027-02-14 ≤ due: covered, 20,000 − 1만원
            out = assess(read_receipts(path), "gen5", policy_start="2026-05-10")
            assert int(out["payout"].iloc[0]) == 10_000
