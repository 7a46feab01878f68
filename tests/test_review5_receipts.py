"""Headers read by what their words mean, not by a list of spellings: a column holding what
the patient paid in all beside a 본인부담금 that already includes the 비급여 (the 비급여 would
be paid twice), and a column counting sessions or days above 1 (one line is one session);
and the small read gaps around them (입원일수 ``3.0``, 보험자/담당과 side columns, 링거,
취소여부 = 결제완료). Each read three ways (CSV, XLSX, DataFrame)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from three_ways import read_alike, read_three_ways, refused_alike

from silson_tools.errors import ReceiptError
from silson_tools.receipts import ReceiptLines, read_receipts

BASE = ["이름", "진료일자", "진료구분", "요양기관종류", "본인부담금", "비급여"]
LINE = ["나", "2024-03-05", "외래", "의원", 35000, 20000]

PAID_IN_ALL = ["납부금액", "환자부담금", "본인부담합계", "실납부액", "카드승인금액", "총 부담액",
               "실제 낸 돈", "금액", "결제 금액(원)", "수납 합계"]  # fmt: skip


@pytest.mark.parametrize("header", PAID_IN_ALL)
def test_a_paid_in_all_column_beside_a_copay_holding_the_noncovered_is_refused(
        tmp_path: Path, header: str) -> None:  # fmt: skip
    """① 35,000 already holds ④ 20,000: the column says 35,000 paid, ① + ④ = 55,000."""
    refused_alike(tmp_path, [*BASE, header], [[*LINE, 35000]], header, 35000,
                  "본인부담금에 비급여 20,000원이 들어 있다면")  # fmt: skip


@pytest.mark.parametrize("header", PAID_IN_ALL)
def test_a_paid_in_all_column_that_adds_up_is_read_and_said_checked(tmp_path: Path,
                                                                    header: str) -> None:
    for got in read_alike(tmp_path, [*BASE, header], [[*LINE, 55000]]):
        assert got["covered_copay"].tolist() == [35000]
        assert got["noncovered"].tolist() == [20000]
        source = got.attrs["source"]
        assert header not in source["ignored_columns"]
        if source["format"] != "DataFrame" or "notes" in source:
            assert any(header in n for n in source["notes"]), source["notes"]


def test_a_paid_in_all_column_equal_to_the_whole_bill_with_nhis_is_read(tmp_path: Path) -> None:
    """With a ② column a 합계 may be the whole bill ① + ② + ③ + ④ (as the listed totals)."""
    header = [*BASE, "공단부담금", "납부금액"]
    read_alike(tmp_path, header, [[*LINE, 10000, 65000]])


@pytest.mark.parametrize("header", ["공단부담액", "승인번호", "결제일", "비급여 부담액 메모",
                                    "이미 납부한 금액 비고", "청구금액"])  # fmt: skip
def test_headers_that_are_not_what_was_paid_stay_ignored(tmp_path: Path, header: str) -> None:
    for got in read_alike(tmp_path, [*BASE, header], [[*LINE, "A123"]]):
        assert header in got.attrs["source"]["ignored_columns"]


SIDE = ["이름", "진료일자", "진료구분", "요양기관종류", "병원명"]
MANUAL = ["이름", "진료일자", "진료구분", "요양기관종류", "병원명", "항목", "본인부담금", "비급여"]
SESSIONS = ["나", "2024-03-05", "외래", "의원", "가나의원", "도수치료", 0, 150000]
COUNTS = ["도수횟수", "치료회수", "받은 횟수", "횟수_회", "수량", "진료일수", "요양일수",
          "도수(회)", "시행 건수"]  # fmt: skip


@pytest.mark.parametrize("header", COUNTS)
def test_a_count_above_one_is_refused_not_read_as_one_session(tmp_path: Path,
                                                             header: str) -> None:
    refused_alike(tmp_path, [*MANUAL, header], [[*SESSIONS, 3]], header, 3, "한 줄에 한 번")


@pytest.mark.parametrize("header", COUNTS)
def test_a_count_of_one_is_read(tmp_path: Path, header: str) -> None:
    for got in read_alike(tmp_path, [*MANUAL, header], [[*SESSIONS, 1]]):
        assert got["noncovered"].tolist() == [150000]


@pytest.mark.parametrize("header", ["투약일수", "처방일수", "회차", "치료 회차"])
def test_days_of_medicine_and_session_numbers_are_not_counts(tmp_path: Path,
                                                              header: str) -> None:  # fmt: skip
    for got in read_alike(tmp_path, [*MANUAL, header], [[*SESSIONS, 30]]):
        assert header in got.attrs["source"]["ignored_columns"]


@pytest.mark.parametrize("header", ["진료일수", "요양일수", "요양급여일수"])
def test_days_of_care_on_an_inpatient_line_are_its_stay(tmp_path: Path, header: str) -> None:
    """HIRA/NHIS 진료일수 on a 입원 row is the stay's 입원일수 (read as such, one stay)."""
    head = ["이름", "진료일자", "진료구분", "요양기관종류", "병원명", header, "본인부담금",
            "공단부담금", "비급여"]  # fmt: skip
    rows = [["나", "2024-03-05", "입원", "종합병원", "큰병원", 5, 500000, 2000000, 0],
            ["나", "2024-04-05", "외래", "의원", "가나의원", 1, 15000, 36000, 0]]
    for got in read_alike(tmp_path, head, rows):
        assert got["days"].tolist() == [5, 0]
    rows[1][5] = 3  # the 외래 row's 3 visit days: one line per visit
    refused_alike(tmp_path, head, rows, header, 3, "한 줄에 한 번")


