"""Write the messy and hostile receipt files the loader is tested on, and what each must give.

    .venv/bin/python tests/messy/make_messy.py [FOLDER]     (default: tests/messy/files)

Every file is made here from made-up lines (no personal data): CSVs as people type or
export them, and XLSX workbooks written zip part by zip part, so the XML can be exactly as
odd as real files are (a stale ``<dimension>``, merged cells, formulas with no saved value,
hidden sheets, broken or hostile XML). ``expected.json`` says, per file, either what the
loader must read (line count, sums of amounts, persons, categories, words in the summary)
or where it must refuse (row, column, value, words of the message).

Files above :data:`COMMITTED_BYTES` (the zip bomb) are made by the tests in a temporary
folder instead of being committed; ``CASES`` lists them all.
"""

from __future__ import annotations

import io
import json
import re
import sys
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

COMMITTED_BYTES = 200_000
HEADER = (
    "이름,진료일자,진료구분,요양기관종류,병원명,항목,입원일수,본인부담금,공단부담금,전액본인부담,비급여"
)
LINES = [
    "가나,2024-03-05,외래,의원,A의원,도수치료,,5000,11660,0,100000",
    "가나,2024-03-05,약국,약국,B약국,,,3000,7000,0,0",
    "다라,2024-04-08,입원,상급종합병원,C병원,상급병실,7,0,0,0,1750000",
]
"""Three fine lines: ① 8,000, ② 18,660, ③ 0, ④ 1,850,000."""


@dataclass
class Case:
    """One file and what reading it must give."""

    name: str
    make: Callable[[], bytes]
    expect: dict[str, Any]
    """``{"lines": n, "sums": {...}, "persons": {...}, "categories": {...}, "notes": [...]}`` or
    ``{"error": {"row": r, "column": "...", "value": v, "expected": "...", "count": n}}``."""
    options: dict[str, Any] = field(default_factory=dict)
    committed: bool = True


def csv(*lines: str, encoding: str = "utf-8") -> Callable[[], bytes]:
    return lambda: ("\n".join(lines) + "\n").encode(encoding)


# --- XLSX written part by part ----------------------------------------------------------

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def col_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_xml(ref: str, value: Any) -> str:
    """One ``<c>``: str → inline string, int/float → number, ``("f", formula, cached)`` →
    formula (cached None: no ``<v>``), ``("e", "#N/A")`` → error, ``("d", serial)`` → a
    number in the date style, ``("raw", xml)`` → as given."""
    if value is None:
        return ""
    if isinstance(value, tuple):
        kind = value[0]
        if kind == "f":
            cached = "" if value[2] is None else f"<v>{value[2]}</v>"
            return f'<c r="{ref}"><f>{escape(value[1])}</f>{cached}</c>'
        if kind == "e":
            return f'<c r="{ref}" t="e"><v>{escape(value[1])}</v></c>'
        if kind == "d":
            return f'<c r="{ref}" s="1"><v>{value[1]}</v></c>'
        if kind == "raw":
            return str(value[1])
        if kind == "s":  # ("s", number, style index): a number in a style of its own
            return f'<c r="{ref}" s="{value[2]}"><v>{value[1]}</v></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    text = escape(str(value))
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def sheet_xml(
    rows: Sequence[Sequence[Any]],
    *,
    merges: Sequence[str] = (),
    dimension: str | None = None,
    prolog: str = "",
) -> str:
    body = []
    for i, row in enumerate(rows):
        cells = "".join(cell_xml(f"{col_letter(j)}{i + 1}", v) for j, v in enumerate(row))
        body.append(f'<row r="{i + 1}">{cells}</row>')
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    merged = (
        f'<mergeCells count="{len(merges)}">'
        + "".join(f'<mergeCell ref="{m}"/>' for m in merges)
        + "</mergeCells>"
        if merges
        else ""
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}'
        f"<worksheet {_NS} {_R}>{dim}<sheetData>{''.join(body)}</sheetData>{merged}</worksheet>"
    )


_STYLES = (
    f'<?xml version="1.0" encoding="UTF-8"?><styleSheet {_NS}><cellXfs count="2">'
    '<xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>'
)


def _styles(formats: Sequence[str]) -> str:
    """The two base styles (general, date), then one per custom number format."""
    if not formats:
        return _STYLES
    quoted = [escape(code, {'"': "&quot;"}) for code in formats]
    fmts = "".join(f'<numFmt numFmtId="{164 + k}" formatCode="{code}"/>'
                   for k, code in enumerate(quoted))  # fmt: skip
    xfs = "".join(f'<xf numFmtId="{164 + k}" applyNumberFormat="1"/>' for k in range(len(formats)))
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><styleSheet {_NS}>'
        f'<numFmts count="{len(formats)}">{fmts}</numFmts><cellXfs count="{2 + len(formats)}">'
        f'<xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/>{xfs}</cellXfs></styleSheet>'
    )


def xlsx(
    sheets: Sequence[tuple[str, str]],
    *,
    states: dict[str, str] | None = None,
    extra: dict[str, bytes] | None = None,
    formats: Sequence[str] = (),
) -> Callable[[], bytes]:
    """A workbook of ``(name, sheet XML)`` pairs; ``states`` marks sheets hidden;
    ``formats``: number formats of styles 2, 3 … (cells ``("s", number, 2)``)."""

    def make() -> bytes:
        states_ = states or {}
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            writestr = _fixed_time(zf)
            writestr(
                "[Content_Types].xml",
                '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
                '2006/content-types"/>',
            )
            writestr(
                "_rels/.rels",
                f'<?xml version="1.0"?><Relationships xmlns="{_REL[:-13]}package/2006/'
                f'relationships"><Relationship Id="rId1" Type="{_REL}/officeDocument" '
                'Target="xl/workbook.xml"/></Relationships>',
            )
            entries = "".join(
                f'<sheet name="{escape(name)}" sheetId="{i + 1}" r:id="rId{i + 1}"'
                + (f' state="{states_[name]}"' if name in states_ else "")
                + "/>"
                for i, (name, _) in enumerate(sheets)
            )
            writestr(
                "xl/workbook.xml",
                f'<?xml version="1.0"?><workbook {_NS} {_R}><sheets>{entries}</sheets></workbook>',
            )
            rels = "".join(
                f'<Relationship Id="rId{i + 1}" Type="{_REL}/worksheet" '
                f'Target="worksheets/sheet{i + 1}.xml"/>'
                for i in range(len(sheets))
            )
            rels += (
                f'<Relationship Id="rId{len(sheets) + 1}" Type="{_REL}/styles" '
                'Target="styles.xml"/>'
            )
            writestr(
                "xl/_rels/workbook.xml.rels",
                f'<?xml version="1.0"?><Relationships xmlns="{_REL[:-13]}package/2006/'
                f'relationships">{rels}</Relationships>',
            )
            writestr("xl/styles.xml", _styles(formats))
            for i, (_, xml) in enumerate(sheets):
                writestr(f"xl/worksheets/sheet{i + 1}.xml", xml)
            for name, data in (extra or {}).items():
                writestr(name, data)
        return buf.getvalue()

    return make


