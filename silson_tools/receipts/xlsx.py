"""An XLSX workbook → cells, read with bounded time and memory, nothing trusted.

openpyxl's read-only mode (the one that streams) trusts the ``<dimension>`` record (a stale
one cuts rows), hides merged cells and reads a formula without a saved value as an empty
cell; its full mode holds the whole grid in memory. So the sheet XML is streamed here with
the standard library's expat parser (``zipfile`` + ``pyexpat``), and openpyxl's helpers
read the number formats and Excel day numbers.

What is refused, each naming the limit or the place:

- members larger, as declared by the zip directory (which ``zipfile`` enforces while
  reading), than :data:`MAX_XML_BYTES` in total (a 4 MB file holding 920 MB of XML);
- a cell beyond row :data:`MAX_ROWS` or column :data:`MAX_COLUMNS`, or more than
  :data:`MAX_CELLS` cells with a value (a 5 KB file declaring the whole grid);
- XML with a DOCTYPE or entity declaration (entity bombs), broken XML, a broken or
  truncated zip (bad CRC, cut-off member), a missing member.

Cells keep what Excel shows: numbers (dates as ``datetime`` where the cell's number format
is a date), text (rich text joined, phonetic guides left out), booleans, a
:class:`Formula` for a formula with no saved value, an :class:`ExcelError` for ``#N/A`` and
the like. Merged ranges are listed (``Sheet.merges``); the caller decides what they mean.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import zipfile
import zlib
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from pyexpat import ExpatError, ParserCreate
from typing import IO, Any, Final

from .units import format_unit

__all__ = [
    "MAX_CELLS",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "MAX_XML_BYTES",
    "Book",
    "ExcelError",
    "Formula",
    "Sheet",
    "XlsxProblem",
    "cell_ref",
]

MAX_XML_BYTES: Final = 128 * 2**20
"""Uncompressed size of the parts read (workbook, styles, strings, sheets): 128 MiB (a
receipt sheet of 200,000 lines; parsing it costs about 10 s)."""
MAX_ROWS: Final = 1_048_576
"""Excel's own last row."""
MAX_COLUMNS: Final = 256
"""A receipt table has a dozen columns; a value beyond column IV is refused."""
MAX_CELLS: Final = 10_000_000
"""Cells with a value in one sheet (about 800,000 12-column lines)."""

_DATE_FORMAT_IDS: Final = frozenset([*range(14, 23), *range(27, 37), *range(45, 48),
                                     *range(50, 59)])  # fmt: skip
"""Built-in number formats that show a date (27–36 and 50–58 are the Korean/CJK ones)."""
_CELL_REF = re.compile(r"([A-Z]{1,3})(\d{1,7})$")
_BUILTIN_SCALED: Final = {9: "0%", 10: "0.00%"}
"""Built-in number formats that show a number other than itself (percent)."""


class XlsxProblem(Exception):
    """The workbook cannot be read: ``expected`` says what was expected, ``where`` where."""

    def __init__(self, expected: str, where: str | None = None) -> None:
        super().__init__(expected)
        self.expected = expected
        self.where = where


def _zero_height(attrs: dict[str, str]) -> bool:
    """A ``<row ht="0">`` (what some programs write for a hidden row): no one sees it."""
    try:
        return float(attrs.get("ht", "1")) == 0
    except ValueError:
        return False


@dataclass(frozen=True)
class Formula:
    """A formula cell with no saved value (the file was not saved by Excel after editing)."""

    text: str

    def __str__(self) -> str:
        return f"={self.text}" if self.text else "(수식 formula)"


@dataclass(frozen=True)
class ExcelError:
    """An error value Excel shows in a cell (``#N/A``, ``#DIV/0!``, ``#REF!`` …)."""

    code: str

    def __str__(self) -> str:
        return self.code


def cell_ref(row: int, col: int) -> str:
    """0-based (row, col) → ``"C5"``."""
    letters = ""
    index = col + 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row + 1}"


def _col_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


