"""A 약국 line whose prescriber the file does not say, on a day of two or more 외래 통원 of the
same highest tier, is asked for its 방문묶음 (the engine would join the first listed, so the
payout followed the row order); a key, a named prescriber or a higher tier settles it."""

from __future__ import annotations

from pathlib import Path

import pytest

from silson_tools import assess
from silson_tools.errors import ReceiptError
from silson_tools.receipts import read_receipts
from silson_tools.receipts.pharmacy_join import PHARMACY_TIE_EXPECTED

HEAD = "이름,진료일자,진료구분,요양기관종류,병원명,진료과,방문묶음,본인부담금,공단부담금,비급여\n"
A = "나,2024-03-05,외래,의원,A의원,,{k},15000,20000,0\n"
B = "나,2024-03-05,외래,의원,B의원,,{k},8000,20000,0\n"
ORTHO = "나,2024-03-05,외래,의원,연세의원,정형외과,{k},15000,20000,0\n"
EYE = "나,2024-03-05,외래,의원,연세의원,안과,{k},8000,20000,0\n"
PH = "나,2024-03-05,약국,약국,{name},,{k},6000,10000,0\n"


def _read(tmp_path: Path, *rows: str):
    path = tmp_path / "p.csv"
    path.write_text(HEAD + "".join(rows), encoding="utf-8")
    return read_receipts(path)


def _asked(tmp_path: Path, *rows: str) -> list[int]:
    with pytest.raises(ReceiptError) as err:
        _read(tmp_path, *rows)
    problems = err.value.problems
    assert all(p.expected.startswith(PHARMACY_TIE_EXPECTED) for p in problems), problems
    return [p.row for p in problems]


@pytest.mark.parametrize(
    "visits", [(A, B), (B, A), (ORTHO, EYE), (EYE, ORTHO)], ids=["AB", "BA", "OE", "EO"]
)
def test_an_unnamed_prescriber_between_two_visits_is_asked(tmp_path, visits) -> None:
    rows = [v.format(k="") for v in visits]
    assert _asked(tmp_path, *rows, PH.format(name="온누리약국", k="")) == [4]


def test_two_keys_at_one_hospital_and_a_keyless_pharmacy_line_is_asked(tmp_path) -> None:
    rows = [A.format(k="a"), A.replace("15000", "9000").format(k="b")]
    assert _asked(tmp_path, *rows, PH.format(name="온누리약국", k="")) == [4]


def test_without_a_hospital_column_two_departments_are_asked(tmp_path) -> None:
    def drop_name(row: str) -> str:
        cells = row.split(",")
        return ",".join(cells[:4] + cells[5:])

    path = tmp_path / "n.csv"
    head = drop_name(HEAD)
    path.write_text(
        head + "".join(drop_name(r.format(k="", name="")) for r in (EYE, ORTHO, PH)), "utf-8"
    )
    with pytest.raises(ReceiptError) as err:
        read_receipts(path)
    (problem,) = err.value.problems
    assert problem.row == 4 and problem.expected.startswith(PHARMACY_TIE_EXPECTED)
    assert problem.expected.endswith("by first row): 2행 안과, 3행 정형외과")


def test_the_refusal_names_the_candidate_visits(tmp_path) -> None:
    """The person answers without searching: each candidate 통원's first row and what tells it
    apart; a 약국 line naming a hospital of two 진료과 is told that hospital's two 통원."""
    with pytest.raises(ReceiptError) as err:
        _read(tmp_path, B.format(k=""), A.format(k=""), PH.format(name="온누리약국", k=""))
    assert err.value.problems[0].expected.endswith(": 2행 B의원, 3행 A의원")
    with pytest.raises(ReceiptError) as err:
        _read(tmp_path, EYE.format(k=""), A.format(k=""), ORTHO.format(k=""),
              PH.format(name="연세 의원", k=""))  # fmt: skip
    (problem,) = err.value.problems
    assert problem.row == 5 and problem.expected.endswith(
        "by first row): 2행 연세의원 안과, 4행 연세의원 정형외과"
    )


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_a_key_settles_it_whatever_the_row_order(tmp_path, order) -> None:
    # 4세대 급여 통원: the 약국 line joins B의원's 통원 by its key: 8,000 + 6,000 − 1만 = 4,000;
    # A의원 alone 15,000 − 1만 = 5,000 → 9,000 in either order
    visits = [A.format(k="a"), B.format(k="b")]
    rows = [visits[i] for i in order] + [PH.format(name="온누리약국", k="b")]
    got = assess(_read(tmp_path, *rows), "gen4", policy_start="2024-01-01")
    assert got["payout"].sum() == 9_000


def test_a_named_prescriber_settles_it(tmp_path) -> None:
    rows = [A.format(k=""), B.format(k=""), PH.format(name="B의원", k="")]
    got = assess(_read(tmp_path, *rows), "gen4", policy_start="2024-01-01")
    assert got["payout"].sum() == 9_000


def test_a_higher_tier_is_the_prescriber_taken(tmp_path) -> None:
    # one 의원 and one 종합병원: the 약국 line joins the 종합병원 통원 (the documented rule,
    # not a row-order guess): 종합 8,000 + 6,000 − 2만 → 0; 의원 15,000 − 1만 = 5,000
    general = B.replace("의원,B의원", "종합병원,B병원")
    for rows in ([A, general], [general, A]):
        lines = _read(tmp_path, *[r.format(k="") for r in rows], PH.format(name="온누리약국", k=""))
        got = assess(lines, "gen4", policy_start="2024-01-01")
        assert got["payout"].sum() == 5_000


def test_one_visit_a_day_is_never_asked(tmp_path) -> None:
    lines = _read(tmp_path, A.format(k=""), PH.format(name="온누리약국", k=""))
    got = assess(lines, "gen4", policy_start="2024-01-01")
    assert got["payout"].sum() == 15_000 + 6_000 - 10_000


def test_a_prescriber_seen_on_another_day_is_not_asked(tmp_path) -> None:
    later = PH.replace("2024-03-05", "2024-03-06").format(name="A의원", k="")
    _read(tmp_path, A.format(k=""), B.format(k=""), later)  # its own 통원 at A의원's tier


def test_a_key_ties_a_pharmacy_line_at_its_visits_tier_whatever_it_names(tmp_path) -> None:
    # the 약국 line names B병원 (종합병원, seen on 3/1) but its key ties it to A의원's 통원 of
    # 3/5: one 통원 at 의원's 1만원 minimum, ① 21,000 − 1만 = 11,000 (not B병원's 2만원: 1,000)
    rows = [
        "나,2024-03-01,외래,종합병원,B병원,,,8000,20000,0\n",
        A.format(k="k"),
        PH.format(name="B병원", k="k"),
    ]
    got = assess(_read(tmp_path, *rows), "gen4", policy_start="2024-01-01")
    assert got["payout"].tolist() == [0, 7_857, 3_143]
