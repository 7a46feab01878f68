"""The receipt columns that say what care was for (산정특례 ``severe``, 상병코드 ``diagnosis``),
the 5세대 ② 공단부담금 check and its labelled estimate, and the 할인·할증 count without
산정특례 lines: read from files as people write them, refused with their place otherwise."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from silson_tools import assess, read_receipts
from silson_tools.errors import InputError, ReceiptError
from silson_tools.premium import window_totals
from silson_tools.receipts.flags import parse_diagnosis, parse_severe

HEADER = "진료일,진료구분,요양기관종류,본인부담금,공단부담금,비급여,입원일수"


def write(tmp_path: Path, header: str, *rows: str) -> Path:
    path = tmp_path / "receipts.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("cell", "flag"),
    [("예", True), ("O", True), ("y", True), ("산정특례", True), ("1", True), ("V", True),
     ("아니오", False), ("X", False), ("no", False), ("0", False), ("비중증", False)],
)  # fmt: skip
def test_severe_cells_as_people_write_them(cell: str, flag: bool) -> None:
    assert parse_severe(cell) == (flag, None)


@pytest.mark.parametrize(
    ("cell", "code"),
    [("F32.9", "F32.9"), ("f329", "F32.9"), (" K08.1 ", "K08.1"), ("C50", "C50"),
     ("G63.2*", "G63.2"), ("S82.01", "S82.01"), ("Ｆ３２", "F32")],
)  # fmt: skip
def test_diagnosis_codes_are_kept_in_one_form(cell: str, code: str) -> None:
    assert parse_diagnosis(cell) == (code, None)


@pytest.mark.parametrize(
    "cell", ["F3", "32.9", "F32.999", "F32.9, I10", "우울증", "FF32", "F3²", "F₃2"]
)
def test_malformed_diagnosis_codes_are_refused(cell: str) -> None:
    value, expected = parse_diagnosis(cell)
    assert value is None and "상병코드" in expected


def test_a_bad_severe_cell_names_row_column_and_value(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER + ",산정특례",
        "2026-06-02,외래,의원,0,0,50000,0,예",
        "2026-06-03,외래,의원,0,0,50000,0,아마도",
    )
    with pytest.raises(ReceiptError) as err:
        read_receipts(path)
    (problem,) = err.value.problems
    assert problem.row == 3 and "산정특례" in problem.column and problem.value == "아마도"
    assert "예 또는 아니오" in problem.expected


def test_a_bad_diagnosis_cell_names_row_column_and_value(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + ",상병코드", "2026-06-02,외래,의원,0,0,50000,0,F32.9 K60")
    with pytest.raises(ReceiptError) as err:
        read_receipts(path)
    (problem,) = err.value.problems
    assert problem.row == 2 and "상병코드" in problem.column and problem.value == "F32.9 K60"


def test_a_file_routes_severe_lines_to_rider_1_and_excludes_by_diagnosis(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER + ",중증여부,상병코드",
        "2026-06-02,외래,의원,0,0,100000,0,O,F32.9",  # 특약1: max(30%, 3만원) → 70,000
        "2026-06-03,외래,의원,0,0,100000,0,X,F32.9",  # 특약2 excludes F04–F99
        "2026-06-04,외래,의원,0,0,100000,0,,J20.9",  # 특약2: max(50%, 5만원) → 50,000
    )
    lines = read_receipts(path)
    assert lines["severe"].tolist() == [True, False, False]
    assert lines["diagnosis"].tolist() == ["F32.9", "F32.9", "J20.9"]
    out = assess(lines, "gen5", policy_start="2026-06-01")
    assert out["payout"].tolist() == [70_000, 0, 50_000]
    assert out["excluded_by"].tolist()[1].startswith("특약2 보장 제외: 정신")
    assert out["excluded_by"].tolist()[0] == out["excluded_by"].tolist()[2] == ""


def frame(**columns: list) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    base = {
        "date": ["2026-06-02"] * n,
        "setting": ["outpatient"] * n,
        "tier": ["clinic"] * n,
        "covered_copay": [0] * n,
        "noncovered": [0] * n,
    }
    return pd.DataFrame(base | columns)


def test_missing_nhis_share_under_gen5_names_every_row() -> None:
    receipts = frame(
        date=["2026-06-02", "2026-06-03", "2026-06-04"],
        setting=["outpatient", "pharmacy", "outpatient"],
        tier=["clinic", "pharmacy", "general"],
        covered_copay=[30_000, 9_000, 50_000],
        nhis_paid=[70_000, 0, 0],
    )
    with pytest.raises(ReceiptError) as err:
        assess(receipts, "gen5", policy_start="2026-06-01")
    assert [p.row for p in err.value.problems] == [1, 2]  # the index labels
    for problem in err.value.problems:
        assert "② 공단부담금" in problem.expected and "estimate" in problem.expected


def test_the_estimate_is_asked_for_and_labelled() -> None:
    receipts = frame(
        setting=["outpatient", "pharmacy", "outpatient"],
        tier=["clinic", "pharmacy", "general"],
        covered_copay=[30_000, 9_000, 50_000],
        nhis_paid=[70_000, 0, 0],
        date=["2026-06-02", "2026-06-03", "2026-06-04"],
    )
    out = assess(receipts, "gen5", policy_start="2026-06-01", estimate_nhis=True)
    # 약국 30% → ② ≈ 9,000 × 0.7 ÷ 0.3 = 21,000; 종합병원 50% → 50,000; a given ② stays
    assert out["nhis_paid_estimate"].tolist() == [0, 21_000, 50_000]
    assert out["nhis_paid"].tolist() == [70_000, 0, 0]  # the receipt's own column is untouched
    assert (out["payout"] + out["self_pay"] == out["claim"]).all()
    plain = assess(receipts.assign(nhis_paid=[70_000, 21_000, 50_000]), "gen5", "2026-06-01")
    assert out["payout"].tolist() == plain["payout"].tolist()
    assert "nhis_paid_estimate" not in plain.columns


def test_gen4_needs_no_nhis_share() -> None:
    out = assess(frame(covered_copay=[30_000]), "gen4", policy_start="2024-01-01")
    assert out["payout"].tolist() == [20_000]


def test_severe_lines_are_left_out_of_the_surcharge_count() -> None:
    receipts = frame(
        date=["2026-06-02", "2026-06-03"],
        noncovered=[1_000_000, 1_000_000],
        severe=["예", "아니오"],
    )
    out = assess(receipts, "gen5", policy_start="2026-06-01")
    out["nonbenefit_payout"] = out["payout_noncovered"]
    totals = window_totals(out, "2027-08-01")
    assert int(totals["paid"].iloc[0]) == int(out["payout_noncovered"].iloc[1])
    assert int(totals["excluded"].iloc[0]) == int(out["payout_noncovered"].iloc[0])
    with pytest.raises(InputError, match="row 1"):
        window_totals(out.assign(severe=["예", "글쎄"]), "2027-08-01")


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 60),  # day offset
            st.sampled_from(["inpatient", "outpatient"]),
            st.sampled_from(["clinic", "general", "tertiary"]),
            st.integers(0, 3_000_000),
            st.sampled_from(["", "manual_therapy", "injection", "injection_exempt", "mri"]),
            st.booleans(),
            st.sampled_from(["", "F32.9", "K64", "C50.9", "O80"]),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_every_line_adds_up_and_severe_never_matters_outside_gen5(rows: list[tuple]) -> None:
    day0 = np.datetime64("2026-06-01")
    receipts = pd.DataFrame(
        {
            "date": [str(day0 + np.timedelta64(d, "D")) for d, *_ in rows],
            "setting": [s for _, s, *_ in rows],
            "tier": [t for _, _, t, *_ in rows],
            "covered_copay": [0] * len(rows),
            "noncovered": [a for *_, a, _, _, _ in rows],
            "days": [1 if s == "inpatient" else 0 for _, s, *_ in rows],
            "category": [c for *_, c, _, _ in rows],
            "severe": [f for *_, f, _ in rows],
            "diagnosis": [g for *_, g in rows],
        }
    )
    for name in ("gen4", "gen5"):
        out = assess(receipts, name, policy_start="2026-06-01")
        assert (out["payout"] + out["self_pay"] == out["claim"]).all()
        assert ((out["excluded"] > 0) == (out["excluded_by"] != "")).all()
    flipped = receipts.assign(severe=~receipts["severe"])
    a = assess(receipts, "gen4", policy_start="2026-06-01")["payout"]
    b = assess(flipped, "gen4", policy_start="2026-06-01")["payout"]
    assert a.tolist() == b.tolist()


def test_the_report_names_a_generation_it_could_not_assess_and_labels_estimates() -> None:
    from silson_tools.report import build_report

    receipts = frame(
        date=["2026-06-02", "2026-06-03"],
        tier=["clinic", "general"],
        covered_copay=[30_000, 50_000],
        noncovered=[100_000, 0],
    )
    report = build_report(receipts, "gen4", policy_start="2026-05-01", charts=False)  # sold then
    assert "gen5" not in report.comparison.index
    assert "--estimate-nhis" in report.comparison.attrs["skipped"]["gen5"]
    with pytest.raises(ReceiptError):
        build_report(receipts, "gen5", policy_start="2026-06-01", charts=False)
    est = build_report(
        receipts, "gen5", policy_start="2026-06-01", charts=False, estimate_nhis=True
    )
    assert "추정" in est.comparison.loc["gen5", "label"]
    assert "추정" in " ".join(est.why)
    assert est.assessed["nhis_paid_estimate"].tolist() == [70_000, 50_000]


def test_notebook_02_examples_pay_what_the_terms_say() -> None:
    from silson_tools.teaching import special_cases as cases

    dup = cases.duplicate_table().text
    assert "450,000원" in dup and "900,000원" in dup  # 금융꿀팁: 45만원 each, 90만원 in all
    severe = cases.severe_table().text.splitlines()
    assert len(severe) == 4 and "400,000원" in severe[2]  # the 500만원 deductible cap paid back
