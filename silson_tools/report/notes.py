"""Report sentences about what the numbers leave out or assume: the 상한제 refund taken out
without a 소득분위 (:class:`~silson_tools.ceiling.CertainRefund`), an assumed contract date
outside the product's sale window, and lines the engine still takes one by one where the terms
count a stay or a visit (admission caps, 상급병실, 주사)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ..ceiling import NO_CEILING
from ..dates import calendar_year_start, covered_days
from ..money import format_won
from ..receipts import ReceiptLines
from ..receipts.crosscheck import institution_key
from ..schema import STAY_SLACK_DAYS

if TYPE_CHECKING:
    from ..catalog import Policy

__all__ = [
    "TOP_PEOPLE",
    "assumed_start_note",
    "certain_refund_sentences",
    "check_dates",
    "crossing_sentences",
    "decile_refund_sentences",
    "due_date_sentences",
    "left_out_lines",
    "outpatient_units",
    "payout_percent",
    "same_purpose_days",
    "same_purpose_sentences",
    "shown_rows",
    "uncounted_sentences",
    "unnamed_acts",
    "unnamed_compare_reason",
    "unnamed_room_stays",
    "unnamed_stays",
    "unnamed_visits",
]

TOP_PEOPLE: Final = 20
"""People shown by name in the report's tables and charts; the rest are one "others" row."""


SHOWN_ROWS: Final = 10
"""Rows a sentence names; more are "…"."""


def shown_rows(rows: Sequence[int] | np.ndarray, limit: int = SHOWN_ROWS) -> str:
    """``2, 3, 7`` — the first ``limit`` rows, then `` …`` when there are more."""
    return ", ".join(map(str, list(rows[:limit]))) + (" …" if len(rows) > limit else "")


def outpatient_units(pol: Policy) -> set[str]:
    """The ``visit_unit`` of each part's 외래 rule (``institution``, ``day``, ``visit``)."""
    return {p.settings["outpatient"].visit_unit for p in pol.parts if "outpatient" in p.settings}


def left_out_lines(skipped: dict[str, str] | None) -> list[str]:
    """The comparison's left-out products (``label: why``), one line per reason: products left
    out for the same reason are named together, not the same paragraph once per product."""
    by_why: dict[str, list[str]] = {}
    for text in (skipped or {}).values():
        label, sep, why = text.partition(": ")
        by_why.setdefault(why if sep else text, []).append(label if sep else "")
    return [f"{', '.join(n for n in names if n)}: {why}" if any(names) else why
            for why, names in by_why.items()]  # fmt: skip


def payout_percent(payout: ArrayLike, claim: ArrayLike) -> np.ndarray:
    """보험금 비율 % = 100 × payout ÷ claim to one decimal, 0 where nothing was claimed; never
    shown as 100.0 while something was cut or 0.0 while something was paid (99.97 → 99.9,
    0.03 → 0.1): the one decimal must not say "all" or "nothing" when it was not."""
    p = np.asarray(payout, dtype=np.float64)
    c = np.asarray(claim, dtype=np.float64)
    pct = np.round(100 * p / np.where(c > 0, c, 1), 1)
    pct = np.where((p > 0) & (p < c), np.clip(pct, 0.1, 99.9), pct)
    return np.where(c > 0, pct, 0.0)


def won(amount: int) -> str:
    """Whole won with separators (12,000원), as the report's tables."""
    return format_won(int(amount), unit="won")


def certain_refund_sentences(totals: pd.DataFrame, unknown_years: Sequence[int] = ()) -> list[str]:
    """Without a 소득분위: what was taken out as the 상한제 refund every decile gets (적어도 …
    환급), per person and year (the first :data:`TOP_PEOPLE`), and the years left alone."""
    out = []
    if len(totals):
        total = int(totals["refund"].sum())
        out.append(
            "소득분위를 모르므로 본인부담상한제 환급은 어느 분위든 받는 만큼만 뺐습니다: "
            f"건강보험공단이 적어도 {won(total)}을 돌려주며 실손은 이를 보상하지 않습니다 "
            f"(at least {total:,} won "
            "comes back from NHIS whatever the income; silson never pays it). 소득분위를 주면 "
            "(--decile) 그 분위의 환급을 정확히 뺍니다."
        )
        for row in totals.head(TOP_PEOPLE).itertuples(index=False):
            out.append(
                f"{row.person} {row.year}년: ① 합계 {won(row.counted)} − 그해 최고 상한액 "
                f"{won(row.limit)} = 적어도 {won(row.refund)} 환급 (보험금에서 뺌)"
            )
        out += _rest_in_file(len(totals))
    if unknown_years:
        years = ", ".join(map(str, unknown_years))
        out.append(
            f"{years}년의 상한액을 몰라 그해 상한제 환급은 빼지 않았습니다 (no ceiling data for "
            f"{years}: nothing taken out there)."
        )
    return out


