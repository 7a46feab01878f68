"""Messy and hostile receipt files (made by ``tests/messy/make_messy.py``): each is read
exactly as meant, or refused with its place; the committed files are what the script makes."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from silson_tools.errors import ReceiptError
from silson_tools.receipts import read_receipts

MESSY = Path(__file__).parent / "messy"
sys.path.insert(0, str(MESSY))
import make_messy  # noqa: E402

COMMITTED = MESSY / "files"
EXPECTED: dict[str, Any] = json.loads((COMMITTED / "expected.json").read_text("utf-8"))
ALL = {case.name: case for case in make_messy.CASES}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("messy")
    make_messy.write(folder, committed_only=False)
    return folder


def test_committed_files_are_what_the_script_makes(generated: Path) -> None:
    made = json.loads((generated / "expected.json").read_text("utf-8"))
    assert {k: v for k, v in made.items() if ALL[k].committed} == EXPECTED
    for name in EXPECTED:
        assert (COMMITTED / name).read_bytes() == (generated / name).read_bytes(), name
    assert sorted(p.name for p in COMMITTED.iterdir()) == sorted([*EXPECTED, "expected.json"])


@pytest.mark.parametrize("name", sorted(ALL))
def test_messy_file_is_read_right_or_refused_with_its_place(name: str, generated: Path) -> None:
    case = ALL[name]
    expect = case.expect
    path = generated / name
    if "error" in expect:
        want = expect["error"]
        with pytest.raises(ReceiptError) as info:
            read_receipts(path, **case.options)
        problems = info.value.problems
        message = str(info.value)
        assert len(problems) == want["count"], message
        first = problems[0]
        assert first.file.startswith(name), message
        assert first.row == want["row"], message
        if want["column"] is None:
            assert first.column is None, message
        else:
            assert first.column is not None and want["column"] in first.column, message
        if want["value"] is not None:
            assert first.value == want["value"], message
        assert want["expected"] in first.expected, message
        return
    lines = read_receipts(path, **case.options)
    assert len(lines) == expect["lines"]
    for column, total in expect["sums"].items():
        assert int(lines[column].sum()) == total, column
    if "persons" in expect:
        assert lines["person"].value_counts().to_dict() == expect["persons"]
    if "categories" in expect:
        assert lines["category"].value_counts().to_dict() == expect["categories"]
    units = lines.attrs["source"].get("units", {})
    for column, word in expect.get("units", {}).items():
        assert word in units.get(column, ""), units
    notes = " ".join(lines.attrs["source"]["notes"])
    for words in expect.get("notes", []):
        assert words in notes, notes


def test_each_part_counts_once_toward_the_xml_limit(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The data sheet is read twice (header search, then whole) but counts once."""
    import zipfile

    from silson_tools.receipts import xlsx

    path = tmp_path / "two.xlsx"
    path.write_bytes(
        make_messy.xlsx(
            [("표지", make_messy.sheet_xml([["메모"]])), ("진료비", make_messy._big_sheet(400))]
        )()
    )
    with zipfile.ZipFile(path) as zf:
        total = sum(i.file_size for i in zf.infolist() if not i.filename.startswith("["))
    monkeypatch.setattr(xlsx, "MAX_XML_BYTES", total)
    assert len(read_receipts(path)) == 400
    monkeypatch.setattr(xlsx, "MAX_XML_BYTES", total - 1)
    with pytest.raises(ReceiptError, match="of XML once unzipped"):
        read_receipts(path)
