"""본인부담상한제: table, limit/refund, 사전급여, per-line silson offsets, year totals.

Worked numbers come from the 상한액 tables as published (each row of
silson_tools/data/ceiling.toml cites its originals by title and address; 2023–2026 from
국민건강보험공단, 본인부담상한제 안내 페이지,
https://www.nhis.or.kr/nhis/minwon/wbhapa01000m01.do?mode=view&articleNo=10946900), from the
note on ⑤ 상한액 초과금 of the receipt form (국민건강보험 요양급여의 기준에 관한 규칙 [별지
제6호서식] 진료비 계산서·영수증, https://www.law.go.kr/법령/국민건강보험요양급여의기준에관한규칙)
and from the NHIS 사후환급 examples 1 and 2 for 2023 as retold in the 「본인부담상한제」 블로그 글
(건강도우미 우주파파, 티스토리; the copy worked from carries no address), "the NHIS examples"
below.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_stands_alone import pointers

from silson_tools import ceiling
from silson_tools.ceiling import CeilingSpec
from silson_tools.errors import InputError, ReceiptError, RuleDataError

MAN = 10_000
KNOWN_YEARS = list(range(2008, 2027))
"""Years whose 상한액 caps the calendar year: the years limit() answers."""
PERIOD_YEARS = [2004, 2005, 2006, 2007]
"""Years whose 상한액 capped half-years (2004-07 to 2007-06) or changed mid-year (2007)."""
KNOWN_COMPLETE = KNOWN_YEARS
"""Years whose normal row has all seven groups (some cells derived, tagged C)."""
LONG_STAY_YEARS = list(range(2018, 2027))
"""Years with a separate 요양병원 120일 초과 value (1~5분위; 6~10분위 from 2023)."""


# --- the table ------------------------------------------------------------------------------


def receipt_lines(*args: object, **kwargs: object) -> pd.DataFrame:
    """A DataFrame of receipt lines; the columns the ceiling does not read (setting, tier,
    noncovered) default to a plain 의원 outpatient line so the receipt checks pass."""
    frame = pd.DataFrame(*args, **kwargs)  # type: ignore[call-overload]
    for column, value in (("setting", "outpatient"), ("tier", "clinic"), ("noncovered", 0)):
        if column not in frame.columns:
            frame[column] = pd.Series(
                value, index=frame.index, dtype=object if isinstance(value, str) else "int64"
            )
    return frame


def _raw_rows() -> list[dict]:
    with ceiling.DATA_FILE.open("rb") as handle:
        return tomllib.load(handle)["row"]


@pytest.mark.parametrize("row", _raw_rows(), ids=lambda r: f"{r['year']}-{r['kind']}")
def test_every_row_loads_and_every_cell_answers(row: dict) -> None:
    long_stay = row["kind"] == "long_stay"
    if row.get("period", "year") != "year":
        # a half-year row: answered per window, refused per calendar year
        windows = {"half_year": ["first_half", "second_half"]}.get(row["period"], [row["period"]])
        for decile in range(1, 11):
            value = row["values"][ceiling.decile_group(decile)]
            mine = [
                c for c in ceiling.periods(row["year"], decile, long_stay) if c.window in windows
            ]
            assert [c.window for c in mine] == windows
            for c in mine:
                assert c.sources and c.confidence in {"A", "B", "C"}
                assert ceiling.period_limit(c.start, decile, long_stay) == c.value
                if isinstance(value, int):
                    assert c.value == value
                else:
                    assert value == "merged" and c.merged
                    assert c.value == ceiling.period_limit(c.start, decile)
            with pytest.raises(ValueError, match="not a calendar-year amount"):
                ceiling.limit(row["year"], decile, long_stay)
        return
    for group, value in row["values"].items():
        for decile in range(1, 11):
            if ceiling.decile_group(decile) != group:
                continue
            c = ceiling.cell(row["year"], decile, long_stay)
            assert c.status in {"known", "merged", "unknown"}
            assert c.confidence in {"A", "B", "C"}
            if isinstance(value, int):
                assert ceiling.limit(row["year"], decile, long_stay) == value
                assert c.sources, "a known amount must carry a source"
            elif value == "merged":
                assert c.merged
                assert ceiling.limit(row["year"], decile, True) == ceiling.limit(
                    row["year"], decile, False
                )
            else:
                with pytest.raises(ValueError, match=f"unknown for year {row['year']}"):
                    ceiling.limit(row["year"], decile, long_stay)


def test_years_cover_2008_to_2026_and_half_years_from_2004_07() -> None:
    assert ceiling.years() == tuple(KNOWN_YEARS)
    table = ceiling.load_table()
    assert table.period_years == tuple(PERIOD_YEARS)
    assert table.starts[0] == pd.Timestamp("2004-07-01").date()
    assert len(table.windows) == (len(KNOWN_YEARS) + 2 * 3 + 1) * 2 * 7


@pytest.mark.parametrize(
    ("year", "decile", "long_stay", "man"),
    [
        # one or two cells per row, read off the published tables (see the module docstring)
        (2026, 1, False, 90),
        (2026, 10, False, 843),
        (2026, 10, True, 1_096),
        (2025, 9, True, 684),  # B: newscubic; withhospital prints 648 (typo)
        (2025, 5, False, 170),
        (2024, 3, False, 108),
        (2024, 10, True, 1_050),
        (2023, 4, False, 162),
        (2023, 7, True, 375),  # from 2023 6~10분위 have their own 요양병원 value
        (2022, 10, False, 598),
        (2022, 1, True, 128),
        (2021, 8, False, 352),
        (2021, 5, True, 212),
        (2020, 10, False, 582),
        (2020, 4, True, 211),
        (2018, 1, False, 80),
        (2017, 4, False, 205),
        (2016, 9, False, 407),
        (2015, 6, False, 253),
        (2014, 10, False, 500),
        (2008, 1, False, 400),
        (2008, 10, True, 400),
    ],
)
def test_limit_matches_published_tables(year: int, decile: int, long_stay: bool, man: int) -> None:
    assert ceiling.limit(year, decile, long_stay) == man * MAN


@pytest.mark.parametrize("year", [2018, 2019, 2020, 2021, 2022])
@pytest.mark.parametrize("decile", [6, 7, 8, 9, 10])
def test_merged_long_stay_cells_before_2023_take_the_normal_value(year: int, decile: int) -> None:
    # 2022 요양병원 6~10분위 "(289) (360) …" merged with the normal cells: 티스토리 블로그
    # marketing-project, '본인부담환급금 신청' 태그 글 (2022년 상한액 표),
    # http://marketing-project.tistory.com/tag/%EB%B3%B8%EC%9D%B8%EB%B6%80%EB%8B%B4%ED%99%98%EA%B8%89%EA%B8%88%20%EC%8B%A0%EC%B2%AD
    # 2021/2020 "= normal": 티스토리 블로그 글 (newsthevoice), 2021년 본인부담상한액,
    # 국민건강보험공단 공지 인용, https://newsthevoice.tistory.com/138
    c = ceiling.cell(year, decile, long_stay=True)
    assert c.merged and c.status == "merged"
    assert ceiling.limit(year, decile, long_stay=True) == ceiling.limit(year, decile)


@pytest.mark.parametrize("decile", [1, 2, 3, 4, 5])
def test_low_deciles_have_a_separate_long_stay_value_since_2018(decile: int) -> None:
    for year in LONG_STAY_YEARS:
        assert not ceiling.cell(year, decile, True).merged
        assert ceiling.limit(year, decile, True) > ceiling.limit(year, decile)


def test_unknown_cells_raise(tmp_path: Path) -> None:
    # the shipped table has no unknown cell left; a file may still say "unknown"
    text = ceiling.DATA_FILE.read_text(encoding="utf-8")
    row = "d1 = 810_000, d2_3 = 1_010_000, d4_5 = 1_520_000, d6_7 = 2_800_000"
    assert text.count(row) == 1
    path = tmp_path / "c.toml"
    path.write_text(text.replace(row, row.replace("d1 = 810_000", 'd1 = "unknown"')))
    table = ceiling.load_table(path)
    assert table.cells[(2019, "normal", "d1")].status == "unknown"
    with pytest.raises(ValueError, match=r"unknown for year 2019.*years known for this cell"):
        ceiling.limit(2019, 1, table=table)
    with pytest.raises(ValueError, match=r"상한액 unknown for 2019"):
        ceiling.period_limit("2019-05-01", 1, table=table)
    assert ceiling.limit(2019, 5, table=table) == 152 * MAN
    assert ceiling.limit(2019, 1, long_stay=True, table=table) == 125 * MAN
    # a merged 요양병원 cell needs a known normal cell to take its value from
    path.write_text(text.replace(row, row.replace("d6_7 = 2_800_000", 'd6_7 = "unknown"')))
    with pytest.raises(RuleDataError, match="2019: d6_7 merged with an unknown normal cell"):
        ceiling.load_table(path)


def test_decile_groups() -> None:
    groups = [ceiling.decile_group(d) for d in range(1, 11)]
    assert groups == ["d1", "d2_3", "d2_3", "d4_5", "d4_5", "d6_7", "d6_7", "d8", "d9", "d10"]


@pytest.mark.parametrize("year", KNOWN_COMPLETE)
def test_limits_rise_with_decile_and_long_stay_is_never_lower(year: int) -> None:
    normal = [ceiling.limit(year, d) for d in range(1, 11)]
    assert normal == sorted(normal)
    if year in LONG_STAY_YEARS:
        for d in range(1, 11):
            assert ceiling.limit(year, d, True) >= normal[d - 1]


# --- 2004–2019 (the sources are cited in data/ceiling.toml and data/sources.toml) ---------------
# 2019: 보건복지부, 국민건강보험법 시행령 개정 (2019.2) as quoted at https://bustar.tistory.com/294
# ("’19년기준 81~580만 원"), 4~5분위 152만 also in 서울중앙지방법원 2022나41159 판결; BBS 뉴스,
# http://news.bbsi.co.kr/news/articleView.html?idxno=920746 ("최고구간 523만원→580만원").
# Before 2018 no separate 요양병원 ceiling: 서울신문 2018.1.23,
# http://img.seoul.co.kr/news/life/health-news/2018/01/23/20180123022001. 2004–2008: 금융감독원
# 보도자료 (2025.3.11) as summarised at https://binibiniho.tistory.com/m/6. 2009: 메디칼타임즈,
# https://medicaltimes.com/Users/News/NewsView.html/?ID=77810.

DECILES_OF = {"d1": 1, "d2_3": 2, "d4_5": 4, "d6_7": 6, "d8": 8, "d9": 9, "d10": 10}
"""One decile of each group."""
CELLS_2019_2014 = {
    # (year, kind): man per group d1 d2_3 d4_5 d6_7 d8 d9 d10 (None = merged with normal)
    (2019, "normal"): (81, 101, 152, 280, 350, 430, 580),
    (2019, "long_stay"): (125, 157, 211, None, None, None, None),
    (2018, "normal"): (80, 100, 150, 260, 313, 418, 523),
    (2018, "long_stay"): (124, 155, 208, None, None, None, None),
    (2017, "normal"): (122, 153, 205, 256, 308, 411, 514),
    (2016, "normal"): (121, 152, 203, 254, 305, 407, 509),
    (2015, "normal"): (121, 151, 202, 253, 303, 405, 506),
    (2014, "normal"): (120, 150, 200, 250, 300, 400, 500),
}


@pytest.mark.parametrize(("year", "kind"), list(CELLS_2019_2014), ids=str)
def test_cells_2014_to_2019(year: int, kind: str) -> None:
    long_stay = kind == "long_stay"
    for group, man in zip(ceiling.GROUPS, CELLS_2019_2014[(year, kind)], strict=True):
        decile = DECILES_OF[group]
        c = ceiling.cell(year, decile, long_stay)
        if man is None:
            assert c.merged and ceiling.limit(year, decile, True) == ceiling.limit(year, decile)
        else:
            assert not c.merged and ceiling.limit(year, decile, long_stay) == man * MAN


@pytest.mark.parametrize(
    ("year", "kind", "confidence"),
    [
        (2019, "normal", {"d4_5": "A", "rest": "B"}),
        (2019, "long_stay", {"rest": "B"}),
        (2018, "normal", {"d1": "A", "d2_3": "A", "d4_5": "A", "d10": "B", "rest": "C"}),
        (2018, "long_stay", {"rest": "C"}),
        (2017, "normal", {"rest": "C"}),
        (2017, "long_stay", {"rest": "B"}),
        (2016, "normal", {"rest": "B"}),
        (2015, "normal", {"rest": "B"}),
        (2014, "normal", {"rest": "B"}),
        (2014, "long_stay", {"rest": "B"}),
        (2013, "normal", {"rest": "C"}),
        (2009, "normal", {"rest": "C"}),
        (2008, "normal", {"rest": "B"}),
        (2008, "long_stay", {"rest": "B"}),
    ],
)
def test_confidence_tags(year: int, kind: str, confidence: dict[str, str]) -> None:
    for group in ceiling.GROUPS:
        c = ceiling.load_table().cells[(year, kind, group)]
        assert c.confidence == confidence.get(group, confidence["rest"]), group


def test_derived_cells_say_so() -> None:
    table = ceiling.load_table()
    for year, kind, group in [
        (2018, "normal", "d6_7"),
        (2018, "long_stay", "d1"),
        (2017, "normal", "d6_7"),
    ]:
        assert "derived" in table.cells[(year, kind, group)].note
    for year in range(2009, 2014):
        assert "assumption" in table.cells[(year, "normal", "d1")].note


@pytest.mark.parametrize(
    ("year", "rate", "groups"),
    [
        (2015, 1.013, ceiling.GROUPS),
        (2016, 1.007, ceiling.GROUPS),
        (2017, 1.010, ceiling.GROUPS),
        (2018, 1.019, ("d6_7", "d8", "d9", "d10")),
    ],
)
def test_indexed_years_are_floor_of_previous_times_cpi(year: int, rate: float, groups) -> None:
    # the indexation rule of [rules.indexation]: previous × (1 + CPI), to the 만원 below
    for group in groups:
        decile = DECILES_OF[group]
        previous = ceiling.limit(year - 1, decile) // MAN
        assert ceiling.limit(year, decile) == int(previous * rate) * MAN, group


@pytest.mark.parametrize("decile", range(1, 11))
def test_long_stay_boundary_2017_2018_2019(decile: int) -> None:
    # 2017: no separate 요양병원 ceiling (long stay = normal); 2018: 1~5분위 separate
    assert ceiling.cell(2017, decile, True).merged
    assert ceiling.limit(2017, decile, True) == ceiling.limit(2017, decile)
    separate = decile <= 5
    for year in (2018, 2019):
        assert ceiling.cell(year, decile, True).merged is not separate
        assert (ceiling.limit(year, decile, True) > ceiling.limit(year, decile)) is separate
    assert ceiling.limit(2019, decile, True) >= ceiling.limit(2018, decile, True)


@pytest.mark.parametrize("year", range(2004, 2018))
def test_no_separate_long_stay_ceiling_before_2018(year: int) -> None:
    for decile in range(1, 11):
        long_stay = ceiling.periods(year, decile, long_stay=True)
        normal = ceiling.periods(year, decile)
        assert [c.key for c in long_stay] == [c.key for c in normal]
        for stay, same in zip(long_stay, normal, strict=True):
            assert stay.merged and not same.merged and stay.value == same.value


@pytest.mark.parametrize("year", range(2009, 2014))
def test_2009_to_2013_three_income_bands(year: int) -> None:
    man = [ceiling.limit(year, d) // MAN for d in range(1, 11)]
    assert man == [200] * 5 + [300] * 3 + [400] * 2


def test_2008_flat_400_a_year() -> None:
    assert {ceiling.limit(2008, d, s) for d in range(1, 11) for s in (False, True)} == {400 * MAN}
    assert ceiling.refund(500 * MAN, 2008, 1) == 100 * MAN
    assert ceiling.period_limit("2008-01-01", 7) == ceiling.limit(2008, 7)


@pytest.mark.parametrize("year", [2005, 2006])
def test_half_years_300_each(year: int) -> None:
    for decile in (1, 10):
        cells = ceiling.periods(year, decile)
        assert [(c.key, c.start.isoformat(), c.end.isoformat(), c.value) for c in cells] == [
            (f"{year}-H1", f"{year}-01-01", f"{year}-06-30", 300 * MAN),
            (f"{year}-H2", f"{year}-07-01", f"{year}-12-31", 300 * MAN),
        ]
        assert ceiling.period_limit(f"{year}-06-30", decile, long_stay=True) == 300 * MAN


def test_2004_starts_on_july_1() -> None:
    (c,) = ceiling.periods(2004, 5)
    assert (c.key, c.start.isoformat(), c.value) == ("2004-H2", "2004-07-01", 300 * MAN)
    assert ceiling.period_limit("2004-07-01", 5) == 300 * MAN
    with pytest.raises(ValueError, match=r"no 상한액 for 2004-06-30.*starts on 2004-07-01"):
        ceiling.period_limit("2004-06-30", 5)


def test_2007_first_half_300_then_400() -> None:
    first, second = ceiling.periods(2007, 3)
    assert (first.key, first.end.isoformat(), first.value) == ("2007-H1", "2007-06-30", 300 * MAN)
    assert (second.key, second.start.isoformat(), second.value) == (
        "2007-H2",
        "2007-07-01",
        400 * MAN,
    )
    assert ceiling.period_limit("2007-06-30", 3) == 300 * MAN
    assert ceiling.period_limit("2007-07-01", 3) == 400 * MAN
    assert first.confidence == second.confidence == "B"


@pytest.mark.parametrize("year", PERIOD_YEARS)
def test_calendar_year_functions_refuse_the_half_year_era(year: int) -> None:
    message = rf"the 상한액 of {year} is not a calendar-year amount.*ceiling\.periods"
    for call in (
        lambda: ceiling.limit(year, 1),
        lambda: ceiling.cell(year, 1),
        lambda: ceiling.refund(10**7, year, 1),
        lambda: ceiling.burden(10**7, year, 1),
        lambda: ceiling.prepaid(10**7, year),
        lambda: ceiling.refund_month(year),
    ):
        with pytest.raises(ValueError, match=message):
            call()
    receipts = receipt_lines({"date": [f"{year}-09-01"], "covered_copay": [500 * MAN]})
    with pytest.raises(ValueError, match=message):
        ceiling.year_totals(receipts, CeilingSpec(decile=1))


def test_period_limit_equals_limit_from_2008() -> None:
    for year in KNOWN_YEARS:
        for decile in (1, 5, 10):
            (c,) = ceiling.periods(year, decile, True)
            assert c.key == str(year) and c.window == "year"
            assert ceiling.period_limit(f"{year}-12-31", decile, True) == ceiling.limit(
                year, decile, True
            )


# --- the NHIS examples (2023 사후환급 예시 1·2) ----------------------------------------------


def test_nhis_example1_half_with_long_stay() -> None:
    # NHIS 예시1: 2023, 하위 50%, 요양병원 120일 초과: 770만 − 227만 = 543만
    assert ceiling.limit(2023, 4, long_stay=True) == 227 * MAN
    assert ceiling.refund(770 * MAN, 2023, 4, long_stay=True) == 543 * MAN


def test_nhis_example1_without_long_stay_uses_162() -> None:
    # the example's note: "120일이 초과하지 않은 경우 162만원의 본인부담상한액"
    assert ceiling.limit(2023, 4) == 162 * MAN
    assert ceiling.refund(770 * MAN, 2023, 4) == (770 - 162) * MAN


def test_nhis_example2_lowest_decile() -> None:
    # NHIS 예시2: 2023, 하위 10% (1분위), 120일 이하: 550만 − 87만 = 463만
    assert ceiling.refund(550 * MAN, 2023, 1) == 463 * MAN


def test_nhis_examples_from_receipts() -> None:
    # 예시1: A병원 500만, B병원 200만, C약국 70만; 예시2: A병원 400만, B병원 100만, C약국 50만
    receipts = receipt_lines(
        {
            "person": ["예시1"] * 3 + ["예시2"] * 3,
            "date": ["2023-02-01", "2023-06-01", "2023-09-01"] * 2,
            "covered_copay": [500 * MAN, 200 * MAN, 70 * MAN, 400 * MAN, 100 * MAN, 50 * MAN],
            "noncovered": [0] * 6,
            "institution": ["A병원", "B병원", "C약국"] * 2,
        }
    )
    spec = CeilingSpec(decile={"예시1": 4, "예시2": 1}, long_stay={"예시1": True, "예시2": False})
    totals = ceiling.year_totals(receipts, spec).set_index("person")
    assert totals.loc["예시1", "refund"] == 543 * MAN
    assert totals.loc["예시2", "refund"] == 463 * MAN
    # no institution above 2023's highest ceiling (780만), so nothing is prepaid
    assert (totals["prepaid"] == 0).all()
    assert (totals["post_refund"] == totals["refund"]).all()
    # paid "다음 해 8월말경" (the NHIS examples; 국민건강보험공단, 본인부담상한제 안내 페이지)
    assert (totals["refund_month"] == pd.Period("2024-08", freq="M")).all()
    offsets = spec.line_offsets(receipts)
    assert offsets[:3].sum() == 543 * MAN and offsets[3:].sum() == 463 * MAN


# --- boundaries, 사전급여 ---------------------------------------------------------------------


@pytest.mark.parametrize("year", KNOWN_COMPLETE)
@pytest.mark.parametrize("decile", [1, 5, 10])
def test_refund_one_won_either_side_of_the_ceiling(year: int, decile: int) -> None:
    cap = ceiling.limit(year, decile)
    assert ceiling.refund(cap - 1, year, decile) == 0
    assert ceiling.refund(cap, year, decile) == 0
    assert ceiling.refund(cap + 1, year, decile) == 1
    assert ceiling.burden(cap + 1, year, decile) == cap


@pytest.mark.parametrize(
    ("year", "man"), [(2021, 584), (2022, 598), (2023, 780), (2024, 808), (2025, 826), (2026, 843)]
)
def test_prepaid_threshold_is_the_highest_ceiling(year: int, man: int) -> None:
    # 사전급여 above the year's highest 상한액, the 10분위 normal value (receipt form note on ⑤:
    # 시행령 별표3 제1호 "최고 금액"); the 우주파파 블로그 글: 2024 808만 (2023 780만)
    assert ceiling.highest_limit(year) == man * MAN
    assert ceiling.prepaid(man * MAN - 1, year) == 0
    assert ceiling.prepaid(man * MAN, year) == 0
    assert ceiling.prepaid(man * MAN + 1, year) == 1
    # 요양병원 120일 초과: no 사전급여, refund afterwards only (A: receipt form note on ⑤)
    assert ceiling.prepaid(man * MAN + 1, year, long_stay=True) == 0


def test_prepaid_at_one_institution_in_year_totals() -> None:
    # one hospital 900만 in 2024 (highest ceiling 808만 → 92만 billed to NHIS), 3분위 (108만)
    receipts = receipt_lines(
        {
            "date": ["2024-03-01", "2024-04-01", "2024-05-01"],
            "covered_copay": [600 * MAN, 300 * MAN, 50 * MAN],
            "noncovered": [10 * MAN, 0, 5 * MAN],
            "full_copay": [0, 2 * MAN, 0],
            "institution": ["큰병원", "큰병원", "동네의원"],
        }
    )
    row = ceiling.year_totals(receipts, CeilingSpec(decile=3)).iloc[0]
    assert row["person"] == ceiling.DEFAULT_PERSON
    assert row["counted"] == 950 * MAN
    assert row["excluded"] == 17 * MAN
    assert row["refund"] == (950 - 108) * MAN
    assert row["prepaid"] == (900 - 808) * MAN
    assert row["post_refund"] == row["refund"] - row["prepaid"]
    assert row["burden"] == 108 * MAN + 17 * MAN
    # one hospital however its name is spaced or its letters are wide (as the engine groups)
    receipts = receipt_lines(
        {
            "date": ["2024-03-01", "2024-04-01"],
            "covered_copay": [600 * MAN, 300 * MAN],
            "noncovered": [0, 0],
            "institution": ["큰 병원", "큰병원"],
        }
    )
    assert ceiling.year_totals(receipts, CeilingSpec(decile=3)).iloc[0]["prepaid"] == 92 * MAN


def test_refund_is_vectorized() -> None:
    totals = np.array([0, 87 * MAN, 88 * MAN, 550 * MAN])
    np.testing.assert_array_equal(ceiling.refund(totals, 2023, 1), np.array([0, 0, MAN, 463 * MAN]))


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize("year", [2003, 2027, 1999])
def test_unknown_year_names_the_known_years(year: int) -> None:
    with pytest.raises(ValueError, match=rf"year {year} .*known years: 2008–2026") as err:
        ceiling.limit(year, 1)
    assert "2004-07-01–2007-12-31 per half-year" in str(err.value)
    with pytest.raises(ValueError, match=rf"year {year} .*known years: 2008–2026"):
        ceiling.periods(year, 1)


@pytest.mark.parametrize("decile", [0, 11, -1])
def test_decile_outside_range(decile: int) -> None:
    with pytest.raises(ValueError, match=rf"between 1 and 10, got {decile}"):
        ceiling.limit(2023, decile)


@pytest.mark.parametrize("decile", [1.5, "3", True, None])
def test_decile_not_an_integer(decile: object) -> None:
    with pytest.raises(ValueError, match="decile must be an integer 1–10"):
        ceiling.limit(2023, decile)  # type: ignore[arg-type]


@pytest.mark.parametrize("year", ["2023", 2023.0, None])
def test_year_not_an_integer(year: object) -> None:
    with pytest.raises(ValueError, match="year must be an integer"):
        ceiling.limit(year, 1)  # type: ignore[arg-type]


def test_negative_or_fractional_amounts() -> None:
    with pytest.raises(ValueError, match="copay_total must not be negative, got -1"):
        ceiling.refund(-1, 2023, 1)
    with pytest.raises(ValueError, match="whole number of won"):
        ceiling.refund(1.5, 2023, 1)
    with pytest.raises(ValueError, match="excluded must not be negative"):
        ceiling.burden(0, 2023, 1, excluded=-5)


def test_bad_receipts_name_row_and_column() -> None:
    base = {"date": ["2023-01-01", "2023-02-01"], "covered_copay": [1000, 2000]}
    bad = receipt_lines({**base, "covered_copay": [1000, -5]})
    with pytest.raises(ReceiptError, match=r"1행 \(row 1\), 'covered_copay' 열: 값 \(value\) -5"):
        CeilingSpec(decile=1).line_offsets(bad)
    bad_date = receipt_lines({**base, "date": ["2023-01-01", "어제"]})
    with pytest.raises(ReceiptError, match=r"1행 \(row 1\), 'date' 열: 값 \(value\) '어제'"):
        CeilingSpec(decile=1).line_offsets(bad_date)
    with pytest.raises(ReceiptError, match=r"\(covered_copay\) 열이 필요합니다"):
        CeilingSpec(decile=1).line_offsets(receipt_lines({"date": ["2023-01-01"]}))
    people = receipt_lines({**base, "person": ["엄마", "아빠"]})
    with pytest.raises(ValueError, match=r"no value for person\(s\) \['아빠'\]"):
        CeilingSpec(decile={"엄마": 3}).line_offsets(people)
    with pytest.raises(ValueError, match="between 1 and 10, got 12"):
        CeilingSpec(decile={"엄마": 3, "아빠": 12}).line_offsets(people)
    with pytest.raises(ValueError, match="long_stay must be True or False"):
        CeilingSpec(decile=3, long_stay="yes").line_offsets(people)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="the 상한액 of 2006 is not a calendar-year amount"):
        ceiling.year_totals(receipt_lines({**base, "date": ["2006-05-01"] * 2}), CeilingSpec(3))
    # before the 상한제 began (2004-07-01) there is no refund: nothing taken out, as in
    # CertainRefund (no longer an error)
    for day in ("2004-05-01", "2003-05-01"):
        early = {**base, "date": [day] * 2, "covered_copay": [9_000_000, 9_000_000]}
        assert CeilingSpec(decile=3).line_offsets(receipt_lines(early)).tolist() == [0, 0]
    with pytest.raises(ValueError, match="year 2099 is not in the ceiling table"):
        CeilingSpec(decile=3).line_offsets(receipt_lines({**base, "date": ["2099-05-01"] * 2}))


ROW_2023 = 'source = ["wishgoways", "nhis-ceiling", "woojupapa-ceiling"]'
"""The 2023 normal row's sources: row[6] of the file."""