@dataclass
class Sheet:
    """One worksheet's cells: ``cells[row][col]`` (0-based), only cells with a value."""

    name: str
    state: str
    """``visible``, ``hidden`` or ``veryHidden``."""
    cells: dict[int, dict[int, Any]] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    """Merged ranges as 0-based inclusive (first row, first col, last row, last col)."""
    complete: bool = True
    """False when only the first rows were read (to look for a header)."""
    hidden_rows: list[int] = field(default_factory=list)
    """Rows hidden in Excel (by hand or by a filter), 0-based."""
    hidden_cols: list[tuple[int, int]] = field(default_factory=list)
    """Hidden column spans (first, last), 0-based."""
    struck_rows: set[int] = field(default_factory=set)
    """Rows with a value in 취소선 (strikethrough font), 0-based: a cancelled line?"""
    struck_cells: dict[int, int] = field(default_factory=dict)
    """Per such row, the first column (0-based) whose value is struck through."""
    comments: list[tuple[int, int, str]] = field(default_factory=list)
    """Cell comments (메모) as (row, col, text), 0-based: a unit written there is not read."""
    formats: dict[int, dict[str, array[int]]] = field(default_factory=dict)
    """Column → number format code → rows (0-based) of the numbers shown in it, for formats
    that scale or name a unit (``#,##0,``, ``#,##0"천원"``, ``[$₩-412]#,##0``): what the
    person saw is not the number alone."""

    @property
    def n_rows(self) -> int:
        return max(self.cells, default=-1) + 1

    @property
    def n_cols(self) -> int:
        return max((max(row) for row in self.cells.values() if row), default=-1) + 1


class _Stop(Exception):
    """Enough rows read."""


def _refuse_dtd(*_: Any) -> None:
    raise XlsxProblem("DOCTYPE나 엔티티 선언이 없는 XML (XML without a DOCTYPE or entity "
                      "declarations; Excel never writes one)")  # fmt: skip


def _parser(
    start: Callable[[str, dict[str, str]], None],
    end: Callable[[str], None],
    text: Callable[[str], None] | None = None,
) -> Any:
    parser = ParserCreate()
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    return parser


def _local(name: str) -> str:
    return name[name.index(":") + 1 :] if ":" in name else name


