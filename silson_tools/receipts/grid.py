"""A receipt file → a grid of cells, each with the sheet row number a person sees.

CSV typed in Excel and saved as UTF-8, UTF-8 with BOM, cp949/EUC-KR or UTF-16 (Excel's
"Unicode text", tab-separated), detected or named with ``encoding=``; XLSX workbooks (see
``xlsx.py``: every sheet is looked at, merged ranges are filled from their top-left cell and
listed). Old ``.xls`` files are refused with a hint. The file is only ever opened for
reading. Problems with the file as a whole raise :class:`~silson_tools.errors.ReceiptError`
at once; sizes are bounded before anything large is read (:data:`MAX_FILE_BYTES`,
:data:`MAX_CSV_ROWS`, ``xlsx.MAX_XML_BYTES`` …), each refusal naming its limit.

The grid is kept by column (``Grid.columns[j][i]`` is row ``i + 1``, column ``j``): a million
CSV lines never become a million Python lists.
"""

from __future__ import annotations

import csv
import io
import itertools
import warnings
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from ..errors import ReceiptError, ReceiptProblem
from .header import (
    HEADER_SEARCH_ROWS,
    Aliases,
    default_aliases,
    find_header,
    letter,
    map_header,
)
from .rowshape import field_counts, line_rows
from .units import unit_like
from .xlsx import MAX_COLUMNS, Book, Sheet, XlsxProblem, cell_ref

__all__ = ["MAX_CSV_ROWS", "MAX_FILE_BYTES", "MAX_GRID_CELLS", "Grid", "read_grid"]

MAX_FILE_BYTES: Final = 512 * 2**20
"""Largest receipt file read (512 MiB; a million CSV lines are about 70 MB)."""
MAX_CSV_ROWS: Final = 2_000_000
"""Most lines in a CSV file."""
MAX_GRID_CELLS: Final = 40_000_000
"""Rows × columns of the used range of a sheet (a few stray far-away cells make it huge)."""