def crossing_sentences(parts: pd.DataFrame, certain: bool) -> list[str]:
    """입원 lines whose stay crosses 31 December (30 June before 2008), from
    ``CeilingSpec.crossing`` / ``CertainRefund.crossing``: the days of each year, and where
    the 상한제 step put the line's ①, which the receipt does not split: without a 소득분위
    where it gives the least refund (what comes back whatever the split), with one in
    proportion to the days (an estimate)."""
    if not len(parts):
        return []
    rows = list(parts.groupby("row", sort=True))
    out = [
        "해를 넘긴 입원 줄은 본인부담금 ①이 어느 해에 얼마씩 들었는지 영수증에 없습니다 "
        "(건강보험공단은 진료일의 해로 셉니다): "
        + (
            "상한제 환급은 ①을 어느 해에 나눠 두어도 받는 만큼만 뺐습니다 (a stay across a year "
            "end: only the refund every split of its ① gives is taken out)."
            if certain
            else "①을 해마다의 입원일수에 비례해 나눠 상한제 합계에 넣었으므로 그 환급은 "
            "추정입니다 (a stay across a year end: its ① is split by days, an estimate)."
        )
        + " 12월 31일까지의 중간 영수증이 있으면 두 줄로 나눠 적으면 정확해집니다."
    ]
    for row, part in rows[:TOP_PEOPLE]:
        first = part.iloc[0]
        years = ", ".join(
            f"{y}년 {d:,}일" + ("" if certain else f" ① {won(c)}")
            for y, d, c in zip(part["year"], part["days"], part["copay"], strict=True)
        )
        out.append(
            f"row {row} {first['person']} {pd.Timestamp(first['date']).date()} 입원 "
            f"{int(first['line_days']):,}일 ① {won(part['copay'].sum())}: {years}"
        )
    if len(rows) > TOP_PEOPLE:
        out.append(f"그 외 해를 넘긴 입원 {len(rows) - TOP_PEOPLE:,}줄.")
    return out


def _rest_in_file(count: int) -> list[str]:
    """Where the person-years past the first :data:`TOP_PEOPLE` are ([] when none)."""
    if count <= TOP_PEOPLE:
        return []
    return [f"그 외 {count - TOP_PEOPLE:,}건은 assessed_lines.csv의 ceiling_offset 열에 있습니다."]


def _kind(row: object) -> str:
    """Which 상한액 a person-year took: 요양병원 long stay (over the table's
    ``long_stay_days``, with the days) or 일반."""
    from ..ceiling import load_table

    if not bool(row.long_stay):  # type: ignore[attr-defined]
        return "일반"
    limit = load_table().long_stay_days
    days = int(row.days)  # type: ignore[attr-defined]
    return f"요양병원 {limit}일 초과 입원 " + (
        f"(병원급 입원 {days:,}일)" if days > limit else "(병원급 입원일수를 몰라 높은 쪽)"
    )


