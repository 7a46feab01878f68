"""Excluded care (치과·한방·영양제·미용·간병·보조기·임신) as receipt 항목 values and rule data."""

from __future__ import annotations

from pathlib import Path

import pytest

from silson_tools.catalog import load_policy, products
from silson_tools.engine import assess
from silson_tools.receipts import ReceiptError, read_receipts
from silson_tools.schema import CATEGORIES

EXCLUDED = ("dental", "oriental", "supplement", "cosmetic", "caregiver", "orthosis", "pregnancy")
HEADER = "진료일자,진료구분,요양기관종류,항목,본인부담금,비급여"


def write(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "receipts.csv"
    path.write_text("\n".join((HEADER, *rows)) + "\n", encoding="utf-8")
    return path


def test_korean_item_names_read_as_the_excluded_categories(tmp_path: Path) -> None:
    spelled = ["치과", "한방", "영양제", "미용", "간병비", "안경", "출산"]
    rows = (f"2024-03-{i + 1:02d},외래,의원,{s},0,10000" for i, s in enumerate(spelled))
    frame = read_receipts(write(tmp_path, *rows))
    assert list(frame["category"]) == list(EXCLUDED)
    assert all(c in CATEGORIES for c in EXCLUDED)


def test_an_unknown_item_is_still_a_located_error(tmp_path: Path) -> None:
    path = write(tmp_path, "2024-03-01,외래,의원,치아미백연고,0,10000")
    with pytest.raises(ReceiptError) as info:
        read_receipts(path)
    assert "치아미백연고" in str(info.value) and "D열" in str(info.value)


@pytest.mark.parametrize("name", ["gen2", "gen3", "gen4", "gen5"])
def test_every_generation_from_2_excludes_dental_noncovered(name: str, tmp_path: Path) -> None:
    year = "2026" if name == "gen5" else "2024"
    path = write(
        tmp_path, f"{year}-06-01,외래,의원,치과,0,100000", f"{year}-06-02,외래,의원,일반,0,100000"
    )
    out = assess(read_receipts(path), load_policy(name), policy_start=f"{year}-06-01")
    assert out["zone"].iloc[0] == "excluded"
    assert out["payout"].iloc[0] == 0 and out["excluded"].iloc[0] == 100_000
    assert out["payout"].iloc[1] > 0


def test_exclusions_name_only_known_categories_and_cite_a_source() -> None:
    for name in products():
        for ex in load_policy(name).exclusions:
            assert ex.source and ex.confidence in {"A", "B", "C"}
            assert set(ex.categories or ()) <= set(CATEGORIES)