@dataclass
class Grid:
    """Cells as read from the file, by column: ``columns[j][i]`` is row ``i + 1``."""

    columns: list[np.ndarray]
    n_rows: int
    format: str
    """``"csv"`` (every cell a str) or ``"xlsx"`` (numbers, text, datetimes, None)."""
    encoding: str | None = None
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Facts for the summary (other sheets, a hidden sheet read …)."""
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    """Merged ranges (0-based inclusive first row, first col, last row, last col), already
    filled with their top-left value."""
    lengths: np.ndarray | None = None
    """CSV: the number of fields of each record, when some record is longer than the rows
    at the top or may be shorter than the header (None: no record is either)."""
    quoted: tuple[bytes, str] | None = None
    """CSV with quote marks: its UTF-8 bytes and delimiter, to tell a quoted field from an
    unquoted one (``rowshape.split_amounts``: a quoted "15","000" was not split)."""
    hidden_rows: list[int] = field(default_factory=list)
    """XLSX: rows hidden in Excel (0-based): their lines are refused, read or left out as
    ``read_receipts(hidden_rows=…)`` says (``kinds.py``)."""
    hidden_cols: list[tuple[int, int]] = field(default_factory=list)
    struck_rows: set[int] = field(default_factory=set)
    """XLSX: rows with a value in 취소선 (strikethrough), 0-based: refused (``table.py``)."""
    struck_cells: dict[int, int] = field(default_factory=dict)
    """XLSX: per struck row, the first struck column (0-based), named in the refusal."""
    formats: dict[int, dict[str, array[int]]] = field(default_factory=dict)
    """XLSX: column → number format → rows of the numbers shown in it, for formats that scale
    or name a unit (see ``xlsx.Sheet.formats``)."""
    comments: list[tuple[int, int, str]] = field(default_factory=list)
    """XLSX: cell comments (메모) as (row, col, text), 0-based."""
    other_units: list[tuple[str, str, str]] = field(default_factory=list)
    """XLSX: unit notes on sheets not read (sheet, cell, text): ``표지`` saying 단위: 천원."""
    date1904: bool = False
    """XLSX: the workbook counts days from 1904 (plain numbers are not 1900 day serials)."""

    def row(self, i: int) -> list[Any]:
        return [col[i] for col in self.columns]

    def head(self, k: int) -> list[list[Any]]:
        return [self.row(i) for i in range(min(k, self.n_rows))]

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
    aliases: Aliases | None = None,
) -> Grid:
    """Read ``path`` (CSV or XLSX) into a :class:`Grid`; whole-file problems raise."""
    name = path.name
    if not path.is_file():
        raise FileNotFoundError(f"영수증 파일이 없습니다 (no such receipt file): {path}")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ReceiptError.one(
            name,
            f"{MAX_FILE_BYTES // 2**20} MiB 이하의 파일 (a file of at most "
            f"{MAX_FILE_BYTES // 2**20} MiB; this one has {size:,} bytes)",
        )
    try:
        with path.open("rb") as handle:  # read-only
            head = handle.read(8)
            data = b"" if head.startswith(b"PK\x03\x04") else head + handle.read()
    except OSError as err:
        raise ReceiptError.one(name, f"읽을 수 있는 파일 (a file that can be read: "
                               f"{err.strerror or err})") from None  # fmt: skip
    if head.startswith(b"\xd0\xcf\x11\xe0") or path.suffix.lower() == ".xls":
        raise ReceiptError.one(
            name,
            "XLSX 또는 CSV 파일 (an XLSX or CSV file): 예전 Excel 형식(.xls)이나 암호가 걸린 "
            "통합 문서입니다; 암호를 풀고 .xlsx로 저장하세요 (an old .xls or a password-"
            "protected workbook: remove the password and save as .xlsx)",
        )
    if head.startswith(b"PK\x03\x04"):
        if encoding is not None:
            raise ReceiptError.one(
                name,
                "인코딩은 CSV 파일에만 씁니다 (encoding= applies to CSV files only; "
                "this is an XLSX workbook)",
                value=encoding,
            )
        return _read_xlsx(path, name, sheet, aliases or default_aliases())
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
    return _read_csv(data, name, encoding, delimiter, aliases or default_aliases())


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
    """The delimiter (comma, tab or semicolon) found on the most of the first 20 non-blank
    lines, then the most often on one line; a title or unit row above the header (no
    delimiter, or a comma in its text) does not decide it."""
    lines = [line for line in text[:65536].splitlines() if line.strip()][:HEADER_SEARCH_ROWS]
    score = {d: (sum(d in line for line in lines), max((line.count(d) for line in lines),
                                                         default=0)) for d in (",", "\t", ";")}
    best = max(score, key=lambda d: score[d])  # ties: the first (a comma)
    return best if score[best][0] else ","


def _read_csv(
    data: bytes, name: str, encoding: str | None, delimiter: str | None, aliases: Aliases
) -> Grid:
    lines = max(data.count(b"\n"), data.count(b"\r"))
    if lines > MAX_CSV_ROWS:
        raise ReceiptError.one(
            name,
            f"{MAX_CSV_ROWS:,}줄 이하의 CSV (a CSV of at most {MAX_CSV_ROWS:,} lines; "
            f"this one has {lines:,})",
        )
    text, codec = _decode(data, encoding, name)
    if text.startswith("\ufeff"):
        text = text[1:]
    sep = delimiter or _sniff_delimiter(text)
    if len(sep) != 1:
        raise ReceiptError.one(name, "한 글자 구분자 (a one-character delimiter)", value=sep)
    top = _csv_records(text, sep, name, HEADER_SEARCH_ROWS)
    at = find_header(top, aliases)
    # as wide as the header (and the title rows above it): a longer record, such as one
    # with an unquoted 2,700, sends the parse to the csv module, which counts its fields
    width = max((_trimmed(row) for row in top[: (len(top) if at is None else at + 1)]),
                default=1) or 1  # fmt: skip
    if width > MAX_COLUMNS:
        raise ReceiptError.one(
            name, f"{MAX_COLUMNS}열 이내의 표 (a table within {MAX_COLUMNS} columns; the top "
            f"rows have {width:,})", row=(at or 0) + 1,
        )  # fmt: skip
    # pandas' C parser reads UTF-8 bytes: hand it bytes (a text stream is re-encoded in
    # small chunks, slowly)
    payload = data if codec == "utf-8" else text.encode("utf-8")
    quoted = (payload, sep) if '"' in text else None
    columns = _pandas_columns(payload, sep, width)
    if columns is not None:
        return Grid(columns, len(columns[0]), "csv", encoding=codec, quoted=quoted,
                    lengths=_padded(columns[-1], payload, text, sep, name))  # fmt: skip
    if '"' not in text and "\r" not in text:
        # no quoting: a record is a line, and its fields are its delimiters plus one
        lengths = np.fromiter((line.count(sep) + 1 for line in text.split("\n")), np.int64)
        if text.endswith("\n"):
            lengths = lengths[:-1]
        wide = int(lengths.max(initial=1))
        if wide <= MAX_COLUMNS:
            columns = _pandas_columns(payload, sep, wide)
            if columns is not None and len(columns[0]) == len(lengths):
                return Grid(columns, len(lengths), "csv", encoding=codec, lengths=lengths)
    rows = _csv_records(text, sep, name, None)
    lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    columns = []
    for values in itertools.zip_longest(*rows, fillvalue=""):  # by column, at C speed
        column = np.empty(len(rows), dtype=object)
        column[:] = values
        columns.append(column)
    return Grid(columns, len(rows), "csv", encoding=codec, lengths=lengths, quoted=quoted)


def _padded(last: np.ndarray, payload: bytes, text: str, sep: str, name: str
            ) -> np.ndarray | None:  # fmt: skip
    """Fields per record when one may be shorter than the header (pandas pads a short
    record with blanks, so its last field is blank): for ``rowshape.short_records``."""
    if not (last == "").any():
        return None
    counts = field_counts(payload, sep)
    if counts is None or len(counts) != len(last):
        counts = np.fromiter(map(len, _csv_records(text, sep, name, None)), dtype=np.int64)
    return counts if len(counts) == len(last) else None


def _pandas_columns(payload: bytes, sep: str, width: int) -> list[np.ndarray] | None:
    """Columns of ``width`` fields by pandas' C parser (fast); None when a record is longer
    or the text is not CSV as pandas reads it."""
    try:  # every cell a str, short rows padded with ""
        with warnings.catch_warnings():
            # pandas drops the fields of a first record longer than ``names`` with only a
            # warning: made an error here, so the csv module reads that file instead
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(
                io.BytesIO(payload),
                encoding="utf-8",
                sep=sep,
                header=None,
                names=range(width),
                index_col=False,
                dtype=object,
                na_filter=False,
                skip_blank_lines=False,
                engine="c",
                low_memory=False,
            )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, pd.errors.ParserWarning,
            ValueError, OverflowError):  # fmt: skip
        return None  # a record longer than the top rows, a stray quote …
    if not len(frame):
        return None
    return [frame[j].to_numpy(dtype=object) for j in range(width)]


def _trimmed(row: list[Any]) -> int:
    """Fields up to the last one that is not blank."""
    n = len(row)
    while n and not str(row[n - 1]).strip():
        n -= 1
    return n


def _csv_records(text: str, sep: str, name: str, limit: int | None) -> list[list[str]]:
    """Records as the csv module reads them (all, or the first ``limit``); errors located."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
    rows: list[list[str]] = []
    try:
        append = rows.append
        for row in itertools.islice(reader, limit):
            if len(row) > MAX_COLUMNS:
                if _trimmed(row) > MAX_COLUMNS:
                    raise ReceiptError.one(
                        name,
                        f"{MAX_COLUMNS}열 이내의 표 (a table within {MAX_COLUMNS} columns; "
                        f"this record has {len(row):,} fields)",
                        row=reader.line_num,
                    )
                row = row[:MAX_COLUMNS]
            append(row)
    except csv.Error as err:
        raise ReceiptError.one(
            name,
            f"CSV 형식 (well-formed CSV; the csv parser said: {err})",
            row=reader.line_num,
        ) from None
    return rows