def decile_refund_sentences(
    totals: pd.DataFrame, years: Sequence[int], per_year: bool = False
) -> list[str]:
    """With a 소득분위: that one decile was used for every year, and per person and year (the
    first :data:`TOP_PEOPLE` with a refund or a long stay) which 상한액 was taken."""
    shown = totals[
        ((totals["refund"] > 0) | totals["long_stay"].astype(bool))
        & (totals["limit"] < NO_CEILING)  # not the years before the 상한제
    ]
    out = []
    if len(years) > 1 and not per_year:
        out.append(
            f"소득분위 하나를 모든 해 ({', '.join(map(str, years))}) 에 적용했습니다: 소득분위는 "
            "해마다 정해지므로 해마다 다르면 --decile 2023=5,2024=7 처럼 해마다 주세요 (the one "
            "--decile is used for every year; give year=decile pairs if they differ)."
        )
    for row in shown.head(TOP_PEOPLE).itertuples(index=False):
        out.append(
            f"{row.person} {row.year}년: 상한제 ① 합계 {won(row.counted)} − {row.decile}분위 "
            f"상한액 {won(row.limit)} ({_kind(row)}) = 환급 {won(row.refund)} (보험금에서 뺌)"
        )
    out += _rest_in_file(len(shown))
    return out


def uncounted_sentences(totals: pd.DataFrame, partly: bool = False) -> list[str]:
    """Where ① of 상급병실·한방·치과 lines was left out of the 상한제 total and it matters
    (the person-year has a refund, or would with it): say so and why; ``partly``: some of
    it is on 한방·치과 lines, which also hold counted care."""
    matters = totals[
        (totals["uncounted"] > 0)
        & ((totals["refund"] > 0) | (totals["counted"] + totals["uncounted"] > totals["limit"]))
    ]
    if matters.empty:
        return []
    total = int(matters["uncounted"].sum())
    text = (
        "상한제 제외 항목 (2·3인실 상급병실 입원료, 추나요법, 노인 임플란트) 줄의 "
        f"① {won(total)}은 본인부담상한제 합계에 넣지 않았고, 그 줄의 보험금은 그대로 "
        "계산했습니다 (① of items the NHIS ceiling excludes is not counted)."
    )
    if partly:
        text += (
            " 한방·치과 줄은 추나·임플란트와 다른 급여 (침, 충치 치료 등, 상한제에 들어감) 를 줄로 "
            "구별할 수 없어 통째로 뺐으므로, 환급을 실제보다 적게 뺐을 수 있습니다 "
            "(한방/치과 lines are left out as a whole)."
        )
    return [text]


def unnamed_visits(pol: Policy, lines: ReceiptLines) -> np.ndarray:
    """Positions of 외래 lines the engine cannot group under ``pol``: a product that does not
    join a day's lines (1–3세대, no ``combine_same_day``) takes each 외래 line without 병원명
    as a 통원 of its own (it may be another institution), so two or more such lines of one
    person, day, tier (요양기관종류: a 의원 and a 종합병원 are not one visit) and 진료과, with
    no 방문묶음 key, are two or more visits, each with its own deductible and cap, whether or
    not they were one visit. Lines of two 진료과 are not asked about: two 진료과 are two 통원
    at one institution too, so the answer could not change the number."""
    if pol.combine_same_day or not len(lines):
        return np.zeros(0, dtype=np.intp)
    frame = pd.DataFrame(
        {
            "person": lines["person"].to_numpy(),
            "day": lines["date"].to_numpy(),
            "open": (
                (lines["setting"] == "outpatient")
                & (lines["institution"] == "")
                & (lines["visit"] == "")
            ).to_numpy(),
        }
    )
    frame["tier"] = lines["tier"].to_numpy()  # a 의원 and a 종합병원 are not one visit
    frame["department"] = lines["department"].to_numpy()  # two 진료과: two 통원 either way
    open_ = frame[frame["open"]]
    repeated = open_.duplicated(subset=["person", "day", "tier", "department"], keep=False)
    return np.flatnonzero(frame.index.isin(open_.index[repeated.to_numpy()]))


def same_purpose_days(lines: ReceiptLines) -> np.ndarray:
    """Positions of 외래 lines of one person and day at two or more named institutions with
    the same 진료과 and no 방문묶음 shared between them: the engine takes each institution as
    a 통원 of its own (its own deductible and per-visit cap), but the terms take two visits
    of one day for the same treatment purpose as one 통원 with the highest deductible; the
    same 진료과 hints that they may have been one purpose, which only the person can say."""
    if not len(lines):
        return np.zeros(0, dtype=np.intp)
    dept = lines["department"].to_numpy(dtype=object)
    inst = lines["institution"].to_numpy(dtype=object)
    at = np.flatnonzero(
        (lines["setting"] == "outpatient").to_numpy() & (dept != "") & (inst != "")
    )
    if len(at) < 2:
        return np.zeros(0, dtype=np.intp)
    frame = pd.DataFrame(
        {
            "person": lines["person"].to_numpy(dtype=object)[at],
            "day": lines["date"].to_numpy()[at],
            "department": dept[at],
            "institution": _keys(inst[at]),
            "visit": pd.Series(lines["visit"].to_numpy(dtype=object)[at]).replace("", None),
        }
    )
    by = frame.groupby(["person", "day", "department"], sort=False)
    several = by["institution"].transform("nunique") > 1
    said = by["visit"].transform("nunique") > 0  # a 방문묶음 in the group: the person said
    return at[(several & ~said).to_numpy()]


