"""입원일수 written in nights (``3박``, or a header ``입원일수(박)``) is refused: the stay
counts both the day of admission and of discharge (7/1–7/14 → 14일), so 3박 is 4일, and
reading it as 3 took a day off every per-day cap (상급병실 10만원 × 3 = 300,000 where
4 days give 400,000)."""

from __future__ import annotations

from pathlib import Path

import pytest
from three_ways import read_alike, refused_alike

HEAD = ["이름", "진료일자", "진료구분", "요양기관종류", "병원명", "항목", "입원일수", "본인부담금",
        "공단부담금", "비급여"]  # fmt: skip


def _row(days: object) -> list[object]:
    return ["나", "2024-03-05", "입원", "종합병원", "큰병원", "상급병실", days, 0, 0, 1_000_000]


@pytest.mark.parametrize(("cell", "days"), [("3박", 4), ("0박", 1), ("12 박", 13)])
def test_nights_are_refused_with_the_days_to_write(tmp_path: Path, cell: str, days: int) -> None:
    refused_alike(tmp_path, HEAD, [_row(cell)], "입원일수", cell, f"박 → {days}일")


def test_a_header_in_nights_is_refused(tmp_path: Path) -> None:
    head = [h if h != "입원일수" else "입원일수(박)" for h in HEAD]
    refused_alike(tmp_path, head, [_row(3)], "입원일수(박)", "입원일수(박)", "박이 아니라 일 수로")


@pytest.mark.parametrize("cell", [4, "4", "4일", "4.0"])
def test_days_are_read(tmp_path: Path, cell: object) -> None:
    for got in read_alike(tmp_path, HEAD, [_row(cell)]):
        assert got["days"].tolist() == [4]


def test_a_stay_written_as_its_dates_is_refused_with_its_days(tmp_path: Path) -> None:
    refused_alike(tmp_path, HEAD, [_row("2024-06-11~2024-06-14")], "입원일수",
                  "2024-06-11~2024-06-14", "이면 4일")  # fmt: skip
