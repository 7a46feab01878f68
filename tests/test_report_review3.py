"""The 상한제 step as a reader of the report would check it: the 요양병원 long stay with a
소득분위, items the NHIS ceiling does not count, and which 상한액 the report says it used."""

from __future__ import annotations

from datetime import date as dt_date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import silson_tools as st
from silson_tools.ceiling import CeilingSpec, CertainRefund
from silson_tools.report import build_report

HEAD = "이름,진료일자,진료구분,요양기관종류,병원명,항목,입원일수,본인부담금,비급여\n"


def _read(tmp_path: Path, body: str, name: str = "r.csv") -> pd.DataFrame:
    path = tmp_path / name
    path.write_text(HEAD + body, encoding="utf-8")
    return st.read_receipts(path)


def _paid(receipts: pd.DataFrame, decile: int | None) -> tuple[list[int], list[int], list[str]]:
    rep = build_report(receipts, "gen4", "2024-01-01", decile=decile, charts=False)
    lines = rep.assessed
    return lines["ceiling_offset"].tolist(), lines["payout"].tolist(), rep.why


LONG = "나,2024-01-02,입원,병원,행복요양병원,일반,130,{copay},0\n"


@pytest.mark.parametrize(
    ("copay", "decile", "offset", "payout"),
    [
        # 2024 4~5분위: 167만 normally, 235만 for more than 120 days in a 요양병원
        (4_000_000, 5, 1_650_000, 1_880_000),
        (4_000_000, 10, 0, 3_200_000),
        (4_000_000, None, 0, 3_200_000),
        # 10분위 요양병원 1,050만 is not reached: nothing comes back (not 900만 − 808만)
        (9_000_000, 10, 0, 7_200_000),
        (9_000_000, None, 0, 7_200_000),
        (9_000_000, 5, 6_650_000, 1_880_000),
    ],
)
def test_a_long_stay_takes_the_long_stay_ceiling_with_a_decile(
    tmp_path: Path, copay: int, decile: int | None, offset: int, payout: int
) -> None:
    offsets, payouts, why = _paid(_read(tmp_path, LONG.format(copay=copay)), decile)
    assert (offsets, payouts) == ([offset], [payout])
    if decile is not None and offset:
        assert any("요양병원 120일 초과 입원 (병원급 입원 130일)" in w for w in why), why


def test_a_short_stay_or_a_general_hospital_keeps_the_normal_ceiling(tmp_path: Path) -> None:
    short = _read(tmp_path, "나,2024-01-02,입원,병원,행복병원,일반,100,4000000,0\n", "s.csv")
    assert _paid(short, 5)[0] == [4_000_000 - 1_670_000]
    big = _read(tmp_path, "나,2024-01-02,입원,종합병원,큰병원,일반,200,4000000,0\n", "g.csv")
    assert _paid(big, 5)[0] == [4_000_000 - 1_670_000]


def test_the_long_stay_is_decided_per_year(tmp_path: Path) -> None:
    body = (
        "나,2023-01-02,입원,병원,행복요양병원,일반,130,100000,0\n"
        "나,2024-01-02,입원,병원,행복요양병원,일반,30,4000000,0\n"
    )
    offsets, _, _ = _paid(_read(tmp_path, body), 5)
    assert offsets == [0, 4_000_000 - 1_670_000]  # 2024: 30 days, the normal 상한액


@pytest.mark.parametrize("days", [0, 30, 130, 400])
@pytest.mark.parametrize("tier", ["병원", "종합병원", "의원"])
@pytest.mark.parametrize("year", [2018, 2022, 2023, 2024, 2026])
def test_every_decile_takes_at_least_the_certain_refund(
    tmp_path: Path, days: int, tier: str, year: int
) -> None:
    body = (
        f"나,{year}-01-02,입원,{tier},가병원,일반,{days},9000000,0\n"
        f"나,{year}-05-02,외래,상급종합병원,나병원,일반,,3000000,0\n"
    )
    receipts = _read(tmp_path, body)
    certain = CertainRefund().line_offsets(receipts)
    for decile in range(1, 11):
        taken = CeilingSpec(decile=decile).line_offsets(receipts)
        assert taken.sum() >= certain.sum(), (decile, taken, certain)