def _keys(names: np.ndarray) -> np.ndarray:
    """Each 병원명 as lines are grouped by it (:func:`institution_key`), once per name."""
    codes, uniques = pd.factorize(names)
    return np.array([institution_key(str(u)) for u in uniques], dtype=object)[codes]


def same_purpose_sentences(pol: Policy, lines: ReceiptLines) -> list[str]:
    """Under a product that takes 통원 per institution: the rows :func:`same_purpose_days`
    finds, and how to make them one 통원 if they were one treatment purpose."""
    if "institution" not in outpatient_units(pol):
        return []
    at = same_purpose_days(lines)
    if not len(at):
        return []
    rows = lines.rows[at]
    shown = shown_rows(rows)
    return [
        f"같은 날 다른 병원의 같은 진료과 외래 (rows {shown}) 는 병원마다 한 통원으로 (공제와 회당 "
        "한도를 따로) 계산했습니다: 약관은 하루에 같은 치료 목적으로 받은 통원을 한 번으로 보고 "
        "가장 높은 공제금액을 적용하므로, 같은 치료였다면 그 줄들에 같은 방문묶음을 적으세요 "
        "(same-day outpatient visits to two institutions in one 진료과 were taken as two "
        "visits; if they were one treatment purpose, the terms count one visit: give them one "
        "방문묶음 value)."
    ]


def unnamed_acts(pol: Policy, lines: ReceiptLines) -> np.ndarray:
    """Positions of 외래 lines of a treatment part taken per act (``unit = "visit"``: 비급여
    주사, 「1회 통원에서 2회 이상 주사 → 1회」) that the engine takes one act each: an act
    joins a day's 외래 lines by 병원명 (or 방문묶음), and a line without either stays alone
    even where the 통원 itself joins a day's unnamed lines (4·5세대). So two or more such
    lines of one person, day, tier (요양기관종류) and 진료과, with no 병원명 and no 방문묶음,
    are two or more acts, each with its own deductible and count, whether or not they were
    one (two 진료과 are two 통원, so two acts, whatever the 병원명)."""
    acts: set[str] = set()
    for part in pol.parts:
        if part.treatment is not None and part.treatment.visit_unit == "visit":
            acts.update(part.categories or ())
    if not acts or len(lines) < 2:
        return np.zeros(0, dtype=np.intp)
    open_ = (
        (lines["setting"] == "outpatient") & (lines["institution"] == "") & (lines["visit"] == "")
    ).to_numpy() & np.isin(lines["category"].to_numpy(dtype=object), list(acts))
    at = np.flatnonzero(open_)
    frame = pd.DataFrame(
        {
            "person": lines["person"].to_numpy()[at],
            "day": lines["date"].to_numpy()[at],
            "tier": lines["tier"].to_numpy()[at],
            "department": lines["department"].to_numpy()[at],  # two 진료과: two 통원, two acts
        }
    )
    return at[frame.duplicated(keep=False).to_numpy()]


UNNAMED_ACTS: Final = (
    "병원명 (같은 날 병원명 없는 비급여 주사 외래 줄이 여러 줄: 한 병원의 한 번 방문이면 같은 "
    "병원명이나 같은 방문묶음 값을, 다른 병원이면 각 병원명을 적으세요 (열이 없으면 병원명 열을 "
    "만들어); 병원명 없는 주사 줄은 "
    "각각 1회로 계산하므로 그대로는 주사마다 공제·횟수가 걸립니다; the institution of same-day "
    "injection lines, or one 방문묶음 value if they were one visit: 2 injections at one visit are "
    "1 act)"
)
"""What the report would ask for on each line :func:`unnamed_acts` finds."""


