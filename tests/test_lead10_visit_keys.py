"""방문묶음 keys as one person means them: a none mark (-, 0, 없음, X, N) is no key — typed on
two clinics' lines it joined them into one 통원 (vkdash.csv gen4 16,000 where two 통원 pay 0;
two 입원 under 5세대 one 300만 cap: 3,160,000 where 5,160,000) — and A/a, 무 릎/무릎, 1/1.0
are one key (each day of vk.csv paid as two 통원). Both are said in the read notes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from three_ways import read_three_ways

from silson_tools.engine import assess

HEAD = ["이름", "진료일자", "진료구분", "요양기관종류", "병원명", "방문묶음", "본인부담금",
        "공단부담금", "비급여"]  # fmt: skip


def _two_clinics(a: object, b: object) -> list[list[object]]:
    return [["나", "2024-03-05", "외래", "의원", "가의원", a, 8000, 20000, 20000],
            ["나", "2024-03-05", "외래", "의원", "나의원", b, 15000, 20000, 0]]  # fmt: skip


def _paid(got) -> int:
    return int(assess(got, "gen4", policy_start="2024-01-01")["payout"].sum())


@pytest.mark.parametrize("mark", ["-", "0", "없음", "해당없음", "X", "N", "—"])
def test_a_none_mark_is_no_key(tmp_path: Path, mark: str) -> None:
    for got in read_three_ways(tmp_path, HEAD, _two_clinics(mark, mark)):
        assert got["visit"].tolist() == ["", ""]
        assert _paid(got) == 0 + 5_000  # two 통원: 8,000 < 1만; 15,000 − 1만; ④ 20,000 < 3만
        if got.attrs["source"]["format"] != "DataFrame" or got.attrs["source"].get("notes"):
            assert any("방문묶음 없음" in n for n in got.attrs["source"]["notes"])


@pytest.mark.parametrize(("a", "b"), [("A", "a"), ("무 릎", "무릎"), ("1", "1.0"), ("ｖ1", "v1")])
def test_one_key_written_two_ways_is_one_key(tmp_path: Path, a: str, b: str) -> None:
    for got in read_three_ways(tmp_path, HEAD, _two_clinics(a, b)):
        assert len(set(got["visit"])) == 1
        assert _paid(got) == 13_000  # one 통원: 23,000 − 1만; ④ 20,000 − 3만 → 0


def test_a_real_key_still_joins_and_others_split() -> None:
    frame = pd.DataFrame(_two_clinics("감기", "감기"), columns=HEAD)
    assert _paid(frame) == 13_000
    assert _paid(pd.DataFrame(_two_clinics("감기", "무릎"), columns=HEAD)) == 5_000


def test_zero_is_a_key_among_numbered_keys(tmp_path: Path) -> None:
    """An analyst's visit ids 0, 1, 2: 0 joins its lines like any other id."""
    rows = [*_two_clinics(0, 0), ["나", "2024-03-06", "외래", "의원", "가의원", 1, 8000, 20000, 0]]
    for got in read_three_ways(tmp_path, HEAD, rows):
        assert got["visit"].tolist() == ["0", "0", "1"]
        paid = assess(got, "gen4", policy_start="2024-01-01")["payout"]
        assert int(paid.iloc[:2].sum()) == 13_000