@pytest.mark.parametrize(
    ("edit", "key", "message"),
    [
        # a misplaced key was silently ignored in PolicyEngine-US; ours is an error:
        # https://github.com/PolicyEngine/policyengine-us/issues/8905
        ((ROW_2023, ROW_2023 + "\ntypo_key = 1"), "row[6].typo_key", "unknown key"),
        ((ROW_2023, 'source = ["nowhere"]'), "row[6].source[0]", "unknown source 'nowhere'"),
        ((ROW_2023, "sources = []"), "row[6].sources", "unknown key"),
        (
            (
                'confidence = "A"\n' + ROW_2023,
                'confidence = "a"\n' + ROW_2023,
            ),
            "row[6].confidence",
            "expected A, B, C or user, got 'a'",
        ),
        (
            (
                "d1 = 870_000, d2_3 = 1_080_000, d4_5 = 1_620_000",
                "d1 = -1, d2_3 = 1_080_000, d4_5 = 1_620_000",
            ),
            "row[6].values.d1",
            "must not be negative",
        ),
        (
            (
                "d1 = 870_000, d2_3 = 1_080_000, d4_5 = 1_620_000",
                "d1 = 0, d2_3 = 1_080_000, d4_5 = 1_620_000",
            ),
            "row[6].values.d1",
            "positive amount",
        ),
        (
            ("d6_7 = 3_030_000", 'd6_7 = "merged"'),
            "row[6].values.d6_7",
            "expected won, 'unknown' or 'merged'",
        ),
        (
            ('unit = "days"', 'unit = "years"'),
            "rules.long_stay_days.unit",
            "read as days, not 'years'",
        ),
        (('unit = "won"', 'unit = "rate"'), "limit.unit", "read as won, not 'rate'"),
        (("value = 120\n", "value = 120\nvalu = 1\n"), "rules.long_stay_days.valu", "unknown key"),
        (
            (
                'confidence = "A"\nsource = ["receipt-form"',
                'confidence = "D"\nsource = ["receipt-form"',
            ),
            "rules.prepaid_excludes_long_stay_from.confidence",
            "expected A, B, C or user, got 'D'",
        ),
        (
            ('source = ["receipt-form",', 'source = ["receipt_form",'),
            "rules.prepaid_excludes_long_stay_from.source[0]",
            "unknown source 'receipt_form'",
        ),
        (("value = 8\n", "value = 13\n"), "rules.refund_month.value", "larger than 12"),
        (
            ('long_stay = "요양병원 120일 초과 입원"', 'long = "요양병원"'),
            "kinds",
            "expected Korean labels",
        ),
        (
            (
                'd1 = { label = "1분위", deciles = [1] }',
                'd1 = { label = "1분위", deciles = [1], x = 1 }',
            ),
            "groups.d1.x",
            "unknown key",
        ),
        (('period = "half_year"', 'period = "quarter"'), "row[42].period", "expected one of"),
        (('period = "first_half"', 'period = "year"'), "row[40].period", "overlaps another row"),
        (
            ('year = "연간 (1.1–12.31)"', 'yearly = "연간"'),
            "periods",
            "expected Korean labels",
        ),
    ],
)
def test_loader_rejects_bad_files(
    tmp_path: Path, edit: tuple[str, str], key: str, message: str
) -> None:
    text = ceiling.DATA_FILE.read_text(encoding="utf-8")
    assert text.count(edit[0]) >= 1, edit[0]
    bad = tmp_path / "ceiling.toml"
    bad.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    with pytest.raises(RuleDataError, match=re.escape(f"ceiling.toml: {key}: ")) as err:
        ceiling.load_table(bad)
    assert message in str(err.value)
    assert err.value.file == str(bad) and err.value.where == key