def unnamed_stays(pol: Policy, lines: ReceiptLines) -> np.ndarray:
    """Positions of 입원 lines the engine cannot group into admissions under ``pol``: a line
    without 병원명 and 방문묶음 (*open*) is an admission of its own, so where ``pol`` has a
    per-admission rule it may be one admission taken as several. Stays touch as the engine
    joins them (date order; a line touches when its date ≤ the running max of the earlier
    lines' date + 입원일수 + :data:`~silson_tools.schema.STAY_SLACK_DAYS`, date alone where
    입원일수 = 0). Found:

    - ``admission_cap`` (입원 1건당, on its tiers): two or more open lines of one person and
      tier whose stays touch;
    - a 상급병실 part (``min(50% × Σ차액, 10만원 × 총 입원일수)`` per admission, 총 입원일수
      over all the admission's 입원 lines, any 항목): the open lines of a person's touching
      stay (any tier, any 항목, named lines included in the touching) that holds a
      ``room_upgrade`` line and another line — an open 일반 10일 line beside an open
      상급병실 3일 line would cap the room at 10만원 × 3, not × 10;
    - a treatment part taken per act (``unit = "visit"``: 비급여 주사, 「1회 입원에서 2회 이상
      주사 → 1회」): the open lines of a person's touching stay that holds two or more lines
      of its categories — each would be an act with its own deductible and count."""
    return _unnamed(lines, *_stay_rules(pol, lines))


def _stay_rules(pol: Policy, lines: ReceiptLines) -> tuple[set[str], set[str], set[str]]:
    """What ``pol`` counts per admission: the tiers of its ``admission_cap`` (입원 1건당),
    the categories of its 상급병실 part and those of its treatment parts taken per act."""
    tiers: set[str] = set()
    room: set[str] = set()
    acts: set[str] = set()
    for part in pol.parts:
        rule = part.settings.get("inpatient")
        if rule is not None and rule.get("admission_cap") is not None:
            tiers.update(rule.admission_cap_tiers or lines["tier"].unique().tolist())
        if part.room:
            room.update(part.categories or ())
        if part.treatment is not None and part.treatment.visit_unit == "visit":
            acts.update(part.categories or ())
    return tiers, room, acts


def unnamed_compare_reason(pol: Policy, lines: ReceiptLines) -> str:
    """Why a compared product's column is left out ("" when it is not): the lines
    :func:`unnamed_visits`, :func:`unnamed_stays` or :func:`unnamed_acts` find under ``pol``
    (rows named), and which of its per-visit, per-admission or per-act rules they leave
    undecided. ``silson report`` refuses these lines under the chosen product; a compared
    product's number would take each unnamed line as a 통원, admission or act of its own,
    so it is not shown."""
    tiers, room, acts = _stay_rules(pol, lines)
    visits = unnamed_visits(pol, lines)
    stays, acts_found = _unnamed(lines, tiers, room, acts), unnamed_acts(pol, lines)
    if not (len(visits) or len(stays) or len(acts_found)):
        return ""  # the usual case, in a few passes; which rule, only when something is found
    rules = [
        (visits, "통원 1회당 공제·한도 (a deductible and cap per visit)"),
        (_unnamed(lines, tiers, set()), "입원 1건당 보장한도 (a cap per admission)"),
        (_unnamed(lines, set(), room), "상급병실 한도 10만원 × 그 입원의 총 입원일수 (room cap)"),
        (_unnamed(lines, set(), set(), acts), "입원 중 비급여 주사 1회 (one injection act per "
         "admission)"),
        (acts_found, "같은 날 비급여 주사 1회 (one injection act per visit)"),
    ]  # fmt: skip
    hit = [(at, why) for at, why in rules if len(at)]
    if not hit:
        return ""
    rows = lines.rows[np.unique(np.concatenate([at for at, _ in hit]))]
    shown = shown_rows(rows)
    return (
        f"계산하지 않았습니다 — 병원명·방문묶음 없는 줄 (rows {shown}) 이 한 번의 통원·입원 "
        "인지 알 수 없는데 이 상품은 그 단위로 셉니다: "
        f"{', '.join(why for _, why in hit)}. 한 병원이면 같은 병원명이나 같은 방문묶음을, 다른 "
        "병원이면 각 병원명을 적으면 이 상품도 계산합니다 (not computed: each unnamed line "
        "would be a visit, admission or act of its own; name them)"
    )