def _fixed_time(zf: zipfile.ZipFile) -> Callable[[str, str | bytes], None]:
    """``zf.writestr`` with a fixed date, so the same case gives the same bytes."""

    def writestr(name: str, data: str | bytes) -> None:
        info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
        info.compress_type = zf.compression
        zf.writestr(info, data)

    return writestr


ROWS: list[list[Any]] = [
    ["이름", "진료일자", "진료구분", "요양기관종류", "병원명", "항목", "입원일수", "본인부담금",
     "공단부담금", "전액본인부담", "비급여"],
    ["가나", ("d", 45356), "외래", "의원", "A의원", "도수치료", None, 5000, 11660, 0, 100000],
    ["가나", ("d", 45356), "약국", "약국", "B약국", None, None, 3000, 7000, 0, 0],
    ["다라", ("d", 45390), "입원", "상급종합병원", "C병원", "상급병실", 7, 0, 0, 0, 1750000],
]  # fmt: skip
SUMS = {"covered_copay": 8000, "nhis_paid": 18660, "full_copay": 0, "noncovered": 1_850_000}


def _sessions(n: int) -> list[list[Any]]:
    """A header and ``n`` 도수치료 sessions at one clinic, each on its own day."""
    rows: list[list[Any]] = [["이름", "진료일자", "진료구분", "요양기관종류", "병원명", "항목",
                              "본인부담금", "비급여"]]  # fmt: skip
    for k in range(n):
        rows.append(["가나", ("d", 45356 + 7 * k), "외래", "의원", "A의원",
                     "도수치료" if k == 0 else None, 2000, 100000])  # fmt: skip
    return rows


def _big_sheet(lines: int) -> str:
    row = "".join(cell_xml(f"{col_letter(j)}{{r}}", v) for j, v in enumerate(ROWS[1]))
    parts = [sheet_xml(ROWS[:1]).split("</sheetData>")[0]]
    parts.extend(f'<row r="{r}">{row.replace("{r}", str(r))}</row>' for r in range(2, lines + 2))
    return "".join(parts) + "</sheetData></worksheet>"


def _bomb() -> bytes:
    """A few hundred KB holding 276 MB of sheet XML (the limit is 128 MiB)."""
    head = sheet_xml(ROWS[:2]).split("</sheetData>")[0]
    filler = "<row/>" * 1_000_000  # 6 MB per chunk
    buf = io.BytesIO()
    base = xlsx([("진료비", sheet_xml(ROWS))])()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(
        buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9
    ) as dst:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(info, src.read(info))
        with dst.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            out.write(head.encode())
            for _ in range(46):  # 46 × 6 MB = 276 MB
                out.write(filler.encode())
            out.write(b"</sheetData></worksheet>")
    return buf.getvalue()


def _prefixed(xml: str) -> str:
    """The same sheet with every element in an ``x:`` prefix (some exporters write that)."""
    body = re.sub(r"<(/?)([A-Za-z]+)", r"<\1x:\2", xml.split("?>", 1)[1])
    return xml.split("?>", 1)[0] + "?>" + body.replace(' xmlns="', ' xmlns:x="', 1)


def _truncated() -> bytes:
    data = xlsx([("진료비", _big_sheet(300))])()
    return data[: len(data) // 2]


def _corrupt_member() -> bytes:
    data = bytearray(xlsx([("진료비", _big_sheet(300))])())
    start = data.find(b"xl/worksheets/sheet1.xml") + 200
    for k in range(start, start + 64):
        data[k] ^= 0x5A
    return bytes(data)


_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)


def _error(row: int | None, column: str | None, value: Any, expected: str, count: int = 1,
           **more: Any) -> dict[str, Any]:  # fmt: skip
    return {"error": {"row": row, "column": column, "value": value, "expected": expected,
                      "count": count, **more}}  # fmt: skip


def _read(lines: int, sums: dict[str, int] | None = None, **more: Any) -> dict[str, Any]:
    return {"lines": lines, "sums": sums or {}, **more}


