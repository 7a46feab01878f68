"""본인부담상한제 and a stay that crosses 31 December: the days count in the year they fall in,
the ① (not split on the receipt) counts where it gives the least refund for the refund every
decile gets (a lower bound whatever the split), and in proportion to the days (an estimate,
said in the report) with a known 소득분위."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

import silson_tools as st
from silson_tools import ceiling
from silson_tools.ceiling import CeilingSpec, CertainRefund
from silson_tools.errors import InputError
from silson_tools.receipts import as_receipt_lines
from silson_tools.report import build_report

HEAD = "이름,진료일자,진료구분,요양기관종류,병원명,입원일수,본인부담금,공단부담금,비급여\n"
NEW_YEAR = "나,2023-12-20,입원,종합병원,큰병원,30,9000000,36000000,0\n"


def _read(tmp_path: Path, body: str) -> pd.DataFrame:
    path = tmp_path / "ny.csv"
    path.write_text(HEAD + body, encoding="utf-8")
    return st.read_receipts(path)


def test_a_stay_across_new_year_takes_no_certain_refund(tmp_path: Path) -> None:
    """2023-12-20 for 30 days (12/20–1/18): 12 days in 2023, 18 in 2024; ① 9,000,000.

    Top 상한액 (10분위): 2023 7,800,000, 2024 8,080,000; room 7,800,000 + 8,080,000 =
    15,880,000 ≥ 9,000,000, so some split leaves both years under their 상한액: certain
    refund max(0, 9,000,000 − 15,880,000) = 0 (was 9,000,000 − 7,800,000 = 1,200,000, all in
    2023). gen4 급여 입원 80%: 9,000,000 × 0.8 = 7,200,000 (self-pay 1,800,000 < 200만 cap);
    before the fix 7,800,000 × 0.8 = 6,240,000.
    """
    receipts = _read(tmp_path, NEW_YEAR)
    assert CertainRefund().line_offsets(receipts).tolist() == [0]
    rep = build_report(receipts, "gen4", "2023-01-01", charts=False)
    line = rep.assessed.iloc[0]
    assert (line["ceiling_offset"], line["payout"], line["self_pay"]) == (0, 7_200_000, 1_800_000)
    assert any("어느 해에 나눠 두어도" in w for w in rep.why), rep.why
    assert any("row 2" in w and "2023년 12일, 2024년 18일" in w for w in rep.why), rep.why


def test_the_certain_refund_puts_the_stay_where_the_other_year_has_room(tmp_path: Path) -> None:
    """Plus 2023 외래 ① 7,000,000 and 2024 외래 ① 5,000,000: rooms 7,800,000 − 7,000,000 =
    800,000 and 8,080,000 − 5,000,000 = 3,080,000; the stay's 9,000,000 exceeds them by
    9,000,000 − 3,880,000 = 5,120,000: the certain refund. It lands on the stay's line (its
    first year, whose room is used first). Before the fix all 9,000,000 counted in 2023:
    7,000,000 + 9,000,000 − 7,800,000 = 8,200,000 on the stay's line, and 2024 nothing."""
    body = (
        "나,2023-03-02,외래,상급종합병원,큰병원,,7000000,0,0\n"
        + NEW_YEAR
        + "나,2024-05-02,외래,상급종합병원,큰병원,,5000000,0,0\n"
    )
    receipts = _read(tmp_path, body)
    assert CertainRefund().line_offsets(receipts).tolist() == [0, 5_120_000, 0]
    totals = CertainRefund().totals(receipts, every=True)
    assert totals[["year", "counted", "limit", "refund"]].values.tolist() == [
        [2023, 7_000_000 + 800_000 + 5_120_000, 7_800_000, 5_120_000],
        [2024, 5_000_000 + 3_080_000, 8_080_000, 0],
    ]


def test_a_known_decile_splits_the_stay_by_days_and_says_it_is_an_estimate(
    tmp_path: Path,
) -> None:
    """1분위 (2023 and 2024: 870,000). ① split by days: 9,000,000 × 12/30 = 3,600,000 in 2023,
    5,400,000 in 2024; refund (3,600,000 − 870,000) + (5,400,000 − 870,000) = 2,730,000 +
    4,530,000 = 7,260,000 (was 9,000,000 − 870,000 = 8,130,000). gen4: (9,000,000 −
    7,260,000) × 80% = 1,392,000; self-pay 7,608,000; payout + self_pay = 9,000,000."""
    receipts = _read(tmp_path, NEW_YEAR)
    assert CeilingSpec(decile=1).line_offsets(receipts).tolist() == [7_260_000]
    rep = build_report(receipts, "gen4", "2023-01-01", decile=1, charts=False)
    line = rep.assessed.iloc[0]
    assert (line["ceiling_offset"], line["payout"], line["self_pay"]) == (
        7_260_000,
        1_392_000,
        7_608_000,
    )
    assert any("비례해 나눠" in w and "추정" in w for w in rep.why), rep.why
    assert any("2023년 12일 ① 3,600,000원, 2024년 18일 ① 5,400,000원" in w for w in rep.why)