def test_a_row_with_amounts_must_cite_a_source(tmp_path: Path) -> None:
    text = ceiling.DATA_FILE.read_text(encoding="utf-8")
    bad = tmp_path / "c.toml"
    bad.write_text(text.replace(ROW_2023 + "\n", "", 1), encoding="utf-8")
    with pytest.raises(RuleDataError, match=r"c\.toml: row\[6\]\.source: missing required"):
        ceiling.load_table(bad)


def test_a_table_file_may_define_its_own_sources(tmp_path: Path) -> None:
    text = ceiling.DATA_FILE.read_text(encoding="utf-8")
    own = text.replace(ROW_2023, 'source = "mine"', 1)
    own += '\n[sources.mine]\ntitle = "내 출처"\nurl = "https://example.org/ceiling"\n'
    path = tmp_path / "c.toml"
    path.write_text(own, encoding="utf-8")
    table = ceiling.load_table(path)
    c = table.cells[(2023, "normal", "d1")]
    assert c.sources == ("내 출처, https://example.org/ceiling",)
    assert c.value == ceiling.limit(2023, 1)
    with pytest.raises(InputError, match="rule table not found"):
        ceiling.load_table(tmp_path / "missing.toml")


def test_every_shipped_cell_has_a_source_and_a_confidence() -> None:
    table = ceiling.load_table()
    assert table.unit == "won" and table.label == "본인부담상한액 (연간)"
    assert table.kind_labels == {"normal": "일반", "long_stay": "요양병원 120일 초과 입원"}
    for c in table.windows.values():
        assert c.confidence in {"A", "B", "C"}, c
        if c.status == "unknown":
            assert c.value is None  # a row of unknown cells only cites nothing
            continue
        assert c.references and all(r.title for r in c.references), c
        assert c.sources == tuple(str(r) for r in c.references)
    for key, fact in table.facts.items():
        assert fact.confidence in {"A", "B", "C"} and fact.references and fact.label, key
    assert [table.facts[k].value for k in ("refund_month", "long_stay_days")] == [8, 120]
    shown = [f.show() for f in table.facts.values()]
    assert shown[2:5] == ["8월", "120일", "2020-01-01"]
    text = ceiling.DATA_FILE.read_text(encoding="utf-8")
    assert "seed" not in text.lower() and pointers(text) == []