CASES: list[Case] = [
    # --- CSV: numbers ------------------------------------------------------------------
    Case("unquoted_thousands_shifts_a_row.csv",
         csv(HEADER, LINES[0], "가나,2024-03-06,외래,의원,D의원,,,2,700,0,0,0", LINES[2]),
         _error(3, "H열", "2,700", "split into 2 fields")),
    Case("unquoted_thousands_last_field_blank.csv",
         csv(HEADER + ",비고", LINES[0] + ",", "가나,2024-03-06,외래,의원,D의원,,,2,700,0,0,0,"),
         _error(3, "H열", "2,700", "split into 2 fields")),
    Case("unquoted_millions.csv",
         csv(HEADER, LINES[0], "가나,2024-03-06,외래,의원,D의원,,,1,234,567,0,0,0", LINES[2]),
         _error(3, "H열 '본인부담금'", "1,234,567", "split into 3 fields")),
    Case("trailing_comma_on_every_line.csv",
         csv(HEADER, *(line + "," for line in LINES)), _read(3, SUMS)),
    Case("dot_thousands.csv",
         csv(HEADER, LINES[0], "가나,2024-03-06,외래,의원,D의원,,,12.000,0,0,0"),
         _error(3, "H열 '본인부담금'", "12.000", "thousands separator or a decimal point")),
    Case("superscript_in_amount.csv",
         csv(HEADER, "가나,2024-03-06,외래,의원,A의원,,,12²,0,0,0"),
         _error(2, "H열 '본인부담금'", "12²", "such as ² or ③")),
    Case("circled_digit_in_amount.csv",
         csv(HEADER, "가나,2024-03-06,외래,의원,A의원,,,③,0,0,0"),
         _error(2, "H열 '본인부담금'", "③", "such as ² or ③")),
    Case("fullwidth_digits.csv",
         csv(HEADER, '가나,2024-03-06,외래,의원,A의원,,,"１２，０００",0,0,0'),
         _read(1, {"covered_copay": 12_000})),
    Case("accounting_won_dash.csv",
         csv(HEADER, '가나,2024-03-06,외래,의원,A의원,,," ₩ 12,000 ",0," ₩ -   ", ₩ - '),
         _read(1, {"covered_copay": 12_000, "full_copay": 0, "noncovered": 0})),
    Case("blank_amounts_are_zero.csv",
         csv(HEADER, "가나,2024-03-06,외래,의원,A의원,,,5000,,,",
             "가나,2024-03-07,외래,의원,A의원,,,,,,3000"),
         _read(2, {"covered_copay": 5000, "noncovered": 3000},
               notes=["blank amount cells read as 0", "본인부담금 1칸", "비급여 1칸"])),
    Case("zero_width_space_in_headers.csv",
         csv("\u200b이름,진료일자\u200b,진료구분,요양기관종류,본인부담금,비급여\ufeff",
             "가나\u200b,2024-03-05,외래,의원,5000,0", "다라,2024-03-06,외래,의원,4000,0"),
         _read(2, {"covered_copay": 9000}, persons={"가나": 1, "다라": 1})),
    Case("nbsp_and_spaces.csv",
         csv(HEADER, '가나,2024-03-05,외래,의원,A의원,,,"\u00a05,000\u00a0원", 0 ,0,0'),
         _read(1, {"covered_copay": 5000})),
    # --- CSV: units ----------------------------------------------------------------------
    Case("unit_title_man.csv",
         csv("2024년 진료비 (단위: 만원)", "진료일자,진료구분,요양기관종류,본인부담금,비급여",
             "2024-03-05,외래,의원,0.5,10", "2024-03-06,외래,의원,1.2,0"),
         _read(2, {"covered_copay": 17_000, "noncovered": 100_000}, notes=["만원"])),
    Case("unit_note_cheon.csv",
         csv("진료비 내역,,,,", ",,,,단위: 천원",
             "진료일자,진료구분,요양기관종류,본인부담금,비급여", "2024-03-05,외래,의원,5,100"),
         _read(1, {"covered_copay": 5_000, "noncovered": 100_000}, notes=["천원"])),
    Case("unit_note_against_header.csv",
         csv("(단위: 만원)", "진료일자,진료구분,요양기관종류,본인부담금(원),비급여",
             "2024-03-05,외래,의원,5000,10"),
         _error(2, "D열 '본인부담금(원)'", None, "the units stated for it differ")),
    Case("unit_note_not_won.csv",
         csv("단위: 달러", "진료일자,진료구분,요양기관종류,본인부담금,비급여",
             "2024-03-05,외래,의원,5,1"),
         _error(1, "A열", "단위: 달러", "a unit in won")),
    Case("two_unit_notes.csv",
         csv("(단위: 만원)", "단위: 천원", "진료일자,진료구분,요양기관종류,본인부담금,비급여",
             "2024-03-05,외래,의원,5,1"),
         _error(None, None, None, "one unit note")),
    # --- CSV: blank continuation cells ---------------------------------------------------
    Case("name_on_first_line_only.csv",
         csv(HEADER, LINES[0], ",2024-03-06,외래,의원,A의원,,,5000,0,0,0",
             ",2024-03-07,외래,의원,A의원,,,5000,0,0,0"),
         _error(3, "A열 '이름'", None, "same as above", count=2)),
    Case("category_on_first_session_only.csv",
         csv(HEADER, LINES[0], "가나,2024-03-12,외래,의원,A의원,,,5000,0,0,100000",
             "가나,2024-03-19,외래,의원,A의원,,,5000,0,0,100000"),
         _error(3, "F열 '항목'", None, "same treatment or general care", count=2)),
    Case("general_care_written_blank.csv",
         csv(HEADER, "가나,2024-03-05,외래,의원,A의원,,,5000,0,0,0", LINES[0],
             "가나,2024-03-05,외래,의원,A의원,,,3000,0,0,0",
             "가나,2024-03-06,외래,의원,B의원,,,3000,0,0,0"),
         _read(4, {"covered_copay": 16_000}, categories={"": 3, "manual_therapy": 1})),
    Case("severe_on_first_line_only.csv",
         csv("이름,진료일자,진료구분,요양기관종류,병원명,본인부담금,비급여,산정특례",
             "가나,2024-03-05,외래,상급종합병원,C병원,5000,0,예",
             "가나,2024-04-05,외래,상급종합병원,C병원,5000,0,",
             "가나,2024-04-05,약국,약국,D약국,3000,0,"),
         _error(3, "H열 '산정특례'", None, "write 예 or 아니오 on every line")),
    Case("diagnosis_on_first_line_only.csv",
         csv("이름,진료일자,진료구분,요양기관종류,병원명,본인부담금,비급여,상병코드",
             "가나,2024-03-05,외래,의원,A의원,5000,0,F32.9",
             "가나,2024-03-12,외래,의원,A의원,5000,0,",
             "다라,2024-03-12,외래,의원,A의원,5000,0,"),
         _error(3, "H열 '상병코드'", None, "write the code on every line")),
    Case("no_names_at_all.csv",
         csv(HEADER, *(",".join(["", *line.split(",")[1:]]) for line in LINES)),
         _read(3, SUMS, persons={"본인": 3}, notes=["one person"])),
    Case("two_digit_year.csv",
         csv(HEADER, "가나,24.03.05,외래,의원,A의원,,,5000,0,0,0"),
         _error(2, "B열 '진료일자'", "24.03.05", "date")),
    Case("us_date.csv",
         csv(HEADER, "가나,03/05/2024,외래,의원,A의원,,,5000,0,0,0"),
         _error(2, "B열 '진료일자'", "03/05/2024", "date")),
    Case("cp949_with_title.csv",
         csv("영수증 모음", "", HEADER, *LINES, encoding="cp949"), _read(3, SUMS)),
    Case("control_characters_in_text.csv",
         csv(HEADER, "가나\x07,2024-03-05,외래,의원,A\0의원,,,1,0,0,0",
             "가나,2024-03-06,외래,의원,A의원,,,1,0,0,0"),
         _read(2, {"covered_copay": 2}, persons={"가나": 2})),
    Case("old_mac_line_endings.csv",
         lambda: ("\r".join([HEADER, *LINES]) + "\r").encode(), _read(3, SUMS)),
    Case("windows_line_endings_quoted.csv",
         lambda: ("\r\n".join([HEADER, *(line.replace(",5000,", ',"5,000",') for line in LINES)])
                  + "\r\n").encode("utf-8-sig"), _read(3, SUMS)),
    Case("too_wide.csv",
         csv(HEADER + "," + ",".join(f"메모{k}" for k in range(300)), LINES[0]),
         _error(1, None, None, "within 256 columns")),
    Case("unclosed_quote.csv", csv(HEADER, '가나,2024-03-05,외래,의원,"A의원,,,1,0,0,0'),
         _error(2, None, None, "well-formed CSV")),
    # --- XLSX --------------------------------------------------------------------------
    Case("clean.xlsx", xlsx([("진료비", sheet_xml(ROWS))]), _read(3, SUMS)),
    Case("stale_dimension.xlsx",
         xlsx([("진료비", sheet_xml(ROWS + [ROWS[1]] * 6, dimension="A1:K4"))]),
         _read(9, {"covered_copay": 38_000, "noncovered": 2_450_000})),
    Case("whole_grid_dimension.xlsx",
         xlsx([("진료비", sheet_xml(ROWS, dimension="A1:XFD1048576"))]), _read(3, SUMS)),
    Case("merged_name_block.xlsx",
         xlsx([("진료비", sheet_xml([ROWS[0], ROWS[1], [None, *ROWS[2][1:]], ROWS[3]],
                                    merges=["A2:A3"]))]),
         _read(3, SUMS, persons={"가나": 2, "다라": 1}, notes=["A2:A3"])),
    Case("merged_manual_therapy_over_ten_sessions.xlsx",
         xlsx([("진료비", sheet_xml(_sessions(10), merges=["F2:F11"]))]),
         _read(10, {"covered_copay": 20_000, "noncovered": 1_000_000},
               categories={"manual_therapy": 10}, notes=["F2:F11"])),
    Case("manual_therapy_on_first_session_only.xlsx",
         xlsx([("진료비", sheet_xml(_sessions(10)))]),
         _error(3, "F열 '항목'", None, "same treatment or general care", count=9)),
    Case("name_merged_past_the_lines.xlsx",
         xlsx([("진료비", sheet_xml([ROWS[0], ROWS[1], [None, *ROWS[2][1:]]],
                                    merges=["A2:A9"]))]),
         _read(2, {"covered_copay": 8000}, persons={"가나": 2})),
    Case("amount_merged_with_a_blank_row.xlsx",
         xlsx([("진료비", sheet_xml([*ROWS, [None] * 11, [""]], merges=["K4:K5"]))]),
         _read(3, SUMS)),
    Case("merged_amount.xlsx",
         xlsx([("진료비", sheet_xml(ROWS, merges=["K2:K3"]))]),
         _error(2, "K열 '비급여'", 100000, "K2:K3 is merged")),
    Case("two_row_header.xlsx",
         xlsx([("진료비", sheet_xml(
             [["진료일자", "진료구분", "요양기관종류", "금액", None],
              [None, None, None, "본인부담금", "비급여"],
              [("d", 45356), "외래", "의원", 5000, 20000]],
             merges=["A1:A2", "B1:B2", "C1:C2", "D1:E1"]))]),
         _read(1, {"covered_copay": 5000, "noncovered": 20000})),
    Case("formula_without_saved_value.xlsx",
         xlsx([("진료비", sheet_xml([*ROWS[:2], [*ROWS[2][:7], ("f", "H2*2", None), *ROWS[2][8:]],
                                     ROWS[3]]))]),
         _error(3, "H열 '본인부담금'", "=H2*2", "saved value")),
    Case("formula_with_saved_value.xlsx",
         xlsx([("진료비", sheet_xml([*ROWS[:2], [*ROWS[2][:7], ("f", "1000*3", 3000), *ROWS[2][8:]],
                                     ROWS[3]]))]),
         _read(3, SUMS)),
    Case("error_value.xlsx",
         xlsx([("진료비", sheet_xml([*ROWS[:2], [*ROWS[2][:10], ("e", "#N/A")], ROWS[3]]))]),
         _error(3, "K열 '비급여'", "#N/A", "not an Excel error")),
    Case("hidden_empty_first_sheet.xlsx",
         xlsx([("숨김", sheet_xml([["메모"]])), ("진료비", sheet_xml(ROWS))],
              states={"숨김": "hidden"}),
         _read(3, SUMS, notes=["'숨김' (숨김 hidden)"])),
    Case("data_on_hidden_sheet.xlsx",
         xlsx([("표지", sheet_xml([["2024년 진료비"]])), ("data", sheet_xml(ROWS))],
              states={"data": "veryHidden"}),
         _read(3, SUMS, notes=["hidden sheet 'data'", "'표지'"])),
    Case("two_years_two_sheets.xlsx",
         xlsx([("2024", sheet_xml(ROWS)), ("2023", sheet_xml(ROWS))]),
         _error(None, None, None, "'2024', '2023' each have one")),
    Case("two_years_one_asked.xlsx",
         xlsx([("2024", sheet_xml(ROWS)), ("2023", sheet_xml(ROWS[:2]))]),
         _read(1, {"covered_copay": 5000}), options={"sheet": "2023"}),
    Case("unit_in_merged_title.xlsx",
         xlsx([("진료비", sheet_xml(
             [["진료비 내역 (단위: 천원)", None, None, None, None],
              ["진료일자", "진료구분", "요양기관종류", "본인부담금", "비급여"],
              [("d", 45356), "외래", "의원", 5, 120]], merges=["A1:E1"]))]),
         _read(1, {"covered_copay": 5000, "noncovered": 120_000}, notes=["천원"])),
    Case("prefixed_namespace.xlsx",
         xlsx([("진료비", _prefixed(sheet_xml(ROWS)))]), _read(3, SUMS)),
    Case("far_away_cell.xlsx",
         xlsx([("진료비", sheet_xml(ROWS).replace(
             "</sheetData>",
             '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'))]),
         _error(1048576, "XFD열", None, "256 columns")),
    Case("entity_bomb.xlsx",
         xlsx([("진료비", sheet_xml(ROWS, prolog=_LAUGHS))]),
         _error(None, None, None, "DOCTYPE")),
    Case("broken_xml.xlsx",
         xlsx([("진료비", sheet_xml(ROWS).replace("</row>", "", 1))]),
         _error(None, None, None, "well-formed XML")),
    Case("truncated.xlsx", _truncated, _error(None, None, None, "intact XLSX")),
    Case("corrupt_member.xlsx", _corrupt_member, _error(None, None, None, "intact XLSX")),
    Case("not_a_workbook.xlsx", lambda: zipfile_bytes({"mimetype": b"application/ods"}),
         _error(None, None, None, "no xl/workbook.xml")),
    Case("bad_shared_string_index.xlsx",
         xlsx([("진료비", sheet_xml(ROWS).replace(
             '<c r="A2" t="inlineStr"><is><t xml:space="preserve">가나</t></is></c>',
             '<c r="A2" t="s"><v>99</v></c>'))]),
         _error(2, "A열", None, "shared-string index")),
    Case("hidden_and_filtered_rows.xlsx",
         xlsx([("진료비", sheet_xml(ROWS).replace('<row r="3">', '<row r="3" hidden="1">'))]),
         _error(3, None, None, "a row that is not hidden")),
    Case("hidden_rows_read_as_asked.xlsx",
         xlsx([("진료비", sheet_xml(ROWS).replace('<row r="3">', '<row r="3" hidden="1">'))]),
         _read(3, SUMS, notes=["hidden or filtered-out rows were read too, as asked): 3"]),
         options={"hidden_rows": "read"}),
    Case("hidden_rows_skipped_as_asked.xlsx",
         xlsx([("진료비", sheet_xml(ROWS).replace('<row r="3">', '<row r="3" hidden="1">'))]),
         _read(2, {"covered_copay": 5000}, notes=["left out, as asked): 3"]),
         options={"hidden_rows": "skip"}),
    Case("hidden_amount_column.xlsx",
         xlsx([("진료비", sheet_xml(ROWS).replace(
             "<sheetData>", '<cols><col min="11" max="11" hidden="1"/></cols><sheetData>'))]),
         _read(3, SUMS, notes=["hidden columns were read too): K열 '비급여'"])),
    Case("cell_written_twice.xlsx",
         xlsx([("진료비", sheet_xml(ROWS).replace(
             '<c r="H2"><v>5000</v></c>', '<c r="H2"><v>5000</v></c><c r="H2"><v>9</v></c>'))]),
         _error(2, "H열", None, "written twice")),
    Case("unit_sentence.csv",
         csv("※ 금액 단위는 천원입니다", "진료일자,진료구분,요양기관종류,본인부담금,비급여",
             "2024-03-05,외래,의원,5,100"),
         _read(1, {"covered_copay": 5_000, "noncovered": 100_000}, notes=["천원"])),
    Case("huge_cell.csv",
         csv(HEADER, "가나," + "9" * 100_000 + ",외래,의원,A의원,,,5000,0,0,0"),
         _error(2, "B열 '진료일자'", "9" * 200 + "…", "date")),
    Case("zip_bomb.xlsx", _bomb, _error(None, None, None, "128 MiB"), committed=False),
]  # fmt: skip


