"""Receipt lines (진료비 영수증 내역): read, validated once, with the row a person sees.

``read_receipts(path)`` accepts what people actually have: a CSV typed in Excel and saved as
UTF-8, UTF-8 with BOM or cp949/EUC-KR (detected, or named with ``encoding=``), or an XLSX
workbook (the one sheet with a receipt table, or ``sheet=``). Korean or English headers are
mapped onto the canonical columns of ``silson_tools.schema`` through
``data/header_aliases.toml`` (the mapping is data: add a header or a value there). Amounts
go through the one amount check of :mod:`silson_tools.money` (``12,000``, ``12,000원``,
``1.5만원``; whole won from 0 to ``MAX_LINE_WON``); dates may be ``2024-03-05``,
``2024.03.05``, ``2024/3/5``, ``20240305``, ``2024년 3월 5일`` or Excel dates (date cells or
day serial numbers).

Every problem is collected and raised together as one :class:`ReceiptError` (a
``ValueError``) whose ``.problems`` list names, for each one, the file, the row number as
the spreadsheet shows it (the header is row 1 when it is the first line), the column letter
and the header the person wrote, the value, and what was expected. Blank lines are skipped
and listed in the result's ``attrs["source"]``; unknown columns are ignored and listed there
too; what was decided while reading (units, merged cells, blank amounts read as 0, other
sheets) is in its ``notes``. Nothing is dropped silently. The file is only ever opened for
reading, with limits on size, rows and columns (``grid.py``, ``xlsx.py``). How merged,
blank and unit cells are read: ``table.py``.

The result is a :class:`ReceiptLines`: a DataFrame with one row per receipt line, indexed by
its spreadsheet row number (index name ``row``), with the columns of
``schema.CANONICAL_COLUMNS``. A DataFrame built in code gets the same checks through
:meth:`ReceiptLines.from_frame` or :func:`as_receipt_lines`.

Modules: ``grid`` (file → cells with row numbers; ``xlsx`` streams workbooks), ``table``
(header, merged and blank cells → raw columns), ``units``/``unitnotes`` (money units in
headers, notes and number formats), ``kinds`` (치과·한방 institutions, 횟수 columns, hidden
rows), ``header`` (alias mapping), ``cells``
(one cell's amount, date, days or choice), ``departments`` (진료과 cells as names),
``validate`` (columns → canonical columns, cross checks, problem list), ``lines``
(:class:`ReceiptLines`), ``load`` (``read_receipts``).
"""

from __future__ import annotations

from ..errors import ReceiptError, ReceiptProblem
from ..schema import COLUMN_LABELS
from .header import Aliases, load_aliases, normalize
from .lines import FRAME_POSITION_SOURCE, FRAME_SOURCE, ReceiptLines, as_receipt_lines
from .load import read_receipts

__all__ = [
    "COLUMN_LABELS",
    "FRAME_POSITION_SOURCE",
    "FRAME_SOURCE",
    "Aliases",
    "ReceiptError",
    "ReceiptLines",
    "ReceiptProblem",
    "as_receipt_lines",
    "load_aliases",
    "normalize",
    "read_receipts",
]
