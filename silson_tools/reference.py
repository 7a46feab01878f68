"""The rules reference (규칙 참고표), generated from the data files.

:func:`rules_reference` returns every product's numbers as a table: one row per dated value,
with its label, unit, value, effective date, confidence, source (title and address) and note.
:func:`nhi_reference` does the same for the NHI co-pay rates. :func:`markdown` writes the
whole page, committed as ``docs/rules_reference.md``. :func:`ceiling_reference` and
:func:`premium_reference` give the two rule tables that are not products, the 본인부담상한액
(``data/ceiling.toml``) and the 4세대 비급여 할인·할증 grades (``data/premium_grades.toml``), in
the same columns; :func:`rules_reference` without a product includes them after the products.
The page shows them as the grids they are (year × group, grade × band)::

    python -m silson_tools.reference            # writes docs/rules_reference.md
    python -m silson_tools.reference --check    # exit 1 if the committed page is stale

The page renders as plain text in GitHub and JupyterLab: ``$ ~ * _ | [ ] ` \\`` in cell text
are escaped, ``<``/``>`` written as entities, and addresses percent-encoded where a character
would end a link or a table cell.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd

from . import ceiling, premium
from .catalog import Exclusion, Policy, load_policy, products
from .params import CONFIDENCE, PARAM_UNITS, UNITS, Param, Source, load_sources, nhi_copay

__all__ = [
    "PAGE",
    "TABLES",
    "ceiling_reference",
    "markdown",
    "md_escape",
    "md_link",
    "nhi_reference",
    "premium_reference",
    "rules_reference",
]

PAGE = Path(__file__).resolve().parents[1] / "docs" / "rules_reference.md"
"""Where the generated page is committed."""

COLUMNS = [
    "product",
    "parameter",
    "label",
    "unit",
    "value",
    "shown",
    "since",
    "confidence",
    "source",
    "url",
    "note",
    "inherited_from",
]

_CONFIDENCE_KO = {
    "A": "공식 문서 (또는 그 전재) + 다른 출처 하나 이상이 일치",
    "B": "공식 문서를 조항별로 인용한 자세한 2차 자료, 또는 일치하는 여러 2차 자료",
    "C": "블로그·기사 하나뿐이거나 추론: 쓰기 전에 확인",
    "user": "사용자가 준 값 (override, 직접 만든 파일)",
}
_UNIT_KO = {
    "won": "원 (whole won)",
    "rate": "비율 0–1 (표에서는 %)",
    "count": "횟수 (회)",
    "years": "년",
    "days": "일",
}


# --- tables --------------------------------------------------------------------------------------


def _rows(product: str, params: Iterable[tuple[str, Param]], parents: dict[str, str]) -> list:
    rows = []
    for path, param in params:
        for i, date in enumerate(param.dates):
            refs: Sequence[Source] = param.references[i] if param.references else ()
            rows.append(
                {
                    "product": product,
                    "parameter": path,
                    "label": param.label,
                    "unit": param.unit,
                    "value": param.values[i],
                    "shown": param.show(param.values[i]),
                    "since": date,
                    "confidence": param.confidence[i],
                    "source": "; ".join(r.title for r in refs) or param.sources[i],
                    "url": "; ".join(r.url for r in refs if r.url),
                    "note": param.notes[i] if param.notes else "",
                    "inherited_from": parents.get(path, ""),
                }
            )
    return rows


def _inherited(policy: Policy) -> dict[str, str]:
    """Parameter path → the parent a variant takes it from unchanged."""
    if not policy.extends:
        return {}
    parent = dict(load_policy(policy.extends[0]).parameters())
    return {path: policy.extends[0] for path, p in policy.parameters() if parent.get(path) == p}


def rules_reference(product: str | Policy | None = None) -> pd.DataFrame:
    """Every number of ``product`` as a table, one row per dated value: label, unit, value
    (and as shown), effective date, confidence, source title and address, note, and for
    variants the parent a value is inherited from unchanged.

    ``product``: a product name or :class:`Policy`, or one of :data:`TABLES` (``"ceiling"``,
    ``"premium-grades"``); default: every shipped product, then the two tables.
    """
    if isinstance(product, str) and product in TABLES:
        return TABLES[product]()
    policies = (
        [load_policy(product)] if product is not None else [load_policy(n) for n in products()]
    )
    rows = []
    for policy in policies:
        rows += _rows(policy.name, policy.parameters(), _inherited(policy))
    frames = [pd.DataFrame(rows, columns=COLUMNS)]
    if product is None:
        frames += [table() for table in TABLES.values()]
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def nhi_reference() -> pd.DataFrame:
    """The NHI co-pay rates (law: looked up on the date of care) in the same columns."""
    return pd.DataFrame(_rows("nhi-copay", nhi_copay().items(), {}), columns=COLUMNS)


def _ref_row(
    table: str,
    path: str,
    label: str,
    unit: str,
    value: Any,
    shown: str,
    since: dt.date | None,
    confidence: str,
    refs: Sequence[Source],
    note: str,
) -> dict[str, Any]:
    return {
        "product": table,
        "parameter": path,
        "label": label,
        "unit": unit,
        "value": value,
        "shown": shown,
        "since": since,
        "confidence": confidence,
        "source": "; ".join(r.title for r in refs),
        "url": "; ".join(r.url for r in refs if r.url),
        "note": note,
        "inherited_from": "",
    }


def _fact_rows(table: str, facts: dict[str, Any], since: dt.date | None) -> list[dict]:
    return [
        _ref_row(
            table,
            f.key,
            f.label,
            f.unit,
            f.value,
            f.show(),
            since,
            f.confidence,
            f.references,
            f.note,
        )
        for f in facts.values()
    ]


def _cell_shown(c: ceiling.Cell, kind_labels: dict[str, str]) -> str:
    if c.value is None:
        return "미상 (unknown)"
    won = UNITS["won"].show(c.value)
    return f"{won} ({kind_labels.get('normal', 'normal')}과 같음, merged)" if c.merged else won


def _window_shown(c: ceiling.Cell, tab: ceiling.CeilingTable) -> str:
    """``2023년`` for a calendar year, ``2007년 상반기 (1.1–6.30)`` for a half-year."""
    if c.window == "year":
        return f"{c.year}년"
    return f"{c.year}년 {tab.period_labels.get(c.window, c.window)}"


def ceiling_reference() -> pd.DataFrame:
    """The 본인부담상한액 table (``data/ceiling.toml``) in the columns of
    :func:`rules_reference`: its other values (``rules.*``, undated: ``since`` is None), then
    one row per cell (``limit.YEAR.KIND.GROUP``, ``since`` = 1 January of the year; law, so
    looked up on the date of care). Before 2008 the cells cap half-years: ``limit.2007-H1…``
    and ``limit.2007-H2…``, ``since`` = the first day of the half-year. Unknown cells are
    listed with value None and no source."""
    tab = ceiling.load_table()
    kinds = dict(tab.kind_labels)
    rows = _fact_rows("ceiling", dict(tab.facts), None)
    for start in sorted(tab.starts, reverse=True):
        for kind in ceiling.KINDS:
            for group in ceiling.GROUPS:
                c = tab.windows[(start, kind, group)]
                label = f"{tab.label}: {_window_shown(c, tab)} {kinds.get(kind, kind)} {c.label}"
                rows.append(
                    _ref_row(
                        "ceiling",
                        f"limit.{c.key}.{kind}.{group}",
                        label,
                        tab.unit,
                        c.value,
                        _cell_shown(c, kinds),
                        start,
                        c.confidence,
                        c.references,
                        c.note,
                    )
                )
    return pd.DataFrame(rows, columns=COLUMNS)


def premium_reference() -> pd.DataFrame:
    """The 4세대 비급여 할인·할증 table (``data/premium_grades.toml``) in the columns of
    :func:`rules_reference`: its other values (window, cap, exclusions), then per grade its
    lower and upper bound and its relativity (``grade[i].COLUMN``); ``since`` is the date the
    whole table applies from (renewals from ``rules.in_force_from``)."""
    tab = premium.load_grades()
    since = tab.in_force_from
    rows = _fact_rows("premium-grades", dict(tab.facts), since)
    for i, grade in enumerate(tab.grades):
        upper = int(tab.lowers[i + 1]) if i + 1 < len(tab.grades) else None
        values = {
            "lower": int(tab.lowers[i]),
            "upper": upper,
            "relativity_ppm": int(tab.relativity_ppm[i]),
        }
        for column, value in values.items():
            if value is None:
                continue
            unit, label = tab.columns[column]
            shown = UNITS[unit].show(value) if unit in UNITS else _ppm(value)
            rows.append(
                _ref_row(
                    "premium-grades",
                    f"grade[{i}].{column}",
                    f"{grade}등급 ({tab.labels[i]}): {label}",
                    unit,
                    value,
                    shown,
                    since,
                    tab.confidence[i],
                    tab.references[i],
                    tab.notes[i],
                )
            )
    return pd.DataFrame(rows, columns=COLUMNS)


def _ppm(value: int) -> str:
    return f"{value / 10_000:g}%"


TABLES = {"ceiling": ceiling_reference, "premium-grades": premium_reference}
"""The rule tables that are not products, by name: a function giving each as a table."""


# --- Markdown ------------------------------------------------------------------------------------

_ESCAPED = "\\`*_~$|[]"


def md_escape(text: object) -> str:
    """Cell text that Markdown (GitHub, JupyterLab) shows as written: no emphasis, no
    strike-through, no math, no table break, no link, no HTML."""
    out = str(text).replace("\r", " ").replace("\n", " ")
    out = "".join(f"\\{ch}" if ch in _ESCAPED else ch for ch in out)
    return out.replace("<", "&lt;").replace(">", "&gt;")


def md_link(title: str, url: str) -> str:
    """``[title](url)`` with the title escaped and the address percent-encoded where a
    character would end the link or the table cell (``( ) | $`` spaces, non-ASCII)."""
    if not url:
        return md_escape(title)
    return f"[{md_escape(title)}]({quote(url, safe=':/?&=%#@!,;+~._*-')})"


def _table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return lines


def _source_cell(refs: Sequence[Source], fallback: str) -> str:
    return "; ".join(md_link(r.title, r.url) for r in refs) if refs else md_escape(fallback)


def _param_rows(params: Iterable[tuple[str, Param]], inherited: dict[str, str]) -> list[list[str]]:
    rows = []
    for path, param in params:
        for i, date in enumerate(param.dates):
            refs = param.references[i] if param.references else ()
            rows.append(
                [
                    md_escape(param.label),
                    f"`{path}`",
                    md_escape(param.show(param.values[i])),
                    date.isoformat(),
                    param.confidence[i],
                    _source_cell(refs, param.sources[i]),
                    md_escape(param.notes[i] if param.notes else ""),
                    md_escape(inherited.get(path, "")),
                ]
            )
    return rows


_PARAM_HEADER = [
    "항목 (label)",
    "경로 (path)",
    "값 (value)",
    "시행일 (from)",
    "신뢰도",
    "출처 (source)",
    "메모 (note)",
    "상속 (from parent)",
]


def _product_section(policy: Policy) -> list[str]:
    sold = " – ".join(d.isoformat() if d else "…" for d in (policy.sold_from, policy.sold_until))
    lines = [f"## {md_escape(policy.name)}: {md_escape(policy.label)}", ""]
    facts = [
        f"- 세대 (generation): {md_escape(policy.generation)}; 판매 (sold): {sold}",
        f"- 파일 (file): `silson_tools/{policy.path}`",
    ]
    if policy.extends:
        chain = " → ".join(policy.extends)
        facts.append(
            f"- 바탕 상품 (extends): {md_escape(chain)}. "
            "이 파일에 없는 숫자는 바탕 상품의 것입니다."
        )
    if policy.description:
        facts.append(f"- {md_escape(policy.description)}")
    if policy.note:
        facts.append(f"- 참고 (note): {md_escape(policy.note)}")
    whom = {None: "", True: ", 산정특례 줄만", False: ", 산정특례 아닌 줄만"}
    parts = ", ".join(
        f"{md_escape(p.label)} (`{p.name}`, {p.kind}{whom[p.severe]})" for p in policy.parts
    )
    facts.append(f"- 보장 부분 (parts): {parts}")
    units = []  # how a day's 외래/약국 lines become 통원 and 처방조제 (engine/visits.py)
    for p in policy.parts:
        for setting, label in (("outpatient", "외래"), ("pharmacy", "약국")):
            rule = p.settings.get(setting)
            if rule is not None and (setting == "outpatient" or not policy.combine_same_day):
                basis = md_escape(rule.visit_unit_basis or "기본값")
                units.append(f"`{p.name}` {label} {rule.visit_unit} ({basis})")
    if units:
        together = "예" if policy.combine_same_day else "아니오"
        facts.append(
            f"- 통원 묶기 (visit_unit): {'; '.join(units)}; 같은 날 외래+약국 합산 "
            f"(combine_same_day): {together}"
        )
    acts = [  # treatments taken per 통원 / admission (engine/treatments.py)
        f"`{p.name}` {p.treatment.visit_unit} ({md_escape(p.treatment.visit_unit_basis)})"
        for p in policy.parts
        if p.treatment is not None and p.treatment.visit_unit == "visit"
    ]
    if acts:
        facts.append(f"- 치료 1회 (treatment unit; 없으면 줄마다 1회): {'; '.join(acts)}")
    if any(r.get("count") for p in policy.parts for r in [*p.settings.values(), p.treatment] if r):
        basis, why = policy.count_basis  # which visits use up a yearly count (engine step 6)
        facts.append(
            f"- 연간 횟수에 드는 통원·치료 (count_basis): `{basis}` ({md_escape(why or '기본값')})"
        )
    lines += [*facts, ""]
    lines += _table(_PARAM_HEADER, _param_rows(policy.parameters(), _inherited(policy)))
    if policy.exclusions:
        lines += ["", "보장 제외 (exclusions):", ""]
        rows = [
            [
                md_escape(ex.label),
                md_escape(", ".join(ex.amounts)),
                md_escape(", ".join(ex.settings or ("모든 진료",))),
                md_escape(_care(ex)),
                {None: "모두", True: "중증만", False: "중증 제외"}[ex.severe],
                ex.confidence,
                md_escape(ex.source),
                md_escape(ex.note),
            ]
            for ex in policy.exclusions
        ]
        header = [
            "제외 (label)", "금액 열", "진료 형태", "항목·상병코드", "산정특례 (severe)", "신뢰도",
            "출처", "메모",
        ]  # fmt: skip
        lines += _table(header, rows)
    return [*lines, ""]


def _care(ex: Exclusion) -> str:
    """What care an exclusion names: its 항목 and/or KCD ranges (either matches)."""
    named = list(ex.categories or ())
    named += [lo if lo == hi else f"{lo}–{hi}" for lo, hi in ex.diagnoses or ()]
    return " 또는 ".join(named) if named else "모든 항목"


_INTRO = """\
# 실손의료보험 규칙 참고표 (rules reference)