def _problem(name: str, err: XlsxProblem, sheet: str | None = None) -> ReceiptError:
    """An XLSX problem as a ReceiptError naming the sheet and the cell."""
    where = f"{name}, 시트 {sheet!r}" if sheet is not None else name  # several sheets
    row = column = None
    if err.where:
        letters = err.where.rstrip("0123456789")
        digits = err.where[len(letters) :]
        row = int(digits) if digits else None
        column = f"{letters}열" if letters else None
    return ReceiptError.one(where, f"읽을 수 있는 XLSX 파일 (a readable XLSX: {err.expected})",
                            row=row, column=column)  # fmt: skip


def _sheet_label(name: str, state: str) -> str:
    return f"{name!r} (숨김 hidden)" if state != "visible" else repr(name)


def _read_xlsx(path: Path, name: str, sheet: str | int | None, aliases: Aliases) -> Grid:
    try:
        book = Book(path)
    except XlsxProblem as err:
        raise _problem(name, err) from None
    try:
        return _choose_sheet(book, name, sheet, aliases)
    finally:
        book.close()


def _other_tables(book: Book, name: str, index: int, labels: list[str], aliases: Aliases
                  ) -> list[str]:  # fmt: skip
    """A note when a sheet was chosen and other sheets hold receipt tables too: their lines
    are not in this sheet's yearly limits, counts and 상한제 year."""
    found = []
    for i, (sheet_name, _, part) in enumerate(book.sheets):
        if i == index or part is None:
            continue
        try:
            top = book.read_sheet(i, max_rows=HEADER_SEARCH_ROWS)
        except XlsxProblem as err:
            raise _problem(name, err, sheet_name) from None
        if find_header(_rows(top, HEADER_SEARCH_ROWS), aliases) is not None:
            found.append(labels[i])
    if not found:
        return []
    return [f"다른 시트 {', '.join(found)}에도 영수증 표가 있지만 읽지 않았습니다: 연간 한도·횟수·"
            "상한제는 이 시트의 줄로만 셉니다 (other sheets hold receipt tables too and were not "
            "read: yearly limits, counts and the 상한제 year count this sheet's lines only — if "
            "they are the same people's receipts of the same years, copy them into one sheet)"]


