"""The comparison table leaves out a compared product whose own report would refuse the file's
unnamed lines (입원 1건당 한도, 입원 중 비급여 주사 1회, same-day 주사): it names the rows and
the rule instead of taking each unnamed line as an admission or act of its own."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import silson_tools as st
from silson_tools.report import build_report, compare_policies
from silson_tools.report.charts import plot_policies
from silson_tools.report.notebook import comparison_table
from silson_tools.report.render import render_markdown

HEAD = (
    "이름,진료일,진료구분,요양기관종류,{name}항목,입원일수,본인부담금,공단부담금,전액본인부담,"
    "비급여\n"
)
# two touching 병원 stays (7/1 10일, 7/11 5일), no 병원명: one admission (one 300만원 under
# 5세대 특약2) or two
STAYS = (
    "가영,2026-07-01,입원,병원,{a},10,200000,800000,0,8000000\n"
    "가영,2026-07-11,입원,병원,{b},5,100000,400000,0,6000000\n"
)
# one stay with two 비급여 주사 lines (3세대–5세대: one act per admission)
ACTS = (
    "나래,2026-07-01,입원,병원,{a},10,100000,400000,0,500000\n"
    "나래,2026-07-03,입원,병원,{a}주사,0,0,0,0,300000\n"
    "나래,2026-07-05,입원,병원,{b}주사,0,0,0,0,300000\n"
)


def _lines(tmp_path: Path, body: str, a: str = "", b: str = "") -> pd.DataFrame:
    named = bool(a or b)
    text = HEAD.format(name="병원명," if named else "") + body.format(
        a=f"{a}," if named else "", b=f"{b}," if named else ""
    ).replace(",,주사", ",주사")
    path = tmp_path / "r.csv"
    path.write_text(text, encoding="utf-8")
    return st.read_receipts(path)


def test_unnamed_touching_stays_leave_5th_generation_out(tmp_path: Path) -> None:
    rep = build_report(_lines(tmp_path, STAYS), "gen2", "2015-01-01", charts=False)
    assert "gen5" not in rep.comparison.index  # computed per line before: 6,240,000원, no word
    assert {"gen2", "gen4"} <= set(rep.comparison.index)
    why = rep.comparison.attrs["skipped"]["gen5"]
    assert why.startswith("5세대 실손") and "rows 2, 3" in why and "입원 1건당 보장한도" in why
    assert "주사" not in why  # only the rule that is undecided is named
    assert list(rep.comparison.attrs["skipped"]) == ["gen5"]


def test_named_stays_are_compared(tmp_path: Path) -> None:
    one = build_report(_lines(tmp_path, STAYS, "가나병원", "가나병원"), "gen2", "2015-01-01",
                       charts=False)  # fmt: skip
    two = build_report(_lines(tmp_path, STAYS, "가나병원", "다라병원"), "gen2", "2015-01-01",
                       charts=False)  # fmt: skip
    assert not one.comparison.attrs["skipped"] and not two.comparison.attrs["skipped"]
    # the two readings the unnamed file could not tell apart differ by a 300만원 cap
    assert one.comparison.loc["gen5", "visit_cap"] == 1_000_000 + 3_000_000
    assert two.comparison.loc["gen5", "visit_cap"] == 1_000_000


def test_unnamed_injections_in_one_stay_leave_3rd_to_5th_out(tmp_path: Path) -> None:
    rep = build_report(_lines(tmp_path, ACTS), "gen2", "2015-01-01", charts=False)
    skipped = rep.comparison.attrs["skipped"]
    assert list(skipped) == ["gen3", "gen3-choice2", "gen4", "gen5"]
    assert all("rows 2, 3, 4" in w and "입원 중 비급여 주사 1회" in w for w in skipped.values())
    assert "입원 1건당 보장한도" in skipped["gen5"] and "입원 1건당" not in skipped["gen4"]
    assert list(rep.comparison.index) == ["gen1", "gen2", "gen2-choice1", "gen2-choice2"]


def test_the_reasons_are_shown_where_the_table_is(tmp_path: Path) -> None:
    rep = build_report(_lines(tmp_path, STAYS), "gen2", "2015-01-01", charts=False)
    why = rep.comparison.attrs["skipped"]["gen5"]
    text = render_markdown(rep)
    table_at = text.index("## 5.")
    assert table_at < text.index(why) < text.index("## 가정과 한계")
    assert why in comparison_table(rep).html  # notebook 03's table
    label = plot_policies(rep.comparison, "gen2").axes[0].get_xlabel()
    assert "계산하지 않음" in label and "5세대" in label


def test_compare_policies_checks_every_product(tmp_path: Path) -> None:
    out = compare_policies(_lines(tmp_path, STAYS), policy_start="2015-01-01")
    assert "gen5" not in out.index and "rows 2, 3" in out.attrs["skipped"]["gen5"]


@pytest.mark.parametrize(("policy", "start"), [("gen5", "2026-06-01"), ("gen4", "2022-01-01")])
def test_the_chosen_product_still_refuses(tmp_path: Path, policy: str, start: str) -> None:
    body = STAYS if policy == "gen5" else ACTS
    with pytest.raises(st.ReceiptError):
        build_report(_lines(tmp_path, body), policy, start, charts=False)


def test_unnamed_visits_leave_1st_to_3rd_out(tmp_path: Path) -> None:
    """Same-day unnamed 외래 lines at one tier and 진료과: 4세대 joins them (one 통원);
    1–3세대 take each as a 통원 of its own and their own report asks, so their columns are
    left out with the rows and the rule, as for unnamed stays (a guess said under the table
    before)."""
    path = tmp_path / "v.csv"
    path.write_text(
        "이름,진료일,진료구분,요양기관종류,본인부담금,비급여\n"
        "다온,2024-03-05,외래,의원,8000,30000\n다온,2024-03-05,외래,의원,4000,20000\n",
        encoding="utf-8",
    )
    rep = build_report(st.read_receipts(path), "gen4", "2024-01-01", charts=False)
    skipped = rep.comparison.attrs["skipped"]
    assert {"gen1", "gen2", "gen3"} <= set(skipped)
    assert not {"gen1", "gen2", "gen3"} & set(rep.comparison.index)
    assert {"gen4", "gen5"} & set(rep.comparison.index) == {"gen4"} | (
        {"gen5"} - set(skipped)
    )
    assert "rows 2, 3" in skipped["gen2"] and "통원 1회당" in skipped["gen2"]
    assert "입원" not in skipped["gen2"].split(":")[2]  # only the undecided rule is named
    assert not rep.comparison.attrs["notes"]
    text = render_markdown(rep)
    why = skipped["gen2"].partition(": ")[2]
    assert text.count(why) == 1  # one line for the products left out for the same reason
    line = next(x for x in text.splitlines() if why in x)
    assert all(rep.comparison.attrs["skipped"][g].partition(": ")[0] in line
               for g in ("gen2", "gen3"))  # fmt: skip (gen1's ~ is escaped)


def test_unnamed_visits_of_two_departments_are_not_asked(tmp_path: Path) -> None:
    """Two 진료과 are two 통원 at one institution too: the 병원명 could not change the
    number, so 1–3세대 neither ask nor leave the column out (same-진료과 lines are asked)."""
    text = (
        "이름,진료일,진료구분,요양기관종류,진료과,본인부담금,공단부담금,비급여\n"
        "나,2016-03-05,외래,의원,정형외과,15000,20000,0\n"
        "나,2016-03-05,외래,의원,{second},8000,20000,0\n"
    )
    path = tmp_path / "d.csv"
    path.write_text(text.format(second="안과"), encoding="utf-8")
    rep = build_report(st.read_receipts(path), "gen2", "2016-01-01", charts=False)
    assert rep.assessed["payout"].tolist() == [5_000, 0]  # each 통원 its 1만원 minimum
    assert {"gen1", "gen2", "gen3"} <= set(rep.comparison.index)
    for name in ("가의원", "나의원"):  # either answer: the same number
        named = tmp_path / f"{name}.csv"
        pd.read_csv(path).assign(병원명=[name, "가의원"]).to_csv(named, index=False)
        again = build_report(st.read_receipts(named), "gen2", "2016-01-01", charts=False)
        assert again.assessed["payout"].tolist() == [5_000, 0]
    path.write_text(text.format(second="정형외과"), encoding="utf-8")
    with pytest.raises(st.ReceiptError, match="같은 날 병원명 없는 외래"):
        build_report(st.read_receipts(path), "gen2", "2016-01-01", charts=False)