이 문서는 데이터 파일에서 만들어집니다: `python -m silson_tools.reference`. 손으로 고치지 말고
데이터 파일을 고친 뒤 다시 만드세요 (generated from the data files; do not edit by hand).
같은 표를 파이썬에서 `silson_tools.rules_reference()` 로 얻을 수 있습니다.

## 읽는 법 (how to read)

- **시행일 (from)**: 그 값이 효력을 갖기 시작한 날. 첫 시행일보다 이른 날에는 첫 값을 씁니다
  (어떤 영수증이든 그 상품이라면 어땠을지 계산할 수 있도록).
- **어느 날짜로 찾나 (clock)**: 상품의 약관 숫자는 **계약일** 기준입니다. 계약의 조건은 가입할
  때의 약관으로 정해지고, 나중의 약관 개정은 이미 맺은 계약을 바꾸지 않습니다 (재가입은 그때의
  약관으로 맺는 새 계약, 곧 다른 상품 파일; 재가입주기는 `[policy.reentry]` (년) 이고, 계산은
  한 상품으로 하되 `silson report` 가 계약일 + 재가입주기 이후의 줄을 이름으로 알립니다).
  법에서 온 숫자 (건강보험 본인부담률, 본인부담상한액)는 **진료일** 기준입니다. 보장 제외의
  `from`/`until` 은 진료일입니다.
