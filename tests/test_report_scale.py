"""A report for many people stays readable and bounded: at most TOP_PEOPLE named rows and
bars plus one "others" row, charts whose pixel size does not grow with the file, every
person's totals in people.csv. (Speed is measured in benchmarks/bench_report.py.)"""

from __future__ import annotations

import io
import struct

import numpy as np
import pandas as pd
import pytest

from silson_tools import report as rp
from silson_tools.receipts import as_receipt_lines
from silson_tools.report.summary import TOP_PEOPLE, TOTAL_ROW


def many_people(
    people: int, lines: int, seed: int = 3, days: int = 366, start: str = "2024-01-01"
) -> pd.DataFrame:
    """Outpatient lines over ``days`` days from ``start`` for ``people`` people (fixed seed)."""
    rng = np.random.default_rng(seed)
    names = np.array([f"사람{i:05d}" for i in range(people)], dtype=object)
    person = np.concatenate([np.arange(people), rng.integers(0, people, lines - people)])
    return pd.DataFrame(
        {
            "person": names[person],
            "date": np.datetime64(start) + rng.integers(0, days, lines),
            "setting": "outpatient",
            "tier": "clinic",
            "covered_copay": rng.integers(1, 500, lines) * 100,
            "noncovered": rng.integers(0, 300, lines) * 100,
        }
    )


@pytest.fixture(scope="module")
def crowd() -> rp.Report:
    lines = as_receipt_lines(many_people(300, 3000))
    return rp.build_report(lines, "gen4", "2024-01-01", compare=["gen4", "gen3"])


def png_size(data: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_top_people_keeps_the_largest_claims_and_sums_the_rest(crowd: rp.Report) -> None:
    full = crowd.summary
    top = rp.top_people(full)
    assert len(top) == TOP_PEOPLE + 2
    label = top.index[TOP_PEOPLE]
    assert label == f"그 외 {300 - TOP_PEOPLE:,}명 (others)" and top.index[-1] == TOTAL_ROW
    people = full.drop(index=TOTAL_ROW)
    largest = people["claim"].sort_values(ascending=False, kind="stable").index[:TOP_PEOPLE]
    assert list(top.index[:TOP_PEOPLE]) == list(largest)
    money = [c for c in full.columns if c != "payout_pct"]
    assert (top.loc[top.index[:-1], money].sum() == full.loc[TOTAL_ROW, money]).all()
    others = top.loc[label]
    assert others["payout_pct"] == round(100 * others["payout"] / others["claim"], 1)
    assert top.dtypes.equals(full.dtypes)
    small = full.iloc[[0, 1, -1]]
    assert rp.top_people(small) is small  # a family's table is left as it is


def test_why_sentences_are_for_the_rows_shown(crowd: rp.Report) -> None:
    # the gen3 column (same-day 외래 lines without 병원명) is left out with its rows
    assert len(crowd.why) == TOP_PEOPLE + 2
    assert not crowd.comparison.attrs["notes"]
    assert "통원 1회당" in crowd.comparison.attrs["skipped"]["gen3"]
    assert crowd.why[TOP_PEOPLE].startswith(f"그 외 {300 - TOP_PEOPLE:,}명 (others): 청구")


def test_chart_size_does_not_grow_with_people() -> None:
    sizes = {}
    for people in (TOP_PEOPLE + 1, 2000):
        summary = rp.year_summary(
            rp.build_report(
                many_people(people, people * 2), "gen4", None, compare=[], charts=False
            ).assessed
        )
        fig = rp.plot_zones(summary)
        labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
        assert len(labels) == TOP_PEOPLE + 1  # others, no total bar
        others = people - TOP_PEOPLE
        assert labels[-1] == f"그 외 {others:,}명의 1인 평균 (others, average)"
        top = rp.top_people(summary)
        widths = sum(patch.get_width() for patch in fig.axes[0].patches if patch.get_y() < 0)
        per_person = top["claim"].iloc[-2] / others  # the lowest bar: claim per person
        assert abs(widths - per_person) < 10  # each part rounded down to whole won
        sizes[people] = png_size(rp.figure_png(fig))
    assert sizes[TOP_PEOPLE + 1] == sizes[2000]


def test_monthly_chart_labels_at_most_24_months() -> None:
    lines = many_people(3, 400, days=3650, start="2015-01-01")  # ten years, none after today
    report = rp.build_report(lines, "gen4", None, compare=[], charts=False)
    assert len(report.monthly) >= 119
    fig = rp.plot_monthly(report.monthly)
    assert len(fig.axes[0].get_xticks()) <= 24
    assert png_size(rp.figure_png(fig)) == png_size(
        rp.figure_png(rp.plot_monthly(report.monthly.iloc[:12]))
    )


def test_report_names_the_top_people_and_writes_every_persons_totals(crowd: rp.Report) -> None:
    files = rp.report_files(crowd, "md")
    assert "people.csv" in files
    people = pd.read_csv(io.BytesIO(files["people.csv"]), encoding="utf-8-sig")
    assert len(people) == 301 and people["claim"].iloc[-1] == crowd.summary["claim"].iloc[-1]
    text = files["report.md"].decode("utf-8")
    assert f"그 외 {300 - TOP_PEOPLE:,}명 (others)" in text and "people.csv" in text
    assert text.count("사람0") <= 3 * TOP_PEOPLE + 10  # lists, table, why; top 10 lines
    facts = dict(crowd.validation.itertuples(index=False))
    assert facts["사람 (people)"] == "300명"
    shown, others = facts["사람별 줄 (lines per person)"].split(", 그 외 ")
    counts = [int(item.rsplit(" ", 1)[1].replace(",", "")) for item in shown.split(", ")]
    assert len(counts) == TOP_PEOPLE
    count, rest = others.removesuffix(" (others)").split("명 ")
    assert int(count) == 300 - TOP_PEOPLE and sum(counts) + int(rest.replace(",", "")) == 3000


def test_a_family_report_names_everyone_and_still_writes_the_people_file() -> None:
    report = rp.build_report(many_people(3, 60), "gen4", None, compare=[], charts=False)
    files = rp.report_files(report, "md")
    assert "people.csv" in files and "그 외" not in files["report.md"].decode()
    assert "people.csv에 있습니다" not in files["report.md"].decode()


def test_one_person_over_the_limit_is_enough_for_the_people_file() -> None:
    report = rp.build_report(
        many_people(TOP_PEOPLE + 1, 200), "gen4", None, compare=[], charts=False
    )
    files = rp.report_files(report, "md")
    assert "people.csv" in files and "그 외 1명 (others)" in files["report.md"].decode()
