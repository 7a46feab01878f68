"""One admission (입원 1건) and one injection act: the engine against the row-by-row reference,
the per-act arithmetic of injections, the 방문묶음 check on inpatient keys, and 병원명 that
differ only in spaces or character width.

Comments cite these originals by the short name before the colon:

- 4세대 표준약관: 금융감독원, 실손의료보험 표준약관 (보험업감독업무시행세칙 별표15,
  2021.7.1 시행), https://fss.or.kr/fss/bbs/B0000115/view.do?menuNo=200504&nttId=21943
- 삼성생명 3세대: 삼성생명 인터넷 실손의료비보장보험1.0 상품안내 (2018), 「주사: 입원·통원
  1회당」, https://direct.samsunglife.com
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st
from reference_engine import reference_assess
from stays_apart import no_days_billed_twice
from test_claims import answer_pharmacy_ties, without_pharmacy_ties

from silson_tools.catalog import Policy, load_policy
from silson_tools.engine import DETAIL_COLUMNS, assess
from silson_tools.engine.visits import join_keyed
from silson_tools.errors import ReceiptError
from silson_tools.receipts import read_receipts

ROOT = Path(__file__).resolve().parents[1]
COMPARED = [c for c in DETAIL_COLUMNS if c not in ("payout_covered", "payout_noncovered")]


def per_visit(policy: Policy) -> Policy:
    """``policy`` with its injection parts taken per act (treatment ``unit = "visit"``)."""
    parts = []
    for part in policy.parts:
        if part.treatment is not None and "injection" in (part.categories or ()):
            rule = dataclasses.replace(part.treatment, visit_unit="visit")
            part = dataclasses.replace(part, treatment=rule)
        parts.append(part)
    return dataclasses.replace(policy, parts=tuple(parts))


POLICIES = {
    **{name: load_policy(name) for name in ("gen2", "gen3", "gen4", "gen5")},
    **{f"{name}-per-visit": per_visit(load_policy(name)) for name in ("gen3", "gen4", "gen5")},
}


@st.composite
def stays(draw) -> pd.DataFrame:
    """Lines of two people over a few weeks, mostly inpatient, at few institutions (some
    blank), with stays that touch, 입원일수 0 now and then, and 방문묶음 keys: an inpatient key
    per person and institution (one stay over several days), an outpatient key per person
    and day."""
    rows = []
    for _ in range(draw(st.integers(1, 25))):
        setting = draw(st.sampled_from(["inpatient", "inpatient", "outpatient", "pharmacy"]))
        person = draw(st.sampled_from(["가", "가", "나"]))
        day = dt.date(2026, 7, 1) + dt.timedelta(days=draw(st.integers(0, 20)))
        inst = draw(st.sampled_from(["", "B병원", "B 병원", "C의원", "Ｃ의원"]))
        category = draw(st.sampled_from(["", "", "injection", "injection", "mri", "room_upgrade"]))
        if setting == "inpatient":
            days = draw(st.sampled_from([0, 0, 1, 2, 3, 5, 9, 14]))  # 0 may fall in a stay
            key = f"{person}{inst}" if inst and draw(st.booleans()) else ""
            if category == "room_upgrade":
                days = max(days, 1)
        else:
            days = 0
            key = draw(st.sampled_from(["", "", f"{person}{day}"]))
            category = "" if category == "room_upgrade" else category
        tiers = ["pharmacy"] if setting == "pharmacy" else ["clinic", "hospital", "general"]
        cc = draw(st.sampled_from([0, 10_000, 300_000, 2_000_000]))
        rows.append(
            {
                "person": person,
                "date": day,
                "institution": inst,
                "visit": key,
                "setting": setting,
                "tier": draw(st.sampled_from(tiers)),
                "covered_copay": cc,
                "nhis_paid": 3 * cc,
                "noncovered": draw(
                    st.sampled_from([0, 20_000, 50_000, 90_000, 700_000, 5_000_000, 9_000_000])
                ),
                "days": days,
                "category": category,
            }
        )
    answer_pharmacy_ties(rows)  # whose prescription, where the reader would ask
    return without_pharmacy_ties(pd.DataFrame(no_days_billed_twice(rows)))  # days billed twice


def _bill_without_days_inside_a_stay(frame: pd.DataFrame) -> bool:
    """A named 입원 line without 입원일수 dated after the start and within the stay of an
    earlier line with days, same person and institution, and a later line with days inside."""
    inp = frame[(frame["setting"] == "inpatient") & (frame["institution"] != "")]
    same = inp["institution"].map(lambda t: unicodedata.normalize("NFKC", t).replace(" ", ""))
    for _, run in inp.groupby([inp["person"], same]):
        stays_ = [(r.date, r.date + dt.timedelta(days=int(r.days))) for r in run.itertuples()
                  if r.days > 0]  # fmt: skip
        for z in run.loc[run["days"] == 0, "date"]:
            if any(a < z <= b for a, b in stays_) and any(z < a for a, _ in stays_):
                return True
    return False


def test_the_strategy_draws_bills_without_days_inside_stays() -> None:
    # the engine–reference comparison below must meet the days-0 line inside a stay
    find(
        stays(),
        _bill_without_days_inside_a_stay,
        settings=settings(database=None, phases=[Phase.generate], max_examples=1000),
    )


@pytest.mark.parametrize("name", list(POLICIES))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_admissions_and_acts_equal_the_reference(name: str, data) -> None:
    policy = POLICIES[name]
    df = data.draw(stays())
    if data.draw(st.booleans()):  # no 방문묶음 column: 통원 by person, day and 병원명 alone
        df = without_pharmacy_ties(df.drop(columns="visit"))  # (its keys answered ties)
    got = assess(df, policy, policy_start="2026-06-01")
    want = reference_assess(df, policy, policy_start="2026-06-01")
    for col in COMPARED:
        g = got[col].astype(object).tolist() if col == "zone" else got[col].tolist()
        assert g == want[col].tolist(), col
    claim = got["covered_copay"] + got["noncovered"]
    assert (got["payout"] + got["self_pay"] == claim).all()


def line(**kw) -> dict:
    base = {
        "date": "2024-03-05",
        "setting": "outpatient",
        "tier": "clinic",
        "institution": "A의원",
        "covered_copay": 0,
        "noncovered": 50_000,
        "category": "injection",
    }
    return base | kw


def test_injections_of_one_admission_are_one_act() -> None:
    # 4세대 표준약관: 1회 입원에서 2회 이상 주사 → 1회. Five daily 50,000 lines of one stay:
    # 250,000 − max(3만원, 30% = 75,000) = 175,000, one count (per line: 5 × 20,000).
    rows = [
        line(
            date=f"2024-03-0{d}", setting="inpatient", tier="hospital", institution="B병원", days=1
        )
        for d in range(1, 6)
    ]
    df = pd.DataFrame(rows)
    got = assess(df, per_visit(load_policy("gen4")), policy_start="2024-01-01")
    assert got["payout"].sum() == 175_000
    assert got["payout"].tolist() == [35_000] * 5
    assert got["session_no"].tolist() == [1] * 5
    shipped = assess(df, "gen4", policy_start="2024-01-01")  # the product data says so
    assert shipped["payout"].tolist() == [35_000] * 5


def test_gen3_two_injections_of_one_visit() -> None:
    # 삼성생명 3세대: 주사 최소공제 2만원, 30%, 입원·통원 1회당: 100,000 − max(20,000, 30,000)
    got = assess(
        pd.DataFrame([line(), line()]), per_visit(load_policy("gen3")), policy_start="2024-01-01"
    )
    assert got["payout"].tolist() == [35_000, 35_000]
    assert got["deductible"].tolist() == [0, 0]
    assert got["rate_part"].tolist() == [15_000, 15_000]


def test_other_treatments_stay_per_line_and_other_visits_are_other_acts() -> None:
    # 도수 and MRI keep one act per line; injections at two clinics or two days are two acts
    df = pd.DataFrame(
        [
            line(category="manual_therapy"),
            line(category="manual_therapy"),
            line(),
            line(institution="B의원"),
            line(date="2024-03-06"),
        ]
    )
    got = assess(df, per_visit(load_policy("gen4")), policy_start="2024-01-01")
    assert got["payout"].tolist() == [20_000, 20_000, 20_000, 20_000, 20_000]
    assert got["session_no"].tolist() == [1, 2, 1, 2, 3]


def frame(*rows: dict) -> pd.DataFrame:
    base = {
        "person": "가나",
        "setting": "inpatient",
        "tier": "hospital",
        "covered_copay": 0,
        "noncovered": 100_000,
        "days": 3,
    }
    return pd.DataFrame([base | r for r in rows])


def test_an_inpatient_visit_key_may_span_the_days_of_one_stay() -> None:
    df = frame(
        {"date": "2026-07-01", "institution": "B병원", "visit": "입원1"},
        {"date": "2026-07-20", "institution": "B 병원", "visit": "입원1"},  # the same, spaced
    )
    got = assess(df, "gen5", policy_start="2026-06-01")
    assert got["payout"].sum() == 100_000


@pytest.mark.parametrize(
    ("second", "row", "words"),
    [
        ({"institution": "C병원"}, 1, "another institution"),
        ({"person": "다라"}, 1, "another person"),
        ({"setting": "outpatient", "days": 0}, 1, "another day"),
    ],
)
def test_a_visit_key_over_several_days_is_one_stay_at_one_institution(
    second: dict, row: int, words: str
) -> None:
    df = frame(
        {"date": "2026-07-01", "institution": "B병원", "visit": "입원1"},
        {"date": "2026-07-20", "institution": "B병원", "visit": "입원1"} | second,
    )
    with pytest.raises(ReceiptError) as info:
        assess(df, "gen5", policy_start="2026-06-01")
    (problem,) = info.value.problems
    assert problem.row == row
    assert problem.value == "입원1"
    assert "방문묶음" in problem.expected and words in problem.expected
    assert "visit" in str(problem.column)


@pytest.mark.parametrize("policy", ["gen2", "gen3", "gen4"])
@pytest.mark.parametrize("other", ["가나 의원", "가나\u3000의원", " 가나 의 원"])
def test_one_institution_written_two_ways_is_one_visit(policy: str, other: str) -> None:
    # one 통원 at one 의원: one deductible (1만원 at a 의원), whatever the spaces and widths
    df = pd.DataFrame(
        [
            line(institution="가나의원", covered_copay=20_000, noncovered=0, category=""),
            line(institution=other, covered_copay=20_000, noncovered=0, category=""),
        ]
    )
    got = assess(df, policy, policy_start="2024-01-01")
    assert got["deductible"].sum() == 10_000, got[["institution", "deductible"]]
    assert got["institution"].tolist() == ["가나의원", other]  # the person's text, unchanged


def test_full_width_letters_are_the_same_institution() -> None:
    df = pd.DataFrame(
        [
            line(institution="AB의원", covered_copay=20_000, noncovered=0, category=""),
            line(institution="ＡＢ의원", covered_copay=20_000, noncovered=0, category=""),
        ]
    )
    got = assess(df, "gen3", policy_start="2024-01-01")
    want = reference_assess(df, load_policy("gen3"), policy_start="2024-01-01")
    assert got["deductible"].sum() == 10_000
    assert got["payout"].tolist() == want["payout"].tolist()


def test_a_receipt_file_keys_one_stay_over_several_days(tmp_path: Path) -> None:
    # 중간 and 퇴원 receipts of one stay keyed 입원1: read; the same key at another 병원 on
    # another day is refused naming the file, the spreadsheet row, the column and the value
    header = "이름,진료일자,진료구분,요양기관종류,병원명,방문묶음,입원일수,본인부담금,비급여"
    rows = [
        "지훈,2026-07-01,입원,병원,B병원,입원1,14,0,5000000",
        "지훈,2026-07-15,입원,병원,B 병원,입원1,10,0,5000000",
    ]
    good = tmp_path / "good.csv"
    good.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    got = assess(read_receipts(good), "gen5", policy_start="2026-06-01")
    assert got["payout"].tolist() == [1_500_000, 1_500_000]  # one 300만원 for the stay
    bad = tmp_path / "bad.csv"
    rows.append("지훈,2026-07-30,입원,병원,C병원,입원1,3,0,100000")
    bad.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    with pytest.raises(ReceiptError) as info:
        read_receipts(bad)
    (problem,) = info.value.problems
    assert (problem.row, problem.value) == (4, "입원1")
    assert "bad.csv" in problem.file and "방문묶음" in str(problem.column)
    assert "another institution" in problem.expected


def _joined(group: list[int], keys: list[int]) -> list[int]:
    """Plain union–find: groups sharing a key (> 0) joined under the smallest group."""
    parent = {g: g for g in group}

    def root(g: int) -> int:
        while parent[g] != g:
            g = parent[g]
        return g

    first: dict[int, int] = {}
    for g, k in zip(group, keys, strict=True):
        if k:
            a, b = root(g), root(first.setdefault(k, g))
            parent[max(a, b)] = min(a, b)
    return [root(g) for g in group]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 12), st.integers(0, 6)), min_size=1, max_size=40))
def test_join_keyed_is_connected_components(pairs: list[tuple[int, int]]) -> None:
    group, keys = [g for g, _ in pairs], [k for _, k in pairs]
    got = join_keyed(np.array(group, dtype=np.int64), np.array(keys, dtype=np.int64))
    assert got.tolist() == _joined(group, keys)


@pytest.mark.parametrize(
    ("product", "part"),
    [
        ("gen3", "injection"),
        ("gen3-choice2", "injection"),
        ("gen4", "injection"),
        ("gen5", "severe_injection"),
    ],
)
def test_shipped_injection_parts_are_per_act(product: str, part: str) -> None:
    rule = load_policy(product).part(part).treatment
    assert rule is not None and rule.visit_unit == "visit" and rule.visit_unit_basis
    for other in ("manual", "mri", "severe_manual", "severe_mri"):  # each line its own act
        if any(p.name == other for p in load_policy(product).parts):
            treatment = load_policy(product).part(other).treatment
            assert treatment is not None and treatment.visit_unit == "line"


def test_treatment_unit_must_be_line_or_visit(tmp_path: Path) -> None:
    from silson_tools.errors import RuleDataError

    text = (ROOT / "silson_tools" / "data" / "products" / "gen4.toml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace('unit = { value = "visit"', 'unit = { value = "day"', 1), "utf-8")
    with pytest.raises(RuleDataError, match="unit"):
        load_policy(bad)