- **신뢰도 (confidence)**:
{confidence}
- **단위 (unit)**: {units}.
- **출처 (source)**: 원 문서의 제목과 주소. 원문을 직접 읽지 못하고 전재본을 읽은 경우 제목에
  그렇게 적었습니다.

## 규칙 파일 형식 (file format)

상품 하나가 `silson_tools/data/products/` 의 TOML 파일 하나입니다 (파일 이름 = 상품 이름).
파일을 넣으면 `silson_tools.products()` 에 나타납니다. 숫자 하나는 단위, 한국어 이름, 날짜별 값으로
된 표 하나입니다:

```toml
[parts.covered.outpatient.min_clinic]
unit = "won"
label = "통원 (외래) 최소공제 (의원)"
values."2021-07-01" = {{ value = 10_000, confidence = "A", source = "fss-4g-terms" }}
values."2027-01-01" = {{ ended = true, confidence = "B", source = "..." }}   # 규칙이 없어짐
```

- `source` 는 `silson_tools/data/sources.toml` 의 키, 또는 파일 안 `[sources.KEY]` 표
  (`title`, `url`), 또는 `{{ title = "...", url = "https://..." }}`, 또는 그 목록입니다.
- 모르는 키, 단위에 맞지 않는 값 (비율은 0–1, 원은 0 이상 10¹² 이하의 정수, 횟수는 정수),
  출처·신뢰도가 없는 값은 오류입니다 (파일과 키 이름을 알려 줍니다).