CHUNA = (
    "나,2024-03-05,입원,종합병원,큰병원,일반,10,2000000,0\n"
    "나,2024-06-05,외래,한의원,경희한의원,추나,,30000,0\n"
    "나,2024-06-12,외래,치과의원,미소치과,임플란트,,400000,0\n"
)


def test_items_the_ceiling_does_not_count_are_left_out(tmp_path: Path) -> None:
    offsets, payouts, why = _paid(_read(tmp_path, CHUNA), 5)
    # counted = 2,000,000 only; 4~5분위 167만 → refund 330,000
    assert offsets == [330_000, 0, 0]
    assert payouts == [1_336_000, 20_000, 200_000] and sum(payouts) == 1_556_000
    assert any("합계에 넣지 않았고" in w and "한방·치과 줄은" in w for w in why), why


def test_a_room_upgrade_copay_is_not_counted(tmp_path: Path) -> None:
    body = (
        "나,2024-03-05,입원,상급종합병원,대학병원A,일반,10,2000000,0\n"
        "나,2024-03-05,입원,상급종합병원,대학병원A,상급병실,10,1000000,0\n"
    )
    offsets, _, why = _paid(_read(tmp_path, body), 5)
    assert offsets == [330_000, 0]
    said = [w for w in why if "합계에 넣지 않았고" in w]
    assert len(said) == 1 and "1,000,000원" in said[0] and "한방·치과 줄은" not in said[0]


def test_the_uncounted_categories_are_rule_data_with_a_source() -> None:
    table = st.ceiling.load_table()
    assert table.uncounted == ("room_upgrade",)
    assert table.partly_uncounted == ("oriental", "dental")
    for key in ("uncounted_categories", "partly_uncounted_categories"):
        fact = table.facts[key]
        assert fact.references and fact.confidence in {"A", "B"} and fact.unit == "text"
    counted = st.ceiling.counted_copay(st.read_receipts(_write(CHUNA)))
    assert counted.tolist() == [2_000_000, 0, 0]
    assert np.all(counted >= 0)


def _write(body: str) -> Path:
    import tempfile

    path = Path(tempfile.mkdtemp()) / "c.csv"
    path.write_text(HEAD + body, encoding="utf-8")
    return path


# --- notebook 03's upload app: the person's own 계약일 ------------------------------------


def _widgets(box: object) -> list[object]:
    out, todo = [], [box]
    while todo:
        w = todo.pop()
        out.append(w)
        todo.extend(getattr(w, "children", ()))
    return out


def _upload(app: object, path: Path) -> str:
    """Give the app's upload box a file as the browser does; the HTML it then shows."""
    import ipywidgets as w

    upload = next(x for x in _widgets(app) if isinstance(x, w.FileUpload))
    output = next(x for x in _widgets(app) if isinstance(x, w.Output))
    content = path.read_bytes()
    import datetime as dt

    when = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    from traitlets import Bunch

    item = Bunch(name=path.name, type="text/csv", size=len(content),
                 content=memoryview(content), last_modified=when)  # fmt: skip
    upload.value = (item,)
    return "".join(str(o.get("data", {}).get("text/html", "")) for o in output.outputs)


def _html(shown: list[object]) -> str:
    texts = [
        x._repr_html_() if hasattr(x, "_repr_html_") else getattr(x, "data", "") for x in shown
    ]
    return " ".join(t for t in texts if isinstance(t, str))


UP = (
    "이름,진료일자,진료구분,요양기관종류,병원명,본인부담금,비급여\n"
    "나,2023-01-05,외래,의원,가나의원,30000,0\n"
    "나,2023-02-05,외래,의원,가나의원,30000,0\n"
    "나,2023-04-05,외래,의원,가나의원,30000,0\n"
)


