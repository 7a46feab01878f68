"""Write a year (2024) of synthetic receipts for three personas, in three formats.

    .venv/bin/python data/samples/make_samples.py            # writes next to this script
    .venv/bin/python data/samples/make_samples.py --out DIR

Outputs ``receipts.csv`` (UTF-8), ``receipts_cp949.csv`` (cp949, as Excel saves a "CSV"
on Korean Windows) and ``receipts.xlsx``, all with Korean headers, plus nothing else.
The data are made up (fixed seed): rerunning gives byte-identical files.

Personas (이름 in the files):

- 지훈 (직장인, worker): 도수치료 every week at a clinic, a few 체외충격파 sessions, one MRI
  at a general hospital, colds with pharmacy bills.
- 영숙 (부모, parent): two hospital stays (상급종합병원 10 days, 종합병원 6 days), a private
  room (상급병실 차액, with 입원일수) in the first, monthly check-ups with prescriptions.
  Her covered co-pay (① 본인부담금) for the year is about 460만원, above the 2024
  본인부담상한액 of deciles 1–8 (87만–428만원; 국민건강보험공단 본인부담상한제,
  https://www.nhis.or.kr/nhis/minwon/wbhapa01000m01.do?mode=view&articleNo=10946900), so the
  national ceiling (본인부담상한제) refunds part of it.
- 서연 (아이, child): frequent clinic visits (소아청소년과) each with a pharmacy bill, a
  비급여 수액 (injection) once, one hospital visit.

NHI 공단부담금 (②) is derived from ① with the NHI co-pay rates (국민건강보험법 시행령 별표2 as
published by 건강보험심사평가원, https://www.hira.or.kr/dummy.do?pgmid=HIRAA030056020110:
의원 30%, 병원 40%, 종합병원 50%, 상급종합 60%, 약국 30%; 입원 20% per the receipt form
진료비 계산서·영수증 [별지 제6호서식]).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import numpy as np

SEED = 20240101
YEAR = 2024
HEADERS = [
    "이름",
    "진료일자",
    "진료구분",
    "요양기관종류",
    "병원명",
    "항목",
    "입원일수",
    "본인부담금",
    "공단부담금",
    "전액본인부담",
    "비급여",
    "상한액초과금",
]
SETTING_KO = {"outpatient": "외래", "inpatient": "입원", "pharmacy": "약국"}
TIER_KO = {
    "clinic": "의원급",
    "hospital": "병원급",
    "general": "종합병원",
    "tertiary": "상급종합병원",
    "pharmacy": "약국",
}
CATEGORY_KO = {
    "": "",
    "manual_therapy": "도수치료",
    "shockwave": "체외충격파",
    "injection": "주사",
    "mri": "MRI",
    "room_upgrade": "상급병실",
}
# NHI outpatient co-pay share by tier; inpatient 20% (see the module docstring).
COPAY_SHARE = {"clinic": 30, "hospital": 40, "general": 50, "tertiary": 60, "pharmacy": 30}
INPATIENT_SHARE = 20
FIXED_TIME = (2024, 12, 31, 0, 0, 0)


def _won(rng: np.random.Generator, low: int, high: int, step: int = 10) -> int:
    """A random amount in [low, high], a multiple of ``step`` won."""
    return int(rng.integers(low // step, high // step + 1)) * step


def _nhis(copay: int, tier: str, setting: str) -> int:
    """공단부담금 implied by the co-pay share: ② = ① × (100 − share) / share, to 10원."""
    share = INPATIENT_SHARE if setting == "inpatient" else COPAY_SHARE[tier]
    return (copay * (100 - share) // share) // 10 * 10


def _line(
    person: str,
    date: dt.date,
    setting: str,
    tier: str,
    institution: str,
    covered: int,
    noncovered: int = 0,
    *,
    category: str = "",
    days: int = 0,
    full: int = 0,
) -> dict[str, object]:
    return {
        "person": person,
        "date": date,
        "setting": setting,
        "tier": tier,
        "institution": institution,
        "category": category,
        "days": days,
        "covered_copay": covered,
        "nhis_paid": _nhis(covered, tier, setting) if covered else 0,
        "full_copay": full,
        "noncovered": noncovered,
        "over_ceiling": 0,
    }


def _days_of_year(rng: np.random.Generator, count: int) -> list[dt.date]:
    start = dt.date(YEAR, 1, 1)
    picks = np.sort(rng.choice(366, size=count, replace=False))
    return [start + dt.timedelta(days=int(d)) for d in picks]


def worker(rng: np.random.Generator) -> list[dict[str, object]]:
    """지훈: weekly 도수치료 (Feb–Dec), 체외충격파 in spring, one MRI, colds."""
    who, clinic, pharmacy = "지훈", "바른정형외과의원", "바른약국"
    lines = []
    day = dt.date(YEAR, 2, 6)  # a Tuesday
    while day.year == YEAR:
        if rng.random() > 0.08:  # misses a week now and then
            lines.append(
                _line(
                    who,
                    day,
                    "outpatient",
                    "clinic",
                    clinic,
                    _won(rng, 4_200, 6_500),
                    int(rng.choice([100_000, 120_000, 150_000])),
                    category="manual_therapy",
                )
            )
        day += dt.timedelta(days=7)
    for week in range(6):
        day = dt.date(YEAR, 3, 8) + dt.timedelta(days=7 * week)
        lines.append(
            _line(
                who,
                day,
                "outpatient",
                "clinic",
                clinic,
                _won(rng, 3_000, 5_000),
                80_000,
                category="shockwave",
            )
        )
    mri_day = dt.date(YEAR, 6, 12)
    lines.append(
        _line(
            who,
            mri_day,
            "outpatient",
            "general",
            "서울중앙종합병원",
            24_300,
            550_000,
            category="mri",
        )
    )
    lines.append(_line(who, mri_day, "pharmacy", "pharmacy", "중앙약국", 6_800))
    for day in _days_of_year(rng, 4):
        lines.append(
            _line(who, day, "outpatient", "clinic", "하나내과의원", _won(rng, 4_000, 6_000))
        )
        lines.append(_line(who, day, "pharmacy", "pharmacy", pharmacy, _won(rng, 2_000, 5_000)))
    return lines


def parent(rng: np.random.Generator) -> list[dict[str, object]]:
    """영숙: two stays (one with a private room), monthly check-ups and prescriptions."""
    who = "영숙"
    big, mid = "한국대학교병원", "시민종합병원"
    lines = [
        _line(
            who,
            dt.date(YEAR, 4, 8),
            "inpatient",
            "tertiary",
            big,
            2_654_320,
            856_000,
            days=10,
            full=38_500,
        ),
        _line(
            who,
            dt.date(YEAR, 4, 8),
            "inpatient",
            "tertiary",
            big,
            0,
            1_750_000,
            category="room_upgrade",
            days=7,
        ),
        _line(who, dt.date(YEAR, 9, 2), "inpatient", "general", mid, 1_251_870, 412_000, days=6),
    ]
    for month in range(1, 13):
        if month in (4, 9):
            continue
        day = dt.date(YEAR, month, 15 + int(rng.integers(0, 8)))
        noncovered = int(rng.choice([0, 0, 0, 45_000]))
        lines.append(
            _line(who, day, "outpatient", "tertiary", big, _won(rng, 38_000, 62_000), noncovered)
        )
        lines.append(_line(who, day, "pharmacy", "pharmacy", "대학약국", _won(rng, 15_000, 32_000)))
    return lines


def child(rng: np.random.Generator) -> list[dict[str, object]]:
    """서연: frequent pediatric clinic visits with pharmacy bills, one 수액, one hospital."""
    who, clinic, pharmacy = "서연", "튼튼소아청소년과의원", "튼튼약국"
    lines = []
    for day in _days_of_year(rng, 34):
        noncovered = int(rng.choice([0] * 8 + [25_000]))  # 독감·RSV 신속검사 now and then
        lines.append(
            _line(who, day, "outpatient", "clinic", clinic, _won(rng, 1_500, 4_500), noncovered)
        )
        lines.append(_line(who, day, "pharmacy", "pharmacy", pharmacy, _won(rng, 800, 3_500)))
    lines.append(
        _line(
            who,
            dt.date(YEAR, 2, 20),
            "outpatient",
            "clinic",
            clinic,
            2_100,
            60_000,
            category="injection",
        )
    )
    lines.append(
        _line(
            who,
            dt.date(YEAR, 7, 3),
            "outpatient",
            "hospital",
            "우리아동병원",
            _won(rng, 8_000, 12_000),
            30_000,
        )
    )
    return lines


def build() -> list[dict[str, object]]:
    """All lines, ordered by date then person (a family typing receipts as they come)."""
    rng = np.random.default_rng(SEED)
    lines = worker(rng) + parent(rng) + child(rng)
    order = {"지훈": 0, "영숙": 1, "서연": 2}
    setting_order = {"inpatient": 0, "outpatient": 1, "pharmacy": 2}
    lines.sort(key=lambda r: (r["date"], order[r["person"]], setting_order[r["setting"]]))
    return lines


def _cells(line: dict[str, object]) -> list[object]:
    return [
        line["person"],
        line["date"],
        SETTING_KO[str(line["setting"])],
        TIER_KO[str(line["tier"])],
        line["institution"],
        CATEGORY_KO[str(line["category"])],
        line["days"] or "",
        line["covered_copay"],
        line["nhis_paid"],
        line["full_copay"],
        line["noncovered"],
        line["over_ceiling"],
    ]


def csv_text(lines: list[dict[str, object]]) -> str:
    """The CSV text (dates as 2024-03-05, amounts as plain integers)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADERS)
    for line in lines:
        cells = _cells(line)
        cells[1] = line["date"].isoformat()  # type: ignore[union-attr]
        writer.writerow(cells)
    return buffer.getvalue()


