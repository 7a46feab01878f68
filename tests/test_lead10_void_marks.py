"""A note column that says a line is a copy or void (중복, 무효, 삭제, 정정 전, 이중청구,
위 영수증과 같음) or a partial refund (일부환불, 환불 예정) refuses the line at that
cell: counted, it paid a receipt twice (중복.csv: 90,000 where one receipt is 25,000). A
note that only mentions something else is read."""

from __future__ import annotations

from pathlib import Path

import pytest
from three_ways import read_alike, refused_alike

HEAD = ["이름", "진료일자", "진료구분", "요양기관종류", "병원명", "본인부담금", "공단부담금",
        "비급여", "비고"]  # fmt: skip
LINE = ["나", "2024-03-05", "외래", "의원", "가의원", 15000, 20000, 50000]


@pytest.mark.parametrize(
    "note",
    ["중복", "중복 영수증", "이중청구", "무효", "삭제", "정정 전", "오류", "위 영수증과 같음",
     "같은 영수증", "취소 후 재결제", "duplicate"],
)  # fmt: skip
def test_a_copy_or_void_line_is_refused(tmp_path: Path, note: str) -> None:
    refused_alike(tmp_path, HEAD, [[*LINE, ""], [*LINE, note]], "비고", note, "한 번만 센")


@pytest.mark.parametrize("note", ["일부환불", "환불 예정", "부분환불"])
def test_a_refund_is_refused(tmp_path: Path, note: str) -> None:
    refused_alike(tmp_path, HEAD, [[*LINE, note]], "비고", note, "취소·환불되지 않은")


@pytest.mark.parametrize(
    "note", ["보험금 수령", "청구완료", "재진", "중복 처방 없음 확인", "재발급", "재발행", "정정본"]
)
def test_other_notes_are_read(tmp_path: Path, note: str) -> None:
    read_alike(tmp_path, HEAD, [[*LINE, note]])