def test_inpatient_days_written_as_3_point_0_are_read_as_3(tmp_path: Path) -> None:
    """pandas writes a number column with blanks as 3.0 (and amounts as 15000.0)."""
    head = ["이름", "진료일자", "진료구분", "요양기관종류", "병원명", "입원일수", "본인부담금",
            "비급여"]  # fmt: skip
    rows = [["나", "2024-03-01", "외래", "병원", "작은병원", None, 15000.0, 0.0],
            ["나", "2024-03-02", "입원", "병원", "작은병원", 3.0, 15000.0, 0.0]]
    for got in read_alike(tmp_path, head, rows):
        assert got["days"].tolist() == [0, 3]
    path = tmp_path / "text.csv"
    pd.DataFrame(rows, columns=head).to_csv(path, index=False)
    assert "3.0" in path.read_text(encoding="utf-8")
    assert read_receipts(path)["days"].tolist() == [0, 3]


@pytest.mark.parametrize("header", ["보험자", "자격", "수진자 자격", "진료비구분"])
def test_car_insurance_under_a_bare_cover_header_is_refused(tmp_path: Path, header: str) -> None:
    head = [*SIDE, header, "본인부담금", "비급여"]
    row = ["나", "2024-03-05", "외래", "의원", "가나의원", "자동차보험", 20000, 50000]
    refused_alike(tmp_path, head, [row], header, "자동차보험", "건강보험 또는 의료급여")
    row[5] = "건강보험"
    read_alike(tmp_path, head, [row])


@pytest.mark.parametrize("header", ["과", "담당과", "진료파트"])
def test_dental_under_a_short_department_header_is_dental_care(tmp_path: Path,
                                                               header: str) -> None:
    head = [*SIDE, header, "본인부담금", "비급여"]
    row = ["나", "2024-03-05", "외래", "상급종합병원", "서울대병원", "치과", 20000, 150000]
    for got in read_alike(tmp_path, head, [row]):
        assert got["category"].tolist() == ["dental"]