def _chosen_continued(book: Book, name: str, index: int, aliases: Aliases) -> list[str]:
    """A note naming other sheets whose rows look like receipt lines under the chosen
    sheet's header (a continuation without its header), when the sheet was chosen."""
    tops = {}
    for i, (sheet_name, _, part) in enumerate(book.sheets):
        if part is None:
            continue
        try:
            tops[i] = _rows(book.read_sheet(i, max_rows=HEADER_SEARCH_ROWS), HEADER_SEARCH_ROWS)
        except XlsxProblem as err:
            raise _problem(name, err, sheet_name) from None
    at = find_header(tops.get(index, []), aliases)
    if at is None:
        return []
    headless = {i: rows for i, rows in tops.items()
                if i != index and find_header(rows, aliases) is None}  # fmt: skip
    return _continued(name, headless, tops[index][at], book, aliases, refuse=False)


def _continued(name: str, headless: dict[int, list[list[Any]]], header: list[Any], book: Book,
               aliases: Aliases, *, refuse: bool) -> list[str]:  # fmt: skip
    """Sheets without a header whose rows look like receipt lines under ``header``'s columns
    (the table continued on the next sheet): refused (``refuse``), else a note. Their lines
    would be left out of the yearly limits, counts and the 상한제 year."""
    found = {i: line_rows(rows, header, aliases, map_header) for i, rows in headless.items()}
    found = {i: at for i, at in found.items() if at}
    if not found:
        return []
    date_j = next(j for j, c in enumerate(header)
                  if map_header(c, j, aliases).canonical == "date")  # fmt: skip
    shown = ", ".join(f"{book.sheets[i][0]!r} ({len(at)}줄 lines, {at[0] + 1}행 row "
                      f"{at[0] + 1}…)" for i, at in found.items())  # fmt: skip
    if not refuse:
        return [f"머리글 없이 영수증 줄처럼 보이는 줄이 있는 시트를 읽지 않았습니다 (sheets with "
                f"rows that look like receipt lines but no header were not read): {shown} — "
                "연간 한도·횟수·상한제는 이 시트의 줄로만 셉니다 (yearly limits, counts and the "
                "상한제 year count this sheet's lines only)"]  # fmt: skip
    problems = []
    for i, at in found.items():
        rows = headless[i]
        value = rows[at[0]][date_j] if date_j < len(rows[at[0]]) else None
        problems.append(ReceiptProblem(
            f"{name}, 시트 {book.sheets[i][0]!r}", at[0] + 1,
            f"{letter(date_j)}열 (머리글 시트의 '{header[date_j]}' 자리)", value,
            f"머리글이 있는 시트의 영수증 줄 (a receipt line on the sheet with the header): 이 "
            f"시트에 머리글 없이 영수증 줄처럼 보이는 줄이 {len(at)}줄 있습니다 — 표를 다음 "
            "시트에 이어 썼다면 머리글 아래 한 시트에 모아 붙여 넣으세요; 연간 한도·횟수·상한제는 "
            "한 해의 모든 줄을 함께 세야 합니다. 다른 사람·다른 해의 줄이면 --sheet로 시트를 "
            f"고르세요 (this sheet has {len(at)} row(s) that look like receipt lines, with no "
            "header: if the table continues here, copy them under the header into one sheet "
            "— yearly limits, counts and the 상한제 year need every line of a year together; "
            "if they are other people's or other years' lines, choose a sheet with --sheet)",
        ))  # fmt: skip
    raise ReceiptError(problems, name)


