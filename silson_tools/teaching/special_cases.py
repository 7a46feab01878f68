"""Two situations the generation tables of notebook 02 leave out, as tables for people.

- **중증 (산정특례) under 5세대**: the same year of a cancer patient's receipts under 4세대,
  under 5세대 with the lines marked 산정특례 (특약1: 30% / max(30%, 3만원), 5천만원, and a
  yearly 500만원 cap on the deductible of 상급종합·종합병원 입원), and under 5세대 if nobody
  marked them (특약2: 50%, 1천만원, 주사 excluded).
- **Two 실손 policies at once (중복가입, 비례보상)**: the standard terms' 「다수보험의 처리」 on
  one admission: together they pay at most the largest 보상대상의료비 less the smallest
  공제금액, shared in proportion to what each would pay alone.

The receipts are made up (no real person); every number comes from the product files.
"""

from __future__ import annotations

import pandas as pd

from ..catalog import Policy, generation_product, load_policy, products
from ..engine import assess, assess_many
from ..people import Html, table

__all__ = [
    "CANCER_START",
    "cancer_year",
    "duplicate_admission",
    "duplicate_table",
    "severe_table",
]

CANCER_START = "2026-06-01"
"""The contract date of the 중증 example (a 5세대 contract)."""


def cancer_year() -> pd.DataFrame:
    """A made-up year of a cancer patient (산정특례, 본인부담 5%): two admissions at a
    상급종합병원 with 비급여 (신약·검사), monthly outpatient 항암주사 and two MRIs, with
    급여 ① and ② as on a receipt."""
    rows = [
        ("2026-07-06", "inpatient", "tertiary", 600_000, 11_400_000, 12_000_000, 14, ""),
        ("2026-10-05", "inpatient", "tertiary", 400_000, 7_600_000, 6_000_000, 10, ""),
        *[
            (f"2026-{m:02d}-20", "outpatient", "tertiary", 50_000, 950_000, 400_000, 0,
             "injection_exempt")
            for m in range(7, 13)
        ],
        ("2026-08-03", "outpatient", "tertiary", 20_000, 380_000, 700_000, 0, "mri"),
        ("2026-11-02", "outpatient", "tertiary", 20_000, 380_000, 700_000, 0, "mri"),
    ]  # fmt: skip
    columns = ["date", "setting", "tier", "covered_copay", "nhis_paid", "noncovered", "days",
               "category"]  # fmt: skip
    out = pd.DataFrame(rows, columns=columns)
    out["severe"] = True
    out["institution"] = "대학병원"
    out["diagnosis"] = "C50.9"
    return out


def _totals(label: str, out: pd.DataFrame) -> dict[str, object]:
    return {
        "경우 (case)": label,
        "청구액 (claim)": int(out["claim"].sum()),
        "보험금 (payout)": int(out["payout"].sum()),
        "자기부담 (self-pay)": int(out["self_pay"].sum()),
        "공제 한도 환급 (deductible cap refund)": int(out["selfpay_cap_refund"].sum()),
        "보장 제외 (excluded)": int(out["excluded"].sum()),
    }


def severe_table() -> Html:
    """The cancer year under 4세대, 5세대 특약1 (marked 산정특례) and 5세대 특약2 (unmarked)."""
    receipts = cancer_year()
    gen4, gen5 = generation_product(4), generation_product(5)
    cases = [
        ("4세대 (산정특례 구분 없음)", receipts, gen4),
        ("5세대, 산정특례 표시 → 특약1 (중증)", receipts, gen5),
        ("5세대, 표시 안 함 → 특약2 (비중증)", receipts.assign(severe=False), gen5),
    ]
    rows = [
        _totals(label, assess(frame, load_policy(name), policy_start=CANCER_START))
        for label, frame, name in cases
    ]
    return _money_table(rows, "같은 1년 치 영수증 (암, 상급종합병원), 세 가지 경우")


def duplicate_admission() -> pd.DataFrame:
    """금융감독원 금융꿀팁's example: 입원 100만원 (급여 ①), two 2세대 policies."""
    return pd.DataFrame(
        {
            "date": ["2015-03-02"],
            "setting": ["inpatient"],
            "tier": ["hospital"],
            "covered_copay": [1_000_000],
            "noncovered": [0],
            "days": [5],
        }
    )


DUPLICATE_START = "2014-01-01"


def ten_percent_policy() -> Policy:
    """The FSS example's policy: the first 2세대 product whose 입원 급여 self-pay rate is 10%
    on :data:`DUPLICATE_START` (선택형Ⅰ)."""
    for name in products():
        pol = load_policy(name)
        if not pol.generation.startswith("2"):
            continue
        rate = pol.for_contract(DUPLICATE_START).parts[0].settings["inpatient"].get("rate_covered")
        if rate is not None and rate.values[-1] == 0.10:
            return pol
    raise LookupError("no 2세대 product with a 10% 입원 rate")  # pragma: no cover - data


def duplicate_table() -> Html:
    """What each of two policies would pay alone and what they pay together (비례보상)."""
    pol = ten_percent_policy()
    out = assess_many(duplicate_admission(), [pol, pol], DUPLICATE_START)
    row = out.iloc[0]
    rows = [
        {
            "보험 (policy)": f"실손 {k}: {pol.short_label}",
            "혼자라면 (alone)": int(row[f"standalone_{name}"]),
            "공제금액 (deductible)": int(row[f"deductible_{name}"]),
            "함께일 때 (together)": int(row[f"payout_{name}"]),
        }
        for k, name in ((1, pol.name), (2, f"{pol.name}_2"))
    ]
    rows.append(
        {
            "보험 (policy)": "합계 (total): 최대 100만 − 최소 공제 10만",
            "혼자라면 (alone)": sum(int(r["혼자라면 (alone)"]) for r in rows),
            "공제금액 (deductible)": int(row["min_deductible"]),
            "함께일 때 (together)": int(row["payout"]),
        }
    )
    return _money_table(rows, "입원 100만원, 같은 실손 두 개 (금융감독원 금융꿀팁의 예)")


def _money_table(rows: list[dict[str, object]], caption: str) -> Html:
    """Rows whose first column names the case and whose other columns are won amounts."""
    names = list(rows[0])
    return table(rows, {k: k for k in names}, money_columns=names[1:], caption=caption)