# --- units said in the ways people say them (each read exactly, or refused at its cell) ---
H5 = "진료일자,진료구분,요양기관종류,{},{}"
"""A five-column header; the two amount headers filled in per case."""
L5 = "2024-03-05,외래,의원,15,50"
"""One line meant as ① 15,000원, ④ 50,000원 when the unit is 천원."""
THOUSANDS = {"covered_copay": 15_000, "noncovered": 50_000}
CHEON = ("본인부담금(천원)", "비급여(천원)")
IN_CHEON = {"covered_copay": "천원", "noncovered": "천원"}
DATE_HEAD = ["진료일자", "진료구분", "요양기관종류", "본인부담금", "비급여"]
_HEADER_UNITS = [("천", "cheon"), ("千원", "cjk_cheonwon"), ("千", "cjk_cheon"),
                 ("1000원", "1000won"), ("1,000원", "1comma000won"), ("'000", "apostrophe000"),
                 ("₩1,000", "won_sign_1000"), ("단위: 천원", "danwi_cheonwon"),
                 ("KRW thousand", "krw_thousand")]  # fmt: skip
_TITLES = [("2024년 진료비 내역(천원)", "title_bracket"), ("※ 천원 단위", "reference_mark"),
           ("천원단위", "no_space"), ("(천원 단위)", "bracket_danwi_after"),
           ("금액: 천원", "amount_colon"), ("(in thousand won)", "english"),
           ("금액은 천원 단위임", "sentence"), ("단위=천원", "equals"),
           ("단위 : 千원", "cjk_after_danwi")]  # fmt: skip


