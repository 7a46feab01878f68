"""Worked examples quoted from the articles, recomputed by :mod:`silson_tools.formulas`.

Each case keeps the number the article states (``stated_self_pay``), so a table can show
the article's answer next to the package's; tests check they agree. Where an article's own
arithmetic is inconsistent, the case says so in ``note``. The articles are cited in
:mod:`.sources`: the shrink-zone guide (「급여 vs 비급여 보장 축소 구간 깔끔 정리」) and the
self-pay guide (「보험사 조건에 따른 실비보험 자기부담금 계산법 전략」).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..formulas import period_totals
from ..people import Html, table
from ..schema import ZONES
from .sources import SELF_PAY_ARTICLE, SHRINK_ZONES_ARTICLE, Source

__all__ = ["ARTICLE_CASES", "ZONE_GUIDE", "ArticleCase", "article_cases_table", "zone_guide"]


@dataclass(frozen=True)
class ArticleCase:
    """One worked example: inputs for :func:`period_totals` and the article's answer."""

    article: Source
    where: str
    """Where in the article (사례 1, MRI …)."""
    label: str
    n: int
    C: int
    D: int
    r: float
    mode: str
    stated_self_pay: int | None
    """The self-pay the article states for the period (None when it states none)."""
    H: int | None = None
    note: str = ""

    @property
    def source(self) -> str:
        """The citation shown in tables: ``「title」 (publisher) where``."""
        return self.article.cite(self.where)


_ZONES = SHRINK_ZONES_ARTICLE
_SELF_PAY = SELF_PAY_ARTICLE

ARTICLE_CASES: tuple[ArticleCase, ...] = (
    ArticleCase(
        _ZONES,
        "가상 사례 1",
        "급여 외래 n=4, C=18,000, r=10%",
        4,
        18_000,
        0,
        0.10,
        "additive",
        7_200,
        note="건당 1,800원 → 월 7,200원",
    ),
    ArticleCase(
        _ZONES,
        "가상 사례 1",
        "비급여 외래 n=4, C=18,000, r=20%",
        4,
        18_000,
        0,
        0.20,
        "additive",
        14_400,
        note="건당 3,600원 → 월 14,400원 (급여의 두 배)",
    ),
    ArticleCase(
        _ZONES,
        "가상 사례 3",
        "고가 검사 1회 C=60만, r=20%, H=30만",
        1,
        600_000,
        0,
        0.20,
        "additive",
        300_000,
        H=300_000,
        note="계산상 보험금 48만원이 H=30만원에서 멈춤 (the article gives no numbers; "
        "illustrative values)",
    ),
    ArticleCase(
        _SELF_PAY,
        "비율형",
        "A 보험사: 10만원, 비율형 20%",
        1,
        100_000,
        0,
        0.20,
        "rate",
        20_000,
        note="병원비 10만 원 × 20% = 2만 원",
    ),
    ArticleCase(
        _SELF_PAY,
        "정액형",
        "B 보험사: 3만원, 정액형 1만원",
        1,
        30_000,
        10_000,
        0.0,
        "fixed",
        10_000,
        note="1만 원 공제",
    ),
    ArticleCase(
        _SELF_PAY,
        "계산 사례 1",
        "외래 3만원, 공제 1만원 + 10% (혼합형)",
        1,
        30_000,
        10_000,
        0.10,
        "additive",
        12_000,
        note="공제 1만 + (2만 × 10%) = 1만2천 원. The article's own table prints "
        "3,000원 here, which contradicts its formula; we follow the formula",
    ),
    ArticleCase(
        _SELF_PAY,
        "MRI",
        "MRI 40만원, 80% 보장",
        1,
        400_000,
        0,
        0.20,
        "rate",
        80_000,
        note="본인 부담 8만 원, 보험 지급 32만 원",
    ),
    ArticleCase(
        _SELF_PAY,
        "도수치료",
        "도수치료 10만원, 50% 보장",
        1,
        100_000,
        0,
        0.50,
        "rate",
        50_000,
        note="5만 원 지급",
    ),
    ArticleCase(
        _SELF_PAY,
        "상급병실",
        "상급병실 차액 50만원, 50% 보장",
        1,
        500_000,
        0,
        0.50,
        "rate",
        250_000,
        note="25만 원 지급 (일당 10만원 상한은 입원일수에 따라 별도)",
    ),
)


def article_cases_table() -> pd.DataFrame:
    """The article cases with the package's numbers next to the article's (won).

    The 출처 column cites the article by title; addresses are in :mod:`.sources`.
    """
    rows = []
    for case in ARTICLE_CASES:
        t = period_totals(case.n, case.C, case.D, case.r, case.H, case.mode)
        rows.append(
            {
                "출처 (source)": case.source,
                "상황 (case)": case.label,
                "방식 (mode)": case.mode,
                "건당 자기부담": t.visit.self_pay,
                "합계 자기부담": t.self_pay,
                "보험금 (payout)": t.payout,
                "글에 적힌 자기부담": case.stated_self_pay,
                "일치": t.self_pay == case.stated_self_pay,
                "구간 (zone)": t.zone,
                "메모": case.note,
            }
        )
    return pd.DataFrame(rows)


ZONE_GUIDE: dict[str, tuple[str, str]] = {
    "excluded": ("회색", "약관이 보장하지 않는 진료: 계약일 전 진료, 보장 제외 항목"),
    "deductible": ("빨강", "최소공제: 통원 한 번마다 먼저 빼는 금액 (예: 1만원)"),
    "rate": ("주황", "자기부담률: 남은 금액 중 내가 내는 비율 (예: 20%)"),
    "visit_cap": ("보라", "회당·하루 한도를 넘은 금액"),
    "count_limit": ("갈색", "한 해 횟수 한도 (예: 50회)를 넘은 방문"),
    "annual_limit": ("분홍", "한 해 보장 한도 (예: 350만원)를 넘은 금액"),
    "ceiling_offset": ("청록", "본인부담상한제로 공단이 돌려줄 금액: 실손은 빼고 줌"),
}
"""Zone code → (colour name in every chart, what the zone means), in :data:`ZONES` order."""


def zone_guide() -> Html:
    """The shrink zones (보장 축소 구간) as a table for people: name, colour, meaning."""
    rows = [
        {"구간 (zone)": ZONES[z], "그림의 색": colour, "뜻": meaning}
        for z, (colour, meaning) in ZONE_GUIDE.items()
    ]
    return table(rows)