@pytest.mark.parametrize("item", ["수액", "링거", "링겔", "수액주사"])
def test_drip_names_read_alike(tmp_path: Path, item: str) -> None:
    """수액 by its other names is read as 수액 is (비급여 주사); 영양수액 is asked about."""
    head = [*SIDE, "항목", "본인부담금", "비급여"]
    row = ["나", "2024-03-05", "외래", "의원", "가나의원", item, 0, 100000]
    for got in read_alike(tmp_path, head, [row]):
        assert got["category"].tolist() == ["injection"]
    row[5] = "영양수액"
    for got in read_three_ways(tmp_path, head, [row]):
        assert isinstance(got, ReceiptError)


@pytest.mark.parametrize("said", ["결제완료", "수납", "수납완료", "정상결제"])
def test_a_paid_mark_under_a_cancel_header_is_not_a_cancellation(tmp_path: Path,
                                                                  said: str) -> None:
    head = [*BASE, "취소여부"]
    read_alike(tmp_path, head, [[*LINE[:4], 15000, 20000, said]])
    refused_alike(tmp_path, head, [[*LINE[:4], 15000, 20000, "취소"]], "취소여부", "취소",
                  "취소·환불되지 않은")  # fmt: skip


def test_files_read_before_read_the_same(tmp_path: Path) -> None:
    """A file with the listed total, count and side columns reads as before."""
    head = [*BASE, "공단부담금", "환자부담총액", "횟수", "진료과", "비고"]
    rows = [[*LINE[:4], 15000, 20000, 36000, 35000, 1, "내과", "감기"],
            [*LINE[:4], 10000, 0, 24000, 10000, "", "내과", ""]]  # (blank beside 내과: which 통원?)
    for got in read_alike(tmp_path, head, rows):
        assert got["covered_copay"].tolist() == [15000, 10000]
        assert got.attrs["source"]["ignored_columns"] in (["비고"], ["횟수", "비고"])
    frame = ReceiptLines.from_frame(pd.DataFrame(rows, columns=head))
    assert frame["noncovered"].tolist() == [20000, 0]


SUM_HEAD = ["이름", "진료일자", "진료구분", "요양기관종류", "병원명", "본인부담금", "비급여"]
SUM_LINES = [["엄마", "2024-03-05", "외래", "의원", "가나의원", 15000, 50000],
             ["엄마", "2024-03-06", "외래", "의원", "가나의원", 15000, 0]]


def _files(tmp_path: Path, rows: list[list[object]]) -> list[object]:
    """The CSV and XLSX readings (spreadsheet rows; a DataFrame names index labels, so its
    total row is checked by :func:`test_a_total_row_of_a_dataframe_is_said_as_such`)."""
    return read_three_ways(tmp_path, SUM_HEAD, rows)[:2]


def _one_problem(got: object) -> object:
    assert isinstance(got, ReceiptError), got
    assert len(got.problems) == 1, got.problems
    return got.problems[0]


@pytest.mark.parametrize("row", [["합계", "", "", "", "", 30000, 50000],
                                 ["", "", "", "", "합계", 30000, 50000],
                                 ["", "", "", "", "", 30000, 50000]])  # fmt: skip
def test_a_total_row_equal_to_the_sums_is_said_as_such(tmp_path: Path,
                                                       row: list[object]) -> None:
    for got in _files(tmp_path, [*SUM_LINES, row]):
        problem = _one_problem(got)
        assert problem.row == 4
        assert "합계·소계 줄" in problem.expected and "2–3행의 합과 같습니다" in problem.expected
        assert "값이 필요합니다" not in problem.expected


def test_a_total_row_that_does_not_add_up_names_the_sum(tmp_path: Path) -> None:
    for got in _files(tmp_path, [*SUM_LINES, ["합계", "", "", "", "", 45000, 50000]]):
        problem = _one_problem(got)
        assert "합 30,000원, 이 줄 45,000원" in problem.expected
        assert problem.value == "합계"


def test_subtotals_then_a_grand_total(tmp_path: Path) -> None:
    rows = [SUM_LINES[0], ["소계", "", "", "", "", 15000, 50000], SUM_LINES[1],
            ["소계", "", "", "", "", 15000, 0], ["합계", "", "", "", "", 30000, 50000]]
    for got in _files(tmp_path, rows):
        assert isinstance(got, ReceiptError)
        assert [p.row for p in got.problems] == [3, 5, 6]
        assert all("합과 같습니다" in p.expected for p in got.problems), got.problems


