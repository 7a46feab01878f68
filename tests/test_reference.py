"""The rules reference: generated from the data, committed page up to date, Markdown escaped."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from test_stands_alone import pointers

import silson_tools as st
from silson_tools import ceiling, premium
from silson_tools.catalog import load_policy, products
from silson_tools.reference import (
    PAGE,
    TABLES,
    ceiling_reference,
    main,
    markdown,
    md_escape,
    md_link,
    nhi_reference,
    premium_reference,
    rules_reference,
)


def test_the_committed_page_is_a_fresh_generation() -> None:
    assert PAGE.is_file(), "run: python -m silson_tools.reference"
    assert PAGE.read_text(encoding="utf-8") == markdown(), (
        "docs/rules_reference.md is stale: run python -m silson_tools.reference"
    )
    assert main(["--check"]) == 0


def test_check_reports_a_stale_page(tmp_path: Path) -> None:
    out = tmp_path / "page.md"
    assert main(["--check", "--out", str(out)]) == 1
    assert main(["--out", str(out)]) == 0
    assert main(["--check", "--out", str(out)]) == 0


def test_one_row_per_dated_value_of_every_product() -> None:
    everything = rules_reference()
    assert isinstance(everything, pd.DataFrame)
    assert everything["product"].unique().tolist() == [*products(), *TABLES]
    table = everything[everything["product"].isin(products())]
    expected = sum(len(p.dates) for name in products() for _, p in load_policy(name).parameters())
    assert len(table) == expected
    for column in ("label", "unit", "shown", "confidence", "source", "url"):
        assert (table[column] != "").all(), column
    assert table["since"].map(lambda d: isinstance(d, dt.date)).all()
    row = table[(table["product"] == "gen4") & (table["parameter"].str.endswith("min_clinic"))]
    assert row[["value", "shown", "unit"]].iloc[0].tolist() == [10_000, "10,000원", "won"]


def test_a_variant_marks_what_it_inherits() -> None:
    table = rules_reference("gen3-choice2")
    assert set(table["product"]) == {"gen3-choice2"}
    own = table[table["inherited_from"] == ""]["parameter"].tolist()
    assert sorted(own) == [
        "parts.main.inpatient.rate_covered",
        "parts.main.inpatient.selfpay_cap",
        "parts.main.outpatient.rate_covered",
        "parts.main.pharmacy.rate_covered",
    ]
    assert (table[table["inherited_from"] != ""]["inherited_from"] == "gen3").all()
    assert st.rules_reference("gen4").equals(rules_reference("gen4"))


def test_the_ceiling_table_one_row_per_cell_and_value() -> None:
    table = ceiling_reference()
    tab = ceiling.load_table()
    assert list(table.columns) == list(rules_reference("gen1").columns)
    assert rules_reference("ceiling").equals(table)
    cells = table[table["parameter"].str.startswith("limit.")]
    assert len(cells) == len(tab.windows) == (len(tab.years) + 7) * 2 * 7  # + 7 half-years
    facts = table[table["parameter"].str.startswith("rules.")]
    assert len(facts) + len(cells) == len(table)
    assert (facts["source"] != "").all() and facts["since"].isna().all()
    for row in cells.itertuples():
        _, key, kind, group = row.parameter.split(".")
        c = tab.windows[(row.since, kind, group)]
        assert c.key == key and row.since == c.start
        assert row.since == dt.date(int(key[:4]), 1 if c.window != "second_half" else 7, 1)
        assert row.confidence == c.confidence in {"A", "B", "C"}
        decile = int(group.split("_")[0][1:])
        if c.value is None:
            assert row.value is None and row.shown == "미상 (unknown)"
            with pytest.raises(ValueError, match="unknown"):
                ceiling.period_limit(row.since, decile, kind == "long_stay")
            continue
        assert row.value == c.value and row.unit == "won" and row.source != ""
        assert row.value == ceiling.period_limit(row.since, decile, kind == "long_stay")
        if c.window == "year":
            assert row.value == ceiling.limit(int(key), decile, kind == "long_stay")
    row = cells[cells["parameter"] == "limit.2023.long_stay.d4_5"].iloc[0]
    assert (row["value"], row["shown"], row["confidence"]) == (2_270_000, "2,270,000원", "B")
    assert (
        "국민건강보험공단" in table[table["parameter"] == "limit.2023.normal.d1"].iloc[0]["source"]
    )
    merged = cells[cells["parameter"] == "limit.2021.long_stay.d10"].iloc[0]
    assert merged["value"] == 5_840_000 and "merged" in merged["shown"]
    half = cells[cells["parameter"] == "limit.2007-H1.normal.d10"].iloc[0]
    assert (half["value"], half["since"], half["confidence"]) == (
        3_000_000,
        dt.date(2007, 1, 1),
        "B",
    )
    assert "상반기" in half["label"]
    assert cells[cells["parameter"] == "limit.2007-H2.long_stay.d1"].iloc[0]["value"] == 4_000_000


def test_the_premium_table_one_row_per_band_relativity_and_value() -> None:
    table = premium_reference()
    tab = premium.load_grades()
    assert list(table.columns) == list(rules_reference("gen1").columns)
    assert rules_reference("premium-grades").equals(table)
    assert (table["since"] == dt.date(2024, 7, 1)).all()
    assert (table["source"] != "").all() and table["confidence"].isin(["A", "B", "C"]).all()
    rel = table[table["parameter"].str.endswith("relativity_ppm")]
    expected = [950_000, 1_000_000, 2_000_000, 3_000_000, 4_000_000]
    assert rel["value"].tolist() == tab.relativity_ppm.tolist() == expected
    assert rel["shown"].tolist() == ["95%", "100%", "200%", "300%", "400%"]
    lower = table[table["parameter"].str.endswith(".lower")]["value"].tolist()
    assert lower == tab.lowers.tolist()
    cap = table[table["parameter"] == "renewal.cap_ppm"].iloc[0]
    assert (cap["value"], cap["shown"], cap["unit"]) == (250_000, "25%", "ppm")


def test_the_page_shows_both_tables_with_sources_and_no_team_notes() -> None:
    page = markdown()
    assert "## 본인부담상한액 (NHI out-of-pocket ceiling)" in page
    assert "## 4세대 비급여 보험료 할인·할증 등급" in page
    grid = next(line for line in page.splitlines() if line.startswith("| 2023 | 요양병원"))
    assert "2,270,000" in grid and "| B |" in grid
    assert "2\\~3분위" in page  # escaped: not strike-through
    assert pointers(page) == []
    assert "경향신문 기사" in page and "우주파파" in page


def test_nhi_rates_in_the_same_columns() -> None:
    table = nhi_reference()
    assert list(table.columns) == list(rules_reference("gen1").columns)
    assert len(table) == 6 and set(table["unit"]) == {"rate"}


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("1만원 * 2", r"1만원 \* 2"),
        ("a_b", r"a\_b"),
        ("~2009.9", r"\~2009.9"),
        ("$5 and $6", r"\$5 and \$6"),
        ("a | b", r"a \| b"),
        ("[x](y)", r"\[x\](y)"),
        ("<b>", "&lt;b&gt;"),
        ("line\nbreak", "line break"),
        ("back\\slash", "back\\\\slash"),
    ],
)
def test_cell_text_is_escaped(text: str, shown: str) -> None:
    assert md_escape(text) == shown


def test_links_keep_table_cells_whole() -> None:
    link = md_link("제목_1", "https://x.test/a b|c(d)$")
    assert link == r"[제목\_1](https://x.test/a%20b%7Cc%28d%29%24)"
    assert md_link("주소 없음", "") == "주소 없음"
    assert "%EB%B2%95" in md_link("법", "https://www.law.go.kr/법령")


def test_every_table_row_of_the_page_has_its_columns() -> None:
    for line in markdown().splitlines():
        if line.startswith("| ") and "---" not in line:
            # an escaped \| is text, not a column break
            cells = line.replace("\\|", "").strip("|").split("|")
            assert len(cells) in {2, 6, 7, 8, 12}, line