# --- line offsets ---------------------------------------------------------------------------


def test_line_offsets_take_the_part_above_the_ceiling_in_date_order() -> None:
    # 2023 1분위 (87만): lines out of date order in the file
    receipts = receipt_lines(
        {
            "date": ["2023-05-01", "2023-01-10", "2023-03-01", "2024-01-02"],
            "covered_copay": [50 * MAN, 60 * MAN, 30 * MAN, 90 * MAN],
        }
    )
    offsets = CeilingSpec(decile=1).line_offsets(receipts)
    # chronological: 60만 (cum 60), 30만 (cum 90 → 3만 above 87), 50만 (all above);
    # 2024 is a new calendar year with its own 87만
    np.testing.assert_array_equal(offsets, [50 * MAN, 0, 3 * MAN, 3 * MAN])
    assert offsets.dtype == np.int64


def test_line_offsets_share_a_date_by_copay_and_persons_are_separate() -> None:
    """a: 90만 on one date, 87만 limit (decile 1): the 3만 above is shared 80:10 over that
    date's lines (26,667 + 3,333), in any row order — not all on the line listed last."""
    rows = {
        "person": ["a", "b", "a", "b"],
        "date": ["2023-01-01"] * 4,
        "covered_copay": [80 * MAN, 200 * MAN, 10 * MAN, 5 * MAN],
    }
    spec = CeilingSpec(decile={"a": 1, "b": 10})
    offsets = spec.line_offsets(receipt_lines(rows))
    np.testing.assert_array_equal(offsets, [26_667, 0, 3_333, 0])
    swapped = {k: [v[2], v[1], v[0], v[3]] for k, v in rows.items()}
    again = spec.line_offsets(receipt_lines(swapped))
    np.testing.assert_array_equal(again, [3_333, 0, 26_667, 0])