class Book:
    """An open workbook: its sheets (name, state, part) and the parts every sheet needs."""

    def __init__(self, path: Path) -> None:
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as err:
            raise XlsxProblem(f"온전한 XLSX(zip) 파일 (an intact XLSX/zip file: {err})") from None
        self.budget = MAX_XML_BYTES
        self._counted: set[str] = set()
        try:
            self._names = {info.filename: info for info in self.zip.infolist()}
            workbook = self._office_document()
            rels = self._rels(workbook)
            self.date1904 = False
            self.sheets: list[tuple[str, str, str | None]] = []  # (name, state, part)
            self._read_workbook(workbook, rels)
            base = posixpath.dirname(workbook)
            styles = self._target(rels, "/styles", base) or posixpath.join(base, "styles.xml")
            strings = self._target(rels, "/sharedStrings", base) or posixpath.join(
                base, "sharedStrings.xml"
            )
            self.unit_styles: dict[int, str] = {}
            """Style index → number format code, for formats that scale or name a unit."""
            self.struck_styles: set[int] = set()
            """Style indexes whose font is struck through (취소선)."""
            self.date_styles = self._read_styles(styles) if styles in self._names else []
            self.strings = self._read_strings(strings) if strings in self._names else []
        except BaseException:
            self.zip.close()
            raise

    def close(self) -> None:
        self.zip.close()

    # --- parts ---------------------------------------------------------------------------

    def _open(self, part: str) -> IO[bytes]:
        info = self._names.get(part)
        if info is None:
            raise XlsxProblem(f"XLSX 안의 {part} (the workbook part {part} is missing)")
        if part not in self._counted:  # each part counts once, however often it is read
            if info.file_size > self.budget:
                raise XlsxProblem(
                    f"풀었을 때 {MAX_XML_BYTES // 2**20} MiB 이하인 XLSX (at most "
                    f"{MAX_XML_BYTES // 2**20} MiB of XML once unzipped; {part} declares "
                    f"{info.file_size:,} bytes)"
                )
            self.budget -= info.file_size
            self._counted.add(part)
        return self.zip.open(info)

    def _parse(self, part: str, parser: Any) -> None:
        """Feed a part to an expat parser; every zip or XML failure is an XlsxProblem."""
        try:
            with self._open(part) as stream:
                parser.ParseFile(stream)
        except (XlsxProblem, _Stop):
            raise
        except ExpatError as err:
            raise XlsxProblem(
                f"올바른 XML (well-formed XML; {part}, line {err.lineno}: "
                f"{err.args[0] if err.args else err})"
            ) from None
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, KeyError,
                NotImplementedError, RuntimeError) as err:  # fmt: skip
            raise XlsxProblem(
                f"온전한 XLSX(zip) 파일 (an intact XLSX; {part} is damaged or cut off: {err})"
            ) from None

    def _attrs_of(self, part: str, tags: set[str]) -> list[tuple[str, dict[str, str]]]:
        found: list[tuple[str, dict[str, str]]] = []

        def start(name: str, attrs: dict[str, str]) -> None:
            local = _local(name)
            if local in tags:
                found.append((local, attrs))

        self._parse(part, _parser(start, lambda name: None))
        return found

    def _office_document(self) -> str:
        if "_rels/.rels" in self._names:
            for _, attrs in self._attrs_of("_rels/.rels", {"Relationship"}):
                if attrs.get("Type", "").endswith("/officeDocument"):
                    return attrs.get("Target", "").lstrip("/")
        if "xl/workbook.xml" in self._names:
            return "xl/workbook.xml"
        raise XlsxProblem(
            "XLSX 통합 문서 (an XLSX workbook: this zip has no xl/workbook.xml — an .ods, "
            ".xlsb or other file? save it as .xlsx)"
        )

    def _rels(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id → (type, target) of ``part``."""
        path = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
        if path not in self._names:
            return {}
        return {
            attrs.get("Id", ""): (attrs.get("Type", ""), attrs.get("Target", ""))
            for _, attrs in self._attrs_of(path, {"Relationship"})
        }

    @staticmethod
    def _resolve(target: str, base: str) -> str:
        if target.startswith("/"):
            return target.lstrip("/")
        return posixpath.normpath(posixpath.join(base, target))

    def _target(self, rels: dict[str, tuple[str, str]], kind: str, base: str) -> str | None:
        for rel_type, target in rels.values():
            if rel_type.endswith(kind):
                return self._resolve(target, base)
        return None

    def _read_workbook(self, part: str, rels: dict[str, tuple[str, str]]) -> None:
        base = posixpath.dirname(part)
        for tag, attrs in self._attrs_of(part, {"sheet", "workbookPr"}):
            if tag == "workbookPr":
                self.date1904 = attrs.get("date1904", "").lower() in {"1", "true"}
                continue
            rid = next((v for k, v in attrs.items() if ":" in k and _local(k) == "id"), "")
            rel_type, target = rels.get(rid, ("", ""))
            part_of = self._resolve(target, base) if rel_type.endswith("/worksheet") else None
            self.sheets.append((attrs.get("name", ""), attrs.get("state", "visible"), part_of))

    def _read_styles(self, part: str) -> list[bool]:
        """Per cell style index: does its number format show a date?"""
        from openpyxl.styles.numbers import is_date_format

        formats: dict[int, str] = {}
        xfs: list[int] = []
        fonts: list[bool] = []
        xf_fonts: list[int] = []
        depth = {"cellXfs": False, "fonts": False}

        def start(name: str, attrs: dict[str, str]) -> None:
            local = _local(name)
            if local == "fonts":
                depth["fonts"] = True
            elif local == "font" and depth["fonts"]:
                fonts.append(False)
            elif local == "strike" and depth["fonts"] and fonts:
                fonts[-1] = attrs.get("val", "1").lower() not in {"0", "false"}
            elif local == "numFmt":
                try:
                    formats[int(attrs.get("numFmtId", "-1"))] = attrs.get("formatCode", "")
                except ValueError:
                    pass
            elif local == "cellXfs":
                depth["cellXfs"] = True
            elif local == "xf" and depth["cellXfs"]:
                try:
                    xfs.append(int(attrs.get("numFmtId", "0")))
                except ValueError:
                    xfs.append(0)
                try:
                    xf_fonts.append(int(attrs.get("fontId", "0")))
                except ValueError:
                    xf_fonts.append(0)

        def end(name: str) -> None:
            if _local(name) in ("cellXfs", "fonts"):
                depth[_local(name)] = False

        self._parse(part, _parser(start, end))
        self.struck_styles = {k for k, f in enumerate(xf_fonts) if 0 <= f < len(fonts) and fonts[f]}
        for k, i in enumerate(xfs):
            code = formats.get(i, _BUILTIN_SCALED.get(i, ""))
            if code and format_unit(code) is not None:
                self.unit_styles[k] = code
        return [
            (i in formats and is_date_format(formats[i])) or (i not in formats
                                                            and i in _DATE_FORMAT_IDS)
            for i in xfs
        ]  # fmt: skip

    def _read_strings(self, part: str) -> list[str]:
        strings: list[str] = []
        state = {"in_t": False, "phonetic": 0}
        parts: list[str] = []

        def start(name: str, attrs: dict[str, str]) -> None:
            local = _local(name)
            if local == "si":
                parts.clear()
            elif local == "rPh":
                state["phonetic"] += 1
            elif local == "t" and not state["phonetic"]:
                state["in_t"] = True

        def end(name: str) -> None:
            local = _local(name)
            if local == "si":
                strings.append("".join(parts))
            elif local == "rPh":
                state["phonetic"] -= 1
            elif local == "t":
                state["in_t"] = False

        def text(data: str) -> None:
            if state["in_t"]:
                parts.append(data)

        self._parse(part, _parser(start, end, text))
        return strings

    # --- sheets --------------------------------------------------------------------------

    def read_sheet(self, index: int, max_rows: int | None = None) -> Sheet:
        """The cells of sheet ``index``; only rows up to ``max_rows`` when given."""
        name, state, part = self.sheets[index]
        sheet = Sheet(name, state, complete=max_rows is None)
        if part is None:  # a chart sheet or dialog sheet: no cells
            return sheet
        _SheetReader(self, sheet, max_rows).run(part)
        if max_rows is None:
            sheet.comments = self._comments(part)
        return sheet

    def _comments(self, part: str) -> list[tuple[int, int, str]]:
        """The sheet's cell comments (메모) as (row, col, text), 0-based."""
        target = self._target(self._rels(part), "/comments", posixpath.dirname(part))
        if target is None or target not in self._names:
            return []
        found: list[tuple[int, int, str]] = []
        state: dict[str, Any] = {"ref": None, "in_t": False, "text": []}

        def start(name: str, attrs: dict[str, str]) -> None:
            local = _local(name)
            if local == "comment":
                state["ref"], state["text"] = attrs.get("ref", ""), []
            elif local == "t":
                state["in_t"] = True

        def end(name: str) -> None:
            local = _local(name)
            if local == "t":
                state["in_t"] = False
            elif local == "comment":
                match = _CELL_REF.match(str(state["ref"]).replace("$", "").upper())
                if match and len(found) < 10_000:
                    found.append((int(match[2]) - 1, _col_index(match[1]),
                                  "".join(state["text"])[:1000]))  # fmt: skip

        def text(data: str) -> None:
            if state["in_t"]:
                state["text"].append(data)

        self._parse(target, _parser(start, end, text))
        return found


class _SheetReader:
    """Streams one sheet's XML into a :class:`Sheet`, enforcing the limits."""

    def __init__(self, book: Book, sheet: Sheet, max_rows: int | None) -> None:
        self.book = book
        self.sheet = sheet
        self.max_rows = max_rows
        self.row = -1
        self.col = -1
        self.kind = "n"
        self.style = 0
        self.value: list[str] = []
        self.inline: list[str] = []
        self.capture = 0  # 1: <v>, 2: inline <t>, 3: <f>
        self.formula: list[str] | None = None
        self.has_value = False
        self.phonetic = 0
        self.count = 0
        self.locals: dict[str, str] = {}
        """Element name → local name (``x:c`` → ``c``), looked up once per name."""
        self.columns: dict[str, int] = {}
        """Column letters → 0-based index, computed once per column."""

    def run(self, part: str) -> None:
        parser = _parser(self.start, self.end, self.text)
        try:
            self.book._parse(part, parser)
        except _Stop:
            pass

    def _place(self, ref: str | None) -> None:
        if ref:
            letters = ref.rstrip("0123456789")
            col = self.columns.get(letters)
            digits = ref[len(letters) :]
            if col is None or not digits.isascii() or not digits.isdigit():
                match = _CELL_REF.match(ref.replace("$", "").upper())
                if match is None:
                    raise XlsxProblem(f"셀 주소 (a cell address like C5, not {ref!r})")
                letters, digits = match[1], match[2]
                col = self.columns[letters] = _col_index(letters)
            self.col = col
            self.row = int(digits) - 1
        else:
            self.col += 1
        if self.max_rows is not None and self.row >= self.max_rows:
            raise _Stop
        if self.row >= MAX_ROWS or self.row < 0:
            raise XlsxProblem(
                f"{MAX_ROWS:,}행 이내의 표 (a table within {MAX_ROWS:,} rows)", ref or None
            )

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = self.locals.get(name) or self.locals.setdefault(name, _local(name))
        if local == "c":
            self._place(attrs.get("r"))
            self.kind = attrs.get("t", "n")
            try:
                self.style = int(attrs.get("s", "0"))
            except ValueError:
                self.style = 0
            self.value = []
            self.inline = []
            self.formula = None
            self.has_value = False
        elif local == "v":
            self.capture = 1
            self.has_value = True
        elif local == "f":
            self.capture = 3
            self.formula = []
        elif local == "rPh":
            self.phonetic += 1
        elif local == "t" and not self.phonetic:
            self.capture = 2
        elif local == "is":
            self.has_value = True
        elif local == "row":
            ref = attrs.get("r")
            try:
                self.row = int(ref) - 1 if ref else self.row + 1
            except ValueError:
                raise XlsxProblem(f"행 번호 (a row number, not {ref!r})") from None
            self.col = -1
            if self.max_rows is not None and self.row >= self.max_rows:
                raise _Stop
            if attrs.get("hidden", "").lower() in {"1", "true"} or _zero_height(attrs):
                self.sheet.hidden_rows.append(self.row)  # a row of height 0 is hidden too
        elif local == "mergeCell":
            self._merge(attrs.get("ref", ""))
        elif local == "col" and attrs.get("hidden", "").lower() in {"1", "true"}:
            try:
                first, last = int(attrs.get("min", "0")) - 1, int(attrs.get("max", "0")) - 1
            except ValueError:
                return
            self.sheet.hidden_cols.append((first, min(last, MAX_COLUMNS)))

    def _merge(self, ref: str) -> None:
        first, _, last = ref.replace("$", "").upper().partition(":")
        a, b = _CELL_REF.match(first), _CELL_REF.match(last or first)
        if a is None or b is None:
            raise XlsxProblem(f"병합 범위 (a merged range like A2:A5, not {ref!r})")
        r0, c0 = int(a[2]) - 1, _col_index(a[1])
        r1, c1 = int(b[2]) - 1, _col_index(b[1])
        self.sheet.merges.append((min(r0, r1), min(c0, c1), max(r0, r1), max(c0, c1)))

    def text(self, data: str) -> None:
        if self.capture == 1:
            self.value.append(data)
        elif self.capture == 2:
            self.inline.append(data)
        elif self.capture == 3 and self.formula is not None:
            self.formula.append(data)

    def end(self, name: str) -> None:
        local = self.locals.get(name) or self.locals.setdefault(name, _local(name))
        if local == "c":
            self._cell()
        elif local in {"v", "t", "f"}:
            self.capture = 0
        elif local == "rPh":
            self.phonetic -= 1

    def _cell(self) -> None:
        if self.has_value and self.kind == "n" and not "".join(self.value).strip():
            self.has_value = False  # <v/>: no number saved (openpyxl writes it so for formulas)
        if not self.has_value:
            if self.formula is None:
                return  # a formatted empty cell
            value: Any = Formula("".join(self.formula))
        else:
            value = self._value()
        if self.col >= MAX_COLUMNS:
            raise XlsxProblem(
                f"{MAX_COLUMNS}열 이내의 표 (a table within {MAX_COLUMNS} columns, "
                f"up to column {cell_ref(0, MAX_COLUMNS - 1)[:-1]})",
                cell_ref(self.row, self.col),
            )
        self.count += 1
        if self.count > MAX_CELLS:
            raise XlsxProblem(f"값이 있는 셀 {MAX_CELLS:,}개 이하 (at most {MAX_CELLS:,} cells "
                              "with a value in one sheet)")  # fmt: skip
        row = self.sheet.cells.get(self.row)
        if row is None:
            row = self.sheet.cells[self.row] = {}
        if self.col in row:
            raise XlsxProblem("셀마다 값 하나 (one value per cell; this cell is written twice)",
                              cell_ref(self.row, self.col))  # fmt: skip
        row[self.col] = value
        if self.style in self.book.struck_styles:
            self.sheet.struck_rows.add(self.row)
            self.sheet.struck_cells.setdefault(self.row, self.col)
        units = self.book.unit_styles
        if units and self.style in units and type(value) in (int, float):
            by_code = self.sheet.formats.setdefault(self.col, {})
            rows = by_code.get(units[self.style])
            if rows is None:
                rows = by_code[units[self.style]] = array("q")
            rows.append(self.row)

    def _ref(self) -> str:
        return cell_ref(self.row, self.col)

    def _value(self) -> Any:
        kind = self.kind
        raw = "".join(self.value)
        if kind == "n" and self.style == 0:  # the common case: a plain number
            try:
                number = float(raw)
            except ValueError:
                pass
            else:
                return int(number) if number.is_integer() and abs(number) < 2**53 else number
        if kind == "s":
            try:
                return self.book.strings[int(raw)]
            except (ValueError, IndexError):
                raise XlsxProblem(
                    f"공유 문자열 번호 (a shared-string index below {len(self.book.strings)}, "
                    f"not {raw!r})", self._ref()
                ) from None  # fmt: skip
        if kind == "inlineStr":
            return "".join(self.inline)
        if kind == "str":
            return raw
        if kind == "b":
            return raw.strip() in {"1", "true"}
        if kind == "e":
            return ExcelError(raw.strip())
        if kind == "d":
            try:
                return dt.datetime.fromisoformat(raw.strip())
            except ValueError:
                raise XlsxProblem(f"ISO 날짜 (an ISO date, not {raw!r})", self._ref()) from None
        try:
            number = float(raw)
        except ValueError:
            raise XlsxProblem(f"숫자 (a number, not {raw!r})", self._ref()) from None
        styles = self.book.date_styles
        if 0 <= self.style < len(styles) and styles[self.style] and number == number:
            return self._date(number)
        if number.is_integer() and abs(number) < 2**53:
            return int(number)
        return number

    def _date(self, number: float) -> Any:
        from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

        epoch = CALENDAR_MAC_1904 if self.book.date1904 else CALENDAR_WINDOWS_1900
        if not -1 < number < 2_958_466:  # Excel's last day is 9999-12-31
            return number  # not a day Excel can show: left as the number (refused later)
        try:
            return from_excel(number, epoch)
        except (ValueError, OverflowError):
            return number