def unnamed_room_stays(lines: ReceiptLines) -> np.ndarray:
    """:func:`unnamed_stays` for the 상급병실 part alone (``room_upgrade`` lines), which every
    shipped product has: what ``silson report`` refuses under any of them, for a check
    without a policy."""
    return _unnamed(lines, set(), {"room_upgrade"})


def _unnamed(
    lines: ReceiptLines, tiers: set[str], room: set[str], acts: set[str] = frozenset()
) -> np.ndarray:
    """:func:`unnamed_stays` with the ``admission_cap`` tiers, the room categories and the
    categories taken per act (``unit = "visit"``)."""
    if not (tiers or room or acts) or len(lines) < 2:
        return np.zeros(0, dtype=np.intp)
    inpatient = (lines["setting"] == "inpatient").to_numpy()
    open_ = inpatient & ((lines["institution"] == "") & (lines["visit"] == "")).to_numpy()
    found = np.zeros(len(lines), dtype=bool)
    if tiers:
        capped = open_ & np.isin(lines["tier"].to_numpy(dtype=object), list(tiers))
        stay, at = _touching(lines, np.flatnonzero(capped), by_tier=True)
        found[at[_in_shared(stay)]] = True
    if (room or acts) and open_.any():
        category = lines["category"].to_numpy(dtype=object)
        stay, at = _touching(lines, np.flatnonzero(inpatient), by_tier=False)
        is_room = np.isin(category[at], list(room))
        with_room = np.setdiff1d(
            np.unique(stay[is_room]), _room_spans_its_stay(lines, stay, at, is_room)
        )
        acted = stay[np.isin(category[at], list(acts))]
        numbers, count = np.unique(acted, return_counts=True)
        shared = np.isin(stay, with_room) | np.isin(stay, numbers[count > 1])
        found[at[_in_shared(stay) & shared & open_[at]]] = True
    return np.flatnonzero(found)


def _room_spans_its_stay(
    lines: ReceiptLines, stay: np.ndarray, at: np.ndarray, is_room: np.ndarray
) -> np.ndarray:
    """Stays (numbers of :func:`_touching`) with one 상급병실 line whose own days are every
    day of the stay, |∪ [date, date + 입원일수)| of all its lines: a receipt split into 일반 and
    상급병실 lines of the same days. Named or not, its cap is 10만원 × those days, so asking
    for 병원명 changes nothing."""
    day = lines["date"].to_numpy()[at].astype("datetime64[D]").astype(np.int64)
    end = day + lines["days"].to_numpy()[at].astype(np.int64)
    covered = covered_days(stay, day, end)
    rooms, count = np.unique(stay[is_room], return_counts=True)
    own = np.zeros(len(covered))
    np.add.at(own, stay[is_room], (end - day)[is_room])
    one = rooms[count == 1]
    return one[covered[one] == own[one]]


def _touching(lines: ReceiptLines, at: np.ndarray, by_tier: bool) -> tuple[np.ndarray, np.ndarray]:
    """The lines ``at`` in stay order and a stay number for each: one person's (and with
    ``by_tier`` one tier's) lines whose stays touch as the engine joins them (date ≤ the
    running max of the earlier lines' reach, reach = date + 입원일수 + slack, date where
    입원일수 = 0) → (stay numbers, positions)."""
    if not len(at):
        return np.zeros(0, dtype=np.int64), at
    day = lines["date"].to_numpy()[at].astype("datetime64[D]").astype(np.int64)
    days = lines["days"].to_numpy()[at].astype(np.int64)
    keys = ["person", "tier"] if by_tier else ["person"]
    frame = pd.DataFrame(
        {
            "at": at,
            "person": lines["person"].to_numpy()[at],
            "tier": lines["tier"].to_numpy()[at],
            "day": day,
            "reach": np.where(days > 0, day + days + STAY_SLACK_DAYS, day),
        }
    ).sort_values([*keys, "day", "at"], kind="stable")
    run = frame.groupby(keys, sort=False)
    before = run["reach"].cummax().groupby([frame[k] for k in keys]).shift()
    starts = ~(frame["day"] <= before)  # NaN (a run's first line) starts a stay
    return starts.cumsum().to_numpy(), frame["at"].to_numpy()


