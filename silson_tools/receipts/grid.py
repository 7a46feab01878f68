"""A receipt file → a grid of cells, each with the sheet row number a person sees.

CSV typed in Excel and saved as UTF-8, UTF-8 with BOM, cp949/EUC-KR or UTF-16 (Excel's
"Unicode text", tab-separated), detected or named with ``encoding=``; XLSX workbooks (first
sheet, or ``sheet=``). Old ``.xls`` files are refused with a hint. The file is only ever
opened for reading. Problems with the file as a whole raise
:class:`~silson_tools.errors.ReceiptError` at once.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import ReceiptError
from .header import HEADER_SEARCH_ROWS, default_aliases, find_header

__all__ = ["Grid", "read_grid"]


@dataclass
class Grid:
    """Cells as read from the file: ``rows[i]`` is spreadsheet row ``i + 1``."""

    rows: list[list[Any]]
    format: str
    """``"csv"`` (every cell a str) or ``"xlsx"`` (cells as openpyxl gives them)."""
    encoding: str | None = None
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)


_ENCODING_NAMES = {
    "utf8": "utf-8",
    "utf-8": "utf-8",
    "utf-8-sig": "utf-8-sig",
    "utf8sig": "utf-8-sig",
    "cp949": "cp949",
    "ms949": "cp949",
    "uhc": "cp949",
    "euc-kr": "cp949",
    "euckr": "cp949",
    "ks_c_5601-1987": "cp949",
    "utf-16": "utf-16",
}


def read_grid(
    path: Path,
    *,
    encoding: str | None = None,
    sheet: str | int | None = None,
    delimiter: str | None = None,
) -> Grid:
    """Read ``path`` (CSV or XLSX) into a :class:`Grid`; whole-file problems raise."""
    name = path.name
    if not path.is_file():
        raise FileNotFoundError(f"영수증 파일이 없습니다 (no such receipt file): {path}")
    with path.open("rb") as handle:  # read-only
        head = handle.read(8)
        data = b"" if head.startswith(b"PK\x03\x04") else head + handle.read()
    if head.startswith(b"\xd0\xcf\x11\xe0") or path.suffix.lower() == ".xls":
        raise ReceiptError.one(
            name,
            "XLSX 또는 CSV 파일 (an XLSX or CSV file): 예전 Excel 형식(.xls)은 "
            "'다른 이름으로 저장'에서 .xlsx로 저장하세요 (save the old .xls as .xlsx)",
        )
    if head.startswith(b"PK\x03\x04"):
        if encoding is not None:
            raise ReceiptError.one(
                name,
                "인코딩은 CSV 파일에만 씁니다 (encoding= applies to CSV files only; "
                "this is an XLSX workbook)",
                value=encoding,
            )
        return _read_xlsx(path, name, sheet)
    if sheet is not None:
        raise ReceiptError.one(
            name, "시트는 XLSX 파일에만 있습니다 (sheet= applies to XLSX files only)", value=sheet
        )
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise ReceiptError.one(
            name,
            "빈 파일입니다: 머리글 줄과 영수증 줄이 필요합니다 (the file is "
            "empty; expected a header row and receipt lines)",
        )
    return _read_csv(data, name, encoding, delimiter)


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _decode(data: bytes, encoding: str | None, name: str) -> tuple[str, str]:
    """Bytes → text. Named encodings are honoured (EUC-KR read as its superset cp949)."""
    if encoding is not None:
        codec = _ENCODING_NAMES.get(encoding.strip().lower().replace("_", "-"), encoding)
        if codec == "utf-8" and data.startswith(b"\xef\xbb\xbf"):
            codec = "utf-8-sig"
        try:
            return data.decode(codec), codec
        except LookupError:
            raise ReceiptError.one(
                name,
                "알려진 인코딩 (a known encoding: utf-8, utf-8-sig, cp949, euc-kr)",
                value=encoding,
            ) from None
        except UnicodeDecodeError as err:
            guess = _guess_encoding(data)
            hint = (
                f"; 이 파일은 {guess}로 보입니다 (this file looks like {guess}: "
                f"pass encoding={guess!r} or leave encoding out)"
                if guess
                else ""
            )
            raise ReceiptError.one(
                name,
                f"{codec} 문자 (text in {codec}, the encoding named){hint}",
                row=_line_of(data, err.start),
                value=data[err.start : err.start + 4],
            ) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data.decode("utf-8-sig"), "utf-8-sig"
        except UnicodeDecodeError as err:  # broken bytes after the BOM
            raise ReceiptError.one(
                name,
                "UTF-8 텍스트 (the file starts with a UTF-8 BOM but is not UTF-8)",
                row=_line_of(data, err.start),
                value=data[err.start : err.start + 4],
            ) from None
    for codec in ("utf-8", "cp949"):
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            continue
    try:  # not UTF-8 and not cp949: point at the first byte UTF-8 cannot read
        data.decode("utf-8")
        offset = 0  # pragma: no cover - decoded above
    except UnicodeDecodeError as err:
        offset = err.start
    raise ReceiptError.one(
        name,
        "UTF-8 또는 cp949(EUC-KR) 텍스트 (text in UTF-8 or cp949/EUC-KR): "
        "Excel에서 'CSV UTF-8'로 다시 저장하세요 (save again as 'CSV UTF-8')",
        row=_line_of(data, offset),
        value=data[offset : offset + 4],
    )


def _guess_encoding(data: bytes) -> str | None:
    for codec in ("utf-8", "cp949"):
        try:
            data.decode(codec)
        except UnicodeDecodeError:
            continue
        return codec
    return None


def _sniff_delimiter(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            counts = {d: line.count(d) for d in (",", "\t", ";")}
            best = max(counts, key=lambda d: counts[d])
            return best if counts[best] else ","
    return ","


def _read_csv(data: bytes, name: str, encoding: str | None, delimiter: str | None) -> Grid:
    text, codec = _decode(data, encoding, name)
    if text.startswith("\ufeff"):
        text = text[1:]
    sep = delimiter or _sniff_delimiter(text)
    try:  # pandas' C parser: fast; every cell a str, short rows padded with ""
        frame = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            header=None,
            dtype=object,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
        )
        return Grid(frame.to_numpy().tolist(), "csv", encoding=codec)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError):
        pass  # rows longer than the first one, and the like: the csv module says where
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True))
    except csv.Error as err:
        raise ReceiptError.one(
            name, f"CSV 형식 (well-formed CSV; the csv parser said: {err})"
        ) from None
    return Grid(rows, "csv", encoding=codec)


def _read_xlsx(path: Path, name: str, sheet: str | int | None) -> Grid:
    import openpyxl  # imported here: CSV users do not pay for it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as err:
        raise ReceiptError.one(name, f"읽을 수 있는 XLSX 파일 (a readable XLSX: {err})") from None
    try:
        names = list(book.sheetnames)
        if sheet is None:
            chosen = names[0]
        elif isinstance(sheet, int) and not isinstance(sheet, bool):
            if not 0 <= sheet < len(names):
                raise ReceiptError.one(
                    name,
                    f"시트 번호 0–{len(names) - 1} (a sheet index; sheets: {names})",
                    value=sheet,
                )
            chosen = names[sheet]
        elif sheet in names:
            chosen = str(sheet)
        else:
            raise ReceiptError.one(
                name,
                "이 파일에 있는 시트 이름 (a sheet in this file: "
                + ", ".join(repr(n) for n in names)
                + ")",
                value=sheet,
            )
        rows = _sheet_rows(book[chosen])
        if sheet is None and len(names) > 1 and find_header(rows, default_aliases()) is None:
            # Say where the data is, instead of "no header" on an empty first sheet.
            for other in names[1:]:
                found = find_header(
                    _sheet_rows(book[other], limit=HEADER_SEARCH_ROWS), default_aliases()
                )
                if found is not None:
                    raise ReceiptError.one(
                        name,
                        f"첫 시트 {chosen!r}에 영수증 표가 없습니다; 표는 시트 "
                        f"{other!r}에 있습니다 (no receipt table on the first sheet "
                        f"{chosen!r}; the data is on sheet {other!r}: pass "
                        f"sheet={other!r} or --sheet {other!r})",
                    )
        return Grid(rows, "xlsx", sheet=chosen, sheets=names)
    finally:
        book.close()


def _sheet_rows(ws: Any, limit: int | None = None) -> list[list[Any]]:
    return [list(values) for values in ws.iter_rows(min_row=1, max_row=limit, values_only=True)]