def _fmt_sheet(fmt_style: int, values: tuple[int, int], title: str | None = None,
               header: tuple[str, str] = ("본인부담금", "비급여")) -> str:  # fmt: skip
    """One line whose two amounts are in style ``fmt_style`` (a number format)."""
    rows: list[list[Any]] = [[title]] if title else []
    rows.append(["진료일자", "진료구분", "요양기관종류", *header])
    rows.append(["2024-03-05", "외래", "의원", *(("s", v, fmt_style) for v in values)])
    return sheet_xml(rows)


def _total_case(label: str, slug: str, where: str) -> Case:
    """A subtotal row that copies the day's fields, its label in 이름 or 병원명."""
    person, place = (label, "A의원") if where == "person" else ("가나", label)
    return Case(f"total_row_{where}_{slug}.csv",
                csv("이름,진료일자,진료구분,요양기관종류,병원명,본인부담금,비급여",
                    "가나,2024-03-05,외래,의원,A의원,5000,0",
                    "가나,2024-03-06,외래,의원,A의원,6000,0",
                    f"{person},2024-03-06,외래,의원,{place},11000,0"),
                _error(4, "병원명" if where == "institution" else "이름", label,
                       "a total or subtotal row"))  # fmt: skip


CASES += [
    *(Case(f"header_unit_{slug}.csv", csv(H5.format(f'"본인부담금({u})"', f'"비급여({u})"'), L5),
           _read(1, THOUSANDS, units=IN_CHEON)) for u, slug in _HEADER_UNITS),
    Case("header_unit_man_short.csv", csv(H5.format("본인부담금(만)", "비급여(만)"), L5),
         _read(1, {"covered_copay": 150_000, "noncovered": 500_000},
               units={"covered_copay": "만원", "noncovered": "만원"})),
    Case("header_unit_suffix_underscore.csv", csv(H5.format("본인부담금_천원", "비급여_천원"), L5),
         _read(1, THOUSANDS, units=IN_CHEON)),
    Case("header_unit_k_refused.csv", csv(H5.format("본인부담금(K)", "비급여(K)"), L5),
         _error(1, "D열 '본인부담금(K)'", "본인부담금(K)", "looks like a unit", count=2)),
    Case("header_unit_with_vat_refused.csv",
         csv(H5.format("본인부담금(천원/VAT)", "비급여"), L5),
         _error(1, "D열 '본인부담금(천원/VAT)'", None, "looks like a unit")),
    Case("header_unit_on_one_column_only.csv", csv(H5.format("본인부담금(천원)", "비급여"), L5),
         _error(1, "E열 '비급여'", None, "names no unit")),
    Case("unit_on_a_column_not_read.csv",
         csv(H5.format("본인부담금", "비급여") + ",합계(천원)", "2024-03-05,외래,의원,15,50,65"),
         _error(1, "D열 '본인부담금'", None, "F열 '합계(천원)' is in 천원", count=2)),
    Case("total_column_adds_up.csv",
         csv("진료일자,진료구분,요양기관종류,진료비총액,공단부담금,본인부담금,비급여",
             "2024-03-05,외래,의원,45000,12000,13000,20000"),
         _read(1, {"covered_copay": 13_000, "noncovered": 20_000})),
    Case("total_column_says_copay_includes_noncovered.csv",
         csv("진료일자,진료구분,요양기관종류,진료비총액,공단부담금,본인부담금,비급여",
             "2024-03-05,외래,의원,45000,12000,33000,20000"),
         _error(2, "D열 '진료비총액'", "45000", "does 본인부담금 include 비급여")),
    Case("header_note_noncovered_included.csv",
         csv(H5.format("본인부담금(비급여 포함)", "비급여"), "2024-03-05,외래,의원,70000,50000"),
         _error(1, "D열 '본인부담금(비급여 포함)'", None, "may mean this column holds")),
    Case("header_note_sum_of_columns.csv",
         csv(H5.format("본인부담금(①+④)", "비급여"), "2024-03-05,외래,의원,70000,50000"),
         _error(1, "D열 '본인부담금(①+④)'", None, "may mean this column holds")),
    Case("header_note_harmless.csv",
         csv("진료일자,진료구분,요양기관종류,본인부담금(급여),비급여(본인부담),상한액초과금(환급대상)",
             "2024-03-05,외래,의원,5000,7000,0"),
         _read(1, {"covered_copay": 5000, "noncovered": 7000})),
    *(Case(f"title_unit_{slug}.csv", csv(title, H5.format("본인부담금", "비급여"), L5),
           _read(1, THOUSANDS, notes=["천원"])) for title, slug in _TITLES),
    Case("title_unit_unreadable.csv",
         csv("진료비 (단위: 천원/부가세 별도)", H5.format("본인부담금", "비급여"), L5),
         _error(1, "A열", None, "a unit in won that can be read")),
    Case("title_unit_k_refused.csv", csv("진료비 (K)", H5.format("본인부담금", "비급여"), L5),
         _error(1, "A열", "진료비 (K)", "a unit in won that can be read")),
    Case("group_cell_unit.xlsx",
         xlsx([("진료비", sheet_xml(
             [["진료일자", "진료구분", "요양기관종류", "금액 (단위: 천원)", None],
              [None, None, None, "본인부담금", "비급여"], ["2024-03-05", "외래", "의원", 15, 50]],
             merges=["A1:A2", "B1:B2", "C1:C2", "D1:E1"]))]),
         _read(1, THOUSANDS, units=IN_CHEON)),
    Case("group_cell_unit_against_header.xlsx",
         xlsx([("진료비", sheet_xml(
             [["진료일자", "진료구분", "요양기관종류", "금액 (단위: 천원)", None],
              [None, None, None, "본인부담금(원)", "비급여(원)"],
              ["2024-03-05", "외래", "의원", 15000, 50000]],
             merges=["A1:A2", "B1:B2", "C1:C2", "D1:E1"]))]),
         _error(1, "D열", None, "the units stated for it differ", count=2)),
    Case("unit_row_under_header.xlsx",
         xlsx([("진료비", sheet_xml([DATE_HEAD, [None, None, None, "(천원)", "(천원)"],
                                     ["2024-03-05", "외래", "의원", 15, 50]]))]),
         _read(1, THOUSANDS, units=IN_CHEON)),
    Case("unit_note_under_the_table.csv",
         csv(H5.format("본인부담금", "비급여"), L5, ",,,,", "※ 금액 단위: 천원,,,,"),
         _read(1, THOUSANDS, notes=["A4 칸의 '천원'"])),
    Case("unreadable_unit_note_under_the_table.csv",
         csv(H5.format("본인부담금", "비급여"), L5, "※ 단위: 천원(VAT 별도),,,,"),
         _error(3, "A열", None, "a unit in won that can be read")),
    Case("group_cell_unit_unreadable_said_once.xlsx",
         xlsx([("진료비", sheet_xml(
             [["진료일자", "진료구분", "요양기관종류", "금액(K)", None],
              [None, None, None, "본인부담금", "비급여"], ["2024-03-05", "외래", "의원", 15, 50]],
             merges=["A1:A2", "B1:B2", "C1:C2", "D1:E1"]))]),
         _error(1, "D열", "금액(K)", "a unit in won that can be read")),
    Case("number_format_cheonwon.xlsx",
         xlsx([("진료비", _fmt_sheet(2, (15, 50)))], formats=['#,##0"천원"']),
         _read(1, THOUSANDS, units={"covered_copay": '천원 (숫자 서식 #,##0"천원"'})),
    Case("number_format_manwon.xlsx",
         xlsx([("진료비", _fmt_sheet(2, (15, 50)))], formats=['0"만원"']),
         _read(1, {"covered_copay": 150_000, "noncovered": 500_000})),
    Case("number_format_cheonwon_and_header_cheonwon.xlsx",
         xlsx([("진료비", _fmt_sheet(2, (15, 50), header=("본인부담금(천원)", "비급여(천원)")))],
              formats=['#,##0"천원"']),
         _read(1, THOUSANDS)),
    Case("number_format_won_against_header.xlsx",
         xlsx([("진료비", _fmt_sheet(2, (15000, 50000), header=CHEON))],
              formats=['#,##0"원"']),
         _error(2, "D열", 15000, "shows 원", count=2)),
    Case("number_format_scaled_with_note.xlsx",
         xlsx([("진료비", _fmt_sheet(2, (15000, 50000), title="2024년 진료비 (단위: 천원)"))],
              formats=["#,##0,"]),
         _read(1, THOUSANDS, notes=["A1 칸의 '천원'"],
               units={"noncovered": "the cells hold won"})),
    Case("number_format_scaled_with_header_unit.xlsx",
         xlsx([("진료비", _fmt_sheet(2, (15500, 50000), header=CHEON))],
              formats=["#,##0,"]),
         _read(1, {"covered_copay": 15_500, "noncovered": 50_000})),
    Case("number_format_scaled_and_shown_cheonwon.xlsx",
         xlsx([("진료비", _fmt_sheet(2, (15000, 50000)))], formats=['#,##0,"천원"']),
         _read(1, THOUSANDS)),
    Case("number_format_scaled_hides_a_small_value.xlsx",
         xlsx([("진료비", _fmt_sheet(2, (15, 50000), title="(단위: 천원)"))], formats=["#,##0,"]),
         _error(3, "D열", 15, "this cell shows 0")),
    Case("number_format_scaled_without_unit.xlsx",
         xlsx([("진료비", _fmt_sheet(2, (15000, 50000)))], formats=["#,##0,"]),
         _error(2, "D열", 15000, "no unit is stated", count=2)),
    Case("number_format_scaled_against_manwon.xlsx",
         xlsx([("진료비", _fmt_sheet(2, (15000, 50000), title="(단위: 만원)"))],
              formats=["#,##0,"]),
         _error(3, "D열", 15000, "the column's unit is 만원", count=2)),
    Case("number_format_won_sign.xlsx",
         xlsx([("진료비", _fmt_sheet(2, (15000, 50000)))], formats=["[$₩-412]#,##0"]),
         _read(1, THOUSANDS)),
    Case("number_format_won_sign_under_cheonwon_note.xlsx",
         xlsx([("진료비", _fmt_sheet(2, (15, 50), title="(단위: 천원)"))],
              formats=["_-[$₩-412]* #,##0_-;-[$₩-412]* #,##0_-"]),
         _error(3, "D열", 15, "shows 원", count=2)),
    Case("amounts_typed_in_cheonwon.csv",
         csv(H5.format("본인부담금", "비급여"), "2024-03-05,외래,의원,15천원,3만5천원",
             "2024-03-06,외래,의원,1.5천원,15千원"),
         _read(2, {"covered_copay": 16_500, "noncovered": 50_000})),
    Case("won_sign_text_under_cheonwon_header.csv",
         csv(H5.format("본인부담금(천원)", "비급여(천원)"), '2024-03-05,외래,의원,"₩15,000",50'),
         _error(2, "D열", "₩15,000", "do not mix units")),
    # --- total rows, day numbers, kinds of institution, counts ------------------------------
    *(_total_case(label, slug, where)
      for label, slug in [("가나 합계", "name_total"), ("3월 소계", "month_subtotal"),
                          ("합계(3월)", "total_bracket"), ("** 합계 **", "stars"),
                          ("가나 요약", "excel_subtotal"), ("A의원 소계", "clinic_subtotal"),
                          ("합계금액", "total_amount")]
      for where in ("person", "institution")),
    Case("general_hospital_name_is_not_a_total.csv",
         csv("이름,진료일자,진료구분,요양기관종류,병원명,본인부담금,비급여",
             "가나,2024-03-05,외래,종합병원,세계종합병원,5000,0"),
         _read(1, {"covered_copay": 5000})),
    Case("day_numbers_in_date_column.xlsx",
         xlsx([("2024년 3월", sheet_xml([["일자", *DATE_HEAD[1:]],
                                         [5, "외래", "의원", 5000, 0],
                                         [12, "외래", "의원", 5000, 0]]))]),
         _error(2, "A열 '일자'", 5, "a day of the month alone is not a date", count=2)),
    Case("date_serial_in_general_cell.xlsx",
         xlsx([("진료비", sheet_xml([DATE_HEAD,
                                     [45356, "외래", "의원", 5000, 0]]))]),
         _read(1, {"covered_copay": 5000})),
    Case("oriental_and_dental_clinics_carry_their_kind.csv",
         csv("진료일자,진료구분,요양기관종류,항목,본인부담금,비급여",
             "2024-03-05,외래,한의원,,5000,200000", "2024-03-06,외래,치과의원,,4000,300000",
             "2024-03-07,외래,치과병원,치과,3000,100000", "2024-03-08,외래,의원,일반,2000,0"),
         _read(4, {"noncovered": 600_000},
               categories={"dental": 2, "oriental": 1, "": 1}, notes=["한방", "치과"])),
    Case("oriental_clinic_without_category_column.csv",
         csv(H5.format("본인부담금", "비급여"), "2024-03-05,외래,한의원,5000,200000"),
         _read(1, {"noncovered": 200_000}, categories={"oriental": 1})),
    Case("dental_clinic_with_manual_therapy.csv",
         csv("진료일자,진료구분,요양기관종류,항목,본인부담금,비급여",
             "2024-03-05,외래,치과의원,도수치료,5000,200000"),
         _error(2, "D열 '항목'", "도수치료", "says a 치과 institution")),
    Case("oriental_hospital_needs_its_category.csv",
         csv("진료일자,진료구분,요양기관종류,항목,본인부담금,비급여",
             "2024-03-05,외래,한방병원,,5000,150000", "2024-03-06,외래,한방병원,일반,5000,150000"),
         _error(2, "D열 '항목'", None, "a 의사 department's care")),
    Case("university_hospital_is_unclear.csv",
         csv(H5.format("본인부담금", "비급여"), "2024-03-05,외래,대학병원,20000,0"),
         _error(2, "C열 '요양기관종류'", "대학병원", "상급종합병원 또는 종합병원")),
    Case("count_column_above_one.csv",
         csv("진료일자,진료구분,요양기관종류,항목,횟수,본인부담금,비급여",
             "2024-03-31,외래,의원,도수치료,10,0,800000"),
         _error(2, "E열 '횟수'", "10", "one session per line")),
    Case("count_column_of_ones.csv",
         csv("진료일자,진료구분,요양기관종류,항목,횟수,본인부담금,비급여",
             "2024-03-05,외래,의원,도수치료,1,0,80000"),
         _read(1, {"noncovered": 80_000}, notes=["count column"])),
]  # fmt: skip


