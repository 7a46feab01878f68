"""A formula cell whose value was never calculated and saved (a workbook written by a script,
e.g. openpyxl, and not opened in Excel since) is refused at its cell as such: openpyxl writes
``<f>…</f><v/>``, an empty saved value, which read as "no number" refused the whole file with
"a readable XLSX: a number, not ''" at the first such cell only. A saved value is read."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from silson_tools.errors import ReceiptError
from silson_tools.receipts import read_receipts

HEAD = ["이름", "진료일자", "진료구분", "요양기관종류", "본인부담금", "공단부담금", "비급여"]


def _book(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEAD)
    ws.append(["나", "2024-03-05", "외래", "의원", 15000, 20000, "=10000*5"])
    ws.append(["나", "2024-03-06", "외래", "의원", "=E2", 20000, 0])
    wb.save(path)
    return path


def _rewrite(path: Path, change) -> Path:
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    name = "xl/worksheets/sheet1.xml"
    parts[name] = change(parts[name].decode()).encode()
    out = path.with_name("saved.xlsx")
    with zipfile.ZipFile(out, "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)
    return out


def test_unsaved_formulas_are_refused_at_each_cell(tmp_path: Path) -> None:
    with pytest.raises(ReceiptError) as err:
        read_receipts(_book(tmp_path / "f.xlsx"))
    got = [(p.row, p.column, p.value) for p in err.value.problems]
    assert got == [(2, "G열 '비급여'", "=10000*5"), (3, "E열 '본인부담금'", "=E2")]
    assert all("저장된 값이 있는 셀" in p.expected for p in err.value.problems)


def test_formulas_without_any_value_element_are_refused_too(tmp_path: Path) -> None:
    path = _rewrite(_book(tmp_path / "f.xlsx"), lambda xml: xml.replace("<v />", ""))
    with pytest.raises(ReceiptError) as err:
        read_receipts(path)
    assert [p.row for p in err.value.problems] == [2, 3]


def test_saved_values_are_read(tmp_path: Path) -> None:
    values = iter(["50000", "15000"])

    def saved(xml: str) -> str:
        return re.sub("<v />", lambda _: f"<v>{next(values)}</v>", xml)

    path = _rewrite(_book(tmp_path / "f.xlsx"), saved)
    lines = read_receipts(path)
    assert lines["noncovered"].tolist() == [50_000, 0]
    assert lines["covered_copay"].tolist() == [15_000, 15_000]


def test_a_row_of_height_zero_is_hidden(tmp_path: Path) -> None:
    """Some programs hide a row by height 0, not the hidden flag: unseen, it is refused as a
    hidden row is (it may be a cancelled receipt), not read silently."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEAD)
    ws.append(["나", "2024-03-05", "외래", "의원", 15000, 20000, 0])
    ws.append(["나", "2024-03-06", "외래", "의원", 15000, 20000, 0])
    wb.save(tmp_path / "h.xlsx")
    path = _rewrite(
        tmp_path / "h.xlsx",
        lambda xml: xml.replace('<row r="3">', '<row r="3" ht="0" customHeight="1">'),
    )
    with pytest.raises(ReceiptError) as err:
        read_receipts(path)
    assert [p.row for p in err.value.problems] == [3]
    assert read_receipts(path, hidden_rows="read")["date"].size == 2