def test_per_year_deciles_follow_the_stay_into_the_next_year(tmp_path: Path) -> None:
    """2023 1분위 (870,000), 2024 10분위 (8,080,000): 3,600,000 − 870,000 = 2,730,000 and
    5,400,000 < 8,080,000 → 0. Without a 2024 decile the 2024 part takes 2023's (1분위):
    2,730,000 + 5,400,000 − 870,000 = 7,260,000; a line's own year without one is refused."""
    receipts = _read(tmp_path, NEW_YEAR)
    spec = CeilingSpec(decile=5, year_deciles={2023: 1, 2024: 10})
    assert spec.line_offsets(receipts).tolist() == [2_730_000]
    by_person = CeilingSpec(decile=5, year_deciles={2023: {"나": 1}, 2024: {"남": 10}})
    assert by_person.line_offsets(receipts).tolist() == [7_260_000]
    assert CeilingSpec(decile=5, year_deciles={2023: 1}).line_offsets(receipts).tolist() == [
        7_260_000
    ]
    with pytest.raises(InputError, match="no 소득분위 for 2023"):
        CeilingSpec(decile=5, year_deciles={2024: 1}).line_offsets(receipts)


def test_days_of_a_crossing_stay_count_in_their_own_year(tmp_path: Path) -> None:
    """병원 2023-10-01 for 150 days: 92 days in 2023 (Oct 31 + Nov 30 + Dec 31), 58 in 2024;
    neither over 120, so with a decile each year takes the normal 상한액. The certain refund
    counts all 150 in each year (whatever day the 진료일자 names), the higher 요양병원 10분위
    상한액: 2023 10,140,000, 2024 10,500,000 → ① 12,000,000 fits both rooms: 0."""
    receipts = _read(tmp_path, "나,2023-10-01,입원,병원,요양병원,150,12000000,0,0\n")
    stays = ceiling.long_stay_years(receipts)
    assert stays[["year", "days", "long_stay"]].values.tolist() == [
        [2023, 92, False],
        [2024, 58, False],
    ]
    # 1분위 2023/2024 normal 870,000: split 12,000,000 × 92/150 = 7,360,000 and 4,640,000
    assert CeilingSpec(decile=1).line_offsets(receipts).tolist() == [
        (7_360_000 - 870_000) + (4_640_000 - 870_000)
    ]
    assert CertainRefund().long_stay(receipts) == {"나": True}
    assert CertainRefund().line_offsets(receipts).tolist() == [0]


def test_a_half_year_window_before_2008_is_crossed_too(tmp_path: Path) -> None:
    """2006: 300만원 per half-year. 2006-06-21 for 20 days (10 + 10) ① 5,000,000: rooms
    3,000,000 + 3,000,000 ≥ 5,000,000 → certain 0 (was 5,000,000 − 3,000,000 = 2,000,000)."""
    receipts = _read(tmp_path, "나,2006-06-21,입원,종합병원,큰병원,20,5000000,0,0\n")
    assert CertainRefund().line_offsets(receipts).tolist() == [0]


def _split_lines(rows: list[dict], shares: dict[int, tuple[int, ...]]) -> pd.DataFrame:
    """The rows with each crossing stay replaced by one line per year (date: its first day in
    that year, days: its days there), ① as ``shares`` gives: a split the receipt allows."""
    out = []
    for i, row in enumerate(rows):
        if i not in shares:
            out.append(row)
            continue
        first = pd.Timestamp(row["date"])
        last = first + pd.Timedelta(days=row["days"] - 1)
        for k, year in enumerate(range(first.year, last.year + 1)):
            start = max(first, pd.Timestamp(year, 1, 1))
            end = min(last, pd.Timestamp(year, 12, 31))
            days = (end - start).days + 1
            out.append({**row, "date": start.date(), "days": days, "covered_copay": shares[i][k]})
    return pd.DataFrame(out)