def test_label_rows_are_said_as_labels(tmp_path: Path) -> None:
    rows = [["[3월]", "", "", "", "", "", ""], SUM_LINES[0],
            ["※ 5월 영수증은 분실", "", "", "", "", "", ""]]
    for got in _files(tmp_path, rows):
        assert isinstance(got, ReceiptError)
        assert [(p.row, p.value) for p in got.problems] == [(2, "[3월]"),
                                                            (4, "※ 5월 영수증은 분실")]
        assert all("제목·메모 줄" in p.expected for p in got.problems)


def test_the_header_again_is_said_as_such(tmp_path: Path) -> None:
    rows = [SUM_LINES[0], ["2024년", "", "", "", "", "", ""], SUM_HEAD, SUM_LINES[1]]
    for got in _files(tmp_path, rows):
        assert isinstance(got, ReceiptError)
        assert [p.row for p in got.problems] == [3, 4]
        assert "머리글이 다시 나온 줄" in got.problems[1].expected


def test_a_line_with_its_fields_left_blank_is_still_asked_to_be_filled(tmp_path: Path) -> None:
    """Amounts that are not a sum, or a name beside amounts: a line, not a total."""
    for row in (["", "", "", "", "", 7000, 0], ["엄마", "", "", "", "가나의원", 7000, 0]):
        for got in _files(tmp_path, [*SUM_LINES, row]):
            assert isinstance(got, ReceiptError)
            assert any("값이 필요합니다" in p.expected for p in got.problems)


def test_a_total_row_of_a_dataframe_is_said_as_such() -> None:
    frame = pd.DataFrame([*SUM_LINES, ["합계", None, None, None, None, 30000, 50000]],
                         columns=SUM_HEAD)  # fmt: skip
    with pytest.raises(ReceiptError) as err:
        ReceiptLines.from_frame(frame)
    assert len(err.value.problems) == 1


@pytest.mark.parametrize("header", ["약제비", "기타금액", "식대 (원)"])
def test_an_unplaced_money_column_with_an_amount_is_refused(tmp_path: Path,
                                                            header: str) -> None:
    refused_alike(tmp_path, [*BASE, header], [[*LINE[:4], 15000, 20000, 3000]], header, 3000,
                  "읽을 수 있는 열")  # fmt: skip
    for got in read_alike(tmp_path, [*BASE, header], [[*LINE[:4], 15000, 20000, 0]]):
        assert header in got.attrs["source"]["ignored_columns"]


@pytest.mark.parametrize("header", ["진료비", "의료비 합계"])
def test_a_bare_cost_column_is_checked_as_the_whole_bill(tmp_path: Path, header: str) -> None:
    """① + ③ + ④ ≤ 진료비 (② unknown): 35,000 + 20,000 > 35,000 — ① holds the ④."""
    refused_alike(tmp_path, [*BASE, header], [[*LINE, 35000]], header, 35000,
                  "본인부담금에 비급여 20,000원이 들어 있다면")  # fmt: skip
    read_alike(tmp_path, [*BASE, header], [[*LINE[:4], 15000, 20000, 80000]])


@pytest.mark.parametrize("said", ["외래(초진)", "재진", "초진"])
def test_first_and_return_visits_are_outpatient(tmp_path: Path, said: str) -> None:
    for got in read_alike(tmp_path, BASE, [[*LINE[:2], said, "의원", 15000, 20000]]):
        assert got["setting"].tolist() == ["outpatient"]


def test_a_total_row_names_the_column_that_does_not_add_up(tmp_path: Path) -> None:
    for got in _files(tmp_path, [*SUM_LINES, ["합계", "", "", "", "", 30000, 60000]]):
        assert "④ 비급여" in _one_problem(got).expected
        assert "합 50,000원, 이 줄 60,000원" in _one_problem(got).expected
