"""What the loader read, as a table a person checks before the figures (``silson check``,
the report's first table, the notebook's validation table)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from ..money import format_won
from ..receipts import ReceiptLines
from ..schema import CANONICAL_COLUMNS, COLUMN_LABELS, OPTIONAL_COLUMNS, SETTINGS, WON_COLUMNS
from .notes import TOP_PEOPLE

__all__ = ["validation_summary"]


def _default_shown(value: object) -> str:
    """A missing column's default as a person reads it: 0, 빈칸 (blank), 아니오 (no)."""
    if value is False:
        return "아니오 (no)"
    if value == "":
        return "빈칸 (blank)"
    return f"{value:,}" if isinstance(value, int) else str(value)


def validation_summary(receipts: pd.DataFrame) -> pd.DataFrame:
    """What the loader read: file, format, header row, column mapping, skipped rows, totals.

    Two columns, ``항목 (item)`` and ``내용 (value)``, one row per fact (text, for display).
    """
    source: Mapping[str, Any] = receipts.attrs.get("source", {})
    rows: list[tuple[str, str]] = []
    if source:
        kind = source.get("format", "")
        if kind == "DataFrame":
            rows.append(("표 (table)", str(source.get("file"))))  # says what its rows are
        else:
            detail = source.get("encoding") or (f"시트 {source.get('sheet')!r}" if kind else "")
            name = Path(str(source.get("file", ""))).name
            rows.append(("파일 (file)", f"{name} ({kind}, {detail})"))
            rows.append(("머리글 줄 (header row)", str(source.get("header_row"))))
        mapped = source.get("columns", {})
        rows.append(
            (
                "읽은 열 (columns read)",
                ", ".join(f"{h} → {COLUMN_LABELS.get(c, c)}" for c, h in mapped.items()),
            )
        )
        if units := source.get("units"):  # canonical column → its unit (만원, 천원 …)
            shown = ", ".join(f"{mapped.get(c, c)}: {u}" for c, u in dict(units).items())
            rows.append(("단위가 있는 열 (columns with a unit)", shown))
        noted = "읽으며 정한 것 (noted while reading)"  # merged cells, blank amounts, sheets …
        rows.extend((noted, str(n)) for n in source.get("notes", []))
        defaulted = [
            f"{COLUMN_LABELS[c]} = {_default_shown(OPTIONAL_COLUMNS[c])}"
            for c in source.get("defaulted", [])
        ]
        rows.append(("없어서 기본값을 쓴 열 (defaulted)", ", ".join(defaulted) or "없음 (none)"))
        ignored = source.get("ignored_columns", [])
        rows.append(("읽지 않은 열 (ignored)", ", ".join(map(str, ignored)) or "없음 (none)"))
        if kind != "DataFrame":
            blank = source.get("blank_rows", [])
            listed = f"{len(blank)}줄: {', '.join(map(str, blank[:20]))}"
            rows.append(("건너뛴 빈 줄 (blank rows skipped)", listed if blank else "없음 (none)"))
        if source.get("person"):
            rows.append(("선택한 사람 (person)", str(source["person"])))
    rows.append(("영수증 줄 (lines)", f"{len(receipts):,}"))
    if len(receipts):
        dates = receipts["date"]
        rows.append(("기간 (dates)", f"{dates.min():%Y-%m-%d} – {dates.max():%Y-%m-%d}"))
        counts = receipts["person"].value_counts(sort=False)
        shown = ", ".join(f"{p} {n:,}" for p, n in counts.iloc[:TOP_PEOPLE].items())
        if len(counts) > TOP_PEOPLE:
            rest = counts.iloc[TOP_PEOPLE:]
            shown += f", 그 외 {len(rest):,}명 {int(rest.sum()):,} (others)"
        rows.append(("사람 (people)", f"{len(counts):,}명"))
        rows.append(("사람별 줄 (lines per person)", shown))
        counts = receipts["setting"].value_counts(sort=False)
        rows.append(
            (
                "진료구분별 줄 (lines per setting)",
                ", ".join(f"{SETTINGS.get(s, s)} {n:,}" for s, n in counts.items()),
            )
        )
        for column in WON_COLUMNS:
            rows.append(
                (
                    f"합계 {COLUMN_LABELS[column]}",
                    format_won(int(receipts[column].sum()), unit="won"),
                )
            )
        if same := _repeated_lines(receipts):
            rows.append(("똑같은 줄 (identical lines)", same))
    return pd.DataFrame(rows, columns=["항목 (item)", "내용 (value)"])


def _repeated_lines(receipts: pd.DataFrame) -> str:
    """Lines identical in every canonical column to an earlier one (a receipt typed twice?),
    named by the row a person sees; "" when there are none. They are assessed as given."""
    columns = [c for c in CANONICAL_COLUMNS if c in receipts.columns]
    again = receipts.duplicated(subset=columns, keep="first").to_numpy()
    if not again.any():
        return ""
    shown = receipts.rows[again] if isinstance(receipts, ReceiptLines) else receipts.index[again]
    listed = ", ".join(map(str, list(shown[:20]))) + (" …" if again.sum() > 20 else "")
    return (
        f"{int(again.sum()):,}줄이 앞의 줄과 똑같습니다 (rows {listed}): 같은 영수증을 두 번 "
        "적었다면 지우세요; 그대로 계산했습니다 (identical to an earlier line: delete it if "
        "the same receipt was typed twice; assessed as given)"
    )
