"""진료과 as a receipt-line column: read from CSV, XLSX (merged cells), DataFrames and the
scale path; two 진료과 of one hospital–day are two 통원, spellings that differ only in spacing
are one, spellings that differ only in a bracket note or case are refused, and a 약국 line
naming a hospital with two 통원 that day is refused unless a 방문묶음 ties it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest
from reference_engine import reference_assess
from three_ways import read_three_ways

from silson_tools import assess
from silson_tools.catalog import load_policy
from silson_tools.errors import ReceiptError
from silson_tools.receipts import ReceiptLines, as_receipt_lines, read_receipts
from silson_tools.receipts.pharmacy_join import PHARMACY_TIE_EXPECTED

HEAD = ["이름", "진료일자", "진료구분", "요양기관종류", "병원명", "진료과", "본인부담금",
        "공단부담금", "비급여"]  # fmt: skip
KEYED = [*HEAD[:6], "방문묶음", *HEAD[6:]]


def ortho(dept: str = "정형외과", name: str = "큰병원", day: str = "2024-03-05") -> list[Any]:
    """A 종합병원 외래 line: ① 20,000, ② 20,000, ④ 250,000 (alone under gen4: 175,000)."""
    return ["나", day, "외래", "종합병원", name, dept, 20000, 20000, 250000]


def pharmacy(name: str = "큰병원") -> list[Any]:
    return ["나", "2024-03-05", "약국", "약국", name, "", 5000, 5000, 0]


def keyed(row: list[Any], key: str) -> list[Any]:
    return [*row[:6], key, *row[6:]]


def payouts(lines: ReceiptLines, policy: str = "gen4", start: str = "2024-01-01") -> list[int]:
    """Engine payouts per line, checked equal to the row-by-row reference's."""
    got = assess(lines, policy, policy_start=start)["payout"].tolist()
    ref = reference_assess(lines, load_policy(policy), start)["payout"].tolist()
    assert got == ref
    return got


def problems(err: Any) -> list[tuple[int, str]]:
    assert isinstance(err, ReceiptError), err
    return [(p.row, p.column) for p in err.problems]


# --- reading the column --------------------------------------------------------------------


def test_two_departments_split_in_csv_xlsx_and_frame(tmp_path: Path) -> None:
    for got in read_three_ways(tmp_path, HEAD, [ortho(), ortho("안과")]):
        assert isinstance(got, ReceiptLines), got
        assert "department" in got.given_columns
        assert got["department"].tolist() == ["정형외과", "안과"]
        assert payouts(got) == [175_000, 175_000]  # one 통원 would be 220,000 in all


def test_spacing_and_width_are_one_department(tmp_path: Path) -> None:
    rows = [ortho(" 정형 외과 "), ortho("정형외과"), ortho("ＥＮＴ"), ortho("ENT")]
    for got in read_three_ways(tmp_path, HEAD, rows):
        assert got["department"].tolist() == ["정형외과", "정형외과", "ENT", "ENT"]
        said = [n for n in got.attrs["source"]["notes"] if n.startswith("진료과는")]
        assert said and "'정형 외과' → '정형외과'" in said[0] and "'ＥＮＴ' → 'ENT'" in said[0]
        assert "\\u" not in said[0]
        # two 통원 (정형외과, ENT) of two lines each: ① 40,000 − 2만원; ④ 20만원 per 통원
        assert sum(payouts(got)) == 2 * (20_000 + 200_000)


def test_an_unseen_space_is_named_in_the_note(tmp_path: Path) -> None:
    rows = [ortho("정형\u3000외과"), ortho("정형외과")]
    for got in read_three_ways(tmp_path, HEAD, rows):
        said = [n for n in got.attrs["source"]["notes"] if n.startswith("진료과는")]
        assert said and "'정형(전각 공백)외과' → '정형외과'" in said[0], said


@pytest.mark.parametrize(
    ("a", "b"),
    [("정형외과", "정형외과(OS)"), ("ENT", "ent"), ("내과 (소화기)", "내과")],
)
def test_bracket_or_case_spelling_is_refused_at_the_cells(tmp_path: Path, a: str, b: str) -> None:
    for got in read_three_ways(tmp_path, HEAD, [ortho(a), ortho(b)]):
        assert [r for r, _ in problems(got)] in ([2, 3], [0, 1])
        assert "한 가지로 쓴 진료과" in got.problems[0].expected


def test_a_visit_key_settles_the_spelling(tmp_path: Path) -> None:
    rows = [keyed(ortho("정형외과"), "a"), keyed(ortho("정형외과(OS)"), "a")]
    for got in read_three_ways(tmp_path, KEYED, rows):
        assert payouts(got) == [110_000, 110_000]  # one 통원, as the key says