def _in_shared(stay: np.ndarray) -> np.ndarray:
    """True where a line's stay number is shared with another line."""
    _, inverse, counts = np.unique(stay, return_inverse=True, return_counts=True)
    return counts[inverse] > 1


UNNAMED_STAYS: Final = (
    "병원명 (병원명·방문묶음 없는 입원 줄의 입원 기간이 이어짐: 한 입원이면 같은 병원명이나 같은 "
    "방문묶음 값을, 다른 병원이면 각 병원명을 적으세요 (열이 없으면 병원명 열을 만들어); 병원명 "
    "없는 입원 줄은 각각 다른 입원으로 계산하므로 그대로는 입원 1건당 한도와 비급여 주사 1회 "
    "(공제·횟수) 가 줄마다 걸리고 "
    "상급병실 한도 (10만원 × 그 입원의 총 입원일수) 는 상급병실 줄의 입원일수로만 셉니다; "
    "the hospital of inpatient lines whose stays "
    "touch, or one 방문묶음 value if they were one admission: an unnamed line is an admission "
    "of its own)"
)
"""What the report asks for on each line :func:`unnamed_stays` finds."""


UNNAMED_VISITS: Final = (
    "병원명 (같은 날 병원명 없는 외래가 여러 줄: 한 병원의 한 번 방문이면 같은 병원명이나 같은 "
    "방문묶음 값을, 다른 병원이면 각 병원명을 적으세요; 1–3세대는 병원명 없는 외래 줄을 각각 "
    "다른 통원으로 계산하므로 그대로는 공제·회당 한도가 줄마다 걸립니다; the institution of "
    "same-day outpatient lines, or one 방문묶음 value if they were one visit)"
)
"""What the report asks for on each line :func:`unnamed_visits` finds."""


def check_dates(lines: ReceiptLines, decile: object, today: dt.date | None = None) -> None:
    """Refuse, naming the rows: a 진료일 after ``today`` (a typo: Excel completes a date
    typed without its year with the typing year), and with a 소득분위 a line of a year whose
    상한액 the table does not hold yet (without one, that year's refund is left out and said)."""
    from ..ceiling import load_table

    if not len(lines):
        return
    day = today or dt.date.today()
    dates = lines["date"]
    future = np.flatnonzero((dates > pd.Timestamp(day)).to_numpy())
    if len(future):
        raise lines.error(
            future,
            "date",
            f"오늘 ({day.isoformat()}) 이전의 진료일 (a date of care after today is a typo: "
            "엑셀은 연도 없이 적은 날짜에 적는 해의 연도를 붙입니다)",
            dates.iloc[future].dt.strftime("%Y-%m-%d").to_numpy(),
        )
    if decile is None:
        return
    last = max(load_table().years)
    late = np.flatnonzero((dates.dt.year > last).to_numpy())
    if len(late):
        raise lines.error(
            late,
            "date",
            f"{last}년까지의 진료일: 그 뒤 해의 본인부담상한액은 아직 자료에 없어 소득분위로 "
            "계산할 수 없습니다; 소득분위 없이 계산하면 그해 상한제 환급은 빼지 않고 알려 줍니다 "
            f"(the ceiling table ends in {last}; run without --decile)",
            dates.iloc[late].dt.strftime("%Y-%m-%d").to_numpy(),
        )


def assumed_start_note(pol: Policy, lines: ReceiptLines) -> str:
    """The warning for a contract date assumed outside ``pol``'s sale window ("" if inside)."""
    if not len(lines):
        return ""
    assumed = dt.date(int(lines["date"].min().year), 1, 1)
    if pol.any_date or pol.sold_on(assumed):
        return ""
    return (
        f"계약일을 주지 않아 {assumed.isoformat()} (첫 영수증 해의 1월 1일) 로 계산했지만 "
        f"{pol.name} ({pol.short_label or pol.label}) 은 {pol.sale_window} 에 팔린 상품입니다: "
        "--start 로 실제 계약일을 주세요, 보험연도와 약관 값이 계약일을 따릅니다 (no contract date "
        f"given; the one assumed is outside {pol.name}'s sale window {pol.sale_window})."
    )