# --- second review: plain files refused, total labels in columns not read -------------------
def _name_case(name: str, slug: str) -> Case:
    """A clinic or pharmacy whose name holds a total word inside a longer word: read."""
    return Case(f"name_not_a_total_{slug}.csv",
                csv("이름,진료일자,진료구분,요양기관종류,병원명,본인부담금,비급여",
                    f"가나,2024-03-05,처방조제,약국,{name},5000,0"
                    if name.endswith("약국") else f"가나,2024-03-05,외래,의원,{name},5000,0"),
                _read(1, {"covered_copay": 5000}))  # fmt: skip


CASES += [
    *(_total_case(label, slug, where)
      for label, slug in [("가나 소 계", "spaced"), ("Sub-total", "english")]
      for where in ("person", "institution")),
    *(_name_case(name, slug)
      for name, slug in [("토요약국", "saturday_pharmacy"), ("풍요약국", "plenty_pharmacy"),
                         ("소계동의원", "sogye_dong"), ("종합 계양의원", "gyeyang"),
                         ("계명대병원", "keimyung")]),
    Case("total_row_labelled_in_number_column.csv",
         csv("번호,이름,진료일자,진료구분,요양기관종류,병원명,본인부담금,비급여",
             "1,가나,2024-03-05,외래,의원,A의원,20000,50000",
             "2,가나,2024-03-06,외래,의원,A의원,20000,50000",
             "합계,가나,2024-03-06,외래,의원,A의원,40000,100000"),
         _error(4, "A열 '번호'", "합계", "a total or subtotal row")),
    Case("total_row_labelled_in_remarks_column.csv",
         csv("이름,진료일자,진료구분,요양기관종류,병원명,본인부담금,비급여,비고",
             "가나,2024-03-05,외래,의원,A의원,20000,50000,",
             "가나,2024-03-06,외래,의원,A의원,20000,50000,재진",
             "가나,2024-03-06,외래,의원,A의원,40000,100000,3월 소계"),
         _error(4, "H열 '비고'", "3월 소계", "a total or subtotal row")),
    *(Case(f"title_not_a_unit_{slug}.csv", csv(title, H5.format("본인부담금", "비급여"), L5),
           _read(1, {"covered_copay": 15, "noncovered": 50}))
      for title, slug in [('"※ 10원 미만 절사"', "rounding"), ("총 진료비 합계: 65원", "total"),
                          ("Receipts of Kim Ji-won", "romanised_name"),
                          ("진료비 내역 (VAT 없음)", "vat")]),
    *(Case(f"title_unit_{slug}.csv", csv(title, H5.format("본인부담금", "비급여"), L5),
           _read(1, THOUSANDS, notes=["천원"]))
      for title, slug in [("단위(천원)", "danwi_bracket"), ("금액단위(천원)", "amount_danwi"),
                          ("◎단위:천원", "bullet"), ("■단위:천원", "square_bullet"),
                          ("▶ 단위: 천원", "arrow_bullet")]),
    Case("rounding_note_under_the_table.csv",
         csv(H5.format("본인부담금", "비급여"), "2024-03-05,외래,의원,15000,50000",
             '"※ 1,000원 미만 절사",,,,'),
         _read(1, {"covered_copay": 15_000}, notes=["note rows under the table", "A3"])),
    *(Case(f"header_note_receipt_form_{slug}.csv",
           csv(f"진료일자,진료구분,요양기관종류,{copay},{nhis},{noncovered}",
               "2024-03-05,외래,의원,15000,30000,50000"),
           _read(1, {"covered_copay": 15_000, "nhis_paid": 30_000, "noncovered": 50_000}))
      for copay, nhis, noncovered, slug in [
          ("본인부담금", "공단부담금", "비급여(선택진료료 이외)", "before_2018"),
          ("본인부담금", "공단부담금", "④비급여(선택진료료이외)", "before_2018_circled"),
          ("본인부담금(본인일부부담)", "공단부담금(일부본인부담)", "비급여(전액본인)", "groups"),
          ("본인부담금(일부)", "공단부담금(공단부담분)", "비급여(본인)", "short")]),
    Case("day_numbers_in_date_formatted_cells.xlsx",
         xlsx([("2024년 3월", sheet_xml([["일자", *DATE_HEAD[1:]],
                                         [("d", 5), "외래", "의원", 5000, 0],
                                         [("d", 12), "외래", "의원", 5000, 0]]))]),
         _error(2, "A열 '일자'", None, "a day of the month alone in a date-formatted cell",
                count=2)),
    Case("count_column_says_once_in_words.csv",
         csv("진료일자,진료구분,요양기관종류,항목,횟수,본인부담금,비급여",
             "2024-03-05,외래,의원,도수치료,1회,0,80000",
             "2024-03-06,외래,의원,도수치료,1번,0,80000",
             "2024-03-07,외래,의원,도수치료,1.0,0,80000",
             "2024-03-08,외래,의원,도수치료,-,0,80000"),
         _read(4, {"noncovered": 320_000}, notes=["count column"])),
    Case("count_column_twice_in_words.csv",
         csv("진료일자,진료구분,요양기관종류,항목,횟수,본인부담금,비급여",
             "2024-03-05,외래,의원,도수치료,2회,0,160000"),
         _error(2, "E열 '횟수'", "2회", "one session per line")),
    Case("count_column_not_a_count.csv",
         csv("진료일자,진료구분,요양기관종류,항목,횟수,본인부담금,비급여",
             "2024-03-05,외래,의원,도수치료,한번,0,80000"),
         _error(2, "E열 '횟수'", "한번", "a number of sessions")),
    Case("header_note_refused_says_rename.csv",
         csv(H5.format("본인부담금(할인 후)", "비급여"), "2024-03-05,외래,의원,15000,50000"),
         _error(1, "D열 '본인부담금(할인 후)'", None, "rename the header to '본인부담금'")),
]  # fmt: skip


def zipfile_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        writestr = _fixed_time(zf)
        for name, data in members.items():
            writestr(name, data)
    return buf.getvalue()


def write(folder: Path, *, committed_only: bool = True) -> dict[str, Any]:
    """Write the files (the committed ones, or all) and ``expected.json``; return it."""
    folder.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, Any] = {}
    for case in CASES:
        if committed_only and not case.committed:
            continue
        data = case.make()
        assert not case.committed or len(data) <= COMMITTED_BYTES, case.name
        (folder / case.name).write_bytes(data)
        manifest[case.name] = {**case.expect, "options": case.options}
    (folder / "expected.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n", "utf-8"
    )
    return manifest


if __name__ == "__main__":
    write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "files")
