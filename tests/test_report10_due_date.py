"""A 5세대 report says which 임신·출산 lines the 분만예정일 condition (계약일 + 280일 ≤
분만예정일) decided and how: met by the 출산예정일, not met by it, or settled without it by the
birth date; only where the product has the condition and it decided a line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from silson_tools import read_receipts
from silson_tools.engine.exclusions import pregnancy_rule
from silson_tools.report import build_report
from silson_tools.report.render import render_markdown

START = "2026-06-01"  # + 280 days = 2027-03-08
HEAD = "이름,진료일자,진료구분,요양기관종류,병원명,항목,상병코드,입원일수,본인부담금,공단부담금"
WITH_DUE = HEAD + ",전액본인부담,비급여,출산예정일"
NO_DUE = HEAD + ",비급여"
LINES = [
    "나,2026-07-01,외래,의원,여성의원,임신,,,30000,70000,0,0,2027-03-08",  # met (the 280th day)
    "나,2026-07-02,외래,의원,여성의원,임신,,,30000,70000,0,0,2027-03-07",  # one day short
    "나,2026-11-20,입원,병원,여성병원,출산,O80,3,300000,1200000,0,500000,2027-02-01",  # short
    "나,2026-07-03,외래,의원,여성의원,임신,,,30000,70000,20000,0,2027-03-01",  # short, ③ too
    "나,2026-07-04,외래,의원,여성의원,임신,,,0,70000,0,40000,2027-01-01",  # ① = 0: nothing decided
    "나,2026-05-20,외래,의원,여성의원,임신,,,30000,70000,0,0,2027-01-01",  # before the contract
    "나,2026-07-05,외래,의원,하나의원,,J00,,5000,10000,0,0,",  # a cold: not 임신·출산
]


def _read(tmp_path: Path, header: str, rows: list[str]) -> object:
    path = tmp_path / "r.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return read_receipts(path)


def _said(rep: object) -> list[str]:
    return [w for w in rep.why if "분만예정일" in w or "출산예정일" in w]


def test_each_way_is_said_with_its_rows(tmp_path: Path) -> None:
    rep = build_report(_read(tmp_path, WITH_DUE, LINES), "gen5", START, charts=False)
    said = _said(rep)
    assert said[0].startswith("5세대 급여는") and "2027-03-08 ≤ 분만예정일" in said[0]
    assert "단체보험" in said[0]  # the exceptions not modelled are said
    assert said[1].startswith("출산예정일이 2027-03-08 이후라") and said[1].endswith("1줄 (rows 2)")
    assert said[2].startswith("출산예정일이 2027-03-08 전이라")
    assert said[2].endswith("3줄 (rows 3, 4, 5)")
    assert len(said) == 3  # no line without a due date
    assert said[1] in render_markdown(rep)


def test_the_counts_agree_with_the_lines(tmp_path: Path) -> None:
    """Each line said excluded lost its ① (``excluded`` ≥ ①), each line said met kept it; the
    engine's own label says so where the 280-day clause was the first to remove something
    (row 5 also lost ③ to the 통원 ③ clause first, so its ``excluded_by`` names that one:
    why the sentence does not count labels)."""
    rep = build_report(_read(tmp_path, WITH_DUE, LINES), "gen5", START, charts=False)
    out = rep.assessed.set_index(rep.receipts.rows)
    by_due, _ = pregnancy_rule().labels(pregnancy_rule().exclusion)
    assert out.loc[[3, 4], "excluded_by"].eq(by_due).all()
    assert out.loc[5, "excluded_by"] != by_due and out.loc[5, "excluded"] == 30_000 + 20_000
    assert (out.loc[[3, 4, 5], "excluded"] >= out.loc[[3, 4, 5], "covered_copay"]).all()
    assert out.loc[2, "excluded"] == 0 and out.loc[2, "payout"] > 0
    assert (out["excluded_by"].fillna("") == by_due).sum() == 2


def test_without_the_column_the_birth_date_is_said(tmp_path: Path) -> None:
    rows = ["나,2026-07-01,입원,병원,여성병원,출산,O80,3,300000,1200000,500000"]
    rep = build_report(_read(tmp_path, NO_DUE, rows), "gen5", START, charts=False)
    said = _said(rep)
    assert len(said) == 2 and "출산예정일이 2027" not in " ".join(said)
    assert said[1].startswith("출산예정일 없이 날짜로 ①을 보장 제외한 줄")
    assert "계약일 + 140일 (2026-10-19) 전" in said[1] and said[1].endswith("1줄 (rows 2)")
    _, by_birth = pregnancy_rule().labels(pregnancy_rule().exclusion)
    assert rep.assessed["excluded_by"].tolist() == [by_birth]


@pytest.mark.parametrize(
    ("policy", "start", "rows"),
    [
        ("gen4", "2022-01-01", LINES),  # no such condition (4세대 급여 excludes 임신·출산)
        ("gen5", START, LINES[4:]),  # ① = 0, before the contract, a cold: nothing decided
    ],
)
def test_said_only_where_it_decided_something(
    tmp_path: Path, policy: str, start: str, rows: list[str]
) -> None:
    lines = _read(tmp_path, WITH_DUE, rows)
    rep = build_report(lines, policy, start, compare=[policy], charts=False)
    assert _said(rep) == []


def test_no_contract_date_counts_from_the_one_assumed(tmp_path: Path) -> None:
    """Without --start the engine takes 1 January of the first receipt's year (2026-01-01,
    + 280 = 2026-10-08): the first four due dates meet it."""
    rep = build_report(_read(tmp_path, WITH_DUE, LINES), "gen5", None, charts=False)
    said = _said(rep)
    assert "계약일 (2026-01-01)" in said[0]
    met = np.flatnonzero(rep.assessed["excluded_by"].fillna("").str.contains("출산예정일로"))
    assert len(met) == 0 and said[1].endswith("5줄 (rows 2, 3, 4, 5, 7)")


def test_a_compared_5th_generation_column_says_it_too(tmp_path: Path) -> None:
    """Under 4세대 the comparison's 5세대 column still applies the condition: said once, as
    that column's."""
    rep = build_report(_read(tmp_path, WITH_DUE, LINES[:2]), "gen4", "2026-01-01", charts=False)
    assert not [w for w in rep.why if "분만예정일" in w]  # not a 4세대 sentence
    said = rep.comparison.attrs["notes"]  # said under the comparison table
    assert len(said) == 1 and said[0].startswith("세대 비교표의 5세대 값")
    assert said[0].endswith("2줄 (rows 2, 3)") and "2026-10-08" in said[0]
    text = render_markdown(rep)
    assert text.index("## 5.") < text.index(said[0]) < text.index("## 가정과 한계")
    alone = build_report(_read(tmp_path, WITH_DUE, LINES[:2]), "gen4", "2026-01-01",
                         compare=["gen4"], charts=False)  # fmt: skip
    assert not alone.comparison.attrs["notes"]
