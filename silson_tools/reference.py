"""The rules reference (규칙 참고표), generated from the data files.

:func:`rules_reference` returns every product's numbers as a table: one row per dated value,
with its label, unit, value, effective date, confidence, source (title and address) and note.
:func:`nhi_reference` does the same for the NHI co-pay rates. :func:`markdown` writes the
whole page, committed as ``docs/rules_reference.md``::

    python -m silson_tools.reference            # writes docs/rules_reference.md
    python -m silson_tools.reference --check    # exit 1 if the committed page is stale

The page renders as plain text in GitHub and JupyterLab: ``$ ~ * _ | [ ] ` \\`` in cell text
are escaped, ``<``/``>`` written as entities, and addresses percent-encoded where a character
would end a link or a table cell.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd

from .params import CONFIDENCE, UNITS, Param, Source, load_sources, nhi_copay
from .products import Policy, load_policy, products

__all__ = ["PAGE", "markdown", "md_escape", "md_link", "nhi_reference", "rules_reference"]

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
    """Every number of ``product`` (default: every shipped product) as a table, one row per
    dated value: label, unit, value (and as shown), effective date, confidence, source title
    and address, note, and for variants the parent a value is inherited from unchanged."""
    policies = (
        [load_policy(product)] if product is not None else [load_policy(n) for n in products()]
    )
    rows = []
    for policy in policies:
        rows += _rows(policy.name, policy.parameters(), _inherited(policy))
    return pd.DataFrame(rows, columns=COLUMNS)


def nhi_reference() -> pd.DataFrame:
    """The NHI co-pay rates (law: looked up on the date of care) in the same columns."""
    return pd.DataFrame(_rows("nhi-copay", nhi_copay().items(), {}), columns=COLUMNS)


# --- Markdown ------------------------------------------------------------------------------------

_ESCAPED = "\\`*_~$|[]"


def md_escape(text: Any) -> str:
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
    parts = ", ".join(f"{md_escape(p.label)} (`{p.name}`, {p.kind})" for p in policy.parts)
    facts.append(f"- 보장 부분 (parts): {parts}")
    lines += [*facts, ""]
    lines += _table(_PARAM_HEADER, _param_rows(policy.parameters(), _inherited(policy)))
    if policy.exclusions:
        lines += ["", "보장 제외 (exclusions):", ""]
        rows = [
            [
                md_escape(ex.label),
                md_escape(", ".join(ex.amounts)),
                md_escape(", ".join(ex.settings or ("모든 진료",))),
                md_escape(", ".join(ex.categories or ("모든 항목",))),
                ex.confidence,
                md_escape(ex.source),
                md_escape(ex.note),
            ]
            for ex in policy.exclusions
        ]
        header = ["제외 (label)", "금액 열", "진료 형태", "항목", "신뢰도", "출처", "메모"]
        lines += _table(header, rows)
    return [*lines, ""]


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
  약관으로 맺는 새 계약, 곧 다른 상품 파일). 법에서 온 숫자 (건강보험 본인부담률, 본인부담상한액)는
  **진료일** 기준입니다. 보장 제외의 `from`/`until` 은 진료일입니다.
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

## 상품 목록 (products)

순서: 세대 번호, 다음 이름 (sorted by generation number, then name).

"""


def markdown() -> str:
    """The whole rules reference page (Markdown)."""
    confidence = "\n".join(f"  - `{c}`: {_CONFIDENCE_KO[c]}" for c in CONFIDENCE)
    units = "; ".join(f"`{u}` {_UNIT_KO[u]}" for u in UNITS)
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
        "## 출처 목록 (sources)",
        "",
        "`silson_tools/data/sources.toml` 의 모든 항목 (every entry of the source registry).",
        "",
        *_table(
            ["키 (key)", "제목과 주소 (title and address)"],
            ([f"`{key}`", md_link(s.title, s.url)] for key, s in sorted(load_sources().items())),
        ),
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