def _dated(header: list[Any], aliases: Aliases) -> bool:
    """Does a header row name a 진료일 column (receipt lines have dates; a summary does not)?"""
    return any(map_header(cell, j, aliases).canonical == "date" for j, cell in enumerate(header))


def _choose_sheet(book: Book, name: str, sheet: str | int | None, aliases: Aliases) -> Grid:
    """Read the sheet asked for, or the one sheet holding a receipt table."""
    names = [n for n, _, _ in book.sheets]
    labels = [_sheet_label(n, state) for n, state, _ in book.sheets]
    if not names:
        raise ReceiptError.one(name, "시트가 있는 통합 문서 (a workbook with a sheet)")
    notes: list[str] = []
    other_units: list[tuple[str, str, str]] = []
    if sheet is not None:
        if isinstance(sheet, int) and not isinstance(sheet, bool):
            if not 0 <= sheet < len(names):
                raise ReceiptError.one(
                    name, f"시트 번호 0–{len(names) - 1} (a sheet index; sheets: {names})",
                    value=sheet,
                )  # fmt: skip
            index = sheet
        elif sheet in names:
            index = names.index(str(sheet))
        else:
            raise ReceiptError.one(
                name, "이 파일에 있는 시트 이름 (a sheet in this file: " + ", ".join(labels) + ")",
                value=sheet,
            )  # fmt: skip
    elif sum(part is not None for _, _, part in book.sheets) == 1:
        index = next(i for i, (_, _, part) in enumerate(book.sheets) if part is not None)
        others = [labels[i] for i in range(len(names)) if i != index]
        if others:
            notes.append("다른 시트는 읽지 않았습니다 — 셀이 없는 차트 시트 (other sheets not "
                         "read; chart sheets, no cells): " + ", ".join(others))  # fmt: skip
    else:
        tables = []
        dated = []
        heads: dict[int, list[Any]] = {}
        headless: dict[int, list[list[Any]]] = {}
        summaries: list[str] = []
        for i, (sheet_name, _, part) in enumerate(book.sheets):
            if part is None:
                continue
            try:
                top = book.read_sheet(i, max_rows=HEADER_SEARCH_ROWS)
            except XlsxProblem as err:
                raise _problem(name, err, sheet_name) from None
            rows = _rows(top, HEADER_SEARCH_ROWS)
            at = find_header(rows, aliases)
            if at is not None:
                tables.append(i)
                heads[i] = rows[at]
                if _dated(rows[at], aliases):
                    dated.append(i)
            else:
                other_units.extend(_unit_cells(sheet_name, top))
                headless[i] = rows
        if dated and len(dated) < len(tables):  # a 요약 sheet of totals has no 진료일 column
            summaries = [labels[i] for i in tables if i not in dated]
            notes.append("진료일 열이 없는 표는 영수증 표가 아니라 요약으로 보고 읽지 않았습니다 "
                         "(tables without a 진료일 column were taken as summaries and not read): "
                         + ", ".join(summaries))  # fmt: skip
            tables = dated
        if len(tables) > 1:
            listed = ", ".join(labels[i] for i in tables)
            raise ReceiptError.one(
                name,
                f"영수증 표가 있는 시트는 하나만 (one sheet with a receipt table; sheets "
                f"{listed} each have one): 한 시트에 모아 붙여 넣으세요 (copy them into one "
                "sheet, one table) — 연간 한도·횟수·상한제는 한 해의 모든 줄을 함께 세야 하므로 "
                "시트를 하나씩 읽으면 시트마다 다시 시작되어 틀린 금액이 나옵니다 (yearly limits, "
                "counts and the 상한제 year need every line of a year together: reading one "
                "sheet at a time restarts them and gives wrong amounts). 다른 사람·다른 해의 "
                "표만 시트를 골라 읽으세요 (choose a sheet with sheet=…/--sheet … only when the "
                "other sheets hold other people's or other years' receipts)",
            )
        if not tables:
            raise ReceiptError.one(
                name,
                f"영수증 머리글이 있는 시트 (a sheet with a receipt header in its first "
                f"{HEADER_SEARCH_ROWS} rows; sheets: {', '.join(labels)})",
            )
        index = tables[0]
        _continued(name, headless, heads[index], book, aliases, refuse=True)
        others = [labels[i] for i in range(len(names)) if i != index and labels[i] not in summaries]
        if others:
            notes.append(
                "다른 시트는 읽지 않았습니다 — 영수증 표가 없습니다 (other sheets not read; no "
                "receipt table): " + ", ".join(others)
            )
    if sheet is not None:
        notes.extend(_other_tables(book, name, index, labels, aliases))
        notes.extend(_chosen_continued(book, name, index, aliases))
    chosen, state, part = book.sheets[index]
    if part is None:
        raise ReceiptError.one(
            name, f"셀이 있는 워크시트 (a worksheet with cells; {chosen!r} is a chart sheet)"
        )
    if state != "visible":
        notes.append(f"숨김 시트 {chosen!r}를 읽었습니다 (read the hidden sheet {chosen!r})")
    several = chosen if len(names) > 1 else None
    try:
        data = book.read_sheet(index)
    except XlsxProblem as err:
        raise _problem(name, err, several) from None
    n_rows, n_cols = data.n_rows, data.n_cols
    if n_rows * n_cols > MAX_GRID_CELLS:
        raise ReceiptError.one(
            name if several is None else f"{name}, 시트 {chosen!r}",
            f"{MAX_GRID_CELLS:,}칸 이하의 사용 범위 (a used range of at most "
            f"{MAX_GRID_CELLS:,} cells; values reach row {n_rows:,} and column "
            f"{letter(n_cols - 1)}: clear stray cells far from the table)",
        )
    columns = [np.full(n_rows, None, dtype=object) for _ in range(n_cols)]
    for i, cells in data.cells.items():
        for j, value in cells.items():
            columns[j][i] = value
    try:
        merges = _fill_merges(data, columns, n_rows, n_cols)
    except XlsxProblem as err:
        raise _problem(name, err, several) from None
    return Grid(columns, n_rows, "xlsx", sheet=chosen, sheets=names, notes=notes,
                merges=merges, hidden_rows=data.hidden_rows, struck_rows=data.struck_rows,
                struck_cells=data.struck_cells, hidden_cols=data.hidden_cols, formats=data.formats,
                date1904=book.date1904, comments=data.comments,
                other_units=other_units)  # fmt: skip