def test_line_offsets_restart_each_half_year_before_2008() -> None:
    # 2006: 300만 per half-year; 2007: 300만 for 1.1–6.30, then 400만 from 7.1; 2008: 400만 a year
    dates = ["2006-03-01", "2006-05-01", "2006-09-01", "2007-06-30", "2007-07-01"]
    dates += ["2008-03-01", "2008-09-01"]
    receipts = receipt_lines(
        {"date": dates, "covered_copay": [m * MAN for m in (200, 200, 350, 320, 420, 300, 300)]}
    )
    offsets = CeilingSpec(decile=3, long_stay=True).line_offsets(receipts)
    expected = [0, 100, 50, 20, 20, 0, 200]
    np.testing.assert_array_equal(offsets, [man * MAN for man in expected])


def test_line_offsets_empty_frame() -> None:
    empty = receipt_lines({"date": pd.Series([], dtype="datetime64[us]"), "covered_copay": []})
    assert CeilingSpec(decile=1).line_offsets(empty).shape == (0,)


def _oracle_offsets(rows: list[tuple[str, str, int]], deciles: dict[str, int]) -> list[int]:
    """Row-by-row reference: walk each person's year date by date, keep a running total; the
    part of a date above the limit is shared over its rows by copay (floor each, the won left
    to the largest remainders, ties to the earlier row)."""
    days: dict[tuple[str, str], list[int]] = {}
    for i in sorted(range(len(rows)), key=lambda i: (rows[i][0], rows[i][1], i)):
        days.setdefault((rows[i][0], rows[i][1]), []).append(i)
    running: dict[tuple[str, int], int] = {}
    out = [0] * len(rows)
    for (person, date), at in days.items():
        year = int(date[:4])
        cap = ceiling.limit(year, deciles[person])
        total = sum(rows[i][2] for i in at)
        before = running.get((person, year), 0)
        running[(person, year)] = before + total
        part = max(0, before + total - cap) - max(0, before - cap)
        for i in at:
            out[i] = part * rows[i][2] // total if total else 0
        left = part - sum(out[i] for i in at)
        by_rest = sorted(at, key=lambda i: -(part * rows[i][2] % total if total else 0))
        for i in by_rest[:left]:
            out[i] += 1
    return out


