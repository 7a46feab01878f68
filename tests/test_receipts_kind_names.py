"""A 병원명 that says 치과/한방 on a 비급여 line with a blank 항목 is refused, in files and
in DataFrames: that 비급여 is excluded as 치과·한방 care but paid as 일반 care, and the
name alone cannot say which."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import silson_tools as st
from silson_tools.errors import ReceiptError

NAMES = ["미소치과", "경희한의원", "자생한방병원", "바른치과의원", "서울대학교치과병원"]


def _frame(name: str, category: str, noncovered: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "이름": ["가나", "가나"],
            "진료일자": ["2024-03-05", "2024-03-06"],
            "진료구분": ["외래", "외래"],
            "요양기관종류": ["의원", "의원"],
            "병원명": [name, "A내과의원"],
            "항목": [category, ""],
            "본인부담금": [15_000, 15_000],
            "비급여": [noncovered, 100_000],
        }
    )


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("as_file", [False, True])
def test_blank_item_at_a_dental_or_oriental_name_is_refused(
    name: str, as_file: bool, tmp_path: Path
) -> None:
    frame = _frame(name, "", 300_000)
    source: object = frame
    if as_file:
        source = tmp_path / "r.csv"
        frame.to_csv(source, index=False, encoding="utf-8-sig")
    with pytest.raises(ReceiptError) as err:
        lines = st.read_receipts(source) if as_file else frame
        st.assess(lines, "gen4", policy_start="2024-01-01")
    text = str(err.value)
    assert "치과, 한방 또는 일반" in text and ("2행" in text if as_file else "0행" in text)
    assert "3행" not in text and "1행 (row 1)" not in text  # the 내과 line is fine


@pytest.mark.parametrize(("category", "paid"), [("치과", 5_000), ("일반", 5_000 + 200_000)])
def test_a_written_item_decides(category: str, paid: int) -> None:
    """치과: 비급여 excluded (gen4 pays only the 급여 side, 15,000 − 1만); 일반: paid as
    other care (300,000 − max(3만, 30%) = 210,000, at most 20만 per 통원)."""
    out = st.assess(_frame("미소치과", category, 300_000), "gen4", policy_start="2024-01-01")
    assert int(out["payout"].iloc[0]) == paid


def test_no_noncovered_needs_no_item() -> None:
    out = st.assess(_frame("미소치과", "", 0), "gen4", policy_start="2024-01-01")
    assert int(out["payout"].iloc[0]) == 5_000  # 15,000 − 1만 (의원)
