"""Two institutions on one day in one 진료과: the engine takes them as two 통원 (each its own
deductible and per-visit cap), while the terms take visits of one day for the same treatment
purpose as one 통원 with the highest deductible. The file cannot say which; the report names
the rows and how to say it (one 방문묶음), and a key given settles it."""

from __future__ import annotations

from pathlib import Path

import silson_tools as st
from silson_tools.catalog import load_policy
from silson_tools.report import build_report
from silson_tools.report.notes import same_purpose_days, same_purpose_sentences

HEAD = "이름,진료일자,진료구분,요양기관종류,병원명,진료과,방문묶음,본인부담금,공단부담금,비급여\n"
ROWS = (
    "나,2024-03-05,외래,의원,A정형외과의원,정형외과,{a},15000,20000,100000\n"
    "나,2024-03-05,외래,의원,B 정형외과,정형외과,{b},8000,20000,150000\n"
    "나,2024-03-05,외래,의원,C내과,내과,,8000,20000,0\n"
    "나,2024-03-06,외래,의원,A정형외과의원,정형외과,,15000,20000,100000\n"
    "다,2024-03-05,외래,의원,B정형외과,정형외과,,8000,20000,0\n"
)


def _report(tmp_path: Path, a: str = "", b: str = "", policy: str = "gen4", start: str = "2024"):
    path = tmp_path / "sp.csv"
    path.write_text(HEAD + ROWS.format(a=a, b=b), encoding="utf-8")
    return build_report(st.read_receipts(path), policy, f"{start}-01-01", charts=False)


def _said(rep) -> list[str]:
    return [w for w in rep.why if w.startswith("같은 날 다른 병원의 같은 진료과")]


def test_the_rows_are_named(tmp_path: Path) -> None:
    rep = _report(tmp_path)
    (said,) = _said(rep)
    assert "(rows 2, 3)" in said and "방문묶음" in said
    lines = st.read_receipts(tmp_path / "sp.csv")
    assert same_purpose_days(lines).tolist() == [0, 1]  # not 내과, not another day or person


def test_a_key_settles_it_and_changes_the_number(tmp_path: Path) -> None:
    two = _report(tmp_path)
    one = _report(tmp_path, "v", "v")
    assert not _said(one)
    # 4세대 급여 ① 23,000 one 통원: − 1만원 → 13,000 (two: 5,000 + 0); 비급여 ④ 250,000 one
    # 통원: − max(3만원, 30%) = 175,000 (two: 70,000 + 105,000 = 175,000)
    first_day = [0, 1]
    assert int(two.assessed["payout"].iloc[first_day].sum()) == 5_000 + 175_000
    assert int(one.assessed["payout"].iloc[first_day].sum()) == 13_000 + 175_000
    assert not _said(_report(tmp_path, "v", "w"))  # two keys: the person said two 통원


def test_every_product_taking_visits_per_institution_says_it(tmp_path: Path) -> None:
    assert _said(_report(tmp_path, policy="gen2", start="2016"))  # 1–3세대 as well
    _report(tmp_path)
    lines = st.read_receipts(tmp_path / "sp.csv")
    assert same_purpose_sentences(load_policy("gen5"), lines)  # its 급여 part