- 변형 상품은 `extends = "gen3"` 으로 시작하고 다른 것만 적습니다. 표는 키별로 합쳐지고,
  숫자의 `values` (날짜별 값 전체)와 목록은 통째로 바뀝니다. `remove = ["parts.mri"]` 는
  물려받은 키를 지웁니다.
- `[policy.reentry]` (단위 `years`, 계약일 기준 날짜별 값) 는 재가입주기입니다: 계약일부터 그
  햇수가 지나면 계약은 그때의 표준약관으로 다시 맺어지고 (다른 상품 파일), 보고서가 그 뒤의 줄을
  행으로 알립니다.
  없으면 재가입주기가 없는 상품 (1세대, 2세대 선택형Ⅰ: `remove = ["policy.reentry"]`) 입니다.
- 본인부담상한액 (`silson_tools/data/ceiling.toml`) 과 할인·할증 등급
  (`silson_tools/data/premium_grades.toml`) 은 표 (연도 × 소득분위 구간, 등급 × 구간) 로 두었지만
  같은 규칙을 따릅니다: `source` 는 출처 키, 신뢰도는 A/B/C/user, 단위와 한국어 이름은 파일에 적고,
  모르는 키는 오류입니다. 표 밖의 숫자는 `unit`, `label`, `value`, `confidence`, `source`,
  `note` 로 된 표 하나입니다 (날짜 없음). 표에만 있는 단위: `month` 월 (1–12), `months` 개월,
  `ppm` 백만분율 (1,000,000 = 100%), `date` 날짜, `text` 설명, `grades` 등급 목록.