def test_the_upload_app_has_a_contract_date_field_and_says_which_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ipywidgets as w

    from silson_tools.report import notebook as view

    shown: list[object] = []
    monkeypatch.setattr("IPython.display.display", lambda *a, **k: shown.extend(a))
    path = tmp_path / "up.csv"
    path.write_text(UP, encoding="utf-8")
    (tmp_path / "keep").mkdir()
    app = view.upload_app("gen4", None, None, folder=tmp_path / "keep")
    start = next(x for x in _widgets(app) if isinstance(x, w.Text))
    assert start.description == "계약일" and start.value == ""
    _upload(app, path)
    html = _html(shown)
    assert "계약일 (contract date)</b>: 2023-01-01 (주지 않아" in html
    assert "4세대" in html
    assert "보험금 60,000원" in html  # Jan–Feb are after the assumed 계약일: 3 × 20,000
    shown.clear()
    start.value = "2023-03-01"
    html = _html(shown)
    assert "2023-03-01 (입력한 계약일)" in html and "보험금 20,000원" in html


# --- 1–3세대, same-day 외래 lines without 병원명 -------------------------------------------

NONAME = (
    "이름,진료일자,진료구분,요양기관종류,항목,본인부담금,비급여{extra}\n"
    "나,2016-03-05,외래,종합병원,일반,105000,0{a}\n"
    "나,2016-03-05,외래,종합병원,MRI,0,595000{b}\n"
)


def _noname(tmp_path: Path, extra: str = "", a: str = "", b: str = "") -> pd.DataFrame:
    path = tmp_path / "noname.csv"
    path.write_text(NONAME.format(extra=extra, a=a, b=b), encoding="utf-8")
    return st.read_receipts(path)


def test_gen2_asks_for_the_institution_of_same_day_unnamed_outpatient_lines(
    tmp_path: Path,
) -> None:
    from silson_tools.errors import ReceiptError

    with pytest.raises(ReceiptError) as err:
        build_report(_noname(tmp_path), "gen2", "2014-01-01", charts=False)
    assert sorted(p.row for p in err.value.problems) == [2, 3]
    assert all("병원명" in p.expected and "방문묶음" in p.expected for p in err.value.problems)


@pytest.mark.parametrize(
    ("extra", "a", "b"),
    [(",병원명", ",큰병원", ",큰병원"), (",방문묶음", ",v1", ",v1")],
)
def test_a_name_or_a_visit_key_makes_them_one_visit(
    tmp_path: Path, extra: str, a: str, b: str
) -> None:
    rep = build_report(_noname(tmp_path, extra, a, b), "gen2", "2014-01-01", charts=False)
    assert int(rep.assessed["payout"].sum()) == 250_000  # one 통원: 700,000 − 4만 → cap 25만


def test_gen4_joins_them_and_the_comparison_leaves_1_3_out(tmp_path: Path) -> None:
    path = tmp_path / "n4.csv"
    path.write_text(NONAME.format(extra="", a="", b="").replace("2016", "2024"), encoding="utf-8")
    rep = build_report(st.read_receipts(path), "gen4", "2024-01-01", charts=False)
    skipped = rep.comparison.attrs["skipped"]
    assert all("rows 2, 3" in skipped[g] for g in ("gen1", "gen2", "gen3")), skipped


def test_the_assumption_says_what_the_engine_does_with_unnamed_lines() -> None:
    from silson_tools.report import ASSUMPTIONS

    text = " ".join(ASSUMPTIONS)
    assert "1–3세대에서 병원명이 없는 외래 줄은 각각 다른 통원" in text


# --- dates: after today, or after the ceiling table with a 소득분위 ------------------------

PLAIN = "나,{day},외래,의원,가나의원,일반,,15000,0\n"


def test_a_date_after_today_is_refused_at_its_cell(tmp_path: Path) -> None:
    from silson_tools.errors import ReceiptError

    body = PLAIN.format(day="2024-03-05") + PLAIN.format(day="2099-12-28")
    for decile in (None, 3):
        with pytest.raises(ReceiptError) as err:
            build_report(_read(tmp_path, body), "gen4", "2024-01-01", decile=decile, charts=False)
        (problem,) = err.value.problems
        assert (problem.row, problem.value) == (3, "2099-12-28")
        assert "오늘" in problem.expected and "이전의 진료일" in problem.expected