def _shares(total: int, years: int) -> list[tuple[int, ...]]:
    """Every split of ``total`` into ``years`` parts on a grid (quarters over two years,
    halves over three)."""
    steps = 4 if years == 2 else 2
    cuts = [total * q // steps for q in range(steps + 1)]
    out = []
    for parts in itertools.product(range(steps + 1), repeat=years - 1):
        if sum(parts) <= steps:
            head = [cuts[p] for p in parts]
            out.append((*head, total - sum(head)))
    return out


MILLION = 1_000_000


def _person(row: dict, i: int) -> dict:
    """A drawn line of 나 at a hospital of its own (stays at one hospital may not overlap),
    입원일수 only on 입원 lines."""
    days = row["days"] if row["setting"] == "inpatient" else 0
    return {**row, "days": days, "noncovered": 0, "person": "나", "institution": f"병원{i}"}


_fixed = hs.fixed_dictionaries(
    {
        "date": hs.sampled_from(["2022-05-02", "2023-03-02", "2023-12-28", "2024-02-01"]),
        "setting": hs.sampled_from(["outpatient", "inpatient"]),
        "tier": hs.sampled_from(["tertiary", "hospital"]),
        "days": hs.integers(1, 3),
        "covered_copay": hs.integers(0, 10).map(lambda k: k * MILLION),
    }
)
_stay = hs.fixed_dictionaries(
    {
        "date": hs.sampled_from(["2022-12-10", "2023-12-01", "2023-12-25"]),
        "setting": hs.just("inpatient"),
        "tier": hs.sampled_from(["general", "hospital"]),
        "days": hs.sampled_from([40, 130, 400]),
        "covered_copay": hs.integers(1, 24).map(lambda k: k * MILLION // 2),
    }
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    fixed=hs.lists(_fixed, max_size=3),
    stays=hs.lists(_stay, min_size=1, max_size=2),
    decile=hs.integers(1, 10),
)
def test_the_certain_refund_never_exceeds_any_split(fixed: list, stays: list, decile: int) -> None:
    """For every split of the crossing stays' ① over their years (quarters, brute force),
    made real as one line per year: the certain refund is at most that split's refund
    under every decile (each split line then lies inside one year, the rule as before)."""
    rows = [_person(r, i) for i, r in enumerate([*fixed, *stays])]
    certain = int(CertainRefund().line_offsets(pd.DataFrame(rows)).sum())
    crossing = {}
    for i, row in enumerate(rows):
        first = pd.Timestamp(row["date"])
        last = first + pd.Timedelta(days=row["days"] - 1)
        if row["setting"] == "inpatient" and last.year > first.year:
            crossing[i] = _shares(row["covered_copay"], last.year - first.year + 1)
    assert crossing  # every stay drawn crosses a year end
    for choice in itertools.product(*crossing.values()):
        split = as_receipt_lines(_split_lines(rows, dict(zip(crossing, choice, strict=True))))
        assert CertainRefund().line_offsets(split).sum() >= certain, choice
        assert CeilingSpec(decile=decile).line_offsets(split).sum() >= certain, choice


@settings(max_examples=30, deadline=None)
@given(
    before=hs.integers(0, 20).map(lambda k: k * MILLION // 2),
    after=hs.integers(0, 20).map(lambda k: k * MILLION // 2),
    stay=hs.integers(0, 40).map(lambda k: k * MILLION // 2),
)
def test_one_stay_over_one_year_end_follows_the_formula(before: int, after: int, stay: int) -> None:
    """Σ_y max(0, A_y − L_y) + max(0, X − room_2023 − room_2024), L = 10분위 (일반)."""
    rows = pd.DataFrame(
        [
            dict(date="2023-06-01", setting="outpatient", tier="tertiary", days=0,
                 covered_copay=before, institution="가병원"),
            dict(date="2023-12-20", setting="inpatient", tier="general", days=30,
                 covered_copay=stay, institution="큰병원"),
            dict(date="2024-06-01", setting="outpatient", tier="tertiary", days=0,
                 covered_copay=after, institution="가병원"),
        ]
    ).assign(noncovered=0)  # fmt: skip
    top23, top24 = 7_800_000, 8_080_000
    room = max(0, top23 - before) + max(0, top24 - after)
    want = max(0, before - top23) + max(0, after - top24) + max(0, stay - room)
    got = CertainRefund().line_offsets(rows)
    assert int(got.sum()) == want
    assert (got <= rows["covered_copay"].to_numpy()).all()


@settings(max_examples=20, deadline=None)
@given(rows=hs.lists(_fixed, min_size=1, max_size=6), decile=hs.integers(1, 10))
def test_lines_that_do_not_cross_keep_the_per_line_year_rule(rows: list, decile: int) -> None:
    """Without a crossing stay: each line's year, running totals in date order, L of that
    year, decile and long stay (Σ 병원 입원일수 of the year > 120) — the rule as it was."""
    frame = pd.DataFrame([_person(r, i) for i, r in enumerate(rows)])
    frame["date"] = pd.to_datetime(frame["date"])
    hospital = (frame["setting"] == "inpatient") & (frame["tier"] == "hospital")
    days = frame["days"].where(hospital, 0).groupby(frame["date"].dt.year).transform("sum")
    want = np.zeros(len(frame), dtype=np.int64)
    for with_decile, got in (
        (decile, CeilingSpec(decile=decile).line_offsets(frame)),
        (10, CertainRefund().line_offsets(frame)),
    ):
        for _, part in frame.sort_values("date", kind="stable").groupby(frame["date"].dt.year):
            cum = 0
            for _, day in part.groupby("date", sort=True):  # a date's part shared by copay
                at = list(day.index)
                year = int(frame.at[at[0], "date"].year)
                lim = ceiling.limit(year, with_decile, bool(days[at[0]] > 120))
                copay = [int(frame.at[i, "covered_copay"]) for i in at]
                before, cum = cum, cum + sum(copay)
                above = max(0, cum - lim) - max(0, before - lim)
                share = [above * c // sum(copay) if sum(copay) else 0 for c in copay]
                rests = [above * c % sum(copay) if sum(copay) else 0 for c in copay]
                for k in sorted(range(len(at)), key=lambda k: -rests[k])[: above - sum(share)]:
                    share[k] += 1
                want[at] = share
        assert got.tolist() == want.tolist()