def xlsx_bytes(lines: list[dict[str, object]]) -> bytes:
    """An XLSX with real date cells and #,##0 amounts; zip timestamps fixed for determinism."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "진료비내역"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for line in lines:
        sheet.append(_cells(line))
    for row in sheet.iter_rows(min_row=2):
        row[1].number_format = "yyyy-mm-dd"
        for cell in row[7:]:
            cell.number_format = "#,##0"
    for letter, width in zip(
        "ABCDEFGHIJKL", [8, 12, 10, 14, 22, 10, 9, 12, 12, 12, 12, 12], strict=True
    ):
        sheet.column_dimensions[letter].width = width
    fixed = dt.datetime(*FIXED_TIME)
    book.properties.creator = "silson_tools make_samples.py"
    book.properties.created = fixed
    raw = io.BytesIO()
    book.save(raw)
    # Rewrite the zip with fixed entry times and a fixed dcterms:modified.
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>2024-12-31T00:00:00Z\g<2>",
                    data,
                )
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, data)
    return out.getvalue()


def write_all(out_dir: Path) -> list[Path]:
    """Write the three files into ``out_dir``; return their paths."""
    lines = build()
    text = csv_text(lines)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / "receipts.csv", out_dir / "receipts_cp949.csv", out_dir / "receipts.xlsx"]
    paths[0].write_bytes(text.encode("utf-8"))
    paths[1].write_bytes(text.encode("cp949"))
    paths[2].write_bytes(xlsx_bytes(lines))
    return paths


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parent,
        help="output folder (default: data/samples)",
    )
    args = parser.parse_args(argv)
    for path in write_all(args.out):
        print(path)


if __name__ == "__main__":
    main()