def _unit_cells(sheet_name: str, top: Sheet) -> list[tuple[str, str, str]]:
    """Cells of a sheet not read that name a money unit (a cover sheet's ``단위: 천원``)."""
    return [
        (sheet_name, cell_ref(i, j), value)
        for i, row in sorted(top.cells.items())
        for j, value in sorted(row.items())
        if isinstance(value, str) and unit_like(value)
    ]


def _rows(sheet: Sheet, limit: int) -> list[list[Any]]:
    width = sheet.n_cols
    return [
        [sheet.cells.get(i, {}).get(j) for j in range(width)]
        for i in range(min(sheet.n_rows, limit))
    ]


def _fill_merges(
    sheet: Sheet, columns: list[np.ndarray], n_rows: int, n_cols: int
) -> list[tuple[int, int, int, int]]:
    """Give every cell of a merged range its top-left value (ranges clipped to the cells)."""
    kept = []
    budget = MAX_GRID_CELLS
    for r0, c0, r1, c1 in sheet.merges:
        r1, c1 = min(r1, n_rows - 1), min(c1, n_cols - 1)
        if r0 > r1 or c0 > c1 or (r0 == r1 and c0 == c1):
            continue
        budget -= (r1 - r0 + 1) * (c1 - c0 + 1)
        if budget < 0:
            raise XlsxProblem(f"병합 셀 {MAX_GRID_CELLS:,}칸 이하 (merged ranges covering at most "
                              f"{MAX_GRID_CELLS:,} cells in all)")  # fmt: skip
        value = columns[c0][r0]
        filler = np.empty(r1 - r0 + 1, dtype=object)
        filler[:] = [value] * (r1 - r0 + 1)
        for j in range(c0, c1 + 1):
            columns[j][r0 : r1 + 1] = filler
        kept.append((r0, c0, r1, c1))
    return kept