_rows = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "c"]),
        st.dates(
            min_value=pd.Timestamp("2022-01-01").date(), max_value=pd.Timestamp("2024-12-31").date()
        ).map(str),
        st.integers(min_value=0, max_value=300 * MAN),
    ),
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(rows=_rows, deciles=st.fixed_dictionaries({p: st.integers(1, 10) for p in "abc"}))
def test_line_offsets_match_the_row_by_row_oracle(rows, deciles) -> None:
    receipts = receipt_lines(rows, columns=["person", "date", "covered_copay"])
    offsets = CeilingSpec(decile=deciles).line_offsets(receipts)
    assert offsets.tolist() == _oracle_offsets(rows, deciles)
    copay = receipts["covered_copay"].to_numpy()
    assert (offsets >= 0).all() and (offsets <= copay).all()
    if rows:
        totals = ceiling.year_totals(receipts, CeilingSpec(decile=deciles))
        receipts["year"] = pd.to_datetime(receipts["date"]).dt.year
        receipts["offset"] = offsets
        by_year = receipts.groupby(["person", "year"])["offset"].sum()
        np.testing.assert_array_equal(by_year.to_numpy(), totals["refund"].to_numpy())
        assert (totals["burden"] <= totals["limit"] + totals["excluded"]).all()
        assert (totals["post_refund"] >= 0).all()