def test_different_names_are_not_near(tmp_path: Path) -> None:
    got = read_three_ways(tmp_path, HEAD, [ortho("내과"), ortho("소화기내과")])
    assert all(isinstance(g, ReceiptLines) for g in got)


def test_merged_department_cells_in_xlsx(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    for r in [HEAD, ortho(), ortho(None), ortho("안과")]:
        sheet.append(r)
    sheet.merge_cells("F2:F3")  # 정형외과 over two lines
    path = tmp_path / "m.xlsx"
    book.save(path)
    lines = read_receipts(path)
    assert lines["department"].tolist() == ["정형외과", "정형외과", "안과"]
    assert payouts(lines) == [110_000, 110_000, 175_000]  # 정형외과 one 통원, 안과 another


def test_blank_department_row_in_xlsx_is_refused(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    for r in [HEAD, ortho(), ortho(None)]:
        book.active.append(r)
    path = tmp_path / "b.xlsx"
    book.save(path)
    with pytest.raises(ReceiptError) as info:
        read_receipts(path)
    assert [(p.row, p.column) for p in info.value.problems] == [(3, "F열 '진료과'")]


def test_a_department_code_header_is_read_and_an_item_header_is_not(tmp_path: Path) -> None:
    head = [*HEAD[:5], "진료과목코드", *HEAD[6:]]
    got = read_three_ways(tmp_path, head, [ortho("01"), ortho("05")])
    for g in got:
        assert "department" in g.given_columns and sum(payouts(g)) == 350_000
    head = [*HEAD[:5], "비급여과목", *HEAD[6:]]  # items, not departments: not read
    for g in read_three_ways(tmp_path, head, [ortho("도수치료"), ortho("MRI")]):
        assert "department" not in g.given_columns and sum(payouts(g)) == 220_000


def test_no_department_column_reads_as_before(tmp_path: Path) -> None:
    head = [h for h in HEAD if h != "진료과"]
    rows = [[c for j, c in enumerate(ortho()) if j != 5]] * 2
    for got in read_three_ways(tmp_path, head, rows):
        assert "department" not in got.given_columns
        assert "department" in got.attrs["source"]["defaulted"]
        assert sum(payouts(got)) == 220_000


def test_two_departments_without_hospital_names_are_two_visits(tmp_path: Path) -> None:
    head = [h for h in HEAD if h != "병원명"]
    rows = [[c for j, c in enumerate(r) if j != 4] for r in (ortho(), ortho("안과"))]
    lines = ReceiptLines.from_frame(pd.DataFrame(rows, columns=head))
    assert payouts(lines) == [175_000, 175_000]


def test_department_of_inpatient_lines_changes_nothing(tmp_path: Path) -> None:
    rows = [["나", "2024-03-05", "입원", "병원", "큰병원", d, 100000, 100000, 0] for d in
            ("내과", "외과")]  # fmt: skip
    head = [*HEAD, "입원일수"]
    lines = ReceiptLines.from_frame(pd.DataFrame([[*r, 1 + i] for i, r in enumerate(rows)],
                                                 columns=head))  # fmt: skip
    plain = lines.drop(columns="department")
    assert payouts(lines) == payouts(as_receipt_lines(plain))


# --- 약국 lines -----------------------------------------------------------------------------


def test_pharmacy_without_a_department_joins_its_prescriber(tmp_path: Path) -> None:
    rows = [ortho(), ortho(), pharmacy()]
    for got in read_three_ways(tmp_path, HEAD, rows):
        # one 통원: ① 45,000 − 2만원 = 25,000; ④ 500,000 − 30%, at most 20만원
        assert sum(payouts(got)) == 25_000 + 200_000


@pytest.mark.parametrize("head", [HEAD, KEYED])
def test_pharmacy_naming_a_hospital_with_two_visits_is_refused(tmp_path: Path,
                                                               head: list[str]) -> None:
    rows = [ortho(), ortho("안과"), pharmacy()]
    if head is KEYED:
        rows = [keyed(r, "") for r in rows]
    for got in read_three_ways(tmp_path, head, rows):
        assert len(got.problems) == 1
        p = got.problems[0]
        assert p.row in (4, 2) and "방문묶음" in p.column and "약국" in p.expected


def test_pharmacy_naming_a_hospital_with_two_keys_is_refused(tmp_path: Path) -> None:
    head = [h for h in KEYED if h != "진료과"]
    rows = [[c for j, c in enumerate(r) if j != 5] for r in
            (keyed(ortho(), "a"), keyed(ortho(), "b"), keyed(pharmacy(), ""))]  # fmt: skip
    for got in read_three_ways(tmp_path, head, rows):
        assert "방문묶음" in problems(got)[0][1] and len(got.problems) == 1
    rows[2][5] = "c"  # a key no 외래 line of that visit has: still which?
    for got in read_three_ways(tmp_path, head, rows):
        assert len(problems(got)) == 1


def test_pharmacy_tied_by_a_key_or_naming_another_place_is_read(tmp_path: Path) -> None:
    rows = [keyed(ortho(), "a"), keyed(ortho("안과"), ""), keyed(pharmacy(), "a")]
    for got in read_three_ways(tmp_path, KEYED, rows):
        assert isinstance(got, ReceiptLines), got
        # 정형외과 + 약국 one 통원 (① 25,000 − 2만원, ④ 175,000), 안과 another (175,000)
        assert sum(payouts(got)) == 5_000 + 175_000 + 175_000
    rows = [ortho(), ortho("안과"), pharmacy("온누리약국")]  # its own name: two 통원 of one
    for got in read_three_ways(tmp_path, HEAD, rows):  # tier, so whose prescription is asked
        assert isinstance(got, ReceiptError), got
        [problem] = got.problems  # row 4 of a file, index label 2 of a DataFrame
        assert problem.expected.startswith(PHARMACY_TIE_EXPECTED) and problem.row in (2, 4)
    rows = [ortho(), ortho("안과"), [*pharmacy()[:1], "2024-03-06", *pharmacy()[2:]]]
    for got in read_three_ways(tmp_path, HEAD, rows):  # filled the next day: its own 통원
        assert isinstance(got, ReceiptLines), got


def test_pharmacy_tied_to_the_second_visit_keeps_two_visits(tmp_path: Path) -> None:
    rows = [keyed(ortho(), "a"), keyed(ortho("안과"), "b"), keyed(pharmacy(), "b")]
    lines = read_receipts(_csv(tmp_path / "k.csv", KEYED, rows))
    got = assess(lines, "gen4", policy_start="2024-01-01")["payout"].tolist()
    assert sum(got) == 175_000 + 5_000 + 175_000  # now 225,000: one 통원 of all three


# --- the CLI and the scale path -------------------------------------------------------------


def _csv(path: Path, head: list[str], rows: list[list[Any]]) -> Path:
    frame = pd.DataFrame(rows, columns=head)
    frame.to_csv(path, index=False)
    return path


def _silson(*args: str) -> subprocess.CompletedProcess[str]:
    cli = Path(sys.executable).with_name("silson")
    return subprocess.run([str(cli), *args], capture_output=True, text=True, check=False)


def test_check_names_the_column_and_assess_splits(tmp_path: Path) -> None:
    path = _csv(tmp_path / "d.csv", HEAD, [ortho(), ortho("안과")])
    out = _silson("check", str(path))
    assert out.returncode == 0, out.stderr
    assert "진료과 → 진료과 (department)" in out.stdout
    for name in ("d.csv", "d.parquet"):
        source = path if name.endswith("csv") else tmp_path / name
        if name.endswith("parquet"):
            pd.DataFrame([ortho(), ortho("안과")], columns=HEAD).rename(
                columns={"진료과": "department"}).to_parquet(source)  # fmt: skip
        result = tmp_path / f"out_{name}.parquet"
        got = _silson("assess", str(source), "--policy", "gen4", "--start", "2024-01-01",
                      "--out", str(result), "--no-progress")  # fmt: skip
        assert got.returncode == 0, got.stderr
        assert pd.read_parquet(result)["payout"].tolist() == [175_000, 175_000], name


def test_check_refuses_a_pharmacy_between_two_visits(tmp_path: Path) -> None:
    path = _csv(tmp_path / "p.csv", HEAD, [ortho(), ortho("안과"), pharmacy()])
    out = _silson("check", str(path))
    assert out.returncode != 0
    assert "4행 (row 4), 방문묶음 (visit)" in out.stderr + out.stdout


def test_injections_are_one_act_per_department_visit() -> None:
    """비급여 주사 taken per 통원 (act_groups): two 진료과 are two acts, as the reference."""
    rows = [[*ortho(d)[:8], 50_000, "injection"] for d in ("정형외과", "안과")]
    lines = as_receipt_lines(pd.DataFrame(rows, columns=[*HEAD, "항목"]))
    for policy, start in (("gen4", "2024-01-01"), ("gen3", "2020-01-01")):
        got = assess(lines, policy, policy_start=start)
        ref = reference_assess(lines, load_policy(policy), start)
        assert got["payout"].tolist() == ref["payout"].tolist(), policy
        assert (got["payout"] + got["self_pay"] == 20_000 + 50_000).all()
    # gen4 주사: each act ④ 50,000 − max(30%, 3만원) = 20,000 (one act of both: 70,000)
    assert assess(lines, "gen4", policy_start="2024-01-01")["payout_noncovered"].sum() == 40_000
    assert np.asarray(lines["department"]).tolist() == ["정형외과", "안과"]
