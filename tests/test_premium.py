"""4세대 비급여 할인·할증: grades, window, exclusions, premium path, claim-or-not advisor.

Worked numbers: the 경향신문 article on the 4세대 실손 비급여 보험료 할인·할증 from July 2024
(금융위원회·금융감독원 announcement of 2024.6.6, reprinted by 랭크뉴스; the copy worked from
carries no address), quoted below as "the news article", and the official release it reports,
금융위원회 보도자료, 4세대 실손의료보험 비급여 보험료 할인·할증 시행 (2024.6.7),
https://www.fsc.go.kr/no010101/82406. Every value's sources are in
silson_tools/data/premium_grades.toml.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_stands_alone import pointers

from silson_tools import premium
from silson_tools.errors import RuleDataError
from silson_tools.premium import PPM

MAN = 10_000


# --- grades ---------------------------------------------------------------------------------


def test_every_grade_row_loads() -> None:
    with premium.DATA_FILE.open("rb") as handle:
        rows = tomllib.load(handle)["grade"]
    for row in rows:
        g = premium.surcharge_grade(row["lower"])
        assert g.grade == row["grade"]
        assert g.relativity_ppm == row["relativity_ppm"]
        assert g.lower == row["lower"] and g.upper == row.get("upper")
        assert g.confidence in {"A", "B", "C"}


@pytest.mark.parametrize(
    ("paid", "grade", "rate"),
    [
        # the news article: "수령액이 없다면 약 5% 할인" (1등급),
        # "100만원 미만(2등급)이면 기존 보험료가 유지",
        # "100만원 이상 150만원 미만(3등급)은 100%, 150만원 이상 300만원 미만(4등급)은 200%,
        # 300만원 이상(5등급)은 300%씩 보험료가 더 붙는다"
        (0, 1, 0.95),
        (1, 2, 1.0),
        (100 * MAN - 1, 2, 1.0),
        (100 * MAN, 3, 2.0),
        (150 * MAN - 1, 3, 2.0),
        (150 * MAN, 4, 3.0),
        (300 * MAN - 1, 4, 3.0),
        (300 * MAN, 5, 4.0),
        (10**10, 5, 4.0),
    ],
)
def test_grade_boundaries_one_won_either_side(paid: int, grade: int, rate: float) -> None:
    g = premium.surcharge_grade(paid)
    assert (g.grade, g.rate) == (grade, rate)
    assert premium.grade_numbers(paid) == grade


def test_news_article_surcharge_percentages() -> None:
    # the news article: 300만원 이상 → 300% 할증; 없으면 약 5% 할인
    assert premium.surcharge_grade(300 * MAN).change_percent == 300
    assert premium.surcharge_grade(200 * MAN).change_percent == 200
    assert premium.surcharge_grade(120 * MAN).change_percent == 100
    assert premium.surcharge_grade(50 * MAN).change_percent == 0
    assert premium.surcharge_grade(0).change_percent == -5


def test_grade1_discount_is_configurable() -> None:
    assert premium.surcharge_grade(0, discount=0.07).relativity_ppm == 930_000
    assert premium.surcharge_grade(0, discount=0).rate == 1.0
    # only grade 1 changes
    assert premium.surcharge_grade(120 * MAN, discount=0.07).relativity_ppm == 2 * PPM
    with pytest.raises(ValueError, match="discount must be a fraction between 0 and 1"):
        premium.surcharge_grade(0, discount=1.5)


@pytest.mark.parametrize(
    ("paid", "to_next", "to_surcharge"),
    [
        (0, 1, 100 * MAN),
        (40 * MAN, 60 * MAN, 60 * MAN),
        (120 * MAN, 30 * MAN, 30 * MAN),
        (200 * MAN, 100 * MAN, 100 * MAN),
        (300 * MAN, None, None),
    ],
)
def test_distance_to_the_next_grade(paid: int, to_next, to_surcharge) -> None:
    # "다음 보험료 할증단계까지 남은 비급여 보험금" (the news article)
    g = premium.surcharge_grade(paid)
    assert g.to_next == to_next
    assert g.to_next_surcharge == to_surcharge


@given(a=st.integers(0, 10**9), b=st.integers(0, 10**9))
def test_grade_and_relativity_monotone_in_amount(a: int, b: int) -> None:
    low, high = sorted((a, b))
    g_low, g_high = premium.surcharge_grade(low), premium.surcharge_grade(high)
    assert g_low.grade <= g_high.grade
    assert g_low.relativity_ppm <= g_high.relativity_ppm
    assert g_low.lower <= low and (g_low.upper is None or low < g_low.upper)


def test_grade_numbers_vectorized_matches_scalar() -> None:
    amounts = np.array([0, 1, 99 * MAN, 100 * MAN, 149 * MAN, 150 * MAN, 299 * MAN, 300 * MAN])
    expected = [premium.surcharge_grade(int(a)).grade for a in amounts]
    assert premium.grade_numbers(amounts).tolist() == expected


@pytest.mark.parametrize("bad", [-1, 1.5, "abc", "-100만", None, True])
def test_bad_amounts(bad: object) -> None:
    with pytest.raises(ValueError, match="nonbenefit_paid"):
        premium.surcharge_grade(bad)


def test_won_text_accepted_like_every_other_amount() -> None:
    # amounts go through the one shared validator (formulas.as_won), which reads won text
    assert premium.surcharge_grade("100만원").grade == 3
    assert premium.surcharge_grade("99만 9,999원").grade == 2


GRADE_2_SOURCE = (
    'label = "유지"\nlower = 1\nupper = 1_000_000\nrelativity_ppm = 1_000_000\nconfidence = "A"'
)


@pytest.mark.parametrize(
    ("edit", "key", "message"),
    [
        # a misplaced key was silently ignored in PolicyEngine-US; ours is an error:
        # https://github.com/PolicyEngine/policyengine-us/issues/8905
        (('label = "유지"', 'label = "유지"\nlabl = 1'), "grade[1].labl", "unknown key"),
        (("upper = 1_500_000", "upper = 1_400_000"), "grade[2].upper", "must equal the next"),
        (
            (GRADE_2_SOURCE, GRADE_2_SOURCE.replace('"A"', '"AA"')),
            "grade[1].confidence",
            "expected A, B, C or user, got 'AA'",
        ),
        (
            (
                'confidence = "A"\nsource = ["bohumleaders", "khan-2024-premium"]',
                'confidence = "A"\nsource = ["bohumleaders", "no-such-source"]',
            ),
            "grade[1].source[1]",
            "unknown source 'no-such-source'",
        ),
        (
            ("relativity_ppm = 2_000_000", "relativity_ppm = 2.5"),
            "grade[2].relativity_ppm",
            "expected a whole number",
        ),
        (
            ('unit = "ppm"\nlabel = "연간', 'unit = "rate"\nlabel = "연간'),
            "renewal.cap_ppm.unit",
            "read as ppm, not 'rate'",
        ),
        (
            ("value = 250_000\n", "value = 250_000\nvalues = 1\n"),
            "renewal.cap_ppm.values",
            "unknown key",
        ),
        (
            ('value = [1, 2]\nconfidence = "A"', 'value = [1, 2]\nconfidence = "maybe"'),
            "exclusions.long_term_care_grades.confidence",
            "expected A, B, C or user",
        ),
        (
            ('source = ["fsc-2024-premium", "cleveridea"', 'source = ["fsc_2024", "cleveridea"'),
            "rules.in_force_from.source[0]",
            "unknown source 'fsc_2024'",
        ),
        (("[window.basis]", "[window.basiss]"), "window.basiss", "unknown key"),
        (
            ('lower = { unit = "won"', 'lower = { unit = "days"'),
            "columns.lower.unit",
            "read as won, not 'days'",
        ),
    ],
)
def test_loader_rejects_bad_files(
    tmp_path: Path, edit: tuple[str, str], key: str, message: str
) -> None:
    text = premium.DATA_FILE.read_text(encoding="utf-8")
    assert edit[0] in text, edit[0]
    bad = tmp_path / "g.toml"
    bad.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    with pytest.raises(RuleDataError, match=re.escape(f"g.toml: {key}: ")) as err:
        premium.load_grades(bad)
    assert message in str(err.value)
    assert err.value.file == str(bad) and err.value.where == key


def test_every_shipped_grade_and_value_has_a_source_and_a_confidence() -> None:
    table = premium.load_grades()
    assert len(table.references) == len(table.grades) == len(table.notes)
    for conf, refs, shown in zip(table.confidence, table.references, table.sources, strict=True):
        assert conf in {"A", "B", "C"} and refs and all(r.title for r in refs)
        assert shown == tuple(str(r) for r in refs)
    assert table.columns == {
        "lower": ("won", "직전 1년 비급여 보험금 (이상)"),
        "upper": ("won", "직전 1년 비급여 보험금 (미만)"),
        "relativity_ppm": ("ppm", "비급여 특약 보험료 배율 (1_000_000 = 100%)"),
    }
    for key, fact in table.facts.items():
        assert fact.confidence in {"A", "B", "C"} and fact.references and fact.label, key
    assert table.facts["renewal.cap_ppm"].show() == "25%"
    assert table.facts["window.months"].show() == "12개월"
    assert table.facts["exclusions.long_term_care_grades"].show() == "1, 2등급"
    text = premium.DATA_FILE.read_text(encoding="utf-8")
    assert "seed" not in text.lower() and pointers(text) == []


# --- window and exclusions ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("renewal", "start", "end"),
    [
        # "계약해당일이 속한 달의 3개월 전 말일부터 직전 1년간" (the news article)
        ("2025-07-15", "2024-05-01", "2025-04-30"),
        ("2024-07-01", "2023-05-01", "2024-04-30"),
        ("2025-03-31", "2024-01-01", "2024-12-31"),
        ("2025-01-10", "2023-11-01", "2024-10-31"),
        ("2024-05-20", "2023-03-01", "2024-02-29"),  # leap year
    ],
)
def test_measurement_window(renewal: str, start: str, end: str) -> None:
    assert premium.measurement_window(renewal) == (
        dt.date.fromisoformat(start),
        dt.date.fromisoformat(end),
    )


def _paid_lines() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "person": ["a", "a", "a", "a", "b", "b"],
            "date": [
                "2024-04-30",  # before the window for a 2025-07 renewal
                "2024-05-01",  # first day in
                "2025-04-30",  # last day in
                "2025-05-01",  # after
                "2024-08-01",
                "2024-09-01",
            ],
            "nonbenefit_payout": [500 * MAN, 70 * MAN, 40 * MAN, 900 * MAN, 200 * MAN, 150 * MAN],
            "special_case": [False, False, False, False, True, False],
        }
    )


def test_window_totals_count_only_the_window_and_not_the_exclusions() -> None:
    out = premium.window_totals(_paid_lines(), "2025-07-15")
    assert out.loc["a", "paid"] == 110 * MAN
    assert out.loc["a", "grade"] == 3
    assert out.loc["a", "to_next"] == 40 * MAN
    # 산정특례 line of b (200만) is left out; 150만 remains → grade 4
    assert out.loc["b", "paid"] == 150 * MAN and out.loc["b", "excluded"] == 200 * MAN
    assert out.loc["b", "grade"] == 4
    assert out.loc["a", "window_end"] == dt.date(2025, 4, 30)


def test_long_term_care_grades_1_and_2_exclude_everything() -> None:
    out = premium.window_totals(_paid_lines(), "2025-07-15", long_term_care={"a": 2, "b": 3})
    assert out.loc["a", "paid"] == 0 and out.loc["a", "grade"] == 1
    assert out.loc["a", "excluded"] == 110 * MAN
    assert out.loc["b", "grade"] == 4
    with pytest.raises(ValueError, match="long_term_care grade must be 1–5"):
        premium.window_totals(_paid_lines(), "2025-07-15", long_term_care=7)


def test_window_bad_input() -> None:
    with pytest.raises(ValueError, match="renewals from 2024-07-01"):
        premium.window_totals(_paid_lines(), "2024-06-30")
    with pytest.raises(ValueError, match="missing column 'nonbenefit_payout'"):
        premium.window_totals(_paid_lines().drop(columns="nonbenefit_payout"), "2025-07-15")
    lines = _paid_lines()
    lines.loc[2, "nonbenefit_payout"] = -3
    with pytest.raises(ValueError, match="row 2, column 'nonbenefit_payout'"):
        premium.window_totals(lines, "2025-07-15")
    with pytest.raises(ValueError, match="renewal: '다음 달': expected a date"):
        premium.measurement_window("다음 달")


# --- premium path ---------------------------------------------------------------------------


def test_premium_path_relativity_on_the_nonbenefit_part_only() -> None:
    path = premium.premium_path(10_000, 20_000, [0, 50 * MAN, 120 * MAN, 200 * MAN, 400 * MAN])
    assert path["grade"].tolist() == [1, 2, 3, 4, 5]
    assert (path["covered"] == 10_000).all()
    assert path["nonbenefit"].tolist() == [19_000, 20_000, 40_000, 60_000, 80_000]
    assert (path["total"] == path["covered"] + path["nonbenefit"]).all()


def test_cap_applies_before_the_relativity() -> None:
    # 25% cap before the relativity → grade 5 can face 1.25 × 4 = 5× in one year (B: the
    # 4세대 표준약관, https://fss.or.kr/fss/bbs/B0000115/view.do?menuNo=200504&nttId=21943,
    # and the 금융위원회 release above)
    path = premium.premium_path(10_000, 20_000, [300 * MAN], increase=0.60)
    row = path.iloc[0]
    assert row["covered"] == 12_500
    assert row["nonbenefit_base"] == 25_000
    assert row["nonbenefit"] == 5 * 20_000
    down = premium.premium_path(10_000, 20_000, [50 * MAN, 50 * MAN], increase=[-0.5, 0.1])
    assert down["covered"].tolist() == [7_500, 8_250]


def test_premium_path_separate_increases_and_bad_input() -> None:
    path = premium.premium_path(10_000, 20_000, [0, 0], increase=0.1, nonbenefit_increase=0.2)
    assert path["covered"].tolist() == [11_000, 12_100]
    assert path["nonbenefit_base"].tolist() == [24_000, 28_800]
    with pytest.raises(ValueError, match="nonbenefit_paid must not be negative"):
        premium.premium_path(10_000, 20_000, [-1])
    with pytest.raises(ValueError, match="covered_premium must not be negative"):
        premium.premium_path(-10_000, 20_000, [0])
    with pytest.raises(ValueError, match="before each renewal"):
        premium.premium_path(10_000, 20_000, [])


# --- 무사고 할인 (no-claim discount) ---------------------------------------------------------
# 10% off the whole premium at a renewal after two years without a 비급여 benefit paid, 4대
# 중증질환 excepted (B: the 4세대 표준약관, 보험업감독업무시행세칙 별표15, 2021.7.1 시행,
# https://fss.or.kr/fss/bbs/B0000115/view.do?menuNo=200504&nttId=21943; MBC 2021.8.31,
# https://imnews.imbc.com/replay/2021/nwtoday/article/6297261_34944.html). Applied after the
# grade, multiplicatively (C, an inference: data/premium_grades.toml no_claim.combination).


def test_no_claim_discount_after_exactly_two_clean_years() -> None:
    path = premium.premium_path(10_000, 20_000, [0, 0])
    assert path["clean_years"].tolist() == [1, 2]
    # renewal 1: one known clean year → none; renewal 2: floor((10,000 + 19,000) × 0.9)
    assert path["no_claim_discount"].tolist() == [0, 2_900]
    assert path["total"].tolist() == [29_000, 26_100]
    assert (path["total"] == path["covered"] + path["nonbenefit"] - path["no_claim_discount"]).all()
    # the grade columns are those of the grade alone
    assert path["nonbenefit"].tolist() == [19_000, 19_000]
    assert path["surcharge"].tolist() == [-1_000, -1_000]
    # a clean year known before the first window: renewal 1 already has two
    assert premium.premium_path(10_000, 20_000, [0], clean_before=1)["total"].tolist() == [26_100]


def test_no_claim_discount_needs_two_years() -> None:
    one = premium.premium_path(10_000, 20_000, [0])
    assert one["no_claim_discount"].tolist() == [0] and one["total"].tolist() == [29_000]
    after_claim = premium.premium_path(10_000, 20_000, [50 * MAN, 0, 0])
    assert after_claim["clean_years"].tolist() == [0, 1, 2]
    assert after_claim["no_claim_discount"].tolist() == [0, 0, 2_900]


def test_a_claim_in_the_second_year_loses_the_discount() -> None:
    path = premium.premium_path(10_000, 20_000, [0, 1, 0], clean_before=1)
    assert path["clean_years"].tolist() == [2, 0, 1]
    assert path["no_claim_discount"].tolist() == [2_900, 0, 0]
    assert path["total"].tolist() == [26_100, 30_000, 29_000]


@given(
    claimed=st.lists(st.sampled_from([0, 0, 1, 30 * MAN]), min_size=1, max_size=6),
    before=st.integers(0, 3),
    covered=st.integers(0, 100_000),
    nonbenefit=st.integers(0, 100_000),
)
def test_no_claim_discount_exactly_when_the_last_two_windows_are_clean(
    claimed: list[int], before: int, covered: int, nonbenefit: int
) -> None:
    path = premium.premium_path(covered, nonbenefit, claimed, clean_before=before)
    history = [0] * before + claimed
    for k, row in path.iterrows():
        years = history[: before + int(k) + 1]
        clean = len(years) >= 2 and years[-1] == 0 and years[-2] == 0
        price = row["covered"] + row["nonbenefit"]
        assert row["total"] == (price * 9 // 10 if clean else price)
        assert row["no_claim_discount"] == price - row["total"] >= 0


def test_a_severe_disease_claim_keeps_the_discount() -> None:
    # one 비급여 line of 200만 for a 산정특례 (4대 중증) disease in the first window, none else
    lines = pd.DataFrame(
        {
            "person": ["a", "b"],
            "date": ["2024-09-01", "2024-09-01"],
            "nonbenefit_payout": [200 * MAN, 30 * MAN],
            "special_case": [True, False],
        }
    )
    first = premium.window_totals(lines, "2025-07-15")
    second = premium.window_totals(lines, "2026-07-15")
    assert first.loc["a", ["paid", "claimed"]].tolist() == [0, 0]
    assert first.loc["b", ["paid", "claimed"]].tolist() == [30 * MAN, 30 * MAN]
    for person, want in (("a", [0, 2_900]), ("b", [0, 0])):
        paid = [int(first.loc[person, "paid"]), int(second.loc[person, "paid"])]
        claimed = [int(first.loc[person, "claimed"]), int(second.loc[person, "claimed"])]
        path = premium.premium_path(10_000, 20_000, paid, claimed=claimed)
        assert path["no_claim_discount"].tolist() == want


def test_long_term_care_is_no_exception_to_the_no_claim_run() -> None:
    # 장기요양 1·2등급 leave the grades at 1 (nothing counted) but 비급여 paid still breaks the run
    lines = pd.DataFrame(
        {"date": ["2024-09-01"], "nonbenefit_payout": [30 * MAN], "special_case": [False]}
    )
    out = premium.window_totals(lines, "2025-07-15", long_term_care=1)
    assert out.iloc[0][["paid", "claimed"]].tolist() == [0, 30 * MAN]
    path = premium.premium_path(10_000, 20_000, [0, 0], claimed=[30 * MAN, 0], clean_before=1)
    assert path["grade"].tolist() == [1, 1] and path["no_claim_discount"].tolist() == [0, 0]


def test_no_claim_bad_input_and_data() -> None:
    with pytest.raises(ValueError, match="claimed must list one amount per renewal"):
        premium.premium_path(10_000, 20_000, [0, 0], claimed=[0])
    with pytest.raises(ValueError, match="clean_before must not be negative"):
        premium.premium_path(10_000, 20_000, [0], clean_before=-1)
    tab = premium.load_grades()
    assert (tab.no_claim_ppm, tab.no_claim_years) == (100_000, 2)
    assert tab.facts["no_claim.discount_ppm"].confidence == "B"
    assert tab.facts["no_claim.combination"].confidence == "C"
    assert "nttId=21943" in " ".join(str(s) for s in tab.facts["no_claim.discount_ppm"].references)


def test_no_claim_rate_has_no_default_in_code(tmp_path: Path) -> None:
    text = premium.DATA_FILE.read_text(encoding="utf-8")
    start = text.index("[no_claim.discount_ppm]")
    end = text.index("[no_claim.clean_years]", start)
    bad = tmp_path / "g.toml"
    bad.write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(RuleDataError, match=r"g\.toml: no_claim\.discount_ppm: missing required"):
        premium.load_grades(bad)


def test_claiming_that_breaks_a_clean_run_counts_the_lost_discount() -> None:
    # clean last year, nothing paid this window: a 1,000원 claim costs grade 1 → 2 (5% of
    # 30,000 × 12 = 18,000) and next renewal's 무사고 할인 on (10,000 + 28,500) = 3,850 × 12
    advice = premium.advise(1_000, 0, 30_000, clean_years=1, covered_premium=10_000)
    assert advice.lost_no_claim == 12 * 3_850
    assert advice.extra_premium == 18_000 + 12 * 3_850
    assert advice.losing_ranges == ((1, 18_000 + 46_200),)
    # the run is not at stake: last year had a claim, or this window already has one
    assert premium.advise(
        1_000, 0, 30_000, clean_years=0, covered_premium=10_000
    ).extra_premium == (18_000)
    extra, _ = premium.claim_net([0, 1_000], 5 * MAN, 30_000, clean_years=3, covered_premium=10_000)
    assert extra.tolist() == [0, 0]
    # without clean_years the advice is the grade alone, as before
    assert premium.advise(1_000, 0, 30_000).lost_no_claim == 0
    extra, net = premium.claim_net(np.array([0, 1_000]), 0, 30_000, clean_years=1)
    assert extra.tolist() == [0, 18_000 + 12 * (28_500 - 25_650)]
    assert net.tolist() == [0, 1_000 - extra[1]]


# --- claim or not ---------------------------------------------------------------------------


def test_advice_when_a_claim_crosses_100man() -> None:
    # already 90만 paid; 비급여 base 3만/month → a grade-3 year costs 36만 more
    advice = premium.advise(20 * MAN, 90 * MAN, 30_000)
    assert (advice.grade_before, advice.grade_after) == (2, 3)
    assert advice.extra_premium == 12 * 30_000
    assert advice.net == 20 * MAN - 36 * MAN
    assert not advice.worth_claiming
    # grade 3 band: claims of 10만..<60만 cost 36만 → lose below 36만;
    # grade 4 band: 60만..<210만 cost 72만 → lose below 72만; grade 5 costs 108만 < 210만
    assert advice.losing_ranges == ((10 * MAN, 36 * MAN), (60 * MAN, 72 * MAN))
    assert advice.threshold == 72 * MAN
    assert premium.advise(9 * MAN, 90 * MAN, 30_000).worth_claiming  # stays in grade 2
    assert premium.advise(36 * MAN, 90 * MAN, 30_000).net == 0


def test_first_claim_loses_the_grade1_discount() -> None:
    advice = premium.advise(1_000, 0, 30_000)
    assert advice.extra_premium == 12 * 30_000 * 5 // 100  # 5% of a year's base
    assert advice.losing_ranges == ((1, 18_000),)


@given(
    claim=st.integers(0, 500 * MAN),
    before=st.integers(0, 400 * MAN),
    base=st.integers(0, 200_000),
)
def test_advice_matches_a_direct_computation(claim: int, before: int, base: int) -> None:
    advice = premium.advise(claim, before, base)
    rel_before = premium.surcharge_grade(before).relativity_ppm
    rel_after = premium.surcharge_grade(before + claim).relativity_ppm
    assert advice.extra_premium == 12 * base * (rel_after - rel_before) // PPM
    assert advice.extra_premium >= 0
    assert advice.net == claim - advice.extra_premium
    in_losing = any(lo <= claim < hi for lo, hi in advice.losing_ranges)
    assert in_losing == (advice.net < 0)
    if claim >= advice.threshold:
        assert advice.worth_claiming


def test_claim_net_vectorized() -> None:
    claims = np.array([0, 5 * MAN, 20 * MAN, 50 * MAN])
    extra, net = premium.claim_net(claims, 90 * MAN, 30_000)
    assert extra.tolist() == [0, 0, 36 * MAN, 36 * MAN]
    assert net.tolist() == [0, 5 * MAN, -16 * MAN, 14 * MAN]
    with pytest.raises(ValueError, match="claim_payout must not be negative"):
        premium.claim_net(-1, 0, 30_000)


# --- from receipts through the claim engine ---------------------------------------------------


def test_nonbenefit_payouts_split_the_engine_payout() -> None:
    import silson_tools as st

    receipts = pd.DataFrame(
        {
            "date": ["2024-02-01", "2024-02-01", "2024-06-01"],
            "setting": ["outpatient", "outpatient", "outpatient"],
            "tier": ["clinic", "clinic", "hospital"],
            "covered_copay": [10_000, 8_000, 30_000],
            "noncovered": [0, 100_000, 150_000],
            "category": ["", "manual_therapy", ""],
        }
    )
    non = premium.nonbenefit_payouts(receipts, "gen4", "2023-03-01")
    total = st.assess(receipts, "gen4", "2023-03-01")["payout"].to_numpy()
    assert non.dtype == np.int64 and (non >= 0).all() and (non <= total).all()
    # line 1 has no 비급여, so none of its payout counts
    assert non[0] == 0
    # 4세대 비급여 특약: 도수치료 max(3만, 30%) → 7만; general 비급여 max(3만, 30%) → 10.5만
    assert non[1] == 70_000 and non[2] == 105_000
    receipts["nonbenefit_payout"] = non
    out = premium.window_totals(receipts, "2025-03-01")  # window = calendar 2024
    assert out.loc["본인", "paid"] == 175_000 and out.loc["본인", "grade"] == 2


SAMPLE = Path(__file__).parents[1] / "data" / "samples" / "receipts.csv"


@pytest.mark.parametrize("policy", ["gen4", "gen5"])
def test_nonbenefit_payouts_equal_the_double_assessment_on_the_sample(policy: str) -> None:
    """One assessment's ``payout_noncovered`` equals payout − payout with 비급여 removed."""
    import silson_tools as st

    receipts = st.read_receipts(SAMPLE)
    assert (receipts["noncovered"] > 0).sum() >= 10  # the sample has 비급여 to split
    full = st.assess(receipts, policy, "2023-03-01")
    without = st.assess(receipts.assign(noncovered=0), policy, "2023-03-01")["payout"]
    want = (full["payout"] - without).to_numpy()
    non = premium.nonbenefit_payouts(receipts, policy, "2023-03-01")
    assert non.dtype == np.int64 and non.tolist() == want.tolist()
    assert (full["payout_noncovered"].to_numpy() == non).all()
    assert (full["payout_covered"] + full["payout_noncovered"] == full["payout"]).all()
    assert full["payout_covered"].tolist() == without.tolist()
    assert non.sum() > 0


def test_nonbenefit_payouts_under_a_pooled_generation_sum_to_the_payout() -> None:
    """3세대 pools 급여 and 비급여: the split still adds up to each line's payout."""
    import silson_tools as st

    receipts = st.read_receipts(SAMPLE)
    full = st.assess(receipts, "gen3", "2023-03-01")
    non = premium.nonbenefit_payouts(receipts, "gen3", "2023-03-01")
    assert (non >= 0).all() and (non <= full["payout"].to_numpy()).all()
    assert (non <= receipts["noncovered"].to_numpy()).all()
    assert (non[receipts["noncovered"].to_numpy() == 0] == 0).all()
    assert non.sum() > 0


def test_rule_numbers_have_no_defaults_in_code(tmp_path: Path) -> None:
    # the ±25% renewal cap comes from the data file only
    text = premium.DATA_FILE.read_text(encoding="utf-8")
    start = text.index("[renewal.cap_ppm]")
    end = text.index("[exclusions.", start)
    bad = tmp_path / "g.toml"
    bad.write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(RuleDataError, match=r"g\.toml: renewal\.cap_ppm: missing required"):
        premium.load_grades(bad)