# --- properties -----------------------------------------------------------------------------

_years = st.sampled_from(KNOWN_COMPLETE)
_amounts = st.integers(min_value=0, max_value=10**10)


@given(total=_amounts, year=_years, decile=st.integers(1, 10), long_stay=st.booleans())
def test_refund_never_negative_and_never_above_the_total(total, year, decile, long_stay) -> None:
    paid_back = ceiling.refund(total, year, decile, long_stay)
    assert 0 <= paid_back <= total
    assert paid_back + min(total, ceiling.limit(year, decile, long_stay)) == total


@given(total=_amounts, excluded=_amounts, year=_years, decile=st.integers(1, 10))
def test_burden_never_above_ceiling_plus_excluded(total, excluded, year, decile) -> None:
    cap = ceiling.limit(year, decile)
    bears = ceiling.burden(total, year, decile, excluded=excluded)
    assert bears <= cap + excluded
    assert bears + ceiling.refund(total, year, decile) == total + excluded


@given(a=_amounts, b=_amounts, year=_years, decile=st.integers(1, 10))
def test_refund_monotone_in_the_total(a, b, year, decile) -> None:
    low, high = sorted((a, b))
    assert ceiling.refund(low, year, decile) <= ceiling.refund(high, year, decile)


# --- the claim engine hook (engine.assess(..., ceiling=CeilingSpec(...))) ---------------------


