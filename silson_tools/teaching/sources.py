"""Where the worked examples and the rules the lessons quote come from (title and address).

Cited by :mod:`.cases`, :mod:`.exercises` and the notebooks. ``url`` is ``None`` where the
copy of an article we worked from carries no address; the official text it retells is
cited next to it then.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CEILING_ARTICLE",
    "CEILING_OFFICIAL",
    "HMO_ARTICLE",
    "NHI_COPAY_OFFICIAL",
    "PREMIUM_NEWS",
    "PREMIUM_OFFICIAL",
    "SELF_PAY_ARTICLE",
    "SHRINK_ZONES_ARTICLE",
    "STANDARD_TERMS_GEN3",
    "STANDARD_TERMS_GEN4",
    "STANDARD_TERMS_GEN5",
    "SUPREME_COURT_CEILING",
    "Source",
]


@dataclass(frozen=True)
class Source:
    """A publication: its title, who published it ("" if the title says) and its address.

    ``quoted`` is True when ``title`` is the publication's own title (shown in 「」);
    False when it only describes the publication (a press release or page whose exact
    headline we do not have).
    """

    title: str
    publisher: str
    url: str | None = None
    quoted: bool = True

    @property
    def name(self) -> str:
        """The title in 「」 when it is the publication's own, else as written."""
        return f"「{self.title}」" if self.quoted else self.title

    def cite(self, where: str = "") -> str:
        """``「title」 (publisher) where`` — a short citation for tables and answer boxes."""
        text = f"{self.name} ({self.publisher})" if self.publisher else self.name
        return f"{text} {where}" if where else text

    def markdown(self) -> str:
        """``[「title」](url) (publisher)``, or without the link when there is no address."""
        title = f"[{self.name}]({self.url})" if self.url else self.name
        return f"{title} ({self.publisher})" if self.publisher else title


SHRINK_ZONES_ARTICLE = Source(
    "급여 vs 비급여 보장 축소 구간 깔끔 정리",
    "topeconomyinfo 블로그, 2025-10",
    "https://topeconomyinfo.onedayoneinfo.com/2025/10/clean-guide-to-reduced-coverage-zones-"
    "reimbursement-vs-non-reimbursement-in-korean-indemnity-insurance.html",
)
"""The shrink zones, the formula D + (C − D) × r, its 가상 사례 1–3 and the FAQ."""

SELF_PAY_ARTICLE = Source(
    "보험사 조건에 따른 실비보험 자기부담금 계산법 전략",
    "goodnews91 블로그",
    "https://goodnews91.com/%eb%b3%b4%ed%97%98%ec%82%ac-%ec%a1%b0%ea%b1%b4%ec%97%90-%eb%94%b0"
    "%eb%a5%b8-%ec%8b%a4%eb%b9%84%eb%b3%b4%ed%97%98-%ec%9e%90%ea%b8%b0%eb%b6%80%eb%8b%b4%ea%b8"
    "%88-%ea%b3%84%ec%82%b0%eb%b2%95-%ec%a0%84",
)
"""Insurers A/B/C (비율형, 정액형, 혼합형), its 계산 사례 1–3 and the generation table."""

HMO_ARTICLE = Source("건강 유지 기구(HMO)", "금융 용어 해설 글 (한국어판)")
"""The HMO: PCP as gatekeeper, referrals, in-network only except emergencies, copays."""

CEILING_ARTICLE = Source(
    "본인부담상한제 안내 글", "건강도우미 우주파파, 티스토리 블로그", quoted=False
)
"""The 본인부담상한제 explained with the NHIS's 2023 사후환급 examples 1 and 2."""

CEILING_OFFICIAL = Source(
    "본인부담상한제 안내 페이지",
    "국민건강보험공단",
    "https://www.nhis.or.kr/nhis/minwon/wbhapa01000m01.do?mode=view&articleNo=10946900",
    quoted=False,
)
"""The NHIS page with the 상한액 table, 사전급여 and 사후환급."""

PREMIUM_NEWS = Source(
    "4세대 실손 비급여 보험료 할인·할증 시행 보도 (금융위원회·금융감독원 2024-06-06 발표)",
    "경향신문, 2024-06",
    quoted=False,
)
"""The 할인·할증 grades as reported; the app items (다음 할증 단계까지 남은 보험금)."""

PREMIUM_OFFICIAL = Source(
    "4세대 실손 비급여 보험료 할인·할증 시행 보도자료",
    "금융위원회, 2024-06-07",
    "https://www.fsc.go.kr/no010101/82406",
    quoted=False,
)

STANDARD_TERMS_GEN3 = Source(
    "인터넷 실손의료비보장보험1.0 (기본형) 상품 안내 (3세대 표준형·선택형Ⅱ)",
    "삼성생명, 2018",
    "https://direct.samsunglife.com",
    quoted=False,
)

STANDARD_TERMS_GEN4 = Source(
    "실손의료보험 표준약관 (보험업감독업무시행세칙 별표15, 2021.7.1 시행, 4세대)",
    "금융감독원",
    "https://fss.or.kr/fss/bbs/B0000115/view.do?menuNo=200504&nttId=21943",
    quoted=False,
)
"""통원 1회당 (외래 및 처방조제 합산), 3대 비급여 특약, 상한제 환급분 제외 (제4조③1, 제5조③)."""

STANDARD_TERMS_GEN5 = Source(
    "실손의료보험 표준약관 (2026.5.6 시행, 5세대)",
    "금융감독원",
    "https://www.fss.or.kr/fss/bbs/B0000115/view.do?menuNo=200504&nttId=218364",
    quoted=False,
)
"""특약2 (비중증 비급여): 근골격계 이학요법·체외충격파·비급여 주사 보장 제외."""

SUPREME_COURT_CEILING = Source("대법원 2024. 1. 25. 선고 2023다283913 판결", "", quoted=False)
"""상한제로 환급되는 금액은 (그 조항이 없는 옛 약관에서도) 실손이 보상하지 않는다."""

NHI_COPAY_OFFICIAL = Source(
    "외래 본인부담률 (국민건강보험법 시행령 별표2)",
    "건강보험심사평가원",
    "https://www.hira.or.kr/dummy.do?pgmid=HIRAA030056020110",
    quoted=False,
)
