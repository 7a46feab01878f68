"""Shared vocabulary: canonical receipt columns, their allowed values, and zone codes.

Every module, plot legend and notebook uses these names. Korean labels are for display;
identifiers stay English.
"""

from __future__ import annotations

from typing import Final

from .errors import InputError

# --- receipt lines (영수증 한 줄) ---------------------------------------------------

SETTINGS: Final[dict[str, str]] = {
    "inpatient": "입원",
    "outpatient": "통원",
    "pharmacy": "처방조제",
}
"""진료 형태 (setting): 입원 / 통원(외래) / 처방조제(약국)."""

TIERS: Final[dict[str, str]] = {
    "clinic": "의원",
    "hospital": "병원",
    "general": "종합병원",
    "tertiary": "상급종합병원",
    "pharmacy": "약국",
}
"""요양기관 종류 (hospital tier) on the receipt footer; drives the minimum deductible."""

CATEGORIES: Final[dict[str, str]] = {
    "": "일반",
    "manual_therapy": "도수치료",
    "shockwave": "체외충격파",
    "prolotherapy": "증식치료",
    "injection": "비급여 주사",
    "mri": "MRI/MRA",
    "room_upgrade": "상급병실 차액",
    "infertility": "불임 관련",
    "dental": "치과",
    "oriental": "한방",
    "supplement": "영양제·비타민",
    "cosmetic": "미용·예방",
    "caregiver": "간병비",
    "orthosis": "보조기·안경",
    "pregnancy": "임신·출산",
    "injection_exempt": "항암제·항생제·희귀의약품 주사",
}
"""항목 (rider category, or care the terms exclude). Empty means general care."""

AMOUNT_COLUMNS: Final[tuple[str, ...]] = (
    "covered_copay",  # ① 급여 일부본인부담 본인부담금
    "full_copay",  # ③ 급여 전액본인부담
    "noncovered",  # ④ 비급여
)
"""The three amounts the patient paid; silson reimburses part of their sum."""

REQUIRED_COLUMNS: Final[tuple[str, ...]] = (
    "date",
    "setting",
    "tier",
    "covered_copay",
    "noncovered",
)
DEFAULT_PERSON: Final[str] = "본인"
"""The person of every line when receipts name nobody (no 이름 column, or a blank cell)."""

OPTIONAL_COLUMNS: Final[dict[str, object]] = {
    "person": DEFAULT_PERSON,
    "full_copay": 0,
    "nhis_paid": 0,  # ② 공단부담금
    "over_ceiling": 0,  # ⑤ 상한액 초과금
    "days": 0,  # 입원일수
    "institution": "",
    "category": "",
    "visit": "",  # 방문묶음: lines of one 통원 (same person, same day) the person groups
    # 진료과: two 진료과 of one institution on one day are two treatment purposes, two 통원
    "department": "",
    "severe": False,  # 산정특례 (중증): the line's care is for a 산정특례 대상 질환
    "diagnosis": "",  # 상병코드 (KCD), e.g. F32.9
    "due_date": "",  # 출산예정일 (분만예정일) of a 임신·출산 line, as 2027-03-01; "" = none
}
"""Optional canonical columns and the value used when a file lacks the column."""

ASKED_WHEN_NEEDED: Final[tuple[str, ...]] = ("due_date",)
"""Optional columns whose absence is no default: the engine asks for them, naming the rows,
where a line needs one (출산예정일 of a 5세대 임신·출산 line), so the reader does not list them
among the defaulted columns."""

INTEGER_COLUMNS: Final[tuple[str, ...]] = (
    *AMOUNT_COLUMNS,
    "nhis_paid",
    "over_ceiling",
    "days",
)
"""Columns held as int64: the won amounts and 입원일수."""

CANONICAL_COLUMNS: Final[tuple[str, ...]] = (
    "person",
    "date",
    "setting",
    "tier",
    "covered_copay",
    "full_copay",
    "noncovered",
    "nhis_paid",
    "over_ceiling",
    "days",
    "institution",
    "category",
    "visit",
    "department",
    "severe",
    "diagnosis",
    "due_date",
)

COLUMN_LABELS: Final[dict[str, str]] = {
    "person": "이름 (person)",
    "date": "진료일 (date)",
    "setting": "진료구분 (setting: 입원/외래/약국)",
    "tier": "요양기관종류 (tier)",
    "covered_copay": "① 본인부담금 (covered_copay)",
    "nhis_paid": "② 공단부담금 (nhis_paid)",
    "full_copay": "③ 전액본인부담 (full_copay)",
    "noncovered": "④ 비급여 (noncovered)",
    "over_ceiling": "⑤ 상한액초과금 (over_ceiling)",
    "days": "입원일수 (days)",
    "institution": "병원명 (institution)",
    "category": "항목 (category)",
    "visit": "방문묶음 (visit)",
    "department": "진료과 (department)",
    "severe": "산정특례·중증 (severe: 예/아니오)",
    "diagnosis": "상병코드 (diagnosis: KCD, 예 F32.9)",
    "due_date": "출산예정일 (due_date: 분만예정일, 임신·출산 줄)",
}
"""Korean display name (with the canonical name) of each canonical column."""

WON_COLUMNS: Final[tuple[str, ...]] = (*AMOUNT_COLUMNS, "nhis_paid", "over_ceiling")
"""The five receipt amounts (①–⑤), each at most ``money.MAX_LINE_WON`` on one line."""

STAY_SLACK_DAYS: Final = 1
"""Days by which two 입원 receipts of one stay may miss or overlap: a 퇴원 receipt dated the
day after the 중간 one ends still joins the stay (engine/admissions.py), and two lines may share
that one day without billing it twice (receipts/overlap.py: readmission on the discharge day)."""

# --- zones (보장 축소 구간) -----------------------------------------------------------

ZONES: Final[dict[str, str]] = {
    "excluded": "보장 제외",
    "deductible": "최소공제",
    "rate": "자기부담률",
    "visit_cap": "회당 한도",
    "count_limit": "횟수 한도",
    "annual_limit": "연간 한도",
    "ceiling_offset": "상한제 환급분",
}
"""Zone codes, most binding first: the rule that decided an amount."""

ZONE_COLORS: Final[dict[str, str]] = {
    "excluded": "#7f7f7f",
    "deductible": "#d62728",
    "rate": "#ff7f0e",
    "visit_cap": "#9467bd",
    "count_limit": "#8c564b",
    "annual_limit": "#e377c2",
    "ceiling_offset": "#17becf",
    "payout": "#1f77b4",
    "self_pay": "#ff9896",
}
"""One colour per zone, shared by every plot legend (plus payout / self-pay)."""


def zone_label(code: str) -> str:
    """``"deductible"`` → ``"최소공제 (deductible)"``."""
    if code not in ZONES:
        raise InputError(f"unknown zone code {code!r}; known: {', '.join(ZONES)}")
    return f"{ZONES[code]} ({code})"