def test_with_a_decile_a_year_after_the_table_is_refused_in_korean(tmp_path: Path) -> None:
    from silson_tools.errors import ReceiptError
    from silson_tools.report.notes import check_dates

    last = max(st.ceiling.years())
    body = PLAIN.format(day="2024-03-05") + PLAIN.format(day=f"{last + 1}-01-05")
    lines = st.receipts.as_receipt_lines(_read(tmp_path, body))
    future = dt_date(last + 3, 1, 1)
    check_dates(lines, None, future)  # without a decile: nothing refused (left out, said)
    with pytest.raises(ReceiptError) as err:
        check_dates(lines, 3, future)
    (problem,) = err.value.problems
    assert problem.row == 3 and f"{last}년까지의 진료일" in problem.expected


def test_with_a_decile_care_before_the_ceiling_began_takes_nothing(tmp_path: Path) -> None:
    body = PLAIN.format(day="2003-03-05").replace("15000", "9000000")
    rep = build_report(_read(tmp_path, body), "gen1", "2003-01-01", decile=3, charts=False)
    assert rep.assessed["ceiling_offset"].tolist() == [0]


def test_one_decile_for_several_years_is_said(tmp_path: Path) -> None:
    body = PLAIN.format(day="2023-03-05") + PLAIN.format(day="2024-03-05")
    _, _, why = _paid(_read(tmp_path, body), 5)
    assert any("소득분위 하나를 모든 해 (2023, 2024) 에 적용했습니다" in w for w in why), why


# --- notebook 02: the 1세대 상급병실 numbers are said as the data says ----------------------


def test_notebook_02_says_the_gen1_room_numbers_are_unresolved() -> None:
    import json
    import tomllib

    root = Path(__file__).resolve().parents[1]
    gen1 = tomllib.loads((root / "silson_tools/data/products/gen1.toml").read_text("utf-8"))
    room = gen1["parts"]["room"]["room"]
    rate = next(iter(room["rate"]["values"].values()))
    assert rate["confidence"] == "C" and "UNRESOLVED" in rate["note"]  # what the prose follows
    cells = json.loads((root / "notebooks/02_generations.ipynb").read_text("utf-8"))["cells"]
    text = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    assert "모든 세대에서 50% 보상" not in text
    assert "1세대도 같은 50%와 하루 10만원으로 계산했지만" in text and "신뢰도 C·미해결" in text


# --- one 소득분위 per year ------------------------------------------------------------------

TWO_YEARS = (
    "나,2023-01-02,입원,종합병원,큰병원,일반,10,3000000,0\n"
    "나,2024-01-02,입원,종합병원,큰병원,일반,10,3000000,0\n"
)


def test_a_decile_per_year_takes_each_years_refund(tmp_path: Path) -> None:
    from silson_tools.report.deciles import parse_deciles

    assert parse_deciles("2023=3, 2024=7") == {2023: 3, 2024: 7} and parse_deciles("5") == 5
    receipts = _read(tmp_path, TWO_YEARS)
    rep = build_report(receipts, "gen4", "2023-01-01", decile={2023: 3, 2024: 5}, charts=False)
    # 2023 3분위 108만, 2024 4~5분위 167만
    assert rep.assessed["ceiling_offset"].tolist() == [3_000_000 - 1_080_000, 3_000_000 - 1_670_000]
    assert not any("모든 해" in w for w in rep.why)
    one = build_report(receipts, "gen4", "2023-01-01", decile=5, charts=False)
    assert one.assessed["ceiling_offset"].tolist() == [3_000_000 - 1_620_000, 3_000_000 - 1_670_000]


def test_a_year_without_its_decile_is_refused_naming_the_row(tmp_path: Path) -> None:
    from silson_tools.errors import ReceiptError

    with pytest.raises(ReceiptError) as err:
        build_report(_read(tmp_path, TWO_YEARS), "gen4", "2023-01-01", decile={2023: 3})
    (problem,) = err.value.problems
    assert (problem.row, problem.value) == (3, "2024-01-02")


def test_the_cli_reads_year_deciles(tmp_path: Path) -> None:
    from silson_tools.report.cli import main

    path = tmp_path / "two.csv"
    path.write_text(HEAD + TWO_YEARS, encoding="utf-8")
    args = [str(path), "--policy", "gen4", "--start", "2023-01-01", "--out", str(tmp_path / "o")]
    assert main(["report", *args, "--decile", "2023=3,2024=5"]) == 0
    text = (tmp_path / "o" / "report.md").read_text("utf-8")
    assert "2023년 3분위, 2024년 5분위" in text