## 상품 목록 (products)

순서: 세대 번호, 다음 이름 (sorted by generation number, then name).

"""


_FACT_HEADER = ["항목 (label)", "키 (key)", "값 (value)", "신뢰도", "출처 (source)", "메모 (note)"]


def _fact_table(facts: dict[str, Any]) -> list[str]:
    rows = [
        [
            md_escape(f.label),
            f"`{f.key}`",
            md_escape(f.show()),
            f.confidence,
            _source_cell(f.references, ""),
            md_escape(f.note),
        ]
        for f in facts.values()
    ]
    return _table(_FACT_HEADER, rows)


def _ceiling_section() -> list[str]:
    tab = ceiling.load_table()
    kinds = dict(tab.kind_labels)
    lines = [
        "## 본인부담상한액 (NHI out-of-pocket ceiling)",
        "",
        "법에서 온 숫자: **진료일** 기준, 그 해 1.1–12.31 의 급여 본인일부부담금 합계에 적용합니다 "
        f"(`silson_tools/data/ceiling.toml`). 단위: 원 (`{tab.unit}`). "
        "`미상` 은 출처가 없는 칸 (계산하면 오류, 추측하지 않음), `= 일반` 은 요양병원 값이 "
        "따로 없어 일반 값과 같은 칸입니다. 한 줄 (연도 × 구분) 의 칸은 출처와 신뢰도를 함께 "
        "씁니다 (다른 칸은 신뢰도 열에 적음). 2008년부터는 한 해 (1.1–12.31) 상한액, 그 전에는 "
        "반기 (6개월) 상한액입니다: 계산기의 연도별 함수 (`limit`, `refund`, `year_totals`) 는 "
        "2004–2007년에 오류를 내고, `periods` / `period_limit` 가 기간별로 답합니다.",
        "",
        *_fact_table(dict(tab.facts)),
        "",
    ]
    header = [
        "연도",
        "구분",
        *(md_escape(tab.labels[g]) for g in ceiling.GROUPS),
        "신뢰도",
        "출처 (source)",
        "메모 (note)",
    ]
    rows = []
    for start in sorted(tab.starts, reverse=True):
        for kind in ceiling.KINDS:
            cells = [tab.windows[(start, kind, g)] for g in ceiling.GROUPS]
            shown = [
                "미상" if c.value is None else "= 일반" if c.merged else f"{c.value:,}"
                for c in cells
            ]
            first = cells[0]
            confidence = Counter(c.confidence for c in cells).most_common(1)[0][0]
            other = [f"{c.label} {c.confidence}" for c in cells if c.confidence != confidence]
            conf = confidence + (f" ({', '.join(other)})" if other else "")
            notes = " / ".join(f"{c.label}: {c.note}" for c in cells if c.note)
            when = str(first.year) if first.window == "year" else _window_shown(first, tab)
            rows.append(
                [
                    md_escape(when),
                    md_escape(kinds.get(kind, kind)),
                    *shown,
                    md_escape(conf),
                    _source_cell(first.references, "") if first.references else "—",
                    md_escape(notes),
                ]
            )
    return [*lines, *_table(header, rows), ""]


def _premium_section() -> list[str]:
    tab = premium.load_grades()
    lines = [
        "## 4세대 비급여 보험료 할인·할증 등급 (nonbenefit premium grades)",
        "",
        f"{tab.in_force_from.isoformat()} 이후 갱신부터, 산정 기간에 받은 비급여 보험금으로 "
        "비급여 특약 보험료의 배율이 정해집니다 (`silson_tools/data/premium_grades.toml`). "
        "배율 100% = 그대로, 할인·할증 전에 연간 조정 한도를 먼저 적용합니다. "
        "무사고 할인 (`no_claim.*`): 직전 2년간 비급여 보험금이 없으면 (4대 중증 제외) "
        "갱신 때 전체 보험료 (급여 + 비급여) 에서 10%를 더 뺍니다 (등급 배율 다음에 곱함, C).",
        "",
        *_fact_table(dict(tab.facts)),
        "",
    ]
    header = [
        "등급",
        "구분",
        md_escape(tab.columns["lower"][1]),
        md_escape(tab.columns["upper"][1]),
        md_escape(tab.columns["relativity_ppm"][1]),
        "신뢰도",
        "출처 (source)",
        "메모 (note)",
    ]
    rows = []
    for i, grade in enumerate(tab.grades):
        upper = f"{int(tab.lowers[i + 1]):,}원" if i + 1 < len(tab.grades) else "—"
        rows.append(
            [
                str(grade),
                md_escape(tab.labels[i]),
                f"{int(tab.lowers[i]):,}원",
                upper,
                _ppm(int(tab.relativity_ppm[i])),
                tab.confidence[i],
                _source_cell(tab.references[i], ""),
                md_escape(tab.notes[i]),
            ]
        )
    return [*lines, *_table(header, rows), ""]


def _untitled_sources() -> list[Source]:
    """Sources the two tables cite by title only (no address known), in order of use."""
    seen: dict[Source, None] = {}
    tab = ceiling.load_table()
    refs = [r for f in tab.facts.values() for r in f.references]
    refs += [r for c in tab.windows.values() for r in c.references]
    grades = premium.load_grades()
    refs += [r for f in grades.facts.values() for r in f.references]
    refs += [r for rs in grades.references for r in rs]
    for r in refs:
        if not r.url:
            seen.setdefault(r)
    return list(seen)


def markdown() -> str:
    """The whole rules reference page (Markdown)."""
    confidence = "\n".join(f"  - `{c}`: {_CONFIDENCE_KO[c]}" for c in CONFIDENCE)
    units = "; ".join(f"`{u}` {_UNIT_KO[u]}" for u in PARAM_UNITS)
    lines = [_INTRO.format(confidence=confidence, units=units).rstrip("\n"), ""]
    policies = [load_policy(n) for n in products()]
    rows = []
    for p in policies:
        params = p.parameters()
        uncertain = sum(c == "C" for _, q in params for c in q.confidence)
        rows.append(
            [
                md_escape(p.name),
                md_escape(p.label),
                md_escape(p.generation),
                md_escape(", ".join(p.extends)),
                str(len(params)),
                str(uncertain),
            ]
        )
    header = ["이름 (name)", "상품 (label)", "세대", "바탕 (extends)", "숫자 (numbers)", "C 신뢰도"]
    lines += [*_table(header, rows), ""]
    for policy in policies:
        lines += _product_section(policy)
    lines += [
        "## 건강보험 본인부담률 (NHI co-pay rates)",
        "",
        "법에서 온 숫자: 진료일 기준. 예시 영수증의 공단부담금 (②) 을 만드는 데 씁니다 "
        "(`silson_tools/data/nhi/copay.toml`).",
        "",
        *_table(_PARAM_HEADER, _param_rows(nhi_copay().items(), {})),
        "",
        *_ceiling_section(),
        *_premium_section(),
        "## 출처 목록 (sources)",
        "",
        "`silson_tools/data/sources.toml` 의 모든 항목 (every entry of the source registry).",
        "",
        *_table(
            ["키 (key)", "제목과 주소 (title and address)"],
            ([f"`{key}`", md_link(s.title, s.url)] for key, s in sorted(load_sources().items())),
        ),
        "",
        "주소를 모르고 제목으로만 인용한 출처 (규칙 표 파일 안의 `[sources.KEY]`; cited by "
        "title only, no address known):",
        "",
        *(f"- {md_escape(s.title)}" for s in _untitled_sources()),
    ]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m silson_tools.reference [--out PATH] [--check]``."""
    parser = argparse.ArgumentParser(description="Write the rules reference page (Markdown).")
    parser.add_argument("--out", type=Path, default=PAGE, help=f"default: {PAGE}")
    parser.add_argument("--check", action="store_true", help="exit 1 if the page is stale")
    args = parser.parse_args(argv)
    text = markdown()
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.is_file() else ""
        if current != text:
            print(f"{args.out} is stale: run python -m silson_tools.reference", file=sys.stderr)
            return 1
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
