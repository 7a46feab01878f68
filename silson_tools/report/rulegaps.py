"""Report sentences where a rule of the terms bites but the engine does not model it, naming
the rows it touches, so that no number it changes is shown without a word:

- 재가입 (re-entry): lines on or after 계약일 + 재가입주기 (``[policy.reentry]``) fall under the
  contract re-made on that date under the standard terms then in force (another product);
  the engine computes them under the old product.
- 의료급여: receipts of a 의료급여 수급권자 get the 건강보험 본인부담상한제 table; the 의료급여
  본인부담상한제·보상제 (lower amounts, 1종/2종) is not modelled.
- 5세대 특약2 병·의원 입원 300만원 per admission: the engine holds only the general 비급여 of
  the admission under it, not the 상급병실 차액 (its own part).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd

from ..dates import calendar_year_start
from ..money import format_won
from ..receipts import ReceiptLines
from .notes import shown_rows

if TYPE_CHECKING:
    from ..catalog import Policy

__all__ = [
    "MEDICAL_AID_ROWS",
    "medical_aid_sentences",
    "reentry_date",
    "reentry_sentences",
    "room_cap_sentences",
    "rule_gap_sentences",
]

SHOWN: Final = 10
"""Rows named in one sentence; more are "…"."""
MEDICAL_AID_ROWS: Final = "medical_aid_rows"
"""``attrs["source"]`` key: the sheet rows whose 환자구분 says 의료급여 (the reader's)."""


def _rows(rows: np.ndarray) -> str:
    """``2줄 (rows 2, 3)``, at most :data:`SHOWN` rows named."""
    return f"{len(rows):,}줄 (rows {shown_rows(rows, SHOWN)})"


def reentry_date(start: dt.date, years: int) -> dt.date:
    """계약일 + ``years`` 년 (the 계약해당일; 29 February → 28 February in a common year)."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)


def reentry_sentences(
    pol: Policy, lines: ReceiptLines, start: dt.date | None, assessed: pd.DataFrame
) -> list[str]:
    """Lines with 진료일 ≥ 계약일 + 재가입주기 (``start``; None: 1 January of the first receipt's
    year, as ``assess``), named with what they were paid under ``pol`` and the payout of the
    earlier lines (unchanged by the later ones: the engine runs in date order), and how to
    compute them: the product sold on the 재가입일, from that date."""
    if pol.reentry is None or not len(lines):
        return []
    day = lines["date"].to_numpy().astype("datetime64[D]")
    begin = calendar_year_start(day) if start is None else np.datetime64(start, "D")
    begin_day = begin.astype(dt.date)
    param = pol.reentry
    i = param.index(begin_day)
    years = param.values[i]
    if years is None:
        return []
    again = reentry_date(begin_day, int(years))
    late = day >= np.datetime64(again, "D")
    if not late.any():
        return []
    from ..product_model import _sold_products

    payout = assessed["payout"].loc[lines.rows].to_numpy()
    rows = lines.rows[np.flatnonzero(late)]
    then = [s.split(" ")[0] for s in _sold_products(again)]
    how = (
        f"--policy {then[-1]} --start {again} 로 그 줄만 따로 계산하세요 (compute them with "
        f"--policy {then[-1]} --start {again})"
        if then
        else "그날 팔리는 상품 파일이 없어 계산할 수 없습니다 (no shipped product is sold then)"
    )
    name = pol.short_label or pol.name
    text = (
        f"재가입: {name} 계약 ({begin_day}) 은 재가입주기 {years}년이 되는 {again} 에 그때의 "
        f"표준약관으로 다시 맺는 새 계약이 됩니다 ({param.label}, {param.confidence[i]}: "
        f"{param.sources[i]}). 그날과 그 뒤의 {_rows(rows)} 은 새 계약의 약관을 따르는데, 이 "
        f"보고서는 {name} 로 셈했습니다 (그 줄의 보험금 {format_won(int(payout[late].sum()))}): "
        f"{how} (these lines fall under the contract re-made on {again} under the terms then "
        "in force)."
    )
    if (~late).any():
        text += (
            f" 그 전 줄의 보험금 {format_won(int(payout[~late].sum()))} 은 {name} 약관 그대로이고 "
            "뒤의 줄이 바꾸지 않습니다 (the engine runs in date order; the earlier lines' "
            "payout stands)."
        )
    days = np.maximum(lines["days"].to_numpy(dtype=np.int64), 1).astype("timedelta64[D]")
    setting = lines["setting"].to_numpy(dtype=object)
    spans = ~late & (setting == "inpatient") & (day + days > np.datetime64(again, "D"))
    if spans.any():
        text += (
            f" 입원이 {again} 을 넘어 이어지는 {_rows(lines.rows[np.flatnonzero(spans)])} 은 "
            f"그 입원 전체를 {name} 로 셈했습니다; 재가입일 뒤의 입원일을 어느 계약이 "
            "보상하는지는 계산하지 않았습니다 (a stay running past the re-entry date is "
            "computed whole under the old contract)."
        )
    return [text]


def _cover_header(notes: Sequence[object]) -> str | None:
    """The 환자구분 (cover) header among the columns the reader checked and did not read (its
    ``checked_note`` sentence), or None."""
    from ..receipts.header import default_aliases
    from ..receipts.sides import checked_note, side_kind

    prefix = checked_note(["?"])[0][:-1]
    for note in notes:
        text = str(note)
        if text.startswith(prefix):
            for header in text[len(prefix) :].split(", "):
                if side_kind(header, default_aliases()) == "cover":
                    return header
    return None


def medical_aid_sentences(lines: ReceiptLines) -> list[str]:
    """의료급여 lines (the reader's ``attrs["source"]["medical_aid_rows"]``) named: the 건강보험
    상한제 table was applied to them and the 의료급여 상한제·보상제 is not modelled. A reader
    that does not give those rows, with a 환자구분 column checked, gets a sentence without
    rows."""
    source = lines.attrs.get("source") or {}
    if MEDICAL_AID_ROWS in source:
        aid = np.intersect1d(np.asarray(source[MEDICAL_AID_ROWS], dtype=np.int64), lines.rows)
        if not len(aid):
            return []
        where = f"환자구분이 의료급여인 {_rows(aid)}"
    elif (cover := _cover_header(source.get("notes", ()))) is not None:
        where = f"{cover} 열에 의료급여라고 적힌 줄이 있다면 그 줄"
    else:
        return []
    return [
        f"의료급여: {where}에는 건강보험 본인부담상한제 표를 썼습니다. 의료급여 수급권자의 "
        "본인부담상한제·보상제 (1종·2종의 월·연 상한, 건강보험과 다른 금액) 는 계산하지 "
        "않았습니다. 그 상한을 넘어 의료급여에서 돌려받는 본인부담은 건강보험 상한제 환급처럼 "
        "실손이 보상하지 않으므로, 그 줄의 보험금은 실제보다 클 수 있습니다 (the 의료급여 "
        "본인부담상한제 is not modelled: the payout of these lines may be too high)."
    ]


def room_cap_sentences(pol: Policy, lines: ReceiptLines, assessed: pd.DataFrame) -> list[str]:
    """상급병실 lines whose admission's 비급여 (the part with a per-admission
    ``admission_cap``, its tiers) and 상급병실 payouts together exceed that cap: the terms may
    hold both under it (5세대 특약2 병·의원 입원 300만원); the engine caps the general part
    only. An admission here: same person and institution, inpatient, spans
    [진료일, 진료일 + 입원일수] touching the 상급병실 line's."""
    room_i = next((i for i, p in enumerate(pol.parts) if p.kind == "room"), None)
    if room_i is None or not len(lines):
        return []
    capped = [
        (i, p, r)
        for i, p in enumerate(pol.parts)
        if (r := p.settings.get("inpatient")) is not None and r.get("admission_cap") is not None
    ]
    if not capped:
        return []
    setting = lines["setting"].to_numpy(dtype=object)
    category = lines["category"].to_numpy(dtype=object)
    severe = lines["severe"].to_numpy(dtype=bool)
    tier = lines["tier"].to_numpy(dtype=object)
    person = lines["person"].to_numpy(dtype=object)
    place = lines["institution"].to_numpy(dtype=object)
    day = lines["date"].to_numpy().astype("datetime64[D]")
    end = day + np.maximum(lines["days"].to_numpy(dtype=np.int64), 1).astype("timedelta64[D]")
    paid_nc = assessed["payout_noncovered"].loc[lines.rows].to_numpy()
    route = np.array(
        [pol.route("noncovered", str(c), bool(s)) for c, s in zip(category, severe, strict=True)]
    )
    out = []
    for part_i, part, rule in capped:
        tiers = set(rule.admission_cap_tiers) if rule.admission_cap_tiers else None
        cap = int(rule.params["admission_cap"].values[-1])
        hit: list[int] = []
        over = 0
        rooms = np.flatnonzero(
            (route == room_i) & (setting == "inpatient") & (paid_nc > 0)
            & (np.isin(tier, list(tiers)) if tiers else True)
        )  # fmt: skip
        for j in rooms:
            same = (
                (person == person[j]) & (place == place[j]) & (setting == "inpatient")
                & (route == part_i) & (day <= end[j]) & (end >= day[j])
            )  # fmt: skip
            both = int(paid_nc[same].sum()) + int(paid_nc[j])
            if both > cap:
                hit.append(j)
                over = max(over, both - cap)
        if hit:
            out.append(
                f"상급병실 차액: {_rows(lines.rows[hit])} 의 입원에서 {part.label} 입원 보험금과 "
                f"상급병실 차액 보험금을 더하면 1회 입원 한도 {format_won(cap)} 을 넘습니다 "
                f"(한 입원에서 가장 많이 {format_won(over)} 넘음). 약관이 상급병실 차액도 그 "
                "특약의 입원 한도 안에서 보상하는지 분명하지 않아, 이 보고서는 상급병실 차액을 "
                "따로 (한도 밖에서) 셈했습니다: 한도 안이라면 그만큼 보험금이 줄어듭니다 (the "
                "room difference is computed outside the per-admission cap; if the terms hold "
                "it under the cap, the payout is lower by up to that amount)."
            )
    return out


def rule_gap_sentences(
    pol: Policy, lines: ReceiptLines, start: dt.date | None, assessed: pd.DataFrame
) -> list[str]:
    """Every sentence of this module, in order: 재가입, 의료급여, 상급병실 under the cap."""
    return (
        reentry_sentences(pol, lines, start, assessed)
        + medical_aid_sentences(lines)
        + room_cap_sentences(pol, lines, assessed)
    )