def due_date_sentences(pol: Policy, lines: ReceiptLines, start: dt.date | None) -> list[str]:
    """Which 임신·출산 lines the 분만예정일 condition decided and how, where ``pol`` has that
    clause (5세대 급여: ① is paid only if 계약일 + 280일 ≤ 분만예정일, data/pregnancy.toml)
    and it decided a line: care of the clause (its 항목 or 상병코드) on or after the contract
    date (``start``; None: 1 January of the first receipt's year, as ``assess``) with ① > 0,

    - 출산예정일 given: met (due ≥ 계약일 + 280일: ① paid) or not (① excluded);
    - none: excluded by the date alone (a birth or 산후기 line whose birth falls before
      계약일 + 140일; ``assess`` refuses every other such line, asking for the 출산예정일).

    Rows are named (the first 10 of each kind); the exceptions the engine does not model
    (단체보험, a converted contract) are said, since they would change the answer."""
    from ..engine.exclusions import pregnancy_rule

    rule = pregnancy_rule()
    clause = next((ex for ex in pol.exclusions if ex.label == rule.exclusion), None)
    if clause is None or not len(lines):
        return []
    day = lines["date"].to_numpy().astype("datetime64[D]")
    begin = calendar_year_start(day) if start is None else np.datetime64(start, "D")
    care = np.zeros(len(lines), dtype=bool)
    if clause.categories is not None:
        care |= np.isin(lines["category"].to_numpy(dtype=object), list(clause.categories))
    if clause.diagnoses is not None:
        codes, uniques = pd.factorize(lines["diagnosis"].to_numpy(dtype=object))
        inside = [any(lo <= str(u)[:3] <= hi for lo, hi in clause.diagnoses) for u in uniques]
        care |= np.append(np.array(inside, dtype=bool), False)[codes]  # −1 (missing): False
    if clause.settings is not None:
        care &= np.isin(lines["setting"].to_numpy(dtype=object), list(clause.settings))
    care &= (day >= begin) & (lines["covered_copay"].to_numpy() > 0)
    if not care.any():
        return []
    text = lines["due_date"].to_numpy(dtype=object)
    given = text != ""
    due = np.array(np.where(given, text, "NaT"), dtype="datetime64[D]")
    late = begin + np.timedelta64(rule.days_before_due, "D")
    n, m = rule.days_before_due, rule.min_birth_days
    parts = [
        (care & given & (due >= late), f"출산예정일이 {late} 이후라 조건을 채워 ①을 보상 대상으로 "
         "계산한 줄 (due date met: ① covered)"),
        (care & given & (due < late), f"출산예정일이 {late} 전이라 ①을 보장 제외한 줄 (due date "
         "too early: ① excluded)"),
        (care & ~given, "출산예정일 없이 날짜로 ①을 보장 제외한 줄: 분만·산후기 줄의 분만일이 "
         f"계약일 + {m}일 ({begin + np.timedelta64(m, 'D')}) 전이라, 분만은 임신 만 {m // 7}주 "
         f"이후이므로 분만예정일이 어떻든 계약일 + {n}일보다 앞섭니다 (no due date: the birth "
         "date settles it)"),
    ]  # fmt: skip
    out = [
        f"{pol.short_label or pol.name} 급여는 임신·출산 줄의 ① 본인부담금을 계약일 ({begin}) + "
        f"{n}일 = {late} ≤ 분만예정일일 때만 보상합니다 (covered only if the contract began at "
        f"least {n} days before the due date); 단체보험 (그 안에도 보상) 과 같은 보험사의 이전 "
        "계약에서 전환한 계약 (이전 가입일부터 셈) 의 예외는 계산하지 않았습니다 (group and "
        "converted contracts are not modelled)."
    ]
    for hit, why in parts:
        rows = lines.rows[np.flatnonzero(hit)]
        if len(rows):
            shown = shown_rows(rows)
            out.append(f"{why}: {len(rows):,}줄 (rows {shown})")
    return out
