"""One person written two ways that differ only in spaces, letter case or width (김민수 /
김 민수, Kim / KIM, ＫＩＭ / KIM) is refused at the other spelling's cells: read apart they
were two people, each with their own yearly limits (gen3: two admissions 16,000,000 where one
person is paid 18,000,000 — the 연간 자기부담 200만원 cap crossed by the second)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from three_ways import read_alike, refused_alike

from silson_tools.engine import assess
from silson_tools.receipts import as_receipt_lines

HEAD = ["이름", "진료일자", "진료구분", "요양기관종류", "병원명", "입원일수", "본인부담금",
        "공단부담금", "비급여"]  # fmt: skip


def _stay(name: str, day: str, hospital: str) -> list[object]:
    return [name, day, "입원", "병원", hospital, 10, 2_000_000, 8_000_000, 8_000_000]


@pytest.mark.parametrize(("a", "b"), [("김민수", "김 민수"), ("Kim", "KIM"), ("ＫＩＭ", "KIM"),
                                      ("김민수", "김민수\u3000")])  # fmt: skip
def test_a_name_written_two_ways_is_refused(tmp_path: Path, a: str, b: str) -> None:
    rows = [_stay(a, "2020-03-05", "가병원"), _stay(a, "2020-04-05", "다병원"),
            _stay(b, "2020-06-05", "나병원")]  # fmt: skip
    if b.strip() == a:  # a trailing space is stripped when the cell is read: one spelling
        read_alike(tmp_path, HEAD, rows)
        return
    refused_alike(tmp_path, HEAD, rows, "이름", b, f"한 사람은 한 이름으로: {a!r}")


def test_one_spelling_is_one_person_and_its_limits() -> None:
    rows = [_stay("김민수", "2020-03-05", "가병원"), _stay("김민수", "2020-06-05", "나병원")]
    frame = pd.DataFrame(rows, columns=HEAD)
    paid = assess(as_receipt_lines(frame), "gen3", policy_start="2019-01-01")["payout"]
    assert int(paid.sum()) == 18_000_000  # 4,000,000 self-pay capped at 2,000,000


def test_different_names_and_person_numbers_are_read() -> None:
    rows = [_stay(n, "2020-03-05", "가병원") for n in ("김민수", "김민서", "P001", "p002")]
    assert len(as_receipt_lines(pd.DataFrame(rows, columns=HEAD))) == 4


def test_a_number_and_its_text_are_one_person() -> None:
    frame = pd.DataFrame([_stay(1, "2020-03-05", "가병원"), _stay("1", "2020-06-05", "나병원")],
                         columns=HEAD)  # fmt: skip
    lines = as_receipt_lines(frame)
    assert lines["person"].tolist() == ["1", "1"]
    paid = assess(lines, "gen3", policy_start="2019-01-01")["payout"]
    assert int(paid.sum()) == 18_000_000