def _inpatient_year() -> pd.DataFrame:
    """A 2023 year of one 1분위 patient: the 87만 ceiling is crossed on the second stay."""
    return pd.DataFrame(
        {
            "date": ["2023-02-01", "2023-05-10", "2023-05-10", "2023-09-01"],
            "setting": ["inpatient", "outpatient", "pharmacy", "inpatient"],
            "tier": ["general", "clinic", "pharmacy", "tertiary"],
            "covered_copay": [60 * MAN, 5 * MAN, 2 * MAN, 100 * MAN],
            "noncovered": [10 * MAN, 0, 0, 30 * MAN],
            "days": [5, 0, 0, 8],
            "institution": ["시민병원", "동네의원", "동네약국", "대학병원"],
        }
    )


def test_assess_leaves_the_refund_out_of_the_payout_in_zone_ceiling_offset() -> None:
    import silson_tools as st

    receipts = _inpatient_year()
    spec = CeilingSpec(decile=1)
    offsets = spec.line_offsets(receipts)
    # chronological: 60만, 5만, 2만 (cum 67만) then 100만 → cum 167만, 80만 above 87만
    np.testing.assert_array_equal(offsets, [0, 0, 0, 80 * MAN])
    with_ceiling = st.assess(receipts, "gen4", policy_start="2022-07-01", ceiling=spec)
    without = st.assess(receipts, "gen4", policy_start="2022-07-01")
    np.testing.assert_array_equal(with_ceiling["ceiling_offset"].to_numpy(), offsets)
    assert str(with_ceiling["zone"].iloc[3]) == "ceiling_offset"
    claim = receipts["covered_copay"] + receipts["noncovered"]
    np.testing.assert_array_equal(with_ceiling["payout"] + with_ceiling["self_pay"], claim)
    # the refunded part is no longer eligible: the payout drops, never rises
    assert (with_ceiling["payout"] <= without["payout"]).all()
    assert with_ceiling["payout"].iloc[3] < without["payout"].iloc[3]
    np.testing.assert_array_equal(
        with_ceiling["eligible"], without["eligible"] - with_ceiling["ceiling_offset"]
    )


def test_assess_on_the_sample_parent_matches_year_totals() -> None:
    import silson_tools as st

    receipts = st.read_receipts(Path(__file__).parents[1] / "data" / "samples" / "receipts.csv")
    parent = receipts[receipts["person"] == "영숙"]
    spec = CeilingSpec(decile=3)
    out = st.assess(parent, "gen4", ceiling=spec)
    assert out["ceiling_offset"].sum() == ceiling.year_totals(parent, spec)["refund"].sum()
    assert (out["ceiling_offset"] <= out["covered_copay"]).all()
    # a line whose whole claim is covered co-pay above the ceiling pays nothing
    whole = (out["ceiling_offset"] == out["covered_copay"]) & (out["covered_copay"] > 0)
    whole &= (out["full_copay"] + out["noncovered"]) == 0
    assert whole.any()
    assert (out.loc[whole, "payout"] == 0).all()
    assert (out.loc[whole, "zone"].astype(str) == "ceiling_offset").all()


def test_rule_numbers_have_no_defaults_in_code(tmp_path: Path) -> None:
    # a table file without the 120-day rule is an error naming the key, never a silent 120
    text = ceiling.DATA_FILE.read_text(encoding="utf-8")
    start = text.index("[rules.long_stay_days]")
    end = text.index("[rules.", start + 1)
    bad = tmp_path / "c.toml"
    bad.write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(RuleDataError, match=r"c\.toml: rules\.long_stay_days: missing required"):
        ceiling.load_table(bad)


def test_loader_rejects_half_year_rows_that_do_not_pair(tmp_path: Path) -> None:
    text = ceiling.DATA_FILE.read_text(encoding="utf-8")
    last = 'period = "second_half"\nkind = "long_stay"'
    at = text.rindex(last)  # 2004's long-stay row
    bad = tmp_path / "c.toml"
    bad.write_text(text[:at] + last.replace("second", "first") + text[at + len(last) :])
    with pytest.raises(RuleDataError, match="year 2004: the normal and long_stay rows cover"):
        ceiling.load_table(bad)
    first = text.index('period = "first_half"\nkind = "long_stay"')  # 2007's first half
    old = 'period = "first_half"'
    bad.write_text(text[:first] + 'period = "second_half"' + text[first + len(old) :])
    with pytest.raises(RuleDataError, match=r"row\[41\]: duplicate row for year 2007, long_stay"):
        ceiling.load_table(bad)
