"""The rules reference: generated from the data, committed page up to date, Markdown escaped."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

import silson_tools as st
from silson_tools.products import load_policy, products
from silson_tools.reference import (
    PAGE,
    main,
    markdown,
    md_escape,
    md_link,
    nhi_reference,
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
    table = rules_reference()
    assert isinstance(table, pd.DataFrame)
    expected = sum(len(p.dates) for name in products() for _, p in load_policy(name).parameters())
    assert len(table) == expected
    assert table["product"].unique().tolist() == list(products())
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
            assert len(cells) in {2, 6, 7, 8}, line
